// A library package, uploaded together with the main package that uses it.
package greetlib

//go:noinline
func Greeting(name string) string { return "hello from a library, " + name }
