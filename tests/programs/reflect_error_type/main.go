// The predeclared error type and host-only types seen from loaded code must
// be the host's descriptors: a loaded method taking an error matches
// interface{ Is(error) bool } in package errors, reflect sees one error type,
// and reflect.FuncOf/ChanOf accept types named in loaded code.
package main

import (
	"errors"
	"fmt"
	"reflect"
)

type codeErr int

func (c codeErr) Error() string { return fmt.Sprintf("code %d", int(c)) }

// Is matches any codeErr when the target is codeErr(0).
func (c codeErr) Is(target error) bool { t, ok := target.(codeErr); return ok && t == 0 }

var errorType = reflect.TypeOf((*error)(nil)).Elem()

func main() {
	var e error = codeErr(5)
	_, ok := e.(interface{ Is(error) bool })
	fmt.Println("has Is(error) bool:", ok)
	fmt.Println("errors.Is via method:", errors.Is(fmt.Errorf("w: %w", e), codeErr(0)))
	m, _ := reflect.TypeOf(codeErr(0)).MethodByName("Is")
	fmt.Println("method param is the host error type:", m.Type.In(1) == errorType)
	hostErr := reflect.TypeOf(errors.Is).In(0) // errors.Is(err, target error)
	fmt.Println("same as errors.Is's parameter:", hostErr == errorType)
	ft := reflect.FuncOf([]reflect.Type{errorType}, []reflect.Type{reflect.TypeOf(true)}, false)
	fmt.Println(ft, ft == reflect.TypeOf(func(error) bool { return false }))
	fmt.Println(reflect.ChanOf(reflect.BothDir, reflect.TypeOf(codeErr(0))))
}
