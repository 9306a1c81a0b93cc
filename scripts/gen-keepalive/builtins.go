package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
)

// builtinExtras are the runtime functions the compiler inserts calls to
// (cmd/compile/internal/typecheck/_builtin/runtime.go; the older ones are
// also in cmd/internal/goobj/builtinlist.go and referenced by index):
// makeslice64, chanrecv2, assertE2I, goPanicIndex, moveSliceNoScan, …. The
// worker uses only some of them; a tenant may need any. Those that runtime
// defines in Go on this platform are pulled; the rest are defined elsewhere
// (internal/runtime/maps, internal/bytealg, assembly) or exist only in
// race/msan/asan/fuzz builds or on other architectures.
func builtinExtras() ([]extra, error) {
	goroot, err := goOutput("env", "GOROOT")
	if err != nil {
		return nil, err
	}
	list, err := os.ReadFile(filepath.Join(strings.TrimSpace(goroot), "src/cmd/internal/goobj/builtinlist.go"))
	if err != nil {
		return nil, err
	}
	decls, err := os.ReadFile(filepath.Join(strings.TrimSpace(goroot), "src/cmd/compile/internal/typecheck/_builtin/runtime.go"))
	if err != nil {
		return nil, err
	}
	defined, err := runtimeGoFuncs()
	if err != nil {
		return nil, err
	}
	var names []string
	for _, m := range regexp.MustCompile(`\{"([^"]+)", 1\}`).FindAllStringSubmatch(string(list), -1) {
		names = append(names, m[1])
	}
	for _, m := range regexp.MustCompile(`(?m)^func ([A-Za-z0-9_]+)`).FindAllStringSubmatch(string(decls), -1) {
		names = append(names, "runtime."+m[1])
	}
	// Calls the compiler emits by name rather than from the builtin list
	// (deferprocat in a range-over-func body, the ssagen helpers).
	looked, err := compilerRuntimeFuncs(strings.TrimSpace(goroot))
	if err != nil {
		return nil, err
	}
	names = append(names, looked...)
	var out []extra
	seen := map[string]bool{}
	for _, n := range names {
		if defined[n] && !seen[n] {
			seen[n] = true
			out = append(out, extra{sym: n, why: "compiler builtin"})
		}
	}
	if len(out) < 50 {
		return nil, fmt.Errorf("only %d builtins found in runtime; builtinlist.go or nm format changed?", len(out))
	}
	return out, nil
}

// runtimeGoFuncs: text symbols of the runtime package's Go code (its
// _go_.o member, not the assembly) for this GOOS/GOARCH.
func runtimeGoFuncs() (map[string]bool, error) {
	export, err := goOutput("list", "-export", "-f", "{{.Export}}", "runtime")
	if err != nil {
		return nil, err
	}
	nm, err := goOutput("tool", "nm", strings.TrimSpace(export))
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(nm))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		member, rest, ok := strings.Cut(sc.Text(), ":\t")
		if !ok || !strings.HasSuffix(member, "(_go_.o)") {
			continue
		}
		f := strings.Fields(rest)
		if len(f) == 3 && f[1] == "T" {
			out[f[2]] = true
		}
	}
	return out, sc.Err()
}

func goOutput(args ...string) (string, error) {
	cmd := exec.Command("go", args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go %s: %v: %s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out), nil
}

// compilerRuntimeFuncs: runtime functions cmd/compile looks up by name
// (typecheck.LookupRuntimeFunc("deferprocat")), from its sources.
func compilerRuntimeFuncs(goroot string) ([]string, error) {
	re := regexp.MustCompile(`LookupRuntimeFunc\("([A-Za-z0-9_]+)"\)`)
	var names []string
	err := filepath.WalkDir(filepath.Join(goroot, "src/cmd/compile/internal"), func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range re.FindAllSubmatch(src, -1) {
			names = append(names, "runtime."+string(m[1]))
		}
		return nil
	})
	return names, err
}

// eachArchive runs fn with the `go tool nm` listing of the compiled archive
// of each package that has one (go list -e: a name that is no package here
// is skipped).
func eachArchive(pkgs []string, fn func(path, nm string) error) error {
	out, err := goOutput(append([]string{"list", "-e", "-export", "-f", "{{.ImportPath}} {{.Export}}"}, pkgs...)...)
	if err != nil {
		return err
	}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		path, export, ok := strings.Cut(line, " ")
		if !ok || export == "" {
			continue
		}
		nm, err := goOutput("tool", "nm", export)
		if err != nil {
			return err
		}
		if err := fn(path, nm); err != nil {
			return err
		}
	}
	return nil
}
