#!/usr/bin/env bash
# Compiles the parser's test programs into OUTDIR with the ordinary Go
# toolchain, the way a gofn user does (importcfg from `go list -export`):
#   hello.o      one-file main package
#   multi.o      main package from two files (a.go b.go) in one compile
#   generics.o   generics, interfaces, recover
#   lib.a        `go build -buildmode=archive` of a non-main package with an
#                assembly file: __.PKGDEF + a compiled and an assembled object
set -euo pipefail
out=${1:?usage: build.sh OUTDIR}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
go list -export -f '{{if .Export}}packagefile {{.ImportPath}}={{.Export}}{{end}}' \
	-deps fmt strings strconv errors sort >"$out/importcfg"
compile() { # OUT FILES...
	local o=$1
	shift
	go tool compile -p main -importcfg "$out/importcfg" -o "$out/$o" "$@"
}
compile hello.o "$here/hello/main.go"
compile multi.o "$here/multi/a.go" "$here/multi/b.go"
compile generics.o "$here/generics/main.go"
(cd "$here/lib" && GOFLAGS=-mod=mod go build -buildmode=archive -o "$out/lib.a" .)
