/* SPDX-License-Identifier: MIT
 *
 * config_tariff.c - the tariffs and connectors lists of the config file.
 *
 *   tariffs = ( { id = "default"; currency = "EUR"; minor_exp = 2;
 *                 utc_offset_min = 60; start_fee_minor = 0; idle_grace_min = 30;
 *                 periods = ( { start = "00:00"; energy_per_kwh = "0.2500";
 *                               service_per_kwh = "0.0500"; time_per_hour = "0";
 *                               idle_per_min = "0.10"; } ); } );
 *   connectors = ( { pile = "*"; evse = 0; current = "AC"; p_max_w = 22000;
 *                    tariff = "default"; } );
 *
 * Prices are decimal strings with at most 4 decimals, read exactly into
 * integers of 1/10000 of the major unit: money never passes through a
 * double.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/gw_alloc.h"
#include "common/gw_err.h"
#include "config_int.h"

void config_tariff_default(struct gw_tariff *t)
{
	memset(t, 0, sizeof(*t));
	snprintf(t->id, sizeof(t->id), "default");
	snprintf(t->t.currency, sizeof(t->t.currency), "EUR");
	t->t.minor_exp = 2;
	t->t.n_periods = 1;
	t->t.periods[0].energy_per_kwh_e4 = 3000; /* 0.30 per kWh */
}

/* "12.3456" -> 123456; GW_ECONSTRAINT for anything else (sign, > 4
 * decimals, empty, overflow). */
static int parse_e4(const char *s, int64_t *out)
{
	int64_t v = 0;
	int decimals = -1, digits = 0;

	for (; *s; s++) {
		if (*s == '.' && decimals < 0) {
			decimals = 0;
			continue;
		}
		if (*s < '0' || *s > '9' || decimals == 4 || v > INT64_MAX / 100)
			return GW_ECONSTRAINT;
		v = v * 10 + (*s - '0');
		digits++;
		if (decimals >= 0)
			decimals++;
	}
	if (!digits)
		return GW_ECONSTRAINT;
	for (decimals = decimals < 0 ? 0 : decimals; decimals < 4; decimals++)
		v *= 10;
	*out = v;
	return GW_OK;
}

static int member_e4(const config_setting_t *el, const char *name, int64_t *out, char *err, size_t errlen)
{
	char buf[32] = "";
	int rc = config_member_str(el, name, buf, sizeof(buf), err, errlen);

	if (rc || !buf[0])
		return rc;
	if (parse_e4(buf, out) != GW_OK)
		return BAD(config_setting_get_member(el, name), name,
			   "a price is a decimal string with at most 4 decimals, e.g. \"0.2500\"");
	return GW_OK;
}

static int read_period(const config_setting_t *el, struct tariff_period *p, char *err, size_t errlen)
{
	static const char *const known[] = { "start", "energy_per_kwh", "service_per_kwh", "time_per_hour",
					     "idle_per_min", NULL };
	char start[8] = "00:00";
	int hh, mm, n = 0, rc;

	if ((rc = config_check_members(el, known, err, errlen)) ||
	    (rc = config_member_str(el, "start", start, sizeof(start), err, errlen)) ||
	    (rc = member_e4(el, "energy_per_kwh", &p->energy_per_kwh_e4, err, errlen)) ||
	    (rc = member_e4(el, "service_per_kwh", &p->service_per_kwh_e4, err, errlen)) ||
	    (rc = member_e4(el, "time_per_hour", &p->time_per_hour_e4, err, errlen)) ||
	    (rc = member_e4(el, "idle_per_min", &p->idle_per_min_e4, err, errlen)))
		return rc;
	if (sscanf(start, "%2d:%2d%n", &hh, &mm, &n) != 2 || start[n] || hh > 23 || mm > 59 || hh < 0 || mm < 0)
		return BAD(el, "start", "expected \"HH:MM\" (local time of day)");
	p->start_min = hh * 60 + mm;
	return GW_OK;
}

static int cmp_period(const void *a, const void *b)
{
	return ((const struct tariff_period *)a)->start_min - ((const struct tariff_period *)b)->start_min;
}

