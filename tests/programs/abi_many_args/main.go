// Calls that overflow the register ABI: many integer, float and struct
// arguments and results, some on the stack; the same functions called
// through func values, method values, interfaces and reflect.
package main

import (
	"fmt"
	"reflect"
)

type vec struct{ X, Y, Z float64 }

type big struct {
	A [5]int
	S string
}

//go:noinline
func many(a, b, c, d, e, f, g, h, i, j, k, l int, x, y float64, v vec, s string) (int, float64, vec, string) {
	return a + b + c + d + e + f + g + h + i + j + k + l, x * y, vec{v.X + x, v.Y + y, v.Z}, s + "!"
}

//go:noinline
func floats(a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q float64) float64 {
	return a + b*2 + c*3 + d*4 + e*5 + f*6 + g*7 + h*8 + i*9 + j*10 + k*11 + l*12 + m*13 + n*14 + o*15 + p*16 + q*17
}

//go:noinline
func byValue(b big, extra [3]string) (big, int) {
	b.A[0] += len(extra[2])
	b.S += extra[0]
	return b, len(b.S)
}

type calc struct{ base int }

func (c calc) Sum(a, b, c2, d, e, f, g, h, i, j, k int) int {
	return c.base + a + b + c2 + d + e + f + g + h + i + j + k
}

type summer interface {
	Sum(a, b, c, d, e, f, g, h, i, j, k int) int
}

func main() {
	n, f, v, s := many(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 1.5, 2, vec{1, 2, 3}, "args")
	fmt.Println(n, f, v, s)
	fmt.Println(floats(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1))
	b, l := byValue(big{[5]int{1, 2, 3, 4, 5}, "x"}, [3]string{"yz", "", "long"})
	fmt.Println(b, l)
	fv := many
	n2, _, _, _ := fv(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, vec{}, "")
	var sm summer = calc{100}
	mv := calc{1000}.Sum
	fmt.Println(n2, sm.Sum(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11), mv(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1))
	args := []reflect.Value{}
	for i := 1; i <= 12; i++ {
		args = append(args, reflect.ValueOf(i))
	}
	args = append(args, reflect.ValueOf(0.5), reflect.ValueOf(4.0), reflect.ValueOf(vec{9, 9, 9}), reflect.ValueOf("reflect"))
	out := reflect.ValueOf(many).Call(args)
	fmt.Println(out[0].Int(), out[1].Float(), out[2].Interface(), out[3].String())
	m := reflect.ValueOf(sm).MethodByName("Sum")
	rargs := make([]reflect.Value, 11)
	for i := range rargs {
		rargs[i] = reflect.ValueOf(i)
	}
	fmt.Println(m.Call(rargs)[0].Int())
}
