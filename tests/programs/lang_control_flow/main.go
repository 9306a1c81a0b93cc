// Switch with fallthrough, labeled break/continue, goto, and a jump-table
// sized switch over strings and integers.
package main

import "fmt"

func classify(n int) string {
	switch {
	case n < 0:
		return "negative"
	case n == 0:
		return "zero"
	case n%2 == 0:
		return "even"
	}
	return "odd"
}

func word(s string) int {
	switch s {
	case "alpha":
		return 1
	case "beta":
		return 2
	case "gamma", "delta":
		return 3
	case "epsilon":
		return 5
	default:
		return -1
	}
}

func main() {
	for _, n := range []int{-1, 0, 4, 7} {
		fmt.Print(classify(n), " ")
	}
	fmt.Println()
	switch x := 1; x {
	case 1:
		fmt.Println("one")
		fallthrough
	case 2:
		fmt.Println("two (fell through)")
	case 3:
		fmt.Println("three")
	}
	var pairs []string
outer:
	for i := 0; i < 5; i++ {
		for j := 0; j < 5; j++ {
			if j > i {
				continue outer
			}
			if i+j > 5 {
				break outer
			}
			pairs = append(pairs, fmt.Sprint(i, j))
		}
	}
	fmt.Println(pairs)
	i := 0
loop:
	if i < 3 {
		i++
		goto loop
	}
	fmt.Println("goto count", i)
	s := 0
	for _, w := range []string{"alpha", "beta", "gamma", "delta", "epsilon", "zeta"} {
		s += word(w)
	}
	fmt.Println(s)
	for n := range 130 {
		switch n % 13 {
		case 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11:
			s++
		}
	}
	fmt.Println(s)
}
