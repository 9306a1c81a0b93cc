#!/usr/bin/env bash
# A call's stdout and stderr (api/proto.h): the worker keeps two memfds on
# fds 1 and 2 for its life, empties them when a call starts and returns
# what the call wrote inside its RESULT. Checked here: output at and past
# --max-output (cut and flagged, and the next call on the same worker
# starts empty), output of a goroutine that outlives its call (written
# during a later call: that call's; written while the worker is idle:
# dropped), and that nothing a tenant's leftover goroutine writes reaches
# another tenant. --workers 1 --prepared 0: each tenant's calls share one
# worker.
source "$(dirname "$0")/lib.sh"
CAP=4096
start_gofnd "$TMP/data" --workers 1 --prepared 0 --max-output $CAP
A=$(new_tenant alpha) || exit 1
B=$(new_tenant beta) || exit 1
OBJ=$(compile output) || exit 1
upload "$A" "$OBJ" >/dev/null || { echo "upload failed: $CODE $BODY"; exit 1; }

# print N: main.Print N as tenant alpha; sets BODY. (A flag that is false
# is left out of the answer.)
print() { req POST /invoke/main.Print "$A" --data-binary "$1"; }
len() { jqv "(.$1 // \"\") | length"; }

print 3
check "3 bytes: stdout ooo, stderr eee, not truncated ($BODY)" \
	test "$(jqv .stdout):$(jqv .stderr):$(jqv '.stdout_truncated // false'):$(jqv '.stderr_truncated // false')" \
	= "ooo:eee:false:false"
print $CAP
check "exactly --max-output bytes: all kept, not truncated" \
	test "$(len stdout):$(len stderr):$(jqv '.stdout_truncated // false'):$(jqv '.stderr_truncated // false')" \
	= "$CAP:$CAP:false:false"
print $((CAP + 1))
check "one byte more: cut at the cap and flagged" \
	test "$(len stdout):$(len stderr):$(jqv '.stdout_truncated // false'):$(jqv '.stderr_truncated // false')" \
	= "$CAP:$CAP:true:true"
print 1000000
check "1 MB: cut at the cap and flagged, the call itself ok" \
	test "$(jqv .status):$(len stdout):$(jqv '.stdout_truncated // false'):$(jqv '.stderr_truncated // false')" \
	= "ok:$CAP:true:true"
print 2
check "the next call on the same worker starts empty" \
	test "$(jqv .stdout):$(jqv .stderr):$(jqv '.stdout_truncated // false')" = "oo:ee:false"

req POST /invoke/main.Linger "$A" --data-binary x
check "a call leaves a goroutine behind" test "$(jqv .result)" = lingering
req POST /invoke/main.Release "$A" --data-binary x
check "what it writes during a later call is that call's output ($(jqv .stdout | head -1))" \
	test "$(jqv .result):$(jqv .stdout)" = "released:late"

# The memfd gofnd holds for alpha's worker's stdout: the test reads it to
# know when the leftover goroutine has written while the worker was idle.
stdout_file() {
	local f
	for f in /proc/"$PID"/fd/*; do
		[[ "$(readlink "$f")" == *gofn-stdout* ]] && echo "$f"
	done
}
req POST /invoke/main.Idle "$A" --data-binary x
check "Idle's own output lacks what its goroutine writes once the worker idles" \
	test "$(jqv .result):$(jqv '.stdout // ""')" = "idle:"
files=$(stdout_file)
check "gofnd holds one stdout file (one worker: alpha's)" test "$(wc -w <<<"$files")" = 1
marked=0
for _ in $(seq 300); do
	grep -aq idle-marker "$files" && { marked=1; break; }
	sleep 0.1
done
check "the goroutine wrote while no call ran" test $marked = 1
req POST /invoke/main.Quiet "$A" --data-binary q
check "the next call does not get what was written while idle" \
	test "$(jqv .result):$(jqv '.stdout // ""')" = "q:"

upload "$B" "$OBJ" >/dev/null || { echo "upload failed: $CODE $BODY"; exit 1; }
req POST /invoke/main.Chatter "$A" --data-binary alpha-secret
check "alpha leaves a goroutine writing for the worker's life" test "$(jqv .result)" = chattering
leak=0
for i in $(seq 20); do
	req POST /invoke/main.Print "$B" --data-binary 5
	[[ "$(jqv .stdout):$(jqv .stderr)" == "ooooo:eeeee" ]] || { echo "beta got: $BODY"; leak=1; }
done
check "beta's calls carry only beta's output" test $leak = 0
req POST /invoke/main.Quiet "$A" --data-binary q
others=$(jq -r '.stdout // ""' <<<"$BODY" | grep -v '^alpha-secret$' | grep -c .)
check "alpha's next call has its own goroutine's lines, nothing else ($others others)" \
	test "$(jqv .result):$others" = q:0
stop_gofnd
finish
