// Escape attempt forkexec_shell: prints ESCAPED:forkexec_shell only if it succeeded.
// Built to an object and run by tests/escape/run_go.sh under gofn-loader -sandbox.
package main

import (
	"syscall"
)

const name = "forkexec_shell"

// Below os/exec: no pidfd probe, straight to clone(CLONE_VFORK) with every
// signal blocked (runtime_BeforeFork).
func main() {
	_, err := syscall.ForkExec("/bin/sh", []string{"sh", "-c", "echo ESCAPED:forkexec_shell"},
		&syscall.ProcAttr{Files: []uintptr{0, 1, 2}})
	report(err)
}
