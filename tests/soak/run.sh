#!/usr/bin/env bash
# Soak test (issue 9; not part of `make test`):
#   tests/soak/run.sh [MINUTES] [BUILD]     default 10 minutes, build/
# One gofnd (the plain binary, sandboxed workers as deployed) on 127.0.0.1,
# 10 tenants each with tests/faults/progs/mix.go, 64 concurrent clients for
# MINUTES sending a mix of fast, slow, crashing, timing-out, memory-hungry
# and output-heavy invocations. Every response is checked against what
# that call must return; 429/503 backpressure is counted apart, anything
# else is an unexpected error. gofnd's RSS, open fds and workers are
# sampled every 5 s (BUILD/soak/samples.tsv). Passes when there were no
# unexpected errors, RSS and fds stayed flat (end within 25% + 8 MiB and
# +16 fds of the first sample after warm-up), SIGTERM exits 0 and no
# worker or zombie is left.
set -uo pipefail
MINUTES=${1:-10}
export GOFN_TEST_PLAIN=1 # measure the real binary, not gofnd_san
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/../faults/lib.sh" "${2:-$HERE/../../build}"
OUT=$BUILD/soak
mkdir -p "$OUT"
rm -f "$OUT"/client.* "$OUT"/samples.tsv
CLIENTS=64
TENANTS=10
start_gofnd "$TMP/data"
obj=$(compile mix) || exit 1
for t in $(seq 0 $((TENANTS - 1))); do
	tok[$t]=$(new_tenant "soak$t") || exit 1
	req POST /functions "${tok[$t]}" -F "obj=@$obj"
	[[ "$CODE" == 201 ]] || { echo "upload for soak$t: $CODE $BODY"; exit 1; }
done
printf '%s\n' "${tok[@]}" >"$TMP/tokens"
echo "gofnd $PID on $URL; $TENANTS tenants, $CLIENTS clients, $MINUTES min"

# client N END: requests until END (epoch s); appends "kind outcome" lines.
client() {
	local n=$1 end=$2 i=0 t tk kind arg want path body status res
	mapfile -t toks <"$TMP/tokens"
	while (($(date +%s) < end)); do
		i=$((i + 1))
		t=$(((n * 7 + i) % TENANTS))
		tk=${toks[$t]}
		case $(((n + i * 13) % 20)) in
		0 | 1 | 2 | 3 | 4 | 5 | 6 | 7) kind=fast arg="c$n-i$i-$RANDOM" path=main.Echo ;;
		8 | 9 | 10) kind=slow arg=$((50 + RANDOM % 250)) path=main.Sleep ;;
		11 | 12) kind=crash arg=1 path=main.Crash ;;
		13) kind=timeout arg=1 path="main.Spin?timeout_ms=300" ;;
		14 | 15) kind=memory arg=48 path=main.Hog ;;
		16) kind=oom arg=4096 path=main.Hog ;;
		*) kind=output arg=200 path=main.Loud ;;
		esac
		body=$(curl -sS --max-time 60 -w '\n%{http_code}' -H "Authorization: Bearer $tk" \
			--data-binary "$arg" "$URL/invoke/$path" 2>&1)
		status=${body##*$'\n'}
		body=${body%$'\n'*}
		if [[ "$status" == 429 || "$status" == 503 ]]; then
			echo "$kind busy" >>"$OUT/client.$n"
			continue
		fi
		if [[ "$status" != 200 ]]; then
			echo "$kind UNEXPECTED http=$status $body" >>"$OUT/client.$n"
			continue
		fi
		case $kind in
		fast) want="ok|$arg" ;;
		slow) want="ok|slept $arg" ;;
		crash) want="panic|" ;;
		timeout) want="timeout|" ;;
		memory) want="ok|$((arg << 20))" ;;
		oom) want="killed|" ;;
		output) want="ok|wrote $arg|204800" ;;
		esac
		case $kind in
		crash | timeout | oom) res=$(jq -r '"\(.status)|"' <<<"$body") ;;
		output) res=$(jq -r '"\(.status)|\(.result)|\(.stdout|length)"' <<<"$body") ;;
		*) res=$(jq -r '"\(.status)|\(.result)"' <<<"$body") ;;
		esac
		if [[ "$res" == "$want" ]]; then
			echo "$kind ok" >>"$OUT/client.$n"
		else
			echo "$kind UNEXPECTED want=$want got=$res $body" | head -c 600 >>"$OUT/client.$n"
			echo >>"$OUT/client.$n"
		fi
	done
}

