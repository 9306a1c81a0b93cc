#!/usr/bin/env bash
# Rows 6 and 7 on a real gofnd (tests/integration/lib.sh starts it on
# 127.0.0.1): gofnd's RSS with no tenants and with N idle tenants (each with
# one uploaded function), an idle warm worker's RSS, then throughput at c=64
# with 1..N tenants active at once (each request goes to the next tenant).
# Usage (from bench/row_server.sh): WORK=… RESULTS=… SECS=… TENANTS="1 10 100 1000"
#   BARE_RPS=… REPS_EVICT=… server_rows.sh BUILD
source "$(dirname "$0")/../tests/integration/lib.sh"
source "$ROOT/bench/lib.sh"

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null; }
# pss_kb PID: proportional set size (shared pages split among their users:
# the workers' common binary text counts once in a sum); uss_kb: private pages.
pss_kb() { awk '/^Pss:/ {print $2}' "/proc/$1/smaps_rollup" 2>/dev/null; }
uss_kb() { awk '/^Private_(Clean|Dirty):/ {s += $2} END {print s + 0}' "/proc/$1/smaps_rollup" 2>/dev/null; }

# smaps_by_mapping PID: resident KiB per mapping (file, [heap], [stack] or
# anon), the largest first, then smaps_rollup's totals.
smaps_by_mapping() {
	awk '/^[0-9a-f]+-[0-9a-f]+ / {name = NF >= 6 ? $6 : "[anon]"; perm = $2}
		/^Rss:/ {rss[name " " perm] += $2}
		/^Anonymous:/ {anon[name " " perm] += $2}
		END {for (k in rss) if (rss[k]) printf "%8d KiB rss %8d KiB anon  %s\n", rss[k], anon[k], k}' \
		"/proc/$1/smaps" 2>/dev/null | sort -rn
	cat "/proc/$1/smaps_rollup" 2>/dev/null
}

# workers: pids of gofnd's workers (tests/integration/lib.sh).
workers() { worker_pids | tr '\n' ' '; }

max=0
for k in $TENANTS; do ((k > max)) && max=$k; done

start_gofnd "$TMP/data" --workers 4 --queue 1024 --max-connections 1024
req GET /healthz ""
confined=$(jqv .sandbox.confined)
budget=$(metric gofn_workers_max)
rss0=$(rss_kb "$PID")
TOKENS=()
for ((i = 0; i < max; i++)); do
	t=$(new_tenant "t$i") || exit 1
	upload "$t" "$WORK/hello.o" >/dev/null || {
		echo "bench: upload for t$i failed: $BODY" >&2
		exit 1
	}
	TOKENS+=("$t")
done
sleep 1
rssn=$(rss_kb "$PID")
record 6 "gofnd RSS, $max idle tenants (one function each)" "$(mib "$rssn")" \
	"gofnd, no tenants" "$(mib "$rss0")" MiB - "workers not included; confined=$confined"

ws=$(workers)
nw=$(wc -w <<<"$ws")
wrss=$(for w in $ws; do rss_kb "$w"; done | median)
total_kb=$(for w in $ws; do rss_kb "$w"; done | awk '{s += $1} END {print s + 0}')
total=$((total_kb / 1024))
# What an idle worker's resident pages are, by mapping (docs/benchmarks.md).
first=${ws%% *}
if [[ -n "$first" ]]; then smaps_by_mapping "$first" >"$WORK/worker.smaps.txt"; fi
nrss=$("$WORK/rss" | field rss_kb)
record 6 "idle warm worker RSS (median of $nw)" "$(mib "$wrss")" \
	"native Go process (rss.go)" "$(mib "$nrss")" MiB "value<=6" \
	"all $nw workers: $total MiB; confined=$confined"
wuss=$(for w in $ws; do uss_kb "$w"; done | median)
record 6 "idle warm worker private pages (USS, median)" "$(mib "$wuss")" \
	"native Go process (rss.go)" "$(mib "$nrss")" MiB - \
	"RSS less the pages shared with other processes (binary text, libc)"
# Issue 16: gofnd + 1,000 idle tenants with one function each in 1 GiB, as
# PSS (a page shared by all workers counts once): gofnd's plus its
# workers'. The budget (--max-workers) keeps at most $budget of them; the
# other tenants' workers were evicted, least recently used first.
gpss=$(pss_kb "$PID")
wpss=$(for w in $ws; do pss_kb "$w"; done | awk '{s += $1} END {print s + 0}')
evicted=$(metric gofn_workers_evicted_total)
if ((max >= 1000)); then
	record 6 "gofnd + $max idle tenants, measured (PSS)" "$(mib $((gpss + wpss)))" "1 GiB" \
		1024 MiB "ratio<=1" "gofnd $(mib "$gpss") MiB + $nw workers $(mib "$wpss") MiB (--max-workers $budget; $evicted evicted)"
