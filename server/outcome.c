#include "server/outcome.h"

#include <stdint.h>
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
		json_object_set_new_nocheck(o, key, s ? s : json_null());
	} else {
		char *b64 = gofn_base64(c->data, c->len);
		json_object_set_new_nocheck(o, key, json_null());
		snprintf(k, sizeof k, "%s_base64", key);
		json_object_set_new_nocheck(o, k, b64 ? json_string(b64) : json_null());
		free(b64);
	}
	if (c->truncated) {
		snprintf(k, sizeof k, "%s_truncated", key);
		json_object_set_new_nocheck(o, k, json_true());
	}
}

/* Built field by field, not by json_pack, whose format parsing and
 * checks were 7.7k of the reply's instructions (bench/callgrind_warm.sh).
 * The keys are the code's; inv is gofnd's (hex), the status a name of
 * api/proto.c's, the function id gofnd's and the symbol checked UTF-8 by
 * gofn_symbol_name_check: nothing here needs json_string's check. */
json_t *gofn_outcome_json(const char *inv, const gofn_function *f, const char *symbol,
			  int has_result, const gofn_outcome *o)
{
	json_t *j = json_object();

	if (!j)
		return NULL;
	json_object_set_new_nocheck(j, "invocation_id", json_string_nocheck(inv));
	json_object_set_new_nocheck(j, "function", json_string_nocheck(f->id));
	json_object_set_new_nocheck(j, "symbol", json_string_nocheck(symbol));
	json_object_set_new_nocheck(j, "status", json_string_nocheck(gofn_status_name(o->status)));
	json_object_set_new_nocheck(j, "exit_code", json_integer(o->exit_code));
	json_object_set_new_nocheck(j, "duration_us", json_integer(o->duration_us));
	if (f->name[0]) {
		json_object_set_new_nocheck(j, "name", json_string(f->name));
		json_object_set_new_nocheck(j, "version", json_integer(f->version));
	}
	put_bytes(j, "result", &o->result, !has_result || o->status != GOFN_STATUS_OK);
	json_object_set_new_nocheck(j, "error",
				    o->error[0] ? gofn_json_text(o->error) : json_null());
	put_bytes(j, "stdout", &o->out, 0);
	put_bytes(j, "stderr", &o->err, 0);
	return j;
}

#define OUTCOME_FIELDS 12

/* gofn_outcome_json's fields in its order, bytes to be checked as it
 * checks them: their number, or 0 for an outcome they cannot say (a
 * capture truncated). */
static size_t outcome_fields(gofn_log_field f[OUTCOME_FIELDS], const char *inv,
			     const gofn_function *fn, const char *symbol, int has_result,
			     const gofn_outcome *o)
{
	const gofn_capture *c[] = {&o->result, &o->out, &o->err};
	size_t n = 0;

	for (int i = 0; i < 3; i++)
		if (c[i]->truncated)
			return 0;
	f[n++] = GOFN_LOG_STR("invocation_id", inv);
	f[n++] = GOFN_LOG_STR("function", fn->id);
	f[n++] = GOFN_LOG_STR("symbol", symbol);
	f[n++] = GOFN_LOG_STR("status", gofn_status_name(o->status));
	f[n++] = GOFN_LOG_INT("exit_code", o->exit_code);
	f[n++] = GOFN_LOG_INT("duration_us", o->duration_us);
	if (fn->name[0]) {
		f[n++] = GOFN_LOG_BYTES("name", fn->name, strlen(fn->name));
		f[n++] = GOFN_LOG_INT("version", fn->version);
	}
	int result_null = (!has_result || o->status != GOFN_STATUS_OK) && !o->result.len;
	for (int i = 0; i < 3; i++) {
		static const char *const key[] = {"result", "stdout", "stderr"};
		if (i == 0 && result_null)
			f[n++] = GOFN_LOG_STR(key[i], NULL);
		else
			f[n++] = GOFN_LOG_BYTES(key[i], c[i]->data ? (const char *)c[i]->data : "",
						c[i]->len);
		if (i == 0)
			f[n++] = o->error[0] ? GOFN_LOG_BYTES("error", o->error, strlen(o->error))
					     : GOFN_LOG_STR("error", NULL);
	}
	return n;
}

/* The most bytes f's members can take: a key and its quotes, ':' and
 * ','; an integer 20 digits and a sign; a string its quotes and each byte
 * escaped as \u00XX. */
static size_t members_bound(const gofn_log_field *f, size_t n)
{
	size_t b = 0;

	for (size_t i = 0; i < n; i++)
		b += strlen(f[i].key) + 4 +
		     (f[i].is_int ? 21
		      : !f[i].s	  ? 4
				  : 6 * (f[i].is_bytes ? f[i].n : strlen(f[i].s)) + 2);
	return b;
}

char *gofn_outcome_text(const char *inv, const gofn_function *fn, const char *symbol,
			int has_result, const gofn_outcome *o, size_t *len)
{
	gofn_log_field f[OUTCOME_FIELDS];
	size_t n = outcome_fields(f, inv, fn, symbol, has_result, o);

	if (!n)
		return NULL;
	size_t cap = members_bound(f, n) + 3; /* '{', '}', '\n' */
	char *text = malloc(cap);
	size_t m = text ? gofn_json_members(text + 1, cap - 3, f, n) : 0;
	if (!m) {
		free(text);
		return NULL;
	}
	text[0] = '{';
	text[m + 1] = '}';
	text[m + 2] = '\n';
	*len = m + 3;
	return text;
}
