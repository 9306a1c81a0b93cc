package main

import (
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"path/filepath"
	"sort"
	"strings"
)

// genericInternals are the unexported functions, methods and variables that
// the bodies of std generic functions name. A tenant's object carries its
// own instantiation of such a body (json.UnmarshalFromFunc[T] calls
// encoding/json/v2.addressableValue.castTo), but only the defining package
// can supply what the body calls, and the worker's linker drops those the
// worker never uses. Read from the sources of this GOOS/GOARCH and
// type-checked against the toolchain's export data; what a named
// non-generic function's body names is followed too, as the compiler may
// inline it into the instantiation. definedOnly later keeps only what the
// package's compiled archive defines.
func genericInternals() ([]extra, error) {
	out, err := goOutput("list", "-f", "{{.ImportPath}}|{{.Dir}}|{{join .GoFiles \",\"}}", "std")
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	imp := importer.ForCompiler(fset, "gc", nil)
	var res []extra
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		f := strings.SplitN(line, "|", 3)
		if len(f) != 3 || f[2] == "" || !linknameable(f[0]) || f[0] == "unsafe" {
			continue
		}
		files, err := parseFiles(fset, f[1], strings.Split(f[2], ","))
		if err != nil {
			return nil, err
		}
		if !hasGeneric(files) {
			continue
		}
		res = append(res, packageGenericInternals(f[0], fset, imp, files)...)
	}
	sort.Slice(res, func(i, j int) bool { return res[i].sym < res[j].sym })
	return res, nil
}

func parseFiles(fset *token.FileSet, dir string, names []string) ([]*ast.File, error) {
	var files []*ast.File
	for _, n := range names {
		a, err := parser.ParseFile(fset, filepath.Join(dir, n), nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		files = append(files, a)
	}
	return files, nil
}

func hasGeneric(files []*ast.File) bool {
	for _, f := range files {
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && genericDecl(fd) {
				return true
			}
		}
	}
	return false
}

// genericDecl: a generic function or a method of a generic type.
func genericDecl(fd *ast.FuncDecl) bool {
	_, generic := recvType(fd)
	return fd.Type.TypeParams != nil || generic
}

// exportedDecl: a tenant can name it: an exported function, or an exported
// method of an exported type.
func exportedDecl(fd *ast.FuncDecl) bool {
	t, _ := recvType(fd)
	if t == nil {
		return fd.Name.IsExported()
	}
	id, ok := t.(*ast.Ident)
	return fd.Name.IsExported() && ok && id.IsExported()
}

// recvType: the receiver's type name (nil for a function) with the pointer
// and type parameters stripped, and whether it had type parameters.
func recvType(fd *ast.FuncDecl) (ast.Expr, bool) {
	if fd.Recv == nil || len(fd.Recv.List) == 0 {
		return nil, false
	}
	t := fd.Recv.List[0].Type
	if s, ok := t.(*ast.StarExpr); ok {
		t = s.X
	}
	switch x := t.(type) {
	case *ast.IndexExpr:
		return x.X, true
	case *ast.IndexListExpr:
		return x.X, true
	}
	return t, false
}

// packageGenericInternals type-checks one package (errors are ignored: the
// runtime's sources are not all plain Go to go/types, and a partial Uses
// map still names what the generic bodies call) and walks from its generic
// bodies (those a tenant can instantiate: exported, or reached from one)
// through the unexported functions they name: generic ones (instantiated
// there too) and small ones (inlined there).
func packageGenericInternals(path string, fset *token.FileSet, imp types.Importer, files []*ast.File) []extra {
	info := &types.Info{Uses: map[*ast.Ident]types.Object{}, Defs: map[*ast.Ident]types.Object{}}
	conf := types.Config{Importer: imp, Error: func(error) {}, FakeImportC: true}
	pkg, _ := conf.Check(path, fset, files, info)
	if pkg == nil {
		return nil
	}
	bodies := map[types.Object]*ast.BlockStmt{}
	var work []*ast.BlockStmt
	for _, f := range files {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			if genericDecl(fd) && importable(path) && exportedDecl(fd) {
				work = append(work, fd.Body) // a tenant may instantiate it
			} else if o := info.Defs[fd.Name]; o != nil {
				bodies[o] = fd.Body
			}
		}
	}
	seen := map[types.Object]bool{}
	var res []extra
	for len(work) > 0 {
		body := work[len(work)-1]
		work = work[:len(work)-1]
		ast.Inspect(body, func(n ast.Node) bool {
			id, ok := n.(*ast.Ident)
			if !ok {
				return true
			}
			o := info.Uses[id]
			if o == nil || o.Pkg() != pkg || seen[o] || !hidden(o) {
				return true
			}
			seen[o] = true
			switch o := o.(type) {
			case *types.Func:
				if abstract(o) {
					return true // no code: called through an itab
				}
				if b := bodies[o]; b != nil && (genericFunc(o) || inlinable(b)) {
					work = append(work, b)
				}
				if !genericFunc(o) { // a generic one is instantiated in the tenant's object
					res = append(res, extra{sym: linkerName(o), why: "named by a generic body of " + path})
				}
			case *types.Var:
				if o.Parent() == pkg.Scope() {
					res = append(res, extra{sym: path + "." + o.Name(), data: true, why: "named by a generic body of " + path})
				}
			}
			return true
		})
	}
	return res
}

// hidden: not kept through the exported API (an unexported name, or a
// method of an unexported type).
func hidden(o types.Object) bool {
	if !o.Exported() {
		return true
	}
	f, ok := o.(*types.Func)
	if !ok || f.Signature().Recv() == nil {
		return false
	}
	rt := f.Signature().Recv().Type()
	if p, ok := rt.(*types.Pointer); ok {
		rt = p.Elem()
	}
	n, ok := types.Unalias(rt).(*types.Named)
	return ok && !n.Obj().Exported()
}

func genericFunc(f *types.Func) bool {
	sig := f.Signature()
	if sig.TypeParams().Len() > 0 || sig.RecvTypeParams().Len() > 0 {
		return true
	}
	return false
}

// abstract: an interface method, called through an itab.
func abstract(f *types.Func) bool {
	r := f.Signature().Recv()
	return r != nil && types.IsInterface(r.Type())
}

// inlinable: small enough that the compiler may inline the body into the
// instantiation (its budget, cmd/compile/internal/inline inlineMaxBudget,
// is 80 nodes of its own IR; AST nodes count roughly alike).
func inlinable(b *ast.BlockStmt) bool {
	n := 0
	ast.Inspect(b, func(ast.Node) bool { n++; return n <= 2*80 })
	return n <= 2*80
}
