#include "server/fn_versions.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/crypto.h"
#include "server/functions.h"
#include "server/log.h"
#include "server/objects.h"

int gofn_fn_name_valid(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n >= GOFN_FN_NAME_MAX || !isalnum((unsigned char)name[0]) ||
	    strncmp(name, "fn_", 3) == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)name[i]) && !strchr("_.-", name[i]))
			return 0;
	return 1;
}

static int hex64(const char *s)
{
	if (strlen(s) != 64)
		return 0;
	for (int i = 0; i < 64; i++)
		if (!isdigit((unsigned char)s[i]) && !(s[i] >= 'a' && s[i] <= 'f'))
			return 0;
	return 1;
}

void gofn_unit_free(gofn_objbuf *objs, const int *owned, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (owned[i])
			free((void *)objs[i].data);
}

/* Object i of the manifest: a sent one with that digest, else the
 * tenant's stored one. */
static int unit_object(gofn_server *s, const char *tenant, const char *sha, const gofn_objbuf *sent,
		       char (*sent_sha)[GOFN_SHA256_HEX], size_t nsent, int *used, gofn_objbuf *obj,
		       int *owned, gofn_err *e)
{
	int have = 0;

	for (size_t j = 0; j < nsent; j++)
		if (strcmp(sent_sha[j], sha) == 0) {
			used[j] = 1;
			*obj = sent[j];
			*owned = 0;
			return 0;
		}
	if (gofn_store_obj_owned(s->store, tenant, sha, &have, e) < 0)
		return -1;
	if (!have)
		return gofn_errf(e, GOFN_ENOTFOUND,
				 "object %.12s is neither sent nor one of your functions'", sha);
	uint8_t *p = NULL;
	size_t n = 0;
	if (gofn_objects_load(s->store, s->cfg.data_dir, sha, s->cfg.max_object, &p, &n, e) < 0)
		return gofn_errctx(e, "object %.12s", sha);
	*obj = (gofn_objbuf){.data = p, .len = n};
	*owned = 1;
	return 0;
}

int gofn_unit_from_manifest(gofn_server *s, const char *tenant, const char *manifest,
			    const gofn_objbuf *sent, size_t nsent, gofn_objbuf *objs, int *owned,
			    size_t *n, gofn_err *e)
{
	int used[GOFN_MAX_OBJECTS] = {0};
	json_t *m = json_loads(manifest, 0, NULL);
	size_t total = 0;
	int rc = 0;

	*n = 0;
	if (!json_is_array(m) || json_array_size(m) == 0) {
		json_decref(m);
		return gofn_errf(e, GOFN_EINVAL, "objects: want a JSON list of sha256 digests");
	}
	if (json_array_size(m) > GOFN_MAX_OBJECTS) {
		size_t k = json_array_size(m);
		json_decref(m);
		return gofn_errf(e, GOFN_ELIMIT, "%zu objects: a function has at most %d", k,
				 GOFN_MAX_OBJECTS);
	}
	char(*hashes)[GOFN_SHA256_HEX] = calloc(nsent ? nsent : 1, GOFN_SHA256_HEX);
	if (!hashes) {
		json_decref(m);
		return gofn_errf(e, GOFN_ENOMEM, "out of memory");
	}
	for (size_t j = 0; j < nsent; j++)
		gofn_sha256_hex(sent[j].data, sent[j].len, hashes[j]);
	for (size_t i = 0; rc == 0 && i < json_array_size(m); i++) {
		const char *sha = json_string_value(json_array_get(m, i));
		if (!sha || !hex64(sha)) {
			rc = gofn_errf(e, GOFN_EINVAL, "objects[%zu]: not a sha256 in hex", i);
			break;
		}
		rc = unit_object(s, tenant, sha, sent, hashes, nsent, used, &objs[i], &owned[i], e);
		if (rc == 0) {
			total += objs[i].len;
			*n = i + 1;
		}
		if (rc == 0 && total > s->cfg.max_object)
			rc = gofn_errf(e, GOFN_ELIMIT, "the objects total over %zu bytes",
				       s->cfg.max_object);
	}
	for (size_t j = 0; rc == 0 && j < nsent; j++)
		if (!used[j])
			rc = gofn_errf(e, GOFN_EINVAL, "sent object %zu (%.12s) is not in objects",
				       j + 1, hashes[j]);
	free(hashes);
	json_decref(m);
	if (rc < 0) {
		gofn_unit_free(objs, owned, *n);
		*n = 0;
	}
	return rc;
}

