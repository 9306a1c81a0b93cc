// The three defer implementations: open-coded (few defers, no loops), heap
// or stack records (defers in loops), and defers with closures capturing
// results; each passing through a recovered panic.
package main

import (
	"errors"
	"fmt"
)

func openCoded(fail bool) (s string) {
	defer func() {
		if r := recover(); r != nil {
			s += fmt.Sprint(" recovered:", r)
		}
	}()
	defer func() { s += " second" }()
	s = "open"
	if fail {
		panic("x")
	}
	return s
}

func inLoop(n int, fail bool) (log []int, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("recovered %v after %d", r, len(log))
		}
	}()
	for i := 0; i < n; i++ {
		defer func() { log = append(log, i) }()
	}
	if fail {
		panic(errors.New("loop"))
	}
	return log, nil
}

func manyDefers() (count int) {
	// More than 8 defers: not open-coded.
	defer func() { count++ }()
	defer func() { count++ }()
	defer func() { count++ }()
	defer func() { count++ }()
	defer func() { count++ }()
	defer func() { count++ }()
	defer func() { count++ }()
	defer func() { count++ }()
	defer func() { count++ }()
	return 0
}

func main() {
	fmt.Println(openCoded(false), "|", openCoded(true))
	fmt.Println(inLoop(4, false))
	fmt.Println(inLoop(3, true))
	fmt.Println(manyDefers())
}
