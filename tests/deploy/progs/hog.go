// A tenant function that wants far more memory than a worker may have
// (256 MiB by default): gofnd must kill that worker alone and go on serving.
package main

var keep [][]byte

// Hog touches 64 MiB blocks until it holds 2 GiB or is stopped.
func Hog(in []byte) []byte {
	for i := 0; i < 32; i++ {
		b := make([]byte, 64<<20)
		for j := range b {
			b[j] = 1
		}
		keep = append(keep, b)
	}
	return in
}
