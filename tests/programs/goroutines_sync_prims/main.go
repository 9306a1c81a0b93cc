// sync.Once, sync.Cond, sync.Map and sync.Pool used across goroutines.
package main

import (
	"fmt"
	"sort"
	"sync"
)

func main() {
	var once sync.Once
	var wg sync.WaitGroup
	inits := 0
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); once.Do(func() { inits++ }) }()
	}
	wg.Wait()

	var mu sync.Mutex
	cond := sync.NewCond(&mu)
	ready := 0
	for i := 0; i < 5; i++ {
		go func() {
			mu.Lock()
			ready++
			cond.Broadcast()
			mu.Unlock()
		}()
	}
	mu.Lock()
	for ready < 5 {
		cond.Wait()
	}
	mu.Unlock()

	var m sync.Map
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); m.Store(i, i*i) }()
	}
	wg.Wait()
	var keys []int
	m.Range(func(k, v any) bool { keys = append(keys, k.(int)); return true })
	sort.Ints(keys)
	v, _ := m.Load(7)

	pool := sync.Pool{New: func() any { return new([16]byte) }}
	b := pool.Get().(*[16]byte)
	pool.Put(b)
	fmt.Println(inits, ready, len(keys), keys[19], v, len(b))
}
