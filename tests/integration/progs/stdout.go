// Writes to stdout through fmt, as most programs do.
package main

import "fmt"

func main() { fmt.Println("hello, world") }
