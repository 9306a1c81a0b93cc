#!/usr/bin/env bash
# fake-loader.sh: stands in for gofn-loader in the harness self-test. It takes
# the loader's command line (-o OBJ... -run SYM [-in FILE]), works out which
# program the objects belong to (OBJDIR/<name>.o or OBJDIR/<name>/main.o) and
# runs that program's native binary from $GOFN_FAKE_NATIVE instead, so
# run-corpus.sh can be proven against known-good results before the real
# loader exists. GOFN_FAKE_CORRUPT=1 adds a stray line to stdout: the
# self-test uses it to prove the harness notices a wrong result.
set -euo pipefail
: "${GOFN_FAKE_NATIVE:?set GOFN_FAKE_NATIVE to the native binaries directory}"
obj="" sym="" in=""
while (($#)); do
	case "$1" in
	-o) obj=$2; shift 2 ;;
	-run) sym=$2; shift 2 ;;
	-in) in=$2; shift 2 ;;
	*) echo "fake-loader: unexpected argument $1" >&2; exit 2 ;;
	esac
done
[[ -n "$obj" && -n "$sym" ]] || { echo "fake-loader: need -o and -run" >&2; exit 2; }
[[ -f "$obj" ]] || { echo "fake-loader: no object $obj" >&2; exit 2; }
if [[ "$(basename "$obj")" == main.o ]]; then
	name=$(basename "$(dirname "$obj")")
else
	name=$(basename "$obj" .o)
fi
bin="$GOFN_FAKE_NATIVE/$name"
if [[ "${GOFN_FAKE_CORRUPT:-}" == 1 ]]; then
	echo "output the program never wrote"
fi
if [[ "$sym" == main.main ]]; then
	exec "$bin"
fi
[[ -n "$in" ]] || { echo "fake-loader: -run $sym needs -in" >&2; exit 2; }
GOFN_CALL=$sym exec "$bin" <"$in"
