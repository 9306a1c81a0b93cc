// A deferred function that panics again replaces the first panic; recover
// sees the latest, and deferred calls still all run.
package main

import "fmt"

func f() (out string) {
	defer func() {
		r := recover()
		out = fmt.Sprint("recovered: ", r)
	}()
	defer func() {
		fmt.Println("second defer runs during panic")
		panic("second")
	}()
	defer fmt.Println("first defer runs")
	panic("first")
}

func nested() {
	defer func() {
		fmt.Println("outer recover:", recover())
	}()
	func() {
		defer func() {
			r := recover()
			fmt.Println("inner recover:", r)
			panic(fmt.Sprint("re-raised ", r))
		}()
		panic("inner")
	}()
}

func main() {
	fmt.Println(f())
	nested()
	fmt.Println("recover outside panic:", recover())
}
