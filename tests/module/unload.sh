#!/usr/bin/env bash
# unload.sh LOADER CORPUS_OBJ WORKDIR: load -> init -> run -> unload many
# times in one worker process (gofn-loader -times N), under GOGC=1, and check
#  1. every round prints exactly the native golden output: unload left no
#     stale itab, type-assertion cache or module-list entry behind that a
#     later round (or the GC scanning globals and stacks) would trip over;
#  2. the process does not keep the unloaded units mapped: the number of
#     mappings a program sees after 400 rounds is within a small margin of
#     what it sees after 50 (by then the runtime's own threads and heap
#     arenas exist; one leaked unit per round would add hundreds).
set -euo pipefail
loader=$1 objs=$2 work=$3
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
golden=$repo/tests/programs/golden
mkdir -p "$work"
fail=0

rounds=25
for name in fmt_types iface_type_switch iface_conversions reflect_type_identity \
	gc_globals goroutines_pipeline maps_basic closures json_roundtrip generics_types; do
	want=$work/$name.want
	: >"$want"
	for ((i = 0; i < rounds; i++)); do cat "$golden/$name.stdout" >>"$want"; done
	if ! GOGC=1 "$loader" -o "$objs/$name.o" -run main.main -times $rounds >"$work/$name.got" 2>"$work/$name.err"; then
		echo "FAIL $name: exit $? after some rounds:"; head -20 "$work/$name.err"; fail=1; continue
	fi
	if cmp -s "$want" "$work/$name.got"; then
		echo "PASS $name x$rounds"
	else
		echo "FAIL $name x$rounds:"; diff "$want" "$work/$name.got" | head -20; fail=1
	fi
done

# A program that reports how many mappings its process has.
cat >"$work/maps.go" <<'GO'
package main

import (
	"fmt"
	"os"
	"strings"
)

func main() {
	b, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(strings.Count(string(b), "\n"))
}
GO
"$repo/scripts/gofn-compile" -o "$work/maps.o" "$work/maps.go"
one=$("$loader" -o "$work/maps.o" -run main.main -times 50 | tail -1)
many=$("$loader" -o "$work/maps.o" -run main.main -times 400 | tail -1)
# The count moves by about a dozen from run to run without any unit kept
# (2 per OS thread the runtime starts, heap arenas), more under load; 350
# units left mapped would add at least 350 (text and data never merge).
if [[ "$one" =~ ^[0-9]+$ && "$many" =~ ^[0-9]+$ ]] && ((many <= one + 64)); then
	echo "PASS mappings after 50 rounds: $one, after 400: $many"
else
	echo "FAIL mappings after 50 rounds: $one, after 400: $many (units not unmapped?)"
	fail=1
fi
# 3. Each round's unit lives at a fresh address: host caches keyed by type
#    address (reflect, encoding/json) survive an unload and must never see a
#    new type at an old type's address.
cat >"$work/addr.go" <<'GO'
package main

import (
	"fmt"
	"unsafe"
)

type T struct{ a int }

func main() {
	var x any = T{}
	fmt.Printf("%#x\n", *(*uintptr)(unsafe.Pointer(&x)))
}
GO
"$repo/scripts/gofn-compile" -o "$work/addr.o" "$work/addr.go"
"$loader" -o "$work/addr.o" -run main.main -times 20 >"$work/addr.out"
if [[ $(wc -l <"$work/addr.out") == 20 && $(sort -u "$work/addr.out" | wc -l) == 20 ]]; then
	echo "PASS 20 rounds, 20 distinct type addresses"
else
	echo "FAIL type addresses reused across rounds:"; sort "$work/addr.out" | uniq -c | sort -rn | head -3
	fail=1
fi
exit $fail
