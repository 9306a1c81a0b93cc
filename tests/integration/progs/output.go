// Output of calls (tests/integration/test_output.sh): stdout and stderr at
// and past --max-output, and what goroutines that outlive their call write
// (api/proto.h: a call's output is what fds 1 and 2 received while it ran;
// what lands while the worker is idle is dropped).
package main

import (
	"bytes"
	"os"
	"runtime"
	"time"
)

func main() {}

func atoi(in []byte) int {
	n := 0
	for _, c := range in {
		if c >= '0' && c <= '9' {
			n = n*10 + int(c-'0')
		}
	}
	return n
}

// Print writes as many bytes as its input says (decimal) to stdout ('o')
// and to stderr ('e'), in writes of up to 1000 bytes.
func Print(in []byte) []byte {
	n := atoi(in)
	for _, s := range []struct {
		f *os.File
		c byte
	}{{os.Stdout, 'o'}, {os.Stderr, 'e'}} {
		chunk := bytes.Repeat([]byte{s.c}, 1000)
		for left := n; left > 0; left -= len(chunk) {
			if left < len(chunk) {
				chunk = chunk[:left]
			}
			s.f.Write(chunk)
		}
	}
	return []byte("printed")
}

var release = make(chan bool)
var released = make(chan bool)

// Linger leaves a goroutine behind that prints once Release lets it.
func Linger(in []byte) []byte {
	go func() {
		<-release
		os.Stdout.WriteString("late\n")
		released <- true
	}()
	return []byte("lingering")
}

// Release lets Linger's goroutine print and waits until it has: the line
// was written while this call ran, so it is this call's output.
func Release(in []byte) []byte {
	close(release)
	<-released
	return []byte("released")
}

// waiting reports whether the worker's call loop (goroutine 1, drive.go)
// waits for its next request: no call runs.
func waiting() bool {
	buf := make([]byte, 1<<16)
	buf = buf[:runtime.Stack(buf, true)]
	for _, g := range bytes.Split(buf, []byte("\n\n")) {
		if bytes.HasPrefix(g, []byte("goroutine 1 [")) {
			return bytes.Contains(g, []byte("gofn_cli_next"))
		}
	}
	return false
}

// Idle leaves a goroutine behind that writes "idle-marker" to stdout once
// this call is over and the worker waits for its next request.
func Idle(in []byte) []byte {
	go func() {
		for !waiting() {
			time.Sleep(time.Millisecond)
		}
		os.Stdout.WriteString("idle-marker\n")
	}()
	return []byte("idle")
}

// Chatter leaves a goroutine behind that writes its input to stdout and
// stderr for as long as the worker lives.
func Chatter(in []byte) []byte {
	line := append(append([]byte{}, in...), '\n')
	go func() {
		for {
			os.Stdout.Write(line)
			os.Stderr.Write(line)
			time.Sleep(time.Millisecond)
		}
	}()
	return []byte("chattering")
}

func Quiet(in []byte) []byte { return in }
