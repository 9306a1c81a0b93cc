// Load row (issue 15): a function that uses only fmt, the baseline the
// net/http-using httpfn.go is compared with. Noop is what the load
// measurement calls.
package main

import "fmt"

func Noop() {}

// Greet is the function's real work.
func Greet(name string) string { return fmt.Sprintf("hello %s", name) }

func main() { fmt.Println(Greet("fmt")) }
