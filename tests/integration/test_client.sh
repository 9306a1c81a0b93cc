#!/usr/bin/env bash
# Issue 17's "done when": the gofn client deploys a go.mod project with two
# third-party modules (github.com/dustin/go-humanize, github.com/tidwall/gjson
# and gjson's two dependencies, from the module proxy) by name; invoke by
# name with curl and gofn invoke; redeploy unchanged (no new version) and
# changed (version 2, only the changed object sent); roll back; names@N;
# a CPU and a heap profile whose top frames are the tenant's; ls, versions,
# rm; exit codes.
source "$(dirname "$0")/lib.sh"
GOFN=$BUILD/bin/gofn
# The modules are fetched once into the build dir and reused (CI caches the
# build dir; a cold cache needs only the module proxy). -modcacherw: the
# build dir stays removable.
export GOMODCACHE=${GOFN_TEST_MODCACHE:-$BUILD/test-modcache}
export GOFLAGS="-modcacherw -mod=readonly"
export XDG_CONFIG_HOME=$TMP/config # gofn login's config file, not the user's

start_gofnd "$TMP/data"
TOKEN=$(new_tenant acme) || exit 1
PROJ=$TMP/proj
cp -r "$ROOT/tests/integration/client_proj" "$PROJ"
mkdir -p "$PROJ/cmd"

# --- configuration: none, then gofn login (mode 0600)
(cd "$PROJ" && GOFN_URL= GOFN_TOKEN= "$GOFN" ls >/dev/null 2>"$TMP/err")
check "no configuration: exit 3, one line" bash -c '[[ $1 == 3 && $(wc -l <"$2") == 1 ]]' _ $? "$TMP/err"
"$GOFN" login "$URL" "$TOKEN" >/dev/null
check "gofn login writes the config with mode 0600" \
	test "$(stat -c %a "$XDG_CONFIG_HOME/gofn/config.json")" = 600

# --- first deploy, from a subdirectory of the module
(cd "$PROJ/cmd" && "$GOFN" deploy --name sizer example.com/sizer) >"$TMP/deploy1" 2>"$TMP/err"
RC=$?
if [[ $RC != 0 ]]; then
	fail "gofn deploy: exit $RC: $(cat "$TMP/err")"
	finish
fi
check "deploy prints the function and its version 1" grep -q '^deployed sizer version 1 ' "$TMP/deploy1"
check "... with the invokable symbols and signatures" grep -q '^  main.Size  func(string) string$' "$TMP/deploy1"
check "... 6 objects (sizer, greet, humanize, gjson, match, pretty), all sent" grep -q ' 6 objects, .* 6 sent)' "$TMP/deploy1"

# --- invoke by name: curl and gofn invoke
req POST "/invoke/main.Size?function=sizer" "$TOKEN" --data-binary '{"name":"disk","bytes":123456789}'
check "curl ?function=sizer: ok" test "$CODE:$(jqv .status):$(jqv .result)" = "200:ok:disk is 123 MB"
check "... names the function and version" test "$(jqv .name)@$(jqv .version)" = sizer@1
OUT=$("$GOFN" invoke sizer main.Size -d '{"name":"a","bytes":2048}')
check "gofn invoke prints the result" test "$OUT" = "a is 2.0 kB"
echo '{"name":"b","bytes":1}' >"$TMP/in.json"
OUT=$("$GOFN" invoke sizer main.Size -d @"$TMP/in.json")
check "gofn invoke -d @FILE" test "$OUT" = "b is 1 B"
"$GOFN" invoke sizer main.Fail -d x >/dev/null 2>"$TMP/err"
RC=$?
check "gofn invoke: an error status exits 1 with one line" \
	bash -c '[[ $1 == 1 && $(cat "$2") == *"error: no x"* && $(wc -l <"$2") == 1 ]]' _ $RC "$TMP/err"
"$GOFN" invoke nosuch main.Size 2>/dev/null
check "gofn invoke of an unknown name exits 4" test $? = 4

