// Bug 6 of issue 15: a loaded package with assembly functions.
package main

import (
	"fmt"

	"corpus/twopkg_asm/lib"
)

func main() {
	fmt.Println(lib.True(), lib.Add(40, 2), lib.Sum([]int64{1, 2, 3, 4}))
}
