#!/usr/bin/env bash
# Side by side in fresh processes, the large load (issue 16 target 5): two
# gofn-loader builds (A and B) and plugin.Open+Lookup, alternating A, B,
# plugin each round, on the same object and plugin. Prints per variant the
# fastest and median load+init (GOFN_LOADER_TIMING; plugin_host's load_ns)
# and the median page faults of the whole process (/usr/bin/time's minor
# faults), with the load average before and after.
# Not part of make test or make bench: a tool for comparing changes.
# Usage: bench/load_ab.sh LOADER_A LOADER_B OBJ PLUGIN_SO PLUGIN_HOST [ROUNDS]
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
source "$BENCH_DIR/lib.sh"
A=$1 B=$2 OBJ=$3 SO=$4 HOST=$5 ROUNDS=${6:-41}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

# one fresh process: "LOAD_US FAULTS"
run_loader() {
	/usr/bin/time -f "faults %R" -o "$OUT/t" env GOFN_LOADER_TIMING=1 "$1" -o "$OBJ" \
		-run main.Noop 2>&1 >/dev/null | awk '/timing:/ {
			match($0, /: load [0-9.]+ us/); l = substr($0, RSTART + 7, RLENGTH - 10)
			match($0, /init [0-9.]+ us/); i = substr($0, RSTART + 5, RLENGTH - 8)
			printf "%s ", l + i }'
	field faults <"$OUT/t"
}
run_plugin() {
	/usr/bin/time -f "faults %R" -o "$OUT/t" "$HOST" "$SO" Noop | field load_ns |
		awk '{printf "%s ", $1 / 1000}'
	field faults <"$OUT/t"
}

echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
for ((r = 0; r < ROUNDS; r++)); do
	run_loader "$A" >>"$OUT/A"
	run_loader "$B" >>"$OUT/B"
	run_plugin >>"$OUT/P"
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
for v in A B P; do
	printf '%s: load+init fastest %s us, median %s us; process faults median %s (%d rounds)\n' \
		"$v" "$(awk '{print $1}' "$OUT/$v" | sort -g | head -1)" \
		"$(awk '{print $1}' "$OUT/$v" | median)" "$(awk '{print $2}' "$OUT/$v" | median)" \
		"$ROUNDS"
done
