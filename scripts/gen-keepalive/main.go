// Command gen-keepalive writes the worker's keep-alive list
// (loader/host/keepalive_gen.go) from the export data of the installed Go
// toolchain, and the inputs of the hostsyms/coverage test.
//
//	go -C scripts/gen-keepalive run .              keepalive_gen.go to stdout
//	go -C scripts/gen-keepalive run . -pkgs        host package paths
//	go -C scripts/gen-keepalive run . -syms        symbols the worker must define
//	go -C scripts/gen-keepalive run . -calls       program calling the whole API
package main

import (
	"flag"
	"fmt"
	"go/format"
	"os"
	"strings"
)

func main() {
	pkgs := flag.Bool("pkgs", false, "print the host package paths")
	syms := flag.Bool("syms", false, "print the symbols the worker must define")
	calls := flag.Bool("calls", false, "print a program that calls every exported function and method")
	methodExprs := flag.Bool("methodexprs", false, "also reference every method by method expression (for measurement)")
	flag.Parse()

	if *pkgs {
		fmt.Println(strings.Join(hostPackages, "\n"))
		return
	}
	apis, err := loadAPIs(hostPackages)
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
		emit(keepaliveFile(apis, append(append([]extra{}, extras...), builtins...), *methodExprs))
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
