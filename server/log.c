#include "server/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

json_t *gofn_json_text(const char *s)
{
	json_t *j = json_string(s);

	if (j)
		return j;
	char *copy = strdup(s);
	if (!copy)
		return json_string("?");
	/* Crude but total: keep ASCII, mask the rest. */
	for (unsigned char *p = (unsigned char *)copy; *p; p++)
		if (*p >= 0x80)
			*p = '?';
	j = json_string(copy);
	free(copy);
	return j ? j : json_string("?");
}

void gofn_log(const char *level, const char *event, json_t *fields)
{
	struct timespec ts;
	struct tm tm;
	char when[64];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	size_t n = strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(when + n, sizeof when - n, ".%03ldZ", ts.tv_nsec / 1000000);

	json_t *o = json_pack("{s:s, s:s, s:s}", "ts", when, "level", level, "event", event);
	if (o && fields)
		json_object_update(o, fields);
	json_decref(fields);
	/* The line and its newline in one write (stderr is unbuffered): one
	 * system call per line, and concurrent lines stay whole. */
	char buf[4096], *line = NULL;
	size_t len = 0;
	if (o) {
		len = json_dumpb(o, buf, sizeof buf - 1, JSON_COMPACT);
		if (len > 0 && len < sizeof buf - 1)
			line = buf;
		else if ((line = json_dumps(o, JSON_COMPACT)))
			len = strlen(line);
	}
	if (line) {
		flockfile(stderr);
		if (line == buf) {
			buf[len] = '\n';
			fwrite(buf, 1, len + 1, stderr);
		} else {
			fputs(line, stderr);
			fputc('\n', stderr);
		}
		funlockfile(stderr);
	}
	if (line != buf)
		free(line);
	json_decref(o);
}
