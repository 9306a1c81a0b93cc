// Package-level variables hold the only references to heap data across GCs;
// the loader must describe them in the module's data/bss GC masks.
package main

import (
	"fmt"
	"runtime"
	"strings"
)

var (
	words   []string
	table   map[string][]int
	root    *tree
	iface   any
	counter = new(int)
)

type tree struct {
	left, right *tree
	key         string
}

func insert(t *tree, k string) *tree {
	if t == nil {
		return &tree{key: k}
	}
	if k < t.key {
		t.left = insert(t.left, k)
	} else {
		t.right = insert(t.right, k)
	}
	return t
}

func walk(t *tree, f func(string)) {
	if t != nil {
		walk(t.left, f)
		f(t.key)
		walk(t.right, f)
	}
}

func churn() {
	for i := 0; i < 20000; i++ {
		_ = make([]byte, 128)
	}
}

func main() {
	for i := 0; i < 50; i++ {
		w := strings.Repeat(string(rune('a'+i%26)), 1+i%7)
		words = append(words, w)
	}
	table = map[string][]int{}
	for i, w := range words {
		table[w] = append(table[w], i)
		root = insert(root, fmt.Sprintf("%s-%02d", w, i))
	}
	iface = &struct{ s []string }{s: words[:3]}
	*counter = 7
	for i := 0; i < 5; i++ {
		churn()
		runtime.GC()
	}
	var b strings.Builder
	n := 0
	walk(root, func(k string) {
		if n < 5 {
			b.WriteString(k + " ")
		}
		n++
	})
	fmt.Println(len(words), len(table), n, *counter)
	fmt.Println(b.String())
	fmt.Println(table["aaa"], iface.(*struct{ s []string }).s)
}
