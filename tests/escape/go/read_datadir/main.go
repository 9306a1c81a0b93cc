// Escape attempt read_datadir: prints ESCAPED:read_datadir only if it succeeded.
// Built to an object and run by tests/escape/run_go.sh under gofn-loader -sandbox.
package main

import (
	"os"
)

const name = "read_datadir"

func main() {
	_, err := os.ReadDir(target("/var/lib/gofn"))
	report(err)
}
