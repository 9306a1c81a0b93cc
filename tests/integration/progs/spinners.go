// For integration/idle_trim_spinners: goroutines that keep every P of the
// worker busy and never block, left running after a call (Spin) or
// started by a call that then blocks (SpinSleep), and Stop, which ends
// them. Natively, Go's sysmon preempts such a goroutine after 10 ms
// (runtime/proc.go retake, preemptone), so a call that needs a P back
// gets one; a worker whose sysmon sleeps gives it none.
package main

import (
	"runtime"
	"strconv"
	"sync/atomic"
	"time"
)

func main() {}

var (
	stop    atomic.Bool
	running atomic.Int32
	sink    atomic.Uint64
)

// spinners starts one spinning goroutine per P and returns how many.
func spinners() int {
	stop.Store(false)
	n := runtime.GOMAXPROCS(0)
	for i := 0; i < n; i++ {
		running.Add(1)
		go func() {
			x := uint64(i)
			for !stop.Load() {
				x = x*6364136223846793005 + 1
			}
			sink.Store(x)
			running.Add(-1)
		}()
	}
	return n
}

// Spin leaves the spinners running and returns at once.
func Spin(in string) string {
	return "spinning " + strconv.Itoa(spinners())
}

// SpinSleep starts the spinners and sleeps a millisecond before it
// returns: its goroutine needs a P back while they hold every P.
func SpinSleep(in string) string {
	n := spinners()
	time.Sleep(time.Millisecond)
	return "slept " + strconv.Itoa(n)
}

// Stop ends the spinners and returns once they are gone.
func Stop(in string) string {
	stop.Store(true)
	for running.Load() > 0 {
		runtime.Gosched()
	}
	return "stopped"
}

// Echo returns its input.
func Echo(in string) string { return "echo " + in }
