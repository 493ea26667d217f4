/* SPDX-License-Identifier: MIT
 *
 * sample.c - 1.6 MeterValue[] -> struct meter_sample[], for MeterValues and
 * StopTransaction.transactionData.
 *
 * 1.6 sends every reading as a string.  A plain decimal is converted to the
 * normalized unit (kWh -> Wh, kW -> W: vocab.c meter_normalize); absent
 * measurand, context and unit take the spec defaults (Energy.Active.Import.
 * Register, Sample.Periodic, the measurand's unit).  Anything the detectors
 * cannot read safely - SignedData, a value that is not a decimal, a unit
 * that does not fit its measurand - is kept (the raw frame holds it whole)
 * but marked MEAS_OTHER, which no detector judges.  None of that is an
 * error: a pile's meter data is accepted, then flagged (DESIGN.md).
 * measurand_raw and unit_raw are as sent ("" when absent).
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/gw_alloc.h"
#include "common/gw_err.h"
#include "common/gw_json.h"
#include "ocpp16/v16.h"

static const char *skip_digits(const char *p, int *count)
{
	while (isdigit((unsigned char)*p)) {
		p++;
		(*count)++;
	}
	return p;
}

/* A "Raw" 1.6 value: [+-]digits[.digits][(e|E)[+-]digits] and nothing else,
 * so none of what strtod also takes (spaces, hex, "inf", "nan") passes.
 * strtod reads '.' as the decimal point: the process keeps the C locale. */
static int parse_decimal(const char *s, double *out)
{
	const char *p = s;
	char *end;
	int mant = 0, exp = 0;

	if (*p == '+' || *p == '-')
		p++;
	p = skip_digits(p, &mant);
	if (*p == '.')
		p = skip_digits(p + 1, &mant);
	if (!mant)
		return -1;
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		p = skip_digits(p, &exp);
		if (!exp)
			return -1;
	}
	if (*p)
		return -1;
	*out = strtod(s, &end);
	return end == p && isfinite(*out) ? 0 : -1;
}

static void read_sample(struct json_object *sv, int64_t at_ms, int connector_id,
			struct meter_sample *m)
{
	const char *value = gw_json_get_str(sv, "value", NULL);
	const char *unit = gw_json_get_str(sv, "unit", NULL);
	const char *format = gw_json_get_str(sv, "format", NULL);
	double raw;

	m->pile_ms = at_ms;
	m->evse_id = connector_id;
	m->connector_id = connector_id;
	m->measurand = measurand_parse(gw_json_get_str(sv, "measurand", NULL));
	m->context = reading_ctx_parse(gw_json_get_str(sv, "context", NULL));
	v16_copy_text(sv, "measurand", m->measurand_raw, sizeof(m->measurand_raw));
	v16_copy_text(sv, "unit", m->unit_raw, sizeof(m->unit_raw));
	v16_copy_text(sv, "phase", m->phase, sizeof(m->phase));
	v16_copy_text(sv, "location", m->location, sizeof(m->location));
	m->signed_data = format && !strcmp(format, "SignedData");
	if (m->signed_data || !value || parse_decimal(value, &raw) != 0) {
		m->measurand = MEAS_OTHER; /* kept, never judged */
		m->value = 0;
		return;
	}
	if (meter_normalize(m->measurand, unit, 0, raw, &m->value) != GW_OK) {
		m->measurand = MEAS_OTHER; /* e.g. an energy in "A" */
		m->value = raw;
	}
}

static struct json_object *sampled_values(struct json_object *mv)
{
	struct json_object *arr = NULL;

	if (!json_object_object_get_ex(mv, "sampledValue", &arr) ||
	    !json_object_is_type(arr, json_type_array))
		return NULL;
	return arr;
}

static size_t count_samples(struct json_object *mvs)
{
	size_t total = 0;

	for (size_t i = 0; i < json_object_array_length(mvs); i++) {
		struct json_object *svs = sampled_values(json_object_array_get_idx(mvs, i));

		total += svs ? json_object_array_length(svs) : 0;
	}
	return total;
}

int v16_samples_parse(struct action_ctx *ctx, struct json_object *mvs, int connector_id,
		      struct meter_sample **out, size_t *n)
{
	struct meter_sample *s;
	size_t total, k = 0;

	*out = NULL;
	*n = 0;
	if (!mvs || !json_object_is_type(mvs, json_type_array))
		return GW_OK;
	total = count_samples(mvs);
	if (!total)
		return GW_OK;
	s = gw_calloc(total, sizeof(*s));
	if (!s)
		return GW_ENOMEM;
	for (size_t i = 0; i < json_object_array_length(mvs); i++) {
		struct json_object *mv = json_object_array_get_idx(mvs, i);
		struct json_object *svs = sampled_values(mv);
		int64_t at_ms;
		int rc = v16_get_time(ctx, mv, "timestamp", &at_ms);

		if (rc != GW_OK) {
			gw_free(s);
			return rc;
		}
		for (size_t j = 0; svs && j < json_object_array_length(svs); j++)
			read_sample(json_object_array_get_idx(svs, j), at_ms, connector_id, &s[k++]);
	}
	*out = s;
	*n = k;
	return GW_OK;
}
