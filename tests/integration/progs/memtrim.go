// For integration/idle_trim: a call that leaves the worker's Go heap large
// (Grow keeps 32 MiB, touched), one that frees it (Release), Echo, and
// Forced, the worker's forced GCs so far (the idle trim's among them).
package main

import (
	"runtime/metrics"
	"strconv"
)

var held [][]byte

func main() {}

// Grow allocates 32 MiB and writes every page, keeping it until Release.
func Grow(in []byte) ([]byte, error) {
	for i := 0; i < 32; i++ {
		b := make([]byte, 1<<20)
		for j := 0; j < len(b); j += 4096 {
			b[j] = 1
		}
		held = append(held, b)
	}
	return []byte("grown"), nil
}

// Release drops what Grow kept: garbage, but no GC runs until the heap grows.
func Release(in []byte) ([]byte, error) {
	held = nil
	return []byte("released"), nil
}

func Echo(in []byte) ([]byte, error) { return append([]byte("echo "), in...), nil }

// Forced returns how many GCs were forced so far (runtime.GC, and the idle
// trim's debug.FreeOSMemory).
func Forced(in []byte) ([]byte, error) {
	s := []metrics.Sample{{Name: "/gc/cycles/forced:gc-cycles"}}
	metrics.Read(s)
	return []byte(strconv.FormatUint(s[0].Value.Uint64(), 10)), nil
}
