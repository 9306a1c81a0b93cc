package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// pushedExtras are the std symbols marked for access by other modules with a
// one-argument `//go:linkname name` ("push" linkname): since Go 1.23 the
// linker lets third-party code pull only these (runtime.memhash_varlen,
// runtime.vgetrandom, reflect.mapiterinit, syscall.prlimit, …, the "hall of
// shame" comments in the runtime name the modules). The worker uses few of
// them, so each is pulled here. Taken from the GoFiles of this GOOS/GOARCH
// of the toolchain the generator runs with.
func pushedExtras() ([]extra, error) {
	out, err := goOutput("list", "-f", "{{.ImportPath}}|{{.Dir}}|{{join .GoFiles \",\"}}|{{len .SFiles}}", "std")
	if err != nil {
		return nil, err
	}
	var res []extra
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		f := strings.SplitN(line, "|", 4)
		if len(f) != 4 || f[2] == "" || !linknameable(f[0]) {
			continue
		}
		for _, name := range strings.Split(f[2], ",") {
			ex, err := filePushes(f[0], filepath.Join(f[1], name), f[3] != "0")
			if err != nil {
				return nil, err
			}
			res = append(res, ex...)
		}
	}
	sort.Slice(res, func(i, j int) bool { return res[i].sym < res[j].sym })
	if len(res) < 50 {
		return nil, fmt.Errorf("only %d push linknames found in std; directive format changed?", len(res))
	}
	return res, nil
}

// linknameable: the package may be linked into the worker. Refused packages
// (runtime/cgo's pushes are the cgo machinery) and cmd are not.
func linknameable(path string) bool {
	_, refused := refusedPackages[path]
	return !refused && !strings.HasPrefix(path, "cmd/")
}

// pushRE: `//go:linkname local` or `//go:linkname local target`.
var pushRE = regexp.MustCompile(`(?m)^//go:linkname ([A-Za-z_][A-Za-z0-9_]*)(?:[ \t]+([^ \t\n]+))?[ \t]*$`)

// filePushes: the one-argument linkname directives of one file whose name is
// a function or variable declared in that file.
// A body-less function is an assembly definition only in a package with
// assembly; elsewhere it is defined by another package (runtime/trace's
// runtime_readTrace comes from the runtime under another name).
func filePushes(pkg, path string, asm bool) ([]extra, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	ms := pushRE.FindAllSubmatch(src, -1)
	if len(ms) == 0 {
		return nil, nil
	}
	file, err := parser.ParseFile(token.NewFileSet(), path, src, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	kinds := declKinds(file)
	var out []extra
	for _, m := range ms {
		name, target := string(m[1]), string(m[2])
		k, ok := kinds[name]
		if !ok {
			continue // declared in another file of the package: found there
		}
		sym := pkg + "." + name
		if k == declFuncDecl && !asm {
			continue
		}
		if target != "" {
			// Published under another package's name (runtime's
			// reflect_mapiterinit is reflect.mapiterinit): a push only
			// when this file defines it; a body-less func is a pull.
			if k != declFunc {
				continue
			}
			sym = target
		}
		out = append(out, extra{sym: sym, data: k == declVar,
			why: "push linkname in " + pkg + "/" + filepath.Base(path)})
	}
	return out, nil
}

type declKind int

const (
	declFunc     declKind = iota // a function with a body
	declFuncDecl                 // a function declared without body (assembly or a pull)
	declVar
)

// declKinds: top-level functions and variables of a file.
func declKinds(f *ast.File) map[string]declKind {
	k := map[string]declKind{}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil && d.Body != nil {
				k[d.Name.Name] = declFunc
			} else if d.Recv == nil {
				k[d.Name.Name] = declFuncDecl
			}
		case *ast.GenDecl:
			if d.Tok != token.VAR {
				continue
			}
			for _, s := range d.Specs {
				for _, n := range s.(*ast.ValueSpec).Names {
					k[n.Name] = declVar
				}
			}
		}
	}
	return k
}

// definedOnly drops the extras whose package's compiled archive does not
// define them (a body-less declaration whose assembly exists only in
// libfuzzer or race builds): pulling those would fail the worker's link.
func definedOnly(es []extra) ([]extra, error) {
	byPkg := map[string]bool{}
	for _, e := range es {
		if p := symbolPackage(e.sym); linknameable(p) {
			byPkg[p] = true
		}
	}
	var list []string
	for p := range byPkg {
		list = append(list, p)
	}
	sort.Strings(list)
	// A push target may name a package that is no package here (sync_test,
	// a package all of whose files are for other builds): eachArchive skips it.
	defined, known := map[string]bool{}, map[string]bool{}
	err := eachArchive(list, func(path, nm string) error {
		known[path] = true
		for _, l := range strings.Split(nm, "\n") {
			if _, rest, ok := strings.Cut(l, ":\t"); ok {
				l = rest // "archive(member):\t addr T name"
			}
			// "addr T name": upper case is a global definition.
			f := strings.Fields(l)
			if len(f) >= 3 && len(f[1]) == 1 && f[1] != "U" && strings.ToUpper(f[1]) == f[1] {
				defined[strings.Join(f[2:], " ")] = true
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var res []extra
	for _, e := range es {
		// The package must exist: the runtime also pushes into test
		// packages (sync_test.runtime_blockUntilEmptyCleanupQueue), and a
		// host symbol "sync_test.…" would make the loader refuse
		// sync's examples as redefining a host package.
		if defined[e.sym] && known[symbolPackage(e.sym)] {
			res = append(res, e)
		}
	}
	return res, nil
}

// symbolPackage: the import path a linker symbol name starts with
// ("type:*log/slog.stringptr" → log/slog, "runtime/trace.x" → runtime/trace).
func symbolPackage(sym string) string {
	s := strings.TrimPrefix(sym, "type:")
	s = strings.TrimLeft(s, "*")
	slash := strings.LastIndex(s, "/")
	if dot := strings.Index(s[slash+1:], "."); dot >= 0 {
		return s[:slash+1+dot]
	}
	return s
}
