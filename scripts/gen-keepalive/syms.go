package main

import (
	"fmt"
	"strings"
)

// symbolList names, one per line as "package<TAB>symbol", what the worker
// must define for the API to be linkable: every exported non-generic
// function, declared method and variable, and both type descriptors
// (T and *T) of every exported defined type.
func symbolList(apis []*api) string {
	var b strings.Builder
	for _, a := range apis {
		p := a.pkg.Path()
		for _, f := range a.funcs {
			fmt.Fprintf(&b, "%s\t%s\n", p, linkerName(f))
		}
		for _, tn := range a.types {
			if tn.IsAlias() {
				continue
			}
			fmt.Fprintf(&b, "%s\t%s\n", p, typeSymbol(tn.Type(), false))
			fmt.Fprintf(&b, "%s\t%s\n", p, typeSymbol(tn.Type(), true))
			for _, m := range declaredMethods(tn) {
				fmt.Fprintf(&b, "%s\t%s\n", p, linkerName(m))
			}
		}
		for _, v := range a.vars {
			fmt.Fprintf(&b, "%s\t%s.%s\n", p, p, v.Name())
		}
	}
	return b.String()
}
