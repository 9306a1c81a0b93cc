package main

// The Go side of calling loaded code (loader/call_bridge.h). A loaded
// function is called through an ordinary Go func value built from its
// entry PC: a func value is a pointer to a word holding the PC
// (runtime/runtime2.go funcval), so the call uses the Go ABI of the
// declared signature, stack growth and panics work natively, and nothing
// is recovered here.

/*
#include <stdint.h>
#include <stdlib.h>
*/
import "C"

import (
	"os"
	"runtime"
	"time"
	"unsafe"
)

// The gofn_sig values of loader/loader.h.
const (
	sigVoid          = 1
	sigBytesBytesErr = 2
	sigBytesBytes    = 3
	sigStrStr        = 4
	sigStrStrErr     = 5
	sigHTTP          = 6 // httpcall.go
)

// funcOf returns a func value of type F whose code is at pc.
func funcOf[F any](pc uintptr) F {
	fv := new(uintptr)
	*fv = pc
	return *(*F)(unsafe.Pointer(&fv))
}

// The call shims carry runtime-package link names so tracebacks elide
// them as they elide runtime frames: a loaded main.main's panic then
// prints the same frames as a native one.
//
//go:linkname callVoid runtime.gofnCallVoid
//go:noinline
func callVoid(pc uintptr) { funcOf[func()](pc)() }

// runMain runs a func() on a goroutine other than the caller's and waits
// for it: a native main does not run on a thread-locked goroutine, and
// runtime.Stack and tracebacks would say so. From drive.go's loop (not a
// cgo callback) that is the runner of runner.go, which takes the thread
// at once; from a cgo callback, whose goroutine is locked, a goroutine of
// its own. A panic or runtime.Goexit leaves ok false: the panic ends the
// process as natively, a Goexit lets the others run on (goexitMain).
//
//go:linkname runMain runtime.gofnRunMain
func runMain(pc uintptr) {
	if !lockedOSThread() {
		r := runner()
		// Counted with the runner parked, which a Goexit ends and
		// resume's goroutine replaces in the count.
		base := runtime.NumGoroutine()
		if !r.run(pc) {
			goexitMain(base)
		}
		return
	}
	base := runtime.NumGoroutine()
	done := make(chan bool, 1)
	go mainGoroutine(pc, done)
	if !<-done {
		goexitMain(base)
	}
}

// goexitMain ends the process as the runtime's checkdead does after main
// called runtime.Goexit, once the program's goroutines are gone. The
// runtime cannot see that itself here: the goroutine that called runMain
// (drive.go's loop, or a cgo callback) outlives main. A panicking main
// goroutine never leaves, so the panic ends the process first. Goroutines
// blocked forever keep the wait going (natively "all goroutines are
// asleep"), like any deadlock in a worker.
func goexitMain(base int) {
	for runtime.NumGoroutine() > base {
		time.Sleep(time.Millisecond)
	}
	os.Stderr.WriteString("fatal error: no goroutines (main called runtime.Goexit) - deadlock!\n")
	os.Exit(2)
}

//go:linkname mainGoroutine runtime.gofnMainGoroutine
func mainGoroutine(pc uintptr, done chan<- bool) {
	ok := false
	defer func() { done <- ok }()
	callVoid(pc)
	ok = true
}

//go:linkname callBBE runtime.gofnCallBBE
//go:noinline
func callBBE(pc uintptr, in []byte) ([]byte, error) {
	return funcOf[func([]byte) ([]byte, error)](pc)(in)
}

//go:linkname callBB runtime.gofnCallBB
//go:noinline
func callBB(pc uintptr, in []byte) []byte { return funcOf[func([]byte) []byte](pc)(in) }

//go:linkname callSS runtime.gofnCallSS
//go:noinline
func callSS(pc uintptr, in string) string { return funcOf[func(string) string](pc)(in) }

//go:linkname callSSE runtime.gofnCallSSE
//go:noinline
func callSSE(pc uintptr, in string) (string, error) {
	return funcOf[func(string) (string, error)](pc)(in)
}

