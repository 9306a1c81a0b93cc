/* Messages of the worker protocol (api/proto.h): one encoder and one strict
 * decoder per message, over the frame codec of api/frame.c. */
#include "api/proto.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *gofn_status_name(gofn_status s)
{
	static const char *const names[] = {"unset", "ok",	"error",  "panic",
					    "exit",  "timeout", "killed", "sandbox_violation"};
	return (unsigned)s < GOFN_STATUS_COUNT_ ? names[s] : "unset";
}

/* ---- helpers ---- */

static int put_bytes(gofn_fbuf *b, uint16_t tag, gofn_bytes v, gofn_err *e)
{
	return gofn_fbuf_put(b, tag, v.p, v.len, e);
}

static gofn_bytes bytes_of(const gofn_field *f)
{
	return (gofn_bytes){.p = f->data, .len = f->len};
}

/* Valid UTF-8 as jansson decides it (names end up in JSON and SQL). */
static int utf8(const uint8_t *p, size_t n)
{
	json_t *s = json_stringn((const char *)p, n);

	json_decref(s);
	return s != NULL;
}

int gofn_symbol_name_check(const uint8_t *p, size_t n, gofn_err *e)
{
	if (n == 0)
		return gofn_errf(e, GOFN_EINVAL, "empty symbol name");
	if (n > GOFN_SYMBOL_NAME_MAX)
		return gofn_errf(e, GOFN_ELIMIT,
				 "symbol name of %zu bytes exceeds the %d-byte limit", n,
				 GOFN_SYMBOL_NAME_MAX);
	for (size_t i = 0; i < n; i++)
		if (p[i] <= ' ' || p[i] == 0x7f)
			return gofn_errf(e, GOFN_EINVAL,
					 "symbol name has a space or control byte at %zu", i);
	if (!utf8(p, n))
		return gofn_errf(e, GOFN_EINVAL, "symbol name is not valid UTF-8");
	return 0;
}

/* Printable ASCII as is, other bytes as \xNN: a name from a hostile object
 * is safe in any message. */
static const char *escape_bytes(gofn_bytes b, char *out, size_t cap)
{
	size_t n = 0, i;

	for (i = 0; i < b.len && n + 5 < cap; i++) {
		unsigned char c = b.p[i];
		if (c >= ' ' && c < 0x7f && c != '\\' && c != '"')
			out[n++] = (char)c;
		else
			n += (size_t)snprintf(out + n, cap - n, "\\x%02x", c);
	}
	out[n] = 0;
	return i < b.len ? "..." : "";
}

static int signature_check(gofn_bytes s, gofn_err *e)
{
	if (s.len > GOFN_SIGNATURE_MAX)
		return gofn_errf(e, GOFN_ELIMIT, "signature of %zu bytes exceeds the %d-byte limit",
				 s.len, GOFN_SIGNATURE_MAX);
	if (memchr(s.p, 0, s.len) || !utf8(s.p, s.len))
		return gofn_errf(e, GOFN_EINVAL, "signature is not valid UTF-8 text");
	return 0;
}

/* A decoder's bookkeeping: which once-only tags it has seen. */
typedef struct seen {
	uint32_t bits;
} seen;

static int once(seen *s, const gofn_field *f, const char *msg, gofn_err *e)
{
	uint32_t bit = 1u << (f->tag & 31);

	if (s->bits & bit)
		return gofn_errf(e, GOFN_EINVAL, "%s: field %u repeated", msg, f->tag);
	s->bits |= bit;
	return 0;
}

static int need(const seen *s, uint16_t tag, const char *msg, gofn_err *e)
{
	if (!(s->bits & (1u << (tag & 31))))
		return gofn_errf(e, GOFN_EINVAL, "%s without field %u", msg, tag);
	return 0;
}

static int unknown(const gofn_field *f, const char *msg, gofn_err *e)
{
	return gofn_errf(e, GOFN_EINVAL, "%s: unexpected field %u", msg, f->tag);
}

/* A u64 field that must fit `max`. */
static int field_u64_max(const gofn_field *f, uint64_t max, uint64_t *v, gofn_err *e)
{
	if (gofn_field_u64(f, v, e) < 0)
		return -1;
	if (*v > max)
		return gofn_errf(e, GOFN_EINVAL, "field %u: %llu is out of range", f->tag,
				 (unsigned long long)*v);
	return 0;
}

