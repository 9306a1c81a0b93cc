// A tenant function for the profile tests (tests/integration/test_profiles.sh):
// main.burn takes nearly all of Burn's CPU time, main.hoard makes the
// allocations a heap profile must point at. Keep line numbers stable: the
// test asserts the file:line of burn's loop.
package main

import "strconv"

var sink uint64

//go:noinline
func burn(n int) uint64 {
	x := uint64(n)
	for i := 0; i < n; i++ { // line 14
		x = x*6364136223846793005 + 1442695040888963407 // line 15
	}
	return x
}

// Burn spins for about the number of milliseconds given as input.
func Burn(in string) string {
	ms, err := strconv.Atoi(in)
	if err != nil || ms <= 0 {
		ms = 300
	}
	var x uint64
	for i := 0; i < ms; i++ {
		x += burn(1_500_000)
	}
	sink = x
	return strconv.FormatUint(x, 16)
}

var kept [][]byte

//go:noinline
func hoard(n int) {
	for i := 0; i < n; i++ {
		kept = append(kept, make([]byte, 64<<10))
	}
}

// Hoard keeps 64 KiB blocks alive (as many as the input says).
func Hoard(in string) string {
	n, err := strconv.Atoi(in)
	if err != nil || n <= 0 {
		n = 64
	}
	hoard(n)
	return strconv.Itoa(len(kept))
}

func main() { sink = uint64(len(Burn("200"))) }
