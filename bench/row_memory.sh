# Row 6 (local part): RSS after many load/unload cycles in one process vs
# after a few. bench/progs/rss.go prints the process's VmRSS each time it
# runs; the last line is after N-1 unloads and one more load.
# Sourced by bench/run.sh.

cycles_rss() {
	"$LOADER" -o "$WORK/rss.o" -run main.main -times "$1" | field rss_kb
}
hi=$(cycles_rss "$CYCLES_HI")
lo=$(cycles_rss "$CYCLES_LO")
record 6 "RSS after $CYCLES_HI load/unload cycles" "$(mib "$hi")" \
	"after $CYCLES_LO cycles" "$(mib "$lo")" MiB "ratio<=1.1" \
	"gofn-loader -times N, VmRSS read by the loaded program"

# What an idle worker's trim costs the next call (bench/trim_cost.sh): a
# call after the worker idled past its trim delay vs one right after
# another, alternating, gofnd's time to first byte. And the worker's RSS in
# each state.
bash "$BENCH/trim_cost.sh" "$BUILD" "$REPS" 1.5 >"$WORK/trim_cost.out" 2>&1 ||
	echo "bench: trim_cost.sh failed (see $WORK/trim_cost.out)" >&2
values() { awk -v k="$1" '$1 == k {print $2}' "$WORK/trim_cost.out"; }
idle_us=$(values idle_us | median)
busy_us=$(values busy_us | median)
record 6 "warm call after an idle trim (time to first byte)" "$idle_us" \
	"call right after another" "$busy_us" us - \
	"median of $REPS each, alternating; the trim after 1 s idle (worker_trim.h)"
record 6 "warm call after an idle trim (inside the worker)" "$(values idle_call_us | median)" \
	"call right after another" "$(values busy_call_us | median)" us - \
	"gofnd's duration_us: the loaded call and its page faults, median of $REPS each"
idle_kb=$(values idle_rss_kb | median)
busy_kb=$(values busy_rss_kb | median)
record 6 "worker RSS idle (trimmed)" "$(mib "$idle_kb")" \
	"right after a call" "$(mib "$busy_kb")" MiB - "same worker, median of $REPS each"
