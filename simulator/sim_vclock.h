/* SPDX-License-Identifier: MIT
 *
 * sim_vclock.h - a pile's clock.  Pile time = virt0 + real elapsed x scale
 * + offset.  With scale > 1 a scenario's hour passes in a minute: waits
 * are shortened (sim_vclock_real_ms) while pile timestamps advance by the
 * full virtual time.  virt0 is set in the past (back-dating) so the pile
 * never stamps the future unless a scenario asks for a clock offset.
 */
#ifndef SIM_VCLOCK_H
#define SIM_VCLOCK_H
#include <stdint.h>

/* Embedded in its pile. */
struct sim_vclock {
	int64_t real0_ms;  /* gw_clock_mono_ms() when started */
	int64_t virt0_ms;  /* pile wall time (ms since epoch) at real0 */
	double scale;      /* virtual ms per real ms, > 0 */
	int64_t offset_ms; /* scenario clock offset (CLOCK_SKEW) */
};

/* Start now: pile time begins at wall now - backdate_ms. */
void sim_vclock_start(struct sim_vclock *c, double scale, int64_t backdate_ms);
int64_t sim_vclock_now(const struct sim_vclock *c);   /* pile time, ms since epoch */
int64_t sim_vclock_real_ms(const struct sim_vclock *c, int64_t virt_ms); /* virtual span -> real span */

#endif
