#!/usr/bin/env bash
# The program corpus (tests/programs, the programs that already pass under
# the loader) run again with every program confined by gofn-loader -sandbox:
# proves the seccomp allowlist and the empty root leave the Go runtime
# (goroutines, GC, preemption, timers, panics, tracebacks) working. stdout,
# stderr and exit status are compared with the same goldens. The sandbox
# gives workers an empty environment, so the harness's GOGC=1 repeat is off.
# usage: run_corpus_sandboxed.sh path/to/gofn-loader path/to/build/programs
set -uo pipefail
loader=$1 objects=$2
here=$(cd "$(dirname "$0")" && pwd)
harness=$here/../programs/run-corpus.sh
if [[ ! -x $harness || ! -d $objects ]]; then
	echo "SKIP: program corpus not built here ($objects)"
	exit 0
fi
wrap=$(mktemp /tmp/gofn-sandboxed-loader-XXXXXX)
trap 'rm -f "$wrap"' EXIT
printf '#!/bin/sh\nexec %q -sandbox -timeout 25s "$@"\n' "$loader" >"$wrap"
chmod +x "$wrap"
# Programs whose golden depends on what the sandbox changes on purpose.
declare -A differs=(
	[errors_is_as]="opens a missing file: the sandbox refuses every open with EACCES, the golden expects ENOENT"
)
only=()
while read -r entry; do
	name=${entry%%:*}
	if [[ -n ${differs[$name]:-} ]]; then
		echo "SKIP $name: ${differs[$name]}"
		continue
	fi
	[[ " ${only[*]} " == *" $name "* ]] || only+=("$name")
done < <(grep -v '^[[:space:]]*\(#\|$\)' "$here/../programs/LOADED")
list=$(
	IFS=,
	echo "${only[*]}"
)
"$harness" --loader "$wrap" --objects "$objects" --no-gogc1 --only "$list"
