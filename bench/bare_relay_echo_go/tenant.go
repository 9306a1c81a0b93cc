package main

import (
	"fmt"
	"os"
	"runtime/metrics"
	"sync/atomic"
	"time"
)

// startTenant starts -tenant's goroutine, standing for a tenant's
// background work in a worker: every 1 ms it allocates 64 KiB (so the GC
// runs) and notes how late its tick came. The function it returns prints,
// on stderr, the largest lateness and the largest GC stop-the-world pause
// (runtime/metrics /sched/pauses/total/gc:seconds): a wait that holds a P
// in C shows there as starvation or a stop-the-world that waits for it.
func startTenant() func() {
	var late atomic.Int64 // ns
	var sink [][]byte
	go func() {
		tick := time.NewTicker(time.Millisecond)
		for t := range tick.C {
			if d := int64(time.Since(t)); d > late.Load() {
				late.Store(d)
			}
			sink = append(sink, make([]byte, 64<<10))
			if len(sink) > 64 {
				sink = sink[:0]
			}
		}
	}()
	return func() {
		s := []metrics.Sample{{Name: "/sched/pauses/total/gc:seconds"}}
		metrics.Read(s)
		h := s[0].Value.Float64Histogram()
		top := 0.0
		for i, n := range h.Counts {
			if n > 0 {
				top = h.Buckets[i+1]
			}
		}
		fmt.Fprintf(os.Stderr, "echo %d: tenant tick late at most %v, GC pause at most %.3g s\n",
			os.Getpid(), time.Duration(late.Load()), top)
	}
}
