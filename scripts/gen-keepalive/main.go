// Command gen-keepalive writes the worker's keep-alive list
// (loader/host/keepalive_gen.go) from the export data of the installed Go
// toolchain, and the inputs of the hostsyms/coverage test.
//
//	go -C scripts/gen-keepalive run .              keepalive_gen.go to stdout
//	go -C scripts/gen-keepalive run . -extra       keepextra/keepextra_gen.go to stdout
//	go -C scripts/gen-keepalive run . -out DIR     all three files into DIR (loader/host/gen-release.sh)
//	go -C scripts/gen-keepalive run . -pkgs        host package paths
//	go -C scripts/gen-keepalive run . -syms        symbols the worker must define
//	go -C scripts/gen-keepalive run . -calls       program calling the whole API
package main

import (
	"flag"
	"fmt"
	"go/format"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	pkgs := flag.Bool("pkgs", false, "print the host package paths")
	syms := flag.Bool("syms", false, "print the symbols the worker must define")
	calls := flag.Bool("calls", false, "print a program that calls every exported function and method")
	extraOnly := flag.Bool("extra", false, "print loader/host/keepextra/keepextra_gen.go instead")
	out := flag.String("out", "", "write keepalive_gen.go, keepextra_gen.go and keepextra_amd64.s into this directory")
	methodExprs := flag.Bool("methodexprs", false, "also reference every method by method expression (for measurement)")
	flag.Parse()

	hosts, err := hostPackages()
	if err != nil {
		fatal(err)
	}
	if *pkgs {
		fmt.Println(strings.Join(hosts, "\n"))
		return
	}
	apis, err := loadAPIs(hosts)
	if err != nil {
		fatal(err)
	}
	switch {
	case *syms:
		fmt.Print(symbolList(apis))
	case *calls:
		src, made, skipped := callsProgram(apis)
		fmt.Fprintf(os.Stderr, "gen-keepalive: %d calls, %d left out (argument types not nameable)\n", made, skipped)
		emit(src)
	default:
		builtins, err := builtinExtras()
		if err != nil {
			fatal(err)
		}
		pushed, err := pushedExtras()
		if err != nil {
			fatal(err)
		}
		hidden, err := hiddenTypeExtras(hosts)
		if err != nil {
			fatal(err)
		}
		generic, err := genericInternals()
		if err != nil {
			fatal(err)
		}
		all, err := definedOnly(dedupExtras(append(append(append(append(append([]extra{}, extras...), builtins...), pushed...), hidden...), generic...)))
		if err != nil {
			fatal(err)
		}
		if *out != "" {
			refs, err := abi0Refs()
			if err != nil {
				fatal(err)
			}
			writeFile(filepath.Join(*out, "keepalive_gen.go"), keepaliveFile(apis, all, *methodExprs))
			writeFile(filepath.Join(*out, "keepextra_gen.go"), extraFile(all))
			writeRaw(filepath.Join(*out, "keepextra_amd64.s"), asmFile(refs))
			return
		}
		if *extraOnly {
			emit(extraFile(all))
			return
		}
		emit(keepaliveFile(apis, all, *methodExprs))
	}
}

func writeFile(path, src string) {
	out, err := format.Source([]byte(src))
	if err == nil {
		err = os.MkdirAll(filepath.Dir(path), 0o755)
	}
	if err == nil {
		err = os.WriteFile(path, out, 0o644)
	}
	if err != nil {
		fatal(fmt.Errorf("%s: %w", path, err))
	}
}

func writeRaw(path, src string) {
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		fatal(err)
	}
}

func emit(src string) {
	out, err := format.Source([]byte(src))
	if err != nil {
		fatal(fmt.Errorf("generated code does not parse: %w", err))
	}
	os.Stdout.Write(out)
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "gen-keepalive:", err)
	os.Exit(1)
}
