/* Structured logs: one JSON object per line on stderr. */
#ifndef GOFN_SERVER_LOG_H
#define GOFN_SERVER_LOG_H

#include <jansson.h>

/* fields (may be NULL) is consumed. */
void gofn_log(const char *level, const char *event, json_t *fields);

#endif
