#!/usr/bin/env bash
# large_unit.sh LOADER WORKDIR: a unit whose mapping reaches 2 MiB is placed
# on a huge-page boundary and asks for transparent huge pages
# (loader/link_layout.c); its text is then RX and its rodata R through
# mprotects that split the huge mapping. Check, over several load/run/unload
# rounds in one process under GOGC=1:
#  1. every round's output matches the native build's: calls through a table
#     of 3,000 loaded functions, a panic's traceback naming a function near
#     the end of the text (past the first 2 MiB page), a GC;
#  2. the unit's text starts on a 2 MiB boundary (the placement the huge
#     pages need; whether the kernel grants them is its policy).
set -euo pipefail
loader=$1 work=$2
repo=$(cd "$(dirname "$0")/../.." && pwd)
dir=$work/large
mkdir -p "$dir"
n=4000
{
	cat <<'GO'
package main

import (
	"fmt"
	"os"
	"reflect"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
)

var sink []*[64]byte

GO
	for ((i = 0; i < n; i++)); do
		cat <<GO
func F$i(x int) int {
	s := "unit-$i-" + strings.Repeat("y", x%5)
	if x == -$i-1 {
		panic("boom in F$i")
	}
	switch x % 3 {
	case 0:
		return len(s) + $i*x
	case 1:
		return len(fmt.Sprint(x, $i))
	}
	return strings.Count(s, "$((i % 10))") + x*$((i % 89 + 3))
}

GO
	done
	echo "var table = []func(int) int{"
	for ((i = 0; i < n; i++)); do echo "	F$i,"; done
	cat <<'GO'
}

// textAligned: whether the text holding main.F0 starts on a 2 MiB boundary
// (the mapping's first line in /proc/self/maps at or below F0's pc).
func textAligned() string {
	pc := reflect.ValueOf(F0).Pointer()
	if os.Getenv("GOFN_LARGE_NATIVE") != "" {
		return "aligned"
	}
	b, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		return "maps: " + err.Error()
	}
	for _, l := range strings.Split(string(b), "\n") {
		r, _, _ := strings.Cut(l, " ")
		lo, hi, ok := strings.Cut(r, "-")
		if !ok {
			continue
		}
		a, _ := strconv.ParseUint(lo, 16, 64)
		e, _ := strconv.ParseUint(hi, 16, 64)
		if uint64(pc) >= a && uint64(pc) < e {
			if a%(2<<20) == 0 {
				return "aligned"
			}
			return fmt.Sprintf("text at %#x, not 2 MiB aligned", a)
		}
	}
	return "no mapping holds F0"
}

func main() {
	sum := 0
	for i, f := range table {
		sum += f(i)
		if i%500 == 0 {
			sink = append(sink, new([64]byte))
			runtime.GC()
		}
	}
	fmt.Println("sum", sum, len(sink) > 0)
	last := len(table) - 1
	func() {
		defer func() {
			r := recover()
			st := string(debug.Stack())
			fmt.Println("recovered:", r, strings.Contains(st, "main.F"+strconv.Itoa(last)+"("))
		}()
		table[last](-last - 1)
	}()
	fmt.Println(runtime.FuncForPC(reflect.ValueOf(table[last]).Pointer()).Name())
	fmt.Println(textAligned())
	sink = nil
}
GO
} >"$dir/main.go"
(cd "$dir" && GO111MODULE=off go build -o native main.go)
"$repo/scripts/gofn-compile" -o "$dir/main.o" "$dir/main.go"
GOFN_LARGE_NATIVE=1 "$dir/native" >"$dir/native.out"
rounds=3
: >"$dir/want"
for ((i = 0; i < rounds; i++)); do cat "$dir/native.out" >>"$dir/want"; done
if ! GOGC=1 "$loader" -o "$dir/main.o" -run main.main -times $rounds >"$dir/got" 2>"$dir/err"; then
	echo "FAIL large unit: loader exit $?:"; head -20 "$dir/err"; exit 1
fi
if cmp -s "$dir/want" "$dir/got"; then
	echo "PASS large unit x$rounds:"; cat "$dir/native.out"
	exit 0
fi
echo "FAIL large unit, native vs loaded:"; diff "$dir/want" "$dir/got" | head -20
exit 1
