// Maps and slices of pointers survive repeated GC under allocation pressure.
package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

type item struct {
	name string
	vals []int
}

func main() {
	debug.SetGCPercent(5)
	m := make(map[int]*item)
	var s []*item
	for i := 0; i < 20000; i++ {
		it := &item{name: fmt.Sprint("item", i), vals: make([]int, i%10)}
		for j := range it.vals {
			it.vals[j] = i + j
		}
		m[i] = it
		if i%3 == 0 {
			s = append(s, it)
		}
		if i%2 == 0 {
			delete(m, i/2)
		}
	}
	runtime.GC()
	total := 0
	for k, v := range m {
		total += k + len(v.name)
		for _, x := range v.vals {
			total += x
		}
	}
	for _, v := range s {
		total += len(v.vals)
	}
	fmt.Println(len(m), len(s), total)
}
