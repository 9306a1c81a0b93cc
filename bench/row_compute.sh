# Row 1, compute: the same CPU-bound program loaded by gofn and as a native
# binary. Each program times its own work loop (elapsed_ns), so process
# start and loading are excluded; runs alternate between the two so drift in
# the machine's load hits both. Then whole processes with hyperfine.
# Sourced by bench/run.sh.

compute_case() {
	local name=$1 arg=$2 g n
	: >"$WORK/$name.gofn" && : >"$WORK/$name.native"
	for ((i = 0; i < REPS; i++)); do
		"$WORK/$name" "$arg" | field elapsed_ns >>"$WORK/$name.native"
		"$LOADER" -o "$WORK/$name.o" -run main.main -- "$arg" | field elapsed_ns \
			>>"$WORK/$name.gofn"
	done
	g=$(median <"$WORK/$name.gofn")
	n=$(median <"$WORK/$name.native")
	record 1 "compute $name($arg), in-program" "$(awk -v v="$g" 'BEGIN {print v / 1e6}')" \
		native "$(awk -v v="$n" 'BEGIN {print v / 1e6}')" ms "ratio<=1.02" \
		"median of $REPS"

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
