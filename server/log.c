#include "server/log.h"

#include <pthread.h>
#include <stdint.h>
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

/* Strings through gofn_json_text: a line is built as an object only when
 * gofn_json_members could not write it, and then with its '?'s. */
static json_t *field_value(const gofn_log_field *f)
{
	return f->is_int     ? json_integer(f->i)
	       : !f->s	     ? json_null()
	       : f->is_bytes ? json_stringn(f->s, f->n)
			     : gofn_json_text(f->s);
}

/* NULL if a value could not be made (bytes not UTF-8, no memory). */
static json_t *fields_object(const gofn_log_field *f, size_t n)
{
	json_t *o = json_object();

	for (size_t i = 0; o && i < n; i++)
		if (json_object_set_new_nocheck(o, f[i].key, /* a name in the code */
						field_value(&f[i])) < 0) {
			json_decref(o);
			o = NULL;
		}
	return o;
}

/* Each thread keeps the jansson string gofn_json_members dumps a string
 * that is not plain through, instead of making and freeing one a string.
 * Freed when the thread ends (MHD's connection threads end with their
 * connection). */
typedef struct {
	json_t *str; /* gofn_json_members' string to escape */
} kept_lines;
static pthread_key_t kept_key;
static int kept_ok;
static pthread_once_t kept_once = PTHREAD_ONCE_INIT;

static void kept_free(void *arg)
{
	kept_lines *k = arg;

	json_decref(k->str);
	free(k);
}

static void kept_init(void)
{
	kept_ok = pthread_key_create(&kept_key, kept_free) == 0;
}

/* This thread's kept objects, made on its first use; NULL if no memory. */
static kept_lines *kept_get(void)
{
	pthread_once(&kept_once, kept_init);
	kept_lines *k = kept_ok ? pthread_getspecific(kept_key) : NULL;

	if (!kept_ok || k)
		return k;
	if (!(k = calloc(1, sizeof *k)) || pthread_setspecific(kept_key, k) != 0) {
		free(k);
		return NULL;
	}
	return k;
}

/* s (n bytes) appended to buf at *len if it fits in cap; 0, or -1. */
static int put(char *buf, size_t cap, size_t *len, const char *s, size_t n)
{
	if (n > cap - *len)
		return -1;
	memcpy(buf + *len, s, n);
	*len += n;
	return 0;
}

/* 1 if jansson writes s (n bytes) as it is, between quotes: printable
 * ASCII but '"' and '\\' (its dump escapes those and bytes under 0x20;
 * 0x7f and above go through it, which also checks UTF-8). */
static int plain_byte(unsigned char c)
{
	return c >= 0x20 && c <= 0x7e && c != '"' && c != '\\';
}

/* Eight bytes at a time (a byte-wise loop was most of the line's and the
 * reply's writing, 8 instructions a byte): a byte under 0x20 ("has less
 * than"), with its top bit set, or equal to 0x7f, '"' or '\\' (a zero
 * byte of w ^ that byte everywhere) makes the word not plain. Each test is
 * exact for "some byte of the word is". */
#define ONES 0x0101010101010101ULL
#define TOPS 0x8080808080808080ULL
static int plain_word(uint64_t w)
{
	uint64_t q = w ^ (ONES * '"'), b = w ^ (ONES * '\\'), d = w ^ (ONES * 0x7f);
	uint64_t bad = ((w - ONES * 0x20) & ~w) | w | ((q - ONES) & ~q) | ((b - ONES) & ~b) |
		       ((d - ONES) & ~d);

	return (bad & TOPS) == 0;
}

static int plain_text(const char *s, size_t n)
{
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, s + i, 8);
		if (!plain_word(w))
			return 0;
	}
	for (; i < n; i++)
		if (!plain_byte((unsigned char)s[i]))
			return 0;
	return 1;
}

/* s as a JSON string at buf + *len: as it is when plain, else jansson's
 * dump of it (escapes, and the UTF-8 check that fails it). */
static int put_string(char *buf, size_t cap, size_t *len, const char *s, size_t n)
{
	if (plain_text(s, n)) {
		if (n + 2 > cap - *len)
			return -1;
		buf[*len] = '"';
		memcpy(buf + *len + 1, s, n);
		buf[*len + 1 + n] = '"';
		*len += n + 2;
		return 0;
	}
	kept_lines *k = kept_get();
	if (!k)
		return -1;
	if (k->str ? json_string_setn_nocheck(k->str, s, n) < 0
		   : !(k->str = json_stringn_nocheck(s, n)))
		return -1;
	size_t m = json_dumpb(k->str, buf + *len, cap - *len, JSON_ENCODE_ANY);
	if (m == 0 || m > cap - *len)
		return -1;
	*len += m;
	return 0;
}