else
	# Fewer tenants here (smoke): their workers' PSS scaled to the workers
	# 1,000 tenants keep under the budget (pessimistic: fewer workers share
	# the binary's pages).
	keep=$((budget < 1000 ? budget : 1000))
	proj=$(awk -v g="$gpss" -v w="$wpss" -v n="$nw" -v k="$keep" 'BEGIN {print g + w * k / (n ? n : 1)}')
	record 6 "gofnd + 1000 idle tenants, projected (PSS)" "$(mib "$proj")" "1 GiB" 1024 MiB \
		"ratio<=1" "from $max tenants: gofnd $(mib "$gpss") MiB + $nw workers $(mib "$wpss") MiB, scaled to $keep workers (--max-workers $budget)"
fi
# scale_lua K: the wrk script calling tenants 0..K-1 in turn (each of wrk's
# two threads keeps its own turn).
scale_lua() { rotate_lua "$WORK/scale$1.lua" "${TOKENS[@]:0:$1}"; }

# cold_starts: workers that have served their first invocation (spawned or
# a prepared one bound; the ones uploads started are not counted).
cold_starts() { metric gofn_worker_first_result_seconds_count; }

# steady K: warm-up passes of the measured load itself (wrk as measured,
# SECS each) until a pass starts and evicts no worker, at most 40 (1,000
# tenants need 1,000 cold starts first: at most --max-starting at once,
# the calls beyond wait in gofnd's queue). Every
# active tenant then holds the workers this load makes it use (a second one
# where wrk's two threads call it at once: each thread keeps its own turn),
# and the budget no longer holds the idle tenants' workers that rows before
# left. Sets WARM_NOTE.
# steady K plateau: also done once a pass starts at most 3% of K workers:
# with a hard cap for 1,000 tenants, their second workers (wrk's two
# threads calling one tenant at once) kept coming at 7-30 a pass, filled
# the cap and were evicted, for all 40 passes (docs/benchmarks.md, "1,000
# tenants: cold-start storms").
steady() {
	local pass cs ev t0=$SECONDS
	for ((pass = 1; pass <= 40; pass++)); do
		cs=$(cold_starts)
		ev=$(metric gofn_workers_evicted_total)
		run_wrk 64 "$SECS" "$URL/invoke/main.Handle" "$WORK/scale$1.lua" "$WORK/warm$1.out"
		cs=$(($(cold_starts) - cs))
		ev=$(($(metric gofn_workers_evicted_total) - ev))
		echo "bench: $1 tenants, warm-up pass $pass: $cs cold starts, $ev evicted," \
			"$(metric gofn_workers) workers, $(timeouts "$WORK/warm$1.out") client timeouts," \
			"load $(cut -d' ' -f1 /proc/loadavg)" >&2
		((cs == 0 && ev == 0)) && break
		[[ "${2:-}" == plateau ]] && ((cs * 100 <= $1 * 3)) && break
	done
	((pass > 40)) && pass=40
	WARM_NOTE="warm-up: $pass pass(es) in $((SECONDS - t0)) s, the last with $cs cold starts, $ev evicted"
}

# timeouts FILE: wrk's requests unanswered after its 2 s timeout (counted;
# the calls still queued when wrk ends and closes its connections are the
# ones gofnd drops).
timeouts() { awk '/Socket errors/ {sub(/.*timeout /, ""); n = $1} END {print n + 0}' "$1"; }

# measure K LABEL: wrk at c=64 over K tenants; sets RPS and NOTE.
measure() {
	local cs ev ab bad out=$WORK/scale$1${2:-}.out
	cs=$(cold_starts)
	ev=$(metric gofn_workers_evicted_total)
	ab=$(metric gofn_queue_abandoned_total)
	run_wrk 64 "$SECS" "$URL/invoke/main.Handle" "$WORK/scale$1.lua" "$out"
	read -r _ _ RPS bad < <(wrk_stats "$out")
	cs=$(($(cold_starts) - cs))
	ev=$(($(metric gofn_workers_evicted_total) - ev))
	ab=$(($(metric gofn_queue_abandoned_total) - ab))
	NOTE="non-2xx: $bad; workers: $(wc -w <<<"$(workers)") of $(metric gofn_workers_max); during the run: $cs cold starts, $ev evicted, $(timeouts "$out") client timeouts, $ab calls dropped (client gone); $WARM_NOTE"
}

# all_pss: PSS_KB, gofnd's PSS plus that of every worker it has, NW workers.
all_pss() {
	local ws
	ws=$(workers)
	NW=$(wc -w <<<"$ws")
	PSS_KB=$(($(pss_kb "$PID") + $(for w in $ws; do pss_kb "$w"; done | awk '{s += $1} END {print s + 0}')))
}

