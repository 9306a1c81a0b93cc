#!/usr/bin/env bash
# make-golden.sh [NATIVE-DIR]: builds every program natively (go build), runs
# it, and stores its normalized stdout, stderr and exit code as
# golden/<name>.{stdout,stderr,exit} (handler calls:
# golden/<name>.call.<sym>.<case>.*). Then checks the result twice more,
# plainly and under GOGC=1, so a program whose output is not deterministic is
# caught before its golden is committed. Run it after adding or changing a
# program, and commit golden/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
native=${1:-$here/../../build-golden/programs-native}
"$here/build-native.sh" "$native"
rm -f "$here"/golden/*.stdout "$here"/golden/*.stderr "$here"/golden/*.exit
"$here/run-corpus.sh" --native "$native" --write-golden
"$here/run-corpus.sh" --native "$native" >/dev/null || {
	echo "make-golden: a second run differs from the goldens just written:" >&2
	"$here/run-corpus.sh" --native "$native" | grep -A30 '^FAIL' >&2
	exit 1
}
echo "make-golden: goldens written and re-checked (plain and GOGC=1)"
