package main

import (
	"bufio"

	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// hiddenTypeExtras are the descriptors of the unexported named types each
// host package defines (type:time.absSeconds, type:log/slog.stringptr). A
// tenant's object names them from its own dupok descriptors
// (type:func() time.absSeconds) and from inlined std bodies, but only the
// defining package can supply them and the worker's linker drops those the
// worker never uses. Read from the package's compiled archive (go tool nm),
// so only descriptors that exist are pulled.
func hiddenTypeExtras(pkgs []string) ([]extra, error) {
	var res []extra
	err := eachArchive(pkgs, func(path, nm string) error {
		res = append(res, packageHiddenTypes(path, nm)...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(res, func(i, j int) bool { return res[i].sym < res[j].sym })
	return res, nil
}

// packageHiddenTypes: the defined (not undefined, not generic) type:P.t and
// type:*P.t symbols of package P whose type name is unexported.
func packageHiddenTypes(path, nm string) []extra {
	var res []extra
	sc := bufio.NewScanner(strings.NewReader(nm))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 3 || f[1] != "R" {
			continue
		}
		name, ok := strings.CutPrefix(f[2], "type:")
		if !ok {
			continue
		}
		name = strings.TrimPrefix(name, "*")
		t, ok := strings.CutPrefix(name, path+".")
		if !ok || !identifier(t) {
			continue
		}
		if r, _ := utf8.DecodeRuneInString(t); unicode.IsUpper(r) {
			continue // exported: kept through the API
		}
		res = append(res, extra{sym: f[2], data: true, why: "unexported type of " + path})
	}
	return res
}

// identifier: a plain type name, not a generic instantiation, a method
// expression's type or a nested composite.
func identifier(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r != '_' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}
