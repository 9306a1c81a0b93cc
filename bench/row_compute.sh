# Row 1, compute: the same CPU-bound program loaded by gofn and as a native
# binary. Each program times its own work loop (wall and process CPU time),
# so process start and loading are excluded; runs alternate between the two so drift in
# the machine's load hits both. Then whole processes with hyperfine.
# Sourced by bench/run.sh.

# compute_metric NAME ARG KIND LABEL: median of the KIND (elapsed_ns or
# cpu_ns) lines both sides printed, recorded in ms.
compute_metric() {
	local name=$1 kind=$3 g n
	g=$(grep "^$kind " "$WORK/$name.gofn" | cut -d' ' -f2 | median)
	n=$(grep "^$kind " "$WORK/$name.native" | cut -d' ' -f2 | median)
	record 1 "compute $name($2), in-program $4" "$(awk -v v="$g" 'BEGIN {print v / 1e6}')" \
		native "$(awk -v v="$n" 'BEGIN {print v / 1e6}')" ms "ratio<=1.02" "median of $REPS"
}

compute_case() {
	local name=$1 arg=$2
	: >"$WORK/$name.gofn" && : >"$WORK/$name.native"
	for ((i = 0; i < REPS; i++)); do
		"$WORK/$name" "$arg" >>"$WORK/$name.native"
		"$LOADER" -o "$WORK/$name.o" -run main.main -- "$arg" >>"$WORK/$name.gofn"
	done
	compute_metric "$name" "$arg" elapsed_ns wall
	compute_metric "$name" "$arg" cpu_ns "CPU time"

	local t
	t=$(hyperfine_median "$WORK/$name.hf.json" "$LOADER -o $WORK/$name.o -run main.main -- $arg" \
		"$WORK/$name $arg") || t=""
	record 1 "compute $name($arg), whole process (hyperfine)" \
		"$(sed -n 1p <<<"$t" | awk '{if ($1 != "") print $1 * 1000}')" native \
		"$(sed -n 2p <<<"$t" | awk '{if ($1 != "") print $1 * 1000}')" ms - \
		"includes gofn-loader start and load; median of $HF_RUNS"
}

compute_case fib "$FIB"
compute_case sha "$SHA_MIB"
compute_case maps "$MAP_ROUNDS"
