// Escape attempt exec_shell: prints ESCAPED:exec_shell only if it succeeded.
// Built to an object and run by tests/escape/run_go.sh under gofn-loader -sandbox.
package main

import (
	"os/exec"
)

const name = "exec_shell"

func main() {
	err := exec.Command("/bin/sh", "-c", "echo ESCAPED:exec_shell").Run()
	report(err)
}
