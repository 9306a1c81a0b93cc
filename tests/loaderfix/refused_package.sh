#!/usr/bin/env bash
# refused_package.sh LOADER WORKDIR: the standard packages that cannot work
# loaded (docs/hostsyms.md, "Exceptions") are refused with an error naming
# the package and the reason, before any code runs; every other standard
# package is in the worker (a unit using a few of the formerly missing ones
# loads and runs).
set -euo pipefail
loader=$1 work=$2
repo=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$work/rp"
fail=0
for pkg in plugin runtime/cgo; do
	cat >"$work/rp/m.go" <<GO
package main

import (
	"fmt"
	_ "$pkg"
)

func init() { fmt.Println("unit init ran") }

func main() { fmt.Println("main ran") }
GO
	"$repo/scripts/gofn-compile" -o "$work/rp/m.o" "$work/rp/m.go"
	rc=0
	out=$("$loader" -o "$work/rp/m.o" -run main.main 2>&1) || rc=$?
	echo "$pkg: $out"
	if [[ $rc -eq 0 ]] || ! grep -q "imports package $pkg, which cannot be used in a loaded function: ." <<<"$out" ||
		grep -q "ran" <<<"$out"; then
		echo "FAIL: $pkg not refused by name before running"
		fail=1
	fi
done
cat >"$work/rp/ok.go" <<'GO'
package main

import (
	"bytes"
	"compress/gzip"
	"crypto/sha3"
	"encoding/xml"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"net/netip"
	"os"
	"testing"
	"weak"
)

func main() {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	io.WriteString(w, "hello")
	w.Close()
	r, _ := gzip.NewReader(&b)
	s, _ := io.ReadAll(r)
	x, _ := xml.Marshal(struct{ A int }{1})
	fs := flag.NewFlagSet("f", flag.ContinueOnError)
	n := fs.Int("n", 0, "")
	fs.Parse([]string{"-n", "3"})
	rec := httptest.NewRecorder()
	rec.WriteString("rec")
	v := 7
	wp := weak.Make(&v)
	allocs := testing.AllocsPerRun(10, func() {})
	slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{ReplaceAttr: func(g []string, a slog.Attr) slog.Attr {
		if a.Key == "time" {
			return slog.Attr{}
		}
		return a
	}})).Info("ok", "n", *n)
	fmt.Println(string(s), string(x), rec.Body.String(), *wp.Value(), allocs,
		netip.MustParseAddr("::1").Is6(), len(sha3.Sum256(nil)))
}
GO
"$repo/scripts/gofn-compile" -o "$work/rp/ok.o" "$work/rp/ok.go"
want=$(cd "$work/rp" && go run ok.go)
got=$("$loader" -o "$work/rp/ok.o" -run main.main 2>&1) || true
echo "native: $want"
echo "loaded: $got"
[[ "$got" == "$want" ]] || { echo "FAIL: formerly missing packages"; fail=1; }
((fail == 0)) && echo PASS
exit $fail
