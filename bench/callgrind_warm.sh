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
# TENANTS=K (default 1): K tenants, each with hello.go and its warm worker,
# called in turn (bench row 7's rotation), so that K=100 against K=1 shows
# what gofnd's user space spends per call on many tenants. Every request
# carries its own token either way (a curl config, one connection).
# Usage: bench/callgrind_warm.sh BUILD [REQUESTS]   (GOFND_BIN=path overrides the binary,
#        GOFND_EXTRA="--flag v" adds gofnd flags)
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
K=${TENANTS:-1}
read -ra GOFND_ARGS <<<"${GOFND_EXTRA:-}" # more gofnd flags
start_gofnd "$TMP/data" --workers 4 --queue 1024 --sandbox 0 --prepared 0 "${GOFND_ARGS[@]}"
HELLO=$(compile hello) || exit 1
toks=()
for ((k = 0; k < K; k++)); do
	T=$(new_tenant "bench$k") || exit 1
	upload "$T" "$HELLO" >/dev/null || { echo "callgrind_warm: upload failed: $BODY"; exit 1; }
	toks+=("$T")
done
for _ in 1 2 3; do
	for T in "${toks[@]}"; do req POST /invoke/main.Handle "$T" --data-binary warm; done
done
# One curl, one kept-alive connection, REQS requests in turn over the
# tenants ("next" keeps the connection, each request its own header).
for ((i = 0; i < REQS; i++)); do
	((i)) && echo next
	echo "url = \"$URL/invoke/main.Handle\""
	echo "header = \"Authorization: Bearer ${toks[i % K]}\""
	echo 'data-binary = "bench"'
	echo "write-out = \"%{http_code}\\n\""
	echo 'silent'
	echo 'output = "/dev/null"'
done >"$OUT/curl.cfg"
callgrind_control -i on "$PID" >/dev/null
curl -K "$OUT/curl.cfg" 2>/dev/null | grep -c '^200$' >"$OUT/ok.txt"
callgrind_control -i off "$PID" >/dev/null
callgrind_control -d "$PID" >/dev/null
stop_gofnd
reqs=$(cat "$OUT/ok.txt")
f=$(ls "$OUT"/gofnd.cg.* | sort -V | head -1) # the dump, not the exit's
total=$(callgrind_annotate "$f" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}')
echo "tenants $K, requests $reqs, instructions $total, per request $((total / reqs))"
callgrind_annotate --inclusive=yes "$f" 2>/dev/null | sed -n '1,60p' >"$OUT/top.txt"
callgrind_annotate "$f" 2>/dev/null | sed -n '1,60p' >"$OUT/self.txt"
echo "inclusive top: $OUT/top.txt, self: $OUT/self.txt, profile: $f"
