// context cancellation stops a tree of goroutines.
package main

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

func worker(ctx context.Context, id int, out chan<- int, wg *sync.WaitGroup) {
	defer wg.Done()
	for i := 0; ; i++ {
		select {
		case <-ctx.Done():
			return
		case out <- id:
		}
	}
}

type key struct{}

func main() {
	ctx, cancel := context.WithCancelCause(context.WithValue(context.Background(), key{}, "v"))
	out := make(chan int)
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go worker(ctx, i, out, &wg)
	}
	got := 0
	for range out {
		got++
		if got == 1000 {
			break
		}
	}
	cancel(errors.New("enough"))
	wg.Wait()
	fmt.Println(got, ctx.Err(), context.Cause(ctx), ctx.Value(key{}))
}
