// os.Exit(3) ends the process at once with that code: deferred calls do not
// run, output already written stays written.
package main

import (
	"fmt"
	"os"
)

func main() {
	defer fmt.Println("deferred: must not print")
	fmt.Println("to stdout")
	fmt.Fprintln(os.Stderr, "to stderr")
	os.Exit(3)
}
