/* SPDX-License-Identifier: MIT
 * sim_vclock.c - scaled pile time over gw_clock (so tests can fake it). */
#include "common/gw_clock.h"
#include "sim_vclock.h"

void sim_vclock_start(struct sim_vclock *c, double scale, int64_t backdate_ms)
{
	c->real0_ms = gw_clock_mono_ms();
	c->virt0_ms = gw_clock_now_ms() - backdate_ms;
	c->scale = scale > 0 ? scale : 1.0;
	c->offset_ms = 0;
}

int64_t sim_vclock_now(const struct sim_vclock *c)
{
	double el = (double)(gw_clock_mono_ms() - c->real0_ms) * c->scale;

	return c->virt0_ms + (int64_t)el + c->offset_ms;
}

int64_t sim_vclock_real_ms(const struct sim_vclock *c, int64_t virt_ms)
{
	if (virt_ms <= 0)
		return 0;
	return (int64_t)((double)virt_ms / c->scale + 0.5);
}
