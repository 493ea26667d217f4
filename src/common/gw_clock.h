/* SPDX-License-Identifier: MIT
 *
 * gw_clock.h - the one clock.  Wall time in milliseconds since the Unix
 * epoch (UTC) and a monotonic clock for timeouts.  Tests inject time with
 * gw_clock_set_fake() so nothing sleeps.
 */
#ifndef GW_CLOCK_H
#define GW_CLOCK_H
#include <stdint.h>

int64_t gw_clock_now_ms(void);  /* wall clock, ms since epoch, UTC */
int64_t gw_clock_mono_ms(void); /* monotonic, ms, arbitrary origin */

/* Test-only: freeze both clocks at at_ms (wall) ; 0 returns to real time. */
void gw_clock_set_fake(int64_t at_ms);
void gw_clock_advance(int64_t delta_ms);

#endif
