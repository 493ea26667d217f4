/* SPDX-License-Identifier: MIT
 *
 * sla.c - the working-day calendar of refund-case SLA timers (rules in
 * sla.h).  All arithmetic is on local milliseconds (UTC + offset); days are
 * floor-divided so times before 1970 work too.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/gw_err.h"
#include "domain/billing/sla.h"

#define DAY_MS (24 * 3600 * 1000LL)
#define MIN_MS (60 * 1000LL)

static const char *const day_names[7] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };

void sla_calendar_default(struct sla_calendar *cal)
{
	memset(cal, 0, sizeof(*cal));
	cal->ack_ms = 48 * 3600 * 1000LL;
	cal->decide_simple_days = 3;
	cal->decide_complex_days = 7;
	snprintf(cal->working_days, sizeof(cal->working_days), "Mon,Tue,Wed,Thu,Fri");
	cal->weekday_mask = 0x3e;
}

int sla_weekdays_parse(const char *text, unsigned *mask)
{
	unsigned m = 0;
	const char *p = text;

	if (!text)
		return GW_EINVAL;
	for (;;) {
		int found = -1;

		while (*p == ' ')
			p++;
		for (int i = 0; i < 7 && found < 0; i++)
			if (!strncasecmp(p, day_names[i], 3) && !isalpha((unsigned char)p[3]))
				found = i;
		if (found < 0)
			return GW_EINVAL;
		m |= 1u << found;
		p += 3;
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		if (*p++ != ',')
			return GW_EINVAL;
	}
	*mask = m;
	return GW_OK;
}

/* Days from 1970-01-01 to y-m-d, proleptic Gregorian (H. Hinnant). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int sla_date_parse(const char *text, int64_t *day)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, m, d, n = 0;

	if (!text || strlen(text) != 10 || sscanf(text, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10 ||
	    text[4] != '-' || text[7] != '-' || y < 1970 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return GW_EINVAL;
	if (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return GW_EINVAL;
	*day = days_from_civil(y, m, d);
	return GW_OK;
}

static int64_t day_of(int64_t local_ms)
{
	return local_ms >= 0 ? local_ms / DAY_MS : (local_ms - DAY_MS + 1) / DAY_MS;
}

static int working(const struct sla_calendar *cal, int64_t local_ms)
{
	int64_t day = day_of(local_ms);
	int dow = (int)(((day + 4) % 7 + 7) % 7); /* 1970-01-01 was a Thursday; 0 = Sunday */

	if (!(cal->weekday_mask & (1u << dow)))
		return 0;
	for (int i = 0; i < cal->n_holidays; i++)
		if (cal->holidays[i] == day)
			return 0;
	return 1;
}

int64_t sla_working_days_add(const struct sla_calendar *cal, int64_t now_ms, int days)
{
	int64_t off_ms = cal->utc_offset_min * MIN_MS;
	int64_t t = now_ms + off_ms;

	/* an empty mask would never end; config refuses it, this is a bug */
	if (!(cal->weekday_mask & 0x7f))
		return now_ms;
	if (!working(cal, t)) {
		t = day_of(t) * DAY_MS; /* local midnight */
		while (!working(cal, t))
			t += DAY_MS;
	}
	for (int i = 0; i < days; i++) {
		t += DAY_MS;
		while (!working(cal, t))
			t += DAY_MS;
	}
	return t - off_ms;
}
