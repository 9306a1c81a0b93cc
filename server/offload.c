#include "server/offload.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

typedef struct job {
	struct job *next;
	void (*fn)(void *arg);
	void *arg;
} job;

/* An offload thread's handle: on the dead list once it has exited, until
 * someone joins it. */
typedef struct thr {
	struct thr *next;
	pthread_t id;
} thr;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t work;			       /* a job queued, or a drain */
static pthread_cond_t gone = PTHREAD_COND_INITIALIZER; /* a thread exited */
static job *head, *tail;
/* Invariant under mu: queued <= idle. Every queued job has a thread that
 * is idle or about to be, so no job waits for another to finish. */
static int queued, idle, threads, draining;
static thr *dead;

static void init_cond(void)
{
	pthread_condattr_t ca;

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&work, &ca);
	pthread_condattr_destroy(&ca);
}

static void deadline(struct timespec *ts)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += GOFN_OFFLOAD_IDLE_MS / 1000;
	ts->tv_nsec += (GOFN_OFFLOAD_IDLE_MS % 1000) * 1000000L;
	ts->tv_sec += ts->tv_nsec / 1000000000L;
	ts->tv_nsec %= 1000000000L;
}

/* Joins the threads that exited (they no longer need mu). */
static void join_dead(thr *list)
{
	while (list) {
		thr *t = list;
		list = t->next;
		pthread_join(t->id, NULL);
		free(t);
	}
}

static thr *take_dead_locked(void)
{
	thr *list = dead;

	dead = NULL;
	return list;
}

static void *loop(void *arg)
{
	thr *self = arg;
	struct timespec ts;

	pthread_mutex_lock(&mu);
	for (;;) {
		deadline(&ts);
		while (!head) {
			if (draining)
				goto out;
			if (pthread_cond_timedwait(&work, &mu, &ts) == ETIMEDOUT && !head)
				goto out;
		}
		job *j = head;
		head = j->next;
		if (!head)
			tail = NULL;
		queued--;
		idle--;
		pthread_mutex_unlock(&mu);
		j->fn(j->arg);
		free(j);
		pthread_mutex_lock(&mu);
		idle++;
	}
out:
	idle--;
	threads--;
	self->next = dead;
	dead = self;
	pthread_cond_broadcast(&gone);
	pthread_mutex_unlock(&mu);
	return NULL;
}

/* Under mu: one more idle thread, for a job about to be queued. */
static int spawn_locked(void)
{
	thr *t = malloc(sizeof *t);

	if (!t)
		return -1;
	threads++;
	idle++;
	if (pthread_create(&t->id, NULL, loop, t) != 0) {
		threads--;
		idle--;
		free(t);
		return -1;
	}
	return 0;
}

int gofn_offload_run(void (*fn)(void *arg), void *arg)
{
	job *j = malloc(sizeof *j);

	if (!j)
		return -1;
	j->next = NULL;
	j->fn = fn;
	j->arg = arg;
	pthread_once(&once, init_cond);
	pthread_mutex_lock(&mu);
	thr *exited = take_dead_locked();
	if (idle <= queued && spawn_locked() < 0) {
		pthread_mutex_unlock(&mu);
		join_dead(exited);
		free(j);
		return -1;
	}
	if (tail)
		tail->next = j;
	else
		head = j;
	tail = j;
	queued++;
	pthread_cond_signal(&work);
	pthread_mutex_unlock(&mu);
	join_dead(exited);
	return 0;
}

void gofn_offload_drain(void)
{
	pthread_once(&once, init_cond);
	pthread_mutex_lock(&mu);
	draining++;
	pthread_cond_broadcast(&work);
	while (threads > 0)
		pthread_cond_wait(&gone, &mu);
	draining--;
	thr *exited = take_dead_locked();
	pthread_mutex_unlock(&mu);
	join_dead(exited);
}

int gofn_offload_threads(void)
{
	pthread_mutex_lock(&mu);
	int n = threads;
	pthread_mutex_unlock(&mu);
	return n;
}
