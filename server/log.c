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

/* Lines this thread holds back (gofn_log_hold): a request's lines, its
 * invocation's and its http line, go out in one write instead of two. */
#define HELD_MAX 4096
static _Thread_local struct {
	int on;
	size_t len;
	char buf[HELD_MAX];
} held;

static void write_out(const char *text, size_t len)
{
	/* One write per call (stderr is unbuffered): concurrent lines stay whole. */
	flockfile(stderr);
	fwrite(text, 1, len, stderr);
	funlockfile(stderr);
}

static void flush_held(void)
{
	if (held.len)
		write_out(held.buf, held.len);
	held.len = 0;
}

static void put_line(const char *line, size_t len)
{
	if (held.on && len <= HELD_MAX - held.len) {
		memcpy(held.buf + held.len, line, len);
		held.len += len;
		return;
	}
	flush_held(); /* what is held goes first: the lines keep their order */
	write_out(line, len);
}

void gofn_log_hold(void)
{
	held.on = 1;
}

void gofn_log_flush(void)
{
	flush_held();
	held.on = 0;
}

/* "2026-12-06T01:02:03.456Z": gmtime_r and strftime once a second per
 * thread, not per line. */
static void timestamp(char *when, size_t cap)
{
	static _Thread_local time_t sec = -1;
	static _Thread_local char head[32];
	static _Thread_local size_t headlen;
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (ts.tv_sec != sec) {
		struct tm tm;
		gmtime_r(&ts.tv_sec, &tm);
		headlen = strftime(head, sizeof head, "%Y-%m-%dT%H:%M:%S", &tm);
		sec = ts.tv_sec;
	}
	long ms = ts.tv_nsec / 1000000;
	if (cap < headlen + 6) {
		when[0] = 0;
		return;
	}
	memcpy(when, head, headlen);
	when[headlen] = '.';
	when[headlen + 1] = (char)('0' + ms / 100);
	when[headlen + 2] = (char)('0' + ms / 10 % 10);
	when[headlen + 3] = (char)('0' + ms % 10);
	when[headlen + 4] = 'Z';
	when[headlen + 5] = 0;
}

static json_t *fields_object(const gofn_log_field *f, size_t n)
{
	json_t *o = json_object();

	for (size_t i = 0; o && i < n; i++)
		json_object_set_new_nocheck(o, f[i].key, /* a name in the code */
					    f[i].is_int ? json_integer(f[i].i)
					    : f[i].s	? gofn_json_text(f[i].s)
							: json_null());
	return o;
}

void gofn_log_fields(const char *level, const char *event, const gofn_log_field *f, size_t n)
{
	gofn_log(level, event, fields_object(f, n));
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
	char when[64], buf[4096];

	timestamp(when, sizeof when);

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