// call makes the call of the loaded function at pc as signature sig with
// input in. ok is false for a signature it does not know.
func call(pc uintptr, sig int, in []byte) (res []byte, err error, ok bool) {
	switch sig {
	case sigVoid:
		runMain(pc)
	case sigBytesBytesErr:
		res, err = callBBE(pc, in)
	case sigBytesBytes:
		res = callBB(pc, in)
	case sigStrStr:
		res = []byte(callSS(pc, string(in)))
	case sigHTTP:
		res, err = invokeHTTP(pc, in)
	case sigStrStrErr:
		var s string
		s, err = callSSE(pc, string(in))
		res = []byte(s)
	default:
		return nil, nil, false
	}
	return res, err, true
}

// input copies a call's input out of C memory: the function may keep it.
func input(in *C.uint8_t, inlen C.size_t, sig int) []byte {
	if sig == sigVoid {
		return nil
	}
	return C.GoBytes(unsafe.Pointer(in), C.int(inlen))
}

func cbytes(b []byte, out **C.uint8_t, outlen *C.size_t) {
	p := C.malloc(C.size_t(len(b)) + 1)
	copy(unsafe.Slice((*byte)(p), len(b)), b)
	*out = (*C.uint8_t)(p)
	*outlen = C.size_t(len(b))
}

// gofnCallEntry is the call as a cgo callback (gofn_module_call). The
// worker and -run do not come this way (drive.go): a func() called here
// starts its goroutine from a locked thread.
//
//export gofnCallEntry
func gofnCallEntry(pc C.uintptr_t, sig C.int, in *C.uint8_t, inlen C.size_t,
	out **C.uint8_t, outlen *C.size_t, errmsg **C.char) C.int {
	res, err, ok := call(uintptr(pc), int(sig), input(in, inlen, int(sig)))
	if !ok {
		return -1
	}
	if sig == sigVoid {
		return 0
	}
	cbytes(res, out, outlen)
	if err != nil {
		*errmsg = C.CString(err.Error())
	}
	return 0
}

//export gofnRunInitTask
func gofnRunInitTask(task C.uintptr_t) {
	t := uintptr(task)
	state := (*uint32)(unsafe.Pointer(t))
	if *state == 2 {
		return
	}
	*state = 1
	n := *(*uint32)(unsafe.Pointer(t + 4))
	for i := uintptr(0); i < uintptr(n); i++ {
		callVoid(*(*uintptr)(unsafe.Pointer(t + 8 + 8*i)))
	}
	*state = 2
}

//export gofnGOROOT
func gofnGOROOT() *C.char {
	return C.CString(runtime.GOROOT())
}

// gofnSetenv sets one variable of the function's environment ("KEY=VALUE",
// n bytes) through os.Setenv, so os.Getenv in the function sees it.
//
//export gofnSetenv
func gofnSetenv(kv *C.char, n C.size_t) {
	s := C.GoStringN(kv, C.int(n))
	for i := 0; i < len(s); i++ {
		if s[i] == '=' {
			os.Setenv(s[:i], s[i+1:])
			return
		}
	}
}

// gofnSetArgs replaces os.Args for the loaded program, so it sees its own
// name and arguments as a native binary would, not the loader's flags.
//
//export gofnSetArgs
func gofnSetArgs(argv **C.char, argc C.int) {
	args := make([]string, int(argc))
	for i, p := range unsafe.Slice(argv, int(argc)) {
		args[i] = C.GoString(p)
	}
	os.Args = args
}

//go:linkname blockUntilEmptyFinalizerQueue runtime.blockUntilEmptyFinalizerQueue
func blockUntilEmptyFinalizerQueue(timeout int64) bool

//go:linkname blockUntilEmptyCleanupQueue unique.runtime_blockUntilEmptyCleanupQueue
func blockUntilEmptyCleanupQueue(timeout int64) bool

// gofnDrainQueues collects garbage and waits (up to a second each) until
// the finalizer and cleanup queues are empty: a finalizer or
// runtime.AddCleanup function of a loaded program runs loaded code, so
// the module must not be unmapped under it.
//
//export gofnDrainQueues
func gofnDrainQueues() C.int {
	runtime.GC()
	ok := blockUntilEmptyFinalizerQueue(1e9)
	ok = blockUntilEmptyCleanupQueue(1e9) && ok
	if !ok {
		return -1
	}
	return 0
}
