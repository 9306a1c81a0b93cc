// Bug 1 of issue 15: a map keyed by a 3-byte struct hashes with
// runtime.memhash_varlen, which the worker itself never used.
package main

import (
	"fmt"
	"sort"
)

type K struct{ a, b, c byte }

func count[T comparable](xs []T) map[T]int {
	m := map[T]int{}
	for _, x := range xs {
		m[x]++
	}
	return m
}

func main() {
	m := map[K]int{{1, 2, 3}: 4}
	m[K{4, 5, 6}] = 7
	fmt.Println(m[K{1, 2, 3}], m[K{4, 5, 6}], len(m))
	c := count([]K{{1, 1, 1}, {1, 1, 1}, {2, 2, 2}})
	var keys []string
	for k, v := range c {
		keys = append(keys, fmt.Sprint(k.a, k.b, k.c, "=", v))
	}
	sort.Strings(keys)
	fmt.Println(keys)
}
