#!/usr/bin/env bash
# Issue 14: one gofnd serves every supported Go release. One tenant uploads
# the same program compiled by go1.26.x and by go1.27.3, invokes both, and
# downloads a CPU profile of each that `go tool pprof` of the matching
# release opens; a unit mixing releases is 400 naming both; an unserved
# release or patch release is 422 naming what to compile with; GET /runtimes
# and `gofnd --help` list the same toolchains; the gofn-loader command picks
# the worker from the object header (-run and -parse).
source "$(dirname "$0")/lib.sh"
export PPROF_TMPDIR=$TMP/pprof
mkdir -p "$PPROF_TMPDIR"

NEW=go1.27.3 # the newest release's exact toolchain (scripts/go-toolchains.txt)
BASE=$(go env GOVERSION)
mkdir -p "$TMP/base" "$TMP/new"
"$ROOT/scripts/gofn-compile" -o "$TMP/base/burn.o" "$PROGS/burn.go" || exit 1
GOTOOLCHAIN=$NEW "$ROOT/scripts/gofn-compile" -o "$TMP/new/burn.o" "$PROGS/burn.go" || exit 1
check "objects name their toolchains" \
	bash -c 'grep -aq "go object linux amd64 $1 " "$2" && grep -aq "go object linux amd64 $3 " "$4"' \
	_ "$BASE" "$TMP/base/burn.o" "$NEW" "$TMP/new/burn.o"

# --- the gofn-loader command routes by object header
for v in base new; do
	out=$("$LOADER" -o "$TMP/$v/burn.o" -run main.main 2>&1)
	check "gofn-loader -run runs the $v object ($out)" test $? -eq 0
	check "gofn-loader -parse reads the $v object" \
		bash -c '"$1" -parse "$2" | grep -q "^sym .*main.Burn"' _ "$LOADER" "$TMP/$v/burn.o"
done
out=$("$LOADER" -o "$TMP/base/burn.o" -o "$TMP/new/burn.o" -run main.main 2>&1)
check "gofn-loader refuses a unit of two releases, naming both ($out)" \
	bash -c '[[ $1 == *"$2"*"$3"* ]]' _ "$out" "$BASE" "$NEW"
# Another patch release: the header names it (bytes edited, same length).
sed "s/go object linux amd64 $NEW /go object linux amd64 go1.27.1 /" "$TMP/new/burn.o" >"$TMP/old.o"
out=$("$LOADER" -o "$TMP/old.o" -run main.main 2>&1)
check "gofn-loader refuses go1.27.1 naming $NEW ($out)" bash -c '[[ $1 == *go1.27.1*"$2"* ]]' _ "$out" "$NEW"

start_gofnd "$TMP/data"

# --- GET /runtimes agrees with gofnd --help and with the toolchains
req GET /runtimes ""
check "GET /runtimes without a token: 200" test "$CODE" = 200
RT=$(jqv '[.runtimes[] | "\(.release) \(.toolchain)"] | join(",")')
check "GET /runtimes lists $BASE and $NEW ($RT)" \
	test "$RT" = "$(sed -E 's/^(go1\.[0-9]+).*/\1/' <<<"$BASE") $BASE,go1.27 $NEW"
HELP=$("$GOFND" --help 2>&1 | awk '/^Go releases served/ {on=1; next} on && /^  go1\./ {print $1 " " $2}' | paste -sd,)
check "gofnd --help lists the same ($HELP)" test "$HELP" = "$RT"
check "each listed worker is next to gofnd's loader" \
	bash -c 'for w in $(jq -r ".runtimes[].worker" "$1"); do [[ -x "$2/bin/$w" ]] || exit 1; done' _ "$TMP/body" "$BUILD"

T=$(new_tenant mixed) || exit 1
# --- both releases side by side, one tenant
declare -A FN
for v in base new; do
	req POST /functions "$T" -F "obj=@$TMP/$v/burn.o"
	expect_code 201 "upload the $v object"
	FN[$v]=$(jqv .id)
	want=$BASE
	[[ $v == new ]] && want=$NEW
	check "the $v function records go_version $want" test "$(jqv .go_version)" = "$want"
done
req GET /functions "$T"
check "the tenant holds both" test "$(jqv '[.functions[].go_version] | sort | join(",")')" = "$BASE,$NEW"

for v in base new; do
	tc=local
	[[ $v == new ]] && tc=$NEW
	req POST "/invoke/main.Burn?function=${FN[$v]}&profile=cpu" "$T" --data-binary 300
	check "invoke the $v function: ok" test "$CODE" = 200 -a "$(jqv .status)" = ok
	curl -sS -o "$TMP/$v.pb.gz" "$(jqv .profiles.cpu)"
	GOTOOLCHAIN=$tc go tool pprof -top "$TMP/$v.pb.gz" >"$TMP/$v.top" 2>&1
	check "go tool pprof ($tc) opens the $v CPU profile: main.burn is there" \
		grep -q 'main\.burn$' "$TMP/$v.top"
done

# --- refusals
req POST /functions "$T" -F "obj=@$TMP/base/burn.o" -F "obj=@$TMP/new/burn.o"
expect_err 400 bad_object "a unit of two releases"
check "... naming both" bash -c '[[ $1 == *"$2"*"$3"* ]]' _ "$(jqv .error.message)" "$BASE" "$NEW"
req POST /functions "$T" -F "obj=@$TMP/old.o"
expect_err 422 wrong_go_version "a go1.27.1 object"
check "... naming $NEW to compile with" bash -c '[[ $1 == *"compile with $2"* ]]' _ "$(jqv .error.message)" "$NEW"
sed "s/go object linux amd64 $NEW /go object linux amd64 go1.25.9 /" "$TMP/new/burn.o" >"$TMP/ancient.o"
req POST /functions "$T" -F "obj=@$TMP/ancient.o"
expect_err 422 wrong_go_version "a go1.25.9 object"
check "... naming the served releases" bash -c '[[ $1 == *go1.26*go1.27* ]]' _ "$(jqv .error.message)"

stop_gofnd || fail "gofnd exit code"
finish
