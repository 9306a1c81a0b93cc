// Package keepextra keeps the unexported std symbols tenants reference in the
// worker: linkname pulls and the ABI0 entries other modules' assembly calls.
// Its code is generated at build time by each release's toolchain
// (scripts/gen-keepalive -out, loader/host/gen-release.sh) and added to this
// directory by go build -overlay; see docs/hostsyms.md.
package keepextra
