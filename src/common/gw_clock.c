/* SPDX-License-Identifier: MIT
 * gw_clock.c - real or injected time. */
#include <time.h>

#include "common/gw_clock.h"

static int64_t fake_ms; /* 0 = real time */

static int64_t read_clock(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t gw_clock_now_ms(void)
{
	return fake_ms ? fake_ms : read_clock(CLOCK_REALTIME);
}

int64_t gw_clock_mono_ms(void)
{
	return fake_ms ? fake_ms : read_clock(CLOCK_MONOTONIC);
}

void gw_clock_set_fake(int64_t at_ms)
{
	fake_ms = at_ms;
}

void gw_clock_advance(int64_t delta_ms)
{
	if (fake_ms)
		fake_ms += delta_ms;
}
