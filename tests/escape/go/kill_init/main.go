// Escape attempt kill_init: prints ESCAPED:kill_init only if it succeeded.
// Built to an object and run by tests/escape/run_go.sh under gofn-loader -sandbox.
package main

import (
	"fmt"
	"os"
	"strconv"
	"syscall"
)

const name = "kill_init"

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

// Inside its own pid namespace the worker is pid 1 itself, so the host's init
// is reached only by broadcasting (-1). Signal 0 only probes: harmless even
// if it got through.
func main() {
	target := 1
	if syscall.Getpid() == 1 {
		target = -1
	}
	report(syscall.Kill(target, 0))
}
