#!/usr/bin/env bash
# Per-invocation pprof profiles (issue 6), read with the real `go tool pprof`:
# CPU time attributed to main.burn at the right file:line, inlined frames, a heap profile
# naming the tenant's allocation site, capability-token URLs (plain curl and
# pprof itself fetch them), another tenant's 404, tampered/expired tokens,
# listing, delete, retention, the time window, gofn-loader -cpuprofile.
source "$(dirname "$0")/lib.sh"
export PPROF_TMPDIR=$TMP/pprof # pprof saves fetched profiles here, not in ~/pprof
mkdir -p "$PPROF_TMPDIR"

# called_from TRACES LEAF CALLER: some sample's stack in `pprof -traces`
# output starts at LEAF (after the sample's value) with CALLER right below.
called_from() {
	awk -v leaf="$2" -v caller="$3" '
		prev != "" { if ($0 ~ "^ +" && substr($0, match($0, /[^ ]/)) == caller) f = 1; prev = "" }
		/^ +[0-9.]+[mun]?s +/ { sub(/^ +[0-9.]+[mun]?s +/, ""); if ($0 == leaf) prev = $0 }
		END { exit !f }' "$1"
}

start_gofnd "$TMP/data" --profile-keep 10
A=$(new_tenant alpha) || exit 1
B=$(new_tenant beta) || exit 1
BURN=$(compile burn) || exit 1
FN=$(upload "$A" "$BURN")
if [[ -z "$FN" ]]; then
	echo "SKIP test_profiles: cannot load burn.o ($(jqv .error.message))"
	stop_gofnd
	exit 0
fi
SRC=$PROGS/burn.go
# The line of burn's loop body: the samples must land on it or the loop header.
LINE=$(grep -n 'x = x\*6364136223846793005' "$SRC" | cut -d: -f1)

# --- a Host header that is not a host name does not make it into URLs
req POST "/invoke/main.Burn?profile=cpu" "$A" --data-binary 1 -H 'Host: x"y/../z'
check "a malformed Host falls back to the listening address" \
	bash -c '[[ "$1" == "$2"/profiles/prof_* ]]' _ "$(jqv .profiles.cpu)" "$URL"

# --- CPU profile of one invocation
req POST "/invoke/main.Burn?profile=cpu" "$A" --data-binary 400
check "invoke with ?profile=cpu: status ok" test "$CODE" = 200 -a "$(jqv .status)" = ok
CPU_URL=$(jqv .profiles.cpu)
check "profiles.cpu is an absolute URL with a token" \
	bash -c '[[ "$1" =~ ^http://127\.0\.0\.1:[0-9]+/profiles/prof_[0-9a-f]+\?token=[0-9]+\.[0-9a-f]{64}$ ]]' _ "$CPU_URL"
CODE=$(curl -sS -o "$TMP/cpu.pb.gz" -D "$TMP/cpu.hdrs" -w '%{http_code}' "$CPU_URL")
check "plain curl (no auth header) fetches the profile" test "$CODE" = 200
check "... as application/octet-stream" grep -qi '^Content-Type: application/octet-stream' "$TMP/cpu.hdrs"
check "... named cpu-<invocation>.pb.gz" grep -qi "^Content-Disposition: attachment; filename=\"cpu-inv_[0-9a-f]*\.pb\.gz\"" "$TMP/cpu.hdrs"
check "... gzip'd" bash -c 'gzip -t "$1"' _ "$TMP/cpu.pb.gz"

go tool pprof -top "$TMP/cpu.pb.gz" >"$TMP/top.txt" 2>&1
# cum% of main.burn: the majority of all samples. (Not flat%: a tight loop
# is interrupted by async preemption requests, and the samples taken in
# runtime.asyncPreempt, called from main.burn, are ~1/3 of them natively too.)
BURN_PCT=$(awk '$NF=="main.burn" {sub("%","",$5); print $5; exit}' "$TMP/top.txt")
if awk -v p="${BURN_PCT:-0}" 'BEGIN{exit !(p > 50)}'; then
	ok "pprof -top: main.burn has the majority of samples ($BURN_PCT% cum)"
else
	fail "pprof -top: main.burn has ${BURN_PCT:-no}% flat"
	cat "$TMP/top.txt"
