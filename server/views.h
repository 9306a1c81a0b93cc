/* How stored rows look on the wire: the one place that turns the store's
 * structs into the API's JSON (api/openapi.yaml documents these shapes). */
#ifndef GOFN_SERVER_VIEWS_H
#define GOFN_SERVER_VIEWS_H

#include <jansson.h>

#include "server/config.h"
#include "server/store.h"
#include "server/store_invocations.h"

json_t *gofn_function_json(const gofn_function *f);
/* A tenant for the admin: its CPU settings as its workers get them (its
 * own, else the flags'), cpu_quota "max" when uncapped, and its host uid
 * (null until its first worker, or with --uid-range off). */
json_t *gofn_tenant_json(const gofn_tenant_row *t, const gofn_config *c);
/* The tenant's functions of these ids, read from the store, as an array;
 * one deleted since the ids were listed is simply not shown. */
json_t *gofn_functions_json(gofn_store *s, const char *tenant, const gofn_strlist *ids);
/* An invocation row (server/store_invocations.h) as GET /invocations lists
 * it, and as GET /invocations/{id} shows it: a finished async one is the
 * outcome JSON the synchronous call answers, plus mode, attempt, times. */
json_t *gofn_invocation_summary_json(const gofn_inv_row *row);
json_t *gofn_invocation_json(const gofn_inv_row *row);

#endif
