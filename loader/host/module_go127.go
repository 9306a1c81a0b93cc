//go:build go1.27

package main

import "unsafe"

// Since Go 1.27 moduledata has no typelinks: runtime/type.go
// moduleTypelinks walks the descriptors laid end to end after md.types and
// caches the result per module in moduleToTypelinks. A loaded unit's
// descriptors are not laid out that way (loader/go127_rt.c), so its sorted
// typelinks go straight into that cache, under its lock, before
// modulesinit runs typelinksinit; reflect (typesByString) and the typemap
// then see them as for any module. Unload removes the entry: a later unit
// may get the same moduledata address.

//go:linkname rtModuleToTypelinks runtime.moduleToTypelinks
var rtModuleToTypelinks map[unsafe.Pointer][]unsafe.Pointer // map[*moduledata][]*_type

//go:linkname rtModuleToTypelinksLock runtime.moduleToTypelinksLock
var rtModuleToTypelinksLock uintptr // runtime.mutex: one key word in release builds

func publishTypelinks(md unsafe.Pointer, types []unsafe.Pointer) {
	tl := append([]unsafe.Pointer(nil), types...) // the runtime keeps it
	rtLock(&rtModuleToTypelinksLock)
	if rtModuleToTypelinks == nil {
		rtModuleToTypelinks = make(map[unsafe.Pointer][]unsafe.Pointer)
	}
	rtModuleToTypelinks[md] = tl
	rtUnlock(&rtModuleToTypelinksLock)
}

func forgetTypelinks(md unsafe.Pointer) {
	rtLock(&rtModuleToTypelinksLock)
	delete(rtModuleToTypelinks, md)
	rtUnlock(&rtModuleToTypelinksLock)
}