static int empty_frame(gofn_fbuf *b, uint32_t type, gofn_err *e)
{
	if (gofn_fbuf_start(b, type, 0, e) < 0)
		return -1;
	gofn_fbuf_finish(b);
	return 0;
}

static int dec_empty(const uint8_t *p, size_t n, const char *msg, gofn_err *e)
{
	(void)p;
	if (n != 0)
		return gofn_errf(e, GOFN_EINVAL, "%s with a payload of %zu bytes", msg, n);
	return 0;
}

/* ---- HELLO, INIT, READY: no fields ---- */

int gofn_enc_hello(gofn_fbuf *b, gofn_err *e)
{
	return empty_frame(b, GOFN_F_HELLO, e);
}

/* An ENV value: "KEY=VALUE", KEY non-empty and without NUL or '='. */
static int env_check(gofn_bytes v, gofn_err *e)
{
	const uint8_t *eq = v.len ? memchr(v.p, '=', v.len) : NULL;

	if (!eq || eq == v.p || memchr(v.p, 0, v.len))
		return gofn_errf(e, GOFN_EINVAL, "INIT: an ENV field is not KEY=VALUE");
	return 0;
}

int gofn_enc_init(gofn_fbuf *b, const gofn_msg_init *m, gofn_err *e)
{
	size_t total = 0;

	memset(b, 0, sizeof *b); /* freeable on every path */
	if (m && m->nenv > GOFN_ENV_MAX)
		return gofn_errf(e, GOFN_ELIMIT, "%zu environment variables (at most %d)", m->nenv,
				 GOFN_ENV_MAX);
	for (size_t i = 0; m && i < m->nenv; i++) {
		if (env_check(m->env[i], e) < 0)
			return -1;
		total += m->env[i].len;
	}
	if (total > GOFN_ENV_BYTES_MAX)
		return gofn_errf(e, GOFN_ELIMIT, "environment of %zu bytes (at most %u)", total,
				 GOFN_ENV_BYTES_MAX);
	if (gofn_fbuf_start(b, GOFN_F_INIT, total + (m ? m->nenv : 0) * GOFN_FIELD_HDR, e) < 0)
		return -1;
	for (size_t i = 0; m && i < m->nenv; i++)
		if (put_bytes(b, GOFN_FLD_ENV, m->env[i], e) < 0)
			return -1;
	gofn_fbuf_finish(b);
	return 0;
}

int gofn_enc_ready(gofn_fbuf *b, gofn_err *e)
{
	return empty_frame(b, GOFN_F_READY, e);
}

int gofn_dec_hello(const uint8_t *p, size_t n, gofn_err *e)
{
	return dec_empty(p, n, "HELLO", e);
}

int gofn_dec_init(const uint8_t *p, size_t n, gofn_msg_init *m, gofn_err *e)
{
	gofn_fields it;
	gofn_field f;
	size_t total = 0;
	int r;

	memset(m, 0, sizeof *m);
	gofn_fields_init(&it, p, n);
	while ((r = gofn_fields_next(&it, &f, e)) > 0) {
		if (f.tag != GOFN_FLD_ENV)
			return unknown(&f, "INIT", e);
		if (m->nenv == GOFN_ENV_MAX)
			return gofn_errf(e, GOFN_ELIMIT, "INIT with more than %d ENV fields",
					 GOFN_ENV_MAX);
		gofn_bytes v = bytes_of(&f);
		total += v.len;
		if (total > GOFN_ENV_BYTES_MAX)
			return gofn_errf(e, GOFN_ELIMIT, "INIT: environment over %u bytes",
					 GOFN_ENV_BYTES_MAX);
		if (env_check(v, e) < 0)
			return -1;
		m->env[m->nenv++] = v;
	}
	return r;
}

int gofn_dec_ready(const uint8_t *p, size_t n, gofn_err *e)
{
	return dec_empty(p, n, "READY", e);
}

/* ---- LOAD ---- */