# --- redeploy unchanged: no new version, nothing sent
(cd "$PROJ" && "$GOFN" deploy --name sizer) >"$TMP/deploy2" 2>&1
check "unchanged redeploy creates nothing" grep -q '^unchanged sizer version 1 .* 0 sent)' "$TMP/deploy2"
req GET /functions/sizer/versions "$TOKEN"
check "... still one version" test "$(jqv '.versions|length')" = 1

# --- two concurrent deploys of one name and the same code: both succeed,
# one creates version 1, the other ends unchanged (the loser of the race gets
# 409 version_conflict and retries, or sees the winner's version at once).
for i in 1 2; do
	(cd "$PROJ" && "$GOFN" deploy --name twin) >"$TMP/twin$i" 2>"$TMP/twin$i.err" &
	eval "TWIN$i=\$!"
done
wait "$TWIN1"
RC1=$?
wait "$TWIN2"
RC2=$?
check "two concurrent deploys of one name both exit 0 ($RC1, $RC2)" test "$RC1:$RC2" = 0:0
check "... one made version 1, the other ended unchanged" \
	test "$(cat "$TMP/twin1" "$TMP/twin2" | grep -oE '^(deployed|unchanged) twin version [0-9]+' | sort | tr '\n' ,)" \
	= "deployed twin version 1,unchanged twin version 1,"
req GET /functions/twin/versions "$TOKEN"
check "... and the name has one version" test "$CODE:$(jqv '.versions|length')" = 200:1
grep -h 'retrying' "$TMP/twin1.err" "$TMP/twin2.err" | sed 's/^/  (info) /'
check "gofn rm twin" "$GOFN" rm twin >/dev/null

# --- changed: version 2, only the changed object sent
sed -i 's/ is " + humanize/ weighs " + humanize/' "$PROJ/main.go"
(cd "$PROJ" && "$GOFN" deploy --name sizer) >"$TMP/deploy3" 2>&1
check "changed redeploy is version 2, sending only main's object" \
	grep -q '^deployed sizer version 2 .* 1 sent)' "$TMP/deploy3"
check "the name invokes version 2" test "$("$GOFN" invoke sizer main.Size -d '{"name":"c","bytes":1}')" = "c weighs 1 B"
check "sizer@1 still invokes version 1" test "$("$GOFN" invoke sizer@1 main.Size -d '{"name":"c","bytes":1}')" = "c is 1 B"
"$GOFN" versions sizer >"$TMP/versions"
check "gofn versions marks version 2 current" grep -q '^\* 2 ' "$TMP/versions"

# --- rollback (client and route)
"$GOFN" rollback sizer 1 >/dev/null
check "after gofn rollback sizer 1 the name invokes version 1" \
	test "$("$GOFN" invoke sizer main.Size -d '{"name":"d","bytes":1}')" = "d is 1 B"
req POST "/functions/sizer/rollback?version=2" "$TOKEN"
check "POST /functions/sizer/rollback?version=2: current again" test "$CODE:$(jqv .version):$(jqv .current)" = "200:2:true"
req POST "/functions/sizer/rollback" "$TOKEN" -H 'Content-Type: application/json' -d '{"version":9}'
expect_err 404 not_found "rollback to a version that does not exist"
req POST "/functions/sizer/rollback" "$TOKEN"
expect_err 400 bad_version "rollback without a version"

# --- a version whose objects are all known: nothing to send at all
sed -i 's/ weighs " + humanize/ is " + humanize/' "$PROJ/main.go"
(cd "$PROJ" && "$GOFN" deploy --name sizer) >"$TMP/deploy4" 2>&1
check "deploying version 1's code again is version 3 with 0 sent" \
	grep -q '^deployed sizer version 3 .* 0 sent)' "$TMP/deploy4"

# --- an HTTP function through the route: status, headers and body as written
req PATCH "/invoke/main.Echo/users/42?function=sizer&q=1&timeout_ms=5000" "$TOKEN" \
	-H 'X-In: hello' -H 'Content-Type: text/plain' --data-binary 'the body'
