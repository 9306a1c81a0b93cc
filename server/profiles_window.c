/* Open profiling windows: while one is open for a function, its
 * invocations run with a CPU profile and the window collects their ids.
 * An invocation that starts inside the window is part of it even if it
 * ends after: closing waits for those (inflight) before answering. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/frame_io.h"
#include "server/profiles_internal.h"

static int matches(const char *t1, const char *f1, const char *tenant, const char *function)
{
	return !strcmp(t1, tenant) && !strcmp(f1, function);
}

gofn_profile_window *gofn_profiles_window_open(gofn_profiles *p, const char *tenant,
					       const char *function, int max_per_tenant,
					       gofn_err *e)
{
	gofn_profile_window *w = calloc(1, sizeof *w);
	int open = 0;

	if (!w || !(w->ids = json_array())) {
		free(w);
		gofn_errf(e, GOFN_ENOMEM, "out of memory");
		return NULL;
	}
	snprintf(w->tenant, sizeof w->tenant, "%s", tenant);
	snprintf(w->function, sizeof w->function, "%s", function);
	pthread_mutex_lock(&p->lock);
	for (gofn_profile_window *o = p->windows; o; o = o->next)
		open += strcmp(o->tenant, tenant) == 0;
	if (open >= max_per_tenant) {
		pthread_mutex_unlock(&p->lock);
		json_decref(w->ids);
		free(w);
		gofn_errf(e, GOFN_EBUSY, "%d profile windows of this tenant are open (limit %d)",
			  open, max_per_tenant);
		return NULL;
	}
	w->next = p->windows;
	p->windows = w;
	pthread_mutex_unlock(&p->lock);
	return w;
}

/* Under the lock. */
static gofn_profile_inflight **inflight_of(gofn_profiles *p, const char *tenant,
					   const char *function)
{
	gofn_profile_inflight **pp = &p->inflight;

	while (*pp && !matches((*pp)->tenant, (*pp)->function, tenant, function))
		pp = &(*pp)->next;
	return pp;
}

json_t *gofn_profiles_window_close(gofn_profiles *p, gofn_profile_window *w, int64_t deadline_ms)
{
	pthread_mutex_lock(&p->lock);
	w->closing = 1;
	while (*inflight_of(p, w->tenant, w->function) && gofn_now_ms() < deadline_ms) {
		pthread_mutex_unlock(&p->lock);
		usleep(20000);
		pthread_mutex_lock(&p->lock);
	}
	for (gofn_profile_window **pp = &p->windows; *pp; pp = &(*pp)->next)
		if (*pp == w) {
			*pp = w->next;
			break;
		}
	pthread_mutex_unlock(&p->lock);
	json_t *ids = w->ids;
	free(w);
	return ids;
}

int gofn_profiles_window_begin(gofn_profiles *p, const char *tenant, const char *function)
{
	int on = 0;

	pthread_mutex_lock(&p->lock);
	for (gofn_profile_window *w = p->windows; w && !on; w = w->next)
		on = !w->closing && matches(w->tenant, w->function, tenant, function);
	if (on) {
		gofn_profile_inflight **pp = inflight_of(p, tenant, function);
		if (!*pp && (*pp = calloc(1, sizeof **pp))) {
			snprintf((*pp)->tenant, sizeof(*pp)->tenant, "%s", tenant);
			snprintf((*pp)->function, sizeof(*pp)->function, "%s", function);
		}
		if (*pp)
			(*pp)->n++;
		else
			on = 0;
	}
	pthread_mutex_unlock(&p->lock);
	return on;
}

void gofn_profiles_window_done(gofn_profiles *p, const char *tenant, const char *function)
{
	pthread_mutex_lock(&p->lock);
	gofn_profile_inflight **pp = inflight_of(p, tenant, function), *f = *pp;
	if (f && --f->n == 0) {
		*pp = f->next;
		free(f);
	}
	pthread_mutex_unlock(&p->lock);
}

void gofn_profiles_window_add(gofn_profiles *p, const char *tenant, const char *function,
			      const char *profile_id)
{
	pthread_mutex_lock(&p->lock);
	for (gofn_profile_window *w = p->windows; w; w = w->next)
		if (matches(w->tenant, w->function, tenant, function))
			json_array_append_new(w->ids, json_string(profile_id));
	pthread_mutex_unlock(&p->lock);
}
