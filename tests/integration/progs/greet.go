// The quick-start example (make run prints how to upload and call it).
package main

import "fmt"

func main() { fmt.Println("hello, world") }

// Greet is a handler: the request body in, the response body out.
func Greet(name []byte) ([]byte, error) {
	if len(name) == 0 {
		return nil, fmt.Errorf("empty name")
	}
	return []byte(fmt.Sprintf("hello, %s!", name)), nil
}
