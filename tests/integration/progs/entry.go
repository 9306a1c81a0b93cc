// func() entries called one after another on one worker
// (tests/integration/test_mainentry.sh). Natively each would be a program's
// main on a goroutine of its own: nothing one leaves on its goroutine (a
// locked thread, pprof labels, SetPanicOnFault) reaches the next, and a
// thread left locked ends with its goroutine.
package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"syscall"
)

func main() {}

var lockedTid int

// Lock returns with its goroutine locked to its thread.
func Lock() {
	runtime.LockOSThread()
	lockedTid = syscall.Gettid()
	fmt.Println("locked")
}

// Thread says whether this call runs on Lock's thread and whether that
// thread is gone.
func Thread() {
	_, err := os.Stat(fmt.Sprintf("/proc/self/task/%d", lockedTid))
	fmt.Printf("same=%v gone=%v\n", syscall.Gettid() == lockedTid, err != nil)
}

// Label returns with a pprof label set on its goroutine.
func Label() {
	pprof.SetGoroutineLabels(pprof.WithLabels(context.Background(), pprof.Labels("left", "behind")))
	fmt.Println("labelled")
}

// Labels says whether any goroutine carries Label's label.
func Labels() {
	var b bytes.Buffer
	pprof.Lookup("goroutine").WriteTo(&b, 1)
	fmt.Printf("carried=%v\n", bytes.Contains(b.Bytes(), []byte("behind")))
}

// Fault returns with SetPanicOnFault on.
func Fault() {
	debug.SetPanicOnFault(true)
	fmt.Println("faulting")
}

// Faults says whether SetPanicOnFault is on for this call.
func Faults() { fmt.Printf("panic_on_fault=%v\n", debug.SetPanicOnFault(false)) }

// Exit calls runtime.Goexit as a main would: the deferred call runs, the
// worker reports the deadlock once no goroutine is left.
func Exit() {
	defer fmt.Println("deferred")
	runtime.Goexit()
}
