/* Threads for work that may block, off libmicrohttpd's few event threads
 * (server/http.h's gofn_req_offload runs request handlers here).
 *
 * Process-wide. A job never waits for a thread: it is handed to an idle
 * one or a new one is created, so there are never fewer threads than
 * jobs running or queued (a handler blocked for 10 s delays no other).
 * Idle threads exit after GOFN_OFFLOAD_IDLE_MS. The number of threads is
 * bounded by what bounds the jobs: for requests, --max-connections. */
#ifndef GOFN_SERVER_OFFLOAD_H
#define GOFN_SERVER_OFFLOAD_H

#define GOFN_OFFLOAD_IDLE_MS 10000

/* Runs fn(arg) on an offload thread. 0, or -1 if no thread could be
 * created (fn does not run). */
int gofn_offload_run(void (*fn)(void *arg), void *arg);

/* Waits until every job, including any queued meanwhile, has returned,
 * then for every offload thread to exit (joined: their thread-local state
 * is gone). For the server's stop, after libmicrohttpd's. */
void gofn_offload_drain(void);

/* Threads now: running a job, or idle. For tests. */
int gofn_offload_threads(void);

#endif
