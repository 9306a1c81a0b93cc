// Package lib has assembly functions (bug 6 of issue 15), as compression
// and hash modules do.
package lib

// True returns true, in assembly.
func True() bool

// Add adds in assembly.
func Add(a, b int64) int64

// Sum sums a slice in assembly.
func Sum(xs []int64) int64
