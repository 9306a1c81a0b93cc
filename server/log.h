/* Structured logs: one JSON object per line on stderr. */
#ifndef GOFN_SERVER_LOG_H
#define GOFN_SERVER_LOG_H

#include <jansson.h>

/* A JSON string of s; bytes that are not valid UTF-8 (a URL can carry any,
 * %-decoded) become '?', so a message never makes a reply or line vanish. */
json_t *gofn_json_text(const char *s);

/* fields (may be NULL) is consumed. */
void gofn_log(const char *level, const char *event, json_t *fields);

#endif
