#include "server/views.h"

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

json_t *gofn_tenant_json(const gofn_tenant_row *t)
{
	return json_pack("{s:s, s:I}", "name", t->name, "created", (json_int_t)t->created);
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
