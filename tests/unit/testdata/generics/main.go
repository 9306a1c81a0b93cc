// Generics, interfaces, type switches, errors and recover.
package main

import (
	"errors"
	"fmt"
	"sort"
)

type Number interface{ ~int | ~float64 }

func Sum[T Number](xs []T) T {
	var s T
	for _, x := range xs {
		s += x
	}
	return s
}

type Stack[T any] struct{ items []T }

func (s *Stack[T]) Push(x T) { s.items = append(s.items, x) }

var ErrEmpty = errors.New("empty")

func (s *Stack[T]) Pop() (T, error) {
	var zero T
	if len(s.items) == 0 {
		return zero, ErrEmpty
	}
	x := s.items[len(s.items)-1]
	s.items = s.items[:len(s.items)-1]
	return x, nil
}

func kind(v any) string {
	switch v.(type) {
	case int:
		return "int"
	case string:
		return "string"
	}
	return "other"
}

func safeDiv(a, b int) (q int, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("recovered: %v", r)
		}
	}()
	return a / b, nil
}

func main() {
	s := &Stack[string]{}
	s.Push("a")
	v, _ := s.Pop()
	_, err := s.Pop()
	xs := []int{3, 1, 2}
	sort.Ints(xs)
	_, derr := safeDiv(1, 0)
	fmt.Println(Sum(xs), Sum([]float64{1.5, 2}), v, errors.Is(err, ErrEmpty), kind(1), derr)
}
