package main

import "strconv"

var Version = "v" + strconv.Itoa(2)

func double(x int) int { return x * 2 }
