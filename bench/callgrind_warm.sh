#!/usr/bin/env bash
# gofnd's own instructions per warm invoke, for comparing changes on a
# loaded machine (times are not comparable there, instruction counts are):
# gofnd under callgrind (--sandbox 0: valgrind cannot follow the sandbox's
# clone flags, and the warm path does not depend on them), one tenant with
# hello.go, collection switched on after a warm-up, then REQUESTS warm
# invokes in turn on one connection (a count, not a duration: the recorder's batches,
# and so its share, depend on the rate); instructions / requests, and the
# functions with the most inclusive instructions. Not part of make test or
# make bench.
# Usage: bench/callgrind_warm.sh BUILD [REQUESTS]   (GOFND_BIN=path overrides the binary)
export GOFN_TEST_PLAIN=1
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
source "$BENCH_DIR/../tests/integration/lib.sh"
REQS=${2:-1000}
GOFND=${GOFND_BIN:-$GOFND}
OUT=${OUT:-$BUILD/bench/callgrind}
mkdir -p "$OUT"
command -v valgrind >/dev/null || { echo "callgrind_warm: valgrind not installed"; exit 1; }
GOFND_WRAP=(valgrind --tool=callgrind --instr-atstart=no --log-file="$OUT/valgrind.log"
	--callgrind-out-file="$OUT/gofnd.cg")
start_gofnd "$TMP/data" --workers 4 --queue 1024 --sandbox 0 --prepared 0
T=$(new_tenant bench) || exit 1
HELLO=$(compile hello) || exit 1
upload "$T" "$HELLO" >/dev/null || { echo "callgrind_warm: upload failed: $BODY"; exit 1; }
for _ in 1 2 3 4 5; do req POST /invoke/main.Handle "$T" --data-binary warm; done
callgrind_control -i on "$PID" >/dev/null
# One curl, one kept-alive connection, REQS requests in turn.
urls=()
for ((i = 0; i < REQS; i++)); do urls+=("$URL/invoke/main.Handle"); done
curl -s -H "Authorization: Bearer $T" --data-binary bench -w '%{http_code}\n' \
	"${urls[@]}" 2>/dev/null | grep -c '^200$' >"$OUT/ok.txt"
callgrind_control -i off "$PID" >/dev/null
callgrind_control -d "$PID" >/dev/null
stop_gofnd
reqs=$(cat "$OUT/ok.txt")
f=$(ls "$OUT"/gofnd.cg.* | sort -V | head -1) # the dump, not the exit's
total=$(callgrind_annotate "$f" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}')
echo "requests $reqs, instructions $total, per request $((total / reqs))"
callgrind_annotate --inclusive=yes "$f" 2>/dev/null | sed -n '1,60p' >"$OUT/top.txt"
echo "inclusive top: $OUT/top.txt"
