// reflect builds values and functions at run time: MakeSlice, MakeMap,
// MakeFunc, New, and types made from loaded types (SliceOf, MapOf, FuncOf).
package main

import (
	"fmt"
	"reflect"
	"sort"
)

type pair struct {
	K string
	V int
}

func main() {
	st := reflect.SliceOf(reflect.TypeOf(pair{}))
	s := reflect.MakeSlice(st, 0, 4)
	for i, k := range []string{"b", "a", "c"} {
		s = reflect.Append(s, reflect.ValueOf(pair{k, i}))
	}
	ps := s.Interface().([]pair)
	sort.Slice(ps, func(i, j int) bool { return ps[i].K < ps[j].K })
	fmt.Println(st, ps)

	mt := reflect.MapOf(reflect.TypeOf(""), reflect.TypeOf(pair{}))
	m := reflect.MakeMap(mt)
	m.SetMapIndex(reflect.ValueOf("x"), reflect.ValueOf(pair{"x", 1}))
	fmt.Println(mt, m.Len(), m.MapIndex(reflect.ValueOf("x")))

	var add func(int, int) int
	fv := reflect.MakeFunc(reflect.TypeOf(add), func(args []reflect.Value) []reflect.Value {
		return []reflect.Value{reflect.ValueOf(int(args[0].Int() + args[1].Int()))}
	})
	reflect.ValueOf(&add).Elem().Set(fv)
	fmt.Println(add(40, 2))

	p := reflect.New(reflect.TypeOf(pair{}))
	p.Elem().Field(1).SetInt(5)
	fmt.Printf("%T %+v\n", p.Interface(), p.Elem().Interface())
	ft := reflect.FuncOf([]reflect.Type{reflect.TypeOf(pair{})}, []reflect.Type{reflect.TypeOf(0)}, false)
	fmt.Println(ft)
}
