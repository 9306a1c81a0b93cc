// Bug 7 of issue 15: a package whose path ends in a dotted element is
// initialised.
package main

import (
	"fmt"

	lib "corpus/twopkg_dotted/lib.v2"
)

func main() { fmt.Println(len(lib.T), lib.Ready()) }