/* v in decimal, as jansson's "%lld" writes it. */
static int put_int(char *buf, size_t cap, size_t *len, long long v)
{
	char d[24];
	size_t i = sizeof d;
	/* the magnitude as unsigned: LLONG_MIN has no positive */
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;

	do
		d[--i] = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		d[--i] = '-';
	return put(buf, cap, len, d + i, sizeof d - i);
}

size_t gofn_json_members(char *buf, size_t cap, const gofn_log_field *f, size_t n)
{
	size_t len = 0;

	for (size_t i = 0; i < n; i++) {
		size_t kn = strlen(f[i].key);
		if (kn + 4 > cap - len)
			return 0;
		if (i)
			buf[len++] = ',';
		buf[len++] = '"';
		memcpy(buf + len, f[i].key, kn); /* a name in the code */
		len += kn;
		buf[len++] = '"';
		buf[len++] = ':';
		int rc = f[i].is_int ? put_int(buf, cap, &len, f[i].i)
			 : !f[i].s   ? put(buf, cap, &len, "null", 4)
				     : put_string(buf, cap, &len, f[i].s,
						  f[i].is_bytes ? f[i].n : strlen(f[i].s));
		if (rc < 0)
			return 0;
	}
	return len;
}

/* Writes {"ts":..,"level":..,"event":.., then the fields: 0, or -1 with
 * nothing written when the fields do not dump (not UTF-8, over the
 * buffer). level and event are plain names, no field is named like the
 * head's three (the callers check). */
static int head_and_fields(const char *when, const char *level, const char *event,
			   const json_t *fields)
{
	char buf[4096];
	int head = snprintf(buf, sizeof buf, "{\"ts\":\"%s\",\"level\":\"%s\",\"event\":\"%s\"",
			    when, level, event);

	if (head <= 0 || (size_t)head >= sizeof buf - 2)
		return -1;
	size_t len = (size_t)head;
	if (fields && json_object_size(fields)) {
		/* the fields' "{" becomes the ",", their "}" ends the line */
		size_t m = json_dumpb(fields, buf + len, sizeof buf - len - 1, JSON_COMPACT);
		if (m == 0 || m >= sizeof buf - len - 1)
			return -1;
		buf[len] = ',';
		len += m;
	} else {
		buf[len++] = '}';
	}
	buf[len++] = '\n';
	put_line(buf, len);
	return 0;
}

static int head_key(const char *k)
{
	return (k[0] == 't' || k[0] == 'l' || k[0] == 'e') &&
	       (strcmp(k, "ts") == 0 || strcmp(k, "level") == 0 || strcmp(k, "event") == 0);
}

/* The line's head, {"ts":"..","level":"..","event":"..", as
 * head_and_fields prints it (level and event plain names). */
static size_t line_head(char *buf, size_t cap, const char *when, const char *level,
			const char *event)
{
	size_t len = 0;
	int rc = put(buf, cap, &len, "{\"ts\":\"", 7) | put(buf, cap, &len, when, strlen(when)) |
		 put(buf, cap, &len, "\",\"level\":\"", 11) |
		 put(buf, cap, &len, level, strlen(level)) |
		 put(buf, cap, &len, "\",\"event\":\"", 11) |
		 put(buf, cap, &len, event, strlen(event)) | put(buf, cap, &len, "\"", 1);
	return rc < 0 ? 0 : len;
}

void gofn_log_fields(const char *level, const char *event, const gofn_log_field *f, size_t n)
{
	int plain = plain_name(level) && plain_name(event);

	for (size_t i = 0; plain && i < n; i++)
		plain = !head_key(f[i].key);
	if (plain) {
		char when[64], buf[4096];
		timestamp(when, sizeof when);
		/* room kept for the ',', the '}' and the '\n' */
		size_t len = line_head(buf, sizeof buf - 3, when, level, event), m = 0;
		if (len && (!n || (m = gofn_json_members(buf + len + 1, sizeof buf - len - 3, f,
							 n)) != 0)) {
			if (n)
				buf[len++] = ',';
			len += m;
			buf[len++] = '}';
			buf[len++] = '\n';
			put_line(buf, len);
			return;
		}
	}
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
	char when[64];

	timestamp(when, sizeof when);
	/* The head is printed and the fields dumped after it, instead of
	 * building a second object and merging (a third of the line's cost).
	 * The same text as log_merged's, key order too. */
	if (!plain_name(level) || !plain_name(event) ||
	    (fields && (!json_is_object(fields) || json_object_get(fields, "ts") ||
			json_object_get(fields, "level") || json_object_get(fields, "event"))) ||
	    head_and_fields(when, level, event, fields) < 0)
		log_merged(when, level, event, fields);
	json_decref(fields);
}
