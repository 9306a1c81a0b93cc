// Escape attempt memory_bomb: prints ESCAPED:memory_bomb only if it succeeded.
// Built to an object and run by tests/escape/run_go.sh under gofn-loader -sandbox.
package main

const name = "memory_bomb"

func main() {
	var keep [][]byte
	for i := 0; i < 1<<10; i++ {
		b := make([]byte, 64<<20)
		for j := range b {
			b[j] = 1
		}
		keep = append(keep, b)
	}
	report(nil)
}
