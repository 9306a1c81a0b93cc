#!/usr/bin/env bash
# api/openapi.yaml documents exactly the routes gofnd serves.
source "$(dirname "$0")/lib.sh"

"$GOFND" --print-routes | sort >"$TMP/served"
# paths are 2-space keys under "paths:", methods 4-space keys under them
awk '/^paths:/ {p=1; next} p && /^[^ ]/ {p=0}
     p && /^  \/[^ ]*:$/ {path=$1; sub(/:$/, "", path)}
     p && /^    (get|post|put|delete|patch|head|options):/ {m=$1; sub(/:$/, "", m); print toupper(m), path}' \
	"$ROOT/api/openapi.yaml" | sort >"$TMP/documented"
if diff -u "$TMP/documented" "$TMP/served"; then
	ok "openapi.yaml matches the route table ($(wc -l <"$TMP/served") routes)"
else
	fail "openapi.yaml and the served routes differ (- documented, + served)"
fi
check "route table is not empty" test -s "$TMP/served"
finish