fi
go tool pprof -top -lines "$TMP/cpu.pb.gz" >"$TMP/lines.txt" 2>&1
BURN_LINES=$(awk '$5=="main.burn" {n++} END{print n+0}' "$TMP/lines.txt")
if grep -qE "main\.burn $SRC:($LINE|$((LINE - 1)))\$" "$TMP/lines.txt" &&
	! grep -E 'main\.burn ' "$TMP/lines.txt" | grep -vqE "$SRC:($LINE|$((LINE - 1)))\$"; then
	ok "pprof -lines: main.burn's samples are at $(basename "$SRC"):$((LINE - 1))-$LINE"
else
	fail "pprof -lines: main.burn not at $SRC:$LINE"
	head -20 "$TMP/lines.txt"
fi
go tool pprof -traces "$TMP/cpu.pb.gz" >"$TMP/traces.txt" 2>&1
check "pprof -traces: main.burn called from main.Burn" called_from "$TMP/traces.txt" main.burn main.Burn
check "pprof -top URL: pprof fetches the token URL itself" \
	bash -c 'go tool pprof -top "$1" 2>&1 | grep -q "main.burn$"' _ "$CPU_URL"

# --- inlined frames: main.warm is inlined into main.Warm
req POST "/invoke/main.Warm?profile=cpu&profile_hz=500" "$A" --data-binary 60
curl -sS -o "$TMP/warm.pb.gz" "$(jqv .profiles.cpu)"
WLINE=$(grep -n "warm's loop body" "$SRC" | cut -d: -f1)
go tool pprof -traces "$TMP/warm.pb.gz" >"$TMP/warm.traces" 2>&1
check "pprof -traces: main.warm (inline) inside main.Warm" \
	called_from "$TMP/warm.traces" "main.warm (inline)" main.Warm
go tool pprof -top -lines "$TMP/warm.pb.gz" >"$TMP/warm.lines" 2>&1
check "pprof -lines: the inlined frame has warm's own file:line" \
	grep -qE "main\.warm $SRC:($WLINE|$((WLINE - 1))) \(inline\)\$" "$TMP/warm.lines"

# --- heap profile: the allocation site is the tenant's main.hoard
req POST "/invoke/main.Hoard?profile=heap,allocs,goroutine" "$A" --data-binary 64
check "several kinds at once" test "$(jqv '.profiles | keys | join(",")')" = "allocs,goroutine,heap"
HEAP_URL=$(jqv .profiles.heap)
go tool pprof -top -sample_index=inuse_space "$HEAP_URL" >"$TMP/heap.txt" 2>&1
check "heap profile: main.hoard holds the in-use bytes" \
	bash -c 'awk '\''$NF=="main.hoard" {sub("%","",$2); if ($2 + 0 > 50) f=1} END{exit !f}'\'' "$1"' _ "$TMP/heap.txt"
grep -q 'main.hoard$' "$TMP/heap.txt" || head -20 "$TMP/heap.txt"
go tool pprof -top -lines -sample_index=alloc_space "$(jqv .profiles.allocs)" >"$TMP/allocs.txt" 2>&1
check "allocs profile: the make() line in main.hoard" \
	grep -qE "main\.hoard $SRC:$(grep -n 'make(\[\]byte, 64<<10)' "$SRC" | cut -d: -f1)\$" "$TMP/allocs.txt"

# --- profile_hz and bad requests
req POST "/invoke/main.Burn?profile=cpu&profile_hz=500" "$A" --data-binary 200
check "profile_hz: the runtime's rate warning stays out of the tenant's stderr" test "$(jqv .stderr)" = ""
curl -sS -o "$TMP/hz.pb.gz" "$(jqv .profiles.cpu)"
check "profile_hz=500 sets the sampling period (2ms)" \
	bash -c 'go tool pprof -raw "$1" 2>/dev/null | grep -qE "^Period: 2000000$|period: 2000000"' _ "$TMP/hz.pb.gz"