int gofn_enc_load(gofn_fbuf *b, const gofn_msg_load *m, gofn_err *e)
{
	size_t total = 0;

	memset(b, 0, sizeof *b); /* freeable on every path */

	if (m->nobjs == 0 || m->nobjs > GOFN_MAX_OBJECTS)
		return gofn_errf(e, GOFN_ELIMIT, "LOAD of %zu objects (1..%d)", m->nobjs,
				 GOFN_MAX_OBJECTS);
	if (m->output_max > GOFN_OUTPUT_MAX_CEILING)
		return gofn_errf(e, GOFN_ELIMIT, "LOAD: output limit %llu over %u",
				 (unsigned long long)m->output_max, GOFN_OUTPUT_MAX_CEILING);
	for (size_t i = 0; i < m->nobjs; i++)
		total += m->objs[i].len + GOFN_FIELD_HDR;
	if (gofn_fbuf_start(b, GOFN_F_LOAD, total + 2 * (GOFN_FIELD_HDR + 8), e) < 0)
		return -1;
	for (size_t i = 0; i < m->nobjs; i++)
		if (put_bytes(b, GOFN_FLD_OBJECT, m->objs[i], e) < 0)
			return -1;
	if (gofn_fbuf_put_u64(b, GOFN_FLD_OUTPUT_MAX, m->output_max, e) < 0)
		return -1;
	if (m->unlisted && gofn_fbuf_put_u64(b, GOFN_FLD_UNLISTED, 1, e) < 0)
		return -1;
	gofn_fbuf_finish(b);
	return 0;
}

int gofn_dec_load(const uint8_t *p, size_t n, gofn_msg_load *m, gofn_err *e)
{
	gofn_fields it;
	gofn_field f;
	seen s = {0};
	int r;

	memset(m, 0, sizeof *m);
	gofn_fields_init(&it, p, n);
	while ((r = gofn_fields_next(&it, &f, e)) > 0) {
		if (f.tag == GOFN_FLD_OUTPUT_MAX) {
			if (once(&s, &f, "LOAD", e) < 0 ||
			    field_u64_max(&f, GOFN_OUTPUT_MAX_CEILING, &m->output_max, e) < 0)
				return -1;
			continue;
		}
		if (f.tag == GOFN_FLD_UNLISTED) {
			uint64_t v;
			if (once(&s, &f, "LOAD", e) < 0 || field_u64_max(&f, 1, &v, e) < 0)
				return -1;
			m->unlisted = v == 1;
			continue;
		}
		if (f.tag != GOFN_FLD_OBJECT)
			return unknown(&f, "LOAD", e);
		if (m->nobjs == GOFN_MAX_OBJECTS)
			return gofn_errf(e, GOFN_ELIMIT, "LOAD of more than %d objects",
					 GOFN_MAX_OBJECTS);
		m->objs[m->nobjs++] = bytes_of(&f);
	}
	if (r == 0 && m->nobjs == 0)
		return gofn_errf(e, GOFN_EINVAL, "LOAD without an object");
	if (r == 0 && need(&s, GOFN_FLD_OUTPUT_MAX, "LOAD", e) < 0)
		return -1;
	return r;
}

/* ---- LOADED: SYMBOL, SIGNATURE, SIGKIND per symbol, in that order ---- */

