package main

import (
	"fmt"
	"strings"
)

func (i *inventory) add(name string, n int) {
	if _, ok := i.qty[name]; !ok {
		i.order = append(i.order, name)
	}
	i.qty[name] += n
}

func (i *inventory) count(name string) int { return i.qty[name] }

func (i *inventory) total() (t int) {
	for _, n := range i.qty {
		t += n
	}
	return
}

func (i *inventory) String() string {
	var parts []string
	for _, n := range i.order {
		parts = append(parts, fmt.Sprintf("%s=%d", n, i.qty[n]))
	}
	return strings.Join(parts, " ")
}
