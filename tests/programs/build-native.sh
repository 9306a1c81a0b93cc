#!/usr/bin/env bash
# build-native.sh OUTDIR [name...]: builds each program natively with
# `go build` into OUTDIR/<name>. A binary newer than its sources (built by the
# same Go release) is kept, so ctest runs rebuild only what changed.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

(($# >= 1)) || { echo "usage: build-native.sh OUTDIR [name...]" >&2; exit 2; }
out=$(mkdir -p "$1" && cd "$1" && pwd)
shift
names=("$@")
((${#names[@]})) || mapfile -t names < <(corpus_programs)

if [[ "${CORPUS_ONE:-}" == 1 ]]; then
	for n in "${names[@]}"; do
		bin="$out/$n"
		if [[ -x "$bin" && $(stat -c %Y "$bin") -ge $(corpus_src_mtime "$n") ]]; then
			continue
		fi
		# -s -w: no symbol table or DWARF (a third faster to link); tracebacks,
		# Callers and FuncForPC use pclntab, which stays.
		if ! (cd "$CORPUS_DIR" && go build -buildvcs=false -ldflags='-s -w' -o "$bin.tmp" \
			"$(corpus_main_pkg "$n")"); then
			echo "build-native: $n: go build failed" >&2
			exit 1
		fi
		mv "$bin.tmp" "$bin"
	done
	exit 0
fi

if corpus_toolchain_changed "$out"; then
	rm -f "${names[@]/#/$out/}"
	mv "$out/.goversion.new" "$out/.goversion"
fi
start=$(date +%s)
# Two at a time: go build itself is parallel, and the machine is shared.
printf '%s\n' "${names[@]}" | CORPUS_ONE=1 xargs -P 2 -n 8 "$0" "$out"
echo "build-native: ${#names[@]} programs in $out ($(($(date +%s) - start))s)"
