package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
)

// The checker must see what a loader would miss; these tests give it a
// program whose linker dropped things and check that it notices.

func goCmd(t *testing.T, dir string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go %v: %v\n%s", args, err, out)
	}
	return out
}

func TestExternalRefsNamesCallsBuiltinsAndTypes(t *testing.T) {
	dir := t.TempDir()
	src := `package main

import ("io"; "strings")

type T struct{ p *int }

var sink *T

func main() {
	sink = new(T)
	var w io.Writer = new(strings.Builder)
	w.Write([]byte(strings.ToUpper("x")))
}
`
	if err := os.WriteFile(filepath.Join(dir, "m.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := goCmd(t, dir, "list", "-export", "-f", "{{if .Export}}packagefile {{.ImportPath}}={{.Export}}{{end}}", "-deps", "io", "strings")
	if err := os.WriteFile(filepath.Join(dir, "importcfg"), cfg, 0o644); err != nil {
		t.Fatal(err)
	}
	goCmd(t, dir, "tool", "compile", "-p", "main", "-importcfg", "importcfg", "-o", "m.o", "m.go")
	goroot, err := goOutputString("env", "GOROOT")
	if err != nil {
		t.Fatal(err)
	}
	tc, err := loadToolchain(goroot)
	if err != nil {
		t.Fatal(err)
	}
	refs, _, err := tc.externalRefs(filepath.Join(dir, "m.o"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"strings.ToUpper", "runtime.newobject", "type:*strings.Builder", "type:io.Writer"} {
		if !slices.Contains(refs, want) {
			t.Errorf("references lack %s; got %v", want, refs)
		}
	}
	for _, r := range refs {
		if symbolPackage(r) == "main" {
			t.Errorf("%s is defined by the object itself, not an external reference", r)
		}
	}
}

func TestHostTypesSeeUnreachableMethods(t *testing.T) {
	dir := t.TempDir()
	src := `package main

import ("bytes"; "io")

//go:noinline
func write(w io.Writer) { w.Write([]byte("x")) }

func main() { write(new(bytes.Buffer)) }
`
	for name, data := range map[string]string{"m.go": src, "go.mod": "module m\n\ngo 1.26\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	goCmd(t, dir, "build", "-o", "m", ".")
	types, err := readHostTypes(filepath.Join(dir, "m"))
	if err != nil {
		t.Fatal(err)
	}
	buf := types["*bytes.Buffer"]
	if buf == nil {
		t.Fatal("*bytes.Buffer not found through typelinks")
	}
	if !buf.methods["Write"] {
		t.Error("(*bytes.Buffer).Write is called through io.Writer but looks unreachable")
	}
	if reachable, listed := buf.methods["ReadRune"]; !listed || reachable {
		t.Errorf("(*bytes.Buffer).ReadRune: listed %v, reachable %v; want listed and dead", listed, reachable)
	}
	if types["strings.Builder"] != nil {
		t.Error("strings.Builder is not in this program but was found")
	}
	host, err := hostSymbols(filepath.Join(dir, "m"))
	if err != nil {
		t.Fatal(err)
	}
	if host.resolves("bytes.(*Buffer).ReadRune") || !host.resolves("bytes.(*Buffer).Write") {
		t.Error("symbol table disagrees with what the program uses")
	}
}

func TestSymbolPackage(t *testing.T) {
	for sym, want := range map[string]string{
		"math/rand/v2.(*Rand).IntN":               "math/rand/v2",
		"type:*bufio.Reader":                      "bufio",
		"sync/atomic.(*Pointer[os.dirInfo]).Load": "sync/atomic",
		"go:itab.*bytes.Buffer,io.Writer":         "bytes",
		"runtime.morestack_noctxt":                "runtime",
	} {
		if got := symbolPackage(sym); got != want {
			t.Errorf("symbolPackage(%q) = %q, want %q", sym, got, want)
		}
	}
}
