#!/usr/bin/env bash
# The image and compose files in a real container engine (issue 19): build
# the image with the repository's Dockerfile, `docker compose up` it on
# loopback, wait for its HEALTHCHECK, then tenant, upload, invoke, a CPU
# profile read by `go tool pprof -top URL`, a restart that keeps the function
# (named volume), a memory-hungry function contained, `down -v`. Then all of
# it again with the PostgreSQL service (deploy/docker-compose.postgres.yml).
#
# Needs root, Debian's docker.io and debootstrap (scripts/install-deps.sh
# --deploy-test installs them), Debian's archive and the Go module proxy
# on a cold cache. The engine is our own dockerd (tests/deploy/engine.sh):
# no bridge, no iptables, so containers get no address and use the host's
# loopback; gofnd listens on 127.0.0.1 and a free port.
# usage: compose.sh BUILD_DIR
source "$(dirname "$0")/../integration/lib.sh"
HERE=$ROOT/tests/deploy
source "$HERE/engine.sh"
export PPROF_TMPDIR=$TMP/pprof
STARTED=$SECONDS
PROJECT=gofn-test

# Compose first (its containers), then the engine, then lib.sh's cleanup.
teardown() {
	if [[ -n "$ENGINE_PID" ]]; then
		compose down -v --timeout 5 >/dev/null 2>&1
		engine_stop
	fi
	cleanup
}
trap teardown EXIT
trap 'exit 143' TERM INT

"$ROOT/scripts/install-deps.sh" --deploy-test || need "docker.io and debootstrap" "install-deps.sh --deploy-test failed"
engine_start "$TMP/engine"
debian_image
golang_image
compose_plugin
say "engine and base images ready after $((SECONDS - STARTED)) s"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

COMPOSE_FILES=(-f "$ROOT/deploy/docker-compose.yml")
compose() { docker compose -p "$PROJECT" "${COMPOSE_FILES[@]}" -f "$TMP/override.yml" "$@"; }

# wait_healthy: the gofnd container's own HEALTHCHECK (the Dockerfile's
# command, run every second here) says healthy; bounded, not timed.
wait_healthy() {
	local id st=""
	id=$(compose ps -q gofnd)
	for _ in $(seq 240); do
		st=$(docker inspect -f '{{.State.Health.Status}}' "$id" 2>/dev/null)
		[[ "$st" == healthy ]] && return 0
		[[ "$(docker inspect -f '{{.State.Running}}' "$id" 2>/dev/null)" == true ]] || break
		sleep 0.5
	done
	echo "gofnd container is not healthy ($st):"
	compose logs --tail 30 gofnd
	return 1
}

# override STORE: keeps everything on loopback (host network, no published
# port), a known admin token, and a fast health interval.
override() {
	PORT=$(free_port)
	URL=http://127.0.0.1:$PORT
	cat >"$TMP/override.yml" <<YAML
services:
  gofnd:
    network_mode: host
    ports: !reset []
    healthcheck:
      interval: 1s
    environment:
      GOFN_LISTEN: 127.0.0.1:$PORT
      GOFN_ADMIN_TOKEN: $ADMIN
YAML
	[[ "$1" == postgres ]] || return 0
	local pg
	pg=$(free_port)
	cat >>"$TMP/override.yml" <<YAML
      GOFN_DATABASE_URL: postgresql://gofn:gofn@127.0.0.1:$pg/gofn
  postgres:
    network_mode: host
    environment:
      PGPORT: $pg
    command: ["postgres", "-c", "listen_addresses=127.0.0.1"]
YAML
}