check "HTTP function: the handler's status (418)" test "$CODE" = 418
check "... its headers" grep -qi '^X-Echo-Method: PATCH' "$HDRS"
check "... its Content-Type, not JSON-wrapped" grep -qi '^Content-Type: application/json' "$HDRS"
check "... the rest of the path" test "$(jqv .path)" = /users/42
check "... the query without gofn's parameters" test "$(jqv .query)" = q=1
check "... the headers without the bearer token" test "$(jqv .in):$(jqv .auth)" = hello:
check "... the body" test "$(jqv .body)" = "the body"
req GET "/invoke/main.Echo?function=sizer" "$TOKEN"
check "GET without a path: the handler sees /" test "$CODE:$(jqv .path)" = 418:/
req POST "/invoke/example.com/sizer/greet.Upper?function=sizer" "$TOKEN" --data-binary abc
check "a symbol whose package path has '/' is invokable" test "$CODE:$(jqv .result)" = 200:ABC
req GET "/invoke/example.com/sizer/greet.Hi/a/b.c" "$TOKEN"
check "... and as an HTTP function with a path (no ?function=)" test "$CODE:$BODY" = "200:hi from /a/b.c"
req GET "/invoke/main.Size/x?function=sizer" "$TOKEN"
expect_err 400 not_http_function "a path after a non-HTTP function"

# --- profiles of a small handler show the handler, not gofn's profiling
"$GOFN" profile sizer main.Spin --cpu -d 300 -o "$TMP/cpu.pb.gz" --hz 500 >/dev/null 2>"$TMP/err"
check "gofn profile --cpu saves the profile" test -s "$TMP/cpu.pb.gz"
go tool pprof -top "$TMP/cpu.pb.gz" >"$TMP/cpu.top" 2>&1
SPIN=$(awk '$NF=="main.spin" {sub("%","",$5); print $5; exit}' "$TMP/cpu.top")
if awk -v p="${SPIN:-0}" 'BEGIN{exit !(p > 50)}'; then
	ok "CPU profile: main.spin has the majority of samples ($SPIN% cum)"
else
	fail "CPU profile: main.spin has ${SPIN:-no}% cum"
	head -20 "$TMP/cpu.top"
fi
check "CPU profile: no sample in runtime/pprof or compress/" \
	bash -c '! grep -qE "runtime/pprof\.|compress/" "$1"' _ "$TMP/cpu.top"
# gofn profile --web: saves the profile and serves it with `go tool pprof
# -http=localhost:0`, which hands its URL to $BROWSER. Here the "browser"
# records the URL; the test fetches the UI's top view from that loopback
# port, then stops the client and pprof (their own process group).
cat >"$TMP/browser" <<'EOS'
#!/bin/sh
echo "$1" >"$BROWSER_SAW.tmp" && mv "$BROWSER_SAW.tmp" "$BROWSER_SAW"
EOS
chmod +x "$TMP/browser"
BROWSER=$TMP/browser BROWSER_SAW=$TMP/browser.url setsid "$GOFN" profile sizer main.Spin --cpu \
	-d 300 -o "$TMP/web.pb.gz" --web >"$TMP/web.out" 2>&1 </dev/null &
WEB=$!
for _ in $(seq 600); do # until the URL arrives or the client ends (bounded: 60 s)
	[[ -s "$TMP/browser.url" ]] && break
	kill -0 "$WEB" 2>/dev/null || break
	sleep 0.1
done
WEBURL=$(cat "$TMP/browser.url" 2>/dev/null)
WEBBASE=$(grep -oE '^http://(localhost|127\.0\.0\.1|\[::1\]):[0-9]+' <<<"$WEBURL")
check "gofn profile --web saves the profile" test -s "$TMP/web.pb.gz"
check "... and opens the pprof web UI on a loopback port ($WEBURL)" test -n "$WEBBASE"
curl -sS --max-time 30 -o "$TMP/web.top" -w '%{http_code}' "$WEBBASE/ui/top" >"$TMP/web.code" 2>&1
check "... whose top view (GET /ui/top) lists the tenant's main.spin" \
	bash -c '[[ $(cat "$1") == 200 ]] && grep -q "main\.spin" "$2"' _ "$TMP/web.code" "$TMP/web.top"
kill -TERM -- -"$WEB" 2>/dev/null
wait "$WEB" 2>/dev/null
for _ in $(seq 100); do # the group's other members exit on their own TERM
	kill -0 -- -"$WEB" 2>/dev/null || break
	sleep 0.1
