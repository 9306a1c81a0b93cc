/* The container around Go objects: the Unix `!<arch>` archive that
 * `go tool compile` and `go build -buildmode=archive` write, holding a
 * __.PKGDEF member (export data) and one or more Go object members.
 * Layout: $GOROOT/src/cmd/internal/archive/archive.go (60-byte entry
 * header: name[16] mtime[12] uid[6] gid[6] mode[8] size[10] "`\n", data
 * padded to an even length). A bare object ("go object ...") is accepted
 * too. */
#include "loader/goobj.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader/goobj_internal.h"

#define AR_MAGIC       "!<arch>\n"
#define AR_MAGIC_LEN   8
#define AR_HDR_SIZE    60
#define OBJ_PREFIX     "go object "
#define OBJ_PREFIX_LEN 10

typedef struct ar_member {
	char name[17];
	const uint8_t *data;
	size_t len;
} ar_member;

static int has_prefix(const uint8_t *p, size_t len, const char *pre, size_t n)
{
	return len >= n && memcmp(p, pre, n) == 0;
}

/* The size field: decimal digits, then spaces to the end of the field. */
static int parse_size(const uint8_t *f, size_t *out)
{
	size_t v = 0, i = 0;

	for (; i < 10 && f[i] >= '0' && f[i] <= '9'; i++)
		v = v * 10 + (size_t)(f[i] - '0');
	if (i == 0)
		return -1;
	for (; i < 10; i++)
		if (f[i] != ' ')
			return -1;
	*out = v;
	return 0;
}

/* Reads the member at *off and advances *off past it and its padding. */
static int next_member(const char *name, const uint8_t *d, size_t len, size_t *off, ar_member *m,
		       gofn_err *err)
{
	const uint8_t *h = d + *off;
	size_t size, n;

	if (len - *off < AR_HDR_SIZE)
		return gofn_errf(
		    err, GOFN_EINVAL,
		    "%s: truncated archive: member header at offset %zu needs %d bytes, "
		    "%zu left",
		    name, *off, AR_HDR_SIZE, len - *off);
	if (h[58] != '`' || h[59] != '\n')
		return gofn_errf(err, GOFN_EINVAL,
				 "%s: bad archive member header at offset %zu (no terminator)",
				 name, *off);
	if (parse_size(h + 48, &size) < 0)
		return gofn_errf(err, GOFN_EINVAL,
				 "%s: bad archive member size field at offset %zu", name, *off);
	memcpy(m->name, h, 16);
	for (n = 16; n > 0 && (m->name[n - 1] == ' ' || m->name[n - 1] == '/'); n--)
		;
	m->name[n] = 0;
	*off += AR_HDR_SIZE;
	if (size > len - *off)
		return gofn_errf(err, GOFN_EINVAL,
				 "%s: truncated archive: member %s claims %zu bytes, %zu left",
				 name, m->name, size, len - *off);
	m->data = d + *off;
	m->len = size;
	*off += size;
	if ((size & 1) && *off < len)
		(*off)++;
	return 0;
}

static int add_object(goobj_archive *a, const char *member, const uint8_t *d, size_t len,
		      gofn_err *err)
{
	goobj_object *o = &a->objs[a->nobjs];
	char *oname;

	if (member) {
		size_t n = strlen(a->name) + strlen(member) + 3;
		oname = malloc(n);
		if (oname)
			snprintf(oname, n, "%s(%s)", a->name, member);
	} else {
		oname = strdup(a->name);
	}
	if (!oname)
		return gofn_errf(err, GOFN_ENOMEM, "%s: out of memory", a->name);
	memset(o, 0, sizeof *o);
	a->nobjs++;
	o->name = oname;
	o->checks_pending = a->defer_checks;
	return goobj_object_parse(o, oname, d, len, err);
}

/* First pass counts objects so the array is allocated once, sized by the
 * input (each member costs at least a 60-byte header). */