for k in $TENANTS; do
	scale_lua "$k"
	# Every tenant once, then the load itself until it starts no worker:
	# a steady state. Pointless beyond the budget, where the rotation finds
	# every tenant's worker evicted (the least recently used is the next
	# one called).
	if ((k <= budget)); then
		for ((i = 0; i < k; i++)); do
			req POST /invoke/main.Handle "${TOKENS[$i]}" --data-binary warm
		done
		steady "$k"
	else
		WARM_NOTE="no warm-up: $k tenants in turn over $budget places are all cold starts"
	fi
	measure "$k"
	if ((k == 1)); then one_rps=$RPS; fi
	record 7 "throughput, $k tenant(s) active, c=64" "$RPS" "bare MHD handler, c=64" \
		"$BARE_RPS" req/s - "$NOTE"
	# Issue 16: with 100 and 1,000 tenants, >= 0.7 x the 1-tenant figure.
	if ((k >= 100)); then
		record 7 "throughput, $k tenants vs 1 tenant, c=64 (default budget)" "$RPS" \
			"1 tenant active" "${one_rps:-}" req/s "ratio>=0.7" "$NOTE"
	fi
done
stop_gofnd

# The same tenants on a gofnd whose hard cap holds them all while they are
# active (--max-workers), with the default budget as the soft one
# (--warm-workers): their throughput, the memory of all their workers, and
# that memory once they went quiet and the pool shrank back
# (docs/benchmarks.md, "Many tenants").
# The recorded run of 2026-12-06 stopped here: the warm-up's 1,000
# concurrent cold starts took the load average to 232 without settling.
# gofnd now starts at most --max-starting workers at once and drops queued
# calls whose client gave up (docs/benchmarks.md, "1,000 tenants: cold-start
# storms and the holding phase").
hold=$((max + max / 4 + 64))
keep=$((budget < max ? budget : max / 2))
# The default --warm-idle-ms (60 s) at full scale; a smoke run (a few
# tenants, 1 s passes) need not wait a minute for the shrink.
warm_idle=60000
((max < 100)) && warm_idle=2000
start_gofnd "$TMP/data" --workers 4 --queue 1024 --max-connections 1024 \
	--max-workers "$hold" --warm-workers "$keep" --warm-idle-ms "$warm_idle"
scale_lua "$max"
steady "$max" plateau
measure "$max" hold
all_pss
act=$PSS_KB
flags="--max-workers $hold --warm-workers $keep"
record 7 "throughput, $max tenants vs 1 tenant, c=64 ($flags)" "$RPS" \
	"1 tenant active" "${one_rps:-}" req/s "ratio>=0.7" "$NOTE"
record 6 "gofnd + $max active tenants, all workers (PSS)" "$(mib "$act")" "1 GiB" 1024 MiB - \
	"$NW workers right after the run above ($flags)"
t0=$(date +%s)
for _ in $(seq $((warm_idle / 100 + 1200))); do
	(($(metric gofn_workers) <= keep)) && break
	sleep 0.1
done
shrink_s=$(($(date +%s) - t0))
sleep 1 # the last reaped workers' exit
all_pss
idle=$PSS_KB
record 6 "gofnd + $max tenants gone quiet, shrunk (PSS)" "$(mib "$idle")" "1 GiB" 1024 MiB \
	"ratio<=1" "$NW workers left ${shrink_s} s after the run ($flags --warm-idle-ms $warm_idle)"
stop_gofnd

# What a tenant whose worker was evicted pays: its next call is a cold
# start. A gofnd with a budget of one worker and two tenants: a's warm call,
# then b's call (evicting a's worker), then a's call again, alternating.
start_gofnd "$TMP/evict" --max-workers 1
ta=$(new_tenant a) && tb=$(new_tenant b) || exit 1
upload "$ta" "$WORK/hello.o" >/dev/null && upload "$tb" "$WORK/hello.o" >/dev/null || exit 1
client_us() {
	curl -sS -o /dev/null -w '%{time_total}\n' -X POST -H "Authorization: Bearer $1" \
		--data-binary bench "$URL/invoke/main.Handle" | awk '{printf "%d\n", $1 * 1e6}'
}
: >"$WORK/evict.warm" && : >"$WORK/evict.cold"
for ((r = 0; r < REPS_EVICT; r++)); do
	client_us "$ta" >/dev/null # a is warm now
	client_us "$ta" >>"$WORK/evict.warm"
	client_us "$tb" >/dev/null # evicts a's worker
	client_us "$ta" >>"$WORK/evict.cold"
done
ev=$(metric gofn_workers_evicted_total)
record 7 "call after its worker was evicted (client)" "$(median <"$WORK/evict.cold")" \
	"warm call of the same tenant (client)" "$(median <"$WORK/evict.warm")" us - \
	"--max-workers 1, two tenants alternating; median of $REPS_EVICT; $ev evictions"
stop_gofnd
