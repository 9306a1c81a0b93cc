package main

// Per-invocation profiles with the runtime's own runtime/pprof, for the C
// side (loader/profile.h). gofnProfileStart runs right before one call and
// gofnProfileStop right after it, so the CPU profile covers exactly that
// call; the other kinds are snapshots the runtime keeps for the whole
// process, written after the call (a worker holds one function only).
//
// The profiles show the tenant's code, not gofn's: memory sampling is on
// only between the CPU profile's start and stop (so the profile builder's
// gzip and proto work after the call is never sampled), and the samples of
// runtime/pprof's writer goroutine, which converts CPU samples while the
// call runs, are removed from every profile (pproffilter).

/*
#include <stdint.h>
#include <stdlib.h>
*/
import "C"

import (
	"bytes"
	"runtime"
	"runtime/pprof"
	"unsafe"

	"gofn/loader/host/pproffilter"
)

// gofnFrames name the functions whose samples are gofn's own work: the
// CPU profile's writer goroutine, and the start and stop around the call.
var gofnFrames = []string{"runtime/pprof.profileWriter", "main.gofnProfileStart", "main.gofnProfileStop"}

// The kinds of api/profile.h, in its order; each is also a pprof.Lookup name.
var profileNames = [...]string{"cpu", "heap", "allocs", "goroutine", "mutex", "block"}

const (
	profCPU = 1 << iota
	profHeap
	profAllocs
	profGoroutine
	profMutex
	profBlock
)

// Allocations made while a heap or allocs profile is on are sampled every
// this many bytes on average, so a single call's allocation sites show
// (the runtime's default of 512 KiB misses most of them).
const profiledMemRate = 4096

var profiling struct {
	kinds      uint
	cpu        bytes.Buffer
	memRate    int
	cpuRunning bool
}

// gofnProfileStart starts the profiles of kinds; hz > 0 sets the CPU
// sampling rate. Returns NULL, or a malloc'd message if the CPU profile
// could not start (the other kinds are on regardless).
//
//export gofnProfileStart
func gofnProfileStart(kinds C.uint, hz C.int) *C.char {
	p := &profiling
	p.kinds = uint(kinds)
	p.cpu.Reset()
	var msg *C.char
	if p.kinds&profCPU != 0 {
		msg = startCPU(hz)
	}
	// After the CPU profile's start: its setup is not the call's.
	if p.kinds&(profHeap|profAllocs) != 0 {
		p.memRate = runtime.MemProfileRate
		runtime.MemProfileRate = profiledMemRate
	}
	if p.kinds&profMutex != 0 {
		runtime.SetMutexProfileFraction(1)
	}
	if p.kinds&profBlock != 0 {
		runtime.SetBlockProfileRate(1)
	}
	return msg
}

func startCPU(hz C.int) *C.char {
	p := &profiling
	// StartCPUProfile always asks for 100 Hz; a rate set before it wins
	// (the runtime then prints a warning, which the caller discards).
	custom := hz > 0 && hz != 100
	if custom {
		runtime.SetCPUProfileRate(int(hz))
	}
	if err := pprof.StartCPUProfile(&p.cpu); err != nil {
		if custom {
			runtime.SetCPUProfileRate(0)
		}
		return C.CString("cpu profile: " + err.Error())
	}
	p.cpuRunning = true
	return nil
}

// gofnProfileStop stops what gofnProfileStart started and writes each
// profile, gzip'd profile.proto as runtime/pprof produces it, into
// out[kind] (malloc'd) and outlen[kind]. A profile over max bytes is
// dropped: out[kind] stays NULL with outlen[kind] its size.
//
//export gofnProfileStop
func gofnProfileStop(max C.size_t, out **C.uint8_t, outlen *C.size_t) {
	p := &profiling
	outs := unsafe.Slice(out, len(profileNames))
	lens := unsafe.Slice(outlen, len(profileNames))
	// The call is over: what follows (building, gzip, snapshots) is
	// gofn's, and no allocation of it is sampled.
	if p.kinds&(profHeap|profAllocs) != 0 {
		runtime.MemProfileRate = 0
	}
	if p.cpuRunning {
		pprof.StopCPUProfile()
		p.cpuRunning = false
		put(p.cpu.Bytes(), max, &outs[0], &lens[0])
		p.cpu.Reset()
	}
	if p.kinds&(profHeap|profAllocs) != 0 {
		// The heap profile is as of the last completed GC: make the
		// call's allocations part of it.
		runtime.GC()
	}
	for k := 1; k < len(profileNames); k++ {
		if p.kinds&(1<<k) == 0 {
			continue
		}
		var b bytes.Buffer
		if pprof.Lookup(profileNames[k]).WriteTo(&b, 0) == nil {
			put(b.Bytes(), max, &outs[k], &lens[k])
		}
	}
	if p.kinds&(profHeap|profAllocs) != 0 {
		// Back to the process's rate for what runs unprofiled.
		runtime.MemProfileRate = p.memRate
	}
	if p.kinds&profMutex != 0 {
		runtime.SetMutexProfileFraction(0)
	}
	if p.kinds&profBlock != 0 {
		runtime.SetBlockProfileRate(0)
	}
	p.kinds = 0
}

func put(b []byte, max C.size_t, out **C.uint8_t, outlen *C.size_t) {
	if f, _, err := pproffilter.Drop(b, gofnFrames...); err == nil {
		b = f
	}
	*outlen = C.size_t(len(b))
	if C.size_t(len(b)) > max || len(b) == 0 {
		return
	}
	cbytes(b, out, outlen)
}
