// A tenant function for the profile tests (tests/integration/test_profiles.sh):
// main.burn takes nearly all of Burn's CPU time, main.warm is inlined into
// Warm, and main.hoard makes the allocations a heap profile must point at.
// The test finds the lines it asserts by their text.
package main

import "strconv"

var sink uint64

//go:noinline
func burn(n int) uint64 {
	x := uint64(n)
	for i := 0; i < n; i++ {
		x = x*6364136223846793005 + 1442695040888963407 // burn's loop body
	}
	return x
}

// warm is small enough to be inlined: pprof must show main.warm (inline).
func warm(x uint64, n int) uint64 {
	for i := 0; i < n; i++ {
		x ^= x<<13 ^ x>>7 // warm's loop body
	}
	return x
}

// Burn spins for roughly the number of milliseconds given as input.
func Burn(in string) string {
	ms, err := strconv.Atoi(in)
	if err != nil || ms <= 0 {
		ms = 300
	}
	var x uint64
	for i := 0; i < ms; i++ {
		x += burn(1_000_000)
	}
	sink = x
	return strconv.FormatUint(x, 16)
}

// Warm spins inside the inlined warm (input: rounds of 1e6 iterations).
func Warm(in string) string {
	n, err := strconv.Atoi(in)
	if err != nil || n <= 0 {
		n = 100
	}
	x := uint64(n)
	for i := 0; i < n; i++ {
		x = warm(x|1, 1_000_000)
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
