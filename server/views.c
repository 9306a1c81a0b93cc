#include "server/views.h"
#include "server/tenant_uid.h"

#include <string.h>

#include "server/log.h"

json_t *gofn_function_json(const gofn_function *f)
{
	json_t *syms = json_array();
	json_t *objs = json_array();

	for (size_t i = 0; i < f->nobjs; i++)
		json_array_append_new(objs, json_pack("{s:s, s:I}", "sha256", f->objs[i].sha256,
						      "size", (json_int_t)f->objs[i].size));
	for (size_t i = 0; i < f->nsymbols; i++)
		json_array_append_new(syms, json_pack("{s:s, s:s, s:b}", "name", f->symbols[i].name,
						      "signature", f->symbols[i].signature,
						      "invokable", f->symbols[i].sigkind != 0));
	json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:o, s:o}", "id", f->id, "package",
			      f->package, "go_version", f->go_version, "sha256", f->sha256, "size",
			      (json_int_t)f->size, "created", (json_int_t)f->created, "objects",
			      objs, "symbols", syms);
	if (j && f->name[0]) {
		json_object_set_new(j, "name", json_string(f->name));
		json_object_set_new(j, "version", json_integer(f->version));
		json_object_set_new(j, "current", json_boolean(f->current));
	}
	return j;
}

json_t *gofn_tenant_json(const gofn_tenant_row *t, const gofn_config *c)
{
	unsigned w, q;

	gofn_tenant_cpu_of(c, t, &w, &q);
	return json_pack("{s:s, s:I, s:I, s:o, s:o}", "name", t->name, "created",
			 (json_int_t)t->created, "cpu_weight", (json_int_t)w, "cpu_quota",
			 q ? json_integer(q) : json_string("max"), "uid",
			 t->uid && c->uid_count ? json_integer(t->uid) : json_null());
}

json_t *gofn_functions_json(gofn_store *s, const char *tenant, const gofn_strlist *ids)
{
	json_t *out = json_array();

	for (size_t i = 0; i < ids->n; i++) {
		gofn_function f;
		gofn_err e = {0};
		if (gofn_store_fn_get(s, tenant, ids->v[i], &f, &e) == 0)
			json_array_append_new(out, gofn_function_json(&f));
		gofn_function_clear(&f);
	}
	return out;
}

static void put_times(json_t *j, const gofn_inv_row *row)
{
	json_object_set_new(j, "mode", json_string(row->mode));
	json_object_set_new(j, "attempt", json_integer(row->attempt));
	json_object_set_new(j, "created_ms", json_integer(row->created_ms));
	if (row->started_ms)
		json_object_set_new(j, "started_ms", json_integer(row->started_ms));
	if (row->finished_ms)
		json_object_set_new(j, "finished_ms", json_integer(row->finished_ms));
}

/* A row's summary: what a list shows, and all there is for a queued or
 * running row or a synchronous one. */
json_t *gofn_invocation_summary_json(const gofn_inv_row *row)
{
	int done = strcmp(row->state, "done") == 0;
	json_t *j = json_pack("{s:s, s:s, s:o, s:s}", "invocation_id", row->id, "function",
			      row->function, "symbol", gofn_json_text(row->symbol), "status",
			      done ? row->status : row->state);
	put_times(j, row);
	if (done) {
		json_object_set_new(j, "exit_code", json_integer(row->exit_code));
		json_object_set_new(j, "duration_us", json_integer(row->duration_us));
		json_object_set_new(j, "error",
				    row->error[0] ? gofn_json_text(row->error) : json_null());
	}
	return j;
}

json_t *gofn_invocation_json(const gofn_inv_row *row)
{
	json_t *j = row->outcome ? json_loads(row->outcome, 0, NULL) : NULL;

	if (json_is_object(j)) { /* a finished async invocation: its kept outcome */
		put_times(j, row);
		return j;
	}
	json_decref(j);
	j = gofn_invocation_summary_json(row);
	if (strcmp(row->mode, "sync") == 0)
		json_object_set_new(j, "output_kept", json_false());
	return j;
}
