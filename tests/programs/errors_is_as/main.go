// errors.Is / errors.As / Unwrap with loaded error types, sentinel errors,
// wrapping with %w, errors.Join and custom Is methods.
package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

var ErrNotFound = errors.New("not found")

type QueryError struct {
	Query string
	Err   error
}

func (e *QueryError) Error() string { return "query " + e.Query + ": " + e.Err.Error() }
func (e *QueryError) Unwrap() error { return e.Err }

type codeErr int

func (c codeErr) Error() string { return fmt.Sprintf("code %d", int(c)) }
func (c codeErr) Is(target error) bool {
	t, ok := target.(codeErr)
	return ok && (t == 0 || t == c)
}

func find(q string) error {
	if q == "missing" {
		return &QueryError{q, ErrNotFound}
	}
	return &QueryError{q, codeErr(500)}
}

func main() {
	err := fmt.Errorf("handler: %w", find("missing"))
	fmt.Println(err)
	fmt.Println(errors.Is(err, ErrNotFound), errors.Is(err, fs.ErrNotExist))
	var qe *QueryError
	if errors.As(err, &qe) {
		fmt.Println("as QueryError:", qe.Query)
	}
	err2 := find("other")
	fmt.Println(errors.Is(err2, codeErr(500)), errors.Is(err2, codeErr(0)), errors.Is(err2, codeErr(404)))
	var ce codeErr
	fmt.Println(errors.As(err2, &ce), int(ce))
	joined := errors.Join(err, err2, nil)
	fmt.Println(joined)
	fmt.Println(errors.Is(joined, ErrNotFound), errors.Is(joined, codeErr(500)))
	_, ferr := os.Open("/nonexistent/gofn-corpus")
	var pe *fs.PathError
	fmt.Println(errors.Is(ferr, fs.ErrNotExist), errors.As(ferr, &pe), pe.Op)
	fmt.Println(errors.Unwrap(errors.Unwrap(err)) == ErrNotFound)
	two := fmt.Errorf("a: %w, b: %w", ErrNotFound, codeErr(1))
	fmt.Println(two, errors.Is(two, codeErr(1)))
}
