#!/usr/bin/env bash
# inline_frames.sh LOADER WORKDIR: a panic inside functions inlined from
# other packages must print the same frames loaded as native (names come
# from the object's DWARF: loader/pcln_inlname.c), up to main.main.
set -euo pipefail
loader=$1 work=$2
repo=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$work/inl"
cat >"$work/inl/main.go" <<'GO'
package main

import (
	"bytes"
	"fmt"
	"strings"
)

var b *bytes.Buffer
var sb *strings.Builder

//go:noinline
func lens() int { return sb.Len() + b.Len() }

func main() {
	fmt.Println(strings.ToUpper("inline"), strings.Count("a,b", ","))
	fmt.Println(lens())
}
GO
(cd "$work/inl" && GO111MODULE=off go build -o native main.go)
"$repo/scripts/gofn-compile" -o "$work/inl/main.o" "$work/inl/main.go"
# frames up to main.main: function lines and file:line, without pcs/args
frames() {
	sed -n '/^goroutine /,/^main\.main()/{/^main\.main()/{p;n;p;q};p}' "$1" |
		grep -v '^goroutine ' | sed -e 's/ +0x[0-9a-f]*$//' -e 's/(0x[^)]*)/(...)/'
}
"$work/inl/native" >"$work/inl/native.out" 2>"$work/inl/native.err" || true
"$loader" -o "$work/inl/main.o" -run main.main >"$work/inl/loaded.out" 2>"$work/inl/loaded.err" || true
frames "$work/inl/native.err" >"$work/inl/native.frames"
frames "$work/inl/loaded.err" >"$work/inl/loaded.frames"
if [[ -s "$work/inl/native.frames" ]] && cmp -s "$work/inl/native.out" "$work/inl/loaded.out" &&
	cmp -s "$work/inl/native.frames" "$work/inl/loaded.frames"; then
	echo "PASS inlined frames:"; cat "$work/inl/loaded.frames"
	exit 0
fi
echo "FAIL native vs loaded frames:"
diff "$work/inl/native.frames" "$work/inl/loaded.frames" || true
diff "$work/inl/native.out" "$work/inl/loaded.out" || true
exit 1
