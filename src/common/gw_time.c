/* SPDX-License-Identifier: MIT
 * gw_time.c - strict RFC 3339 parser and UTC formatter, no locale, no TZ. */
#include <stdio.h>
#include <string.h>

#include "common/gw_err.h"
#include "common/gw_time.h"

/* days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)((int64_t)yoe + era * 400 + (*m <= 2));
}

static int digits(const char *s, size_t len, size_t *pos, int n, int *out)
{
	int v = 0;

	if (*pos + (size_t)n > len)
		return -1;
	for (int i = 0; i < n; i++) {
		char c = s[*pos + (size_t)i];
		if (c < '0' || c > '9')
			return -1;
		v = v * 10 + (c - '0');
	}
	*pos += (size_t)n;
	*out = v;
	return 0;
}

static int expect(const char *s, size_t len, size_t *pos, char c)
{
	if (*pos >= len || s[*pos] != c)
		return -1;
	(*pos)++;
	return 0;
}

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int gw_time_parse(const char *s, size_t len, int64_t *at_ms)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, mo, d, h, mi, sec, ms = 0, off_min = 0;
	size_t pos = 0;

	if (!s || digits(s, len, &pos, 4, &y) || expect(s, len, &pos, '-') ||
	    digits(s, len, &pos, 2, &mo) || expect(s, len, &pos, '-') ||
	    digits(s, len, &pos, 2, &d))
		return GW_ECONSTRAINT;
	if (pos >= len || (s[pos] != 'T' && s[pos] != 't'))
		return GW_ECONSTRAINT;
	pos++;
	if (digits(s, len, &pos, 2, &h) || expect(s, len, &pos, ':') ||
	    digits(s, len, &pos, 2, &mi) || expect(s, len, &pos, ':') ||
	    digits(s, len, &pos, 2, &sec))
		return GW_ECONSTRAINT;
	if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || sec > 60)
		return GW_ECONSTRAINT;
	if (d > mdays[mo - 1] + (mo == 2 && is_leap(y)))
		return GW_ECONSTRAINT;
	if (pos < len && s[pos] == '.') {
		int scale = 100, nd = 0;
		pos++;
		while (pos < len && s[pos] >= '0' && s[pos] <= '9') {
			ms += (s[pos] - '0') * scale;
			scale /= 10;
			pos++;
			nd++;
		}
		if (nd == 0)
			return GW_ECONSTRAINT;
	}
	if (pos < len && (s[pos] == 'Z' || s[pos] == 'z')) {
		pos++;
	} else if (pos < len && (s[pos] == '+' || s[pos] == '-')) {
		int sign = s[pos] == '-' ? -1 : 1, oh, om;
		pos++;
		if (digits(s, len, &pos, 2, &oh) || expect(s, len, &pos, ':') ||
		    digits(s, len, &pos, 2, &om) || oh > 23 || om > 59)
			return GW_ECONSTRAINT;
		off_min = sign * (oh * 60 + om);
	}
	if (pos != len)
		return GW_ECONSTRAINT;
	if (sec == 60)
		sec = 59; /* leap second: clamp, the pile's clock is not that exact */
	*at_ms = ((days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + sec) -
		  (int64_t)off_min * 60) * 1000 + ms;
	return GW_OK;
}

char *gw_time_format(int64_t at_ms, char *buf)
{
	int64_t secs = at_ms >= 0 ? at_ms / 1000 : (at_ms - 999) / 1000;
	int64_t ms = at_ms - secs * 1000;
	int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
	int64_t rem = secs - days * 86400;
	int y = 0;
	unsigned m, d;

	civil_from_days(days, &y, &m, &d);
	char tmp[64]; /* roomy, so the compiler can prove nothing truncates */

	snprintf(tmp, sizeof(tmp), "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", y % 10000, m % 13, d % 32,
		 (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60), (int)ms);
	memcpy(buf, tmp, GW_TIME_STRLEN - 1);
	buf[GW_TIME_STRLEN - 1] = '\0';
	return buf;
}
