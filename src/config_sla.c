/* SPDX-License-Identifier: MIT
 *
 * config_sla.c - the two sla settings that are more than a number:
 *
 *   sla: { working_days = "Mon,Tue,Wed,Thu,Fri";
 *          holidays = [ "2026-12-25", "2027-01-01" ]; }
 *
 * Both are checked here, with the line, so the domain's calendar
 * (domain/billing/sla.h) never sees an empty week or a bad date.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/gw_err.h"
#include "config_int.h"

int config_read_sla_days(struct gw_config *cfg, const config_setting_t *s, char *err, size_t errlen)
{
	const char *v = config_setting_get_string(s);
	unsigned mask;

	if (!v || strlen(v) >= sizeof(cfg->sla.working_days) || sla_weekdays_parse(v, &mask) != GW_OK)
		return BAD(s, "sla.working_days", "a comma-separated list of Mon, Tue, Wed, Thu, Fri, Sat, Sun");
	snprintf(cfg->sla.working_days, sizeof(cfg->sla.working_days), "%s", v);
	cfg->sla.weekday_mask = mask;
	return GW_OK;
}

int config_read_sla_holidays(struct gw_config *cfg, const config_setting_t *arr, char *err, size_t errlen)
{
	int n = config_setting_length(arr);

	if (!config_setting_is_array(arr) || n > SLA_HOLIDAYS_MAX)
		return BAD(arr, "sla.holidays", "an array of at most 64 dates, e.g. [ \"2026-12-25\" ]");
	for (int i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(arr, (unsigned)i);
		const char *v = config_setting_get_string(e);

		if (!v || sla_date_parse(v, &cfg->sla.holidays[i]) != GW_OK)
			return BAD(arr, "sla.holidays", "dates are \"YYYY-MM-DD\" (local days)");
	}
	cfg->sla.n_holidays = n;
	return GW_OK;
}

/* Holidays are not a table row: dumped as a comment (the dump's sla group
 * is already closed). */
void config_dump_sla_holidays(const struct gw_config *cfg, void *file)
{
	FILE *f = file;

	fprintf(f, "# sla.holidays = [");
	for (int i = 0; i < cfg->sla.n_holidays; i++) {
		time_t t = (time_t)(cfg->sla.holidays[i] * 86400);
		struct tm tm;
		char day[16] = "?";

		if (gmtime_r(&t, &tm))
			strftime(day, sizeof(day), "%Y-%m-%d", &tm);
		fprintf(f, "%s \"%s\"", i ? "," : "", day);
	}
	fprintf(f, " ];\n");
}
