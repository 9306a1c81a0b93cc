// Command check is the hostsyms/coverage test: every symbol that Go objects
// compiled against the host packages reference must be defined by the
// worker (gofn-loader), or the loader could not link them.
//
// It compiles tenant-like programs (tests/hostsyms/progs, the corpus in
// tests/programs, and a generated program calling the whole API of the
// host packages), lists what each object references (`go tool nm`, plus
// the compiler's builtin runtime symbols, which objects reference by index
// and nm does not name), and looks each up in `go tool nm gofn-loader`.
// It also checks that the worker defines every exported function, method,
// variable and type descriptor of the host packages, and that
// loader/host/keepalive_gen.go is what the generator produces today.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

type config struct {
	root, loader, allow string
	fresh               bool
	verbose             bool
	examples            bool
}

func main() {
	var c config
	flag.StringVar(&c.root, "root", ".", "repository root")
	flag.StringVar(&c.loader, "loader", "", "gofn-loader binary to check")
	flag.StringVar(&c.allow, "allow", "tests/hostsyms/allowlist.txt", "allowlist, relative to -root")
	flag.BoolVar(&c.fresh, "fresh", true, "also check that keepalive_gen.go is up to date")
	flag.BoolVar(&c.verbose, "v", false, "list every missing symbol, allowlisted ones too")
	flag.BoolVar(&c.examples, "examples", false, "instead: run the std examples in the worker and compare their output")
	flag.Parse()
	if c.loader == "" {
		fatal(fmt.Errorf("-loader is required"))
	}
	root, err := filepath.Abs(c.root)
	if err != nil {
		fatal(err)
	}
	c.root = root
	run := run
	if c.examples {
		run = examples
	}
	ok, err := run(c)
	if err != nil {
		fatal(err)
	}
	if !ok {
		os.Exit(1)
	}
}

func run(c config) (bool, error) {
	ok := true
	if c.fresh {
		fresh, err := keepaliveFresh(c.root)
		if err != nil {
			return false, err
		}
		ok = fresh
	}
	host, err := hostSymbols(c.loader)
	if err != nil {
		return false, err
	}
	allow, err := readAllowlist(filepath.Join(c.root, c.allow))
	if err != nil {
		return false, err
	}
	refs, err := referencedSymbols(c.root)
	if err != nil {
		return false, err
	}
	api, err := apiSymbols(c.root)
	if err != nil {
		return false, err
	}
	types, err := readHostTypes(c.loader)
	if err != nil {
		return false, fmt.Errorf("type descriptors of %s: %w", c.loader, err)
	}
	r := report{host: host, types: types, allow: allow, verbose: c.verbose}
	r.check("referenced", refs.syms)
	r.check("API", api)
	r.checkMethodTables(api)
	unreachable := 0
	for m := range refs.methods {
		if !host.resolves(m) {
			unreachable++
			if c.verbose {
				fmt.Printf("method table entry %s (from %s) not in the host: unreachable if left out\n", m, refs.methods[m])
			}
		}
	}
	fmt.Printf("hostsyms: %d objects reference %d distinct symbols (and %d methods in their type descriptors, %d not in the host); API has %d symbols\n",
		refs.objects, len(refs.syms), len(refs.methods), unreachable, len(api))
	fmt.Printf("hostsyms: %d missing (%d referenced, %d API), %d allowlisted\n",
		r.missing["referenced"]+r.missing["API"], r.missing["referenced"], r.missing["API"], r.allowed)
	if unused := allow.unused(); len(unused) > 0 {
		fmt.Printf("hostsyms: allowlist entries no longer needed: %s\n", strings.Join(unused, ", "))
	}
	return ok && r.missing["referenced"]+r.missing["API"] == 0, nil
}

func examples(c config) (bool, error) {
	allow, err := readAllowlist(filepath.Join(c.root, "tests/hostsyms/examples-skip.txt"))
	if err != nil {
		return false, err
	}
	pass, fail, skipped, err := runExamples(c.root, c.loader, allow.entries)
	if err != nil {
		return false, err
	}
	fmt.Printf("hostsyms examples: %d passed, %d failed, %d skipped\n", pass, fail, skipped)
	return fail == 0 && pass > 0, nil
}

// report counts symbols the worker lacks, by kind of check.
type report struct {
	host    *symtab
	types   hostTypes
	allow   *allowlist
	verbose bool
	missing map[string]int
	allowed int
}

func (r *report) check(kind string, syms map[string]string) {
	if r.missing == nil {
		r.missing = map[string]int{}
	}
	composite := 0
	names := make([]string, 0, len(syms))
	for s := range syms {
		names = append(names, s)
	}
	sort.Strings(names)
	for _, s := range names {
		if r.host.resolves(s) {
			continue
		}
		if key, ok := strings.CutPrefix(s, "type:"); ok {
			if r.types[key] != nil {
				continue
			}
			if !simpleTypeName.MatchString(key) {
				composite++ // see below
				if r.verbose {
					fmt.Printf("not checked: %s (from %s)\n", s, syms[s])
				}
				continue
			}
		}
		if why, ok := r.allow.lookup(s); ok {
			r.allowed++
			if r.verbose {
				fmt.Printf("allowed %s (package %s): %s\n", s, symbolPackage(s), why)
			}
			continue
		}
		r.missing[kind]++
		fmt.Printf("MISSING %s symbol %s (package %s), from %s\n", kind, s, symbolPackage(s), syms[s])
	}
	// The Go linker leaves type descriptors out of an executable's symbol
	// table (cmd/link/internal/ld/symtab.go: "type:*" carrier); they are
	// looked up by walking the typelinks instead (typelinks.go), by name
	// for named types, pointers to them and literals of predeclared types.
	// Other type literals would need the linker's full type naming; they
	// are counted, not checked.
	if composite > 0 {
		fmt.Printf("hostsyms: %s: %d composite type descriptors not checked (only named types and *named)\n", kind, composite)
	}
}

// simpleTypeName: "pkg/path.T", "*pkg/path.T" or a predeclared type.
var simpleTypeName = regexp.MustCompile(`^\*?[A-Za-z0-9_/]+(\.[A-Za-z0-9_]+)?$`)

// methodSym splits "pkg.(*T).M" and "pkg.T.M".
var methodSym = regexp.MustCompile(`^([a-z0-9_/]+)\.(?:\(\*)?([A-Za-z0-9_]+)\)?\.([A-Za-z0-9_]+)$`)

// checkMethodTables: every exported method of every API type has code in
// the method table of *T, or a tenant calling it through an interface or
// reflect hits "unreachable method called".
func (r *report) checkMethodTables(api map[string]string) {
	n := 0
	for s := range api {
		m := methodSym.FindStringSubmatch(s)
		if m == nil {
			continue
		}
		n++
		t := r.types["*"+m[1]+"."+m[2]]
		if t != nil && t.methods[m[3]] {
			continue
		}
		if why, ok := r.allow.lookup(s); ok {
			r.allowed++
			if r.verbose {
				fmt.Printf("allowed method table entry %s: %s\n", s, why)
			}
			continue
		}
		r.missing["API"]++
		fmt.Printf("MISSING method table entry %s (package %s): %s\n", s, m[1], map[bool]string{true: "unreachable method", false: "no type descriptor for *" + m[2]}[t != nil])
	}
	fmt.Printf("hostsyms: API: %d methods checked in their types' method tables\n", n)
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "hostsyms:", err)
	os.Exit(2)
}
