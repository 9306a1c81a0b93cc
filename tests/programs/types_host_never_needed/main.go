// Bug 3 of issue 15: type descriptors the worker never needed itself:
// []complex128, and time's unexported absSeconds reached through the
// method set of a struct embedding time.Time.
package main

import (
	"fmt"
	"reflect"
	"time"
)

type T struct{ time.Time }

func main() {
	var x any = []complex128{1i, 2}
	fmt.Println(x)
	var y any = T{}
	fmt.Println(y.(T).IsZero())
	fmt.Printf("%T %T\n", x, y)
	fmt.Println(reflect.TypeOf(x) == reflect.TypeOf([]complex128(nil)))
	fmt.Println(reflect.TypeOf(y).NumMethod() > 10)
}
