// Two-object link unit: main uses the library's types through interfaces,
// type switches, %T and errors.As; and adds its own Shape.
package main

import (
	"errors"
	"fmt"

	"corpus/twopkg_types/lib"
)

type square struct{ s float64 }

func (q square) Area() float64 { return q.s * q.s }
func (q square) Name() string  { return "square" }

func main() {
	var shapes []lib.Shape
	for _, k := range []string{"circle", "rect", "hexagon"} {
		s, err := lib.Parse(k, 2, 3)
		var se *lib.ShapeError
		if errors.As(err, &se) {
			fmt.Println("error:", err, "| what:", se.What)
			continue
		}
		shapes = append(shapes, s)
	}
	shapes = append(shapes, square{2})
	for _, s := range shapes {
		switch v := s.(type) {
		case lib.Circle:
			fmt.Printf("%T r=%v ", v, v.R)
		case *lib.Rect:
			fmt.Printf("%T %vx%v ", v, v.W, v.H)
		default:
			fmt.Printf("%T ", v)
		}
		fmt.Printf("%s %.3f\n", s.Name(), s.Area())
	}
}
