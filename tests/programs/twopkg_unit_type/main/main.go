// Bug 5 of issue 15: main's globals have a type of another package of the
// unit, named in the object only by index into that package's symbols.
package main

import (
	"fmt"
	"runtime"

	"corpus/twopkg_unit_type/lib"
)

var V = lib.Config{X: 1, S: "s"}
var P = &lib.Config{X: 2, P: &lib.Config{X: 3}}
var A [4]lib.Config

func main() {
	A[2] = lib.Config{S: "a2", P: &lib.Config{X: 4}}
	runtime.GC()
	fmt.Println(V.X, V.S, P.X, P.P.X, A[2].S, A[2].P.X)
}
