# Shared helpers for tests/noisy/: a real gofnd from tests/integration/lib.sh
# (start_gofnd, req, new_tenant, compile, upload, check, finish) plus what
# measuring a victim needs. Sourced by each test_*.sh with the build dir as $1.
# Bounds are generous multiples of a baseline measured in the same test, on
# the same machine and load, never absolute times.
source "$(dirname "${BASH_SOURCE[0]}")/../integration/lib.sh"
NOISY=$ROOT/tests/noisy

# victim_run N OUT CURL_ARGS...: N sequential requests; one line per request
# in OUT: "<http code> <seconds>". Returns non-zero if any was not 2xx.
victim_run() {
	local n=$1 out=$2 bad=0 line
	shift 2
	: >"$out"
	for _ in $(seq "$n"); do
		line=$(curl -sS --max-time 30 -o /dev/null -w '%{http_code} %{time_total}' "$@" 2>/dev/null) ||
			line="000 30"
		echo "$line" >>"$out"
		[[ "$line" == 2* ]] || bad=1
	done
	return $bad
}

# p50 FILE: the median of the second column of a victim_run file, in ms.
p50() {
	awk '{print $2 * 1000}' "$1" | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'
}

# ok_count FILE: how many of a victim_run's requests succeeded.
ok_count() { grep -c '^2' "$1"; }

# within_factor VALUE BASE FACTOR FLOOR_MS: VALUE <= max(BASE, FLOOR_MS) * FACTOR
# (a floor so a sub-millisecond baseline does not make noise a failure).
within_factor() {
	awk -v v="$1" -v b="$2" -v f="$3" -v fl="$4" 'BEGIN {if (b < fl) b = fl; exit !(v <= b * f)}'
}