static int count_members(const char *name, const uint8_t *d, size_t len, size_t *nobj,
			 gofn_err *err)
{
	size_t off = AR_MAGIC_LEN;
	ar_member m;

	*nobj = 0;
	while (off < len) {
		if (next_member(name, d, len, &off, &m, err) < 0)
			return -1;
		if (strcmp(m.name, "__.PKGDEF") == 0)
			continue;
		if (!has_prefix(m.data, m.len, OBJ_PREFIX, OBJ_PREFIX_LEN))
			return gofn_errf(err, GOFN_EINVAL,
					 "%s: archive member %s is not a Go object (cgo and "
					 "non-Go objects are not supported)",
					 name, m.name);
		(*nobj)++;
	}
	if (*nobj == 0)
		return gofn_errf(err, GOFN_EINVAL, "%s: archive has no Go object member", name);
	return 0;
}

/* An archive is one package; assembly objects in it carry no path of
 * their own, so they take the one the compiled object carries. */
static void share_pkgpath(goobj_archive *a)
{
	goobj_str path = {0};

	for (uint32_t i = 0; i < a->nobjs && !path.len; i++)
		path = a->objs[i].pkgpath;
	for (uint32_t i = 0; i < a->nobjs; i++)
		if (!a->objs[i].pkgpath.len)
			a->objs[i].pkgpath = path;
}

static int parse_archive(goobj_archive *a, const uint8_t *d, size_t len, gofn_err *err)
{
	size_t off = AR_MAGIC_LEN, nobj;
	ar_member m;

	if (count_members(a->name, d, len, &nobj, err) < 0)
		return -1;
	a->objs = calloc(nobj, sizeof *a->objs);
	if (!a->objs)
		return gofn_errf(err, GOFN_ENOMEM, "%s: out of memory", a->name);
	while (off < len) {
		next_member(a->name, d, len, &off, &m, err); /* checked by count_members */
		if (strcmp(m.name, "__.PKGDEF") == 0) {
			a->pkgdef = (goobj_str){(const char *)m.data, (uint32_t)m.len};
			continue;
		}
		if (add_object(a, m.name, m.data, m.len, err) < 0)
			return -1;
	}
	share_pkgpath(a);
	return 0;
}

static int parse(const char *name, const uint8_t *data, size_t len, int defer_checks,
		 goobj_archive **out, gofn_err *err)
{
	goobj_archive *a;
	int rc;

	if (len > UINT32_MAX)
		return gofn_errf(err, GOFN_EINVAL, "%s: %zu bytes is too large for a Go object",
				 name, len);
	a = calloc(1, sizeof *a);
	if (!a)
		return gofn_errf(err, GOFN_ENOMEM, "%s: out of memory", name);
	a->name = name;
	a->defer_checks = defer_checks;
	if (has_prefix(data, len, AR_MAGIC, AR_MAGIC_LEN)) {
		rc = parse_archive(a, data, len, err);
	} else if (has_prefix(data, len, OBJ_PREFIX, OBJ_PREFIX_LEN)) {
		a->objs = calloc(1, sizeof *a->objs);
		rc = a->objs ? add_object(a, NULL, data, len, err)
			     : gofn_errf(err, GOFN_ENOMEM, "%s: out of memory", name);
	} else {
		rc = gofn_errf(err, GOFN_EINVAL,
			       len == 0
				   ? "%s: empty file, not a Go archive or object"
				   : "%s: not a Go archive or object (no !<arch> or \"go object\" "
				     "header)",
			       name);
	}
	if (rc < 0) {
		goobj_free(a);
		return -1;
	}
	*out = a;
	return 0;
}

int goobj_parse(const char *name, const uint8_t *data, size_t len, goobj_archive **out,
		gofn_err *err)
{
	return parse(name, data, len, 0, out, err);
}

int goobj_parse_deferred(const char *name, const uint8_t *data, size_t len, goobj_archive **out,
			 gofn_err *err)
{
	return parse(name, data, len, 1, out, err);
}

int goobj_check_deferred(goobj_archive *a, gofn_err *err)
{
	for (uint32_t i = 0; i < a->nobjs; i++) {
		goobj_object *o = &a->objs[i];
		if (!o->checks_pending)
			continue;
		if (goobj_check_relocs_and_auxs(o, err) < 0)
			return gofn_errctx(err, "%s", o->name);
		o->checks_pending = 0;
	}
	return 0;
}

void goobj_free(goobj_archive *a)
{
	if (!a)
		return;
	for (uint32_t i = 0; i < a->nobjs; i++) {
		goobj_object_release(&a->objs[i]);
		free((char *)a->objs[i].name); /* allocated by add_object */
	}
	free(a->objs);
	free(a);
}
