// Two-object link unit: functions, variables and constants from a separately
// compiled library package.
package main

import (
	"fmt"

	"corpus/twopkg_basic/lib"
)

func main() {
	fmt.Println(lib.Greet("gopher"), lib.Version)
	lib.Greeting = "hi"
	fmt.Println(lib.Greet("again"), lib.Calls())
}
