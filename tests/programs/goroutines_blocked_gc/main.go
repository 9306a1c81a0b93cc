// Goroutines blocked in channel ops, mutexes, select and sleeps hold heap
// data only on their stacks across several GCs, then resume and verify it.
package main

import (
	"fmt"
	"runtime"
	"sync"
	"time"
)

type blob struct {
	words []string
	next  *blob
}

func chain(n int, tag string) *blob {
	var b *blob
	for i := 0; i < n; i++ {
		b = &blob{[]string{fmt.Sprint(tag, i)}, b}
	}
	return b
}

func count(b *blob) (n int) {
	for ; b != nil; b = b.next {
		n += len(b.words[0])
	}
	return
}

func main() {
	var wg sync.WaitGroup
	var mu sync.Mutex
	results := make([]int, 4)
	release := make(chan struct{})
	mu.Lock()
	wg.Add(4)
	go func() { defer wg.Done(); b := chain(300, "c"); <-release; results[0] = count(b) }()
	go func() { defer wg.Done(); b := chain(300, "m"); mu.Lock(); results[1] = count(b); mu.Unlock() }()
	go func() {
		defer wg.Done()
		b := chain(300, "s")
		select {
		case <-release:
		case <-time.After(time.Hour):
		}
		results[2] = count(b)
	}()
	go func() {
		defer wg.Done()
		b := chain(300, "t")
		time.Sleep(30 * time.Millisecond)
		results[3] = count(b)
	}()
	for i := 0; i < 5; i++ {
		runtime.GC()
		_ = chain(1000, "garbage")
	}
	close(release)
	mu.Unlock()
	wg.Wait()
	fmt.Println(results)
}
