package fdwait

import (
	"syscall"
	"testing"
)

// pair returns the two ends of a stream socket, as gofnd's control socket.
func pair(t *testing.T) (int, int) {
	t.Helper()
	sv, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Close(sv[1]) }) // sv[0] is the waiter's, kept open
	return sv[0], sv[1]
}

// A request already there when the worker waits, whose edge the netpoller
// already reported (here: to the wait before, which C then did not follow
// with a read), is found at once. Before the first look was a real one,
// the second wait parked until its deadline and said nothing came.
func TestReadyBeforeWaitAndEdgeSeen(t *testing.T) {
	w, peer := pair(t)
	wait := New(w)
	if _, err := syscall.Write(peer, []byte{1}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if !wait(10000) {
			t.Fatalf("wait %d: the byte sent before it was not seen", i)
		}
	}
}

// Nothing sent: the wait ends at its deadline and says so.
func TestNothingSentEndsAtDeadline(t *testing.T) {
	w, _ := pair(t)
	if New(w)(20) {
		t.Fatal("wait said readable with nothing sent")
	}
}

// A request sent while the goroutine is parked wakes it.
func TestSentWhileParked(t *testing.T) {
	w, peer := pair(t)
	wait := New(w)
	got := make(chan bool)
	go func() { got <- wait(10000) }()
	if _, err := syscall.Write(peer, []byte{1}); err != nil {
		t.Fatal(err)
	}
	if !<-got {
		t.Fatal("the byte sent during the wait was not seen")
	}
}

// The peer's end closed: readable (C's next read sees the end).
func TestPeerClosed(t *testing.T) {
	sv, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	syscall.Close(sv[1])
	if !New(sv[0])(10000) {
		t.Fatal("a closed peer did not make the wait return readable")
	}
}
