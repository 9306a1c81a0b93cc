// Package main in two files, compiled as one unit: a.go + b.go.
package main

import "fmt"

func main() {
	fmt.Println(double(21), Version)
}
