// fmt verbs on loaded types: %T %v %+v %#v %q %x, Stringer, GoStringer,
// Formatter, error, pointers-free composite values.
package main

import (
	"fmt"
	"os"
)

type point struct {
	X, Y int
}

type named string

type temp float64

func (t temp) String() string { return fmt.Sprintf("%.1f°", float64(t)) }

type secret string

func (secret) GoString() string { return `secret("***")` }

type money int

func (m money) Format(f fmt.State, verb rune) {
	fmt.Fprintf(f, "$%d.%02d", int(m)/100, int(m)%100)
	if f.Flag('+') {
		fmt.Fprint(f, " USD")
	}
}

type tree struct {
	Val   int
	Kids  []tree
	Attrs map[string]bool
}

func main() {
	vals := []any{point{1, 2}, named("n"), temp(36.6), secret("pw"), money(1234),
		[]point{{1, 2}}, map[named]int{"k": 1}, tree{1, []tree{{Val: 2}}, map[string]bool{"x": true}},
		struct{ A []byte }{[]byte("hi")}, [2]bool{true}, (*point)(nil), fmt.Errorf("e%d", 1)}
	for _, v := range vals {
		fmt.Printf("%T | %v | %+v | %#v\n", v, v, v, v)
	}
	fmt.Printf("%q %x %X %08.3f %-5s| %5d|%e\n", named("q"), "hi", []byte{1, 171}, 3.14159, "ab", 42, 1234.5678)
	fmt.Printf("%v %d %s\n", money(5), []int{1, 2}, []string{"a", "b"})
	fmt.Printf("%!\n")
	fmt.Printf("%d %s\n", "str", 5)
	fmt.Fprintf(os.Stderr, "%T to stderr\n", point{})
	fmt.Println(fmt.Sprint(point{3, 4}, temp(1)), fmt.Sprintln("a", 1))
}
