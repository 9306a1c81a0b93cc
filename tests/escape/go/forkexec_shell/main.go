// Escape attempt forkexec_shell: prints ESCAPED:forkexec_shell only if it succeeded.
// Built to an object and run by tests/escape/run_go.sh under gofn-loader -sandbox.
package main

import (
	"fmt"
	"os"
	"strconv"
	"syscall"
)

const name = "forkexec_shell"

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

// Below os/exec: no pidfd probe, straight to clone(CLONE_VFORK) with every
// signal blocked (runtime_BeforeFork).
func main() {
	_, err := syscall.ForkExec("/bin/sh", []string{"sh", "-c", "echo ESCAPED:forkexec_shell"},
		&syscall.ProcAttr{Files: []uintptr{0, 1, 2}})
	report(err)
}
