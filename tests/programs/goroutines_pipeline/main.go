// Fan-out / fan-in pipeline with ordered results.
package main

import (
	"fmt"
	"sort"
	"sync"
)

func gen(n int) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out)
		for i := 1; i <= n; i++ {
			out <- i
		}
	}()
	return out
}

func square(in <-chan int) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out)
		for v := range in {
			out <- v * v
		}
	}()
	return out
}

func merge(cs ...<-chan int) <-chan int {
	var wg sync.WaitGroup
	out := make(chan int, 10)
	for _, c := range cs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for v := range c {
				out <- v
			}
		}()
	}
	go func() { wg.Wait(); close(out) }()
	return out
}

func main() {
	src := gen(100)
	var workers []<-chan int
	for i := 0; i < 8; i++ {
		workers = append(workers, square(src))
	}
	var all []int
	for v := range merge(workers...) {
		all = append(all, v)
	}
	sort.Ints(all)
	fmt.Println(len(all), all[:5], all[len(all)-1])
}