done
check "... and it ends with its process group (nothing left serving)" \
	bash -c '! kill -0 -- -"$1" 2>/dev/null' _ "$WEB"
[[ -n "$WEBBASE" ]] || cat "$TMP/web.out"
kill -KILL -- -"$WEB" 2>/dev/null

"$GOFN" profile sizer main.Hoard --heap -d 2000 -o "$TMP/heap.pb.gz" >/dev/null 2>"$TMP/err"
go tool pprof -top -sample_index=alloc_space "$TMP/heap.pb.gz" >"$TMP/heap.top" 2>&1
check "heap profile: main.Hoard's allocations are the top frame" \
	bash -c 'grep -A1 "flat%" "$1" | tail -1 | grep -q "main.Hoard$"' _ "$TMP/heap.top"
check "heap profile: nothing of runtime/pprof or compress/" \
	bash -c '! grep -qE "runtime/pprof\.|compress/" "$1"' _ "$TMP/heap.top"

# --- per-function configuration: variables and secrets (sealed at rest, never returned)
req PUT /functions/sizer/config "$TOKEN" -H 'Content-Type: application/json' \
	-d '{"env":{"GREETING":"hola"},"secrets":{"API_KEY":"s3cr3t-value"}}'
check "PUT config: the variables, the secrets by name only" \
	test "$CODE:$(jqv .env.GREETING):$(jqv '.secrets|join(",")')" = "200:hola:API_KEY"
check "... no secret value in the answer" bash -c '! grep -q s3cr3t <<<"$1"' _ "$BODY"
check "os.Getenv sees a variable" test "$("$GOFN" invoke sizer main.Getenv -d GREETING)" = hola
check "os.Getenv sees a secret" test "$("$GOFN" invoke sizer main.Getenv -d API_KEY)" = s3cr3t-value
check "package init saw the environment" test "$("$GOFN" invoke sizer main.InitEnv)" = hola
check "sizer@1 (another version) has the name's environment" \
	test "$("$GOFN" invoke sizer@1 main.Getenv -d GREETING)" = hola
req GET /functions/sizer/config "$TOKEN"
check "GET config never returns a secret's value" \
	bash -c '[[ $1 == *API_KEY* && $1 != *s3cr3t* ]]' _ "$BODY"
check "the secret is not stored in plain text" \
	bash -c '! grep -rqa s3cr3t-value "$1"' _ "$TMP/data"
if [[ "${GOFN_TEST_STORE:-sqlite}" == postgres ]]; then
	# PostgreSQL holds the key (settings), so replicas share it (issue 19).
	check "the sealing key is in the database, not in DATA" test ! -e "$TMP/data/config-key"
else
	check "the sealing key is DATA/config-key, mode 0600" test "$(stat -c %a "$TMP/data/config-key")" = 600
fi
req PUT /functions/sizer/config "$TOKEN" -d '{"env":{"1BAD":"x"}}'
expect_err 400 bad_request "a variable name that is not [A-Za-z_][A-Za-z0-9_]*"
req PUT /functions/nosuch/config "$TOKEN" -d '{"env":{}}'
expect_err 404 not_found "config of a name that does not exist"
"$GOFN" config sizer --env GREETING=hej >"$TMP/config.out"
check "gofn config replaces it and shows it" test "$(cat "$TMP/config.out")" = GREETING=hej
check "a new configuration reaches the next call (warm workers restarted)" \
	test "$("$GOFN" invoke sizer main.Getenv -d GREETING):$("$GOFN" invoke sizer main.Getenv -d API_KEY)" = "hej:"

# --- listing and removal
"$GOFN" ls >"$TMP/ls"
check "gofn ls shows sizer at its current version" grep -qE '^sizer +v3 ' "$TMP/ls"
check "gofn rm sizer removes every version" "$GOFN" rm sizer
req GET /functions/sizer/versions "$TOKEN"
expect_err 404 not_found "versions after gofn rm"
req GET /functions "$TOKEN"
check "no function left" test "$(jqv '.functions|length')" = 0

stop_gofnd || fail "gofnd exit status"
finish
