// Tenant code that lies to gofnd on the worker's control socket (fd 3),
// which it can reach because it shares the worker's address space
// (tests/faults/fault_boundary.sh). Frames are built by hand from
// api/frame.h: u32 type | u32 length | fields of u16 tag | u32 length | bytes.
package main

import (
	"syscall"
	"time"
)

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

func u64(v uint64) []byte {
	b := make([]byte, 8)
	for i := range b {
		b[i] = byte(v >> (8 * i))
	}
	return b
}

func frame(typ uint32, payload []byte) []byte {
	f := make([]byte, 8+len(payload))
	put32(f, typ)
	put32(f[4:], uint32(len(payload)))
	copy(f[8:], payload)
	return f
}

func atoi(in []byte) int {
	n := 0
	for _, c := range in {
		if c >= '0' && c <= '9' {
			n = n*10 + int(c-'0')
		}
	}
	return n
}

// ForgeResult answers its own call with a well-formed RESULT "forged",
// after closing its copies of the request's stdout/stderr pipes (so gofnd
// sees the EOF an honest worker gives), then blocks: the worker goes back
// to the pool but reads nothing any more. The RESULT echoes the call
// number its input names (CALL, counted per worker from 1, which tenant
// code can guess); gofnd takes a RESULT naming another call as a protocol
// break and kills the worker.
func ForgeResult(in []byte) []byte {
	syscall.Close(1)
	syscall.Close(2)
	var p []byte
	p = append(p, field(22, u64(uint64(atoi(in))))...) // CALL
	p = append(p, field(7, u64(1))...)                 // STATUS ok
	p = append(p, field(8, []byte("forged"))...)
	p = append(p, field(11, u64(1))...) // DURATION_US
	syscall.Write(3, frame(5, p))
	time.Sleep(time.Hour)
	return in
}

// Sized returns as many bytes as its input says (decimal), byte i = i % 251.
func Sized(in []byte) []byte {
	out := make([]byte, atoi(in))
	for i := range out {
		out[i] = byte(i % 251)
	}
	return out
}

func Echo(in []byte) []byte { return in }
