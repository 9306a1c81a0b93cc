// Closures capturing by reference, per-iteration loop variables (Go 1.22+),
// closures returned and stored in structures, recursive closures.
package main

import "fmt"

func counter() (func() int, func()) {
	n := 0
	return func() int { n++; return n }, func() { n = 100 }
}

type handler struct {
	name string
	fn   func(int) int
}

func main() {
	inc, reset := counter()
	inc()
	inc()
	reset()
	fmt.Println(inc())

	var fs []func() int
	for i := 0; i < 3; i++ {
		fs = append(fs, func() int { return i * 10 })
	}
	for _, f := range fs {
		fmt.Print(f(), " ")
	}
	fmt.Println()

	hs := []handler{}
	for _, k := range []int{2, 3} {
		hs = append(hs, handler{fmt.Sprint("times", k), func(x int) int { return x * k }})
	}
	for _, h := range hs {
		fmt.Println(h.name, h.fn(7))
	}

	var fact func(int) int
	fact = func(n int) int {
		if n <= 1 {
			return 1
		}
		return n * fact(n-1)
	}
	fmt.Println(fact(10))
	adders := map[string]func(int) int{}
	base := 5
	adders["base"] = func(x int) int { return x + base }
	base = 50
	fmt.Println(adders["base"](1))
}
