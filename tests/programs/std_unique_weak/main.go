// unique.Make interning of loaded struct values and strings.
package main

import (
	"fmt"
	"strings"
	"unique"
)

type key struct {
	ns   string
	name string
}

func main() {
	a := unique.Make(key{"ns", "x"})
	b := unique.Make(key{"n" + "s", strings.ToLower("X")})
	c := unique.Make(key{"ns", "y"})
	fmt.Println(a == b, a == c, a.Value(), c.Value().name)
	s1 := unique.Make(strings.Repeat("ab", 3))
	s2 := unique.Make("ababab")
	fmt.Println(s1 == s2, s1.Value())
}
