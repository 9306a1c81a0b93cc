// Generic code shared between instantiations of the same shape (pointer
// types share one body and differ only by dictionary): type switches on T,
// methods of type parameters, generic methods reached through interfaces,
// conversions to interfaces inside generic code, and new(T)/make of T.
package main

import (
	"fmt"
	"strings"
)

type Named interface{ Name() string }

type dog struct{ n string }
type cat struct{ n string }

func (d *dog) Name() string { return "dog:" + d.n }
func (c *cat) Name() string { return "cat:" + c.n }

func Names[T Named](xs []T) string {
	var parts []string
	for _, x := range xs {
		parts = append(parts, x.Name())
	}
	return strings.Join(parts, ",")
}

func Kind[T any](v T) string {
	switch any(v).(type) {
	case *dog:
		return "a dog pointer"
	case *cat:
		return "a cat pointer"
	case fmt.Stringer:
		return "a stringer"
	case int, int8:
		return "an int"
	}
	return fmt.Sprintf("%T", v)
}

type Box[T any] struct{ v T }

func (b *Box[T]) Get() T           { return b.v }
func (b *Box[T]) Set(v T)          { b.v = v }
func (b *Box[T]) Describe() string { return fmt.Sprintf("Box[%T]=%v", b.v, b.v) }

type describer interface{ Describe() string }

func Fresh[T any]() *T { return new(T) }

func MakeMap[K comparable, V any](keys []K, f func(K) V) map[K]V {
	m := make(map[K]V, len(keys))
	for _, k := range keys {
		m[k] = f(k)
	}
	return m
}

type ID int

func (i ID) String() string { return fmt.Sprintf("#%d", int(i)) }

func main() {
	fmt.Println(Names([]*dog{{"rex"}, {"fido"}}), Names([]*cat{{"tom"}}))
	fmt.Println(Kind(&dog{}), Kind(&cat{}), Kind(ID(3)), Kind(int8(1)), Kind([]string{}), Kind(new(ID)))
	var ds []describer
	bi := &Box[int]{}
	bi.Set(4)
	bs := &Box[*dog]{}
	bs.Set(&dog{"box"})
	ds = append(ds, bi, bs, &Box[ID]{7}, &Box[[]string]{[]string{"a"}})
	for _, d := range ds {
		fmt.Println(d.Describe())
	}
	fmt.Println(bs.Get().Name(), *Fresh[int](), Fresh[dog]().n == "", len(*Fresh[[]byte]()))
	m := MakeMap([]ID{1, 2}, ID.String)
	fmt.Println(m[2], len(m))
}
