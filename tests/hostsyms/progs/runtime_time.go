// Time, context, goroutines, math and runtime introspection.
package main

import (
	"container/heap"
	"context"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"reflect"
	"runtime"
	"sync"
	"time"
)

type intHeap []int

func (h intHeap) Len() int           { return len(h) }
func (h intHeap) Less(i, j int) bool { return h[i] < h[j] }
func (h intHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *intHeap) Push(x any)        { *h = append(*h, x.(int)) }
func (h *intHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	var wg sync.WaitGroup
	results := make(chan int, 4)
	for i := range 4 {
		wg.Go(func() {
			select {
			case results <- i * i:
			case <-ctx.Done():
			}
		})
	}
	wg.Wait()
	close(results)
	h := &intHeap{}
	for r := range results {
		heap.Push(h, r)
	}
	f := new(big.Int).Exp(big.NewInt(2), big.NewInt(100), nil)
	d, _ := time.ParseDuration("1h2m")
	ts := time.Date(2024, 2, 29, 12, 0, 0, 0, time.UTC)
	rng := rand.New(rand.NewPCG(1, 2))
	pc, _, _, _ := runtime.Caller(0)
	fmt.Println(heap.Pop(h), f, d, ts.Format(time.RFC3339), ts.Weekday(), math.Sqrt(2),
		rng.IntN(10) >= 0, runtime.FuncForPC(pc).Name(), reflect.TypeOf(h).Elem().Kind(),
		reflect.ValueOf(ts).MethodByName("Year").Call(nil)[0].Int())
}
