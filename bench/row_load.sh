# Row 2, load time: object -> callable. gofn: what gofn-loader's
# GOFN_LOADER_TIMING reports in a fresh process: the preload (the worker's
# own symbol and type tables, read once per process at start) plus load and
# init of the unit; and load + init alone. Peer: plugin.Open + Lookup of the
# same code built with -buildmode=plugin, also in a fresh process (a process
# opens a plugin only once). Sourced by bench/run.sh.

# gofn_load_us OBJ [TIMES]: "PRELOAD LOAD_INIT" microseconds (load and init
# averaged over TIMES loads; preload 0 for a loader without one).
gofn_load_us() {
	GOFN_LOADER_TIMING=1 "$LOADER" -o "$1" -run main.Noop -times "${2:-1}" 2>&1 >/dev/null |
		awk '/timing:/ {
			pre = 0
			if (match($0, /preload [0-9.]+ us/)) pre = substr($0, RSTART + 8, RLENGTH - 11)
			match($0, /: load [0-9.]+ us/); l = substr($0, RSTART + 7, RLENGTH - 10)
			match($0, /init [0-9.]+ us/); i = substr($0, RSTART + 5, RLENGTH - 8)
			print pre + 0, l + i }'
}

load_case() {
	local name=$1 size g p w
	size=$(($(stat -c %s "$WORK/$name.o") / 1024))
	: >"$WORK/$name.load.gofn" && : >"$WORK/$name.load.plugin"
	for ((i = 0; i < REPS * 3; i++)); do
		gofn_load_us "$WORK/$name.o" >>"$WORK/$name.load.gofn"
		"$WORK/plugin_host" "$WORK/$name.so" Noop | field load_ns |
			awk '{print $1 / 1000}' >>"$WORK/$name.load.plugin"
	done
	p=$(median <"$WORK/$name.load.plugin")
	local sizes="median of $((REPS * 3)); plugin .so $(($(stat -c %s "$WORK/$name.so") / 1024)) KiB"
	record 2 "load $name ($size KiB object), fresh process, preload+load+init" \
		"$(awk '{print $1 + $2}' "$WORK/$name.load.gofn" | median)" "plugin.Open+Lookup" "$p" \
		us "ratio<1" "$sizes"
	record 2 "load $name, fresh process, load+init after preload" \
		"$(awk '{print $2}' "$WORK/$name.load.gofn" | median)" "plugin.Open+Lookup" "$p" us \
		"ratio<1" "$sizes"
	w=$(gofn_load_us "$WORK/$name.o" "$LOAD_TIMES" | awk '{print $2}')
	record 2 "load $name, average of $LOAD_TIMES loads in one process" "$w" \
		"plugin.Open+Lookup (fresh)" "$p" us "ratio<1" "gofn-loader -times $LOAD_TIMES"
}

load_case calls
load_case large

# A function using net/http (handler + httptest) against one using only fmt
# (issue 15: the worker keeps the whole standard library, so net/http links
# against the worker like fmt does): load+init after preload, fresh process.
for p in fmtfn httpfn; do
	"$ROOT/scripts/gofn-compile" -o "$WORK/$p.o" "$BENCH/progs/$p.go" || exit 1
	: >"$WORK/$p.load.gofn"
	for ((i = 0; i < REPS * 3; i++)); do
		gofn_load_us "$WORK/$p.o" | awk '{print $2}' >>"$WORK/$p.load.gofn"
	done
done
record 2 "load net/http-using function ($(($(stat -c %s "$WORK/httpfn.o") / 1024)) KiB), load+init" \
	"$(median <"$WORK/httpfn.load.gofn")" "fmt-only function" "$(median <"$WORK/fmtfn.load.gofn")" \
	us "ratio<=2" "median of $((REPS * 3)) fresh processes; fmtfn.o $(($(stat -c %s "$WORK/fmtfn.o") / 1024)) KiB"
