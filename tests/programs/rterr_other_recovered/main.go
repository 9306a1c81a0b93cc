// Other runtime panics: failed type assertion, send on and close of closed
// channel, negative make length, unhashable map key.
package main

import "fmt"

func catch(f func()) {
	defer func() {
		r := recover()
		fmt.Printf("%T: %v\n", r, r)
	}()
	f()
}

type shape interface{ area() float64 }

func main() {
	var x any = "str"
	catch(func() { _ = x.(int) })
	catch(func() { _ = x.(shape) })
	var e any
	catch(func() { _ = e.(fmt.Stringer) })
	c := make(chan int, 1)
	close(c)
	catch(func() { c <- 1 })
	catch(func() { close(c) })
	n := -1
	catch(func() { _ = make([]int, n) })
	m := map[any]int{}
	catch(func() { m[[]int{1}] = 1 })
}
