// A large map grows through many resizes with interleaved deletes; iteration
// during mutation stays valid.
package main

import "fmt"

func main() {
	m := make(map[int][]byte)
	for i := 0; i < 200000; i++ {
		m[i] = []byte{byte(i)}
		if i%3 == 0 {
			delete(m, i/2)
		}
	}
	sum := 0
	for k, v := range m {
		sum += k + int(v[0])
		if k%7 == 0 {
			delete(m, k)
		}
	}
	fmt.Println(len(m), sum)
	ptrs := map[*int]int{}
	var keep []*int
	for i := 0; i < 1000; i++ {
		p := new(int)
		*p = i
		ptrs[p] = i
		keep = append(keep, p)
	}
	ok := 0
	for _, p := range keep {
		if ptrs[p] == *p {
			ok++
		}
	}
	fmt.Println(ok)
}
