// unsafe.Sizeof/Alignof/Offsetof of loaded types (fixed on linux/amd64),
// unsafe.Slice/String/StringData, and pointer arithmetic with unsafe.Add.
package main

import (
	"fmt"
	"unsafe"
)

type rec struct {
	a bool
	b int64
	c uint16
	d *int
	e [3]byte
	f any
	g string
	h []int
}

func main() {
	var r rec
	fmt.Println(unsafe.Sizeof(r), unsafe.Alignof(r.b), unsafe.Offsetof(r.c), unsafe.Offsetof(r.f), unsafe.Offsetof(r.h))
	arr := [4]int32{10, 20, 30, 40}
	p := unsafe.Pointer(&arr[0])
	third := *(*int32)(unsafe.Add(p, 2*unsafe.Sizeof(arr[0])))
	sl := unsafe.Slice(&arr[1], 2)
	b := []byte("bytes")
	s := unsafe.String(&b[0], len(b))
	fmt.Println(third, sl, s, *unsafe.StringData("x") == 'x')
	f := 1.5
	fmt.Printf("%#x\n", *(*uint64)(unsafe.Pointer(&f)))
}