int gofn_enc_loaded(gofn_fbuf *b, const gofn_msg_loaded *m, gofn_err *e)
{
	size_t bytes = 0;

	memset(b, 0, sizeof *b); /* freeable on every path */

	if (m->nsyms > GOFN_SYMBOLS_MAX)
		return gofn_errf(e, GOFN_ELIMIT,
				 "the object defines %zu callable symbols; the limit is %d",
				 m->nsyms, GOFN_SYMBOLS_MAX);
	for (size_t i = 0; i < m->nsyms; i++) {
		const gofn_msg_symbol *s = &m->syms[i];
		if (gofn_symbol_name_check(s->name.p, s->name.len, e) < 0 ||
		    signature_check(s->signature, e) < 0) {
			char shown[160];
			const char *more = escape_bytes(s->name, shown, sizeof shown);
			return gofn_errctx(e, "the object's symbol \"%s%s\"", shown, more);
		}
		bytes += s->name.len + s->signature.len;
	}
	if (bytes > GOFN_SYMBOLS_BYTES_MAX)
		return gofn_errf(e, GOFN_ELIMIT,
				 "the object's symbol names and signatures take %zu bytes; the "
				 "limit is %u",
				 bytes, GOFN_SYMBOLS_BYTES_MAX);
	if (gofn_fbuf_start(b, GOFN_F_LOADED, GOFN_LOADED_FRAME_MAX, e) < 0)
		return -1;
	for (size_t i = 0; i < m->nsyms; i++) {
		const gofn_msg_symbol *s = &m->syms[i];
		if (put_bytes(b, GOFN_FLD_SYMBOL, s->name, e) < 0 ||
		    put_bytes(b, GOFN_FLD_SIGNATURE, s->signature, e) < 0 ||
		    gofn_fbuf_put_u64(b, GOFN_FLD_SIGKIND, (uint64_t)s->kind, e) < 0)
			return -1;
	}
	gofn_fbuf_finish(b);
	return 0;
}

void gofn_msg_loaded_free(gofn_msg_loaded *m)
{
	free(m->syms);
	memset(m, 0, sizeof *m);
}

/* One symbol's three fields; it->off is at the SYMBOL field. */
static int dec_symbol(gofn_fields *it, gofn_msg_symbol *s, gofn_err *e)
{
	gofn_field f[3];
	static const uint16_t want[3] = {GOFN_FLD_SYMBOL, GOFN_FLD_SIGNATURE, GOFN_FLD_SIGKIND};
	uint64_t k;

	for (int i = 0; i < 3; i++) {
		int r = gofn_fields_next(it, &f[i], e);
		if (r < 0)
			return -1;
		if (r == 0 || f[i].tag != want[i])
			return gofn_errf(e, GOFN_EINVAL,
					 "LOADED: want SYMBOL, SIGNATURE, SIGKIND per symbol");
	}
	s->name = bytes_of(&f[0]);
	s->signature = bytes_of(&f[1]);
	if (gofn_symbol_name_check(s->name.p, s->name.len, e) < 0 ||
	    signature_check(s->signature, e) < 0 ||
	    field_u64_max(&f[2], GOFN_SIGKIND_COUNT_ - 1, &k, e) < 0)
		return gofn_errctx(e, "LOADED");
	s->kind = (gofn_sigkind)k;
	return 0;
}

int gofn_dec_loaded(const uint8_t *p, size_t n, gofn_msg_loaded *m, gofn_err *e)
{
	gofn_fields it;
	size_t cap = 0, bytes = 0;

	memset(m, 0, sizeof *m);
	gofn_fields_init(&it, p, n);
	while (it.off < it.len) {
		if (m->nsyms == GOFN_SYMBOLS_MAX) {
			gofn_errf(e, GOFN_ELIMIT, "LOADED: more than %d symbols", GOFN_SYMBOLS_MAX);
			goto fail;
		}
		if (m->nsyms == cap) {
			cap = cap ? 2 * cap : 16;
			gofn_msg_symbol *v = realloc(m->syms, cap * sizeof *v);
			if (!v) {
				gofn_errf(e, GOFN_ENOMEM, "LOADED: out of memory");
				goto fail;
			}
			m->syms = v;
		}
		gofn_msg_symbol *s = &m->syms[m->nsyms];
		if (dec_symbol(&it, s, e) < 0)
			goto fail;
		bytes += s->name.len + s->signature.len;
		if (bytes > GOFN_SYMBOLS_BYTES_MAX) {
			gofn_errf(e, GOFN_ELIMIT, "LOADED: symbols over %u bytes",
				  GOFN_SYMBOLS_BYTES_MAX);
			goto fail;
		}
		m->nsyms++;
	}
	return 0;
fail:
	gofn_msg_loaded_free(m);
	return -1;
}

/* ---- INVOKE ---- */

