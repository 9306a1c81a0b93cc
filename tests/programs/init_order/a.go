// Package initialisation order: package-level variables in dependency order
// (across files), then init functions in file order, then main.
package main

import "fmt"

var trace []string

func record(s string, v int) int {
	trace = append(trace, s)
	return v
}

var a = record("a = b + 1", b+1)

func init() {
	trace = append(trace, "init #1 in a.go")
}

func main() {
	for _, t := range trace {
		fmt.Println(t)
	}
	fmt.Println(a, b, c, d)
}
