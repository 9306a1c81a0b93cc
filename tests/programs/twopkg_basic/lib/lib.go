// Package lib is the library half of a two-object link unit: main imports
// it and is compiled against its object.
package lib

import "strings"

const Version = "1.2"

var Greeting = "hello"

var calls int

func Greet(name string) string {
	calls++
	return Greeting + ", " + strings.ToUpper(name[:1]) + name[1:]
}

func Calls() int { return calls }