# scenario STORE: one full pass against the running compose project.
scenario() {
	local store=$1 T FN id
	say "--- $store: compose up"
	override "$store"
	# Whatever a killed earlier run left in the cached engine goes first.
	compose down -v --timeout 5 >/dev/null 2>&1
	compose up -d --no-build --pull never --quiet-pull >"$TMP/up.log" 2>&1 || {
		cat "$TMP/up.log"
		fail "$store: compose up"
		return
	}
	check "$store: the container's HEALTHCHECK says healthy" wait_healthy || return

	req GET /healthz ""
	local layers status
	layers=$(jqv .sandbox.layers)
	status=$(jqv .status)
	say "$store: /healthz in the container: status=$status layers=$layers"
	check "$store: the container's workers are confined" test "$(jqv .sandbox.confined)" = true ||
		say "$store: $(jqv .sandbox.note)"
	# A host with cgroup v1 gives the container no cgroup of its own to
	# delegate: memory is then held by gofnd's RSS watchdog alone, a
	# promise kept less well, which /healthz must not hide.
	# gofnd then holds memory with its RSS watchdog and says degraded.
	if [[ ",$layers," != *,cgroup,* ]]; then
		check "$store: /healthz degraded without a cgroup layer" test "$status" = degraded
		check "$store: /healthz lists cgroup as missing" \
			test "$(jqv '(.sandbox.missing // []) | index("cgroup") != null')" = true
	fi
	if [[ "$store" == postgres ]]; then
		check "$store: gofnd runs with --store postgres" \
			bash -c '[[ "$(docker inspect -f "{{range .Config.Env}}{{println .}}{{end}}" "$1")" == *GOFN_STORE=postgres* ]]' \
			_ "$(compose ps -q gofnd)"
	fi

	T=$(new_tenant acme) || {
		fail "$store: create a tenant"
		return
	}
	FN=$(upload "$T" "$HELLO")
	check "$store: upload (201)" test -n "$FN"
	req POST /invoke/main.Handle "$T" --data-binary compose
	check "$store: invoke" test "$(jqv .result)" = "hi compose"

	upload "$T" "$BURN" >/dev/null
	req POST "/invoke/main.Burn?profile=cpu" "$T" --data-binary 300
	local prof
	prof=$(jqv .profiles.cpu)
	check "$store: go tool pprof -top URL reads the CPU profile" \
		bash -c 'go tool pprof -top "$1" 2>&1 | grep -q "main.burn$"' _ "$prof"

	compose restart gofnd >/dev/null 2>&1
	check "$store: healthy again after a restart" wait_healthy
	req GET "/functions/$FN" "$T"
	expect_code 200 "$store: the function survives the restart (named volume)"
	req POST /invoke/main.Handle "$T" --data-binary again
	check "$store: invoke after the restart" test "$(jqv .result)" = "hi again"

	upload "$T" "$HOG" >/dev/null
	req POST /invoke/main.Hog "$T" --data-binary x
	say "$store: the memory-hungry function: $BODY"
	check "$store: a memory-hungry function is stopped, naming memory" \
		test "$(jqv .status)" != ok -a "$(jqv '(.error // "") | test("memory")')" = true
	req POST /invoke/main.Handle "$T" --data-binary after
	check "$store: gofnd serves on after it" test "$(jqv .result)" = "hi after"
	id=$(compose ps -q gofnd)
	check "$store: the container was not restarted by it" \
		test "$(docker inspect -f '{{.RestartCount}}' "$id")" = 0

	compose down -v --timeout 10 >/dev/null 2>&1
	check "$store: down -v removes the volumes" \
		bash -c '! docker volume ls -q | grep -q "^$1_"' _ "$PROJECT"
}

HELLO=$(compile hello) && BURN=$(compile burn) || exit 1
HOG=$TMP/hog.o
"$ROOT/scripts/gofn-compile" -o "$HOG" "$HERE/progs/hog.go" >/dev/null || exit 1

say "building the image with the repository's Dockerfile (legacy builder, offline)"
STEP=$SECONDS
DOCKER_BUILDKIT=0 docker build -q --network host -t gofn:latest "$ROOT" >"$TMP/build.log" 2>&1 || {
	tail -n 40 "$TMP/build.log"
	fail "docker build"
	finish
}
say "image built in $((SECONDS - STEP)) s"
postgres_image

scenario sqlite
COMPOSE_FILES+=(-f "$ROOT/deploy/docker-compose.postgres.yml")
scenario postgres
# Layers no image uses any more (earlier builds of gofn:latest).
docker image prune -f >/dev/null 2>&1
say "whole test: $((SECONDS - STARTED)) s"
finish
