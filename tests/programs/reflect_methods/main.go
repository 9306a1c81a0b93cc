// Methods of loaded types found and called through reflect.
package main

import (
	"fmt"
	"reflect"
	"strings"
)

type Greeter struct{ Prefix string }

func (g Greeter) Hello(name string) string { return g.Prefix + " " + name }
func (g Greeter) Count(xs ...int) int      { return len(xs) }
func (g *Greeter) SetPrefix(p string)      { g.Prefix = p }

func main() {
	g := &Greeter{"hi"}
	t := reflect.TypeOf(g)
	var names []string
	for i := 0; i < t.NumMethod(); i++ {
		names = append(names, t.Method(i).Name+" "+t.Method(i).Type.String())
	}
	fmt.Println(strings.Join(names, "\n"))
	v := reflect.ValueOf(g)
	v.MethodByName("SetPrefix").Call([]reflect.Value{reflect.ValueOf("hello")})
	out := v.MethodByName("Hello").Call([]reflect.Value{reflect.ValueOf("world")})
	fmt.Println(out[0].String())
	out = v.MethodByName("Count").Call([]reflect.Value{reflect.ValueOf(1), reflect.ValueOf(2)})
	fmt.Println(out[0].Int())
	m, ok := reflect.TypeOf(Greeter{}).MethodByName("Hello")
	fmt.Println(m.Name, ok, m.Func.Call([]reflect.Value{reflect.ValueOf(Greeter{"yo"}), reflect.ValueOf("x")})[0])
}