int gofn_enc_invoke(gofn_fbuf *b, const gofn_msg_invoke *m, gofn_err *e)
{
	if (gofn_fbuf_start(b, GOFN_F_INVOKE,
			    m->input.len + m->symbol.len + 8 * GOFN_FIELD_HDR + 64, e) < 0 ||
	    put_bytes(b, GOFN_FLD_SYMBOL, m->symbol, e) < 0 ||
	    put_bytes(b, GOFN_FLD_INPUT, m->input, e) < 0 ||
	    gofn_fbuf_put_u64(b, GOFN_FLD_TIMEOUT_MS, m->timeout_ms, e) < 0 ||
	    gofn_fbuf_put_u64(b, GOFN_FLD_RESULT_MAX, m->result_max, e) < 0)
		return -1;
	if (m->prof_kinds && (gofn_fbuf_put_u64(b, GOFN_FLD_PROFILE_KINDS, m->prof_kinds, e) < 0 ||
			      gofn_fbuf_put_u64(b, GOFN_FLD_PROFILE_HZ, m->prof_hz, e) < 0))
		return -1;
	if (m->call && gofn_fbuf_put_u64(b, GOFN_FLD_CALL, m->call, e) < 0)
		return -1;
	gofn_fbuf_finish(b);
	return 0;
}

int gofn_dec_invoke(const uint8_t *p, size_t n, gofn_msg_invoke *m, gofn_err *e)
{
	gofn_fields it;
	gofn_field f;
	seen s = {0};
	uint64_t v;
	int r;

	memset(m, 0, sizeof *m);
	gofn_fields_init(&it, p, n);
	while ((r = gofn_fields_next(&it, &f, e)) > 0) {
		if (once(&s, &f, "INVOKE", e) < 0)
			return -1;
		switch (f.tag) {
		case GOFN_FLD_SYMBOL:
			if (gofn_symbol_name_check(f.data, f.len, e) < 0)
				return gofn_errctx(e, "INVOKE");
			m->symbol = bytes_of(&f);
			break;
		case GOFN_FLD_INPUT:
			m->input = bytes_of(&f);
			break;
		case GOFN_FLD_TIMEOUT_MS:
			if (gofn_field_u64(&f, &m->timeout_ms, e) < 0)
				return -1;
			break;
		case GOFN_FLD_RESULT_MAX:
			if (field_u64_max(&f, GOFN_RESULT_MAX_CEILING, &m->result_max, e) < 0)
				return -1;
			break;
		case GOFN_FLD_PROFILE_KINDS:
			if (field_u64_max(&f, (1u << GOFN_PROF_NKINDS) - 1, &v, e) < 0)
				return -1;
			m->prof_kinds = (unsigned)v;
			break;
		case GOFN_FLD_PROFILE_HZ:
			if (field_u64_max(&f, GOFN_PROFILE_HZ_MAX, &v, e) < 0)
				return -1;
			m->prof_hz = (unsigned)v;
			break;
		case GOFN_FLD_CALL:
			if (gofn_field_u64(&f, &m->call, e) < 0)
				return -1;
			break;
		default:
			return unknown(&f, "INVOKE", e);
		}
	}
	if (r < 0 || need(&s, GOFN_FLD_SYMBOL, "INVOKE", e) < 0 ||
	    need(&s, GOFN_FLD_INPUT, "INVOKE", e) < 0 ||
	    need(&s, GOFN_FLD_TIMEOUT_MS, "INVOKE", e) < 0 ||
	    need(&s, GOFN_FLD_RESULT_MAX, "INVOKE", e) < 0)
		return -1;
	return 0;
}

/* ---- RESULT ---- */

size_t gofn_result_frame_max(size_t result_max, size_t output_max, unsigned prof_kinds)
{
	size_t n = result_max + 2 * (output_max + GOFN_FIELD_HDR) + GOFN_RESULT_SLACK;

	for (int k = 0; k < GOFN_PROF_NKINDS; k++)
		if (prof_kinds & (1u << k))
			n += GOFN_PROFILE_MAX + GOFN_FIELD_HDR + 1;
	return n;
}

/* A PROFILE or PROFILE_ERROR field: the kind byte, then the bytes. */
static int put_profile(gofn_fbuf *b, uint16_t tag, int kind, gofn_bytes v, gofn_err *e)
{
	uint8_t *f = malloc(v.len + 1);

	if (!f)
		return gofn_errf(e, GOFN_ENOMEM, "profile: out of memory");
	f[0] = (uint8_t)kind;
	if (v.len)
		memcpy(f + 1, v.p, v.len);
	int rc = gofn_fbuf_put(b, tag, f, v.len + 1, e);
	free(f);
	return rc;
}

