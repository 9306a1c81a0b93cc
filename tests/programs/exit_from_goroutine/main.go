// os.Exit called from another goroutine while main is blocked.
package main

import (
	"fmt"
	"os"
)

func main() {
	go func() {
		fmt.Println("exiting from a goroutine")
		os.Exit(7)
	}()
	select {}
}
