// Generic types: a stack, a linked list with an iterator, a generic map
// wrapper, instantiated with loaded and host types; %T names them.
package main

import (
	"fmt"
	"iter"
	"sort"
)

type Stack[T any] struct{ items []T }

func (s *Stack[T]) Push(v T) { s.items = append(s.items, v) }
func (s *Stack[T]) Pop() (T, bool) {
	var zero T
	if len(s.items) == 0 {
		return zero, false
	}
	v := s.items[len(s.items)-1]
	s.items = s.items[:len(s.items)-1]
	return v, true
}

type List[T comparable] struct {
	head *elem[T]
	size int
}

type elem[T comparable] struct {
	val  T
	next *elem[T]
}

func (l *List[T]) Add(v T) { l.head = &elem[T]{v, l.head}; l.size++ }
func (l *List[T]) All() iter.Seq[T] {
	return func(yield func(T) bool) {
		for e := l.head; e != nil; e = e.next {
			if !yield(e.val) {
				return
			}
		}
	}
}
func (l *List[T]) Contains(v T) bool {
	for x := range l.All() {
		if x == v {
			return true
		}
	}
	return false
}

type Set[K comparable] map[K]struct{}

func (s Set[K]) Add(k K)      { s[k] = struct{}{} }
func (s Set[K]) Has(k K) bool { _, ok := s[k]; return ok }
func Keys[K comparable](s Set[K]) []K {
	var out []K
	for k := range s {
		out = append(out, k)
	}
	return out
}

type Pair[A any, B any] struct {
	First  A
	Second B
}

type point struct{ x, y int }

func main() {
	var s Stack[point]
	s.Push(point{1, 2})
	s.Push(point{3, 4})
	v, ok := s.Pop()
	fmt.Println(v, ok, len(s.items))
	var l List[string]
	for _, w := range []string{"a", "b", "c"} {
		l.Add(w)
	}
	for w := range l.All() {
		fmt.Print(w, " ")
	}
	fmt.Println(l.size, l.Contains("b"), l.Contains("z"))
	set := Set[int]{}
	for _, n := range []int{3, 1, 3, 2} {
		set.Add(n)
	}
	ks := Keys(set)
	sort.Ints(ks)
	fmt.Println(ks, set.Has(2), set.Has(5))
	p := Pair[string, []point]{"pts", []point{{1, 1}}}
	fmt.Printf("%T %+v\n", p, p)
	fmt.Printf("%T %T %T\n", s, l, set)
}
