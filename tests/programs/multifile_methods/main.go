// A type declared in one file, its methods in another, used from a third.
package main

import "fmt"

func main() {
	inv := newInventory()
	inv.add("apple", 3)
	inv.add("pear", 2)
	inv.add("apple", 1)
	fmt.Println(inv)
	fmt.Println(inv.total(), inv.count("apple"))
}
