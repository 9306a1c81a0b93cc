// Escape attempt list_procs: prints ESCAPED:list_procs only if it succeeded.
// Built to an object and run by tests/escape/run_go.sh under gofn-loader -sandbox.
package main

import (
	"os"
)

const name = "list_procs"

func main() {
	_, err := os.ReadDir("/proc")
	report(err)
}
