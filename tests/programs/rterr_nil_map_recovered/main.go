// Writing to a nil map panics with a runtime.Error that can be recovered.
package main

import (
	"fmt"
	"runtime"
)

func write(m map[string]int) (err error) {
	defer func() {
		if r := recover(); r != nil {
			re, ok := r.(runtime.Error)
			fmt.Println("is runtime.Error:", ok)
			err = re
		}
	}()
	m["k"] = 1
	return nil
}

func main() {
	fmt.Println(write(map[string]int{}))
	fmt.Println(write(nil))
	var m map[string]int
	fmt.Println("read from nil map:", m["k"], len(m))
}
