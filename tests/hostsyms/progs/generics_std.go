// Generic std APIs: the tenant's object carries the instantiations, whose
// bodies reach into package internals the worker must still provide.
package main

import (
	"cmp"
	"fmt"
	"iter"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"unique"
)

type pair struct {
	k string
	v int
}

func main() {
	m := map[string]int{"b": 2, "a": 1, "c": 3}
	keys := slices.Sorted(maps.Keys(m))
	ps := make([]pair, 0, len(m))
	for _, k := range keys {
		ps = append(ps, pair{k, m[k]})
	}
	slices.SortStableFunc(ps, func(x, y pair) int { return cmp.Compare(y.v, x.v) })
	i, found := slices.BinarySearchFunc(keys, "b", strings.Compare)
	next, stop := iter.Pull(slices.Values(keys))
	defer stop()
	first, _ := next()
	var p atomic.Pointer[pair]
	p.Store(&ps[0])
	once := sync.OnceValue(func() int { return len(keys) })
	h := unique.Make("gofn")
	c := maps.Clone(m)
	idx := sort.SearchInts([]int{1, 3, 5}, 3)
	fmt.Println(keys, ps, i, found, first, p.Load().k, once(), h.Value(), len(c), idx,
		slices.Max(keys), min("x", "y"), slices.Collect(maps.Values(map[int]int{1: 1})))
}
