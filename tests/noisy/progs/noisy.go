// Tenant functions for tests/noisy: attacks on other tenants through shared
// resources (CPU, kernel quotas, memory), and the victim's measured work.
package main

import (
	"runtime"
	"strconv"
	"syscall"
	"time"
	"unsafe"
)

var sink uint64

// cpuMs is this process's CPU time (all threads) in ms.
func cpuMs() int64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return ru.Utime.Nano()/1e6 + ru.Stime.Nano()/1e6
}

// Burn uses the given CPU milliseconds (default 10) and returns.
func Burn(in string) string {
	ms, err := strconv.Atoi(in)
	if err != nil || ms <= 0 {
		ms = 10
	}
	start := cpuMs()
	x := uint64(ms)
	for cpuMs()-start < int64(ms) {
		for i := 0; i < 100000; i++ {
			x = x*6364136223846793005 + 1442695040888963407
		}
	}
	sink = x
	return strconv.FormatInt(cpuMs()-start, 10)
}

// Spin returns at once and leaves goroutines spinning in the idle worker.
func Spin(in string) string {
	n, err := strconv.Atoi(in)
	if err != nil || n <= 0 {
		n = 2
	}
	for i := 0; i < n; i++ {
		go func() {
			x := uint64(i)
			for {
				x = x*6364136223846793005 + 1
				sink = x
			}
		}()
	}
	return "spinning"
}

const sigrtmin = 34

var held chan struct{}

// SigFlood queues real-time signals on a thread that blocks them and keeps
// that thread (and the queue, charged to the worker's host uid) after the
// call returns. Returns how many were queued before the kernel said no.
func SigFlood(string) string {
	done := make(chan int)
	go func() {
		runtime.LockOSThread()
		set := uint64(1) << (sigrtmin - 1)
		syscall.RawSyscall6(syscall.SYS_RT_SIGPROCMASK, 0, uintptr(unsafe.Pointer(&set)), 0, 8, 0, 0)
		pid, tid := syscall.Getpid(), syscall.Gettid()
		n := 0
		for n < 1<<20 {
			if _, _, e := syscall.RawSyscall(syscall.SYS_TGKILL, uintptr(pid), uintptr(tid), sigrtmin); e != 0 {
				break
			}
			n++
		}
		done <- n
		<-held // never: the thread and its queue stay
	}()
	return strconv.Itoa(<-done)
}

// Timer creates and deletes a POSIX timer (what pprof does per thread);
// each one takes an entry of the host uid's signal queue quota.
func Timer(string) string {
	var id int32
	// CLOCK_PROCESS_CPUTIME_ID (2), sevp NULL: SIGALRM on expiry, never armed.
	_, _, e := syscall.RawSyscall(syscall.SYS_TIMER_CREATE, 2, 0, uintptr(unsafe.Pointer(&id)))
	if e != 0 {
		return "timer_create: " + e.Error()
	}
	syscall.RawSyscall(syscall.SYS_TIMER_DELETE, uintptr(id), 0, 0)
	return "ok"
}

var hoard [][]byte

// Alloc touches the given MiB (default 1536) of heap, 1 MiB at a time.
func Alloc(in string) string {
	mb, err := strconv.Atoi(in)
	if err != nil || mb <= 0 {
		mb = 1536
	}
	for i := 0; i < mb; i++ {
		b := make([]byte, 1<<20)
		for j := 0; j < len(b); j += 4096 {
			b[j] = 1
		}
		hoard = append(hoard, b)
	}
	return strconv.Itoa(len(hoard))
}

// Sleep waits the given ms without using CPU (a call that holds a worker).
func Sleep(in string) string {
	ms, _ := strconv.Atoi(in)
	time.Sleep(time.Duration(ms) * time.Millisecond)
	return "slept"
}

func main() { sink = uint64(len(Burn("1"))) }
