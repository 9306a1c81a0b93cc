package main

import (
	"fmt"
	"go/importer"
	"go/token"
	"go/types"
	"sort"
	"strings"
)

// api is the exported, non-generic surface of one package. Generic
// functions and types are left out on purpose: they cannot be referenced
// without instantiation, and a tenant's object carries its own (dupok)
// instantiations, so the worker has nothing to keep for them.
type api struct {
	pkg   *types.Package
	funcs []*types.Func
	types []*types.TypeName // incl. aliases of non-generic types
	vars  []*types.Var
}

func loadAPIs(paths []string) ([]*api, error) {
	imp := importer.ForCompiler(token.NewFileSet(), "gc", nil)
	seen := map[string]bool{}
	var out []*api
	for _, p := range paths {
		if seen[p] {
			continue
		}
		seen[p] = true
		pkg, err := imp.Import(p)
		if err != nil {
			return nil, fmt.Errorf("import %s: %w", p, err)
		}
		out = append(out, exportedAPI(pkg))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].pkg.Path() < out[j].pkg.Path() })
	return out, nil
}

func exportedAPI(pkg *types.Package) *api {
	a := &api{pkg: pkg}
	scope := pkg.Scope()
	for _, name := range scope.Names() { // sorted, so output is reproducible
		obj := scope.Lookup(name)
		if !obj.Exported() {
			continue
		}
		switch o := obj.(type) {
		case *types.Func:
			if o.Signature().TypeParams().Len() == 0 {
				a.funcs = append(a.funcs, o)
			}
		case *types.TypeName:
			if !isGeneric(o) && !isConstraint(o) {
				a.types = append(a.types, o)
			}
		case *types.Var:
			a.vars = append(a.vars, o)
		}
	}
	return a
}

func isGeneric(tn *types.TypeName) bool {
	switch t := tn.Type().(type) {
	case *types.Named:
		return t.TypeParams().Len() > 0
	case *types.Alias:
		if t.TypeParams().Len() > 0 {
			return true
		}
		if n, ok := types.Unalias(t).(*types.Named); ok {
			return n.TypeParams().Len() > 0 && n.TypeArgs().Len() == 0
		}
	}
	return false
}

// isConstraint reports a type-set interface (cmp.Ordered), which exists
// only at compile time.
func isConstraint(tn *types.TypeName) bool {
	it, ok := tn.Type().Underlying().(*types.Interface)
	return ok && !it.IsMethodSet()
}

// declaredMethods returns the exported methods declared on a defined type
// (not promoted ones, whose wrappers the compiler makes on demand).
func declaredMethods(tn *types.TypeName) []*types.Func {
	if tn.IsAlias() {
		return nil
	}
	n, ok := tn.Type().(*types.Named)
	if !ok || types.IsInterface(n) {
		return nil
	}
	var ms []*types.Func
	for i := 0; i < n.NumMethods(); i++ {
		if m := n.Method(i); m.Exported() {
			ms = append(ms, m)
		}
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Name() < ms[j].Name() })
	return ms
}

// linkerName is the symbol name the Go linker gives a function or method
// (cmd/compile/internal/ir/func.go MethodSym: "pkg.T.M" / "pkg.(*T).M").
func linkerName(f *types.Func) string {
	sig := f.Signature()
	if sig.Recv() == nil {
		return f.Pkg().Path() + "." + f.Name()
	}
	rt := sig.Recv().Type()
	if p, ok := rt.(*types.Pointer); ok {
		return fmt.Sprintf("%s.(*%s).%s", f.Pkg().Path(), namedName(p.Elem()), f.Name())
	}
	return fmt.Sprintf("%s.%s.%s", f.Pkg().Path(), namedName(rt), f.Name())
}

func namedName(t types.Type) string {
	if n, ok := types.Unalias(t).(*types.Named); ok {
		return n.Obj().Name()
	}
	return t.String()
}

// typeSymbol is the linker's name of a type descriptor ("type:*pkg.T").
func typeSymbol(t types.Type, ptr bool) string {
	s := types.TypeString(types.Unalias(t), nil)
	if ptr {
		s = "*" + s
	}
	return "type:" + s
}

// importName gives each imported package a unique identifier derived from
// its path (math/rand and math/rand/v2 would both be "rand").
func importName(path string) string {
	r := strings.NewReplacer("/", "_", ".", "_", "-", "_")
	return "p_" + r.Replace(path)
}
