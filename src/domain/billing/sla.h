/* SPDX-License-Identifier: MIT
 *
 * sla.h - the refund-case SLA calendar (DESIGN.md "Billing anomalies ->
 * refund cases": acknowledge within 48 h, decide within 3 / 7 working days).
 *
 * Working days are weekdays of the mask that are not holidays, both read in
 * local time = UTC + utc_offset_min.  A case opened on a day off counts from
 * the next working day's local midnight; N working days later keeps the
 * local time of day.  The defaults are Monday to Friday in UTC, no holidays.
 */
#ifndef DOMAIN_BILLING_SLA_H
#define DOMAIN_BILLING_SLA_H
#include <stdint.h>

#define SLA_HOLIDAYS_MAX 64

/* Config of the SLA timers; a plain value, one per process. */
struct sla_calendar {
	int64_t ack_ms;              /* acknowledge within, default 48 h */
	int64_t decide_simple_days;  /* tiers A and B, working days, default 3 */
	int64_t decide_complex_days; /* tier C and disputes, working days, default 7 */
	int64_t utc_offset_min;      /* local day boundary, -840..840, default 0 */
	char working_days[40];       /* "Mon,Tue,Wed,Thu,Fri": the text of weekday_mask */
	unsigned weekday_mask;       /* bit 0 = Sunday .. bit 6 = Saturday; never 0 */
	int64_t holidays[SLA_HOLIDAYS_MAX]; /* local days since 1970-01-01 */
	int n_holidays;
};

/* Fill *cal with the defaults above. */
void sla_calendar_default(struct sla_calendar *cal);

/* "Mon,Tue,..." (case-insensitive three-letter names, spaces allowed) ->
 * *mask.  GW_OK, or GW_EINVAL for an unknown name or an empty list. */
int sla_weekdays_parse(const char *text, unsigned *mask);

/* "YYYY-MM-DD" -> days since 1970-01-01.  GW_OK or GW_EINVAL. */
int sla_date_parse(const char *text, int64_t *day);

/* The due time N >= 0 working days after now_ms (see above). */
int64_t sla_working_days_add(const struct sla_calendar *cal, int64_t now_ms, int days);

#endif
