// Package lib exports generic code that main instantiates with its own types.
package lib

import "cmp"

type Ordered[T cmp.Ordered] struct{ items []T }

func (o *Ordered[T]) Insert(v T) {
	i := 0
	for i < len(o.items) && cmp.Less(o.items[i], v) {
		i++
	}
	o.items = append(o.items, v)
	copy(o.items[i+1:], o.items[i:])
	o.items[i] = v
}

func (o *Ordered[T]) Items() []T { return o.items }

func Reduce[T, A any](xs []T, init A, f func(A, T) A) A {
	acc := init
	for _, x := range xs {
		acc = f(acc, x)
	}
	return acc
}

type Box[T any] struct{ V T }

func (b Box[T]) Get() T { return b.V }
