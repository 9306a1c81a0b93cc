// Echoes its input to the result and to stderr, so concurrent invocations
// can be checked for cross-talk.
package main

func main() {}

func Tag(in []byte) ([]byte, error) {
	println(string(in))
	return append([]byte("tagged:"), in...), nil
}
