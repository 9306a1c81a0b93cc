// select with default, multiple ready cases, nil channels and sends.
package main

import "fmt"

func main() {
	c := make(chan int, 1)
	select {
	case v := <-c:
		fmt.Println("got", v)
	default:
		fmt.Println("empty, default taken")
	}
	c <- 1
	select {
	case c <- 2:
		fmt.Println("sent")
	default:
		fmt.Println("full, default taken")
	}
	var nilc chan int
	counts := [2]int{}
	a, b := make(chan int, 100), make(chan int, 100)
	for i := 0; i < 100; i++ {
		a <- i
		b <- i
	}
	for i := 0; i < 200; i++ {
		select {
		case <-a:
			counts[0]++
		case <-b:
			counts[1]++
		case <-nilc:
			panic("nil channel is never ready")
		}
	}
	fmt.Println(counts[0]+counts[1], len(a), len(b))
	done := make(chan bool)
	out := make(chan int)
	go func() {
		sum := 0
		for {
			select {
			case v := <-out:
				sum += v
			case <-done:
				fmt.Println("sum", sum)
				done <- true
				return
			}
		}
	}()
	for i := 1; i <= 10; i++ {
		out <- i
	}
	done <- true
	<-done
}
