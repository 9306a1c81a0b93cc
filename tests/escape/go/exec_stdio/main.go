// Escape attempt exec_stdio: prints ESCAPED:exec_stdio only if it succeeded.
// Built to an object and run by tests/escape/run_go.sh under gofn-loader -sandbox.
package main

import (
	"os"
	"os/exec"
)

const name = "exec_stdio"

// exec_shell's plain Run stops at opening /dev/null for the child's stdin;
// handing it our own stdio goes on to process creation.
func main() {
	cmd := exec.Command("/bin/sh", "-c", "echo ESCAPED:exec_stdio")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	report(cmd.Run())
}
