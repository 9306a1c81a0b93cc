// Many goroutines each grow their own stack by recursion.
package main

import (
	"fmt"
	"sync"
)

func fib(n int) int {
	var pad [64]byte
	pad[n%64] = byte(n)
	if n < 2 {
		return n + int(pad[n%64]) - n
	}
	return fib(n-1) + fib(n-2)
}

func depth(n int) int {
	var pad [128]byte
	pad[0] = 1
	if n == 0 {
		return int(pad[0])
	}
	return depth(n-1) + int(pad[0])
}

func main() {
	var wg sync.WaitGroup
	res := make([]int, 100)
	for i := range res {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res[i] = depth(1000+i*10) + fib(15)
		}()
	}
	wg.Wait()
	s := 0
	for _, r := range res {
		s += r
	}
	fmt.Println(s)
}
