// An unrecovered panic in a goroutine other than main kills the process with
// exit 2 and a trace naming the goroutine's creator.
package main

import (
	"fmt"
	"os"
)

type job struct{ id int }

func (j *job) run(done chan struct{}) {
	if j.id == 3 {
		panic(fmt.Sprintf("job %d failed", j.id))
	}
	done <- struct{}{}
}

func main() {
	fmt.Fprintln(os.Stderr, "starting")
	done := make(chan struct{})
	go (&job{id: 3}).run(done)
	<-done
	fmt.Println("unreachable")
}
