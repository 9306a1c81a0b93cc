// Package goexample runs Go examples the way go test does, but loaded into
// gofn-loader: it finds the examples that have an "// Output:" comment,
// runs one in the worker, and compares what it printed with the comment.
// Shared by the std examples (tests/hostsyms/check) and the third-party
// module corpus (tests/modules/harness).
package goexample

import (
	"bytes"
	"context"
	"go/ast"
	"go/doc"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"sort"
	"strings"
	"time"
)

// WithOutput parses the test files of one package and returns its examples
// that go test would check: those with an output comment (possibly empty).
func WithOutput(files []string) ([]*doc.Example, error) {
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

// Run runs sym (pkg_test.ExampleX) of the link unit objs (dependencies
// first) in gofn-loader as go test runs examples: in the package's
// directory (for testdata/), with Local set to US Pacific time as the time
// package's tests force it (time/export_test.go). go test compares only
// stdout (flag's ExampleFlagSet prints usage to stderr), so stderr comes
// back apart.
func Run(loader string, objs []string, sym, dir string, timeout time.Duration) (stdout, stderr string, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var args []string
	for _, o := range objs {
		args = append(args, "-o", o)
	}
	args = append(args, "-run", sym)
	cmd := exec.CommandContext(ctx, loader, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TZ=America/Los_Angeles")
	var out, errOut bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &errOut
	err = cmd.Run()
	return out.String(), errOut.String(), err
}

// SameOutput compares as go test does: trimmed, or as sorted lines.
func SameOutput(got, want string, unordered bool) bool {
	got, want = strings.TrimSpace(got), strings.TrimSpace(want)
	if !unordered {
		return got == want
	}
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	sort.Strings(g)
	sort.Strings(w)
	return strings.Join(g, "\n") == strings.Join(w, "\n")
}
