# Row 2, load time: object -> callable. gofn: load + init of the unit as
# gofn-loader's GOFN_LOADER_TIMING reports them, in a fresh process (the
# first load also reads the worker's own symbol table). Peer: plugin.Open +
# Lookup of the same code built with -buildmode=plugin, also in a fresh
# process (a process opens a plugin only once). Sourced by bench/run.sh.

# gofn_load_us OBJ [TIMES]: load + init microseconds (averaged over TIMES).
gofn_load_us() {
	GOFN_LOADER_TIMING=1 "$LOADER" -o "$1" -run main.Noop -times "${2:-1}" 2>&1 >/dev/null |
		sed -n 's/.*: load \([0-9.]*\) us, init \([0-9.]*\) us.*/\1 \2/p' |
		awk '{print $1 + $2}'
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
	g=$(median <"$WORK/$name.load.gofn")
	p=$(median <"$WORK/$name.load.plugin")
	record 2 "load $name ($size KiB object), fresh process" "$g" "plugin.Open+Lookup" "$p" \
		us "ratio<1" "median of $((REPS * 3)); plugin .so $(($(stat -c %s "$WORK/$name.so") / 1024)) KiB"
	w=$(gofn_load_us "$WORK/$name.o" "$LOAD_TIMES")
	record 2 "load $name, average of $LOAD_TIMES loads in one process" "$w" \
		"plugin.Open+Lookup (fresh)" "$p" us "ratio<1" "gofn-loader -times $LOAD_TIMES"
}

load_case calls
load_case large
