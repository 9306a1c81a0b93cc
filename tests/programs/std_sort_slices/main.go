// sort and slices: sorting loaded types by several keys, stable sort, binary
// search, and the generic slices helpers.
package main

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
)

type emp struct {
	name string
	dept string
	age  int
}

func main() {
	es := []emp{{"eve", "ops", 30}, {"bob", "dev", 25}, {"amy", "dev", 30}, {"dan", "ops", 25}, {"cat", "dev", 41}}
	sort.SliceStable(es, func(i, j int) bool { return es[i].age < es[j].age })
	fmt.Println(es)
	slices.SortFunc(es, func(a, b emp) int {
		return cmp.Or(cmp.Compare(a.dept, b.dept), cmp.Compare(b.age, a.age), cmp.Compare(a.name, b.name))
	})
	fmt.Println(es)
	xs := []int{5, 2, 8, 1, 9, 3}
	sort.Ints(xs)
	fmt.Println(xs, sort.SearchInts(xs, 8), sort.IsSorted(sort.IntSlice(xs)))
	idx, found := slices.BinarySearch(xs, 4)
	fmt.Println(idx, found, slices.Index(xs, 9), slices.Contains(xs, 7))
	fmt.Println(slices.Max(xs), slices.Min(xs), slices.Compact([]int{1, 1, 2, 2, 2, 3}))
	ys := slices.Clone(xs)
	slices.Reverse(ys)
	fmt.Println(ys, slices.Equal(xs, ys), slices.Insert([]int{1, 4}, 1, 2, 3), slices.Delete([]int{0, 1, 2, 3}, 1, 3))
	strs := []string{"pear", "Apple", "fig"}
	sort.Strings(strs)
	fmt.Println(strs, slices.IndexFunc(strs, func(s string) bool { return len(s) == 3 }))
	fmt.Println(slices.Repeat([]int{1, 2}, 2), slices.Concat([]int{1}, []int{2, 3}))
}
