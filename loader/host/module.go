package main

// The Go side of registering a loaded unit with the runtime as a module
// (loader/moduledata.c builds the moduledata; loader/rt_bridge.h declares
// these exports). Everything here touches runtime internals through
// //go:linkname, which the worker is built to allow (-checklinkname=0).
// The layout of runtime.moduledata stays in loader/goNNN_rt.h (one per release): C passes the
// offsets we need.

/*
#include <stddef.h>
#include <stdint.h>
*/
import "C"

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

//go:linkname rtFirstmoduledata runtime.firstmoduledata
var rtFirstmoduledata uintptr // only its address is used

//go:linkname rtLastmoduledatap runtime.lastmoduledatap
var rtLastmoduledatap uintptr // *moduledata (not in the Go heap)

//go:linkname rtModulesinit runtime.modulesinit
func rtModulesinit()

//go:linkname rtModuledataverify1 runtime.moduledataverify1
func rtModuledataverify1(md unsafe.Pointer)

// runtime.itabLock is a runtime.mutex: one key word in release builds
// (runtime/lock_spinbit.go; lock ranking off).
//
//go:linkname rtItabLock runtime.itabLock
var rtItabLock uintptr

//go:linkname rtItabTable runtime.itabTable
var rtItabTable unsafe.Pointer // *itabTableType{size, count uintptr; entries [size]*itab}

//go:linkname rtLock runtime.lock
func rtLock(l *uintptr)

//go:linkname rtUnlock runtime.unlock
func rtUnlock(l *uintptr)

//go:linkname rtItabAdd runtime.itabAdd
func rtItabAdd(m unsafe.Pointer)

// modulesinit may run in one goroutine at a time (runtime/symtab.go).
var moduleMu sync.Mutex

func mdNext(md uintptr, nextOff uintptr) *uintptr {
	return (*uintptr)(unsafe.Pointer(md + nextOff))
}

//export gofnFirstModuledata
func gofnFirstModuledata() unsafe.Pointer {
	return unsafe.Pointer(&rtFirstmoduledata)
}

//export gofnRegisterModule
func gofnRegisterModule(md unsafe.Pointer, nextOff C.size_t, types *unsafe.Pointer, ntypes C.size_t,
	itabs *unsafe.Pointer, nitabs C.size_t) C.int {
	moduleMu.Lock()
	defer moduleMu.Unlock()
	// Throws (a fatal error naming the problem) if our tables are wrong;
	// C validated them, so this is the runtime's own assertion.
	rtModuledataverify1(md)
	p := uintptr(md)
	*mdNext(p, uintptr(nextOff)) = 0
	atomic.StoreUintptr(mdNext(rtLastmoduledatap, uintptr(nextOff)), p)
	rtLastmoduledatap = p
	if ntypes > 0 {
		publishTypelinks(md, unsafe.Slice(types, int(ntypes)))
	}
	rtModulesinit()
	if nitabs > 0 {
		tabs := unsafe.Slice(itabs, int(nitabs))
		rtLock(&rtItabLock)
		for _, m := range tabs {
			rtItabAdd(m)
		}
		rtUnlock(&rtItabLock)
	}
	return 0
}

type memRanges []uintptr // lo, hi pairs

func (r memRanges) has(p uintptr) bool {
	for i := 0; i+1 < len(r); i += 2 {
		if p >= r[i] && p < r[i+1] {
			return true
		}
	}
	return false
}

// itab layout: internal/abi/iface.go ITab{Inter, Type, ...}.
func itabMentions(m unsafe.Pointer, r memRanges) bool {
	w := (*[2]uintptr)(m)
	return r.has(uintptr(m)) || r.has(w[0]) || r.has(w[1])
}

