#!/usr/bin/env bash
# The C escape suite again as an unprivileged user (nobody), as gofnd runs
# when it is not root: the worker maps only its own uid, no cgroup can be
# made, so memory is held by the supervisor's RSS watchdog alone.
# usage: run_unprivileged.sh path/to/escape_suite path/to/gofn-loader
set -uo pipefail
suite=$1 loader=$2
if [[ $(id -u) -ne 0 ]]; then
	exec "$suite" "$loader" # already unprivileged
fi
if ! command -v setpriv >/dev/null; then
	echo "SKIP: setpriv (util-linux) not found; cannot drop to nobody"
	exit 0
fi
drop=(setpriv --reuid=65534 --regid=65534 --clear-groups)
if ! "${drop[@]}" test -x "$loader" -a -x "$suite"; then
	echo "SKIP: nobody cannot reach $loader (a parent directory is private)"
	exit 0
fi
cd /tmp && exec "${drop[@]}" "$suite" "$loader"
