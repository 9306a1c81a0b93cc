// Tenant code that attacks its own worker: a forbidden system call, and
// garbage written onto the control socket gofnd reads (fd 3).
package main

import "syscall"

func main() {}

// Ptrace asks for ptrace(PTRACE_TRACEME), which the sandbox forbids.
func Ptrace(in []byte) []byte {
	syscall.RawSyscall(syscall.SYS_PTRACE, 0, 0, 0)
	return in
}

// Garbage writes a bogus frame header onto fd 3.
func Garbage(in []byte) []byte {
	syscall.Write(3, []byte{0xff, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff, 0xff})
	return in
}

// Loud writes more than the output cap to stderr.
func Loud(in []byte) []byte {
	line := make([]byte, 1000)
	for i := range line {
		line[i] = 'x'
	}
	for i := 0; i < 3000; i++ {
		syscall.Write(2, line)
	}
	return in
}

func Ok(in []byte) []byte { return in }
