#!/usr/bin/env bash
# test-gofn-compile.sh: scripts/gofn-compile produces loadable archives for the
# cases a user meets and refuses bad invocations with a one-line reason.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
gc="$REPO_DIR/scripts/gofn-compile"
t=$(mktemp -d "${TMPDIR:-/tmp}/gofn-compile-test.XXXXXX")
trap 'rm -rf "$t"' EXIT
failures=0

ok() { # ok DESCRIPTION CMD...: must succeed
	local what=$1
	shift
	if "$@" >"$t/out" 2>&1; then
		echo "ok   $what"
	else
		echo "FAIL $what: exit $?"
		sed 's/^/  /' "$t/out"
		failures=$((failures + 1))
	fi
}

refused() { # refused DESCRIPTION EXPECTED-TEXT CMD...: must fail saying that
	local what=$1 want=$2 rc=0
	shift 2
	"$@" >"$t/out" 2>&1 || rc=$?
	if ((rc != 0)) && grep -qF -- "$want" "$t/out"; then
		echo "ok   $what: $(grep -F -- "$want" "$t/out" | head -1)"
	else
		echo "FAIL $what: exit $rc, wanted a message containing: $want"
		sed 's/^/  /' "$t/out"
		failures=$((failures + 1))
	fi
}

is_archive() { [[ "$(head -c 8 "$1")" == '!<arch>' ]]; }

mkdir -p "$t/greet" "$t/inc/example.com" "$t/mixed"
cat >"$t/greet/greet.go" <<'GO'
package greet

import "strings"

func Hi(n string) string { return "hi " + strings.ToUpper(n) }
GO
cat >"$t/main.go" <<'GO'
package main

import (
	"fmt"

	"example.com/greet"
)

func main() { fmt.Println(greet.Hi("x")) }
GO
printf 'package main\n\nimport "C"\n\nfunc main() {}\n' >"$t/cgo.go"
printf 'package main\n\nfunc main() { undefined() }\n' >"$t/broken.go"
printf 'package a\n' >"$t/mixed/a.go"
printf 'package b\n' >"$t/mixed/b.go"
printf 'not go at all\n' >"$t/garbage.go"

p="$CORPUS_DIR/init_order"
ok "multi-file main package" "$gc" -o "$t/init_order.o" "$p"/a.go "$p"/b.go
ok "  ... is an archive" is_archive "$t/init_order.o"
ok "library with -buildmode=archive" "$gc" -buildmode=archive -p example.com/greet -o "$t/greet.o" "$t/greet/greet.go"
ok "main importing it via -L" "$gc" -L example.com/greet="$t/greet.o" -o "$t/m1.o" "$t/main.go"
cp "$t/greet.o" "$t/inc/example.com/greet.o"
ok "main importing it via -I" "$gc" -I "$t/inc" -o "$t/m2.o" "$t/main.go"
ok "  ... same object either way" cmp "$t/m1.o" "$t/m2.o"
ok "default output name" "$gc" "$t/greet/greet.go" -p example.com/greet
ok "  ... greet.o next to the source" is_archive "$t/greet/greet.o"
a="$CORPUS_DIR/twopkg_asm/lib"
ok "library with assembly" "$gc" -buildmode=archive -p corpus/twopkg_asm/lib -o "$t/asm.o" "$a"/*.go "$a"/*.s
ok "  ... holds the Go and the assembly object" bash -c "go tool pack t '$t/asm.o' | grep -qx lib_amd64.o"

# -go 1.NN: compiled by exactly the toolchain of gofn's worker for that release.
names() { head -c 4096 "$1" | grep -aq "go object linux amd64 $2 "; }
while read -r tc; do
	v=$tc
	[[ $tc == local ]] && v=$(GOTOOLCHAIN=local go env GOVERSION)
	rel=${v#go}
	rel=${rel%.*}
	ok "-go $rel" "$gc" -go "$rel" -o "$t/go$rel.o" "$p"/a.go "$p"/b.go
	ok "  ... the object names $v" names "$t/go$rel.o" "$v"
done < <(grep -Ev '^(#|$)' "$REPO_DIR/scripts/go-toolchains.txt")
refused "-go of a release not served" "not a Go release gofn serves" "$gc" -go 1.19 "$t/main.go"

refused "user package not given" "a user package needs -L importpath=file.o or -I dir" "$gc" -o "$t/x.o" "$t/main.go"
refused "library without -p" "package greet is not main: give its import path with -p" "$gc" "$t/greet/greet.go"
refused "archive mode on main" "-buildmode=archive needs a non-main package" "$gc" -buildmode=archive "$t/main.go"
refused "cgo" 'cgo (import "C") is not supported' "$gc" "$t/cgo.go"
refused "compile error" "undefined: undefined" "$gc" -o "$t/b.o" "$t/broken.go"
refused "two packages" "found packages" "$gc" "$t/mixed/a.go" "$t/mixed/b.go"
refused "not Go source" "cannot read the package" "$gc" "$t/garbage.go"
refused "missing file" "no such file" "$gc" "$t/nope.go"
refused "not a .go file" "not a .go or .s file" "$gc" "$t/greet.o"
refused "bad -L" "want importpath=file" "$gc" -L example.com/greet "$t/main.go"
refused "unknown flag" "unknown flag -frobnicate" "$gc" -frobnicate "$t/main.go"
refused "no files" "usage: gofn-compile" "$gc"

((failures == 0)) && echo "gofn-compile: all cases behave" || echo "gofn-compile: $failures case(s) failed"
((failures == 0))
