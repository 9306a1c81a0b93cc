#!/usr/bin/env bash
# Installs what gofn needs on Debian 12. README, .ci/run and the Dockerfile
# all call this one script, so what CI proves is what users get.
#   --runtime       only the shared libraries a deployed gofnd needs
#   --deploy-test   also what tests/deploy/compose.sh needs: a container engine
#                   and debootstrap to make the base images from Debian's packages
set -euo pipefail

GO_WANT="go1.26" # the base go on PATH (any 1.26.x)
BUILD_PKGS=(build-essential cmake pkg-config clang clang-format libclang-rt-14-dev
	libjansson-dev libseccomp-dev libelf-dev libcmocka-dev
	libsqlite3-dev curl jq ca-certificates python3-yaml)
RUNTIME_PKGS=(libjansson4 libseccomp2 libelf1 libsqlite3-0 curl ca-certificates)
# gofnd hashes tokens and objects with libcrypto; wrk drives the invoke benchmark.
BUILD_PKGS+=(libssl-dev wrk)
RUNTIME_PKGS+=(libssl3)
# libmicrohttpd is Debian's source package with gofn's patch, built below and
# linked statically into gofnd (third_party/libmicrohttpd/build.sh): these
# fetch, check, unpack and patch it.
BUILD_PKGS+=(dpkg-dev patch xz-utils)
# hyperfine times whole processes for make bench (bench/run.sh).
BUILD_PKGS+=(hyperfine)
# gofnd --store postgres links libpq; the tests start a throwaway PostgreSQL.
BUILD_PKGS+=(libpq-dev postgresql)
# tests/vm boots Debian's cloud kernel (cgroup v2) under qemu (TCG) with a
# busybox initramfs; the kernel .deb itself is fetched with apt-get download.
BUILD_PKGS+=(qemu-system-x86 busybox-static cpio)
RUNTIME_PKGS+=(libpq5)

# tests/deploy/compose.sh: its own dockerd (Debian's docker.io) and base images
# made with debootstrap, since no image registry is reachable from CI.
DEPLOY_TEST_PKGS=(docker.io debootstrap)

pkgs=("${BUILD_PKGS[@]}")
case "${1:-}" in
--runtime) pkgs=("${RUNTIME_PKGS[@]}") ;;
--deploy-test) pkgs+=("${DEPLOY_TEST_PKGS[@]}") ;;
esac

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
	echo "install-deps: installing ${missing[*]}"
	sudo=""
	[[ $(id -u) -ne 0 ]] && sudo="sudo"
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

[[ "${1:-}" == "--runtime" ]] && exit 0

# Once per machine (cached; a no-op afterwards): gofnd's libmicrohttpd.
"$(dirname "$0")/../third_party/libmicrohttpd/build.sh"

# Every other supported release, as the exact toolchain its worker is built
# with (scripts/go-toolchains.txt). The go command fetches it through the
# module proxy into the module cache.
mapfile -t GO_EXTRA_TOOLCHAINS < <(grep -Ev '^(#|local$|$)' "$(dirname "$0")/go-toolchains.txt")

if ! command -v go >/dev/null; then
	echo "install-deps: go not found; install Go ${GO_WANT}.x (https://go.dev/dl) and put it on PATH" >&2
	exit 1
fi
have=$(go env GOVERSION)
case "$have" in
"$GO_WANT" | "$GO_WANT".*) ;;
*)
	echo "install-deps: gofn needs Go ${GO_WANT}.x on PATH as its base toolchain (the others are fetched: ${GO_EXTRA_TOOLCHAINS[*]}), found $have" >&2
	exit 1
	;;
esac

for tc in "${GO_EXTRA_TOOLCHAINS[@]}"; do
	if ! got=$(GOTOOLCHAIN=$tc go env GOVERSION 2>&1) || [[ "$got" != "$tc" ]]; then
		echo "install-deps: fetching the $tc toolchain (GOTOOLCHAIN=$tc go version)"
		GOTOOLCHAIN=$tc go version >/dev/null || {
			echo "install-deps: could not fetch $tc through the Go module proxy ($(go env GOPROXY))" >&2
			exit 1
		}
	fi
done
