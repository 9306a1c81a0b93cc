// Escape attempt read_passwd: prints ESCAPED:read_passwd only if it succeeded.
// Built to an object and run by tests/escape/run_go.sh under gofn-loader -sandbox.
package main

import (
	"os"
)

const name = "read_passwd"

func main() {
	_, err := os.ReadFile("/etc/passwd")
	report(err)
}
