#!/usr/bin/env bash
# make run: gofnd on 127.0.0.1:8080 with ./data, a "dev" tenant, and curl
# commands that work as printed. Re-running keeps the tenant and its token
# (kept in ./data/dev-token, mode 0600). Ctrl-C stops gofnd gracefully.
set -euo pipefail
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DATA=${GOFN_DATA:-./data}
LISTEN=${GOFN_LISTEN:-127.0.0.1:8080}
URL=http://$LISTEN
export PATH="$PATH:/usr/local/go/bin"

mkdir -p "$DATA"
chmod 700 "$DATA"
"$BUILD/bin/gofnd" --listen "$LISTEN" --data "$DATA" --loader "$BUILD/bin/gofn-loader" &
PID=$!
trap 'kill -TERM $PID 2>/dev/null; wait $PID' INT TERM
for _ in $(seq 50); do
	curl -sf "$URL/healthz" >/dev/null 2>&1 && break
	kill -0 $PID 2>/dev/null || { echo "run-dev: gofnd exited" >&2; exit 1; }
	sleep 0.1
done
ADMIN=${GOFN_ADMIN_TOKEN:-$(cat "$DATA/admin-token")}

# The dev tenant's token is only known when it is created; keep it.
if [[ ! -s "$DATA/dev-token" ]]; then
	curl -sf -X DELETE -H "Authorization: Bearer $ADMIN" "$URL/tenants/dev" >/dev/null || true
	(umask 077 && curl -sf -X POST -H "Authorization: Bearer $ADMIN" -d '{"name":"dev"}' \
		"$URL/tenants" | jq -r .token >"$DATA/dev-token")
fi
TOKEN=$(cat "$DATA/dev-token")
SRC=$ROOT/tests/integration/progs/greet.go
if [[ -x "$ROOT/scripts/gofn-compile" ]]; then
	"$ROOT/scripts/gofn-compile" -o "$DATA/greet.o" "$SRC"
	# the same for Go 1.27: gofnd serves every release side by side
	"$ROOT/scripts/gofn-compile" -go 1.27 -o "$DATA/greet-go1.27.o" "$SRC"
else # the two steps gofn-compile automates
	go list -export -f '{{if .Export}}packagefile {{.ImportPath}}={{.Export}}{{end}}' -deps fmt \
		>"$DATA/greet.importcfg"
	go tool compile -p main -importcfg "$DATA/greet.importcfg" -o "$DATA/greet.o" "$SRC"
fi

cat <<MSG

gofnd is running on $URL (data in $DATA; Ctrl-C stops it).
health:  curl -s $URL/healthz
Go releases served (one worker each):  curl -s $URL/runtimes | jq .
dev tenant token:
  export TOKEN=$TOKEN

deploy a go.mod project with the client (README, Quick start):
  export GOFN_URL=$URL GOFN_TOKEN=\$TOKEN PATH=$(cd "$BUILD" && pwd)/bin:\$PATH
  cd $ROOT/tests/integration/client_proj && gofn deploy --name sizer
  gofn invoke sizer main.Size -d '{"name":"disk","bytes":123456789}'

upload an object (compiled from tests/integration/progs/greet.go by $(go env GOVERSION)):
  curl -s -H "Authorization: Bearer \$TOKEN" -F obj=@$DATA/greet.o $URL/functions | jq .
the same compiled by go1.27.3 (scripts/gofn-compile -go 1.27), run by the go1.27 worker:
  curl -s -H "Authorization: Bearer \$TOKEN" -F obj=@$DATA/greet-go1.27.o $URL/functions | jq .
invoke main.main:
  curl -s -X POST -H "Authorization: Bearer \$TOKEN" $URL/invoke/main.main | jq -r .stdout
invoke a handler, func Greet([]byte) ([]byte, error):
  curl -s -X POST -H "Authorization: Bearer \$TOKEN" --data-binary gopher $URL/invoke/main.Greet | jq -r .result

MSG
wait $PID
