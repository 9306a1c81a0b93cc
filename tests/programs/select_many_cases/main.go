// A select over many channels (sends and receives mixed) drives a small
// state machine deterministically by readiness.
package main

import "fmt"

func main() {
	var in [8]chan int
	for i := range in {
		in[i] = make(chan int, 1)
	}
	out := make(chan int, 1)
	got := make([]int, 0, 8)
	for i := range in {
		in[i] <- i * 10
		select {
		case v := <-in[0]:
			got = append(got, v)
		case v := <-in[1]:
			got = append(got, v)
		case v := <-in[2]:
			got = append(got, v)
		case v := <-in[3]:
			got = append(got, v)
		case v := <-in[4]:
			got = append(got, v)
		case v := <-in[5]:
			got = append(got, v)
		case v := <-in[6]:
			got = append(got, v)
		case v := <-in[7]:
			got = append(got, v)
		case out <- -1:
			got = append(got, <-in[i])
			<-out
		}
	}
	fmt.Println(got)
	sends := 0
	for sends < 3 {
		select {
		case out <- sends:
			sends++
			<-out
		case v, ok := <-in[0]:
			fmt.Println("unexpected", v, ok)
		}
	}
	fmt.Println("sends:", sends)
}
