// The basic test program: one of each callable signature and one that
// gofn cannot call. Uses only the runtime (println writes to stderr).
package main

func main() { println("hello, world") }

func Handle(in []byte) ([]byte, error) { return append([]byte("hi "), in...), nil }

func Upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 32
		}
	}
	return string(b)
}

type failure struct{ msg string }

func (f failure) Error() string { return f.msg }

// Fail returns an error for input "bad".
func Fail(in []byte) ([]byte, error) {
	if string(in) == "bad" {
		return nil, failure{"input was bad"}
	}
	return in, nil
}

// Binary returns bytes that are not UTF-8.
func Binary(in []byte) []byte { return []byte{0xff, 0xfe, 0x00, 0x01} }

func Add(a, b int) int { return a + b }
