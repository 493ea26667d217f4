/* SPDX-License-Identifier: MIT
 *
 * gw_time.h - RFC 3339 / ISO 8601 date-times as OCPP uses them.
 * Parsing accepts "2026-11-25T18:00:00Z", fractional seconds of any length,
 * and numeric offsets ("+01:00"); a missing offset is read as UTC, as many
 * 1.6 piles send it (the spec asks for UTC).  Formatting always writes UTC
 * with milliseconds: "2026-11-25T18:00:00.000Z".
 */
#ifndef GW_TIME_H
#define GW_TIME_H
#include <stddef.h>
#include <stdint.h>

#define GW_TIME_STRLEN 25 /* "YYYY-MM-DDTHH:MM:SS.mmmZ" + NUL */

/* Parse len bytes of s into ms since the epoch.  GW_OK or GW_ECONSTRAINT. */
int gw_time_parse(const char *s, size_t len, int64_t *at_ms);

/* Write at_ms as UTC into buf (>= GW_TIME_STRLEN bytes).  Returns buf. */
char *gw_time_format(int64_t at_ms, char *buf);

#endif
