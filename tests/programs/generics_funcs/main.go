// Generic functions instantiated with loaded and host types: Map, Filter,
// Reduce, constraints with ~ and methods, and type inference.
package main

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"
)

type Number interface {
	~int | ~int64 | ~float64
}

type meters int

func Map[T, U any](xs []T, f func(T) U) []U {
	out := make([]U, 0, len(xs))
	for _, x := range xs {
		out = append(out, f(x))
	}
	return out
}

func Filter[T any](xs []T, keep func(T) bool) []T {
	var out []T
	for _, x := range xs {
		if keep(x) {
			out = append(out, x)
		}
	}
	return out
}

func Sum[T Number](xs []T) T {
	var s T
	for _, x := range xs {
		s += x
	}
	return s
}

func Max[T cmp.Ordered](a T, rest ...T) T {
	m := a
	for _, r := range rest {
		m = max(m, r)
	}
	return m
}

type Stringer interface{ String() string }

func (m meters) String() string { return strconv.Itoa(int(m)) + "m" }

func JoinAll[T Stringer](xs []T) string {
	return strings.Join(Map(xs, T.String), ",")
}

func main() {
	ints := []int{1, 2, 3, 4, 5, 6}
	fmt.Println(Map(ints, func(i int) string { return strconv.Itoa(i * i) }))
	fmt.Println(Filter(ints, func(i int) bool { return i%2 == 0 }))
	fmt.Println(Sum(ints), Sum([]float64{1.5, 2.25}), Sum([]meters{3, 4}))
	fmt.Println(Max(3, 9, 2), Max("b", "a", "c"), Max(2.5))
	fmt.Println(JoinAll([]meters{1, 20, 300}))
	fmt.Printf("%T %T\n", Map[int, meters], Sum[meters])
}
