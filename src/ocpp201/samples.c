/* SPDX-License-Identifier: MIT
 *
 * samples.c - 2.0.1 MeterValueType[] -> struct meter_sample[], shared by
 * MeterValues and TransactionEvent.
 *
 * Units are normalized here and only here (vocab.c meter_normalize): the
 * value is raw x 10^unitOfMeasure.multiplier in unitOfMeasure.unit.  When
 * unitOfMeasure.unit is absent we pass NULL, i.e. the measurand's own
 * default unit: the 2.0.1 schema text says "absent means Wh" for every
 * measurand, which is absurd for Current.Import, and piles omit the unit of
 * power and current in practice.  A unit that does not fit its measurand
 * is never refused ("accept, then flag", DESIGN.md): the sample is kept as
 * MEAS_OTHER with its raw words, stored but not judged, and logged.
 */
#include <string.h>

#include "common/gw_alloc.h"
#include "common/gw_err.h"
#include "common/gw_json.h"
#include "common/gw_log.h"
#include "ocpp201/v201.h"

static int sample_one(struct json_object *sv, int64_t at_ms, struct meter_sample *s)
{
	struct json_object *uom = v201_obj(sv, "unitOfMeasure");
	const char *unit = gw_json_get_str(uom, "unit", NULL);
	const char *meas = gw_json_get_str(sv, "measurand", NULL);
	double raw = 0;
	int mult = 0;
	int rc;

	if ((rc = gw_json_get_double(sv, "value", &raw)) || (rc = v201_get_int(uom, "multiplier", 0, &mult)))
		return rc;
	s->pile_ms = at_ms;
	s->measurand = measurand_parse(meas);
	s->context = reading_ctx_parse(gw_json_get_str(sv, "context", NULL));
	v201_copy(s->measurand_raw, sizeof(s->measurand_raw),
		  meas ? meas : "Energy.Active.Import.Register");
	v201_copy(s->unit_raw, sizeof(s->unit_raw), unit);
	v201_copy(s->phase, sizeof(s->phase), gw_json_get_str(sv, "phase", NULL));
	v201_copy(s->location, sizeof(s->location), gw_json_get_str(sv, "location", NULL));
	s->signed_data = v201_obj(sv, "signedMeterValue") != NULL;
	if (meter_normalize(s->measurand, unit, mult, raw, &s->value) == GW_OK)
		return GW_OK;
	gw_log(GW_LOG_WARN, "v201 meter: %s in '%s' x10^%d does not fit; kept unjudged",
	       s->measurand_raw, unit ? unit : "", mult);
	s->measurand = MEAS_OTHER;
	/* an out-of-range multiplier cannot be applied safely: keep the raw number */
	if (meter_normalize(MEAS_OTHER, unit, mult, raw, &s->value) != GW_OK)
		s->value = raw;
	return GW_OK;
}

int v201_samples(struct json_object *meter_values, int evse_id, int connector_id,
		 struct meter_sample **out, size_t *n)
{
	size_t nmv = meter_values ? json_object_array_length(meter_values) : 0;
	size_t total = 0, k = 0;
	struct meter_sample *s;
	int rc = GW_OK;

	*out = NULL;
	*n = 0;
	for (size_t i = 0; i < nmv; i++)
		total += v201_arr_len(json_object_array_get_idx(meter_values, i), "sampledValue");
	if (!total)
		return GW_OK;
	s = gw_calloc(total, sizeof(*s));
	if (!s)
		return GW_ENOMEM;
	for (size_t i = 0; i < nmv && !rc; i++) {
		struct json_object *mv = json_object_array_get_idx(meter_values, i);
		struct json_object *svs = v201_arr(mv, "sampledValue");
		size_t nsv = svs ? json_object_array_length(svs) : 0;
		int64_t at_ms;

		rc = v201_get_time(mv, "timestamp", &at_ms);
		for (size_t j = 0; j < nsv && !rc; j++, k++) {
			s[k].evse_id = evse_id;
			s[k].connector_id = connector_id;
			rc = sample_one(json_object_array_get_idx(svs, j), at_ms, &s[k]);
		}
	}
	if (rc) {
		gw_free(s);
		return rc;
	}
	*out = s;
	*n = total;
	return GW_OK;
}
