/* SPDX-License-Identifier: MIT
 *
 * sim_meter.c - the meter model: trapezoid-free integration (power is a
 * step function set by the scenario, so rectangle integration is exact).
 */
#include <math.h>
#include <string.h>

#include "sim_meter.h"

void sim_meter_init(struct sim_meter *m, double start_wh, int64_t at_ms)
{
	memset(m, 0, sizeof(*m));
	m->energy_wh = start_wh;
	m->voltage_v = 230.0;
	m->phases = 3;
	m->soc_pct = 20.0;
	m->capacity_wh = 60000.0;
	m->at_ms = at_ms;
}

void sim_meter_advance(struct sim_meter *m, int64_t at_ms)
{
	double wh;

	if (at_ms <= m->at_ms)
		return;
	wh = m->power_w * (double)(at_ms - m->at_ms) / 3600000.0;
	m->energy_wh += m->backwards ? -wh : wh;
	if (m->energy_wh < 0)
		m->energy_wh = 0;
	if (m->capacity_wh > 0) {
		m->soc_pct += 100.0 * wh / m->capacity_wh;
		if (m->soc_pct > 100.0)
			m->soc_pct = 100.0;
	}
	m->at_ms = at_ms;
}

void sim_meter_set_power(struct sim_meter *m, double power_w, int64_t at_ms)
{
	sim_meter_advance(m, at_ms);
	m->power_w = power_w > 0 ? power_w : 0;
}

void sim_meter_inject(struct sim_meter *m, double wh)
{
	m->energy_wh += wh;
	if (m->energy_wh < 0)
		m->energy_wh = 0;
}

double sim_meter_current_a(const struct sim_meter *m)
{
	int phases = m->phases > 0 ? m->phases : 1;

	if (m->voltage_v <= 0)
		return 0;
	return m->power_w / (m->voltage_v * phases);
}

void sim_meter_read(const struct sim_meter *m, struct sim_meter_reading *r)
{
	r->energy = m->kwh ? m->energy_wh / 1000.0 : m->energy_wh;
	r->energy_unit = m->kwh ? "kWh" : "Wh";
	r->power_w = m->power_w;
	r->current_a = sim_meter_current_a(m);
	r->soc_pct = m->soc_pct;
}

long sim_meter_register_int(const struct sim_meter *m)
{
	return lround(m->kwh ? m->energy_wh / 1000.0 : m->energy_wh);
}
