// runtime.FuncForPC names functions, methods and closures of loaded code;
// FileLine maps their entry back to the source.
package main

import (
	"fmt"
	"path/filepath"
	"reflect"
	"runtime"
)

type T struct{ n int }

func (t T) Value() int    { return t.n }
func (t *T) Pointer() int { return t.n }

func plain() {}

func name(f any) string {
	pc := reflect.ValueOf(f).Pointer()
	fn := runtime.FuncForPC(pc)
	file, line := fn.FileLine(fn.Entry())
	return fmt.Sprintf("%s %s:%d", fn.Name(), filepath.Base(file), line)
}

func main() {
	closure := func() int { return 1 }
	fmt.Println(name(plain))
	fmt.Println(name(T.Value))
	fmt.Println(name((*T).Pointer))
	fmt.Println(name(closure))
	fmt.Println(name(main))
	fmt.Println(name(fmt.Println))
	pc, file, line, ok := runtime.Caller(0)
	fmt.Println(runtime.FuncForPC(pc).Name(), filepath.Base(file), line, ok)
}
