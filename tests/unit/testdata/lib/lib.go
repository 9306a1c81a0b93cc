// A non-main package with an assembly function, built with
// `go build -buildmode=archive` (two objects in one archive).
package gofnlib

import "strings"

// Add is implemented in add_amd64.s.
func Add(a, b int64) int64

var Greeting = strings.ToUpper("hello")

func Shout(s string) string { return strings.ToUpper(s) + "!" }
