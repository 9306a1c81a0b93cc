// Channel patterns: a worker pool fed by a jobs channel, a buffered channel
// as a semaphore bounding concurrency, close as a broadcast, results
// gathered by index.
package main

import (
	"fmt"
	"sync"
	"sync/atomic"
)

type job struct {
	id int
	n  int
}

type result struct {
	id     int
	digits int
}

func collatz(n int) (steps int) {
	for n != 1 {
		if n%2 == 0 {
			n /= 2
		} else {
			n = 3*n + 1
		}
		steps++
	}
	return
}

func main() {
	jobs := make(chan job)
	results := make(chan result)
	sem := make(chan struct{}, 3)
	var running, peak atomic.Int32
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				sem <- struct{}{}
				if r := running.Add(1); r > peak.Load() {
					peak.Store(r)
				}
				res := result{j.id, collatz(j.n)}
				running.Add(-1)
				<-sem
				results <- res
			}
		}()
	}
	go func() {
		for i := 0; i < 200; i++ {
			jobs <- job{i, i + 1}
		}
		close(jobs)
	}()
	go func() { wg.Wait(); close(results) }()
	steps := make([]int, 200)
	for r := range results {
		steps[r.id] = r.digits
	}
	fmt.Println(steps[:10], steps[26], "peak within limit:", peak.Load() <= 3)

	start := make(chan struct{})
	var ready sync.WaitGroup
	var woke atomic.Int32
	for i := 0; i < 20; i++ {
		ready.Add(1)
		go func() { defer ready.Done(); <-start; woke.Add(1) }()
	}
	close(start)
	ready.Wait()
	fmt.Println("woken by close:", woke.Load())
}
