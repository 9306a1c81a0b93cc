#!/usr/bin/env bash
# Escape suite, Go half: each tests/escape/go/<name>/main.go, with the shared
# helpers of tests/escape/go/prelude.go, is compiled to an
# object with the ordinary toolchain and run as tenant code:
#   gofn-loader -sandbox -o x.o -run main.main
# (the host path, port or pid an attempt aims at is written into its source).
# Every attempt is a hard check: no ESCAPED marker, and the ending the design
# says (error / killed naming the syscall / limit). An attempt that ends any
# other way (the loader refusing the object included: the worker keeps the
# whole API of the packages they import, scripts/gen-keepalive) fails.
# usage: run_go.sh path/to/gofn-loader path/to/gofn-loader-escape
# (the second is the test build with the C attempts, for the heartbeat
# neighbour). GOFN_SANDBOX_TEST_FALLBACK=nouserns|none runs every confined
# process with -test-fallback MODE.
set -uo pipefail
usage="usage: run_go.sh path/to/gofn-loader path/to/gofn-loader-escape"
loader=${1:?$usage}
escape_loader=${2:?$usage}
fallback=()
[[ -n "${GOFN_SANDBOX_TEST_FALLBACK:-}" ]] && fallback=(-test-fallback "$GOFN_SANDBOX_TEST_FALLBACK")
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/gofn-escape-go-XXXXXX)
trap 'rm -rf "$work"' EXIT

# name expected-ending(s) [argument given on stdin]
# endings: error:<errno> (the attempt printed denied:<name>: … <errno's text>)
# | killed:<syscall> | killed:SIGSYS (the trap hit while the
# thread blocked all signals, so the kernel killed it before the handler could
# name the call) | memory | timeout | truncated | crash
expect=(
	"read_passwd error:EACCES"
	"read_datadir error:EACCES DIR"
	"write_file error:EACCES DIR"
	"list_procs error:EACCES"
	"tcp_listen error:EACCES"
	"udp_socket error:EACCES"
	"unix_socket error:EACCES"
	"netlink_socket error:EACCES"
	"connect_loopback error:EACCES PORT"
	"exec_shell error:EACCES"
	"exec_stdio killed:pidfd_open|killed:clone|killed:clone3"
	"forkexec_shell killed:SIGSYS|killed:clone"
	"fork killed:fork"
	"clone_newuser killed:clone"
	"ptrace_parent killed:ptrace"
	"kill_parent error:EPERM PID"
	"kill_init error:EPERM"
	"setuid_root killed:setuid"
	"mount_tmpfs killed:mount"
	"unshare_user killed:unshare"
	"chroot killed:chroot"
	"bpf killed:bpf"
	"perf_event_open killed:perf_event_open"
	"userfaultfd killed:userfaultfd"
	"io_uring_setup killed:io_uring_setup"
	"keyctl killed:keyctl"
	"raise_rlimit error:EPERM"
	"memory_bomb memory"
	"goroutine_bomb crash|error:EAGAIN|memory"
	"infinite_loop timeout"
	"stdout_flood truncated"
	"guess_fds error:EBADF"
)

