# A private Docker engine and the images the compose test needs, made from
# Debian's packages and the Go module proxy since no image registry is
# reachable here or in CI. Sourced by compose.sh.
#
# Cached between runs under $CACHE (GOFN_TEST_CACHE, /var/cache/gofn-test):
#   docker/          the engine's data root: base images and build layers
#   compose-VERSION/ docker-compose built from the Go module
# A lock on $CACHE/lock serializes runs that share it. Everything per run
# (socket, exec root, pid file, CLI config) lives under $RUN, removed at exit.

CACHE=${GOFN_TEST_CACHE:-/var/cache/gofn-test}
COMPOSE_VERSION=v5.6.0 # the newest docker/compose/v5 that builds with Go 1.26
DEBIAN_MIRROR=${GOFN_DEBIAN_MIRROR:-http://deb.debian.org/debian}
ENGINE_PID=""

say() { echo "compose-test: $*"; }

# need WHAT WHY: stops the test with a reason when WHAT is missing.
need() {
	say "cannot run: $1 ($2)"
	exit 1
}

# engine_start RUN_DIR: dockerd with no bridge, no iptables and no
# forwarding, so no container gets a network address; containers share the
# host's loopback through network_mode: host.
engine_start() {
	RUN=$1
	[[ $(id -u) -eq 0 ]] || need "root" "dockerd needs root to make namespaces and mounts"
	command -v dockerd >/dev/null || need "dockerd" "scripts/install-deps.sh --deploy-test installs docker.io"
	mkdir -p "$CACHE/docker" "$RUN/exec" "$RUN/config/cli-plugins"
	exec 8>"$CACHE/lock"
	if ! flock -n 8; then
		say "waiting for another run using $CACHE"
		flock 8
	fi
	export DOCKER_HOST=unix://$RUN/docker.sock DOCKER_CONFIG=$RUN/config
	dockerd --bridge=none --iptables=false --ip-forward=false --ip-masq=false \
		--data-root "$CACHE/docker" --exec-root "$RUN/exec" --pidfile "$RUN/dockerd.pid" \
		-H "$DOCKER_HOST" --containerd-namespace gofn-test --containerd-plugins-namespace gofn-test-plugins \
		>"$RUN/dockerd.log" 2>&1 &
	ENGINE_PID=$!
	engine_watchdog
	for _ in $(seq 300); do
		docker version >/dev/null 2>&1 && return 0
		kill -0 "$ENGINE_PID" 2>/dev/null || break
		sleep 0.2
	done
	say "dockerd did not start:"
	tail -n 30 "$RUN/dockerd.log"
	exit 1
}

# A SIGKILLed test (ctest's timeout) runs no trap: a detached watcher stops
# the engine (and so its containers) once this shell is gone.
engine_watchdog() {
	(setsid bash -c "while kill -0 $$ 2>/dev/null; do sleep 1; done
		kill -TERM $ENGINE_PID 2>/dev/null" </dev/null >/dev/null 2>&1 &)
}

# engine_stop: the engine we started, by its pid (it stops its containerd).
engine_stop() {
	[[ -n "$ENGINE_PID" ]] || return 0
	kill -TERM "$ENGINE_PID" 2>/dev/null
	for _ in $(seq 150); do
		kill -0 "$ENGINE_PID" 2>/dev/null || break
		sleep 0.2
	done
	kill -KILL "$ENGINE_PID" 2>/dev/null
	wait "$ENGINE_PID" 2>/dev/null
	ENGINE_PID=""
	# dockerd leaves its default network namespace mounted in the exec root.
	local m
	for m in $(awk -v r="$RUN/" 'index($2, r) == 1 {print $2}' /proc/self/mounts | sort -r); do
		umount "$m" 2>/dev/null || umount -l "$m"
	done
}

have_image() { docker image inspect "$1" >/dev/null 2>&1; }

# debian_image: debian:bookworm-slim from debootstrap --variant=minbase.
debian_image() {
	have_image debian:bookworm-slim && return 0
	command -v debootstrap >/dev/null || need "debootstrap" "it makes the Debian base image"
	local root=$CACHE/rootfs.tmp
	rm -rf "$root"
	say "debootstrap --variant=minbase bookworm (once; cached in $CACHE/docker)"
	debootstrap --variant=minbase bookworm "$root" "$DEBIAN_MIRROR" >"$RUN/debootstrap.log" 2>&1 || {
		tail -n 20 "$RUN/debootstrap.log"
		need "debootstrap bookworm" "Debian's archive must be reachable"
	}
	# The image's apt must reach what the host's apt reaches.
	cp /etc/apt/sources.list "$root/etc/apt/" 2>/dev/null
	cp -r /etc/apt/sources.list.d/. "$root/etc/apt/sources.list.d/" 2>/dev/null
	rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
	tar -C "$root" -c . | docker import -c 'CMD ["bash"]' - debian:bookworm-slim >/dev/null || exit 1
	rm -rf "$root"
}

# go_root VERSION: the tree of that Go release, fetched by the go command
# itself into the module cache when it is not the installed one.
go_root() {
	if [[ "$(go env GOVERSION)" == "go$1" ]]; then
		go env GOROOT
	else
		GOTOOLCHAIN=go$1 go env GOROOT
	fi
}

# golang:<the Dockerfile's pin>-bookworm, plus every other Go release the
# build fetches (scripts/go-toolchains.txt, or go1.X.Y in the Dockerfile)
# already in the module cache the go command looks in, as if it had
# fetched it: the image build then needs no network for them.
golang_image() {
	local pin tag ctx extra v
	pin=$(sed -n 's/^FROM golang:\([0-9.]*\)-bookworm.*/\1/p' "$ROOT/Dockerfile" | head -1)
	[[ -n "$pin" ]] || need "a golang:X-bookworm pin in the Dockerfile" "the image is made to match it"
	extra=$(cat "$ROOT/Dockerfile" "$ROOT/scripts/go-toolchains.txt" 2>/dev/null |
		grep -o 'go1\.[0-9]*\.[0-9]*' | sort -u | grep -vx "go$pin" | tr '\n' ' ')
	tag=golang:$pin-bookworm
	GOLANG_LABEL="go$pin${extra:+ $extra}"
	GOLANG_LABEL=${GOLANG_LABEL% }
	[[ "$(docker image inspect -f '{{index .Config.Labels "gofn.go"}}' "$tag" 2>/dev/null)" == "$GOLANG_LABEL" ]] &&
		return 0
	say "making $tag from debian:bookworm-slim and the Go tree(s): $GOLANG_LABEL"
	ctx=$RUN/golang
	local mc=$ctx/gopath/pkg/mod dl=cache/download/golang.org/toolchain/@v
	mkdir -p "$mc/$dl" "$ctx/gopath/pkg/sumdb"
	cp -a "$(go_root "$pin")" "$ctx/go" || need "Go $pin" "the go command fetches it from the module proxy"
	for v in $extra; do
		local r
		r=$(go_root "${v#go}") || need "$v" "the go command fetches it from the module proxy"
		mkdir -p "$mc/golang.org"
		cp -a "$r" "$mc/golang.org/"
		cp -a "$(go env GOMODCACHE)/$dl/"*"$v".linux-amd64.* "$mc/$dl/"
	done
	# What the go command verified them with (checksum database tiles and
	# its latest tree head), so it needs no network to trust them again.
	if [[ -n "$extra" ]]; then
		cp -a "$(go env GOMODCACHE)/cache/download/sumdb" "$mc/cache/download/" 2>/dev/null
		cp -a "$(go env GOPATH)/pkg/sumdb/." "$ctx/gopath/pkg/sumdb/" 2>/dev/null
	fi
	DOCKER_BUILDKIT=0 docker build -q --network host --label "gofn.go=$GOLANG_LABEL" -t "$tag" \
		-f "$HERE/images/golang.Dockerfile" "$ctx" >/dev/null || exit 1
	chmod -R u+w "$ctx" # module cache trees are read-only
	rm -rf "$ctx"
}

# postgres_image: postgres:15 from Debian's postgresql package.
postgres_image() {
	have_image postgres:15 && return 0
	say "making postgres:15 from Debian's postgresql-15"
	DOCKER_BUILDKIT=0 docker build -q --network host -t postgres:15 \
		-f "$HERE/images/postgres.Dockerfile" "$HERE/images" >/dev/null || exit 1
}

# compose_plugin: `docker compose` v2 syntax, built from the Go module
# (Debian 12 ships only compose v1) and installed as this run's CLI plugin.
compose_plugin() {
	local bin=$CACHE/compose-$COMPOSE_VERSION/docker-compose
	if [[ ! -x "$bin" ]]; then
		say "building docker compose $COMPOSE_VERSION from its Go module (once)"
		local dir src
		dir=$(cd "$RUN" && GOFLAGS=-mod=mod go mod download -json \
			"github.com/docker/compose/v5@$COMPOSE_VERSION" | jq -r .Dir) ||
			need "the docker/compose Go module" "the Go module proxy must be reachable"
		src=$RUN/compose-src
		cp -a "$dir" "$src" && chmod -R u+w "$src"
		mkdir -p "$(dirname "$bin")"
		(cd "$src" && go build -trimpath -o "$bin.tmp" ./cmd) >"$RUN/compose-build.log" 2>&1 || {
			tail -n 20 "$RUN/compose-build.log"
			need "a docker compose build" "go build of the module failed"
		}
		mv "$bin.tmp" "$bin"
		rm -rf "$src"
	fi
	ln -sf "$bin" "$DOCKER_CONFIG/cli-plugins/docker-compose"
	docker compose version >/dev/null || need "docker compose" "the CLI does not load the plugin"
}
