// Timers fire in deadline order; Ticker ticks; Reset and Stop; AfterFunc.
package main

import (
	"fmt"
	"sync"
	"time"
)

func main() {
	// Wall times are not printed; only whether the fire times are ordered.
	// The value a timer sends is Now() less how late the send ran
	// (time/sleep.go sendTime), so a thread descheduled between the runtime's
	// reading of now and that Now() skews it: the gap is wide enough that no
	// such stall on a loaded machine reorders the two (20 ms was not: one run
	// in many at a load average of 29).
	late := time.NewTimer(250 * time.Millisecond)
	early := time.NewTimer(10 * time.Millisecond)
	t1 := <-early.C
	t2 := <-late.C
	fmt.Println("early fired first:", !t2.Before(t1))
	out := make(chan int, 1)
	time.AfterFunc(5*time.Millisecond, func() { out <- 5 })
	fmt.Println("after func:", <-out)

	tk := time.NewTicker(2 * time.Millisecond)
	n := 0
	for range tk.C {
		n++
		if n == 5 {
			tk.Stop()
			break
		}
	}
	fmt.Println("ticks:", n)

	t := time.NewTimer(time.Hour)
	t.Reset(time.Millisecond)
	<-t.C
	fmt.Println("reset timer fired")

	var mu sync.Mutex
	fired := false
	st := time.AfterFunc(time.Hour, func() { mu.Lock(); fired = true; mu.Unlock() })
	fmt.Println("stop:", st.Stop())
	time.Sleep(time.Millisecond)
	mu.Lock()
	fmt.Println("fired:", fired)
	mu.Unlock()
	start := time.Now()
	time.Sleep(15 * time.Millisecond)
	fmt.Println("slept at least 15ms:", time.Since(start) >= 15*time.Millisecond)
}
