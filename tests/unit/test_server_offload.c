/* The event-driven request path's pieces (server/offload.c, server/http.c):
 * offload threads never make a job wait for another (16 blocked jobs, then
 * one more that must run while they still block), and drain joins them
 * all; a request suspended and resumed through gofn_req_suspend and
 * gofn_req_resume on libmicrohttpd configured as gofnd's (epoll, a pool
 * of event threads), with the resume made from another thread before the
 * suspending handler has returned, and after it returned, is answered on
 * its kept-alive connection each time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "server/http.h"
#include "server/offload.h"

#define BOUND_S 60 /* a failure, not a measure: how long a wait may take */

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int running, released, done;

static void bound(struct timespec *ts)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += BOUND_S;
}

/* Under mu: waits until *v >= want, or fails the test. */
static void wait_for(const int *v, int want)
{
	struct timespec ts;

	bound(&ts);
	while (*v < want)
		assert_int_equal(pthread_cond_timedwait(&cv, &mu, &ts), 0);
}

static void blocker(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&mu);
	running++;
	pthread_cond_broadcast(&cv);
	while (!released)
		pthread_cond_wait(&cv, &mu);
	done++;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
}

static void quick(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&mu);
	done++;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
}

static void blocked_jobs_delay_no_other(void **state)
{
	enum { N = 16 };

	(void)state;
	running = released = done = 0;
	for (int i = 0; i < N; i++)
		assert_int_equal(gofn_offload_run(blocker, NULL), 0);
	pthread_mutex_lock(&mu);
	wait_for(&running, N); /* all at once: a thread each */
	pthread_mutex_unlock(&mu);
	assert_int_equal(gofn_offload_run(quick, NULL), 0);
	pthread_mutex_lock(&mu);
	wait_for(&done, 1);
	assert_int_equal(done, 1); /* the quick one, while all N still block */
	released = 1;
	pthread_cond_broadcast(&cv);
	wait_for(&done, N + 1);
	pthread_mutex_unlock(&mu);
	assert_true(gofn_offload_threads() >= 1); /* idle ones are kept a while */
	gofn_offload_drain();
	assert_int_equal(gofn_offload_threads(), 0);
	/* and it serves again after a drain */
	assert_int_equal(gofn_offload_run(quick, NULL), 0);
	pthread_mutex_lock(&mu);
	wait_for(&done, N + 2);
	pthread_mutex_unlock(&mu);
	gofn_offload_drain();
}

/* A stand-in for gofnd's access handler: the same suspend and resume,
 * and the same dispatch on the way back (r->wake). */
static gofn_server fake_srv;
static atomic_int resume_early; /* resume before the handler returns */

static enum MHD_Result answer(gofn_req *r)
{
	static const char body[] = "ok";
	struct MHD_Response *resp =
	    MHD_create_response_from_buffer(sizeof body - 1, (void *)body, MHD_RESPMEM_PERSISTENT);
	enum MHD_Result rc = MHD_queue_response(r->conn, 200, resp);

	MHD_destroy_response(resp);
	return rc;
}

static void *resumer(void *arg)
{
	gofn_req_resume(arg, answer);
	return NULL;
}

static void resume_job(void *arg)
{
	gofn_req_resume(arg, answer);
}

static enum MHD_Result access_fn(void *cls, struct MHD_Connection *c, const char *url,
				 const char *method, const char *version, const char *upload,
				 size_t *upload_size, void **con_cls)
{
	gofn_req *r = *con_cls;

	(void)cls, (void)url, (void)method, (void)version, (void)upload, (void)upload_size;
	if (!r) {
		r = calloc(1, sizeof *r);
		r->srv = &fake_srv;
		r->conn = c;
		*con_cls = r;
		return MHD_YES;
	}
	if (r->wake) {
		gofn_req_fn fn = r->wake;
		r->wake = NULL;
		r->suspended = 0;
		return fn(r);
	}
	gofn_req_suspend(r);
	if (resume_early) { /* resumed, fully, before this handler returns */
		pthread_t t;
		assert_int_equal(pthread_create(&t, NULL, resumer, r), 0);
		pthread_join(t, NULL);
		return MHD_YES;
	}
	assert_int_equal(gofn_offload_run(resume_job, r), 0);
	return MHD_YES;
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	(void)cls, (void)c, (void)toe;
	free(*con_cls);
	*con_cls = NULL;
}

/* One GET on fd, its answer read until the body "ok". */
static void get_ok(int fd)
{
	static const char req[] = "GET / HTTP/1.1\r\nHost: t\r\n\r\n";
	char buf[1024];
	size_t n = 0;

	assert_int_equal(send(fd, req, sizeof req - 1, 0), (ssize_t)(sizeof req - 1));
	while (n < sizeof buf - 1) {
		ssize_t k = recv(fd, buf + n, sizeof buf - 1 - n, 0);
		assert_true(k > 0);
		n += (size_t)k;
		buf[n] = 0;
		char *end = strstr(buf, "\r\n\r\n");
		if (end && strcmp(end + 4, "ok") == 0)
			break;
	}
	assert_non_null(strstr(buf, "HTTP/1.1 200"));
}

static void resume_before_and_after_return(void **state)
{
	(void)state;
	struct MHD_Daemon *d =
	    MHD_start_daemon(MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_ALLOW_SUSPEND_RESUME,
			     0, NULL, NULL, access_fn, NULL, MHD_OPTION_NOTIFY_COMPLETED, completed,
			     NULL, MHD_OPTION_THREAD_POOL_SIZE, 2u, MHD_OPTION_END);
	assert_non_null(d);
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(di->port)};
	struct timeval tv = {.tv_sec = BOUND_S};

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (int conn = 0; conn < 4; conn++) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		assert_true(fd >= 0);
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
		assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
		for (int i = 0; i < 50; i++) { /* kept alive: suspended and back each time */
			resume_early = (i + conn) % 2;
			get_ok(fd);
		}
		close(fd);
	}
	/* the last resumer may still be between its resume and its count */
	for (int i = 0; i < BOUND_S * 1000 && atomic_load(&fake_srv.suspended); i++)
		usleep(1000);
	assert_int_equal(atomic_load(&fake_srv.suspended), 0);
	MHD_stop_daemon(d);
	gofn_offload_drain();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(blocked_jobs_delay_no_other),
	    cmocka_unit_test(resume_before_and_after_return),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
