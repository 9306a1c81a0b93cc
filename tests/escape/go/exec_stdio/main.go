// Escape attempt exec_stdio: prints ESCAPED:exec_stdio only if it succeeded.
// Built to an object and run by tests/escape/run_go.sh under gofn-loader -sandbox.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"syscall"
)

const name = "exec_stdio"

var _ = strconv.Itoa
var _ = syscall.Getpid
var _ = os.Stdout

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

// exec_shell's plain Run stops at opening /dev/null for the child's stdin;
// handing it our own stdio goes on to process creation.
func main() {
	cmd := exec.Command("/bin/sh", "-c", "echo ESCAPED:exec_stdio")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	report(cmd.Run())
}
