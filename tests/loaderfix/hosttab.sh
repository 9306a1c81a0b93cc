#!/usr/bin/env bash
# hosttab.sh LOADER WORKDIR: the host tables appended to the worker by the
# build (loader/hosttab.h) are exactly what the worker computes from its ELF
# and types now, and a worker without them (the tail cut off) still loads
# and runs a program the same way, reading its ELF instead.
set -euo pipefail
loader=$1 work=$2
repo=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$work/ht"
tail -c 8 "$loader" | grep -q GOFNHTAB || { echo "FAIL: $loader has no host table"; exit 1; }
"$loader" -hosttab-write "$work/ht/tab"
n=$(stat -c %s "$work/ht/tab")
tail -c "$n" "$loader" | cmp - "$work/ht/tab" || { echo "FAIL: appended table differs from a fresh one"; exit 1; }
head -c "$(($(stat -c %s "$loader") - n))" "$loader" >"$work/ht/bare"
chmod +x "$work/ht/bare"
cat >"$work/ht/m.go" <<'GO'
package main

import (
	"encoding/json"
	"fmt"
	"net/url"
	"sync"
)

func main() {
	var m sync.Map
	m.Store("k", 1)
	v, _ := m.Load("k")
	b, _ := json.Marshal(map[string]any{"v": v})
	u, _ := url.Parse("https://example.com/a?b=c")
	fmt.Println(string(b), u.Query().Get("b"))
}
GO
"$repo/scripts/gofn-compile" -o "$work/ht/m.o" "$work/ht/m.go"
with=$("$loader" -o "$work/ht/m.o" -run main.main)
without=$("$work/ht/bare" -o "$work/ht/m.o" -run main.main)
echo "with table: $with"
echo "without:    $without"
[[ "$with" == '{"v":1} c' && "$without" == "$with" ]] || { echo "FAIL: outputs"; exit 1; }
echo PASS
