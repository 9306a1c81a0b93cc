// Types with more pointer data than fits an inline GC mask (the runtime
// builds their masks on demand, writing into the type's GC data): heap
// objects, a slice element type and a package-level variable of such a type,
// all scanned by GC with their referents reachable only through them.
package main

import (
	"fmt"
	"runtime"
)

type huge struct {
	head  string
	slots [20000]*int // 160 KB of pointers
	tail  []byte
}

type row struct {
	cells [3000]*string
	n     int
}

var global huge

func fill(h *huge, base int) {
	for i := range h.slots {
		if i%7 == 0 {
			v := base + i
			h.slots[i] = &v
		}
	}
	h.head = fmt.Sprint("h", base)
	h.tail = make([]byte, base%100)
}

func sum(h *huge) (s int) {
	for _, p := range h.slots {
		if p != nil {
			s += *p
		}
	}
	return s + len(h.head) + len(h.tail)
}

func main() {
	fill(&global, 1)
	hs := make([]*huge, 4)
	for i := range hs {
		hs[i] = new(huge)
		fill(hs[i], (i+2)*1000)
	}
	rows := make([]row, 5)
	for i := range rows {
		for j := range rows[i].cells {
			if j%100 == 0 {
				s := fmt.Sprint(i, "/", j)
				rows[i].cells[j] = &s
			}
		}
		rows[i].n = i
	}
	for k := 0; k < 4; k++ {
		runtime.GC()
		for i := 0; i < 200; i++ {
			_ = make([]*int, 1000)
		}
	}
	total := sum(&global)
	for _, h := range hs {
		total += sum(h)
	}
	cells := 0
	for _, r := range rows {
		for _, c := range r.cells {
			if c != nil {
				cells += len(*c)
			}
		}
	}
	fmt.Println(total, cells, *rows[4].cells[2900])
}
