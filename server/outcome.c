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

/* ---- the same text without jansson, when nothing in it needs an escape ---- */

typedef struct {
	char *p;
	size_t len, cap;
	int ok;
} text;

static void put(text *t, const char *s, size_t n)
{
	if (!t->ok || n > t->cap - t->len) {
		t->ok = 0;
		return;
	}
	memcpy(t->p + t->len, s, n);
	t->len += n;
}

static void put_s(text *t, const char *s)
{
	put(t, s, strlen(s));
}

static void put_int(text *t, long long v)
{
	char n[24];
	put(t, n, gofn_fmt_ll(n, v));
}

/* A C string (gofn_json_put_string: jansson escapes what needs it). */
static void put_str(text *t, const char *s)
{
	size_t m = t->ok ? gofn_json_put_string(t->p + t->len, t->cap - t->len, s) : 0;

	if (!m)
		t->ok = 0;
	t->len += m;
}

/* Bytes that need no escape (printable ASCII but '"' and '\\'): as
 * put_bytes writes them; anything else ends the fast way (t->ok = 0). */
static void put_plain_bytes(text *t, const char *key, const gofn_capture *c, int null_if_empty)
{
	put(t, ",\"", 2);
	put_s(t, key);
	put(t, "\":", 2);
	if (!c->len && null_if_empty) {
		put_s(t, "null");
	} else {
		for (size_t i = 0; i < c->len; i++) {
			uint8_t b = c->data[i];
			if (b < 0x20 || b >= 0x7f || b == '"' || b == '\\') {
				t->ok = 0;
				return;
			}
		}
		put(t, "\"", 1);
		put(t, c->len ? (const char *)c->data : "", c->len);
		put(t, "\"", 1);
	}
	if (c->truncated) {
		put(t, ",\"", 2);
		put_s(t, key);
		put_s(t, "_truncated\":true");
	}
}

char *gofn_outcome_text(const char *inv, const gofn_function *f, const char *symbol, int has_result,
			const gofn_outcome *o, size_t *len)
{
	text t = {.cap = 512 + strlen(symbol) + strlen(f->name) + 2 * sizeof o->error +
			 o->result.len + o->out.len + o->err.len,
		  .ok = 1};

	if (!(t.p = malloc(t.cap)))
		return NULL;
	put_s(&t, "{\"invocation_id\":");
	put_str(&t, inv);
	put_s(&t, ",\"function\":");
	put_str(&t, f->id);
	put_s(&t, ",\"symbol\":");
	put_str(&t, symbol);
	put_s(&t, ",\"status\":");
	put_str(&t, gofn_status_name(o->status));
	put_s(&t, ",\"exit_code\":");
	put_int(&t, o->exit_code);
	put_s(&t, ",\"duration_us\":");
	put_int(&t, o->duration_us);
	if (f->name[0]) {
		put_s(&t, ",\"name\":");
		put_str(&t, f->name);
		put_s(&t, ",\"version\":");
		put_int(&t, f->version);
	}
	put_plain_bytes(&t, "result", &o->result, !has_result || o->status != GOFN_STATUS_OK);
	put_s(&t, ",\"error\":");
	if (o->error[0])
		put_str(&t, o->error);
	else
		put_s(&t, "null");
	put_plain_bytes(&t, "stdout", &o->out, 0);
	put_plain_bytes(&t, "stderr", &o->err, 0);
	put(&t, "}\n", 2);
	if (!t.ok) {
		free(t.p);
		return NULL;
	}
	*len = t.len;
	return t.p;
}
