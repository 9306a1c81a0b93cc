/* A function's Go signature, read from its DWARF info in the object
 * (cmd/internal/dwarf/dwarf.go putvar). Each parameter DIE that is not a
 * concrete (inlined-instance) one is written as
 *     uleb abbrev, name NUL, DW_AT_variable_parameter flag (0 in, 1 out),
 *     uleb DW_AT_decl_line, DW_AT_type ref_addr (4 bytes, R_DWARFSECREF)
 * while a local variable has no flag byte. So each R_DWARFSECREF to a
 * go:info.<type> DIE whose uleb line number is preceded by a 0/1 flag
 * byte and that by the name's NUL is a parameter, in declaration order.
 * An inlinable function's info holds concrete DIEs that point at its
 * go:info.<name>$abstract symbol, where the typed DIEs live. */
#include "loader/signature.h"

#include <stdio.h>
#include <string.h>

#include "loader/go126_obj.h"

#define R_DWARFSECREF 31 /* objabi.R_DWARFSECREF */
#define MAX_PARAMS    16

typedef struct params {
	goobj_str in[MAX_PARAMS], out[MAX_PARAMS];
	int nin, nout, truncated;
} params;

/* 0 in, 1 out, -1 not a parameter DIE. */
static int param_dir(const goobj_sym *s, int32_t off)
{
	int32_t i = off - 1;
	if (i < 0 || s->data[i] & 0x80)
		return -1;
	while (i > 0 && (s->data[i - 1] & 0x80))
		i--;
	/* data[i..off) is the line number; data[i-1] the flag, data[i-2] the name's NUL */
	if (i < 2 || s->data[i - 1] > 1 || s->data[i - 2] != 0)
		return -1;
	return s->data[i - 1];
}

static int collect(const goobj_object *o, uint32_t info, params *p, int depth)
{
	const goobj_sym *s = &o->syms[info];
	int found = 0;

	for (uint32_t k = 0; k < s->nrelocs; k++) {
		const goobj_reloc *r = &s->relocs[k];
		goobj_target t;
		if (r->type != R_DWARFSECREF || r->size != 4 || (uint32_t)r->off + 4 > s->data_len)
			continue;
		if (goobj_resolve(o, r->sym, &t, NULL) || t.name.len < 8 ||
		    memcmp(t.name.p, "go:info.", 8) != 0)
			continue;
		goobj_str ty = {t.name.p + 8, t.name.len - 8};
		if (ty.len > 9 && memcmp(ty.p + ty.len - 9, "$abstract", 9) == 0) {
			if (depth == 0 && t.kind == GOOBJ_TARGET_LOCAL && t.local < o->ndefined &&
			    !found)
				return collect(o, t.local, p, 1);
			continue;
		}
		int dir = param_dir(s, r->off);
		if (dir < 0)
			continue;
		found = 1;
		if (dir == 0 && p->nin < MAX_PARAMS)
			p->in[p->nin++] = ty;
		else if (dir == 1 && p->nout < MAX_PARAMS)
			p->out[p->nout++] = ty;
		else
			p->truncated = 1;
	}
	return 0;
}

static void spell(const params *p, char *buf, size_t n)
{
	size_t k = 0;
#define PUT(...) (k += (size_t)snprintf(buf + (k < n ? k : n), k < n ? n - k : 0, __VA_ARGS__))
	PUT("func(");
	for (int i = 0; i < p->nin; i++)
		PUT("%s%.*s", i ? ", " : "", (int)p->in[i].len, p->in[i].p);
	PUT(")");
	if (p->nout == 1)
		PUT(" %.*s", (int)p->out[0].len, p->out[0].p);
	else if (p->nout > 1) {
		PUT(" (");
		for (int i = 0; i < p->nout; i++)
			PUT("%s%.*s", i ? ", " : "", (int)p->out[i].len, p->out[i].p);
		PUT(")");
	}
	if (p->truncated)
		PUT(" /* more than %d parameters */", MAX_PARAMS);
#undef PUT
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

	for (uint32_t k = 0; k < s->nauxs; k++) {
		goobj_target t;
		if (s->auxs[k].type != GO126_AUX_DWARFINFO)
			continue;
		if (goobj_resolve(o, s->auxs[k].sym, &t, NULL) || t.kind != GOOBJ_TARGET_LOCAL ||
		    t.local >= o->ndefined)
			continue;
		collect(o, t.local, &p, 0);
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
