// Types named in loaded code are the same runtime types as the host's:
// []string, error, map[string]int, and a loaded type seen through any.
package main

import (
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
)

type mine struct{ a int }

func main() {
	fromHost := strings.Fields("a b") // allocated by host code
	local := []string{"c"}
	fmt.Println(reflect.TypeOf(fromHost) == reflect.TypeOf(local))
	fmt.Println(reflect.TypeOf(io.EOF).Implements(reflect.TypeOf((*error)(nil)).Elem()))
	var e error = errors.New("x")
	fmt.Println(reflect.TypeOf(e) == reflect.TypeOf(errors.New("y")))
	fmt.Println(reflect.TypeOf(map[string]int{}) == reflect.TypeOf(map[string]int(nil)))
	fmt.Println(reflect.TypeOf(mine{}) == reflect.TypeOf(mine{a: 1}), reflect.TypeOf(mine{}))
	fmt.Println(reflect.DeepEqual(fromHost, []string{"a", "b"}))
	var any1, any2 any = []int{1}, mine{}
	fmt.Println(reflect.TypeOf(any1).Elem().Kind(), reflect.TypeOf(any2).String())
	fmt.Println(reflect.TypeOf(strings.NewReader("")).String(), reflect.TypeFor[io.Reader]().String())
}
