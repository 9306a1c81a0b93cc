// Buffered and unbuffered channels, close and range, receive from closed,
// len/cap, directional channel types.
package main

import "fmt"

func producer(n int) <-chan string {
	c := make(chan string, 3)
	go func() {
		defer close(c)
		for i := 0; i < n; i++ {
			c <- fmt.Sprint("msg", i)
		}
	}()
	return c
}

func main() {
	for m := range producer(5) {
		fmt.Println(m)
	}
	b := make(chan int, 4)
	b <- 1
	b <- 2
	fmt.Println(len(b), cap(b))
	close(b)
	x, ok := <-b
	fmt.Println(x, ok)
	<-b
	x, ok = <-b
	fmt.Println(x, ok)
	sync := make(chan struct{})
	res := make(chan int)
	go func() {
		<-sync
		res <- 99
	}()
	sync <- struct{}{}
	fmt.Println(<-res)
	var cc chan chan int = make(chan chan int, 1)
	inner := make(chan int, 1)
	cc <- inner
	(<-cc) <- 5
	fmt.Println(<-inner)
}
