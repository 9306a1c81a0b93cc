#!/usr/bin/env bash
# normalize.sh: filter stdin to stdout so that a native run and a loaded run of
# the same program can be compared byte for byte. Applied to both sides and
# to both streams; goldens are stored normalized. Everything it rewrites is a
# fact of *where* or *when* code ran, never of what the program computed:
#
#  1. Paths: "<anything>/tests/programs/" is removed, so a source location
#     reads "gc_pressure/main.go:12" whatever directory the repository was
#     cloned into (native binaries and objects both record absolute paths).
#     "$(go env GOROOT)/" becomes "$GOROOT/" (the loader may report the
#     toolchain's "$GOROOT" prefix as the compiler wrote it).
#  2. Goroutine ids: "goroutine 7 [" and "in goroutine 7" become
#     "goroutine N": ids depend on how many goroutines the process started
#     before (the worker starts its own).
#  3. Traceback frames: in a line of the form "pkg.func(args)" the hex values
#     of the argument list become "0x?" (they are pointers and registers); in
#     a location line "\tfile.go:12 +0x1d" the "+0x1d" PC offset is dropped
#     (it depends on code layout, not behaviour).
#  4. "pc=0x..." in the "[signal SIGSEGV ...]" line becomes "pc=0x?"; in
#     "panic: (main.T) 0x4ceef8" (a panic value Go prints by type and
#     address) the address becomes "0x?".
#  5. Frames below the entry point: once a traceback reaches "main.main()"
#     and its location line, the frames after it are dropped up to the end
#     of that goroutine's block (blank line, "created by", or a new
#     "goroutine" header). Natively these are runtime frames the traceback
#     already hides; under the loader they are the worker's own frames.
# Anything else, including a missing final newline, passes through unchanged.
#
# usage: normalize.sh <in >out   or   normalize.sh IN OUT [IN OUT]...
set -euo pipefail
goroot=${GOROOT:-$(go env GOROOT)}

# normalize IN OUT. awk ends every record with a newline; take it back off
# when the input had none.
normalize() {
	if [[ -s "$1" && "$(tail -c 1 "$1" | od -An -tx1)" != " 0a" ]]; then
		awk -v goroot="$goroot/" "$prog" "$1" | head -c -1 >"$2"
	else
		awk -v goroot="$goroot/" "$prog" "$1" >"$2"
	fi
}

prog='
function literal_sub(s, from, to,    i, out) {
	out = ""
	while ((i = index(s, from)) > 0) {
		out = out substr(s, 1, i - 1) to
		s = substr(s, i + length(from))
	}
	return out s
}
{
	line = $0
	line = literal_sub(line, goroot, "$GOROOT/")
	gsub(/[^ \t"(]*\/tests\/programs\//, "", line)
	gsub(/goroutine [0-9]+ \[/, "goroutine N [", line)
	gsub(/in goroutine [0-9]+/, "in goroutine N", line)
	if (line ~ /^\[signal /)
		gsub(/pc=0x[0-9a-f]+/, "pc=0x?", line)
	if (line ~ /^\t*panic: \([^()]+\) 0x[0-9a-f]+/)
		sub(/\) 0x[0-9a-f]+/, ") 0x?", line)

	is_frame = (line ~ /^[A-Za-z_][^ \t]*\(.*\)$/)
	is_loc = (line ~ /^\t[^ \t]+:[0-9]+( \+0x[0-9a-f]+)?$/)
	if (is_loc)
		sub(/ \+0x[0-9a-f]+$/, "", line)
	if (is_frame) {
		head = line
		sub(/\(.*$/, "", head)
		args = substr(line, length(head) + 1)
		gsub(/0x[0-9a-f]+\??/, "0x?", args)
		line = head args
	}

	# Rule 5: skip frames after main.main() and its location.
	if (line == "" || line ~ /^created by / || line ~ /^goroutine N /)
		below_main = 0
	else if (below_main && (is_frame || is_loc))
		next
	if (after_main_frame && is_loc)
		below_main = 1
	after_main_frame = (is_frame && head == "main.main")
	print line
}
'

if (($# == 0)); then
	in=$(mktemp "${TMPDIR:-/tmp}/gofn-norm.XXXXXX")
	trap 'rm -f "$in"' EXIT
	cat >"$in"
	normalize "$in" /dev/stdout
	exit
fi
(($# % 2 == 0)) || { echo "usage: normalize.sh [IN OUT]..." >&2; exit 2; }
while (($#)); do
	normalize "$1" "$2"
	shift 2
done
