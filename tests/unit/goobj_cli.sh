#!/usr/bin/env bash
# gofn-loader -parse as a command: output for good files, one stderr line
# "gofn-loader: FILE: message" and exit 1 for bad ones, the rest still
# printed, usage (exit 2) without files.
# usage: goobj_cli.sh GOFN_LOADER TESTDATA_DIR
set -uo pipefail
loader=$1 td=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
check() { # DESCRIPTION CONDITION...
	local what=$1
	shift
	if "$@"; then echo "ok   $what"; else echo "FAIL $what"; fails=1; fi
}

"$loader" -parse "$td/hello.o" >"$tmp/out" 2>"$tmp/err"
check "good object: exit 0" test $? = 0
check "good object: no stderr" test ! -s "$tmp/err"
check "good object: header" grep -qx "object $td/hello.o(_go_.o)" "$tmp/out"
check "good object: package" grep -qx "package main" "$tmp/out"
check "good object: main.main" grep -Eq '^sym [0-9]+ STEXT size=[0-9]+ align=[0-9]+ abi=1 class=def flags=[A-Z,-]+ data=[0-9]+ main.main$' "$tmp/out"
check "good object: R_CALL line" grep -Eq $'^\treloc [0-9]+ 4 R_CALL fmt.Fprintln\\+0$' "$tmp/out"

"$loader" -parse "$td/hello.o" "$td/lib.a" >"$tmp/out2" 2>&1
check "two files: exit 0" test $? = 0
check "two files: three objects" test "$(grep -c '^object ' "$tmp/out2")" = 3

head -c 5000 "$td/hello.o" >"$tmp/cut.o"
"$loader" -parse "$tmp/cut.o" >"$tmp/out3" 2>"$tmp/err3"
check "truncated: exit 1" test $? = 1
check "truncated: one line" test "$(wc -l <"$tmp/err3")" = 1
check "truncated: names file and problem" grep -q "^gofn-loader: $tmp/cut.o: truncated archive" "$tmp/err3"

"$loader" -parse "$tmp/missing.o" "$td/multi.o" >"$tmp/out4" 2>"$tmp/err4"
check "missing then good: exit 1" test $? = 1
check "missing: one line" grep -q "^gofn-loader: $tmp/missing.o: open: No such file or directory$" "$tmp/err4"
check "missing then good: good one printed" grep -qx "object $td/multi.o(_go_.o)" "$tmp/out4"

"$loader" -parse >/dev/null 2>"$tmp/err5"
check "no files: exit 2" test $? = 2
check "no files: usage" grep -q usage "$tmp/err5"

# Stable output: two runs are byte-identical.
"$loader" -parse "$td/generics.o" >"$tmp/a" && "$loader" -parse "$td/generics.o" >"$tmp/b"
check "deterministic output" cmp -s "$tmp/a" "$tmp/b"
exit $fails