static int read_tariff(const config_setting_t *el, struct gw_tariff *gt, char *err, size_t errlen)
{
	static const char *const known[] = { "id", "currency", "minor_exp", "utc_offset_min", "start_fee_minor",
					     "idle_grace_min", "periods", NULL };
	const config_setting_t *periods = config_setting_get_member(el, "periods");
	struct tariff *t = &gt->t;
	int grace = 0, start_fee = 0, rc;

	config_tariff_default(gt);
	t->periods[0].energy_per_kwh_e4 = 0;
	if ((rc = config_check_members(el, known, err, errlen)) ||
	    (rc = config_member_str(el, "id", gt->id, sizeof(gt->id), err, errlen)) ||
	    (rc = config_member_str(el, "currency", t->currency, sizeof(t->currency), err, errlen)) ||
	    (rc = config_member_int(el, "minor_exp", &t->minor_exp, 0, 4, err, errlen)) ||
	    (rc = config_member_int(el, "utc_offset_min", &t->utc_offset_min, -840, 840, err, errlen)) ||
	    (rc = config_member_int(el, "start_fee_minor", &start_fee, 0, 100000000, err, errlen)) ||
	    (rc = config_member_int(el, "idle_grace_min", &grace, 0, 1440, err, errlen)))
		return rc;
	t->start_fee_minor = start_fee;
	t->idle_grace_min = grace;
	if (strlen(t->currency) != 3)
		return BAD(el, "currency", "an ISO 4217 code such as \"EUR\"");
	if (!periods || !config_setting_is_list(periods) || config_setting_length(periods) < 1 ||
	    config_setting_length(periods) > TARIFF_PERIODS_MAX)
		return BAD(el, gt->id, "periods: a list of 1 to 12 { start = \"HH:MM\"; ... } groups");
	t->n_periods = (size_t)config_setting_length(periods);
	for (size_t i = 0; i < t->n_periods; i++)
		if ((rc = read_period(config_setting_get_elem(periods, (unsigned)i), &t->periods[i], err, errlen)))
			return rc;
	qsort(t->periods, t->n_periods, sizeof(t->periods[0]), cmp_period);
	if (tariff_check(t) != GW_OK)
		return BAD(el, gt->id, "inconsistent tariff (duplicate period starts, or a period must start at 00:00)");
	return GW_OK;
}

int config_read_tariffs(struct gw_config *cfg, const config_setting_t *list, char *err, size_t errlen)
{
	int n = config_setting_length(list);

	if (!config_setting_is_list(list) || n < 1 || n > GW_CONFIG_MAX_TARIFFS)
		return BAD(list, "tariffs", "expected a list of 1 to 16 tariff groups");
	for (int i = 0; i < n; i++) {
		int rc = read_tariff(config_setting_get_elem(list, (unsigned)i), &cfg->tariffs[i], err, errlen);
		if (rc)
			return rc;
		for (int j = 0; j < i; j++)
			if (!strcmp(cfg->tariffs[j].id, cfg->tariffs[i].id))
				return BAD(config_setting_get_elem(list, (unsigned)i), cfg->tariffs[i].id,
					   "two tariffs with the same id");
	}
	cfg->n_tariffs = n;
	return GW_OK;
}

int config_read_connectors(struct gw_config *cfg, const config_setting_t *list, char *err, size_t errlen)
{
	static const char *const known[] = { "pile", "evse", "current", "p_max_w", "tariff", NULL };
	int n = config_setting_length(list);

	if (!config_setting_is_list(list))
		return BAD(list, "connectors", "expected a list of groups");
	cfg->connectors = gw_calloc((size_t)n, sizeof(*cfg->connectors));
	if (!cfg->connectors)
		return GW_ENOMEM;
	for (int i = 0; i < n; i++) {
		const config_setting_t *el = config_setting_get_elem(list, (unsigned)i);
		struct gw_connector_spec *c = &cfg->connectors[i];
		char current[4] = "AC";
		int p_max = 22000, rc;

		snprintf(c->pile, sizeof(c->pile), "*");
		snprintf(c->tariff, sizeof(c->tariff), "default");
		if ((rc = config_check_members(el, known, err, errlen)) ||
		    (rc = config_member_str(el, "pile", c->pile, sizeof(c->pile), err, errlen)) ||
		    (rc = config_member_int(el, "evse", &c->evse_id, 0, 1000, err, errlen)) ||
		    (rc = config_member_str(el, "current", current, sizeof(current), err, errlen)) ||
		    (rc = config_member_int(el, "p_max_w", &p_max, 1000, 2000000, err, errlen)) ||
		    (rc = config_member_str(el, "tariff", c->tariff, sizeof(c->tariff), err, errlen)))
			return rc;
		if (strcmp(current, "AC") && strcmp(current, "DC"))
			return BAD(el, "current", "expected \"AC\" or \"DC\"");
		c->dc = !strcmp(current, "DC");
		c->p_max_w = p_max;
		if (!config_tariff_find(cfg, c->tariff))
			return BAD(el, "tariff", "no tariff with this id (tariffs must come before connectors)");
		cfg->n_connectors++;
	}
	return GW_OK;
}

