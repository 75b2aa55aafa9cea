/*
 * The monotonic clock.  The coarse one is for the once-a-second checks
 * of the request loop (the key set's reload, the unknown-kid signal):
 * it is read from the vDSO without a system call.
 */
#include <time.h>

#include "clock.h"

int64_t
clock_ns(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t
clock_ms(void)
{
	return clock_ns() / 1000000;
}

int64_t
clock_coarse_ms(void)
{
	struct timespec	 ts;

#ifdef CLOCK_MONOTONIC_COARSE
	if (clock_gettime(CLOCK_MONOTONIC_COARSE, &ts) == -1)
#endif
		clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
