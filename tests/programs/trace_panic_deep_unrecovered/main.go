// An unrecovered panic deep inside methods, closures and a generic function:
// the trace names every loaded frame.
package main

import "fmt"

type stack[T any] struct{ items []T }

//go:noinline
func (s *stack[T]) pop() T {
	v := s.items[len(s.items)-1]
	s.items = s.items[:len(s.items)-1]
	return v
}

type machine struct{ s stack[int] }

//go:noinline
func (m *machine) exec(ops string) int {
	for _, op := range ops {
		switch op {
		case '+':
			m.s.items = append(m.s.items, m.s.pop()+m.s.pop())
		default:
			m.s.items = append(m.s.items, int(op-'0'))
		}
	}
	return m.s.pop()
}

func main() {
	m := &machine{}
	fmt.Println(m.exec("12+3+"))
	run := func() { fmt.Println(m.exec("1++")) }
	run()
}
