package main

import "C"

import (
	"runtime/debug"
	"runtime/metrics"
)

// gofnFreeOSMemory runs a GC and returns every free page of the Go heap to
// the system, for an idle worker's trim (cli/worker_trim.c): the runtime's
// own scavenger returns free pages only gradually, and a GC may not run
// for two minutes in a worker that allocates nothing.
//
//export gofnFreeOSMemory
func gofnFreeOSMemory() {
	debug.FreeOSMemory()
}

// keptSamples: all the memory the Go runtime mapped, and the part of its
// heap it returned to the system.
var keptSamples = []metrics.Sample{
	{Name: "/memory/classes/total:bytes"},
	{Name: "/memory/classes/heap/released:bytes"},
}

// gofnGoKept returns the bytes the Go runtime holds and has not returned
// to the system: at most what gofnFreeOSMemory could give back, so the
// trim can tell whether it has grown since the last one (worker_trim.h).
// runtime/metrics reads the runtime's counters without stopping the world
// (runtime.ReadMemStats would) and, for these two values, allocates
// nothing.
//
//export gofnGoKept
func gofnGoKept() C.ulonglong {
	metrics.Read(keptSamples)
	total, released := keptSamples[0].Value.Uint64(), keptSamples[1].Value.Uint64()
	if released > total {
		return 0
	}
	return C.ulonglong(total - released)
}
