// A package whose init forges the worker's LOADED reply with a long symbol
// list on the control socket (fd 3) (tests/faults/fault_boundary.sh).
package main

import "syscall"

func main() {}

func put32(b []byte, v uint32) {
	b[0], b[1], b[2], b[3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
}

func field(tag uint16, data []byte) []byte {
	f := make([]byte, 6+len(data))
	f[0], f[1] = byte(tag), byte(tag>>8)
	put32(f[2:], uint32(len(data)))
	copy(f[6:], data)
	return f
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

func init() {
	kind := []byte{1, 0, 0, 0, 0, 0, 0, 0}
	var p []byte
	for i := 0; i < 100000; i++ {
		p = append(p, field(2, []byte("main.Forged"+itoa(i)))...) // SYMBOL
		p = append(p, field(3, []byte("func()"))...)              // SIGNATURE
		p = append(p, field(4, kind)...)                          // SIGKIND
	}
	f := make([]byte, 8+len(p))
	put32(f, 3) // LOADED
	put32(f[4:], uint32(len(p)))
	copy(f[8:], p)
	syscall.Write(3, f)
}

func Handle(in []byte) []byte { return in }
