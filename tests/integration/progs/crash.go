// Crashes in different ways.
package main

func main() { panic("boom") }

var sink *int

// Nil dereferences a nil pointer.
func Nil(in []byte) []byte {
	return []byte{byte(*sink)}
}

// Spin never returns: for timeouts.
func Spin(in []byte) []byte {
	n := 0
	for {
		n++
		if n < 0 {
			return in
		}
	}
}

func Ok(in []byte) []byte { return in }
