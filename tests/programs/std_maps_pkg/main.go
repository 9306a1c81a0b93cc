// The maps package and deterministic printing of maps (fmt sorts keys).
package main

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

func main() {
	m := map[string]int{"z": 26, "a": 1, "m": 13}
	fmt.Println(m)
	c := maps.Clone(m)
	c["b"] = 2
	fmt.Println(maps.Equal(m, c), len(c))
	maps.DeleteFunc(c, func(k string, v int) bool { return v > 10 })
	fmt.Println(c)
	vals := slices.Sorted(maps.Values(m))
	fmt.Println(vals)
	inv := maps.Collect(func(yield func(int, string) bool) {
		for k, v := range m {
			if !yield(v, strings.ToUpper(k)) {
				return
			}
		}
	})
	fmt.Println(inv)
	dst := map[string]int{"a": 100}
	maps.Copy(dst, m)
	fmt.Println(dst, map[[2]int]string{{2, 1}: "b", {1, 9}: "a"})
}
