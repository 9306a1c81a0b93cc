#!/usr/bin/env bash
# Long-held requests (issue 13 item 7): POST /functions/{id}/profile holds
# its connection for ?seconds=. With --max-connections 16, sixteen windows
# of one tenant left another tenant's call unanswered. Asserted: past
# --profile-windows (2 here) a tenant's window is refused at once with 429
# busy and Retry-After, and the victim tenant's invocations succeed, within
# VICTIM_FACTOR times its baseline median (floor 20 ms), while the windows
# are open.
source "$(dirname "$0")/lib.sh"
VICTIM_FACTOR=4
WINDOWS=16

start_gofnd "$TMP/data" --max-connections 16 --profile-windows 2
HELLO=$(compile hello) || exit 1
NOISY_TOKEN=$(new_tenant noisy) || exit 1
VICTIM_TOKEN=$(new_tenant victim) || exit 1
NFN=$(upload "$NOISY_TOKEN" "$HELLO") || exit 1
upload "$VICTIM_TOKEN" "$HELLO" >/dev/null || exit 1
victim() {
	victim_run 10 "$1" -X POST -H "Authorization: Bearer $VICTIM_TOKEN" --data-binary x \
		"$URL/invoke/main.Handle"
}

check "baseline: every victim call answered" victim "$TMP/base"
mkdir -p "$TMP/win"
for i in $(seq "$WINDOWS"); do
	curl -sS --max-time 120 -o "$TMP/win/$i.body" -D "$TMP/win/$i.hdrs" -w '%{http_code}' \
		-X POST -H "Authorization: Bearer $NOISY_TOKEN" \
		"$URL/functions/$NFN/profile?seconds=60" >"$TMP/win/$i.code" 2>/dev/null &
done
# The refused ones answer at once; two stay open.
for _ in $(seq 300); do
	(($(grep -l 429 "$TMP"/win/*.code 2>/dev/null | wc -l) >= WINDOWS - 2)) && break
	sleep 0.1
done
REFUSED=$(grep -l 429 "$TMP"/win/*.code | wc -l)
check "windows past the tenant's cap refused at once with 429 ($REFUSED of $WINDOWS)" \
	test "$REFUSED" -eq $((WINDOWS - 2))
R=$(grep -l 429 "$TMP"/win/*.code | head -1)
R=${R%.code}
check "... as the JSON error busy with Retry-After" bash -c \
	"jq -e '.error.code == \"busy\"' '$R.body' >/dev/null && grep -qi '^Retry-After:' '$R.hdrs'"
check "while the tenant's windows are open: every victim call answered" victim "$TMP/held"
BASE=$(p50 "$TMP/base")
HELD=$(p50 "$TMP/held")
echo "victim p50: baseline ${BASE} ms, with the windows open ${HELD} ms"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
check "victim p50 within ${VICTIM_FACTOR}x baseline (floor 20 ms)" \
	within_factor "$HELD" "$BASE" "$VICTIM_FACTOR" 20
check "gofnd stops in its grace period with the windows open" stop_gofnd
wait
finish