sample() {
	local rss fds workers zombies
	rss=$(awk '/VmRSS/ {print $2}' /proc/"$PID"/status)
	fds=$(ls /proc/"$PID"/fd | wc -l)
	workers=$(loaders_of "$PID" | wc -l)
	zombies=0
	for p in $(descendants "$PID"); do
		[[ "$(awk '{print $3}' /proc/"$p"/stat 2>/dev/null)" == Z ]] && zombies=$((zombies + 1))
	done
	printf '%s\t%s\t%s\t%s\t%s\n' "$(date +%s)" "$rss" "$fds" "$workers" "$zombies" >>"$OUT/samples.tsv"
}

printf 'time\trss_kib\tfds\tworkers\tzombies\n' >"$OUT/samples.tsv"
end=$(($(date +%s) + MINUTES * 60))
cpids=()
for n in $(seq 0 $((CLIENTS - 1))); do
	client "$n" "$end" &
	cpids+=($!)
done
while (($(date +%s) < end)); do
	sample
	sleep 5
done
wait "${cpids[@]}"
sample
workers=$(loaders_of "$PID")
stop_gofnd
rc=$?

cat "$OUT"/client.* >"$OUT/results"
total=$(wc -l <"$OUT/results")
unexpected=$(grep -c UNEXPECTED "$OUT/results")
busy=$(grep -c ' busy' "$OUT/results")
# Warm-up: the first minute fills the pools; compare from the sample after it.
base=$(awk -F'\t' 'NR > 1 && $1 >= '"$(($(sed -n 2p "$OUT/samples.tsv" | cut -f1) + 60))"' {print; exit}' "$OUT/samples.tsv")
[[ -n "$base" ]] || base=$(sed -n 2p "$OUT/samples.tsv")
last=$(tail -1 "$OUT/samples.tsv")
read -r _ rss0 fd0 _ _ <<<"$base"
read -r _ rss1 fd1 w1 z1 <<<"$last"
maxw=$(awk -F'\t' 'NR > 1 && $4 > m {m = $4} END {print m + 0}' "$OUT/samples.tsv")
maxz=$(awk -F'\t' 'NR > 1 && $5 > m {m = $5} END {print m + 0}' "$OUT/samples.tsv")
echo "requests: $total in $MINUTES min ($((total / (MINUTES * 60))) /s); unexpected: $unexpected; busy (429/503): $busy"
awk '{k[$1" "$2]++} END {for (x in k) print "  " x ": " k[x]}' "$OUT/results" | sort
echo "gofnd RSS: $rss0 KiB after warm-up -> $rss1 KiB at the end; fds: $fd0 -> $fd1; workers: max $maxw (limit $((TENANTS * 4))); zombies seen: max $maxz"
echo "samples: $OUT/samples.tsv"
check "no unexpected errors" test "$unexpected" == 0
((unexpected)) && grep UNEXPECTED "$OUT/results" | head -5
check "RSS flat (end <= 1.25 x warm + 8 MiB)" test "$rss1" -le $((rss0 * 5 / 4 + 8192))
check "fds flat (end <= warm + 16)" test "$fd1" -le $((fd0 + 16))
check "workers within the pool limits" test "$maxw" -le $((TENANTS * 4 + 4))
check "SIGTERM exits 0" test "$rc" == 0
check "no worker left after gofnd" gone_soon $workers
check "no zombie at the end" test "$z1" == 0
finish