int gofn_enc_result(gofn_fbuf *b, const gofn_msg_result *m, size_t cap, gofn_err *e)
{
	gofn_bytes msg = m->errmsg;

	memset(b, 0, sizeof *b); /* freeable on every path */

	if (m->status != GOFN_STATUS_OK && m->status != GOFN_STATUS_ERROR)
		return gofn_errf(e, GOFN_EINVAL, "RESULT: status %s", gofn_status_name(m->status));
	if (msg.len > GOFN_ERRMSG_MAX)
		msg.len = GOFN_ERRMSG_MAX;
	if (gofn_fbuf_start(b, GOFN_F_RESULT, cap, e) < 0 ||
	    gofn_fbuf_put_u64(b, GOFN_FLD_STATUS, (uint64_t)m->status, e) < 0 ||
	    put_bytes(b, GOFN_FLD_OUTPUT, m->output, e) < 0 ||
	    (m->status == GOFN_STATUS_ERROR && put_bytes(b, GOFN_FLD_ERRMSG, msg, e) < 0) ||
	    gofn_fbuf_put_u64(b, GOFN_FLD_DURATION_US, m->duration_us, e) < 0)
		return -1;
	if ((m->out.len && put_bytes(b, GOFN_FLD_STDOUT, m->out, e) < 0) ||
	    (m->err.len && put_bytes(b, GOFN_FLD_STDERR, m->err, e) < 0) ||
	    (m->truncated && gofn_fbuf_put_u64(b, GOFN_FLD_TRUNCATED, m->truncated, e) < 0) ||
	    (m->call && gofn_fbuf_put_u64(b, GOFN_FLD_CALL, m->call, e) < 0))
		return -1;
	for (int k = 0; k < GOFN_PROF_NKINDS; k++) {
		if (m->profile[k].p && put_profile(b, GOFN_FLD_PROFILE, k, m->profile[k], e) < 0)
			return -1;
		if (m->profile_error[k].p &&
		    put_profile(b, GOFN_FLD_PROFILE_ERROR, k, m->profile_error[k], e) < 0)
			return -1;
	}
	gofn_fbuf_finish(b);
	return 0;
}

static int dec_profile(const gofn_field *f, gofn_msg_result *m, gofn_err *e)
{
	if (f->len < 1 || f->data[0] >= GOFN_PROF_NKINDS)
		return gofn_errf(e, GOFN_EINVAL, "RESULT: profile field without a known kind");
	int k = f->data[0];
	gofn_bytes *slot = f->tag == GOFN_FLD_PROFILE ? &m->profile[k] : &m->profile_error[k];
	if (slot->p)
		return gofn_errf(e, GOFN_EINVAL, "RESULT: two profiles of kind %d", k);
	size_t max = f->tag == GOFN_FLD_PROFILE ? GOFN_PROFILE_MAX : GOFN_ERRMSG_MAX;
	if (f->len - 1u > max)
		return gofn_errf(e, GOFN_ELIMIT, "RESULT: profile field of %u bytes", f->len);
	*slot = (gofn_bytes){.p = f->data + 1, .len = f->len - 1u};
	return 0;
}

