package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// symtab is what the worker defines, by name as `go tool nm` prints it.
type symtab struct {
	defined map[string]bool
	pkgs    map[string]bool // packages with at least one symbol
}

func hostSymbols(bin string) (*symtab, error) {
	out, err := goTool("nm", bin)
	if err != nil {
		return nil, fmt.Errorf("go tool nm %s: %w", bin, err)
	}
	t := &symtab{defined: map[string]bool{}, pkgs: map[string]bool{}}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 3 || f[1] == "U" {
			continue
		}
		name := strings.Join(f[2:], " ")
		t.defined[name] = true
		// ABI0 text symbols carry ".abi0" when an ABIInternal twin exists;
		// objects name both without it.
		t.defined[strings.TrimSuffix(name, ".abi0")] = true
		t.pkgs[symbolPackage(name)] = true
	}
	if len(t.defined) == 0 {
		return nil, fmt.Errorf("%s has no symbol table (stripped?)", bin)
	}
	return t, sc.Err()
}

func (t *symtab) resolves(s string) bool {
	if t.defined[s] {
		return true
	}
	// A package's init task exists only if it has init work; an object
	// refers to it to order inits. The host has run the init of every
	// package it contains, so any symbol of the package settles it.
	if p, ok := strings.CutSuffix(s, "..inittask"); ok {
		return t.pkgs[p]
	}
	return false
}

// symbolPackage is the import path a symbol belongs to: std paths have no
// dots, so it is everything before the first dot once the linker's
// prefixes (type:, go:itab.) and type constructors (*, [], [N]) are gone.
func symbolPackage(s string) string {
	for _, p := range []string{"type:", "go:itab.", "go:"} {
		s = strings.TrimPrefix(s, p)
	}
	s = strings.TrimLeft(s, "*[]0123456789")
	s = strings.TrimPrefix(s, "map[")
	if i := strings.IndexAny(s, ".["); i > 0 {
		return s[:i]
	}
	return s
}

// allowlist: "symbol-or-prefix* reason…" per line, # comments.
type allowlist struct {
	entries map[string]string
	used    map[string]bool
}

func readAllowlist(path string) (*allowlist, error) {
	a := &allowlist{entries: map[string]string{}, used: map[string]bool{}}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		sym, why, _ := strings.Cut(line, " ")
		if strings.TrimSpace(why) == "" {
			return nil, fmt.Errorf("%s:%d: %s has no reason", path, i+1, sym)
		}
		a.entries[sym] = strings.TrimSpace(why)
	}
	return a, nil
}

func (a *allowlist) lookup(s string) (string, bool) {
	for pat, why := range a.entries {
		if pat == s || (strings.HasSuffix(pat, "*") && strings.HasPrefix(s, pat[:len(pat)-1])) {
			a.used[pat] = true
			return why, true
		}
	}
	return "", false
}

func (a *allowlist) unused() []string {
	var out []string
	for pat := range a.entries {
		if !a.used[pat] {
			out = append(out, pat)
		}
	}
	return out
}

// apiSymbols: every exported function, method, variable and type
// descriptor of the host packages, as the generator lists them.
func apiSymbols(root string) (map[string]string, error) {
	out, err := generator(root, "-syms")
	if err != nil {
		return nil, err
	}
	syms := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, sym, ok := strings.Cut(line, "\t")
		if !ok {
			return nil, fmt.Errorf("gen-keepalive -syms: bad line %q", line)
		}
		syms[sym] = "exported API of " + pkg
	}
	return syms, nil
}

func keepaliveFresh(root string) (bool, error) {
	want, err := generator(root)
	if err != nil {
		return false, err
	}
	path := filepath.Join(root, "loader/host/keepalive_gen.go")
	have, err := os.ReadFile(path)
	if err != nil {
		return false, err
	}
	if !bytes.Equal(have, want) {
		fmt.Printf("STALE %s differs from the generator's output; run: go -C scripts/gen-keepalive run . > loader/host/keepalive_gen.go\n", path)
		return false, nil
	}
	return true, nil
}

func generator(root string, args ...string) ([]byte, error) {
	cmd := exec.Command("go", append([]string{"-C", filepath.Join(root, "scripts/gen-keepalive"), "run", "."}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("gen-keepalive %s: %v: %s", strings.Join(args, " "), err, stderr.String())
	}
	return out, nil
}

// goTool runs a go tool; the compiler reports errors on stdout.
func goOutputString(args ...string) (string, error) {
	out, err := exec.Command("go", args...).Output()
	if err != nil {
		return "", fmt.Errorf("go %s: %w", strings.Join(args, " "), err)
	}
	return strings.TrimSpace(string(out)), nil
}

func goTool(args ...string) ([]byte, error) {
	cmd := exec.Command("go", append([]string{"tool"}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg := strings.TrimSpace(stderr.String() + string(out))
		if len(msg) > 2000 {
			msg = msg[:2000] + "…"
		}
		return nil, fmt.Errorf("%v: %s", err, msg)
	}
	return out, nil
}
