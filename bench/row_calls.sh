# Row 3, call overhead: N calls of an empty func() through a func value,
# timed inside the program, loaded by gofn vs native (func value and direct
# call) vs the plugin host calling the looked-up symbol. Also the entry from
# the host into a loaded func() and a handler, as a worker makes each
# invocation's call (drive.go's loop, not a cgo callback, despite the row's
# name), which is what a worker pays per invocation.
# Sourced by bench/run.sh.

: >"$WORK/calls.gofn" && : >"$WORK/calls.native" && : >"$WORK/calls.direct" &&
	: >"$WORK/calls.plugin"
for ((i = 0; i < REPS; i++)); do
	"$LOADER" -o "$WORK/calls.o" -run main.main -- "$CALLS" | field funcvalue_ns_per_call \
		>>"$WORK/calls.gofn"
	"$WORK/calls" "$CALLS" >"$WORK/calls.out"
	field funcvalue_ns_per_call <"$WORK/calls.out" >>"$WORK/calls.native"
	field direct_ns_per_call <"$WORK/calls.out" >>"$WORK/calls.direct"
	"$WORK/plugin_host" "$WORK/calls.so" Noop "$CALLS" | field call_ns_per_call \
		>>"$WORK/calls.plugin"
done
calls_g=$(median <"$WORK/calls.gofn")
record 3 "loaded func() via func value" "$calls_g" "native direct call" \
	"$(median <"$WORK/calls.direct")" ns/call "ratio<=2" "$CALLS calls, median of $REPS"
record 3 "loaded func() via func value" "$calls_g" "native func value" \
	"$(median <"$WORK/calls.native")" ns/call - "$CALLS calls, median of $REPS"
record 3 "loaded func() via func value" "$calls_g" "plugin symbol call" \
	"$(median <"$WORK/calls.plugin")" ns/call - "$CALLS calls, median of $REPS"
# entry_ns SYM: host -> loaded entry per call, ns, one line per repetition.
entry_ns() {
	for ((i = 0; i < REPS; i++)); do
		GOFN_LOADER_TIMING=1 GOFN_LOADER_CALLS=$HOST_CALLS "$LOADER" -o "$WORK/calls.o" \
			-run "main.$1" -in /dev/null 2>&1 >/dev/null |
			sed -n 's/.*, call \([0-9.]*\) us,.*/\1/p' | awk '{print $1 * 1000}'
	done
}
# Issue 16: the per-invocation entry should cost <= 1 us. A func() runs on a
# goroutine other than the loop's (main's semantics: call.go runMain), one
# runner reused across calls and switched to as a coroutine (runner.go); a
# handler signature is called on the loop's goroutine.
entry_ns Noop >"$WORK/calls.entry"
entry_ns Echo >"$WORK/calls.entry.echo"
record 3 "host -> loaded func() (gofn_module_call)" "$(median <"$WORK/calls.entry")" \
	"native direct call" "$(median <"$WORK/calls.direct")" ns/call "value<=1000" \
	"$HOST_CALLS calls, median of $REPS; per-invocation entry, on the reused runner goroutine"
record 3 "host -> loaded func([]byte) ([]byte, error) (gofn_module_call)" \
	"$(median <"$WORK/calls.entry.echo")" "native direct call" \
	"$(median <"$WORK/calls.direct")" ns/call "value<=1000" \
	"$HOST_CALLS calls, median of $REPS; per-invocation entry of a handler (main.Echo)"
