/* SPDX-License-Identifier: MIT
 *
 * vocab.c - names and unit normalization of the normalized vocabulary.
 * Shared by the 1.6 and 2.0.1 translators so that both speak exactly the
 * same Wh / W / A.  Measurand and context words are the same in both
 * versions; unknown words map to MEAS_OTHER / CTX_OTHER (kept, not judged).
 */
#include <math.h>
#include <string.h>

#include "common/gw_err.h"
#include "domain/vocab.h"

static const char *const state_names[CONN_STATE_COUNT] = {
	[CONN_UNKNOWN] = "UNKNOWN",
	[CONN_AVAILABLE] = "AVAILABLE",
	[CONN_PREPARING] = "PREPARING",
	[CONN_CHARGING] = "CHARGING",
	[CONN_SUSPENDED_EV] = "SUSPENDED_EV",
	[CONN_SUSPENDED_EVSE] = "SUSPENDED_EVSE",
	[CONN_FINISHING] = "FINISHING",
	[CONN_RESERVED] = "RESERVED",
	[CONN_UNAVAILABLE] = "UNAVAILABLE",
	[CONN_FAULTED] = "FAULTED",
};

const char *conn_state_name(enum conn_state s)
{
	if ((int)s < 0 || s >= CONN_STATE_COUNT)
		return "UNKNOWN";
	return state_names[s];
}

struct word {
	const char *name;
	int value;
};

static const struct word measurands[] = {
	{ "Current.Import", MEAS_CURRENT_IMPORT_A },
	{ "Energy.Active.Import.Register", MEAS_ENERGY_IMPORT_WH },
	{ "Power.Active.Import", MEAS_POWER_IMPORT_W },
	{ "Power.Offered", MEAS_POWER_OFFERED_W },
	{ "SoC", MEAS_SOC_PCT },
	{ "Voltage", MEAS_VOLTAGE_V },
};

static const struct word contexts[] = {
	{ "Interruption.Begin", CTX_INTERRUPTION_BEGIN },
	{ "Interruption.End", CTX_INTERRUPTION_END },
	{ "Other", CTX_OTHER },
	{ "Sample.Clock", CTX_SAMPLE_CLOCK },
	{ "Sample.Periodic", CTX_SAMPLE_PERIODIC },
	{ "Transaction.Begin", CTX_TX_BEGIN },
	{ "Transaction.End", CTX_TX_END },
	{ "Trigger", CTX_TRIGGER },
};

static int lookup(const struct word *w, size_t n, const char *name, int dflt)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(w[i].name, name))
			return w[i].value;
	return dflt;
}

enum measurand measurand_parse(const char *name)
{
	if (!name || !*name) /* both specs: the default measurand */
		return MEAS_ENERGY_IMPORT_WH;
	return (enum measurand)lookup(measurands, sizeof(measurands) / sizeof(measurands[0]), name,
				      MEAS_OTHER);
}

enum reading_ctx reading_ctx_parse(const char *name)
{
	if (!name || !*name) /* both specs: the default context */
		return CTX_SAMPLE_PERIODIC;
	return (enum reading_ctx)lookup(contexts, sizeof(contexts) / sizeof(contexts[0]), name,
					CTX_OTHER);
}

/* Unit words and their factor to the measurand's normalized unit. */
struct unit_rule {
	enum measurand m;
	const char *unit;
	double factor;
};

static const struct unit_rule unit_rules[] = {
	{ MEAS_ENERGY_IMPORT_WH, "Wh", 1.0 },    { MEAS_ENERGY_IMPORT_WH, "kWh", 1000.0 },
	{ MEAS_POWER_IMPORT_W, "W", 1.0 },       { MEAS_POWER_IMPORT_W, "kW", 1000.0 },
	{ MEAS_POWER_OFFERED_W, "W", 1.0 },      { MEAS_POWER_OFFERED_W, "kW", 1000.0 },
	{ MEAS_CURRENT_IMPORT_A, "A", 1.0 },     { MEAS_SOC_PCT, "Percent", 1.0 },
	{ MEAS_VOLTAGE_V, "V", 1.0 },
};

/* The spec's default unit per measurand when the pile sends none. */
static const char *default_unit(enum measurand m)
{
	switch (m) {
	case MEAS_POWER_IMPORT_W:
	case MEAS_POWER_OFFERED_W:
		return "W";
	case MEAS_CURRENT_IMPORT_A:
		return "A";
	case MEAS_SOC_PCT:
		return "Percent";
	case MEAS_VOLTAGE_V:
		return "V";
	default:
		return "Wh";
	}
}

int meter_normalize(enum measurand m, const char *unit, int multiplier_exp10, double raw, double *out)
{
	if (!isfinite(raw) || multiplier_exp10 < -9 || multiplier_exp10 > 9)
		return GW_ECONSTRAINT;
	if (!unit || !*unit)
		unit = default_unit(m);
	raw *= pow(10.0, multiplier_exp10);
	if (m == MEAS_OTHER) { /* kept as sent, never judged */
		*out = raw;
		return GW_OK;
	}
	for (size_t i = 0; i < sizeof(unit_rules) / sizeof(unit_rules[0]); i++) {
		if (unit_rules[i].m == m && !strcmp(unit_rules[i].unit, unit)) {
			*out = raw * unit_rules[i].factor;
			return GW_OK;
		}
	}
	return GW_ECONSTRAINT;
}
