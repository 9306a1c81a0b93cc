#!/usr/bin/env bash
# A synchronous call's invocation_id is readable at once: GET
# /invocations/{id} right after the reply is 200 with its record, every
# time, and GET /invocations lists it first. Before, the record waited in
# gofnd's recorder (server/async.c) for its batch write (~200 ms), and the
# GET was 404 meanwhile. Another tenant's GET of the id is 404 whether the
# record is in memory or stored. After a restart (everything read from the
# store) each id answers exactly the body it answered from memory.
# Runs against SQLite and, with GOFN_TEST_STORE=postgres, PostgreSQL.
source "$(dirname "$0")/lib.sh"

N=40 # calls; each is read back before the next
DATA=$TMP/data
start_gofnd "$DATA"
A=$(new_tenant acme) || exit 1
B=$(new_tenant bravo) || exit 1
HELLO=$(compile hello) || exit 1
upload "$A" "$HELLO" >/dev/null || exit 1
upload "$B" "$HELLO" >/dev/null || exit 1
mkdir -p "$TMP/held"

IDS=()
bad_get=0 bad_other=0 bad_list=0
for ((i = 0; i < N; i++)); do
	# every third call fails in the handler: an error outcome is kept too
	sym=main.Handle
	((i % 3 == 2)) && sym=main.Fail
	in=ok$i
	((i % 3 == 2)) && in=bad
	req POST "/invoke/$sym" "$A" --data-binary "$in"
	want=ok
	[[ $sym == main.Fail ]] && want=error
	if [[ "$CODE" != 200 || "$(jqv .status)" != "$want" ]]; then
		fail "call $i: $CODE $BODY"
		continue
	fi
	id=$(jqv .invocation_id)
	IDS+=("$id")
	# the other tenant first on odd calls, last on even ones
	if ((i % 2)); then
		req GET "/invocations/$id" "$B"
		[[ "$CODE" == 404 && "$(jqv .error.code)" == not_found ]] ||
			{ bad_other=$((bad_other + 1)); echo "  $id as bravo: $CODE $BODY"; }
	fi
	req GET "/invocations/$id" "$A"
	if [[ "$CODE" == 200 ]] && jq -e --arg id "$id" --arg s "$want" \
		'.invocation_id == $id and .mode == "sync" and .status == $s and .attempt == 1
		 and .output_kept == false and (has("result") | not) and .exit_code == 0
		 and (.error == (if $s == "error" then "input was bad" else null end))
		 and .finished_ms >= .started_ms and .started_ms == .created_ms' \
		<<<"$BODY" >/dev/null; then
		cp "$TMP/body" "$TMP/held/$id.json"
	else
		bad_get=$((bad_get + 1))
		echo "  $id as acme: $CODE $BODY"
	fi
	if ((i % 2 == 0)); then
		req GET "/invocations/$id" "$B"
		[[ "$CODE" == 404 && "$(jqv .error.code)" == not_found ]] ||
			{ bad_other=$((bad_other + 1)); echo "  $id as bravo: $CODE $BODY"; }
	fi
	req GET "/invocations?limit=2" "$A"
	[[ "$(jqv '.invocations[0].invocation_id')" == "$id" ]] ||
		{ bad_list=$((bad_list + 1)); echo "  list after $id: $CODE $BODY"; }
done
check "$N calls answered" test "${#IDS[@]}" = "$N"
check "each id read back at once: 200 with its record ($bad_get bad)" test "$bad_get" = 0
check "another tenant's GET of each id: 404 ($bad_other bad)" test "$bad_other" = 0
check "each call first in the list at once ($bad_list bad)" test "$bad_list" = 0
req GET "/invocations?limit=1000&status=error" "$A"
check "the list's status filter covers records not yet written" \
	test "$(jqv '[.invocations[].status] | unique | join(",")')" = error
req GET /invocations "$B"
check "another tenant's list has none of them" test "$(jqv '.invocations | length')" = 0

# --- once stored: the same answers from the store alone ---
check "gofnd stops cleanly (writing the last records)" stop_gofnd
start_gofnd "$DATA"
same=0
for id in "${IDS[@]}"; do
	req GET "/invocations/$id" "$A"
	if [[ "$CODE" == 200 && -f "$TMP/held/$id.json" ]] &&
		diff <(jq -S . "$TMP/held/$id.json") <(jq -S . <<<"$BODY") >/dev/null; then
		same=$((same + 1))
	else
		echo "  $id stored: $CODE $BODY; held: $(cat "$TMP/held/$id.json" 2>/dev/null)"
	fi
done
check "after a restart, every id answers the body it answered from memory ($same)" \
	test "$same" = "$N"
req GET "/invocations/${IDS[0]}" "$B"
expect_err 404 not_found "another tenant's stored invocation"
req GET "/invocations?limit=$N" "$A"
check "the list from the store: the same ids, newest first" \
	test "$(jqv '[.invocations[].invocation_id] | join(" ")')" = \
	"$(printf '%s\n' "${IDS[@]}" | tac | paste -sd' ')"
check "gofnd stops cleanly" stop_gofnd

finish
