/* Operations routes: /healthz for probes, /runtimes for the Go releases
 * served, /metrics for Prometheus. */
#include <stdlib.h>
#include <string.h>

#include "sandbox/sandbox.h"
#include "server/routes.h"
#include "server/runtimes.h"

enum MHD_Result gofn_h_healthz(gofn_req *r)
{
	gofn_server *s = r->srv;
	char layers[256];
	gofn_pool_stats ps;

	gofn_pool_stats_get(s->pool, &ps);
	gofn_sandbox_layers_str(s->layers, layers, sizeof layers);
	json_t *sb = json_pack("{s:b, s:s}", "confined", s->confined, "layers", layers);
	if (s->sandbox_note[0])
		json_object_set_new(sb, "note", json_string(s->sandbox_note));
	json_t *j =
	    json_pack("{s:s, s:o, s:I, s:I}", "status", s->confined ? "ok" : "degraded", "sandbox",
		      sb, "workers", (json_int_t)ps.workers, "queued", (json_int_t)ps.queued);
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
	char *text = gofn_metrics_render(r->srv->metrics, &ps);
	if (!text)
		return gofn_reply_fail(r, GOFN_ESYS, NULL, "out of memory");
	return gofn_reply_raw(r, 200, "text/plain; version=0.0.4", text, strlen(text), NULL);
}
