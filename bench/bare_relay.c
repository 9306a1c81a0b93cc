/* bench-bare-relay: the floor of gofnd's architecture (issue 16 targets 2
 * and 3). The bare handler's libmicrohttpd (bench_http.c, gofnd's flags,
 * a thread per connection), and for each request what gofnd does at the
 * least: take an idle echo process of the request's tenant from a pool
 * (a mutex and a condition variable per tenant, as server/pool.c; a new
 * process while the tenant has fewer than WORKERS, as gofnd's --workers),
 * send it a small frame over its unix socketpair (MSG_DONTWAIT, as gofnd
 * sends an INVOKE), wait in a blocking recv for the reply, give the
 * process back and answer 200 with the reply. No JSON, no log, no
 * recorder, no sandbox: what is left is the kernel's round trip between
 * processes and the wake-ups it takes, plus whatever the echo does.
 *
 * The tenant is "Authorization: Bearer N" (N mod TENANTS; anything else
 * is tenant 0), so bench/lib.sh's rotate_lua spreads the load as over
 * gofnd's tenants. With -g DIR, each tenant's processes share a CPU
 * cgroup DIR/t<N> (created, removed at the end), as gofnd puts a tenant's
 * workers in <cpu>/gofn/t<uid> (sandbox/cgroup.c).
 *
 * With -e THREADS, the event-driven mode instead (bare_relay_ev.c): MHD's
 * epoll in THREADS threads, each request suspended while its frame is out,
 * at most DEPTH frames queued on one echo process (-q, default 1).
 *
 * Usage: bench-bare-relay [-t TENANTS] [-w WORKERS] [-g CGROUP_DIR]
 *        [-e THREADS [-q DEPTH]] ECHO [ARG...]
 * (prints "port N", stops on SIGTERM; the echo process gets its end of the
 * socketpair on descriptor 3, and its stdout is the relay's stderr). */
#include "bench/bare_relay.h"
#include "bench/bare_relay_frame.h"
#include "bench/bench_http.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

typedef struct tenant {
	pthread_mutex_t mu;
	pthread_cond_t freed;
	int idle[MAX_WORKERS]; /* sockets of idle echo processes */
	int nidle, nworkers;   /* nworkers counts busy, idle and starting ones */
} tenant;

static struct MHD_Response *text(const char *msg)
{
	return MHD_create_response_from_buffer(strlen(msg), (void *)msg, MHD_RESPMEM_PERSISTENT);
}

unsigned relay_tenant_of(const relay *r, struct MHD_Connection *c)
{
	const char *a = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
	if (!a || strncmp(a, "Bearer ", 7))
		return 0;
	return (unsigned)(strtoul(a + 7, NULL, 10) % r->ntenants);
}

/* Writes pid into the tenant's CPU group, creating it. */
static int join_cgroup(const relay *r, unsigned t, pid_t pid)
{
	char path[512], num[32];
	int fd, n, ok;

	snprintf(path, sizeof path, "%s/t%u", r->cgroup, t);
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return -1;
	snprintf(path, sizeof path, "%s/t%u/cgroup.procs", r->cgroup, t);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = snprintf(num, sizeof num, "%d", (int)pid);
	ok = write(fd, num, (size_t)n) == n;
	close(fd);
	return ok ? 0 : -1;
}

int relay_spawn_echo(relay *r, unsigned t)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none;
	int sv[2], rc;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	/* bench_http_serve blocks SIGTERM in every thread; the echo must not. */
	sigemptyset(&none);
	posix_spawnattr_init(&at);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, sv[1], 3);
	posix_spawn_file_actions_adddup2(&fa, 2, 1);
	rc = posix_spawn(&pid, r->echo[0], &fa, &at, r->echo, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	close(sv[1]);
	if (rc != 0 || (r->cgroup && join_cgroup(r, t, pid) < 0)) {
		fprintf(stderr, "bench-bare-relay: cannot start %s%s: %s\n", r->echo[0],
			rc ? "" : " in its cgroup", strerror(rc ? rc : errno));
		close(sv[0]);
		return -1;
	}
	pthread_mutex_lock(&r->procs_mu);
	if (r->nprocs < sizeof r->procs / sizeof r->procs[0])
		r->procs[r->nprocs] = pid, r->socks[r->nprocs++] = sv[0];
	pthread_mutex_unlock(&r->procs_mu);
	return sv[0];
}

/* An idle echo process of tenant t (waiting while all WORKERS are busy),
 * or a new one; -1 if none could start. */