int gofn_fn_deploy(gofn_server *s, const char *tenant, const char *name, const gofn_objbuf *objs,
		   size_t nobjs, gofn_function *f, int *unchanged, gofn_err *e)
{
	gofn_function want = {0};

	*unchanged = 0;
	if (nobjs > GOFN_MAX_OBJECTS)
		return gofn_errf(e, GOFN_ELIMIT, "%zu objects: a function has at most %d", nobjs,
				 GOFN_MAX_OBJECTS);
	gofn_fn_digest(objs, nobjs, &want);
	int rc = gofn_store_fn_by_name(s->store, tenant, name, 0, f, e);
	if (rc < 0)
		return -1;
	if (rc == 0 && strcmp(f->sha256, want.sha256) == 0) {
		*unchanged = 1;
		return 0;
	}
	int64_t base = rc == 0 ? f->version : 0;
	gofn_function_clear(f);
	return gofn_fn_create_named(s, tenant, name, base, objs, nobjs, f, e);
}

static int remove_tidy(gofn_server *s, const char *tenant, const char *id, gofn_err *e)
{
	if (gofn_fn_remove(s, tenant, id, e) < 0)
		return -1;
	return gofn_store_fn_names_tidy(s->store, tenant, e);
}

int gofn_fn_remove_ref(gofn_server *s, const char *tenant, const char *ref, gofn_err *e)
{
	gofn_function f;
	gofn_strlist ids = {0};
	int64_t cur;

	/* An id or NAME@N: one version. */
	int rc = gofn_store_fn_get(s->store, tenant, ref, &f, e);
	if (rc == 1 && strchr(ref, '@'))
		rc = gofn_store_fn_resolve(s->store, tenant, ref, &f, e);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		char id[GOFN_ID_MAX];
		snprintf(id, sizeof id, "%s", f.id);
		gofn_function_clear(&f);
		return remove_tidy(s, tenant, id, e);
	}
	/* NAME: every version. */
	rc = gofn_store_fn_versions(s->store, tenant, ref, &ids, &cur, e);
	if (rc != 0)
		return rc < 0 ? -1 : gofn_errf(e, GOFN_ENOTFOUND, "no such function");
	for (size_t i = 0; rc == 0 && i < ids.n; i++) {
		rc = gofn_fn_remove(s, tenant, ids.v[i], e);
		if (rc < 0 && e->code == GOFN_ENOTFOUND)
			rc = 0; /* removed meanwhile */
	}
	gofn_strlist_free(&ids);
	if (rc == 0)
		rc = gofn_store_fn_names_tidy(s->store, tenant, e);
	return rc;
}

int gofn_fn_rollback(gofn_server *s, const char *tenant, const char *name, int64_t version,
		     gofn_function *f, gofn_err *e)
{
	memset(f, 0, sizeof *f);
	int rc = gofn_store_fn_set_current(s->store, tenant, name, version, e);
	if (rc != 0)
		return rc < 0 ? -1
			      : gofn_errf(e, GOFN_ENOTFOUND, "%s has no version %lld", name,
					  (long long)version);
	rc = gofn_store_fn_by_name(s->store, tenant, name, 0, f, e);
	if (rc != 0)
		return rc < 0 ? -1 : gofn_errf(e, GOFN_ENOTFOUND, "%s was removed", name);
	gofn_log("info", "function_rollback",
		 json_pack("{s:s, s:s, s:I}", "tenant", tenant, "name", name, "version",
			   (json_int_t)version));
	return 0;
}
