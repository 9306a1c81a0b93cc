// Deferred calls run last-in first-out, see their arguments as evaluated at
// defer time, and can change named results.
package main

import "fmt"

func order() {
	for i := 0; i < 4; i++ {
		defer fmt.Println("deferred", i)
	}
	x := 10
	defer fmt.Println("x at defer time:", x)
	x = 20
	defer func() { fmt.Println("x in closure:", x) }()
}

func named() (n int, err error) {
	defer func() {
		n *= 2
		if err == nil {
			err = fmt.Errorf("set by defer (n=%d)", n)
		}
	}()
	return 21, nil
}

type closer struct{ name string }

func (c closer) Close() { fmt.Println("close", c.name) }

func methods() {
	for _, n := range []string{"a", "b", "c"} {
		c := closer{n}
		defer c.Close()
	}
}

func main() {
	order()
	fmt.Println(named())
	methods()
}
