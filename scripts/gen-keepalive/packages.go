package main

import (
	"fmt"
	"sort"
	"strings"
)

// refusedPackages are the standard packages a tenant may not import: they
// cannot work in a loaded module. The loader refuses an object importing one
// with an error naming it and this reason (loader/link.c refused_pkgs carries the
// same list; docs/hostsyms.md explains each).
var refusedPackages = map[string]string{
	"plugin":       "loads Go shared objects with dlopen; a function is itself a loaded module and cannot host plugins",
	"runtime/cgo":  "cgo: tenant code is compiled without a C toolchain and loaded code cannot call into C",
	"runtime/race": "exists only in -race builds; the worker is not one",
	"unsafe":       "", // compile-time only: nothing to keep, not refused
}

// hostPackages are the standard packages a tenant may import: every package
// of `go list std` for this GOOS/GOARCH except internal and vendored ones and
// refusedPackages. The worker keeps every exported function, method, type
// and variable of each. Taken from the toolchain the generator runs with
// (the go binary on PATH), so each release's worker gets its own list.
func hostPackages() ([]string, error) {
	out, err := goOutput("list", "std")
	if err != nil {
		return nil, err
	}
	var pkgs []string
	for _, p := range strings.Fields(out) {
		if _, refused := refusedPackages[p]; refused || !importable(p) {
			continue
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) == 0 {
		return nil, fmt.Errorf("go list std gave no packages")
	}
	sort.Strings(pkgs)
	return pkgs, nil
}

// importable: internal packages and the vendored golang.org/x copies cannot
// be imported by code outside the standard library.
func importable(path string) bool {
	for _, el := range strings.Split(path, "/") {
		if el == "internal" || el == "vendor" {
			return false
		}
	}
	return true
}
