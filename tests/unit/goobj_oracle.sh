#!/usr/bin/env bash
# Checks `gofn-loader -parse` against the Go toolchain's own object readers,
# an implementation independent of ours:
#   - `go tool nm -size -type`: every named defined symbol appears in -parse
#     with the same size and a consistent kind letter (T text, R rodata,
#     D data, B bss, ? other; lower case for file-local), and vice versa;
#   - `go tool objdump` (single-object files only: it mixes up the address
#     spaces of archive members): for every text symbol, the multiset of
#     relocations "TYPE:target[+add]" equals the one -parse prints.
# usage: goobj_oracle.sh GOFN_LOADER OBJECT...
set -uo pipefail
loader=${1:?usage: goobj_oracle.sh GOFN_LOADER OBJECT...}
shift
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Run the tool binaries directly: `go tool X` costs ~0.2 s of go command per
# call. Calling each once first makes sure it is built (Go builds nm and
# objdump on first use).
tool() {
	go tool "$1" -h >/dev/null 2>&1 || true
	local p
	p=$(go tool -n "$1" 2>/dev/null) && [ -x "$p" ] && echo "$p" || echo "go tool $1"
}
NM=$(tool nm)
OBJDUMP=$(tool objdump)
failed=0 checked=0 nsyms=0 nrelocs=0

# -parse "sym" lines -> "name|size|code", as nm would print them.
parse_syms() {
	awk '
	/^sym / {
		kind = $3; size = substr($4, 6); abi = substr($6, 5); cls = substr($7, 7)
		if (cls == "nonpkgref") next
		name = $0; for (i = 0; i < 9; i++) sub(/^[^ ]* /, "", name)
		if (name ~ /^#/) next
		code = "?"
		if (kind == "STEXT" || kind == "STEXTFIPS") code = "T"
		else if (kind == "SRODATA" || kind == "SRODATAFIPS") code = "R"
		else if (kind ~ /^S(NOPTR)?DATA(FIPS)?$/) code = "D"
		else if (kind == "SBSS" || kind == "SNOPTRBSS" || kind == "STLSBSS") code = "B"
		if (abi == "static") { code = tolower(code); name = name "<1>" }
		print name "|" size "|" code
	}' "$1" | LC_ALL=C sort
}

nm_syms() {
	awk '{
		sub(/^[^\t]*\([^)]*\):\t/, "") # "file.a(member):" prefix of archives
		if (match($0, /^ *[0-9a-f]+ +[0-9]+ [A-Za-z?] /)) {
			split(substr($0, 1, RLENGTH), f, " ")
			name = substr($0, RLENGTH + 1)
			if (name != "") print name "|" f[2] "|" f[3]
		}
	}' "$1" | LC_ALL=C sort
}

# -parse relocations of STEXT symbols -> "symbol<TAB>TYPE:target+add" in
# objdump spelling (no ABI suffixes, "+add" only when non-zero).
parse_relocs() {
	awk '
	/^sym / { name = $0; for (i = 0; i < 9; i++) sub(/^[^ ]* /, "", name); text = ($3 ~ /^STEXT/) }
	/^\treloc / && text {
		line = $0; sub(/^\treloc [^ ]* [^ ]* /, "", line)
		typ = line; sub(/ .*/, "", typ)
		tgt = substr(line, length(typ) + 2)
		if (typ ~ /^R_WEAK\|/) typ = "R_WEAK" # objdump has no names for weak types
		match(tgt, /[-+][0-9]+$/); add = substr(tgt, RSTART); tgt = substr(tgt, 1, RSTART - 1)
		if (add ~ /^\+/) add = substr(add, 2)
		s = typ
		if (tgt ~ /^#/) tgt = "-" # unnamed local symbol: objdump prints no name
		if (tgt != "-") { s = s ":" tgt; if (add != "0") s = s "+" add }
		else if (add != "0") s = s ":" add
		print name "\t" s
	}' "$1" | LC_ALL=C sort
}

objdump_relocs() {
	awk '
	/^TEXT / { name = substr($0, 6); sub(/\(SB\) [^(]*$/, "", name); next }
	{
		n = split($0, f, "\t"); while (n > 1 && f[n] == "") n--; r = f[n]
		if (r !~ /^\[-?[0-9]+:-?[0-9]+\](R_|RelocType\()/) next
		gsub(/ \[-?[0-9]+:-?[0-9]+\](R_|RelocType\()/, "\n&", r)
		m = split(r, rs, "\n")
		for (i = 1; i <= m; i++) {
			x = rs[i]; sub(/^ /, "", x); sub(/^\[-?[0-9]+:-?[0-9]+\]/, "", x)
			gsub(/<[0-9]+>/, "", x)
			sub(/^RelocType\(-[0-9]+\)/, "R_WEAK", x) # objdump has no names for weak types
			print name "\t" x
		}
	}' "$1" | LC_ALL=C sort
}

for obj in "$@"; do
	base=$tmp/$(basename "$obj")
	if ! "$loader" -parse "$obj" >"$base.parse" 2>"$base.err"; then
		echo "FAIL $obj: -parse: $(cat "$base.err")"
		failed=1
		continue
	fi
	$NM -size -type "$obj" >"$base.nm" || { echo "FAIL $obj: go tool nm"; failed=1; continue; }
	parse_syms "$base.parse" >"$base.ps"
	nm_syms "$base.nm" >"$base.ns"
	if ! diff -u "$base.ns" "$base.ps" >"$base.sdiff"; then
		echo "FAIL $obj: symbols differ from go tool nm (- nm, + parse):"
		head -20 "$base.sdiff"
		failed=1
	fi
	if [ ! -s "$base.ps" ]; then
		echo "FAIL $obj: no symbols"
		failed=1
	fi
	nsyms=$((nsyms + $(wc -l <"$base.ps")))
	if [ "$(grep -c '^object ' "$base.parse")" = 1 ]; then
		$OBJDUMP "$obj" >"$base.od" 2>/dev/null || { echo "FAIL $obj: go tool objdump"; failed=1; continue; }
		parse_relocs "$base.parse" | sed 's/<[0-9][0-9]*>//g' >"$base.pr"
		objdump_relocs "$base.od" >"$base.or"
		# objdump only shows relocations inside disassembled instructions, and
		# only for the text symbols it prints: compare those symbols.
		cut -f1 "$base.or" | LC_ALL=C sort -u >"$base.onames"
		awk -F'\t' 'NR == FNR { keep[$1] = 1; next } ($1 in keep)' "$base.onames" "$base.pr" >"$base.pr2"
		if ! diff -u "$base.or" "$base.pr2" >"$base.rdiff"; then
			echo "FAIL $obj: text relocations differ from go tool objdump (- objdump, + parse):"
			head -20 "$base.rdiff"
			failed=1
		fi
		nrelocs=$((nrelocs + $(wc -l <"$base.or")))
	fi
	checked=$((checked + 1))
done
echo "goobj_oracle: $checked objects, $nsyms symbols compared with go tool nm, $nrelocs text relocations with go tool objdump; failed=$failed"
[ "$checked" -gt 0 ] || { echo "FAIL: no objects checked"; exit 1; }
exit $failed
