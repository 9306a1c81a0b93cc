// Unrecovered panic with an error value and with a custom Stringer-less
// struct: Go prints the error text / the value with its type.
package main

import (
	"fmt"
	"os"
)

type failure struct {
	op   string
	code int
}

func (f failure) Error() string { return f.op + " failed with " + fmt.Sprint(f.code) }

func main() {
	fmt.Fprintln(os.Stderr, "will panic with an error value")
	var err error = failure{"write", 5}
	panic(fmt.Errorf("outer: %w", err))
}