pkgs=$(cat "$here"/go/prelude.go "$here"/go/*/main.go "$here"/pprof/main.go | sed -n 's/^\t"\([a-z/]*\)"$/\1/p' | sort -u)
# shellcheck disable=SC2086
go list -export -deps -f '{{if .Export}}packagefile {{.ImportPath}}={{.Export}}{{end}}' \
	$pkgs >"$work/importcfg" || {
	echo "FAIL: go list -export failed"
	exit 1
}

# The host side the attempts aim at: a canary and a loopback listener.
mkdir "$work/data"
echo canary >"$work/data/canary"
port=0
if command -v python3 >/dev/null; then
	python3 -c 'import socket,sys,time
s=socket.socket(); s.bind(("127.0.0.1",0)); s.listen(1)
print(s.getsockname()[1], flush=True)
s.settimeout(600)
try:
    c,_=s.accept(); open(sys.argv[1],"w").write("connected")
except Exception: pass' "$work/connected" >"$work/port" &
	listener=$!
	for _ in $(seq 50); do [[ -s $work/port ]] && break; sleep 0.1; done
	port=$(cat "$work/port")
fi

# A second tenant's worker, confined the same way, beating every 100 ms
# while the attempts run; it must still be alive and beating at the end.
"$escape_loader" -sandbox "${fallback[@]}" -timeout 600s -selftest heartbeat 600 >"$work/beats" 2>&1 &
neighbour=$!
sleep 0.5
beats0=$(grep -c beat "$work/beats")

# The errno an attempt's error ends with (Go prints syscall.Errno as text).
errno_name() {
	case $1 in
	*": permission denied") echo EACCES ;;
	*": operation not permitted") echo EPERM ;;
	*": no such process") echo ESRCH ;;
	*": bad file descriptor") echo EBADF ;;
	*": resource temporarily unavailable") echo EAGAIN ;;
	*) echo "other(${1##*: })" ;;
	esac
}

fail=0 ran=0
for line in "${expect[@]}"; do
	read -r name want argkind <<<"$line"
	case ${argkind:-} in
	DIR) arg=$work/data ;;
	PORT) arg=$port ;;
	PID) arg=$$ ;;
	*) arg="" ;;
	esac
	obj=$work/$name.o
	sed "s|@ARG@|$arg|" "$here/go/$name/main.go" >"$work/main.go"
	sed "s|@ARG@|$arg|" "$here/go/prelude.go" >"$work/prelude.go"
	if ! go tool compile -p main -importcfg "$work/importcfg" -o "$obj" "$work/main.go" \
		"$work/prelude.go" 2>"$work/cc"; then
		echo "FAIL $name: does not compile: $(head -1 "$work/cc")"
		fail=$((fail + 1))
		continue
	fi
	"$loader" -sandbox "${fallback[@]}" -timeout 3s -mem 128M -output 64K -o "$obj" -run main.main \
		>"$work/out" 2>"$work/err"
	rc=$?
	out=$(head -c 300 "$work/out")
	err=$(head -c 2000 "$work/err")
	if grep -q "ESCAPED:" "$work/out" "$work/err"; then
		echo "FAIL $name: ESCAPED ($out)"
		fail=$((fail + 1))
		continue
	fi
	got=""
	case $rc in
	0) grep -q "^denied:$name: " "$work/out" && got=error:$(errno_name "$(grep -m1 "^denied:$name: " "$work/out")") ;;
	159)
		got="killed:$(sed -n 's/.*system call \([a-z0-9_]*\) refused.*/\1/p' <<<"$err" | head -1)"
		[[ $got == killed: ]] && grep -q "refused by the sandbox (SIGSYS)" <<<"$err" && got=killed:SIGSYS
		;;
	124) got=timeout ;;
	137) grep -q "memory limit" <<<"$err" && got=memory ;;
	2) grep -q "^runtime: \|^fatal error: \|^panic: " <<<"$err" && got=crash ;;
	esac
	grep -q "stdout truncated at 65536" <<<"$err" && [[ $(wc -c <"$work/out") -eq 65536 ]] && got=truncated
	ran=$((ran + 1))
	if [[ -z $got ]]; then
		echo "FAIL $name: want $want, got no designed ending (exit $rc): $(grep -m1 . <<<"$err" || head -c 300 <<<"$out")"
		fail=$((fail + 1))
		continue
	fi
	if [[ "|$want|" != *"|$got|"* ]]; then
		echo "FAIL $name: want $want, got $got (exit $rc): $(head -c 300 <<<"$err")"
		fail=$((fail + 1))
		continue
	fi
	echo "ok   $name: $got"
done

if [[ -n ${listener:-} ]]; then
	[[ -e $work/connected ]] && {
		echo "FAIL host: the loopback listener got a connection"
		fail=$((fail + 1))
	}
	kill "$listener" 2>/dev/null
	wait "$listener" 2>/dev/null
fi
# Not an attack: pprof's CPU profiler must work inside, and the profile
# (written by the worker through an fd the supervisor created) must name
# the tenant's hot function.
if go tool compile -p main -importcfg "$work/importcfg" -o "$work/burn.o" "$here/pprof/main.go" 2>"$work/cc"; then
	"$loader" -sandbox "${fallback[@]}" -timeout 60s -cpuprofile "$work/cpu.prof" -o "$work/burn.o" -run main.main \
		>"$work/out" 2>"$work/err"
	rc=$?
	if [[ $rc -ne 0 ]] && ! grep -q "burned" "$work/out"; then
		echo "FAIL pprof: the confined burner did not run ($(grep -m1 . "$work/err" || echo "exit $rc"))"
		fail=$((fail + 1))
	elif go tool pprof -top "$work/cpu.prof" 2>/dev/null | grep -q "main\.burn"; then
		echo "ok   pprof: CPU profile from inside names main.burn"
	else
		echo "FAIL pprof: no usable CPU profile from the confined worker (exit $rc): $(head -c 300 "$work/err")"
		fail=$((fail + 1))
	fi
else
	echo "FAIL pprof: does not compile: $(head -1 "$work/cc")"
	fail=$((fail + 1))
fi

sleep 0.5
beats1=$(grep -c beat "$work/beats")
if ! kill -0 "$neighbour" 2>/dev/null || ((beats1 <= beats0)); then
	echo "FAIL host: the second worker stopped (beats $beats0 -> $beats1)"
	fail=$((fail + 1))
fi
kill "$neighbour" 2>/dev/null
wait "$neighbour" 2>/dev/null
[[ $(cat "$work/data/canary") == canary && ! -e $work/data/escaped ]] || {
	echo "FAIL host: canary directory changed"
	fail=$((fail + 1))
}
echo "second worker: $beats0 -> $beats1 beats during the suite"
echo "${#expect[@]} attempts: $ran ran, $fail failed"
((fail == 0))
