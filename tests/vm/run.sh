#!/usr/bin/env bash
# The cgroup v2 path in a VM (issue 13): Debian 12's cloud kernel (6.1)
# under qemu TCG (KVM is unusable on these machines) with an initramfs
# holding gofnd, gofn-loader and the tests; inside, cgroup v2 is the only
# hierarchy (cpu, memory, pids), loopback the only network. Runs the cgroup
# v2 limits test, the C escape suite and the noisy-neighbour suites there.
# usage: run.sh BUILD_DIR
#   (GOFN_VM_SUITES="cgroup2 escape cpu memory quota slowloris profile_windows http_edges")
set -uo pipefail
BUILD=$(cd "${1:?usage: $0 BUILD_DIR}" && pwd)
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CACHE=${GOFN_VM_CACHE:-$BUILD/vm-cache}
SUITES=${GOFN_VM_SUITES:-cgroup2 escape cpu memory quota slowloris profile_windows http_edges}
SUITES=${SUITES//,/ }
export PATH="$PATH:/usr/local/go/bin"
for t in qemu-system-x86_64 busybox cpio; do
	command -v $t >/dev/null || {
		echo "FAIL: $t missing (scripts/install-deps.sh installs it)"
		exit 1
	}
done
TMP=$(mktemp -d /tmp/gofn-vm.XXXXXX)
QEMU=""
cleanup() {
	[[ -n "$QEMU" ]] && kill "$QEMU" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

KERNEL=$("$ROOT/tests/vm/kernel.sh" "$CACHE") || exit 1
mkdir -p "$TMP/objs"
# The VM has no Go toolchain: the objects its tests upload, built here.
"$ROOT/scripts/gofn-compile" -o "$TMP/objs/noisy.o" "$ROOT/tests/noisy/progs/noisy.go" >/dev/null ||
	exit 1
"$ROOT/scripts/gofn-compile" -o "$TMP/objs/hello.o" "$ROOT/tests/integration/progs/hello.go" >/dev/null ||
	exit 1
"$ROOT/tests/vm/initramfs.sh" "$BUILD" "$TMP/objs" "$TMP/root.cpio.gz" || exit 1
echo "kernel $KERNEL, initramfs $(du -h "$TMP/root.cpio.gz" | cut -f1), suites: $SUITES"

# One CPU: the victim and the attacker really compete, as on a busy host.
qemu-system-x86_64 -accel tcg -cpu max -smp 1 -m 2048 -nographic -no-reboot \
	-kernel "$KERNEL" -initrd "$TMP/root.cpio.gz" \
	-append "console=ttyS0 quiet panic=-1 GOFN_VM_SUITES=${SUITES// /,}" \
	</dev/null >"$TMP/console.log" 2>&1 &
QEMU=$!
# Bounded: the whole run must end within 11 minutes or it fails (all suites
# take 4-6 min at load ~15 on the shared 2-core host; ctest's TIMEOUT is 900).
end=$((SECONDS + 660))
while ((SECONDS < end)); do
	kill -0 "$QEMU" 2>/dev/null || break
	grep -q VMTEST-DONE "$TMP/console.log" && break
	sleep 0.1
done
kill -0 "$QEMU" 2>/dev/null && sleep 2 && kill "$QEMU" 2>/dev/null
wait "$QEMU" 2>/dev/null
QEMU=""
tr -d '\r' <"$TMP/console.log" >"$TMP/console.txt"
grep -E '^(VMINFO|VMTIME|VMTEST|ok:|FAIL|FIGURES|victim p50|load:|healthz|SKIP|layers|[0-9]+ attempts)' "$TMP/console.txt"
fails=0
for s in $SUITES; do
	if ! grep -q "^VMTEST $s rc=0" "$TMP/console.txt"; then
		echo "FAIL: suite $s in the VM; its output:"
		sed -n "/^VMTEST-BEGIN $s\$/,/^VMTEST $s rc=/p" "$TMP/console.txt" | tail -60
		fails=$((fails + 1))
	fi
done
grep -q VMTEST-DONE "$TMP/console.txt" || {
	echo "FAIL: the VM did not finish (console tail:)"
	grep -v '^\[ *[0-9.]*\]  ' "$TMP/console.txt" | tail -40
	fails=$((fails + 1))
}
((fails)) && exit 1
echo "all VM suites passed"
