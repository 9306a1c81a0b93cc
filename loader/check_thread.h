/* A load's helper thread. It runs the parse's deferred checks
 * (goobj_check_deferred) beside the link's first stages
 * (gofn_link_resolve), then faults in the huge pages the load's last
 * stages will take (bigalloc.h gofn_big_reserve), while the link goes on:
 * on a large object the checks are an eighth of the load's instructions
 * and the page faults a tenth of its time, and a fresh load has a second
 * core to spare. It then takes one piece of later work the load hands it
 * (gofn_check_handoff: relocation, beside describe) and ends. */
#ifndef GOFN_LOADER_CHECK_THREAD_H
#define GOFN_LOADER_CHECK_THREAD_H

#include <pthread.h>
#include <stddef.h>

#include "common/err.h"
#include "loader/goobj.h"

typedef struct gofn_check_job {
	goobj_archive **archives;
	size_t narchives;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cond;
	int threaded; /* the thread was started and is not joined yet */
	int done;     /* the checks are over: rc and err are final */
	int finished; /* the thread is past its last use of the job */
	int rc;
	gofn_err err;
	/* one piece of the load's later work (gofn_check_handoff) */
	int (*work)(void *arg, gofn_err *err);
	void *work_arg;
	int closing;   /* gofn_check_release: no work will come */
	int work_done; /* work ran: work_rc and work_err are final */
	int work_rc;
	gofn_err work_err;
} gofn_check_job;

/* Starts checking archives[0..n) (goobj_parse_deferred's). When no thread
 * can be started the checks run here and now, and nothing is reserved.
 * The archives must outlive gofn_check_release. */
void gofn_check_start(gofn_check_job *j, goobj_archive **archives, size_t n);

/* Waits for the checks (not for the reserve); 0 if they passed, else -1
 * with their error in *err. */
int gofn_check_finish(gofn_check_job *j, gofn_err *err);

/* Runs work(arg, err) on the helper once its checks and reserve are
 * over, while the caller goes on (module_load.c: relocation beside
 * describe), or here and now when no thread runs. At most once a job,
 * after gofn_check_finish returned 0. */
void gofn_check_handoff(gofn_check_job *j, int (*work)(void *arg, gofn_err *err), void *arg);

/* Waits for the handed-off work; its result, with its error in *err. */
int gofn_check_join(gofn_check_job *j, gofn_err *err);

/* Waits for the thread to be done with the job (and with any work handed
 * to it) and unmaps what the load left of the reserve. Once
 * the job is started, before the load returns, on success or error. */
void gofn_check_release(gofn_check_job *j);

/* The bytes of huge pages to fault in ahead of a load's last stages:
 * describe's arena (its estimate, link_describe.c walk, here over every
 * function of the objects), the module builder's scratch and its pclntab
 * (each about half of it for the large object); 0 for a unit whose arrays
 * stay under 1 MiB. Reads aux indexes: only once the checks passed. */
size_t gofn_check_reserve_bytes(goobj_archive **archives, size_t n);

#endif
