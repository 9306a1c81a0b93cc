#!/usr/bin/env bash
# A full disk: gofnd's data dir on a 2 MiB tmpfs in a private mount
# namespace (so nothing outside the test sees the mount). When another file
# eats the space, an upload is refused with a message naming the problem,
# leaves nothing half-written, is logged; the functions already stored keep
# being served; once space is back, uploads work and a restart finds all.
if [[ -z "${GOFN_FAULT_NS:-}" ]]; then
	if ! unshare -m true 2>/dev/null; then
		echo "SKIP: cannot create a mount namespace here (unshare -m needs root/CAP_SYS_ADMIN)"
		exit 0
	fi
	GOFN_FAULT_NS=1 exec unshare -m --propagation private bash "$0" "$@"
fi
source "$(dirname "$0")/lib.sh"
DATA=$TMP/data
mkdir -p "$DATA"
if ! mount -t tmpfs -o size=2m tmpfs "$DATA"; then
	echo "SKIP: cannot mount a tmpfs in the private namespace"
	exit 0
fi
trap 'umount -l "$DATA" 2>/dev/null; cleanup' EXIT
start_gofnd "$DATA"
tok=$(new_tenant acme)
mix=$(compile mix) || exit 1
PROGS=$ROOT/tests/integration/progs
hello=$(compile hello) || exit 1
req POST /functions "$tok" -F "obj=@$mix"
expect_code 201 "upload while there is space"
first=$(jqv .id)

# Another file takes every free byte.
dd if=/dev/zero of="$DATA/filler" bs=4k 2>/dev/null
echo "free after filler: $(df -k --output=avail "$DATA" | tail -1) KiB"
req POST /functions "$tok" -F "obj=@$hello"
check "upload on a full disk is 507 with a message naming it ($CODE $(jqv .error.message))" \
	bash -c "[[ '$CODE' == 507 && '$(jqv .error.code)' == insufficient_storage && '$(jqv .error.message)' == *'No space left'* ]]"
check "log: store_failed names ENOSPC" \
	log_has '.event=="store_failed" and (.error|test("No space left"))'
check "nothing half-written after ENOSPC" store_consistent "$DATA" "$tok"
req GET /functions "$tok"
check "the refused upload is not listed" test "$(jqv '.functions|length')" == 1
req POST "/invoke/main.Echo?function=$first" "$tok" --data-binary full
check "stored function still served on a full disk" test "$(jqv .status):$(jqv .result)" == ok:full
req GET /healthz ""
expect_code 200 "healthz on a full disk"

rm -f "$DATA/filler"
req POST /functions "$tok" -F "obj=@$hello"
expect_code 201 "upload once space is back"
second=$(jqv .id)
stop_gofnd
check "graceful stop exits 0" test $? == 0
start_gofnd "$DATA"
check "restart: store consistent" store_consistent "$DATA" "$tok"
req GET /functions "$tok"
check "restart: both acknowledged uploads present" \
	test "$(jqv '[.functions[].id]|sort|join(",")')" == "$(printf '%s\n' "$first" "$second" | sort | paste -sd,)"
finish
