/* Operations routes: /healthz for probes, /runtimes for the Go releases
 * served, /metrics for Prometheus. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sandbox/sandbox.h"
#include "common/buf.h"
#include "server/prepared.h"
#include "server/routes.h"
#include "server/runtimes.h"

/* Every layer docs/security.md promises that this host does not give the
 * workers: a missing cgroup means memory and pids are held only by the RSS
 * watchdog and rlimits; tenant_uids, that all tenants share one host uid. */
static json_t *missing_layers(const gofn_server *s)
{
	const unsigned all = GOFN_LAYER_USERNS | GOFN_LAYER_PIDNS | GOFN_LAYER_MNTNS |
			     GOFN_LAYER_NETNS | GOFN_LAYER_IPCNS | GOFN_LAYER_UTSNS |
			     GOFN_LAYER_CGROUPNS | GOFN_LAYER_CGROUP | GOFN_LAYER_SECCOMP |
			     GOFN_LAYER_CPU;
	json_t *m = json_array();
	char name[32];

	if (!s->confined) {
		json_array_append_new(m, json_string("sandbox"));
		return m;
	}
	for (unsigned bit = 1; bit & all; bit <<= 1)
		if (!(s->layers & bit))
			json_array_append_new(
			    m, json_string(gofn_sandbox_layers_str(bit, name, sizeof name)));
	if (geteuid() != 0 || !s->cfg.uid_count)
		json_array_append_new(m, json_string("tenant_uids"));
	return m;
}

enum MHD_Result gofn_h_healthz(gofn_req *r)
{
	gofn_server *s = r->srv;
	char layers[256];
	gofn_pool_stats ps;

	gofn_pool_stats_get(s->pool, &ps);
	gofn_sandbox_layers_str(s->layers, layers, sizeof layers);
	json_t *missing = missing_layers(s);
	json_t *sb = json_pack("{s:b, s:s, s:O}", "confined", s->confined, "layers", layers,
			       "missing", missing);
	if (s->sandbox_note[0])
		json_object_set_new(sb, "note", json_string(s->sandbox_note));
	json_t *j = json_pack("{s:s, s:o, s:I, s:I}", "status",
			      json_array_size(missing) ? "degraded" : "ok", "sandbox", sb,
			      "workers", (json_int_t)ps.workers, "queued", (json_int_t)ps.queued);
	json_decref(missing);
	return gofn_reply_json(r, 200, j);
}

/* The Go releases this gofnd runs objects of, each with the exact
 * toolchain its worker was built by (objects must match it). */
enum MHD_Result gofn_h_runtimes(gofn_req *r)
{
	return gofn_reply_json(r, 200, gofn_runtimes_json());
}

enum MHD_Result gofn_h_metrics(gofn_req *r)
{
	gofn_pool_stats ps;

	gofn_pool_stats_get(r->srv->pool, &ps);
	char *main_text = gofn_metrics_render(r->srv->metrics, &ps);
	gofn_buf b = {0};
	if (main_text)
		gofn_buf_str(&b, main_text);
	free(main_text);
	gofn_prepared_metrics(r->srv->prepared, &b);
	char *text = main_text && !b.oom ? gofn_buf_take(&b) : NULL;
	gofn_buf_free(&b);
	if (!text)
		return gofn_reply_fail(r, GOFN_ESYS, NULL, "out of memory");
	return gofn_reply_raw(r, 200, "text/plain; version=0.0.4", text, strlen(text), NULL);
}
