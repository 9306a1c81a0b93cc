// Escape attempt infinite_loop: prints ESCAPED:infinite_loop only if it succeeded.
// Built to an object and run by tests/escape/run_go.sh under gofn-loader -sandbox.
package main

const name = "infinite_loop"

func main() {
	x := 0
	for {
		x++
	}
}
