package main

// The goroutine a func() runs on when the caller is drive.go's loop
// (runMain, call.go). A goroutine per call cost ~0.8 us more than a
// handler's call on the loop's own goroutine (docs/benchmarks.md, "The
// host -> func() entry"): newproc, a channel, the runqueue, wakep and a
// trip through schedule, twice. Here one runner goroutine lives across
// calls, and the loop and the runner hand the thread to each other with
// the runtime's coroutine switch (runtime/coro.go, iter.Pull's): the one
// that switches parks, the other runs on the same thread at once, with
// no scheduler, runqueue or wakep in between.
//
// The runner is a plain goroutine, not the coroutine's own one: a
// coroutine goroutine ends through coroexit, which a panic unwinding past
// it would reach, silently resuming the caller; a plain goroutine panics,
// Goexits and exits locked exactly as a goroutine started per call did.
// The coroutine's own goroutine (runnerHome) only starts the runner and then
// stays parked for good.
//
// What a goroutine per call gave each call and a reused one could carry
// over is set again before every call: the pprof labels (inherited from
// the caller), SetPanicOnFault off. A call that returns with its thread
// locked ends the runner (the thread ends with it, as natively) and a new
// runner takes over. A Goexit or a panic ends it too (call.go goexitMain).

import (
	"runtime/debug"
	"unsafe"
)

// coro is the runtime's coroutine (runtime/coro.go); only pointers to it
// pass through here.
type coro struct{}

// newcoro and coroswitch are iter.Pull's (runtime/coro.go), unchanged in
// Go 1.26 and 1.27. A switch throws when the thread locking of the two
// sides differs from the coroutine's creator's: every side here is
// unlocked (runMain does not come here from a locked caller, and a runner
// that returns locked is replaced before it switches).
//
//go:linkname newcoro runtime.newcoro
func newcoro(func(*coro)) *coro

//go:linkname coroswitch runtime.coroswitch
func coroswitch(*coro)

//go:linkname lockedOSThread runtime.lockedOSThread
func lockedOSThread() bool

//go:linkname getProfLabel runtime/pprof.runtime_getProfLabel
func getProfLabel() unsafe.Pointer

//go:linkname setProfLabel runtime/pprof.runtime_setProfLabel
func setProfLabel(unsafe.Pointer)

// mainRunner is the hand-off between the loop and the runner.
type mainRunner struct {
	c      *coro
	pc     uintptr        // the func() to call
	labels unsafe.Pointer // the caller's pprof labels
	ok     bool           // the call returned
}

var theRunner *mainRunner

// runner returns the runner, started on first use.
func runner() *mainRunner {
	if theRunner == nil {
		theRunner = &mainRunner{}
		theRunner.c = newcoro(runnerHome)
		coroswitch(theRunner.c) // runnerHome starts the runner, which switches back
	}
	return theRunner
}

// runnerHome is the coroutine's own goroutine: it starts the runner and
// parks for good. Runtime-named as the runner's creator: tracebacks then
// leave out the runner's "created by" line, as for a native main.
//
//go:linkname runnerHome runtime.gofnRunnerHome
func runnerHome(*coro) {
	go runnerLoop(theRunner)
	select {}
}

// run calls the func() at pc on the runner and returns whether it
// returned (false: it called runtime.Goexit; a panic never comes back).
func (r *mainRunner) run(pc uintptr) bool {
	r.pc, r.labels, r.ok = pc, getProfLabel(), false
	coroswitch(r.c)
	if !r.ok {
		theRunner = nil
	}
	return r.ok
}

// runnerLoop is the runner: it parks in the coroutine until the loop switches
// to it with a call, and switches back when the call returned.
//
//go:linkname runnerLoop runtime.gofnRunnerLoop
func runnerLoop(r *mainRunner) {
	for {
		coroswitch(r.c)
		if !runOne(r) {
			return
		}
	}
}

// runOne makes one call; false when the runner must end with it.
//
//go:linkname runOne runtime.gofnRunOne
func runOne(r *mainRunner) bool {
	setProfLabel(r.labels)
	debug.SetPanicOnFault(false)
	defer func() {
		if !r.ok { // runtime.Goexit, or a panic on its way to end the process
			go r.resume()
		}
	}()
	callVoid(r.pc)
	r.ok = true
	if lockedOSThread() {
		go runnerLoop(r) // the new runner switches back to the caller
		return false
	}
	return true
}

// resume hands the thread back to the caller in the runner's place when
// the runner does not come back; it stays parked in the coroutine.
func (r *mainRunner) resume() { coroswitch(r.c) }
