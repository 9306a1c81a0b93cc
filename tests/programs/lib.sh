# lib.sh: sourced by the corpus scripts; knows the corpus layout.
#   <name>/*.go             a program (package main, one or more files)
#   <name>/lib/*.go         a two-package unit: library package corpus/<name>/lib
#                           (or lib.<x>/: corpus/<name>/lib.<x>; *.s assembly too)
#   <name>/main/*.go          and the main package that imports it
#   <name>/calls/<sym>.<case>.in   input for a handler call (see README.md)
#   golden/                 normalized native results (make-golden.sh)
# shellcheck shell=bash

CORPUS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$CORPUS_DIR/../.." && pwd)
# Module path of the corpus (go.mod); library import paths hang below it.
CORPUS_MODULE=corpus

corpus_programs() {
	local d
	for d in "$CORPUS_DIR"/*/; do
		d=${d%/}
		if compgen -G "$d/*.go" >/dev/null || compgen -G "$d/main/*.go" >/dev/null; then
			basename "$d"
		fi
	done
}

corpus_is_unit() { [[ -d "$CORPUS_DIR/$1/main" ]]; }

# The library directory of a unit: lib, or lib.<x> (an import path whose last
# element has a dot, as gopkg.in/yaml.v3).
corpus_lib_dir() {
	local d
	for d in "$CORPUS_DIR/$1"/lib "$CORPUS_DIR/$1"/lib.*; do
		[[ -d "$d" ]] && { basename "$d"; return; }
	done
	echo lib
}

# The package directory `go build` gets for a program's executable.
corpus_main_pkg() {
	if corpus_is_unit "$1"; then echo "./$1/main"; else echo "./$1"; fi
}

# Newest modification time (epoch seconds) among a program's sources.
corpus_src_mtime() {
	find "$CORPUS_DIR/$1" "$CORPUS_DIR/go.mod" -name '*.go' -o -name '*.s' -o -name go.mod |
		xargs stat -c %Y | sort -n | tail -1
}

# Handler calls of a program: "<sym> <case> <input-file>" per line.
corpus_calls() {
	local f b
	for f in "$CORPUS_DIR/$1"/calls/*.in; do
		[[ -f "$f" ]] || continue
		b=$(basename "$f" .in) # e.g. main.Handle.ok
		echo "${b%.*} ${b##*.} $f"
	done
}

# Runs a stamp check: prints "stale" when <dir>/.goversion differs from the
# toolchain's, so builds made by another Go release are all redone.
corpus_toolchain_changed() {
	local dir=$1 want
	want=$(go env GOVERSION)
	[[ -f "$dir/.goversion" && "$(cat "$dir/.goversion")" == "$want" ]] && return 1
	mkdir -p "$dir"
	echo "$want" >"$dir/.goversion.new"
	return 0
}
