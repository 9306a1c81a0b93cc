// Escape attempt write_file: prints ESCAPED:write_file only if it succeeded.
// Built to an object and run by tests/escape/run_go.sh under gofn-loader -sandbox.
package main

import (
	"os"
)

const name = "write_file"

func main() {
	err := os.WriteFile(target("/tmp")+"/escaped", []byte("x"), 0o644)
	report(err)
}
