// Escape attempt stdout_flood: prints ESCAPED:stdout_flood only if it succeeded.
// Built to an object and run by tests/escape/run_go.sh under gofn-loader -sandbox.
package main

import (
	"os"
)

const name = "stdout_flood"

func main() {
	buf := make([]byte, 1<<20)
	for i := range buf {
		buf[i] = 'A'
	}
	for i := 0; i < 1024; i++ {
		if _, err := os.Stdout.Write(buf); err != nil {
			report(err)
			return
		}
	}
	report(syscall_EFBIG())
}
