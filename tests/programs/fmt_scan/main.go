// fmt scanning into loaded types: Sscanf with verbs, Sscan, and a type
// implementing fmt.Scanner; errors for malformed input.
package main

import (
	"fmt"
	"strings"
)

type point struct{ X, Y int }

// Scan reads "(x,y)".
func (p *point) Scan(st fmt.ScanState, verb rune) error {
	_, err := fmt.Fscanf(st, "(%d,%d)", &p.X, &p.Y)
	return err
}

type level int

func main() {
	var name string
	var age int
	var score float64
	n, err := fmt.Sscanf("ann 36 91.5", "%s %d %g", &name, &age, &score)
	fmt.Println(n, err, name, age, score)
	var p point
	var l level
	n, err = fmt.Sscan("(3,4) 7", &p, &l)
	fmt.Println(n, err, p, l)
	_, err = fmt.Sscanf("x=abc", "x=%d", &age)
	fmt.Println(err)
	var a, b string
	n, _ = fmt.Fscanln(strings.NewReader("one two\nthree"), &a, &b)
	fmt.Println(n, a, b)
	var h int
	fmt.Sscanf("ff", "%x", &h)
	fmt.Println(h)
}
