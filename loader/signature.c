/* A function's Go signature, read from its DWARF info in the object.
 * Parameter DIEs (cmd/internal/dwarf/putvarabbrevgen.go, abbrev codes
 * from DW_ABRV_PUTVAR_START in dwarf.go) come in two named shapes:
 *   abstract  (PUTVAR_START+1):      name NUL, flag, type
 *   concrete  (PUTVAR_START+10..13): name NUL, flag, uleb line, type, ...
 * where flag is DW_AT_variable_parameter (0 in, 1 out) and type is a
 * 4-byte ref_addr carrying an R_DWARFSECREF to go:info.<type>. A local
 * variable DIE has another abbrev code and no flag. So each such reloc
 * whose bytes before it match one shape, back to its abbrev code, is a
 * parameter, in declaration order. An inlinable function's own info holds
 * abstract-origin DIEs only; the typed ones are in go:info.<fn>$abstract. */
#include "loader/signature.h"

#include <stdio.h>
#include <string.h>

#include "loader/release_obj.h"

#define R_DWARFSECREF 31 /* objabi.R_DWARFSECREF */
#define MAX_PARAMS    16

typedef struct params {
	goobj_str in[MAX_PARAMS], out[MAX_PARAMS];
	int nin, nout, truncated;
} params;

#define ABRV_PUTVAR_START 33 /* cmd/internal/dwarf/dwarf.go DW_ABRV_PUTVAR_START */

static int ident_byte(uint8_t c)
{
	return c == '_' || c == '~' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z') || c >= 0x80;
}

/* Whether data[nul] ends a name that starts right after an abbrev code in
 * [lo, hi] (abbrev codes here are below 0x80: one uleb byte). */
static int named_die(const uint8_t *data, int32_t nul, int lo, int hi)
{
	int32_t p = nul - 1;
	if (nul < 2 || data[nul] != 0)
		return 0;
	while (p >= 0 && ident_byte(data[p]))
		p--;
	return p >= 0 && p < nul - 1 && data[p] >= lo && data[p] <= hi;
}

/* 0 in, 1 out, -1 not a parameter DIE. */
static int param_dir(const uint8_t *data, int32_t off)
{
	int32_t i = off - 1;
	if (i < 2)
		return -1;
	if (data[i] <= 1 && named_die(data, i - 1, ABRV_PUTVAR_START + 1, ABRV_PUTVAR_START + 1))
		return data[i];
	if (data[i] & 0x80)
		return -1;
	while (i > 0 && (data[i - 1] & 0x80))
		i--;
	/* data[i..off) is the line number; data[i-1] the flag, data[i-2] the name's NUL */
	if (i < 3 || data[i - 1] > 1 ||
	    !named_die(data, i - 2, ABRV_PUTVAR_START + 10, ABRV_PUTVAR_START + 13))
		return -1;
	return data[i - 1];
}

/* Whether go:info.<ty> is the abstract DIE of function `fn` itself (not
 * of a callee inlined into it). */
static int own_abstract(goobj_str ty, goobj_str fn)
{
	return ty.len == fn.len + 9 && memcmp(ty.p, fn.p, fn.len) == 0 &&
	       memcmp(ty.p + fn.len, "$abstract", 9) == 0;
}

static void collect(const goobj_object *o, uint32_t info, goobj_str fn, params *p, int depth)
{
	const goobj_sym *s = &o->syms[info];
	params own = {0};

	uint32_t dlen;
	const uint8_t *data = goobj_sym_data(o, s, &dlen);
	const goobj_reloc *rel = goobj_sym_relocs(o, s);
	for (uint32_t k = 0, nrel = goobj_sym_nrelocs(o, s); k < nrel; k++) {
		const goobj_reloc *r = &rel[k];
		goobj_target t;
		if (r->type != R_DWARFSECREF || r->size != 4 || (uint32_t)r->off + 4 > dlen)
			continue;
		if (goobj_resolve(o, r->sym, &t, NULL) || t.name.len < 8 ||
		    memcmp(t.name.p, "go:info.", 8) != 0)
			continue;
		goobj_str ty = {t.name.p + 8, t.name.len - 8};
		if (own_abstract(ty, fn)) {
			/* unnamed results are only in the concrete DIEs: abstract first */
			if (depth == 0 && t.kind == GOOBJ_TARGET_LOCAL && t.local < o->ndefined &&
			    own.nin + own.nout == 0 && p->nin + p->nout == 0)
				collect(o, t.local, fn, p, 1);
			continue;
		}
		int dir = param_dir(data, r->off);
		if (dir < 0)
			continue;
		if (dir == 0 && own.nin < MAX_PARAMS)
			own.in[own.nin++] = ty;
		else if (dir == 1 && own.nout < MAX_PARAMS)
			own.out[own.nout++] = ty;
		else
			own.truncated = 1;
	}
	for (int i = 0; i < own.nin && p->nin < MAX_PARAMS; i++)
		p->in[p->nin++] = own.in[i];
	for (int i = 0; i < own.nout && p->nout < MAX_PARAMS; i++)
		p->out[p->nout++] = own.out[i];
	p->truncated |= own.truncated;
}

