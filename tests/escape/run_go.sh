#!/usr/bin/env bash
# Escape suite, Go half: each tests/escape/go/<name>/main.go is compiled to an
# object with the ordinary toolchain and run as tenant code:
#   gofn-loader -sandbox -o x.o -run main.main
# (the host path, port or pid an attempt aims at is written into its source).
# An attempt that loads is a hard check: no ESCAPED marker, and the ending the
# design says (error / killed naming the syscall / limit). An attempt the
# loader cannot run yet is reported as SKIP with the loader's own error.
# usage: run_go.sh path/to/gofn-loader
set -uo pipefail
loader=${1:?usage: run_go.sh path/to/gofn-loader}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/gofn-escape-go-XXXXXX)
trap 'rm -rf "$work"' EXIT

# name expected-ending(s) [argument given on stdin]
# endings: error | killed:<syscall> | memory | timeout | truncated | crash
expect=(
	"read_passwd error"
	"read_datadir error DIR"
	"write_file error DIR"
	"list_procs error"
	"tcp_listen error"
	"udp_socket error"
	"unix_socket error"
	"netlink_socket error"
	"connect_loopback error PORT"
	"exec_shell error|killed:clone"
	"fork killed:fork"
	"clone_newuser killed:clone"
	"ptrace_parent killed:ptrace"
	"kill_parent error PID"
	"kill_init error"
	"setuid_root killed:setuid"
	"mount_tmpfs killed:mount"
	"unshare_user killed:unshare"
	"chroot killed:chroot"
	"bpf killed:bpf"
	"perf_event_open killed:perf_event_open"
	"userfaultfd killed:userfaultfd"
	"io_uring_setup killed:io_uring_setup"
	"keyctl killed:keyctl"
	"raise_rlimit error"
	"memory_bomb memory"
	"goroutine_bomb crash|error|memory"
	"infinite_loop timeout"
	"stdout_flood truncated"
	"guess_fds error"
)

pkgs=$(cat "$here"/go/*/main.go | sed -n 's/^\t"\([a-z/]*\)"$/\1/p' | sort -u)
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
"$loader" -sandbox -timeout 600s -selftest heartbeat 600 >"$work/beats" 2>&1 &
neighbour=$!
sleep 0.5
beats0=$(grep -c beat "$work/beats")

fail=0 ran=0 skipped=0
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
	if ! go tool compile -p main -importcfg "$work/importcfg" -o "$obj" "$work/main.go" 2>"$work/cc"; then
		echo "FAIL $name: does not compile: $(head -1 "$work/cc")"
		fail=$((fail + 1))
		continue
	fi
	"$loader" -sandbox -timeout 3s -mem 128M -output 64K -o "$obj" -run main.main \
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
	0) grep -q "^denied:$name: " "$work/out" && got=error ;;
	159) got="killed:$(sed -n 's/.*system call \([a-z0-9_]*\) refused.*/\1/p' <<<"$err" | head -1)" ;;
	124) got=timeout ;;
	137) grep -q "memory limit" <<<"$err" && got=memory ;;
	2) grep -q "^runtime: \|^fatal error: \|^panic: " <<<"$err" && got=crash ;;
	esac
	grep -q "stdout truncated at 65536" <<<"$err" && [[ $(wc -c <"$work/out") -eq 65536 ]] && got=truncated
	if [[ -z $got ]]; then
		echo "SKIP $name: loader cannot run objects yet ($(grep -m1 . <<<"$err" || echo "exit $rc"))"
		skipped=$((skipped + 1))
		continue
	fi
	ran=$((ran + 1))
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
	"$loader" -sandbox -timeout 60s -cpuprofile "$work/cpu.prof" -o "$work/burn.o" -run main.main \
		>"$work/out" 2>"$work/err"
	rc=$?
	if [[ $rc -ne 0 ]] && ! grep -q "burned" "$work/out"; then
		echo "SKIP pprof: loader cannot run objects yet ($(grep -m1 . "$work/err" || echo "exit $rc"))"
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
echo "${#expect[@]} attempts: $ran ran, $skipped skipped (loader not ready), $fail failed"
((fail == 0))
