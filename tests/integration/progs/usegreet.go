// Imports example.com/greetlib: a two-object link unit.
package main

import "example.com/greetlib"

func main() {}

func Greet(name string) string { return greetlib.Greeting(name) }
