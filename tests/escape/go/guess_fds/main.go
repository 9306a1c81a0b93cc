// Escape attempt guess_fds: prints ESCAPED:guess_fds only if it succeeded.
// Built to an object and run by tests/escape/run_go.sh under gofn-loader -sandbox.
package main

import (
	"fmt"
	"os"
	"strconv"
	"syscall"
)

const name = "guess_fds"

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

func main() {
	n := 0
	for fd := 4; fd < 4096; fd++ {
		// Inherited through exec = open without FD_CLOEXEC (the runtime
		// opens its own files close-on-exec).
		if f, _, e := syscall.RawSyscall(syscall.SYS_FCNTL, uintptr(fd), syscall.F_GETFD, 0); e == 0 && f&syscall.FD_CLOEXEC == 0 {
			n++
		}
	}
	if n > 0 {
		escaped()
		return
	}
	report(syscall.EBADF)
}
