// Work split over goroutines, joined by a WaitGroup; results by index.
package main

import (
	"fmt"
	"sync"
)

func main() {
	var wg sync.WaitGroup
	squares := make([]int, 1000)
	for i := range squares {
		wg.Go(func() { squares[i] = i * i })
	}
	wg.Wait()
	t := 0
	for _, s := range squares {
		t += s
	}
	fmt.Println(t)
}
