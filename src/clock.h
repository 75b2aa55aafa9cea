/*
 * The monotonic clock, read one way everywhere: deadlines, backoffs,
 * rate limits and durations never follow the wall clock's steps.
 */
#ifndef NV_CLOCK_H
#define NV_CLOCK_H

#include <stdint.h>

int64_t	clock_ns(void);		/* CLOCK_MONOTONIC, nanoseconds */
int64_t	clock_ms(void);		/* the same, milliseconds */
int64_t	clock_coarse_ms(void);	/* CLOCK_MONOTONIC_COARSE: no system
				 * call, a few ms of resolution */

#endif
