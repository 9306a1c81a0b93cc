#!/usr/bin/env bash
# func() entries (loader/host/call.go runMain, runner.go): each call runs
# as a program's main on a goroutine that is not the worker's loop, and
# the worker reuses one runner goroutine across calls. Checked here, with
# every call on one worker (--workers 1 --prepared 0): what a call leaves
# on its goroutine does not reach the next one (a locked thread, which
# ends with the call as natively; pprof labels; SetPanicOnFault), and
# runtime.Goexit still ends the worker with main's deadlock message.
source "$(dirname "$0")/lib.sh"
start_gofnd "$TMP/data" --workers 1 --prepared 0
A=$(new_tenant alpha) || exit 1
OBJ=$(compile entry) || exit 1
upload "$A" "$OBJ" >/dev/null || { echo "upload failed: $CODE $BODY"; exit 1; }

# call SYM: main.SYM as alpha; sets BODY.
call() { req POST "/invoke/main.$1" "$A"; }
out() { jqv '.status + " " + (.stdout // "" | rtrimstr("\n"))'; }

call Lock
check "a func() returns with its thread locked: ok ($(out))" test "$(out)" = "ok locked"
thread_gone() {
	call Thread
	[[ "$(out)" == "ok same=false gone=true" ]]
}
wait_until 10 thread_gone
check "the next call runs on another thread, and the locked one is gone ($(out))" \
	test "$(out)" = "ok same=false gone=true"

call Label
check "a func() sets a pprof label ($(out))" test "$(out)" = "ok labelled"
call Labels
check "the next call's goroutine does not carry it ($(out))" test "$(out)" = "ok carried=false"

call Fault
check "a func() sets SetPanicOnFault ($(out))" test "$(out)" = "ok faulting"
call Faults
check "the next call starts with it off ($(out))" test "$(out)" = "ok panic_on_fault=false"

call Exit
check "runtime.Goexit: deferred call ran, not ok ($(out))" \
	test "$(jqv .status)" != ok -a "$(jqv .stdout)" = deferred
check "runtime.Goexit: main's deadlock message ($(jqv .stderr))" \
	test "$(jqv '.stderr // "" | contains("no goroutines (main called runtime.Goexit)")')" = true
call Faults
check "the next call runs on a new worker ($(out))" test "$(out)" = "ok panic_on_fault=false"
stop_gofnd
finish
