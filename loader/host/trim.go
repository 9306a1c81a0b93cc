package main

import "C"

import "runtime/debug"

// gofnFreeOSMemory runs a GC and returns every free page of the Go heap to
// the system, for an idle worker's trim (cli/worker_trim.c): the runtime's
// own scavenger returns free pages only gradually, and a GC may not run
// for two minutes in a worker that allocates nothing.
//
//export gofnFreeOSMemory
func gofnFreeOSMemory() {
	debug.FreeOSMemory()
}
