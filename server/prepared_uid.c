#include "server/prepared_uid.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/file.h"
#include "server/tenant_uid.h"

#define MARK_FILE "prepared-uids"
#define BLOCK	  1024u /* uids per durable write of the mark */

int gofn_puids_parse(gofn_config *c, const char *v, gofn_err *e)
{
	return gofn_uid_span_parse("--prepared-uids", v, &c->prepared_uid_base,
				   &c->prepared_uid_count, e);
}

int gofn_puids_check(const gofn_config *c, gofn_err *e)
{
	uint64_t pb = c->prepared_uid_base, pe = pb + c->prepared_uid_count;
	uint64_t tb = c->uid_base, te = tb + c->uid_count;

	if (c->uid_count && c->prepared_uid_count && pb < te && tb < pe)
		return gofn_errf(e, GOFN_EINVAL,
				 "--prepared-uids %u:%u overlaps --uid-range %u:%u: a tenant's uid "
				 "must never be a prepared worker's",
				 c->prepared_uid_base, c->prepared_uid_count, c->uid_base,
				 c->uid_count);
	return 0;
}

static int read_mark(const char *dir, uint64_t *mark, gofn_err *e)
{
	char path[1100];
	uint8_t *p = NULL;
	size_t n = 0;

	snprintf(path, sizeof path, "%s/" MARK_FILE, dir);
	if (access(path, F_OK) < 0 && errno == ENOENT) {
		*mark = 0;
		return 0;
	}
	if (gofn_file_read(path, 64, &p, &n, e) < 0)
		return -1;
	char *end;
	errno = 0;
	unsigned long long v = strtoull((const char *)p, &end, 10);
	int bad = errno || end == (char *)p || (*end && *end != '\n');
	free(p);
	if (bad)
		return gofn_errf(e, GOFN_EINVAL, "%s: not a uid mark", path);
	*mark = v;
	return 0;
}

int gofn_puids_open(gofn_puids *u, const gofn_config *c, gofn_err *e)
{
	uint64_t mark;

	memset(u, 0, sizeof *u);
	pthread_mutex_init(&u->mu, NULL);
	snprintf(u->dir, sizeof u->dir, "%s", c->data_dir);
	u->limit = (uint64_t)c->prepared_uid_base + c->prepared_uid_count;
	if (read_mark(u->dir, &mark, e) < 0)
		return gofn_errctx(e, "prepared worker uids");
	/* A mark outside the range (the range changed): start at its base if
	 * the mark is below it, else the range is used up. */
	u->next = u->end = mark > c->prepared_uid_base ? mark : c->prepared_uid_base;
	return 0;
}

int gofn_puids_take(gofn_puids *u, unsigned *uid, gofn_err *e)
{
	int rc = 0;

	pthread_mutex_lock(&u->mu);
	if (u->next == u->end) {
		uint64_t end = u->end + BLOCK < u->limit ? u->end + BLOCK : u->limit;
		char text[32];
		if (u->next >= u->limit) {
			rc = gofn_errf(e, GOFN_ELIMIT,
				       "--prepared-uids used up (every uid up to %" PRIu64
				       " has been a prepared worker's)",
				       u->limit);
		} else {
			int n = snprintf(text, sizeof text, "%" PRIu64 "\n", end);
			rc = gofn_file_write_durable(u->dir, MARK_FILE, (const uint8_t *)text,
						     (size_t)n, e);
			if (rc == 0)
				u->end = end;
		}
	}
	if (rc == 0)
		*uid = (unsigned)u->next++;
	pthread_mutex_unlock(&u->mu);
	return rc;
}
