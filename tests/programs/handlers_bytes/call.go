package main

import (
	"fmt"
	"io"
	"os"
)

// callFromEnv lets make-golden.sh produce the expected result of a handler
// from a native build: GOFN_CALL=<func> with the input on stdin writes the
// result to stdout (exit 0), or the error to stderr (exit 1) — the
// convention the loaded-vs-native harness expects of `gofn-loader -run
// main.<func> -in FILE`.
func callFromEnv() bool {
	name := os.Getenv("GOFN_CALL")
	if name == "" {
		return false
	}
	in, err := io.ReadAll(os.Stdin)
	if err != nil {
		panic(err)
	}
	var out []byte
	switch name {
	case "main.Handle":
		out, err = Handle(in)
	case "main.Reverse":
		out = Reverse(in)
	default:
		err = fmt.Errorf("no handler %s", name)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Stdout.Write(out)
	return true
}
