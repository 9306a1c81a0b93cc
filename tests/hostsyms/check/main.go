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
	"sort"
	"strings"
)

type config struct {
	root, loader, allow string
	fresh               bool
	verbose             bool
}

func main() {
	var c config
	flag.StringVar(&c.root, "root", ".", "repository root")
	flag.StringVar(&c.loader, "loader", "", "gofn-loader binary to check")
	flag.StringVar(&c.allow, "allow", "tests/hostsyms/allowlist.txt", "allowlist, relative to -root")
	flag.BoolVar(&c.fresh, "fresh", true, "also check that keepalive_gen.go is up to date")
	flag.BoolVar(&c.verbose, "v", false, "list every missing symbol, allowlisted ones too")
	flag.Parse()
	if c.loader == "" {
		fatal(fmt.Errorf("-loader is required"))
	}
	root, err := filepath.Abs(c.root)
	if err != nil {
		fatal(err)
	}
	c.root = root
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
	r := report{host: host, allow: allow, verbose: c.verbose}
	r.check("referenced", refs.syms)
	r.check("API", api)
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

// report counts symbols the worker lacks, by kind of check.
type report struct {
	host    *symtab
	allow   *allowlist
	verbose bool
	missing map[string]int
	allowed int
}

func (r *report) check(kind string, syms map[string]string) {
	if r.missing == nil {
		r.missing = map[string]int{}
	}
	types := 0
	names := make([]string, 0, len(syms))
	for s := range syms {
		names = append(names, s)
	}
	sort.Strings(names)
	for _, s := range names {
		if r.host.resolves(s) {
			continue
		}
		if strings.HasPrefix(s, "type:") {
			types++ // see below
			continue
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
	// table (cmd/link/internal/ld/symtab.go: "type:*" carrier); a loader
	// finds them through the module's typelinks, not by name.
	fmt.Printf("hostsyms: %s: %d type descriptors not checked (not in the ELF symbol table)\n", kind, types)
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "hostsyms:", err)
	os.Exit(2)
}
