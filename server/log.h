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

/* A field of gofn_log_fields: a string (NULL: JSON null) or an integer. */
typedef struct {
	const char *key; /* a name written in the code: letters, digits, '_' */
	const char *s;
	long long i;
	int is_int;
} gofn_log_field;
#define GOFN_LOG_STR(k, v) ((gofn_log_field){.key = (k), .s = (v)})
#define GOFN_LOG_INT(k, v) ((gofn_log_field){.key = (k), .i = (v), .is_int = 1})

/* gofn_log with an object of these fields, in this order: the lines of
 * every request (server/http.c) name their fields without
 * a json_pack format to parse. */
void gofn_log_fields(const char *level, const char *event, const gofn_log_field *f, size_t n);

#endif
