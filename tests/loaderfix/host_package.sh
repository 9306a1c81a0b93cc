#!/usr/bin/env bash
# host_package.sh LOADER WORKDIR: a unit that defines a package the worker
# already has (here: strings) is refused with an error naming the package,
# before any of its code runs (docs/loader.md, "Packages the host has").
set -euo pipefail
loader=$1 work=$2
repo=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$work/hp"
cat >"$work/hp/s.go" <<'GO'
package strings

import "os"

func init() { os.Stdout.WriteString("unit init ran\n") }

func ToUpper(s string) string { return "unit copy" }
GO
"$repo/scripts/gofn-compile" -p strings -o "$work/hp/strings.o" "$work/hp/s.go"
rc=0
out=$("$loader" -o "$work/hp/strings.o" -run strings.ToUpper -in /dev/null 2>&1) || rc=$?
echo "$out"
[[ $rc -ne 0 ]] || { echo "FAIL: load of package strings succeeded"; exit 1; }
grep -q "package strings is part of the host" <<<"$out" || { echo "FAIL: error does not name the package"; exit 1; }
! grep -q "unit init ran\|unit copy" <<<"$out" || { echo "FAIL: unit code ran"; exit 1; }
# A unit package the host does not have still loads (same code, other path).
cat >"$work/hp/m.go" <<'GO'
package main

import "fmt"

func main() { fmt.Println("main ok") }
GO
"$repo/scripts/gofn-compile" -o "$work/hp/main.o" "$work/hp/m.go"
[[ "$("$loader" -o "$work/hp/main.o" -run main.main)" == "main ok" ]] || { echo "FAIL: main"; exit 1; }
# Nor is a package refused whose name only a C static of the worker shares
# ("buf.0"): C names are outside the host's Go image.
go tool nm "$loader" | grep -c ' buf\.' >/dev/null || echo "note: the worker has no C symbol buf.*; the case below proves less"
cat >"$work/hp/b.go" <<'GO'
package buf

func F(s string) string { return "buf:" + s }
GO
"$repo/scripts/gofn-compile" -p buf -o "$work/hp/buf.o" "$work/hp/b.go"
printf hi >"$work/hp/in"
[[ "$("$loader" -o "$work/hp/buf.o" -run buf.F -in "$work/hp/in")" == "buf:hi" ]] || { echo "FAIL: package buf"; exit 1; }
echo PASS
