/* Init order of a link unit's packages (initorder.c). */
#ifndef GOFN_LOADER_INITORDER_H
#define GOFN_LOADER_INITORDER_H

#include "loader/link_internal.h"

/* Fills order[0..l->nobjs) with object indexes, imports first. */
int gofn_init_order(const gofn_link *l, size_t *order, gofn_err *err);

/* The address of object oi's "<pkg>..inittask", or 0 if it has none. */
uintptr_t gofn_init_task(const gofn_link *l, size_t oi);

#endif