/* A bounded string being appended to: spell() ran once per exported
 * function through snprintf, most of a large unit's listing cost. */
typedef struct sbuf {
	char *p;
	size_t n, k; /* capacity (NUL included), length written so far */
} sbuf;

static void put(sbuf *b, const char *s, size_t len)
{
	size_t room = b->k + 1 < b->n ? b->n - 1 - b->k : 0;
	size_t c = len < room ? len : room;
	memcpy(b->p + b->k, s, c);
	b->k += c;
	b->p[b->k] = 0;
}

static void put_list(sbuf *b, const goobj_str *v, int n)
{
	for (int i = 0; i < n; i++) {
		if (i)
			put(b, ", ", 2);
		put(b, v[i].p, v[i].len);
	}
}

static void spell(const params *p, char *buf, size_t n)
{
	sbuf b = {buf, n, 0};
	if (!n)
		return;
	buf[0] = 0;
	put(&b, "func(", 5);
	put_list(&b, p->in, p->nin);
	put(&b, ")", 1);
	if (p->nout == 1) {
		put(&b, " ", 1);
		put(&b, p->out[0].p, p->out[0].len);
	} else if (p->nout > 1) {
		put(&b, " (", 2);
		put_list(&b, p->out, p->nout);
		put(&b, ")", 1);
	}
	if (p->truncated) {
		char more[48];
		int m = snprintf(more, sizeof more, " /* more than %d parameters */", MAX_PARAMS);
		put(&b, more, (size_t)m);
	}
}

gofn_sig gofn_sig_of_spelling(const char *s)
{
	static const struct {
		const char *spelling;
		gofn_sig sig;
	} known[] = {
	    {"func()", GOFN_SIG_VOID},
	    {"func([]uint8) ([]uint8, error)", GOFN_SIG_BYTES_BYTES_ERR},
	    {"func([]uint8) []uint8", GOFN_SIG_BYTES_BYTES},
	    {"func(string) string", GOFN_SIG_STR_STR},
	    {"func(string) (string, error)", GOFN_SIG_STR_STR_ERR},
	    {"func(net/http.ResponseWriter, *net/http.Request)", GOFN_SIG_HTTP},
	};
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		if (strcmp(s, known[i].spelling) == 0)
			return known[i].sig;
	return GOFN_SIG_UNSUPPORTED;
}

int gofn_signature_of(const goobj_object *o, uint32_t fn, char *buf, size_t n, gofn_sig *sig)
{
	const goobj_sym *s = &o->syms[fn];
	params p = {0};
	int have_info = 0;

	const goobj_aux *aux = goobj_sym_auxs(o, s);
	for (uint32_t k = 0, naux = goobj_sym_nauxs(o, s); k < naux; k++) {
		goobj_target t;
		if (aux[k].type != GOREL_AUX_DWARFINFO)
			continue;
		if (goobj_resolve(o, aux[k].sym, &t, NULL) || t.kind != GOOBJ_TARGET_LOCAL ||
		    t.local >= o->ndefined)
			continue;
		collect(o, t.local, s->name, &p, 0);
		have_info = 1;
	}
	if (!have_info) {
		snprintf(buf, n, "func(?)");
		*sig = GOFN_SIG_UNSUPPORTED;
		return -1;
	}
	spell(&p, buf, n);
	*sig = gofn_sig_of_spelling(buf);
	return 0;
}
