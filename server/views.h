/* How stored rows look on the wire: the one place that turns the store's
 * structs into the API's JSON (api/openapi.yaml documents these shapes). */
#ifndef GOFN_SERVER_VIEWS_H
#define GOFN_SERVER_VIEWS_H

#include <jansson.h>

#include "server/store.h"

json_t *gofn_function_json(const gofn_function *f);
json_t *gofn_tenant_json(const gofn_tenant_row *t);

#endif
