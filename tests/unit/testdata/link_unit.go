// A Go package for tests/unit/test_link.c: data the test reads back after
// linking, functions of every signature shape gofn classifies, and a call
// into a C function of the test binary (the test's stand-in for the host).
package main

import _ "unsafe"

var counter int

var table = []int{1, 2, 3}

var greeting = "hi"

//go:linkname hostFn gofn_test_link_host_fn
func hostFn()

//go:noinline
func CallHost() { hostFn() }

//go:noinline
func Add(x int) int { counter += x; return counter }

func Sum() int {
	s := 0
	for _, v := range table {
		s += v
	}
	return s
}

func Greet(s string) string { return s }

func Upper(s string) (string, error) { return s, nil }

func Handle(in []byte) ([]byte, error) { return in, nil }

func Echo(in []byte) []byte { return in }

func Many(a, b, c int) {}

func main() {}
