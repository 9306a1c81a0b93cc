#include "server/exec.h"
#include "server/fn_config.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/frame_io.h"
#include "common/io.h"
#include "server/log.h"
#include "server/objects.h"
#include "server/prepared.h"
#include "server/runtimes.h"
#include "server/tenant_uid.h"

/* A prepared worker bound to tenant when one is ready (*prepared = 1), else
 * a new one. */
static int get_worker(gofn_server *s, const char *tenant, const char *go_version, gofn_worker **w,
		      int *prepared, gofn_err *e)
{
	char exe[sizeof s->cfg.loader_path + 64];
	gofn_tenant_box box;
	if (gofn_runtime_worker(&s->cfg, go_version, exe, sizeof exe, e) < 0)
		return -1;
	/* No uid of its own (the range is used up): no worker, not a shared uid. */
	if (gofn_tenant_box_get(s, tenant, &box, e) < 0) {
		gofn_log(
		    "error", "worker_spawn_failed",
		    json_pack("{s:s, s:o}", "tenant", tenant, "error", gofn_json_text(e->msg)));
		return -1;
	}
	*prepared = gofn_prepared_take(s->prepared, exe, tenant, &box, w);
	if (*prepared)
		return 0;
	if (gofn_worker_spawn(&s->cfg, exe, s->confined, &box,
			      gofn_now_ms() + s->cfg.load_timeout_ms, w, e) < 0) {
		gofn_log("error", "worker_spawn_failed",
			 json_pack("{s:o}", "error", gofn_json_text(e->msg)));
		return -1;
	}
	gofn_pool_note_spawn(s->pool);
	return 0;
}

int gofn_exec_spawn(gofn_server *s, const char *tenant, const char *go_version, gofn_worker **w,
		    gofn_err *e)
{
	int prepared;

	return get_worker(s, tenant, go_version, w, &prepared, e);
}

static void free_objs(gofn_objbuf *objs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free((void *)objs[i].data);
}

static int read_objs(gofn_server *s, const gofn_function *f, gofn_objbuf *objs, gofn_err *e)
{
	for (size_t i = 0; i < f->nobjs; i++) {
		uint8_t *p = NULL;
		size_t n = 0;
		if (gofn_objects_load(s->store, s->cfg.data_dir, f->objs[i].sha256,
				      s->cfg.max_object, &p, &n, e) < 0) {
			free_objs(objs, i);
			return -1;
		}
		objs[i] = (gofn_objbuf){.data = p, .len = n};
	}
	return 0;
}

static int cold_start(gofn_server *s, const char *tenant, const gofn_function *f, gofn_worker **w,
		      gofn_outcome *o)
{
	gofn_err e = {0};
	gofn_objbuf objs[GOFN_MAX_OBJECTS];
	gofn_fn_env env;

	if (gofn_fn_env_load(s, f, &env, &e) < 0) {
		o->status = GOFN_STATUS_KILLED;
		snprintf(o->error, sizeof o->error, "cannot read the function's configuration: %s",
			 e.msg);
		return -1;
	}
	if (read_objs(s, f, objs, &e) < 0) {
		gofn_fn_env_free(&env);
		o->status = GOFN_STATUS_KILLED;
		snprintf(o->error, sizeof o->error, "cannot read the function's objects: %s",
			 e.msg);
		return -1;
	}
	int prepared = 0;
	if (get_worker(s, tenant, f->go_version, w, &prepared, &e) < 0) {
		free_objs(objs, f->nobjs);
		gofn_fn_env_free(&env);
		o->status = GOFN_STATUS_KILLED;
		snprintf(o->error, sizeof o->error, "cannot start worker: %s", e.msg);
		return -1;
	}
	/* no symbol list: the upload stored it */
	int rc = gofn_worker_load_env(*w, &s->cfg, objs, f->nobjs, &env.msg, NULL, o);
	if (prepared && rc < 0) /* else at its first result (h_invoke.c) */
		gofn_prepared_settled(s->prepared, *w);
	gofn_fn_env_free(&env);
	free_objs(objs, f->nobjs);
	if (rc < 0) {
		gofn_log(
		    "error", "reload_failed",
		    json_pack("{s:s, s:o}", "function", f->id, "error", gofn_json_text(o->error)));
		gofn_worker_destroy(*w);
		*w = NULL;
		return -1;
	}
	snprintf((*w)->function, sizeof(*w)->function, "%s", f->id);
	/* The load's captured output belongs to no invocation. */
	gofn_outcome_clear(o);
	return 0;
}

