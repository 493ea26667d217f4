/* SPDX-License-Identifier: MIT
 *
 * sim_meter.h - one connector's energy meter.  Energy integrates power
 * over pile time (Wh += W x h); current and SoC follow from power.  Two
 * faults real piles have are modes here: reporting the register in kWh
 * where Wh is expected, and a register that runs backwards.  Pure: the
 * caller passes time, nothing here reads a clock.
 */
#ifndef SIM_METER_H
#define SIM_METER_H
#include <stdint.h>

/* Embedded in its connector. */
struct sim_meter {
	double energy_wh;   /* the register, Wh */
	double power_w;     /* active power now, W (>= 0) */
	double voltage_v;   /* phase voltage, V (default 230) */
	int phases;         /* 1 or 3 */
	double soc_pct;     /* EV state of charge, 0..100 */
	double capacity_wh; /* EV battery, for SoC (default 60 kWh) */
	int64_t at_ms;      /* pile time the register was last advanced to */
	int kwh;            /* report energy in kWh (the Wh/kWh mix-up) */
	int backwards;      /* register falls by what is delivered */
};

/* What a meter shows at one instant, ready for a sampledValue. */
struct sim_meter_reading {
	double energy;           /* in energy_unit */
	const char *energy_unit; /* "Wh" or "kWh" (static) */
	double power_w;
	double current_a;
	double soc_pct;
};

void sim_meter_init(struct sim_meter *m, double start_wh, int64_t at_ms);
/* Integrate the present power from m->at_ms to at_ms; a time going
 * backwards integrates nothing. */
void sim_meter_advance(struct sim_meter *m, int64_t at_ms);
/* Advance to at_ms, then draw power_w from there on. */
void sim_meter_set_power(struct sim_meter *m, double power_w, int64_t at_ms);
/* Jump the register by wh without any power (a phantom reading). */
void sim_meter_inject(struct sim_meter *m, double wh);
double sim_meter_current_a(const struct sim_meter *m);
void sim_meter_read(const struct sim_meter *m, struct sim_meter_reading *r);
/* The register as 1.6 meterStart/meterStop report it: integer in the
 * reporting unit (so kWh mode gives the wrong, small number). */
long sim_meter_register_int(const struct sim_meter *m);

#endif
