/* The one monotonic clock: CLOCK_MONOTONIC, for deadlines and durations
 * (never wall time, which jumps). */
#ifndef GOFN_COMMON_CLOCK_H
#define GOFN_COMMON_CLOCK_H

#include <stdint.h>

int64_t gofn_mono_us(void);
/* The same in milliseconds: what poll() timeouts and deadlines use. */
int64_t gofn_now_ms(void);

#endif
