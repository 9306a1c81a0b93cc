// Integer division and modulo by zero panic; float division does not.
package main

import (
	"fmt"
	"math"
)

//go:noinline
func div(a, b int) int { return a / b }

//go:noinline
func mod(a, b int64) int64 { return a % b }

//go:noinline
func divu8(a, b uint8) uint8 { return a / b }

func catch(f func()) {
	defer func() { fmt.Println(recover()) }()
	f()
}

func main() {
	catch(func() { div(1, 0) })
	catch(func() { mod(7, 0) })
	catch(func() { divu8(3, 0) })
	catch(func() { fmt.Println(div(math.MinInt, -1)) })
	z := 0.0
	fmt.Println(1/z, -1/z, math.IsNaN(z/z))
}
