/* Open profiling windows: while one is open for a function, its
 * invocations run with a CPU profile and the window collects their ids. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/profiles_internal.h"

static int matches(const gofn_profile_window *w, const char *tenant, const char *function)
{
	return !strcmp(w->tenant, tenant) && !strcmp(w->function, function);
}

gofn_profile_window *gofn_profiles_window_open(gofn_profiles *p, const char *tenant,
					       const char *function)
{
	gofn_profile_window *w = calloc(1, sizeof *w);

	if (!w || !(w->ids = json_array())) {
		free(w);
		return NULL;
	}
	snprintf(w->tenant, sizeof w->tenant, "%s", tenant);
	snprintf(w->function, sizeof w->function, "%s", function);
	pthread_mutex_lock(&p->lock);
	w->next = p->windows;
	p->windows = w;
	pthread_mutex_unlock(&p->lock);
	return w;
}

json_t *gofn_profiles_window_close(gofn_profiles *p, gofn_profile_window *w)
{
	pthread_mutex_lock(&p->lock);
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

int gofn_profiles_window_active(gofn_profiles *p, const char *tenant, const char *function)
{
	int on = 0;

	pthread_mutex_lock(&p->lock);
	for (gofn_profile_window *w = p->windows; w && !on; w = w->next)
		on = matches(w, tenant, function);
	pthread_mutex_unlock(&p->lock);
	return on;
}

void gofn_profiles_window_add(gofn_profiles *p, const char *tenant, const char *function,
			      const char *profile_id)
{
	pthread_mutex_lock(&p->lock);
	for (gofn_profile_window *w = p->windows; w; w = w->next)
		if (matches(w, tenant, function))
			json_array_append_new(w->ids, json_string(profile_id));
	pthread_mutex_unlock(&p->lock);
}
