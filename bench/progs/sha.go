// Compute row: SHA-256 over a buffer, repeated (crypto/sha256's assembly
// and the loaded loop around it). Usage: sha [MiB] (default 64)
package main

import (
	"crypto/sha256"
	"fmt"
	"os"
	"strconv"
	"time"
)

func main() {
	mib := 64
	if len(os.Args) > 1 {
		mib, _ = strconv.Atoi(os.Args[1])
	}
	buf := make([]byte, 1<<20)
	for i := range buf {
		buf[i] = byte(i * 7)
	}
	var sum [32]byte
	t0 := time.Now()
	for i := 0; i < mib; i++ {
		buf[0] = sum[0]
		sum = sha256.Sum256(buf)
	}
	el := time.Since(t0)
	fmt.Printf("result %x\nelapsed_ns %d\n", sum[:4], el.Nanoseconds())
}