enum gofn_exec gofn_exec_worker(gofn_server *s, const char *tenant, const gofn_function *f,
				int64_t deadline_ms, gofn_worker **w, gofn_outcome *o)
{
	return gofn_exec_worker_for(s, tenant, f, deadline_ms, -1, w, o);
}

enum gofn_exec gofn_exec_worker_for(gofn_server *s, const char *tenant, const gofn_function *f,
				    int64_t deadline_ms, int client_fd, gofn_worker **w,
				    gofn_outcome *o)
{
	int rc;

	switch (gofn_pool_acquire_for(s->pool, tenant, f->id, deadline_ms, client_fd, w)) {
	case GOFN_GOT_WORKER:
		/* Whether it died while idle shows as its INVOKE goes out
		 * (gofn_exec_invoke), and whether it spoke out of turn in its
		 * reply (the call number): no poll() here. */
		return GOFN_EXEC_OK;
	case GOFN_GOT_SLOT:
		rc = cold_start(s, tenant, f, w, o);
		gofn_pool_started(s->pool); /* the next cold start may begin */
		if (rc == 0)
			return GOFN_EXEC_OK;
		gofn_pool_release_slot(s->pool, tenant);
		return GOFN_EXEC_FAILED;
	case GOFN_QUEUE_FULL:
		return GOFN_EXEC_QUEUE_FULL;
	case GOFN_QUEUE_TIMEOUT:
		return GOFN_EXEC_QUEUE_TIMEOUT;
	case GOFN_CLIENT_GONE:
		return GOFN_EXEC_CLIENT_GONE;
	case GOFN_SHUTTING_DOWN:
		break;
	}
	return GOFN_EXEC_SHUTDOWN;
}

void gofn_exec_invoke(gofn_server *s, const char *tenant, const gofn_function *f, gofn_worker **w,
		      const char *sym, const uint8_t *in, size_t inlen, int64_t timeout_ms,
		      unsigned prof_kinds, int prof_hz, gofn_outcome *o)
{
	gofn_worker_invoke_profiled(*w, &s->cfg, sym, in, inlen, timeout_ms, prof_kinds, prof_hz,
				    o);
	if (!o->undelivered)
		return;
	/* It died while idle (killed from outside, OOM): the call never
	 * reached it, so its slot gets a fresh worker and the call runs
	 * there, once. */
	gofn_log("warn", "worker_lost",
		 json_pack("{s:s, s:s, s:i}", "tenant", tenant, "function", f->id, "pid",
			   (int)(*w)->sp.proc.pid));
	gofn_worker_destroy(*w);
	*w = NULL;
	gofn_outcome_clear(o);
	if (cold_start(s, tenant, f, w, o) < 0) {
		gofn_pool_release_slot(s->pool, tenant);
		return;
	}
	gofn_worker_invoke_profiled(*w, &s->cfg, sym, in, inlen, timeout_ms, prof_kinds, prof_hz,
				    o);
}

int gofn_exec_refusal(enum gofn_exec x, const gofn_outcome *o, gofn_err *e)
{
	switch (x) {
	case GOFN_EXEC_FAILED:
		return gofn_errf(e, GOFN_EAGAIN, "%s", o->error);
	case GOFN_EXEC_QUEUE_FULL:
		return gofn_pool_refusal(GOFN_QUEUE_FULL, e);
	case GOFN_EXEC_QUEUE_TIMEOUT:
		return gofn_pool_refusal(GOFN_QUEUE_TIMEOUT, e);
	case GOFN_EXEC_CLIENT_GONE:
		return gofn_pool_refusal(GOFN_CLIENT_GONE, e);
	default:
		return gofn_pool_refusal(GOFN_SHUTTING_DOWN, e);
	}
}
