// Two-object link unit: generic types and functions from the library,
// instantiated in main with main's own types.
package main

import (
	"fmt"

	"corpus/twopkg_generics/lib"
)

type score float32

type rec struct {
	name string
	n    int
}

func main() {
	var o lib.Ordered[score]
	for _, s := range []score{3.5, 1, 2.25, 9} {
		o.Insert(s)
	}
	fmt.Println(o.Items())
	var w lib.Ordered[string]
	w.Insert("pear")
	w.Insert("apple")
	fmt.Println(w.Items())
	recs := []rec{{"a", 1}, {"b", 2}, {"c", 3}}
	fmt.Println(lib.Reduce(recs, "", func(acc string, r rec) string { return acc + r.name }))
	fmt.Println(lib.Reduce(recs, 0, func(acc int, r rec) int { return acc + r.n }))
	b := lib.Box[rec]{rec{"z", 26}}
	fmt.Printf("%T %+v\n", b, b.Get())
}
