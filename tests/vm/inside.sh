#!/usr/bin/bash
# Runs inside the VM as PID 1 (after switch_root): cgroup v2 mounted as the
# only hierarchy, loopback up, then the suites. Each suite's result is a
# "VMTEST <name> rc=N" line on the console, which tests/vm/run.sh reads.
# /usr/bin first: the real bash, curl, jq and setpriv, not busybox's applets
export PATH=/usr/bin:/usr/sbin:/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs -o mode=1777 tmp /tmp
mount -t cgroup2 none /sys/fs/cgroup
ip link set lo up
echo "VMINFO kernel $(uname -r)"
echo "VMINFO cgroup2 controllers: $(cat /sys/fs/cgroup/cgroup.controllers)"
export GOFN_TEST_PLAIN=1 GOFN_NOISY_OBJS=/gofn/objs GOFN_ESCAPE_TIMEOUT=15s
cd /gofn
suite() { # NAME COMMAND...
	local name=$1
	shift
	local start=$SECONDS rc
	echo "VMTEST-BEGIN $name"
	"$@" 2>&1
	rc=$?
	echo "VMTIME $name $((SECONDS - start)) s"
	echo "VMTEST $name rc=$rc"
}
for s in $(echo "${GOFN_VM_SUITES:-cgroup2,escape,cpu,memory,quota,slowloris,profile_windows,http_edges}" | tr , " "); do
	case $s in
	escape) suite escape build/tests/escape_suite build/tests/gofn-loader-escape ;;
	cgroup2) suite cgroup2 bash tests/vm/test_cgroup2.sh build ;;
	*) suite "$s" bash tests/noisy/test_$s.sh build ;;
	esac
done
echo "VMTIME total $SECONDS s"
echo "VMTEST-DONE"
poweroff -f
