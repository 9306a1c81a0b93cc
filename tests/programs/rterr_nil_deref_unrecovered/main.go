// Unrecovered nil dereference: exit 2, "invalid memory address or nil
// pointer dereference" plus the SIGSEGV line and trace.
package main

import "fmt"

type conf struct{ name string }

//go:noinline
func name(c *conf) string { return c.name }

func main() {
	fmt.Println(name(&conf{"ok"}))
	fmt.Println(name(nil))
}
