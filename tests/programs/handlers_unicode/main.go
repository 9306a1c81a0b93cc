// Bug 10 of issue 15: exported identifiers that start with a non-ASCII
// upper-case letter are exported (go/token.IsExported): listed and
// invokable.
package main

import (
	"fmt"
	"strings"
)

// Äpfel is exported: Ä is upper case.
func Äpfel(s string) string { return "Äpfel " + s }

// Ωmega is exported too.
func Ωmega(s string) (string, error) {
	if s == "" {
		return "", fmt.Errorf("Ωmega: empty input")
	}
	return strings.ToUpper(s), nil
}

func main() {
	if callFromEnv() {
		return
	}
	fmt.Println(Äpfel("x"))
	o, err := Ωmega("ω")
	fmt.Println(o, err)
}
