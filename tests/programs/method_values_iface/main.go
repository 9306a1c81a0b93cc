// Bug 4 of issue 15: method expressions of interface methods call a
// wrapper only the interface's package emits (go:builtin.error.Error,
// reflect.Type.Method).
package main

import (
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
)

func main() {
	f := error.Error
	fmt.Println(f(errors.New("boom")))
	m := reflect.Type.Method
	mn := reflect.Type.MethodByName
	t := reflect.TypeOf(errors.New("x"))
	fmt.Println(m(t, 0).Name)
	_, ok := mn(t, "Error")
	fmt.Println(ok)
	read := io.Reader.Read
	buf := make([]byte, 5)
	n, err := read(strings.NewReader("hello world"), buf)
	fmt.Println(n, err, string(buf))
	s := fmt.Stringer.String
	fmt.Println(s(reflect.Int))
}
