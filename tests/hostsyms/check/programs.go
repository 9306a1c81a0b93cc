package main

import (
	"bytes"
	"fmt"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// unit is one link unit to compile: an optional library package and the
// main package, each a list of files.
type unit struct {
	name     string
	corpus   bool     // someone else's program: a compile error skips it
	lib      []string // compiled as package libPath
	libPath  string
	main     []string
	mainPath string // import path of main's files; "main" if empty
}

func (u unit) path() string {
	if u.mainPath != "" {
		return u.mainPath
	}
	return "main"
}

// objectRefs is what the compiled units need: each symbol with the first
// unit that references it.
type objectRefs struct {
	syms    map[string]string // relocation targets: must resolve
	methods map[string]string // method table entries: may be left out
	objects int
}

func (r *objectRefs) add(m map[string]string, names []string, u unit) {
	for _, n := range names {
		if _, seen := m[n]; !seen && !u.defines(n) {
			m[n] = u.name
		}
	}
}

// referencedSymbols compiles every unit and lists what its objects need.
func referencedSymbols(root string) (*objectRefs, error) {
	tmp, err := os.MkdirTemp("", "hostsyms-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)

	units, err := findUnits(root, tmp)
	if err != nil {
		return nil, err
	}
	cfg, err := importcfg(root, tmp, units)
	if err != nil {
		return nil, err
	}
	goroot, err := goOutputString("env", "GOROOT")
	if err != nil {
		return nil, err
	}
	tc, err := loadToolchain(goroot)
	if err != nil {
		return nil, err
	}
	refs := &objectRefs{syms: map[string]string{}, methods: map[string]string{}}
	for _, u := range units {
		objs, err := compileUnit(u, cfg, tmp)
		if err != nil && u.corpus {
			fmt.Printf("hostsyms: skip %s: does not compile: %v\n", u.name, err)
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", u.name, err)
		}
		for _, o := range objs {
			syms, methods, err := tc.externalRefs(o)
			if err != nil {
				return nil, err
			}
			refs.add(refs.syms, syms, u)
			refs.add(refs.methods, methods, u)
			refs.objects++
		}
	}
	return refs, nil
}

// findUnits: each tests/hostsyms/progs/*.go is a program; each directory of
// tests/programs is one (its *.go files) or a two-object unit (lib/, main/);
// and the generator's program calling the whole API.
func findUnits(root, tmp string) ([]unit, error) {
	var units []unit
	own, _ := filepath.Glob(filepath.Join(root, "tests/hostsyms/progs/*.go"))
	for _, f := range own {
		units = append(units, unit{name: rel(root, f), main: []string{f}})
	}
	dirs, _ := filepath.Glob(filepath.Join(root, "tests/programs/*"))
	for _, d := range dirs {
		if st, err := os.Stat(d); err != nil || !st.IsDir() {
			continue
		}
		if u, ok := corpusUnit(root, d); ok {
			units = append(units, u)
		}
	}
	examples, err := exampleUnits(root)
	if err != nil {
		return nil, err
	}
	units = append(units, examples...)
	calls, err := generator(root, "-calls")
	if err != nil {
		return nil, err
	}
	f := filepath.Join(tmp, "calls_all_api.go")
	if err := os.WriteFile(f, calls, 0o644); err != nil {
		return nil, err
	}
	return append(units, unit{name: "generated program calling the whole API", main: []string{f}}), nil
}

// exampleUnits: the std packages' own examples (example*_test.go in
// GOROOT) use the API as real code does. Those of a host package that
// import only host packages are compiled like a tenant's program.
func exampleUnits(root string) ([]unit, error) {
	out, err := generator(root, "-pkgs")
	if err != nil {
		return nil, err
	}
	goroot, err := goOutputString("env", "GOROOT")
	if err != nil {
		return nil, err
	}
	host := map[string]bool{"unsafe": true}
	for _, p := range strings.Fields(string(out)) {
		host[p] = true
	}
	var units []unit
	for p := range host {
		files, _ := filepath.Glob(filepath.Join(goroot, "src", p, "example*_test.go"))
		var use []string
		for _, f := range files {
			if externalTestOnlyHost(f, host) {
				use = append(use, f)
			}
		}
		if len(use) > 0 {
			units = append(units, unit{name: "GOROOT examples of " + p, corpus: true, main: use, mainPath: p + "_test"})
		}
	}
	sort.Slice(units, func(i, j int) bool { return units[i].name < units[j].name })
	return units, nil
}

func externalTestOnlyHost(path string, host map[string]bool) bool {
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
	if err != nil || !strings.HasSuffix(f.Name.Name, "_test") {
		return false
	}
	for _, s := range f.Imports {
		if p, err := strconv.Unquote(s.Path.Value); err != nil || !host[p] {
			return false
		}
	}
	return true
}

func corpusUnit(root, dir string) (unit, bool) {
	name := rel(root, dir)
	if files, _ := filepath.Glob(filepath.Join(dir, "*.go")); len(files) > 0 {
		return unit{name: name, corpus: true, main: files}, true
	}
	libdir := "lib"
	if ds, _ := filepath.Glob(filepath.Join(dir, "lib.*")); len(ds) > 0 {
		libdir = filepath.Base(ds[0]) // an import path ending in a dotted element
	}
	lib, _ := filepath.Glob(filepath.Join(dir, libdir, "*.go"))
	main, _ := filepath.Glob(filepath.Join(dir, "main/*.go"))
	if len(lib) == 0 || len(main) == 0 {
		if nested, _ := filepath.Glob(filepath.Join(dir, "*/*.go")); len(nested) > 0 {
			fmt.Printf("hostsyms: skip %s: Go files, but neither *.go nor lib/ and main/\n", name)
		}
		return unit{}, false
	}
	// The corpus names a library by its directory: corpus/<unit>/lib.
	return unit{name: name, corpus: true, lib: lib, libPath: "corpus/" + filepath.Base(dir) + "/" + libdir, main: main}, true
}

// importcfg maps every std package the units import (and their deps) to
// its export data, as `go build` would hand the compiler.
func importcfg(root, tmp string, units []unit) (string, error) {
	pkgs := map[string]bool{}
	out, err := generator(root, "-pkgs")
	if err != nil {
		return "", err
	}
	for _, p := range strings.Fields(string(out)) {
		pkgs[p] = true
	}
	for _, u := range units {
		for _, f := range append(append([]string{}, u.lib...), u.main...) {
			imps, err := fileImports(f)
			if err != nil {
				return "", err
			}
			for _, p := range imps {
				if p != u.libPath && p != "C" {
					pkgs[p] = true
				}
			}
		}
	}
	list := make([]string, 0, len(pkgs))
	for p := range pkgs {
		list = append(list, p)
	}
	sort.Strings(list)
	args := append([]string{"list", "-export", "-f",
		"{{if .Export}}packagefile {{.ImportPath}}={{.Export}}{{end}}", "-deps"}, list...)
	cmd := exec.Command("go", args...)
	cmd.Dir = tmp // outside any module: std only
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cfg, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go list -export: %v: %s", err, stderr.String())
	}
	path := filepath.Join(tmp, "importcfg")
	return path, os.WriteFile(path, cfg, 0o644)
}

func fileImports(path string) ([]string, error) {
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, s := range f.Imports {
		p, err := strconv.Unquote(s.Path.Value)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// compileUnit compiles a unit as a tenant would and returns its objects.
func compileUnit(u unit, cfg, tmp string) ([]string, error) {
	dir, err := os.MkdirTemp(tmp, "unit-")
	if err != nil {
		return nil, err
	}
	var objs []string
	if len(u.lib) > 0 {
		lib := filepath.Join(dir, "lib.o")
		if err := compile(u.libPath, cfg, lib, u.lib); err != nil {
			return nil, err
		}
		unitCfg := filepath.Join(dir, "importcfg")
		base, err := os.ReadFile(cfg)
		if err != nil {
			return nil, err
		}
		extra := fmt.Sprintf("packagefile %s=%s\n", u.libPath, lib)
		if err := os.WriteFile(unitCfg, append(base, extra...), 0o644); err != nil {
			return nil, err
		}
		cfg = unitCfg
		objs = append(objs, lib)
	}
	main := filepath.Join(dir, "main.o")
	if err := compile(u.path(), cfg, main, u.main); err != nil {
		return nil, err
	}
	return append(objs, main), nil
}

func compile(pkg, cfg, out string, files []string) error {
	args := append([]string{"compile", "-p", pkg, "-importcfg", cfg, "-o", out}, files...)
	if _, err := goTool(args...); err != nil {
		return fmt.Errorf("go tool compile -p %s: %w", pkg, err)
	}
	return nil
}

// defines reports symbols the unit's own objects provide.
func (u unit) defines(sym string) bool {
	p := symbolPackage(sym)
	return p == u.path() || (u.libPath != "" && p == pathToPrefix(u.libPath))
}

// pathToPrefix spells an import path as symbol names do
// (cmd/internal/objabi.PathToPrefix: corpus/x/lib.v2 -> corpus/x/lib%2ev2).
func pathToPrefix(s string) string {
	slash := strings.LastIndex(s, "/")
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || (c == '.' && i > slash) || c == '%' || c == '"' || c >= 0x7F {
			fmt.Fprintf(&b, "%%%02x", c)
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

func rel(root, path string) string {
	if r, err := filepath.Rel(root, path); err == nil {
		return r
	}
	return path
}
