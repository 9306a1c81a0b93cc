// Package lib defines types, an interface and an error type used by main.
package lib

import (
	"fmt"
	"math"
)

type Shape interface {
	Area() float64
	Name() string
}

type Circle struct{ R float64 }

func (c Circle) Area() float64 { return math.Pi * c.R * c.R }
func (c Circle) Name() string  { return "circle" }

type Rect struct{ W, H float64 }

func (r *Rect) Area() float64 { return r.W * r.H }
func (r *Rect) Name() string  { return "rect" }

type ShapeError struct{ What string }

func (e *ShapeError) Error() string { return "bad shape: " + e.What }

func Parse(kind string, a, b float64) (Shape, error) {
	switch kind {
	case "circle":
		return Circle{a}, nil
	case "rect":
		return &Rect{a, b}, nil
	}
	return nil, fmt.Errorf("parse %q: %w", kind, &ShapeError{kind})
}
