// Two-object link unit: the imported package is fully initialised (vars,
// then init) before main's package variables and init run.
package main

import (
	"fmt"

	"corpus/twopkg_init/lib"
)

var seen = note("main: var seen", len(lib.Table))

func note(s string, n int) int {
	lib.Log = append(lib.Log, fmt.Sprintf("%s (lib.Table has %d)", s, n))
	return n
}

func init() {
	lib.Log = append(lib.Log, "main: init")
}

func main() {
	for _, l := range lib.Log {
		fmt.Println(l)
	}
	fmt.Println(seen)
}
