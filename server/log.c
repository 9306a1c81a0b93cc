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

/* level and event are names written in the code: letters, digits, '_'. */
static int plain_name(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return 0;
	return 1;
}

static void put_line(const char *line, size_t len)
{
	/* One write per line (stderr is unbuffered): concurrent lines stay whole. */
	flockfile(stderr);
	fwrite(line, 1, len, stderr);
	funlockfile(stderr);
}

/* The general way: an object of the three, fields merged into it. */
static void log_merged(const char *when, const char *level, const char *event, json_t *fields)
{
	json_t *o = json_pack("{s:s, s:s, s:s}", "ts", when, "level", level, "event", event);
	if (o && fields)
		json_object_update(o, fields);
	char *line = o ? json_dumps(o, JSON_COMPACT) : NULL;
	if (line) {
		size_t len = strlen(line);
		char *nl = realloc(line, len + 2);
		if (nl) {
			line = nl;
			line[len++] = '\n';
			put_line(line, len);
		}
	}
	free(line);
	json_decref(o);
}

void gofn_log(const char *level, const char *event, json_t *fields)
{
	struct timespec ts;
	struct tm tm;
	char when[64], buf[4096];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	size_t n = strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(when + n, sizeof when - n, ".%03ldZ", ts.tv_nsec / 1000000);

	/* Two lines per invoke: the head is printed and the fields dumped
	 * after it, instead of building a second object and merging (a third
	 * of the line's cost). The same text as log_merged's, key order too. */
	int head = -1;
	if (plain_name(level) && plain_name(event) &&
	    (!fields || (json_is_object(fields) && !json_object_get(fields, "ts") &&
			 !json_object_get(fields, "level") && !json_object_get(fields, "event"))))
		head = snprintf(buf, sizeof buf, "{\"ts\":\"%s\",\"level\":\"%s\",\"event\":\"%s\"",
				when, level, event);
	if (head > 0 && (size_t)head < sizeof buf - 2) {
		size_t len = (size_t)head;
		if (fields && json_object_size(fields)) {
			/* the fields' "{" becomes the ",", their "}" ends the line */
			size_t m =
			    json_dumpb(fields, buf + len, sizeof buf - len - 1, JSON_COMPACT);
			if (m == 0 || m >= sizeof buf - len - 1) {
				log_merged(when, level, event, fields);
				json_decref(fields);
				return;
			}
			buf[len] = ',';
			len += m;
		} else {
			buf[len++] = '}';
		}
		buf[len++] = '\n';
		put_line(buf, len);
	} else {
		log_merged(when, level, event, fields);
	}
	json_decref(fields);
}
