// panic with different values, recovered at several depths.
package main

import (
	"errors"
	"fmt"
)

type myErr struct{ code int }

func (e *myErr) Error() string { return fmt.Sprintf("myErr %d", e.code) }

func try(f func()) (r any) {
	defer func() { r = recover() }()
	f()
	return nil
}

func deep(n int) {
	if n == 0 {
		panic(&myErr{42})
	}
	deep(n - 1)
}

func main() {
	fmt.Println(try(func() { panic("a string") }))
	fmt.Println(try(func() { panic(7) }))
	fmt.Println(try(func() { panic(errors.New("an error")) }))
	r := try(func() { deep(100) })
	var me *myErr
	fmt.Println(r, errors.As(r.(error), &me), me.code)
	fmt.Println(try(func() {}))
	fmt.Printf("%T\n", try(func() { panic(fmt.Errorf("wrapped: %w", &myErr{1})) }))
}
