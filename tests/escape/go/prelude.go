// Shared by every escape attempt in this directory: run_go.sh compiles it
// together with the attempt's main.go as one package, after filling in
// @ARG@. Each attempt defines its own const name and main.
package main

import (
	"fmt"
	"strconv"
	"syscall"
)

// argument is filled in by run_go.sh before compiling (a host path, port or pid).
var argument = "@ARG@"

func target(def string) string {
	if argument != "" && argument[0] != '@' {
		return argument
	}
	return def
}

func atoi(s string) int {
	v, _ := strconv.Atoi(s)
	return v
}

func errnoErr(e syscall.Errno) error {
	if e == 0 {
		return nil
	}
	return e
}

func syscall_EFBIG() error { return syscall.EFBIG }

func escaped() { fmt.Println("ESCAPED:" + name) }

func report(err error) {
	if err == nil {
		escaped()
		return
	}
	fmt.Printf("denied:%s: %v\n", name, err)
}
