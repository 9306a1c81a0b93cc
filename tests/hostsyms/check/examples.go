package main

import (
	"bytes"
	"context"
	"fmt"
	"go/ast"
	"go/doc"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// runExamples loads each std example with a "// Output:" comment into the
// worker (gofn-loader -o obj -run pkg_test.ExampleX) and compares what it
// prints with the expected output: the kept API must not only link but
// work, method tables and all. Examples named in skip are not run; each
// entry says why.
func runExamples(root, loader string, skip map[string]string) (pass, fail, skipped int, err error) {
	tmp, err := os.MkdirTemp("", "hostsyms-ex-")
	if err != nil {
		return 0, 0, 0, err
	}
	defer os.RemoveAll(tmp)
	units, err := exampleUnits(root)
	if err != nil {
		return 0, 0, 0, err
	}
	cfg, err := importcfg(root, tmp, units)
	if err != nil {
		return 0, 0, 0, err
	}
	for _, u := range units {
		objs, err := compileUnit(u, cfg, tmp)
		if err != nil {
			fmt.Printf("hostsyms: skip %s: does not compile: %v\n", u.name, err)
			continue
		}
		exs, err := examplesWithOutput(u.main)
		if err != nil {
			return pass, fail, skipped, err
		}
		for _, ex := range exs {
			sym := u.path() + ".Example" + ex.Name
			if why, ok := skip[sym]; ok {
				fmt.Printf("SKIP %s: %s\n", sym, why)
				skipped++
				continue
			}
			got, runErr := runLoaded(loader, objs[len(objs)-1], sym, filepath.Dir(u.main[0]))
			if runErr == nil && sameOutput(got, ex.Output, ex.Unordered) {
				pass++
				continue
			}
			fail++
			fmt.Printf("FAIL %s: %v\n--- want\n%s--- got\n%s", sym, runErr, ex.Output, got)
		}
	}
	return pass, fail, skipped, nil
}

func examplesWithOutput(files []string) ([]*doc.Example, error) {
	fset := token.NewFileSet()
	var asts []*ast.File
	for _, f := range files {
		a, err := parser.ParseFile(fset, f, nil, parser.ParseComments)
		if err != nil {
			return nil, err
		}
		asts = append(asts, a)
	}
	var out []*doc.Example
	for _, ex := range doc.Examples(asts...) {
		if ex.Output != "" || ex.EmptyOutput {
			out = append(out, ex)
		}
	}
	return out, nil
}

// runLoaded runs like go test runs examples: in the package's directory
// (testdata/), with Local set to US Pacific time as the time package's
// tests force it (time/export_test.go).
func runLoaded(loader, obj, sym, dir string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, loader, "-o", obj, "-run", sym)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TZ=America/Los_Angeles")
	// go test compares only stdout (flag's ExampleFlagSet prints usage to
	// stderr); stderr is shown after it when the example fails.
	var out, errOut bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &errOut
	err := cmd.Run()
	if err != nil && errOut.Len() > 0 {
		return out.String() + "--- stderr\n" + errOut.String(), err
	}
	return out.String(), err
}

// sameOutput compares as go test does: trimmed, or as sorted lines.
func sameOutput(got, want string, unordered bool) bool {
	got, want = strings.TrimSpace(got), strings.TrimSpace(want)
	if !unordered {
		return got == want
	}
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	sort.Strings(g)
	sort.Strings(w)
	return strings.Join(g, "\n") == strings.Join(w, "\n")
}
