package main

import (
	"fmt"
	"go/types"
	"sort"
	"strings"
)

// imports collects the packages a generated file names (true) or only
// links in (false: a blank import, for packages whose API is all generic)
// and spells types so that they compile there.
type imports map[string]bool

// blank adds a package that nothing names, unless something does.
func (im imports) blank(path string) {
	if _, ok := im[path]; !ok {
		im[path] = false
	}
}

func (im imports) qualify(p *types.Package) string {
	if p.Path() == "unsafe" {
		im["unsafe"] = true
		return "unsafe"
	}
	im[p.Path()] = true
	return importName(p.Path())
}

func (im imports) typeString(t types.Type) string {
	return types.TypeString(t, im.qualify)
}

func (im imports) block() string {
	paths := make([]string, 0, len(im))
	for p := range im {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	var b strings.Builder
	b.WriteString("import (\n")
	for _, p := range paths {
		switch {
		case !im[p]:
			fmt.Fprintf(&b, "\t_ %q\n", p)
			continue
		case p == "unsafe":
			b.WriteString("\t\"unsafe\"\n")
			continue
		}
		fmt.Fprintf(&b, "\t%s %q\n", importName(p), p)
	}
	b.WriteString(")\n")
	return b.String()
}

// nameable reports whether a type can be written in another package:
// no unexported or internal named types, no type parameters.
func nameable(t types.Type) bool {
	ok := true
	var walk func(types.Type)
	seen := map[types.Type]bool{}
	walk = func(t types.Type) {
		if !ok || seen[t] {
			return
		}
		seen[t] = true
		switch t := t.(type) {
		case *types.Alias:
			walk(types.Unalias(t))
		case *types.Named:
			o := t.Obj()
			if o.Pkg() != nil && (!o.Exported() || isInternal(o.Pkg().Path())) {
				ok = false
				return
			}
			for i := 0; i < t.TypeArgs().Len(); i++ {
				walk(t.TypeArgs().At(i))
			}
		case *types.TypeParam:
			ok = false
		case *types.Pointer:
			walk(t.Elem())
		case *types.Slice:
			walk(t.Elem())
		case *types.Array:
			walk(t.Elem())
		case *types.Map:
			walk(t.Key())
			walk(t.Elem())
		case *types.Chan:
			walk(t.Elem())
		case *types.Signature:
			walk(t.Params())
			walk(t.Results())
		case *types.Tuple:
			for i := 0; i < t.Len(); i++ {
				walk(t.At(i).Type())
			}
		case *types.Struct:
			for i := 0; i < t.NumFields(); i++ {
				if !t.Field(i).Exported() {
					ok = false
					return
				}
				walk(t.Field(i).Type())
			}
		case *types.Interface:
			for i := 0; i < t.NumMethods(); i++ {
				if !t.Method(i).Exported() {
					ok = false
					return
				}
				walk(t.Method(i).Type())
			}
		}
	}
	walk(t)
	return ok
}

func isInternal(path string) bool {
	return path == "internal" || strings.HasPrefix(path, "internal/") ||
		strings.Contains(path, "/internal/") || strings.HasSuffix(path, "/internal")
}