const struct gw_tariff *config_tariff_find(const struct gw_config *cfg, const char *id)
{
	for (int i = 0; i < cfg->n_tariffs; i++)
		if (!strcmp(cfg->tariffs[i].id, id))
			return &cfg->tariffs[i];
	return NULL;
}

const struct gw_connector_spec *config_connector_find(const struct gw_config *cfg, const char *pile, int evse_id)
{
	const struct gw_connector_spec *best = NULL;
	int best_score = -1;

	for (size_t i = 0; i < cfg->n_connectors; i++) {
		const struct gw_connector_spec *c = &cfg->connectors[i];
		int pile_match = !strcmp(c->pile, pile), any_pile = !strcmp(c->pile, "*");
		int evse_match = c->evse_id == evse_id, any_evse = c->evse_id == 0;
		int score;

		if ((!pile_match && !any_pile) || (!evse_match && !any_evse))
			continue;
		score = pile_match * 2 + evse_match;
		if (score > best_score) {
			best = c;
			best_score = score;
		}
	}
	return best;
}

static void fmt_e4(char *buf, size_t len, int64_t v)
{
	snprintf(buf, len, "%lld.%04lld", (long long)(v / 10000), (long long)(v % 10000));
}

void config_dump_tariffs(const struct gw_config *cfg, void *file)
{
	FILE *f = file;
	char a[32], b[32], c[32], d[32];

	fprintf(f, "tariffs = (\n");
	for (int i = 0; i < cfg->n_tariffs; i++) {
		const struct tariff *t = &cfg->tariffs[i].t;
		fprintf(f, "  { id = \"%s\"; currency = \"%s\"; minor_exp = %d; utc_offset_min = %d; "
			   "start_fee_minor = %lld; idle_grace_min = %lld; periods = (\n",
			cfg->tariffs[i].id, t->currency, t->minor_exp, t->utc_offset_min,
			(long long)t->start_fee_minor, (long long)t->idle_grace_min);
		for (size_t p = 0; p < t->n_periods; p++) {
			const struct tariff_period *tp = &t->periods[p];
			fmt_e4(a, sizeof(a), tp->energy_per_kwh_e4);
			fmt_e4(b, sizeof(b), tp->service_per_kwh_e4);
			fmt_e4(c, sizeof(c), tp->time_per_hour_e4);
			fmt_e4(d, sizeof(d), tp->idle_per_min_e4);
			fprintf(f, "      { start = \"%02d:%02d\"; energy_per_kwh = \"%s\"; service_per_kwh = \"%s\"; "
				   "time_per_hour = \"%s\"; idle_per_min = \"%s\"; }%s\n",
				tp->start_min / 60, tp->start_min % 60, a, b, c, d, p + 1 < t->n_periods ? "," : "");
		}
		fprintf(f, "  ) }%s\n", i + 1 < cfg->n_tariffs ? "," : "");
	}
	fprintf(f, ");\nconnectors = (\n");
	for (size_t i = 0; i < cfg->n_connectors; i++) {
		const struct gw_connector_spec *c = &cfg->connectors[i];
		fprintf(f, "  { pile = \"%s\"; evse = %d; current = \"%s\"; p_max_w = %lld; tariff = \"%s\"; }%s\n",
			c->pile, c->evse_id, c->dc ? "DC" : "AC", (long long)c->p_max_w, c->tariff,
			i + 1 < cfg->n_connectors ? "," : "");
	}
	fprintf(f, ");\n");
}
