// context.WithTimeout and WithDeadline expire; errors are the host's
// context.DeadlineExceeded.
package main

import (
	"context"
	"errors"
	"fmt"
	"time"
)

func slow(ctx context.Context) error {
	select {
	case <-time.After(5 * time.Second):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	err := slow(ctx)
	fmt.Println(err, errors.Is(err, context.DeadlineExceeded))
	ctx2, cancel2 := context.WithCancel(context.Background())
	ran := make(chan bool)
	stop := context.AfterFunc(ctx2, func() { fmt.Println("after func ran"); close(ran) })
	cancel2()
	<-ran
	fmt.Println("stop after run:", stop())
}
