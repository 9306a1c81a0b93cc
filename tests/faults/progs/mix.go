// Tenant functions with every behaviour the fault and soak tests need next
// to each other: fast, slow, crashing, never returning, memory-hungry and
// output-heavy. Inputs are decimal numbers where a size or time is needed.
package main

import (
	"os"
	"strconv"
	"strings"
	"time"
)

func main() {}

func num(in string) int {
	n, _ := strconv.Atoi(strings.TrimSpace(in))
	return n
}

// Echo returns its input: the fast path, and proof of no cross-talk.
func Echo(in []byte) []byte { return in }

// Sleep returns after the given number of milliseconds.
func Sleep(in string) string {
	time.Sleep(time.Duration(num(in)) * time.Millisecond)
	return "slept " + in
}

// Crash dereferences nil: a panic the worker does not survive.
func Crash(in string) string {
	var p *int
	if in != "never" {
		return strconv.Itoa(*p)
	}
	return in
}

// Spin never returns: only the invocation timeout ends it.
func Spin(in string) string {
	x := 0
	for {
		x++
	}
}

// Hog allocates and touches the given number of MiB, then returns its size.
func Hog(in string) string {
	n := num(in) << 20
	b := make([]byte, n)
	for i := 0; i < n; i += 4096 {
		b[i] = 1
	}
	return strconv.Itoa(len(b))
}

// Loud writes the given number of KiB of 'x' to stdout.
func Loud(in string) string {
	line := []byte(strings.Repeat("x", 1023) + "\n")
	for i := 0; i < num(in); i++ {
		os.Stdout.Write(line)
	}
	return "wrote " + in
}
