#include "server/outcome.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/crypto.h"
#include "server/log.h"

/* Valid UTF-8 goes out as a JSON string (jansson checks), the rest as base64. */
static void put_bytes(json_t *o, const char *key, const gofn_capture *c, int null_if_empty)
{
	char k[64];
	json_t *s = NULL;

	if (c->len || !null_if_empty)
		s = json_stringn(c->data ? (const char *)c->data : "", c->len);
	if (s || (null_if_empty && !c->len)) {
		json_object_set_new(o, key, s ? s : json_null());
	} else {
		char *b64 = gofn_base64(c->data, c->len);
		json_object_set_new(o, key, json_null());
		snprintf(k, sizeof k, "%s_base64", key);
		json_object_set_new(o, k, b64 ? json_string(b64) : json_null());
		free(b64);
	}
	if (c->truncated) {
		snprintf(k, sizeof k, "%s_truncated", key);
		json_object_set_new(o, k, json_true());
	}
}

json_t *gofn_outcome_json(const char *inv, const gofn_function *f, const char *symbol,
			  int has_result, const gofn_outcome *o)
{
	json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:i, s:I}", "invocation_id", inv, "function",
			      f->id, "symbol", symbol, "status", gofn_status_name(o->status),
			      "exit_code", o->exit_code, "duration_us", (json_int_t)o->duration_us);
	if (f->name[0]) {
		json_object_set_new(j, "name", json_string(f->name));
		json_object_set_new(j, "version", json_integer(f->version));
	}
	put_bytes(j, "result", &o->result, !has_result || o->status != GOFN_STATUS_OK);
	json_object_set_new(j, "error", o->error[0] ? gofn_json_text(o->error) : json_null());
	put_bytes(j, "stdout", &o->out, 0);
	put_bytes(j, "stderr", &o->err, 0);
	return j;
}