int gofn_dec_result(const uint8_t *p, size_t n, gofn_msg_result *m, gofn_err *e)
{
	gofn_fields it;
	gofn_field f;
	seen s = {0};
	uint64_t v;
	int r;

	memset(m, 0, sizeof *m);
	gofn_fields_init(&it, p, n);
	while ((r = gofn_fields_next(&it, &f, e)) > 0) {
		if (f.tag == GOFN_FLD_PROFILE || f.tag == GOFN_FLD_PROFILE_ERROR) {
			if (dec_profile(&f, m, e) < 0)
				return -1;
			continue;
		}
		if (once(&s, &f, "RESULT", e) < 0)
			return -1;
		switch (f.tag) {
		case GOFN_FLD_STATUS:
			if (field_u64_max(&f, GOFN_STATUS_ERROR, &v, e) < 0 || v < GOFN_STATUS_OK)
				return gofn_errf(e, GOFN_EINVAL, "RESULT: bad status");
			m->status = (gofn_status)v;
			break;
		case GOFN_FLD_OUTPUT:
			m->output = bytes_of(&f);
			break;
		case GOFN_FLD_ERRMSG:
			if (f.len > GOFN_ERRMSG_MAX)
				return gofn_errf(e, GOFN_ELIMIT, "RESULT: message of %u bytes",
						 f.len);
			m->errmsg = bytes_of(&f);
			break;
		case GOFN_FLD_DURATION_US:
			if (gofn_field_u64(&f, &m->duration_us, e) < 0)
				return -1;
			break;
		case GOFN_FLD_STDOUT:
		case GOFN_FLD_STDERR:
			if (f.len > GOFN_OUTPUT_MAX_CEILING)
				return gofn_errf(e, GOFN_ELIMIT, "RESULT: output of %u bytes",
						 f.len);
			*(f.tag == GOFN_FLD_STDOUT ? &m->out : &m->err) = bytes_of(&f);
			break;
		case GOFN_FLD_TRUNCATED:
			if (field_u64_max(&f, GOFN_TRUNC_STDOUT | GOFN_TRUNC_STDERR, &v, e) < 0)
				return -1;
			m->truncated = (unsigned)v;
			break;
		case GOFN_FLD_CALL:
			if (gofn_field_u64(&f, &m->call, e) < 0)
				return -1;
			break;
		default:
			return unknown(&f, "RESULT", e);
		}
	}
	if (r < 0 || need(&s, GOFN_FLD_STATUS, "RESULT", e) < 0 ||
	    need(&s, GOFN_FLD_OUTPUT, "RESULT", e) < 0 ||
	    need(&s, GOFN_FLD_DURATION_US, "RESULT", e) < 0)
		return -1;
	return 0;
}

/* ---- ERROR ---- */

int gofn_enc_error(gofn_fbuf *b, const gofn_msg_error *m, gofn_err *e)
{
	gofn_bytes msg = m->msg;

	if (msg.len > GOFN_ERRMSG_MAX)
		msg.len = GOFN_ERRMSG_MAX;
	if (gofn_fbuf_start(b, GOFN_F_ERROR, GOFN_SMALL_FRAME_MAX, e) < 0 ||
	    gofn_fbuf_put_u64(b, GOFN_FLD_ERRCODE, (uint64_t)m->code, e) < 0 ||
	    put_bytes(b, GOFN_FLD_ERRMSG, msg, e) < 0 ||
	    (m->call && gofn_fbuf_put_u64(b, GOFN_FLD_CALL, m->call, e) < 0))
		return -1;
	gofn_fbuf_finish(b);
	return 0;
}

int gofn_dec_error(const uint8_t *p, size_t n, gofn_msg_error *m, gofn_err *e)
{
	gofn_fields it;
	gofn_field f;
	seen s = {0};
	uint64_t v;
	int r;

	memset(m, 0, sizeof *m);
	gofn_fields_init(&it, p, n);
	while ((r = gofn_fields_next(&it, &f, e)) > 0) {
		if (once(&s, &f, "ERROR", e) < 0)
			return -1;
		if (f.tag == GOFN_FLD_ERRCODE) {
			if (field_u64_max(&f, 99, &v, e) < 0)
				return -1;
			m->code = (int)v;
		} else if (f.tag == GOFN_FLD_ERRMSG) {
			if (f.len > GOFN_ERRMSG_MAX)
				return gofn_errf(e, GOFN_ELIMIT, "ERROR: message of %u bytes",
						 f.len);
			m->msg = bytes_of(&f);
		} else if (f.tag == GOFN_FLD_CALL) {
			if (gofn_field_u64(&f, &m->call, e) < 0)
				return -1;
		} else {
			return unknown(&f, "ERROR", e);
		}
	}
	if (r < 0 || need(&s, GOFN_FLD_ERRCODE, "ERROR", e) < 0 ||
	    need(&s, GOFN_FLD_ERRMSG, "ERROR", e) < 0)
		return -1;
	return 0;
}
