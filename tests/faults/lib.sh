# Helpers for the fault tests, on top of tests/integration/lib.sh (a real
# gofnd on 127.0.0.1 with a temporary data dir, always killed at the end).
# Sourced by each fault_*.sh with the build dir as $1.
source "$(dirname "${BASH_SOURCE[0]}")/../integration/lib.sh"
PROGS=$ROOT/tests/faults/progs

# log_has FILTER [SECONDS]: waits (default 5 s) for a gofnd log line that
# is JSON and matches the jq FILTER (e.g. '.event=="invocation"').
log_has() {
	local filter=$1 secs=${2:-5}
	for _ in $(seq $((secs * 10))); do
		[[ -n "$(jq -cR "fromjson? | select($filter)" "$TMP/gofnd.log" 2>/dev/null)" ]] && return 0
		sleep 0.1
	done
	return 1
}

# descendants PID: every process below PID (workers, their supervisors).
descendants() {
	local p kids
	kids=$(cat /proc/"$1"/task/*/children 2>/dev/null)
	for p in $kids; do
		echo "$p"
		descendants "$p"
	done
}

# loaders_of PID: the gofn-loader processes below PID.
loaders_of() {
	local p
	for p in $(descendants "$1"); do
		# the worker of each Go release: gofn-loader-go1.NN (comm keeps 15 bytes)
		[[ "$(cat /proc/"$p"/comm 2>/dev/null)" == gofn-loader* ]] && echo "$p"
	done
	return 0
}

# gone_soon PID...: all of them exit (bounded: 30 s, for a loaded machine).
gone_soon() {
	for _ in $(seq 300); do
		workers_gone "$@" && return 0
		sleep 0.1
	done
	return 1
}

# cpu_ticks PID: the user+system CPU time PID has used, in clock ticks.
cpu_ticks() {
	local stat
	stat=$(cat /proc/"$1"/stat 2>/dev/null) || return 1
	awk '{print $12 + $13}' <<<"${stat##*) }" # fields 14, 15 after "pid (comm) "
}

# running_loader PID [TICKS]: waits (bounded: 60 s) for a gofn-loader below
# PID to use TICKS (default 20, 200 ms) more CPU than when first seen and
# prints it: the worker inside a spinning call, not one that only loads or
# waits (load is 25-35 ms of CPU) and not one the call has yet to reach.
running_loader() {
	local gofnd=$1 ticks=${2:-20} p now
	local -A first=()
	for _ in $(seq 600); do
		for p in $(loaders_of "$gofnd"); do
			now=$(cpu_ticks "$p") || continue
			[[ -n "${first[$p]:-}" ]] || first[$p]=$now
			((now - first[$p] >= ticks)) && echo "$p" && return 0
		done
		sleep 0.1
	done
	return 1
}

# store_consistent DATA TOKEN...: what the API lists agrees with the disk.
# Every listed function's objects exist under DATA/objects with the content
# their name promises (sha256); no temporary file is left in sight.
store_consistent() {
	local data=$1 tok id sha
	shift
	if compgen -G "$data/objects/tmp.*" >/dev/null; then
		echo "half-written object left: $(ls "$data"/objects/tmp.*)"
		return 1
	fi
	for tok in "$@"; do
		req GET /functions "$tok"
		[[ "$CODE" == 200 ]] || return 1
		for id in $(jq -r '.functions[].id' <<<"$BODY"); do
			req GET "/functions/$id" "$tok"
			[[ "$CODE" == 200 ]] || { echo "listed $id but GET says $CODE"; return 1; }
			for sha in $(jq -r '(.objects[]?.sha256) // .sha256' <<<"$BODY"); do
				[[ -f "$data/objects/$sha" ]] || { echo "$id: object $sha missing"; return 1; }
				[[ "$(sha256sum <"$data/objects/$sha" | cut -d' ' -f1)" == "$sha" ]] ||
					{ echo "$id: object $sha corrupt"; return 1; }
			done
		done
	done
	return 0
}
