// Sentinel errors held in loaded globals keep their identity through
// interface conversions, assertions, wrapping and errors.Is/As: the unit
// uses the host's itabs (go:itab.*errors.errorString,error), not copies.
package main

import (
	"errors"
	"fmt"
	"io"
	"strconv"
)

var (
	errX         = errors.New("x")
	errY   error = fmt.Errorf("y: %w", errX)
	anyX   any   = errX
	errEOF       = io.EOF
)

type codeErr struct{ code int }

func (e *codeErr) Error() string { return fmt.Sprint("code ", e.code) }

var errCode error = &codeErr{7}

func main() {
	e, ok := anyX.(error)
	fmt.Println(ok, e == errX, anyX == any(errX))
	fmt.Println(errors.Is(errY, errX), errors.Is(fmt.Errorf("%w", errX), errX))
	fmt.Println(errors.Unwrap(errY) == errX)
	fmt.Println(errEOF == io.EOF, errors.Is(fmt.Errorf("read: %w", io.EOF), errEOF))
	var ce *codeErr
	fmt.Println(errors.As(fmt.Errorf("w: %w", errCode), &ce), ce != nil && ce.code == 7)
	_, err := strconv.Atoi("x")
	fmt.Println(errors.Is(err, strconv.ErrSyntax), errors.Is(err, strconv.ErrRange))
	var ne *strconv.NumError
	fmt.Println(errors.As(err, &ne), ne.Func)
	switch v := anyX.(type) {
	case fmt.Stringer:
		fmt.Println("stringer", v)
	case error:
		fmt.Println("error", v)
	}
	fmt.Printf("%T %T %v\n", errX, errY, errY)
}
