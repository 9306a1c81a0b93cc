/* Structured logs: one JSON object per line on stderr. */
#ifndef GOFN_SERVER_LOG_H
#define GOFN_SERVER_LOG_H

#include <jansson.h>
#include <stddef.h>

/* A JSON string of s; bytes that are not valid UTF-8 (a URL can carry any,
 * %-decoded) become '?', so a message never makes a reply or line vanish. */
json_t *gofn_json_text(const char *s);

/* fields (may be NULL) is consumed. */
void gofn_log(const char *level, const char *event, json_t *fields);

/* A field of gofn_log_fields: a string (NULL: JSON null) or an integer;
 * also bytes from outside (n of them, UTF-8 checked). */
typedef struct {
	const char *key; /* a name written in the code: letters, digits, '_' */
	const char *s;
	long long i;
	int is_int;
	int is_bytes;
	size_t n;
} gofn_log_field;
#define GOFN_LOG_STR(k, v) ((gofn_log_field){.key = (k), .s = (v)})
#define GOFN_LOG_INT(k, v) ((gofn_log_field){.key = (k), .i = (v), .is_int = 1})
#define GOFN_LOG_BYTES(k, p, len)                                                                  \
	((gofn_log_field){.key = (k), .s = (p), .n = (len), .is_bytes = 1})

/* gofn_log with an object of these fields, in this order: the lines of
 * every request (server/http.c) name their fields without
 * a json_pack format to parse. */
void gofn_log_fields(const char *level, const char *event, const gofn_log_field *f, size_t n);

/* f's fields as the members of a JSON object, "key":value joined by ','
 * (no braces), into buf (cap bytes), in f's order, as a dump of
 * an object of them writes them: their length, or 0 if they do not
 * fit or a string is not UTF-8. Without an object: plain printable ASCII
 * is copied between quotes, any other string is jansson's dump of it
 * (escapes, UTF-8 check), an integer is written as jansson writes it. The
 * keys must differ from each other (an object would keep one). */
size_t gofn_json_members(char *buf, size_t cap, const gofn_log_field *f, size_t n);

#endif
