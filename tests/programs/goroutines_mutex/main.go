// Mutex-protected shared state updated by many goroutines.
package main

import (
	"fmt"
	"sync"
)

type counter struct {
	mu sync.Mutex
	m  map[string]int
}

func (c *counter) inc(k string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[k]++
}

func main() {
	c := &counter{m: map[string]int{}}
	var wg sync.WaitGroup
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func(id int) {
			defer wg.Done()
			for j := 0; j < 200; j++ {
				c.inc([]string{"a", "b", "c"}[(id+j)%3])
			}
		}(i)
	}
	wg.Wait()
	fmt.Println(c.m["a"], c.m["b"], c.m["c"])
	var rw sync.RWMutex
	rw.RLock()
	rw.RLock()
	ok := rw.TryLock()
	rw.RUnlock()
	rw.RUnlock()
	fmt.Println("trylock while read-locked:", ok, "after:", rw.TryLock())
}
