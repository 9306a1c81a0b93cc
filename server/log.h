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

/* The same line as gofn_log with an object of these fields, in this
 * order, without building one: the lines of every request (server/http.c,
 * server/h_invoke.c), where jansson's object, pack and dump were a sixth of
 * gofnd's instructions per warm invoke (docs/benchmarks.md). */
void gofn_log_fields(const char *level, const char *event, const gofn_log_field *f, size_t n);

/* s as a JSON string at out (at most cap bytes; returns the length, 0 if
 * it does not fit). Printable ASCII other than '"' and '\\' needs no
 * escape and is copied as jansson would write it; any other string goes
 * through jansson (gofn_json_text). */
size_t gofn_json_put_string(char *out, size_t cap, const char *s);

/* v in decimal at out, NUL-terminated (as "%lld" writes it, without the
 * format machinery); returns its length. */
size_t gofn_fmt_ll(char out[24], long long v);

/* This thread's lines are held back (up to 4 KiB) until gofn_log_flush,
 * which writes them at once and stops holding: an invoke's two lines in
 * one write (server/h_invoke.c holds once the call is over, server/http.c
 * flushes when the handler returns). */
void gofn_log_hold(void);
void gofn_log_flush(void);

#endif
