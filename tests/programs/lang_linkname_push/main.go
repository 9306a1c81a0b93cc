// Bug 2 of issue 15: functions third-party modules reach only by
// //go:linkname ("push" linknames the runtime allows), and runtime calls
// the compiler emits that the worker never made: deferprocat (a defer in a
// range-over-func body), mapdelete_fast32.
package main

import (
	"fmt"
	"iter"
	"reflect"
	"syscall"
	"unsafe"
)

//go:linkname vgetrandom runtime.vgetrandom
func vgetrandom(p []byte, flags uint32) (ret int, supported bool)

//go:linkname prlimit syscall.prlimit
func prlimit(pid int, resource int, newlimit *syscall.Rlimit, old *syscall.Rlimit) error

//go:linkname nanotime runtime.nanotime
func nanotime() int64

//go:linkname mapiterinit reflect.mapiterinit
func mapiterinit(t unsafe.Pointer, m unsafe.Pointer, it *[16]uintptr)

func seq(n int) iter.Seq[int] {
	return func(yield func(int) bool) {
		for i := 0; i < n; i++ {
			if !yield(i) {
				return
			}
		}
	}
}

func main() {
	buf := make([]byte, 16)
	ret, supported := vgetrandom(buf, 0)
	fmt.Println("vgetrandom:", !supported || ret == len(buf))
	var old syscall.Rlimit
	fmt.Println("prlimit:", prlimit(0, syscall.RLIMIT_NOFILE, nil, &old), old.Cur > 0)
	fmt.Println("nanotime:", nanotime() > 0)
	fmt.Println("mapiterinit linked:", reflect.ValueOf(mapiterinit).Pointer() != 0)

	m := map[int32]string{1: "a", 2: "b", 3: "c"}
	delete(m, 2)
	fmt.Println(len(m), m[1], m[3])
	func() {
		for i := range seq(3) {
			defer fmt.Println("deferred", i)
		}
	}()
	fmt.Println("done")
}
