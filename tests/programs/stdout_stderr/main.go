// Both streams written in several ways: fmt, os.File.Write, bufio, println
// (the builtin writes to stderr).
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
)

func main() {
	fmt.Println("fmt to stdout")
	fmt.Fprintln(os.Stderr, "fmt to stderr")
	os.Stdout.Write([]byte("raw write to stdout\n"))
	os.Stderr.WriteString("raw write to stderr\n")
	w := bufio.NewWriter(os.Stdout)
	for i := 0; i < 3; i++ {
		fmt.Fprintf(w, "buffered line %d\n", i)
	}
	w.Flush()
	println("builtin println to stderr", 42, true)
	print("builtin print\n")
	io.WriteString(os.Stdout, "io.WriteString done\n")
	mw := io.MultiWriter(os.Stdout, os.Stderr)
	fmt.Fprintln(mw, "to both")
}
