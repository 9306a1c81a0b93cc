// Each goroutine recovers its own panic and reports it on a channel.
package main

import (
	"fmt"
	"sort"
)

func work(id int, out chan<- string) {
	defer func() {
		if r := recover(); r != nil {
			out <- fmt.Sprintf("worker %d recovered: %v", id, r)
		}
	}()
	if id%2 == 1 {
		var m map[int]int
		m[id] = id
	}
	out <- fmt.Sprintf("worker %d ok", id)
}

func main() {
	out := make(chan string)
	for i := 0; i < 6; i++ {
		go work(i, out)
	}
	var lines []string
	for i := 0; i < 6; i++ {
		lines = append(lines, <-out)
	}
	sort.Strings(lines)
	for _, l := range lines {
		fmt.Println(l)
	}
}