req POST "/invoke/main.Burn?profile=cpu,bogus" "$A" --data-binary 1
expect_err 400 bad_profile "unknown profile kind"
req POST "/invoke/main.Burn?profile=cpu&profile_hz=0" "$A" --data-binary 1
expect_err 400 bad_profile_hz "profile_hz out of range"
req POST "/invoke/main.Burn" "$A" --data-binary 1
check "no ?profile: no profiles key" test "$(jqv 'has("profiles")')" = false

# --- access control
PID_=${CPU_URL#*/profiles/}
PID_=${PID_%%\?*}
TOKEN=${CPU_URL#*token=}
CODE=$(curl -sS -o "$TMP/bearer.pb.gz" -w '%{http_code}' -H "Authorization: Bearer $A" "$URL/profiles/$PID_")
check "owner's bearer token fetches it" cmp -s "$TMP/bearer.pb.gz" "$TMP/cpu.pb.gz"
req GET "/profiles/$PID_" "$B"
expect_err 404 not_found "another tenant's profile is 404"
req DELETE "/profiles/$PID_" "$B"
expect_err 404 not_found "another tenant cannot delete it"
req GET "/profiles/$PID_" ""
expect_err 401 unauthorized "no token at all"
# flip the last hex digit of the MAC
LAST=${TOKEN: -1}
[[ "$LAST" == 0 ]] && NEW=1 || NEW=0
req GET "/profiles/$PID_?token=${TOKEN%?}$NEW" ""
expect_err 403 forbidden "tampered MAC"
EXP=${TOKEN%%.*}
req GET "/profiles/$PID_?token=$((EXP + 100000)).${TOKEN#*.}" ""
expect_err 403 forbidden "tampered expiry"
OTHER=$(jq -r .profiles.heap <<<"$(curl -sS -H "Authorization: Bearer $A" -X POST \
	"$URL/invoke/main.Hoard?profile=heap" --data-binary 1)")
OTHER_ID=${OTHER#*/profiles/}
req GET "/profiles/${OTHER_ID%%\?*}?token=$TOKEN" ""
expect_err 403 forbidden "a token grants its own profile only"
req GET "/profiles/$PID_?token=garbage" ""
expect_err 403 forbidden "malformed token"

# --- listing and delete
req GET /profiles "$A"
check "GET /profiles lists the tenant's profiles with URLs" \
	test "$(jqv '[.profiles[] | select(.id=="'"$PID_"'") | .kind=="cpu" and (.url|contains("token="))] | any')" = true
req GET /profiles "$B"
check "beta lists none of alpha's profiles" test "$(jqv '.profiles | length')" = 0
req DELETE "/profiles/$PID_" "$A"
expect_code 204 "DELETE /profiles/{id}"
CODE=$(curl -sS -o /dev/null -w '%{http_code}' "$CPU_URL")
check "deleted profile's URL is 404" test "$CODE" = 404

# --- a deleted tenant's profiles go with it
G=$(new_tenant gamma) || exit 1
upload "$G" "$BURN" >/dev/null
req POST "/invoke/main.Hoard?profile=heap" "$G" --data-binary 1
GURL=$(jqv .profiles.heap)
req DELETE /tenants/gamma "$ADMIN"
CODE=$(curl -sS -o /dev/null -w '%{http_code}' "$GURL")
check "a deleted tenant's profile URL is 404" test "$CODE" = 404

# --- retention by count (--profile-keep 10; 8 profiles so far)
for i in 1 2 3 4; do
	req POST "/invoke/main.Hoard?profile=heap,allocs" "$A" --data-binary 1
done
req POST "/invoke/main.Hoard?profile=heap" "$A" --data-binary 1
NEWEST=$(jqv .invocation_id)
req GET /profiles "$A"
check "retention keeps at most --profile-keep profiles per tenant" test "$(jqv '.profiles | length')" = 10
check "... the newest ones" test "$(jqv '.profiles[0].invocation_id')" = "$NEWEST"

# --- a window over real traffic: every invocation in it is CPU-profiled
req POST "/functions/$FN/profile?seconds=0" "$A"
expect_err 400 bad_seconds "window seconds out of range"
req POST "/functions/fn_nope/profile?seconds=1" "$A"
expect_err 404 not_found "window on an unknown function"
curl -sS -H "Authorization: Bearer $A" -X POST "$URL/functions/$FN/profile?seconds=3" \
	-o "$TMP/window.json" &
WPID=$!
# Invoke one call after another for as long as the window request is open
# (no guess at when gofnd opened it): the calls the window took must then
# be one unbroken run of the calls sent, in order. Retention
# (--profile-keep) may only trim the run's start.
SENT=()
for ((i = 0; i < 200; i++)); do
	kill -0 "$WPID" 2>/dev/null || break
	SENT+=("$(curl -sS -H "Authorization: Bearer $A" -X POST "$URL/invoke/main.Burn" \
		--data-binary 100 | jq -r .invocation_id)")
done
wait $WPID
BODY=$(cat "$TMP/window.json")
mapfile -t WIN < <(jqv '.profiles[].invocation_id')
check "window collected the CPU profiles of calls made while it was open" \
	test "$(jqv .invocations)" -ge 1 -a "$(jqv .invocations)" = "${#WIN[@]}"
contiguous_run() { # WIN is one unbroken run of SENT
	local sent=" ${SENT[*]} " run=" ${WIN[*]} "
	[[ ${#WIN[@]} -ge 1 && "$sent" == *"$run"* ]]
}
check "... every call in the window, none skipped" contiguous_run
[[ "$(jqv .invocations)" -ge 1 ]] || echo "$BODY"
check "... with the pprof command that merges them" \
	test "$(jqv '.pprof_command | startswith("go tool pprof -http=:0 ")')" = true
mapfile -t WURLS < <(jqv '.profiles[].url')
go tool pprof -top "${WURLS[@]}" >"$TMP/window.txt" 2>&1
check "pprof merges the window's profiles: main.burn has the majority" \
	bash -c 'awk '\''$NF=="main.burn" {sub("%","",$5); if ($5 + 0 > 50) f=1} END{exit !f}'\'' "$1"' _ "$TMP/window.txt"
awk '$NF=="main.burn" {sub("%","",$5); if ($5 + 0 > 50) f=1} END{exit !f}' "$TMP/window.txt" ||
	head -20 "$TMP/window.txt"

# --- gofn-loader -cpuprofile / -memprofile (no server)
if "$LOADER" -o "$BURN" -run main.Burn -in - -cpuprofile "$TMP/cli.cpu" -memprofile "$TMP/cli.mem" \
	<<<"300" >/dev/null 2>"$TMP/cli.err"; then
	check "-cpuprofile: main.burn in pprof -top" \
		bash -c 'go tool pprof -top "$1" 2>&1 | grep -q "main.burn$"' _ "$TMP/cli.cpu"
	check "-memprofile writes a heap profile" \
		bash -c 'go tool pprof -top "$1" 2>&1 | grep -q "^Type: inuse_space"' _ "$TMP/cli.mem"
else
	fail "gofn-loader -cpuprofile: $(cat "$TMP/cli.err")"
fi
check "gofnd exits 0 on SIGTERM (no sanitizer report)" stop_gofnd

# --- expiry and age: a token that lives 1 s, profiles that live 2 s
start_gofnd "$TMP/data2" --profile-token-ttl 1 --profile-max-age 2 \
	--public-url https://gofn.example.com/base/
A=$(new_tenant alpha) || exit 1
upload "$A" "$BURN" >/dev/null
req POST "/invoke/main.Burn?profile=cpu" "$A" --data-binary 1
check "--public-url is the base of profile URLs" \
	bash -c '[[ "$1" == https://gofn.example.com/base/profiles/prof_*\?token=* ]]' _ "$(jqv .profiles.cpu)"
SHORT=$URL/profiles/$(jqv .profiles.cpu | sed 's|.*/profiles/||')
sleep 2.2
CODE=$(curl -sS -o "$TMP/exp.json" -w '%{http_code}' "$SHORT")
check "expired token is refused with 401 token_expired" \
	test "$CODE" = 401 -a "$(jq -r .error.code "$TMP/exp.json")" = token_expired
sleep 1
req GET /profiles "$A"
check "retention by age removes old profiles" test "$(jqv '.profiles | length')" = 0
check "... and their files" test -z "$(ls "$TMP/data2/profiles")"
check "gofnd exits 0 on SIGTERM (no sanitizer report)" stop_gofnd
finish
