// Map operations printed in sorted order: insert, update, delete, lookup,
// growth, struct and array keys, clear, maps of maps.
package main

import (
	"fmt"
	"maps"
	"slices"
)

type key struct {
	a string
	b [2]int
}

func main() {
	m := map[string]int{}
	for i := 0; i < 1000; i++ {
		m[fmt.Sprintf("k%03d", i%300)] += i
	}
	delete(m, "k000")
	v, ok := m["k001"]
	_, missing := m["nope"]
	fmt.Println(len(m), v, ok, missing)
	keys := slices.Sorted(maps.Keys(m))
	fmt.Println(keys[:3], keys[len(keys)-1])

	sk := map[key]float64{{"x", [2]int{1, 2}}: 1.5, {"y", [2]int{0, 0}}: 2}
	sk[key{"x", [2]int{1, 2}}] *= 2
	fmt.Println(sk[key{"x", [2]int{1, 2}}], len(sk))

	nested := map[string]map[int]bool{}
	for _, w := range []string{"a", "b", "a"} {
		if nested[w] == nil {
			nested[w] = map[int]bool{}
		}
		nested[w][len(nested[w])] = true
	}
	fmt.Println(len(nested["a"]), len(nested["b"]))
	clear(m)
	fmt.Println(len(m))
	fm := map[float64]int{0.1: 1}
	fm[0.1+0.2]++
	fmt.Println(len(fm))
}
