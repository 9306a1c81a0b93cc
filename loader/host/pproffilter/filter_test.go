package pproffilter

import (
	"bytes"
	"runtime/pprof"
	"testing"
)

//go:noinline
func spinA(n int) int {
	x := 1
	for i := 0; i < n; i++ {
		x = x*31 + i
	}
	return x
}

//go:noinline
func spinB(n int) int {
	x := 3
	for i := 0; i < n; i++ {
		x = x*17 + i
	}
	return x
}

// A real CPU profile of two spinning functions: dropping one's samples
// leaves the other's exactly, and the result is still a profile Count reads.
func TestDropRealProfile(t *testing.T) {
	var buf bytes.Buffer
	if err := pprof.StartCPUProfile(&buf); err != nil {
		t.Fatal(err)
	}
	const a, b = "gofn/loader/host/pproffilter.spinA", "gofn/loader/host/pproffilter.spinB"
	for round := 0; round < 10; round++ {
		spinA(20_000_000)
		spinB(20_000_000)
	}
	pprof.StopCPUProfile()
	prof := buf.Bytes()
	hitsA, total, err := Count(prof, a)
	if err != nil {
		t.Fatal(err)
	}
	hitsB, _, _ := Count(prof, b)
	if hitsA == 0 || hitsB == 0 {
		t.Skipf("the profile has no samples of both spinners (%d, %d of %d): machine too busy", hitsA, hitsB, total)
	}
	out, dropped, err := Drop(prof, a)
	if err != nil {
		t.Fatal(err)
	}
	gotA, gotTotal, err := Count(out, a)
	if err != nil {
		t.Fatal(err)
	}
	gotB, _, _ := Count(out, b)
	if dropped != hitsA || gotA != 0 || gotB != hitsB || gotTotal != total-hitsA {
		t.Fatalf("dropped %d (want %d); after: %s %d, %s %d (want %d), total %d (want %d)",
			dropped, hitsA, a, gotA, b, gotB, hitsB, gotTotal, total-hitsA)
	}
	// Nothing named: the bytes come back as they were.
	same, n, err := Drop(prof, "no.such")
	if err != nil || n != 0 || !bytes.Equal(same, prof) {
		t.Fatalf("no-op drop changed the profile (%d, %v)", n, err)
	}
}

func TestDropRefusesGarbage(t *testing.T) {
	if _, _, err := Drop([]byte("not gzip"), "x"); err == nil {
		t.Fatal("garbage accepted")
	}
}
