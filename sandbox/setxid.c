/* Keeps a refused setuid()-family call reported on whichever thread traps.
 *
 * glibc's setuid(), setgid(), setgroups()... make every thread repeat the
 * call: SIGSETXID (33, glibc-internal) goes to each thread, whose handler
 * makes the same system call (glibc nptl/nptl_setxid.c). The filter traps it
 * there, in the thread's own signal mask, and glibc's pthread_sigmask never
 * blocks 32/33, so threads take the broadcast while SIGSYS is blocked: Go's
 * cgo thread start (runtime/cgo/gcc_linux_amd64.c, _cgo_sys_thread_start:
 * sigfillset + pthread_sigmask), the new thread until minit sets its mask,
 * and an exiting Go thread (runtime/signal_unix.go, sigsetAllExiting).
 * A seccomp trap with SIGSYS blocked makes the kernel reset SIGSYS to SIG_DFL
 * (kernel/signal.c, force_sig_info_to_task), and the worker dies of the signal
 * without its report. So glibc's broadcast handler is wrapped: it unblocks
 * SIGSYS first; on return the kernel restores the thread's own mask. */
#include "sandbox/sandbox.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#define GLIBC_SIGSETXID 33 /* glibc nptl/pthreadP.h: __SIGRTMIN + 1 */

/* The kernel's struct for rt_sigaction on x86_64 (arch/x86/include/uapi/
 * asm/signal.h); glibc's sigaction refuses SIGSETXID, so the raw call is used. */
struct ksigaction {
	void (*handler)(int, siginfo_t *, void *);
	unsigned long flags;
	void (*restorer)(void);
	uint64_t mask;
};

static struct ksigaction glibc_setxid;

static void on_setxid(int sig, siginfo_t *si, void *uc)
{
	uint64_t sys = 1ull << (SIGSYS - 1);
	int saved = errno;

	syscall(SYS_rt_sigprocmask, SIG_UNBLOCK, &sys, NULL, sizeof sys);
	errno = saved;
	glibc_setxid.handler(sig, si, uc);
}

/* Before the filter goes on, so it is in place before any thread can trap.
 * glibc installs its handler at the first pthread_create (nptl/
 * pthread_create.c, late_init); a cgo Go worker has threads before main, so
 * it is there. Without it the process never had a thread and nothing
 * broadcasts yet: left alone. */
int gofn_sandbox_wrap_setxid(gofn_err *err)
{
	struct ksigaction cur, ours;

	if (syscall(SYS_rt_sigaction, GLIBC_SIGSETXID, NULL, &cur, sizeof(uint64_t)) < 0)
		return gofn_errsys(err, "rt_sigaction(SIGSETXID) read");
	if (!(cur.flags & SA_SIGINFO) || cur.handler == on_setxid ||
	    (uintptr_t)cur.handler <= (uintptr_t)SIG_IGN)
		return 0;
	glibc_setxid = cur;
	ours = cur;
	ours.handler = on_setxid;
	if (syscall(SYS_rt_sigaction, GLIBC_SIGSETXID, &ours, NULL, sizeof(uint64_t)) < 0)
		return gofn_errsys(err, "rt_sigaction(SIGSETXID) wrap");
	return 0;
}
