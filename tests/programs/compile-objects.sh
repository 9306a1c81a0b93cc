#!/usr/bin/env bash
# compile-objects.sh OUTDIR [name...]: compiles every program to objects the
# way a user does, with scripts/gofn-compile:
#   OUTDIR/<name>.o            a program (all its files, package main)
#   OUTDIR/<name>/lib.o        a unit's library (import path corpus/<name>/lib or lib.<x>)
#   OUTDIR/<name>/main.o       the unit's main, compiled against lib.o
#   OUTDIR/<name>/lib.a        the library again, by `go build -buildmode=archive`
# Outputs newer than their sources (same Go release) are kept.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

(($# >= 1)) || { echo "usage: compile-objects.sh OUTDIR [name...]" >&2; exit 2; }
out=$(mkdir -p "$1" && cd "$1" && pwd)
shift
names=("$@")
((${#names[@]})) || mapfile -t names < <(corpus_programs)
compile=("$REPO_DIR/scripts/gofn-compile")

fresh() { # fresh OUTPUT NAME: output exists and is newer than the sources
	[[ -f "$1" && $(stat -c %Y "$1") -ge $(corpus_src_mtime "$2") ]]
}

one() {
	local n=$1 src="$CORPUS_DIR/$1"
	if ! corpus_is_unit "$n"; then
		fresh "$out/$n.o" "$n" || "${compile[@]}" -o "$out/$n.o" "$src"/*.go
		return
	fi
	local libdir libpath
	libdir=$(corpus_lib_dir "$n")
	libpath="$CORPUS_MODULE/$n/$libdir"
	mkdir -p "$out/$n"
	if ! fresh "$out/$n/main.o" "$n"; then
		"${compile[@]}" -buildmode=archive -p "$libpath" -o "$out/$n/lib.o" "$src/$libdir"/*.go \
			$(compgen -G "$src/$libdir/*.s" || true)
		"${compile[@]}" -L "$libpath=$out/$n/lib.o" -o "$out/$n/main.o" "$src"/main/*.go
	fi
	fresh "$out/$n/lib.a" "$n" ||
		(cd "$CORPUS_DIR" && go build -buildvcs=false -buildmode=archive -o "$out/$n/lib.a" "./$n/$libdir")
}

if [[ "${CORPUS_ONE:-}" == 1 ]]; then
	for n in "${names[@]}"; do
		one "$n" || { echo "compile-objects: $n failed" >&2; exit 1; }
	done
	exit 0
fi

if corpus_toolchain_changed "$out"; then
	for n in "${names[@]}"; do rm -rf "${out:?}/$n.o" "${out:?}/$n"; done
	mv "$out/.goversion.new" "$out/.goversion"
fi
start=$(date +%s)
printf '%s\n' "${names[@]}" | CORPUS_ONE=1 xargs -P 2 -n 8 "$0" "$out"

# Check every expected output exists and is a Go object archive.
missing=0 count=0
for n in "${names[@]}"; do
	if corpus_is_unit "$n"; then
		files=("$out/$n/lib.o" "$out/$n/main.o" "$out/$n/lib.a")
	else
		files=("$out/$n.o")
	fi
	for f in "${files[@]}"; do
		count=$((count + 1))
		if [[ "$(head -c 8 "$f" 2>/dev/null)" != '!<arch>' ]]; then
			echo "compile-objects: missing or not an archive: $f" >&2
			missing=$((missing + 1))
		fi
	done
done
echo "compile-objects: $count objects for ${#names[@]} programs in $out ($(($(date +%s) - start))s)"
echo "compile-objects: layout: $out/<name>.o; units: $out/<name>/lib.o, main.o, lib.a"
((missing == 0))
