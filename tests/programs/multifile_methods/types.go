package main

type inventory struct {
	order []string
	qty   map[string]int
}

func newInventory() *inventory { return &inventory{qty: map[string]int{}} }
