// Package-level data of every shape: initialised arrays and structs (data),
// zero-valued large arrays (bss), strings, slices and maps built at init,
// pointers between globals, and function values in globals.
package main

import "fmt"

type entry struct {
	name string
	f    func(int) int
	next *entry
}

var (
	primes   = [10]int{2, 3, 5, 7, 11, 13, 17, 19, 23, 29}
	bigZero  [1 << 20]byte
	bigInit  = [4096]uint16{0: 1, 4095: 2}
	msg      = "static string"
	squares  = makeSquares(16)
	lookup   = map[string]int{"one": 1, "two": 2}
	last     = &entry{"last", func(x int) int { return x * 3 }, nil}
	first    = &entry{"first", double, last}
	table    = []*entry{first, last}
	matrix   = [3][3]float64{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}
	pprimes  = &primes[4]
	bytesLit = []byte("bytes literal")
)

func double(x int) int { return 2 * x }

func makeSquares(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i * i
	}
	return s
}

func main() {
	sum := 0
	for _, b := range bigZero {
		sum += int(b)
	}
	bigZero[12345] = 9
	fmt.Println(primes, sum, bigZero[12345], bigInit[0], bigInit[4095], len(bigInit))
	fmt.Println(msg, squares[15], lookup["two"], *pprimes)
	for e := first; e != nil; e = e.next {
		fmt.Println(e.name, e.f(7))
	}
	fmt.Println(len(table), matrix[1], string(bytesLit))
	*pprimes = 100
	fmt.Println(primes[4])
}
