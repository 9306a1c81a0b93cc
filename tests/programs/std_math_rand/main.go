// math/rand and math/rand/v2 with fixed seeds give reproducible sequences.
package main

import (
	"fmt"
	"math/rand"
	randv2 "math/rand/v2"
)

func main() {
	r := rand.New(rand.NewSource(42))
	fmt.Println(r.Intn(100), r.Intn(100), r.Int63(), r.Float64())
	p := r.Perm(8)
	fmt.Println(p)
	pcg := randv2.New(randv2.NewPCG(1, 2))
	fmt.Println(pcg.IntN(1000), pcg.Uint64(), pcg.Float64())
	cc := randv2.New(randv2.NewChaCha8([32]byte{1, 2, 3}))
	fmt.Println(cc.IntN(1<<20), cc.Uint32())
	xs := []string{"a", "b", "c", "d", "e"}
	pcg.Shuffle(len(xs), func(i, j int) { xs[i], xs[j] = xs[j], xs[i] })
	fmt.Println(xs)
	n := randv2.IntN(10) // global source: only its range is checked
	fmt.Println(n >= 0 && n < 10)
}
