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
