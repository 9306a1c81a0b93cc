//go:build !go1.27

package main

import "unsafe"

// Up to Go 1.26 a module's typelinks are a moduledata field, which
// loader/go126_rt.c fills: nothing to publish here.

func publishTypelinks(md unsafe.Pointer, types []unsafe.Pointer) {}

func forgetTypelinks(md unsafe.Pointer) {}