// dropItabs rebuilds the runtime's itab hash table without the itabs of
// the unit or of its types: the table is open-addressed with no deletion,
// so we publish an empty table and re-add the survivors, all under
// itabLock (lock-free readers that miss then take the lock and wait).
func dropItabs(r memRanges) {
	rtLock(&rtItabLock)
	t := rtItabTable
	size := *(*uintptr)(t)
	entries := unsafe.Slice((*unsafe.Pointer)(unsafe.Add(t, 2*unsafe.Sizeof(uintptr(0)))), size)
	keep := make([]unsafe.Pointer, 0, size)
	dropped := 0
	for _, m := range entries {
		if m == nil {
			continue
		}
		if itabMentions(m, r) {
			dropped++
			continue
		}
		keep = append(keep, m)
	}
	if dropped > 0 {
		fresh := make([]uintptr, 2+size) // noscan, like the runtime's own tables
		fresh[0] = size
		atomic.StorePointer(&rtItabTable, unsafe.Pointer(&fresh[0]))
		for _, m := range keep {
			rtItabAdd(m)
		}
	}
	rtUnlock(&rtItabLock)
}

// resetCaches points every host type-assertion/interface-switch call site
// whose cache mentions the unit back at the runtime's empty cache. The
// store goes through Go (atomic.StorePointer) so the GC's write barrier
// sees the old cache leave.
func resetCaches(triples []C.uintptr_t, r memRanges) {
	for i := 0; i+2 < len(triples); i += 3 {
		slot := (*unsafe.Pointer)(unsafe.Pointer(uintptr(triples[i])))
		words := uintptr(triples[i+1])
		empty := unsafe.Pointer(uintptr(triples[i+2]))
		c := atomic.LoadPointer(slot)
		if c == nil || c == empty {
			continue
		}
		n := *(*uintptr)(c) + 1 // Mask+1 entries follow the mask word
		entries := unsafe.Slice((*uintptr)(unsafe.Add(c, unsafe.Sizeof(uintptr(0)))), n*words)
		for e := uintptr(0); e < n; e++ {
			typ, itab := entries[e*words], entries[e*words+words-1]
			if r.has(typ) || r.has(itab) {
				atomic.StorePointer(slot, empty)
				break
			}
		}
	}
}

// onSomeStack reports whether any user goroutine has a pc in r among
// its innermost frames (runtime.StackRecord keeps 32).
func onSomeStack(r memRanges) bool {
	for {
		recs := make([]runtime.StackRecord, runtime.NumGoroutine()+16)
		n, ok := runtime.GoroutineProfile(recs)
		if !ok {
			continue // goroutines were created meanwhile
		}
		for _, rec := range recs[:n] {
			for _, pc := range rec.Stack() {
				if r.has(pc) {
					return true
				}
			}
		}
		return false
	}
}

// unitIdle gives goroutines that are finishing the unit's code (e.g.
// senders woken by main's last receive) about 100 ms to exit. Each check
// stops the world, which takes milliseconds when a goroutine spins, so the
// budget is time, not a number of checks.
func unitIdle(r memRanges) bool {
	deadline := time.Now().Add(100 * time.Millisecond)
	for i := 0; ; i++ {
		if !onSomeStack(r) {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		if i < 5 {
			runtime.Gosched()
		} else {
			time.Sleep(5 * time.Millisecond)
		}
	}
}

//export gofnUnregisterModule
func gofnUnregisterModule(md unsafe.Pointer, nextOff C.size_t, ranges *C.uintptr_t, nranges C.size_t,
	caches *C.uintptr_t, ncaches C.size_t) C.int {
	moduleMu.Lock()
	defer moduleMu.Unlock()
	r := make(memRanges, 2*int(nranges))
	for i, v := range unsafe.Slice(ranges, 2*int(nranges)) {
		r[i] = uintptr(v)
	}
	if !unitIdle(r) {
		return 1
	}
	dropItabs(r)
	if ncaches > 0 {
		resetCaches(unsafe.Slice(caches, 3*int(ncaches)), r)
	}
	p := uintptr(md)
	no := uintptr(nextOff)
	prev := uintptr(unsafe.Pointer(&rtFirstmoduledata))
	for *mdNext(prev, no) != 0 && *mdNext(prev, no) != p {
		prev = *mdNext(prev, no)
	}
	if *mdNext(prev, no) == p {
		atomic.StoreUintptr(mdNext(prev, no), *mdNext(p, no))
		if rtLastmoduledatap == p {
			rtLastmoduledatap = prev
		}
	}
	forgetTypelinks(md)
	rtModulesinit()
	// One full cycle so no mark phase still holds the old module list.
	runtime.GC()
	return 0
}