static int acquire(relay *r, unsigned t)
{
	tenant *tn = &r->t[t];
	int fd;

	pthread_mutex_lock(&tn->mu);
	while (!tn->nidle && tn->nworkers >= (int)r->maxw)
		pthread_cond_wait(&tn->freed, &tn->mu);
	if (tn->nidle) {
		fd = tn->idle[--tn->nidle];
		pthread_mutex_unlock(&tn->mu);
		return fd;
	}
	tn->nworkers++;
	pthread_mutex_unlock(&tn->mu);
	fd = relay_spawn_echo(r, t);
	if (fd < 0) {
		pthread_mutex_lock(&tn->mu);
		tn->nworkers--;
		pthread_cond_signal(&tn->freed);
		pthread_mutex_unlock(&tn->mu);
	}
	return fd;
}

/* Gives fd back to tenant t's pool; a broken one (ok 0) is dropped (the
 * process saw its end of the stream close and exits). */
static void release(relay *r, unsigned t, int fd, int ok)
{
	tenant *tn = &r->t[t];

	pthread_mutex_lock(&tn->mu);
	if (ok)
		tn->idle[tn->nidle++] = fd;
	else
		tn->nworkers--;
	pthread_cond_signal(&tn->freed);
	pthread_mutex_unlock(&tn->mu);
	if (!ok)
		shutdown(fd, SHUT_RDWR);
}

static struct MHD_Response *relay_call(struct MHD_Connection *c, const char *body, size_t len,
				       void *arg)
{
	relay *r = arg;
	unsigned t = relay_tenant_of(r, c);
	uint8_t buf[RELAY_MAX];
	uint64_t call = __atomic_add_fetch(&r->next_call, 1, __ATOMIC_RELAXED), got = 0;
	size_t n = relay_frame_put(buf, call, body, len);
	ssize_t out;
	int fd;

	if (!n)
		return text("body too large\n");
	fd = acquire(r, t);
	if (fd < 0)
		return NULL;
	out = relay_send_all(fd, buf, n, MSG_DONTWAIT) == 0 ? relay_frame_recv(fd, buf, &got) : -1;
	release(r, t, fd, out >= 0 && got == call);
	if (out < 0 || got != call)
		return NULL; /* MHD closes the connection: wrk counts an error */
	return MHD_create_response_from_buffer((size_t)out, buf + RELAY_HEAD,
					       MHD_RESPMEM_MUST_COPY);
}

/* After the daemon stopped: ends every echo process (EOF on its socket),
 * waits for them and removes the tenants' CPU groups. */
static void stop_echoes(relay *r)
{
	char path[512];

	for (size_t i = 0; i < r->nprocs; i++)
		close(r->socks[i]);
	for (size_t i = 0; i < r->nprocs; i++)
		while (waitpid(r->procs[i], NULL, 0) < 0 && errno == EINTR)
			;
	for (unsigned t = 0; r->cgroup && t < r->ntenants; t++) {
		snprintf(path, sizeof path, "%s/t%u", r->cgroup, t);
		rmdir(path);
	}
}

static int usage(void)
{
	fprintf(stderr, "usage: bench-bare-relay [-t TENANTS] [-w WORKERS] [-g CGROUP_DIR] "
			"[-e THREADS [-q DEPTH]] ECHO [ARG...]\n");
	return 2;
}

int main(int argc, char **argv)
{
	static relay r = {.ntenants = 1, .maxw = 4, .procs_mu = PTHREAD_MUTEX_INITIALIZER};
	unsigned ev = 0, depth = 1;
	int opt, rc;

	while ((opt = getopt(argc, argv, "+t:w:g:e:q:")) != -1) {
		if (opt == 't')
			r.ntenants = (unsigned)atoi(optarg);
		else if (opt == 'w')
			r.maxw = (unsigned)atoi(optarg);
		else if (opt == 'g')
			r.cgroup = optarg;
		else if (opt == 'e')
			ev = (unsigned)atoi(optarg);
		else if (opt == 'q')
			depth = (unsigned)atoi(optarg);
		else
			return usage();
	}
	if (optind >= argc || r.ntenants < 1 || r.ntenants > MAX_TENANTS || r.maxw < 1 ||
	    r.maxw > MAX_WORKERS ||
	    (size_t)r.ntenants * r.maxw > sizeof r.procs / sizeof r.procs[0] || ev > 64 ||
	    depth < 1 || depth > 1024)
		return usage();
	if (r.cgroup && mkdir(r.cgroup, 0755) < 0 && errno != EEXIST) {
		fprintf(stderr, "bench-bare-relay: %s: %s\n", r.cgroup, strerror(errno));
		return 1;
	}
	r.echo = argv + optind;
	r.t = calloc(r.ntenants, sizeof *r.t);
	if (!r.t)
		return 1;
	for (unsigned i = 0; i < r.ntenants; i++) {
		pthread_mutex_init(&r.t[i].mu, NULL);
		pthread_cond_init(&r.t[i].freed, NULL);
	}
	rc = ev ? relay_ev_serve(&r, ev, depth)
		: bench_http_serve("bench-bare-relay", relay_call, &r);
	stop_echoes(&r);
	if (r.cgroup)
		rmdir(r.cgroup);
	free(r.t);
	return rc;
}
