/* loader/check_thread.h. */
#include "loader/check_thread.h"

#include <signal.h>
#include <string.h>

#include "loader/bigalloc.h"
#include "loader/modbuild.h"
#include "loader/release_obj.h"

#define HUGE ((size_t)2 << 20)

static int check_all(gofn_check_job *j)
{
	for (size_t i = 0; i < j->narchives; i++)
		if (goobj_check_deferred(j->archives[i], &j->err))
			return -1;
	return 0;
}

size_t gofn_check_reserve_bytes(goobj_archive **archives, size_t n)
{
	size_t est = 0;
	for (size_t i = 0; i < n; i++)
		for (uint32_t k = 0; k < archives[i]->nobjs; k++) {
			const goobj_object *o = &archives[i]->objs[k];
			for (uint32_t s = 0; s < o->ndefined; s++)
				if (o->syms[s].kind == GOREL_STEXT && o->syms[s].size)
					est +=
					    2 * (sizeof(gofn_mb_func) + o->syms[s].name.len + 32 +
						 goobj_sym_nauxs(o, &o->syms[s]) *
						     sizeof(gofn_mb_bytes));
		}
	/* under 1 MiB each array comes from the heap (bigalloc.h) */
	return est < HUGE / 2 ? 0 : 2 * est;
}

static void *run(void *arg)
{
	gofn_check_job *j = arg;
	int rc = check_all(j);
	pthread_mutex_lock(&j->mu);
	j->rc = rc;
	j->done = 1;
	pthread_cond_broadcast(&j->cond);
	pthread_mutex_unlock(&j->mu);
	if (!rc)
		gofn_big_reserve(gofn_check_reserve_bytes(j->archives, j->narchives));
	pthread_mutex_lock(&j->mu);
	while (!j->work && !j->closing)
		pthread_cond_wait(&j->cond, &j->mu);
	if (j->work) {
		pthread_mutex_unlock(&j->mu);
		rc = j->work(j->work_arg, &j->work_err);
		pthread_mutex_lock(&j->mu);
		j->work_rc = rc;
		j->work_done = 1;
	}
	/* The last touch of j: gofn_check_release may return, and j go,
	 * as soon as the mutex is unlocked. */
	j->finished = 1;
	pthread_cond_broadcast(&j->cond);
	pthread_mutex_unlock(&j->mu);
	return NULL;
}

void gofn_check_start(gofn_check_job *j, goobj_archive **archives, size_t n)
{
	sigset_t all, old;

	memset(j, 0, sizeof *j);
	j->archives = archives;
	j->narchives = n;
	pthread_mutex_init(&j->mu, NULL);
	pthread_cond_init(&j->cond, NULL);
	/* Signals stay with the process's own threads: the Go runtime's
	 * (preemption, profiling) are for Go threads, which this is not. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	/* Detached: pthread_join waits for the kernel's clear of the thread's
	 * id on a shared futex, which the worker's seccomp filter refuses
	 * (only private futex operations: sandbox/seccomp.c). The release
	 * waits on j->cond instead. */
	pthread_attr_t attr;
	j->threaded = pthread_attr_init(&attr) == 0 &&
		      pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED) == 0 &&
		      pthread_create(&j->thread, &attr, run, j) == 0;
	pthread_attr_destroy(&attr);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!j->threaded) {
		j->rc = check_all(j);
		j->done = 1;
	}
}

/* Waits until *flag (under j's mutex); then rc, with src copied to *err
 * when it is a failure. */
static int await(gofn_check_job *j, const int *flag, const int *rc, const gofn_err *src,
		 gofn_err *err)
{
	pthread_mutex_lock(&j->mu);
	while (!*flag)
		pthread_cond_wait(&j->cond, &j->mu);
	pthread_mutex_unlock(&j->mu);
	if (*rc && err)
		*err = *src;
	return *rc ? -1 : 0;
}

int gofn_check_finish(gofn_check_job *j, gofn_err *err)
{
	return await(j, &j->done, &j->rc, &j->err, err);
}

void gofn_check_handoff(gofn_check_job *j, int (*work)(void *arg, gofn_err *err), void *arg)
{
	if (!j->threaded) {
		j->work_rc = work(arg, &j->work_err);
		j->work_done = 1;
		return;
	}
	pthread_mutex_lock(&j->mu);
	j->work = work;
	j->work_arg = arg;
	pthread_cond_broadcast(&j->cond);
	pthread_mutex_unlock(&j->mu);
}

int gofn_check_join(gofn_check_job *j, gofn_err *err)
{
	return await(j, &j->work_done, &j->work_rc, &j->work_err, err);
}

void gofn_check_release(gofn_check_job *j)
{
	if (j->threaded) {
		pthread_mutex_lock(&j->mu);
		j->closing = 1;
		pthread_cond_broadcast(&j->cond);
		while (!j->finished)
			pthread_cond_wait(&j->cond, &j->mu);
		pthread_mutex_unlock(&j->mu);
		j->threaded = 0;
		gofn_big_unreserve();
	}
	pthread_mutex_destroy(&j->mu);
	pthread_cond_destroy(&j->cond);
}
