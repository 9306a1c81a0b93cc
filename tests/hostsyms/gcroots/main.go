// Command gcroots is the hostsyms/gcroots test: the worker's own globals
// (packages main and gofn/...) take at most -max bytes of the data and bss
// the Go GC scans as roots at every cycle. A tenant's program runs inside
// the worker, so every such byte is mark work its GC does and a native
// build of it does not: the keep-alive list, when it was an array of 6,600
// interfaces in .data, made loaded maps.go run 5 % more instructions than
// native (docs/benchmarks.md, "Row 1: maps (seventh session)").
//
// The scanned ranges are [runtime.data, runtime.edata) and
// [runtime.bss, runtime.ebss): what the linker records in moduledata as
// data/edata and bss/ebss, the extent of gcdata/gcbss
// (runtime/symtab.go moduledata, runtime/mgcmark.go markrootBlock).
package main

import (
	"debug/elf"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
)

type span struct{ lo, hi uint64 }

func main() {
	max := flag.Uint64("max", 8<<10, "bytes of scanned globals the worker's own packages may define")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: gcroots [-max BYTES] WORKER")
		os.Exit(2)
	}
	syms, err := symbols(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, "gcroots:", err)
		os.Exit(2)
	}
	scanned, err := scannedRanges(syms)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gcroots:", flag.Arg(0)+":", err)
		os.Exit(2)
	}
	own, total := ownGlobals(syms, scanned)
	fmt.Printf("%s: %d bytes of GC-scanned globals, %d of them the worker's own\n",
		flag.Arg(0), total, sum(own))
	for _, s := range own {
		fmt.Printf("  %8d  %s\n", s.Size, s.Name)
	}
	if sum(own) > *max {
		fmt.Printf("FAIL: the worker's own GC-scanned globals exceed %d bytes; "+
			"keep large pointer tables out of .data/.bss (a function's code, or noptr data)\n", *max)
		os.Exit(1)
	}
	fmt.Println("PASS")
}

func symbols(path string) ([]elf.Symbol, error) {
	f, err := elf.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return f.Symbols()
}

// scannedRanges: the data and bss extents the runtime scans with masks.
func scannedRanges(syms []elf.Symbol) ([]span, error) {
	at := map[string]uint64{}
	for _, s := range syms {
		switch s.Name {
		case "runtime.data", "runtime.edata", "runtime.bss", "runtime.ebss":
			at[s.Name] = s.Value
		}
	}
	var r []span
	for _, p := range [][2]string{{"runtime.data", "runtime.edata"}, {"runtime.bss", "runtime.ebss"}} {
		lo, ok1 := at[p[0]]
		hi, ok2 := at[p[1]]
		if !ok1 || !ok2 || hi < lo {
			return nil, fmt.Errorf("no %s..%s in the symbol table (stripped?)", p[0], p[1])
		}
		r = append(r, span{lo, hi})
	}
	return r, nil
}

// ownGlobals: the symbols of main and gofn/... inside the scanned ranges,
// largest first, and the size of the ranges.
func ownGlobals(syms []elf.Symbol, scanned []span) (own []elf.Symbol, total uint64) {
	for _, r := range scanned {
		total += r.hi - r.lo
	}
	for _, s := range syms {
		if elf.ST_TYPE(s.Info) != elf.STT_OBJECT || !isOwn(s.Name) {
			continue
		}
		for _, r := range scanned {
			if s.Value >= r.lo && s.Value < r.hi {
				own = append(own, s)
				break
			}
		}
	}
	sort.Slice(own, func(i, j int) bool { return own[i].Size > own[j].Size })
	return own, total
}

func isOwn(name string) bool {
	return strings.HasPrefix(name, "main.") || strings.HasPrefix(name, "gofn/")
}

func sum(s []elf.Symbol) (n uint64) {
	for _, x := range s {
		n += x.Size
	}
	return n
}
