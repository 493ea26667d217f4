/* SPDX-License-Identifier: MIT
 *
 * test_detectors.c - one table of {story, rule, fired?, refund} rows: for
 * every rule of DESIGN.md's table the positive cases and the near misses
 * that must not fire, refunds exact to the cent (tariff_std: energy 0.30 +
 * service 0.05 per kWh, 2 ct a minute, idle 10 ct a minute after 10 min,
 * start 0.50; charging is 7.2 kW = 120 Wh a minute).  Then the rule table
 * itself, run_all, the triggers and a threshold override.
 * BILLING_VERBOSE=1 in the environment prints every row's verdict.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/gw_err.h"
#include "test_billing.h"

enum tar { TAR_STD = 0, TAR_ENERGY_ONLY, TAR_FREE };

/* ---- stories ------------------------------------------------------------- */

/* a tag, nothing plugged, 20 Wh crept in */
static void np_pos(struct tlb *b)
{
	tlb_status(b, MIN(0), CONN_PREPARING);
	tlb_flat(b, 0, 29);
	tlb_stop_wh(b, MIN(30), 10020, "Local");
}
static void np_60wh(struct tlb *b)
{
	tlb_status(b, MIN(0), CONN_PREPARING);
	tlb_flat(b, 0, 29);
	tlb_stop_wh(b, MIN(30), 10060, "Local");
}
static void np_charging(struct tlb *b)
{
	tlb_status(b, MIN(0), CONN_PREPARING);
	tlb_status(b, MIN(1), CONN_CHARGING);
	tlb_flat(b, 0, 29);
	tlb_stop_wh(b, MIN(30), 10020, "Local");
}
static void np_current(struct tlb *b)
{
	tlb_status(b, MIN(0), CONN_PREPARING);
	tlb_run(b, 0, 29, 0, 3000, 16000, TL_HAVE_ENERGY | TL_HAVE_POWER | TL_HAVE_CURRENT);
	tlb_stop_wh(b, MIN(30), 10020, "Local");
}

/* plugged in 10 min after the start */
static void bbp_pos(struct tlb *b)
{
	tlb_status(b, MIN(0), CONN_PREPARING);
	tlb_status(b, MIN(10), CONN_CHARGING);
	tlb_charge(b, 10, 40);
	tlb_stop(b, MIN(40), "Local");
}
static void bbp_120s(struct tlb *b)
{
	tlb_status(b, MIN(0), CONN_PREPARING);
	tlb_status(b, SEC(120), CONN_CHARGING);
	tlb_charge(b, 2, 40);
	tlb_stop(b, MIN(40), "Local");
}
static void bbp_121s(struct tlb *b)
{
	tlb_status(b, MIN(0), CONN_PREPARING);
	tlb_status(b, SEC(121), CONN_CHARGING);
	tlb_charge(b, 2, 40);
	tlb_stop(b, MIN(40), "Local");
}

/* 100 Wh counted with no current before the car came */
static void ebp_pos(struct tlb *b)
{
	tlb_status(b, MIN(0), CONN_PREPARING);
	tlb_run(b, 0, 5, 20, 0, 0, TL_HAVE_ENERGY | TL_HAVE_POWER | TL_HAVE_CURRENT);
	tlb_status(b, MIN(5), CONN_CHARGING);
	tlb_charge(b, 5, 35);
	tlb_stop(b, MIN(35), "Local");
}
static void ebp_40wh(struct tlb *b)
{
	tlb_status(b, MIN(0), CONN_PREPARING);
	tlb_run(b, 0, 5, 8, 0, 0, TL_HAVE_ENERGY | TL_HAVE_POWER | TL_HAVE_CURRENT);
	tlb_status(b, MIN(5), CONN_CHARGING);
	tlb_charge(b, 5, 35);
	tlb_stop(b, MIN(35), "Local");
}
static void ebp_never(struct tlb *b)
{
	tlb_status(b, MIN(0), CONN_PREPARING);
	tlb_run(b, 0, 25, 20, 0, 0, TL_HAVE_ENERGY | TL_HAVE_POWER | TL_HAVE_CURRENT);
	tlb_stop(b, MIN(30), "Local");
}

/* CHARGING with a flat register from minute 20 (the row at 20 still shows
 * power, so the measured stall starts at 21) */
static void stall_with_gap(struct tlb *b, int flat_to)
{
	tlb_status(b, MIN(0), CONN_CHARGING);
	tlb_charge(b, 0, 20);
	tlb_flat(b, 20, flat_to);
	tlb_charge(b, flat_to, 60);
	tlb_stop(b, MIN(60), "Local");
}
static void stall_20(struct tlb *b) { stall_with_gap(b, 40); }
static void stall_16(struct tlb *b) { stall_with_gap(b, 36); }
static void stall_15(struct tlb *b) { stall_with_gap(b, 35); }
static void stall_10(struct tlb *b) { stall_with_gap(b, 30); }
/* no meter rows at all after minute 10, meterStop unchanged at 40 */
static void stall_silent(struct tlb *b)
{
	tlb_status(b, MIN(0), CONN_CHARGING);
	tlb_charge(b, 0, 10);
	tlb_stop(b, MIN(40), "Local");
}
static void stall_ev(struct tlb *b)
{
	tlb_status(b, MIN(0), CONN_CHARGING);
	tlb_charge(b, 0, 20);
	tlb_status(b, MIN(20), CONN_SUSPENDED_EV);
	tlb_flat(b, 20, 40);
	tlb_status(b, MIN(40), CONN_CHARGING);
	tlb_charge(b, 40, 60);
	tlb_stop(b, MIN(60), "Local");
}
/* 1.2 kW for 20 min on energy-only rows: a stall for a 150 kW DC charger
 * (threshold 250 Wh / 10 min), not for a 7.4 kW AC one (100 Wh) */
static void stall_slow(struct tlb *b)
{
	tlb_status(b, MIN(0), CONN_CHARGING);
	tlb_charge(b, 0, 20);
	tlb_run(b, 20, 40, 20, 0, 0, TL_HAVE_ENERGY);
	tlb_charge(b, 40, 60);
	tlb_stop(b, MIN(60), "Local");
}
static void stall_slow_dc(struct tlb *b)
{
	b->tl.current = TL_CURRENT_DC;
	b->tl.p_max_w = 150000;
	stall_slow(b);
}

/* the register keeps counting after the car is done */
static void ph_state(struct tlb *b)
{
	tlb_status(b, MIN(0), CONN_CHARGING);
	tlb_charge(b, 0, 30);
	tlb_status(b, MIN(30), CONN_SUSPENDED_EV);
	tlb_run(b, 30, 40, 10, 0, 0, TL_HAVE_ENERGY | TL_HAVE_POWER | TL_HAVE_CURRENT);
	tlb_stop(b, MIN(40), "Local");
}
static void ph_40(struct tlb *b)
{
	tlb_status(b, MIN(0), CONN_CHARGING);
	tlb_charge(b, 0, 30);
	tlb_status(b, MIN(30), CONN_SUSPENDED_EV);
	tlb_run(b, 30, 40, 4, 0, 0, TL_HAVE_ENERGY | TL_HAVE_POWER | TL_HAVE_CURRENT);
	tlb_stop(b, MIN(40), "Local");
}
static void ph_flow(struct tlb *b)
{
	tlb_status(b, MIN(0), CONN_CHARGING);
	tlb_charge(b, 0, 30);
	tlb_run(b, 30, 40, 10, 100, 200, TL_HAVE_ENERGY | TL_HAVE_POWER | TL_HAVE_CURRENT);
	tlb_stop(b, MIN(40), "Local");
}

/* meter rows stop for 10 min */
static void ms_gap(struct tlb *b, int gap_to)
{
	tlb_status(b, MIN(0), CONN_CHARGING);
	tlb_charge(b, 0, 10);
	tlb_charge(b, gap_to - 1, 30);
	tlb_stop(b, MIN(30), "Local");
}
static void ms_pos(struct tlb *b) { ms_gap(b, 20); }
static void ms_5min(struct tlb *b) { ms_gap(b, 15); }
static void ms_offline(struct tlb *b)
{
	ms_gap(b, 20);
	tlb_offline(b, MIN(11), MIN(19));
}
static void ms_open(struct tlb *b)
{
	tlb_status(b, MIN(0), CONN_CHARGING);
	tlb_charge(b, 0, 10);
	b->tl.now_ms = MIN(16);
}
static void ms_no_interval(struct tlb *b)
{
	ms_gap(b, 20);
	b->tl.sample_interval_s = 0;
}

/* faults */
static void baf_pos(struct tlb *b)
{
	tlb_status(b, MIN(0), CONN_CHARGING);
	tlb_charge(b, 0, 20);
	tlb_status(b, MIN(20), CONN_FAULTED);
	tlb_flat(b, 20, 50);
	tlb_stop(b, MIN(50), "Other");
}
static void baf_60s(struct tlb *b)
{
	tlb_status(b, MIN(0), CONN_CHARGING);
	tlb_charge(b, 0, 20);
	tlb_status(b, MIN(20), CONN_FAULTED);
	tlb_stop(b, SEC(1260), "Other");
}
static void baf_powerloss(struct tlb *b)
{
	tlb_status(b, MIN(0), CONN_CHARGING);
	tlb_charge(b, 0, 20);
	tlb_stop(b, MIN(80), "PowerLoss"); /* stamped after the reboot */
}
static void baf_emergency(struct tlb *b)
{
	tlb_status(b, MIN(0), CONN_CHARGING);
	tlb_charge(b, 0, 20);
	tlb_stop(b, SEC(1230), "EmergencyStop");
}

/* unplug */
static void bau_pos(struct tlb *b)
{
	tlb_status(b, MIN(0), CONN_CHARGING);
	tlb_charge(b, 0, 30);
	tlb_status(b, MIN(30), CONN_AVAILABLE);
	tlb_flat(b, 30, 45);
	tlb_stop(b, MIN(45), "Local");
}
static void bau_60s(struct tlb *b)
{
	tlb_status(b, MIN(0), CONN_CHARGING);
	tlb_charge(b, 0, 30);
	tlb_status(b, MIN(30), CONN_AVAILABLE);
	tlb_stop(b, SEC(1860), "EVDisconnected");
}
static void bau_201(struct tlb *b)
{
	tlb_plug(b, MIN(0), PLUG_YES);
	tlb_charge(b, 0, 30);
	tlb_plug(b, MIN(30), PLUG_NO); /* EVCommunicationLost */
	tlb_flat(b, 30, 45);
	tlb_stop(b, MIN(45), "Local");
}

/* remote stop */
static void sne_pos(struct tlb *b)
{
	tlb_status(b, MIN(0), CONN_CHARGING);
	tlb_charge(b, 0, 40);
	tlb_cmd(b, TL_CMD_REMOTE_STOP, MIN(20) - 500, MIN(20));
	tlb_stop(b, MIN(40), "Remote");
}
static void sne_299(struct tlb *b)
{
	tlb_status(b, MIN(0), CONN_CHARGING);
	tlb_charge(b, 0, 24);
	tlb_cmd(b, TL_CMD_REMOTE_STOP, MIN(20) - 500, MIN(20));
	tlb_stop(b, SEC(1200 + 299), "Remote");
}
static void sne_open(struct tlb *b)
{
	tlb_status(b, MIN(0), CONN_CHARGING);
	tlb_charge(b, 0, 25);
	tlb_cmd(b, TL_CMD_REMOTE_STOP, MIN(20) - 500, MIN(20));
	b->tl.now_ms = SEC(1200 + 301);
}
static void sne_rejected(struct tlb *b)
{
	tlb_status(b, MIN(0), CONN_CHARGING);
	tlb_charge(b, 0, 40);
	tlb_cmd(b, TL_CMD_REMOTE_STOP, MIN(20) - 500, 0);
	tlb_stop(b, MIN(40), "Local");
}

/* duplicates; every story charges 0..30 */
static void plain30(struct tlb *b)
{
	tlb_status(b, MIN(0), CONN_CHARGING);
	tlb_charge(b, 0, 30);
	tlb_stop(b, MIN(30), "Local");
}
static void dup_conn(struct tlb *b)
{
	plain30(b);
	tlb_other(b, 7, 1, 0, MIN(-10), 0);
}
static void dup_ended(struct tlb *b)
{
	plain30(b);
	tlb_other(b, 7, 1, 0, MIN(-10), MIN(-1));
}
static void dup_later(struct tlb *b)
{
	plain30(b);
	tlb_other(b, 7, 1, 0, MIN(5), 0);
}
static void dup_token(struct tlb *b)
{
	plain30(b);
	tlb_other(b, 8, 0, 1, MIN(-5), 0);
}
static void dup_unrelated(struct tlb *b)
{
	plain30(b);
	tlb_other(b, 9, 0, 0, MIN(-5), 0);
}

/* (almost) nothing delivered */
static void ze_90(struct tlb *b)
{
	tlb_status(b, MIN(0), CONN_CHARGING);
	tlb_run(b, 0, 30, 3, 0, 0, TL_HAVE_ENERGY);
	tlb_stop(b, MIN(30), "Local");
}
static void ze_100(struct tlb *b)
{
	tlb_status(b, MIN(0), CONN_CHARGING);
	tlb_run(b, 0, 25, 4, 0, 0, TL_HAVE_ENERGY);
	tlb_stop(b, MIN(30), "Local");
}

/* meter going backwards */
static void mr_minus1(struct tlb *b)
{
	plain30(b);
	b->tl.meter_stop_wh = -1;
}
static void mr_drop(struct tlb *b, int64_t drop_wh)
{
	tlb_status(b, MIN(0), CONN_CHARGING);
	tlb_charge(b, 0, 10);
	tlb_sample(b, MIN(11), TL_HAVE_ENERGY, b->energy_wh - drop_wh, 0, 0);
	tlb_charge(b, 11, 20);
	tlb_stop(b, MIN(20), "Local");
}
static void mr_10(struct tlb *b) { mr_drop(b, 10); }
static void mr_1(struct tlb *b) { mr_drop(b, 1); }

/* energy the connector cannot deliver: 7.4 kW x 1 h x 1.1 + 0.1 = 8.24 kWh */
static void ie_20k(struct tlb *b)
{
	tlb_status(b, MIN(0), CONN_CHARGING);
	tlb_stop_wh(b, MIN(60), 10000 + 20000, "Local");
}
static void ie_8200(struct tlb *b)
{
	tlb_status(b, MIN(0), CONN_CHARGING);
	tlb_stop_wh(b, MIN(60), 10000 + 8200, "Local");
}
static void ie_8241(struct tlb *b)
{
	tlb_status(b, MIN(0), CONN_CHARGING);
	tlb_stop_wh(b, MIN(60), 10000 + 8241, "Local");
}
static void ie_no_pmax(struct tlb *b)
{
	ie_20k(b);
	b->tl.p_max_w = 0;
}

/* clocks */
static void cs_future(struct tlb *b)
{
	plain30(b);
	tlb_stamp(b, MIN(5) + 400000, MIN(5));
}
static void cs_past(struct tlb *b)
{
	plain30(b);
	tlb_stamp(b, MIN(5) - 2 * 86400000LL, MIN(5)); /* an offline upload */
}
static void cs_300(struct tlb *b)
{
	plain30(b);
	tlb_stamp(b, MIN(5) + 300000, MIN(5));
}

/* the pile ignored an accepted stop and kept billing time */
static void fs_until(struct tlb *b, int stop_min)
{
	tlb_status(b, MIN(0), CONN_CHARGING);
	tlb_charge(b, 0, 10);
	tlb_cmd(b, TL_CMD_REMOTE_STOP, MIN(10) - 500, MIN(10));
	tlb_flat(b, 10, stop_min);
	tlb_stop(b, MIN(stop_min), "Remote");
}
static void fs_200(struct tlb *b) { fs_until(b, 200); }
static void fs_100(struct tlb *b) { fs_until(b, 100); }

static void ot_dc13(struct tlb *b)
{
	b->tl.current = TL_CURRENT_DC;
	tlb_status(b, MIN(0), CONN_CHARGING);
	tlb_stop(b, MIN(13 * 60), "Local");
}
static void ot_ac13(struct tlb *b)
{
	tlb_status(b, MIN(0), CONN_CHARGING);
	tlb_stop(b, MIN(13 * 60), "Local");
}
static void ot_ac25(struct tlb *b)
{
	tlb_status(b, MIN(0), CONN_CHARGING);
	tlb_stop(b, MIN(25 * 60), "Local");
}

/* ---- the table ----------------------------------------------------------- */

static const struct det_row {
	const char *story;
	enum anomaly_rule rule;
	void (*build)(struct tlb *);
	enum tar tariff;
	int fired;
	int64_t refund_minor;
} rows[] = {
	/* NO_PLUG_BILLED: 20 Wh (1 + 0) + 30 min (60) + start (50) */
	{"nothing plugged, 20 Wh, billed", ANOMALY_NO_PLUG_BILLED, np_pos, TAR_STD, 1, 111},
	{"nothing plugged but 60 Wh", ANOMALY_NO_PLUG_BILLED, np_60wh, TAR_STD, 0, 0},
	{"CHARGING seen", ANOMALY_NO_PLUG_BILLED, np_charging, TAR_STD, 0, 0},
	{"current flowed (1.6 evidence)", ANOMALY_NO_PLUG_BILLED, np_current, TAR_STD, 0, 0},
	{"nothing plugged, free tariff", ANOMALY_NO_PLUG_BILLED, np_pos, TAR_FREE, 0, 0},
	/* BILLED_BEFORE_PLUG: 10 min x 2 ct */
	{"plugged 10 min after the start", ANOMALY_BILLED_BEFORE_PLUG, bbp_pos, TAR_STD, 1, 20},
	{"plugged 120 s after: not > 120 s", ANOMALY_BILLED_BEFORE_PLUG, bbp_120s, TAR_STD, 0, 0},
	/* 40 min = 80 ct billed, 2279 s = 75.97 -> 76 re-rated */
	{"plugged 121 s after", ANOMALY_BILLED_BEFORE_PLUG, bbp_121s, TAR_STD, 1, 4},
	{"10 min late, no time fee", ANOMALY_BILLED_BEFORE_PLUG, bbp_pos, TAR_ENERGY_ONLY, 0, 0},
	/* ENERGY_BEFORE_PLUG: 3.7 kWh (111 + 19) vs 3.6 kWh (108 + 18) */
	{"100 Wh before the plug", ANOMALY_ENERGY_BEFORE_PLUG, ebp_pos, TAR_STD, 1, 4},
	{"0.04 kWh before the plug", ANOMALY_ENERGY_BEFORE_PLUG, ebp_40wh, TAR_STD, 0, 0},
	{"500 Wh, never plugged: 15 + 3", ANOMALY_ENERGY_BEFORE_PLUG, ebp_never, TAR_STD, 1, 18},
	/* STALL_BILLED: time fee of the measured stall */
	{"20 min flat while CHARGING", ANOMALY_STALL_BILLED, stall_20, TAR_STD, 1, 38},
	{"16 min flat = 15 min measured", ANOMALY_STALL_BILLED, stall_16, TAR_STD, 1, 30},
	{"15 min flat = 14 min measured", ANOMALY_STALL_BILLED, stall_15, TAR_STD, 0, 0},
	{"a 10-minute dip", ANOMALY_STALL_BILLED, stall_10, TAR_STD, 0, 0},
	{"30 min without rows, register unchanged", ANOMALY_STALL_BILLED, stall_silent, TAR_STD, 1,
	 58},
	{"20 min flat but SUSPENDED_EV", ANOMALY_STALL_BILLED, stall_ev, TAR_STD, 0, 0},
	{"1.2 kW on a 150 kW DC charger", ANOMALY_STALL_BILLED, stall_slow_dc, TAR_STD, 1, 38},
	{"1.2 kW on a 7.4 kW AC charger", ANOMALY_STALL_BILLED, stall_slow, TAR_STD, 0, 0},
	{"20 min flat, no time fee", ANOMALY_STALL_BILLED, stall_20, TAR_ENERGY_ONLY, 0, 0},
	/* PHANTOM_ENERGY */
	{"100 Wh while SUSPENDED_EV", ANOMALY_PHANTOM_ENERGY, ph_state, TAR_STD, 1, 4},
	{"40 Wh while SUSPENDED_EV", ANOMALY_PHANTOM_ENERGY, ph_40, TAR_STD, 0, 0},
	/* 3.7 kWh (111 + 19) vs 3.61 kWh (108 + 18) */
	{"90 Wh at 0.2 A / 100 W", ANOMALY_PHANTOM_ENERGY, ph_flow, TAR_STD, 1, 4},
	{"energy before the plug is not phantom", ANOMALY_PHANTOM_ENERGY, ebp_pos, TAR_STD, 0, 0},
	/* METER_SILENCE: hold */
	{"10 min without meter rows", ANOMALY_METER_SILENCE, ms_pos, TAR_STD, 1, 0},
	{"5 min without: not > 5 intervals", ANOMALY_METER_SILENCE, ms_5min, TAR_STD, 0, 0},
	{"10 min, 8 of them offline", ANOMALY_METER_SILENCE, ms_offline, TAR_STD, 0, 0},
	{"open, silent for 6 min", ANOMALY_METER_SILENCE, ms_open, TAR_STD, 1, 0},
	{"no accepted sample interval", ANOMALY_METER_SILENCE, ms_no_interval, TAR_STD, 0, 0},
	/* BILLED_AFTER_FAULT */
	{"30 min after FAULTED", ANOMALY_BILLED_AFTER_FAULT, baf_pos, TAR_STD, 1, 60},
	{"stopped 60 s after FAULTED", ANOMALY_BILLED_AFTER_FAULT, baf_60s, TAR_STD, 0, 0},
	{"PowerLoss stop stamped 60 min late", ANOMALY_BILLED_AFTER_FAULT, baf_powerloss, TAR_STD, 1,
	 120},
	{"EmergencyStop 30 s after the last row", ANOMALY_BILLED_AFTER_FAULT, baf_emergency, TAR_STD,
	 0, 0},
	/* BILLED_AFTER_UNPLUG */
	{"open 15 min after 1.6 AVAILABLE", ANOMALY_BILLED_AFTER_UNPLUG, bau_pos, TAR_STD, 1, 30},
	{"stopped 60 s after the unplug", ANOMALY_BILLED_AFTER_UNPLUG, bau_60s, TAR_STD, 0, 0},
	{"open 15 min after EVCommunicationLost", ANOMALY_BILLED_AFTER_UNPLUG, bau_201, TAR_STD, 1,
	 30},
	/* STOP_NOT_EFFECTIVE: 298 billed vs 2.52 kWh (76 + 13) + 21 min (42) + 50 */
	{"stop accepted at 20, ended at 40", ANOMALY_STOP_NOT_EFFECTIVE, sne_pos, TAR_STD, 1, 117},
	{"stop confirmed at 299 s", ANOMALY_STOP_NOT_EFFECTIVE, sne_299, TAR_STD, 0, 0},
	/* 3 kWh (90 + 15) + 1501 s (50) + 50 billed so far vs 181 */
	{"still open 301 s after the stop", ANOMALY_STOP_NOT_EFFECTIVE, sne_open, TAR_STD, 1, 24},
	{"a rejected stop is no stop", ANOMALY_STOP_NOT_EFFECTIVE, sne_rejected, TAR_STD, 0, 0},
	/* DUPLICATE_TRANSACTION: all of 3.6 kWh (108 + 18) + 30 min (60) + 50 */
	{"second open order on the connector", ANOMALY_DUPLICATE_TRANSACTION, dup_conn, TAR_STD, 1,
	 236},
	{"the other one had ended", ANOMALY_DUPLICATE_TRANSACTION, dup_ended, TAR_STD, 0, 0},
	{"this one is the original", ANOMALY_DUPLICATE_TRANSACTION, dup_later, TAR_STD, 0, 0},
	{"idTag charging on two connectors", ANOMALY_DUPLICATE_TRANSACTION, dup_token, TAR_STD, 1,
	 236},
	{"an unrelated overlap", ANOMALY_DUPLICATE_TRANSACTION, dup_unrelated, TAR_STD, 0, 0},
	/* ZERO_ENERGY_BILLED: 90 Wh (3 + 0) + 60 + 50 */
	{"90 Wh billed", ANOMALY_ZERO_ENERGY_BILLED, ze_90, TAR_STD, 1, 113},
	{"100 Wh: not < 0.1 kWh", ANOMALY_ZERO_ENERGY_BILLED, ze_100, TAR_STD, 0, 0},
	{"90 Wh, free", ANOMALY_ZERO_ENERGY_BILLED, ze_90, TAR_FREE, 0, 0},
	/* METER_REGRESSION: hold */
	{"meterStop -1", ANOMALY_METER_REGRESSION, mr_minus1, TAR_STD, 1, 0},
	{"register fell 10 Wh", ANOMALY_METER_REGRESSION, mr_10, TAR_STD, 1, 0},
	{"register fell 1 Wh", ANOMALY_METER_REGRESSION, mr_1, TAR_STD, 0, 0},
	{"a normal session", ANOMALY_METER_REGRESSION, plain30, TAR_STD, 0, 0},
	/* IMPLAUSIBLE_ENERGY: hold */
	{"20 kWh in 1 h on 7.4 kW", ANOMALY_IMPLAUSIBLE_ENERGY, ie_20k, TAR_STD, 1, 0},
	{"8.2 kWh in 1 h on 7.4 kW", ANOMALY_IMPLAUSIBLE_ENERGY, ie_8200, TAR_STD, 0, 0},
	{"8.241 kWh in 1 h on 7.4 kW", ANOMALY_IMPLAUSIBLE_ENERGY, ie_8241, TAR_STD, 1, 0},
	{"P_max unknown", ANOMALY_IMPLAUSIBLE_ENERGY, ie_no_pmax, TAR_STD, 0, 0},
	/* CLOCK_SKEW: re-time */
	{"stamped 400 s in the future", ANOMALY_CLOCK_SKEW, cs_future, TAR_STD, 1, 0},
	{"stamped 2 days in the past", ANOMALY_CLOCK_SKEW, cs_past, TAR_STD, 0, 0},
	{"stamped 300 s in the future", ANOMALY_CLOCK_SKEW, cs_300, TAR_STD, 0, 0},
	/* FEE_SPIKE: 492 billed vs 114 expected; 292 vs 114 */
	{"billed 4.3 x expected", ANOMALY_FEE_SPIKE, fs_200, TAR_STD, 1, 0},
	{"billed 2.6 x expected", ANOMALY_FEE_SPIKE, fs_100, TAR_STD, 0, 0},
	/* OVERTIME */
	{"DC 13 h", ANOMALY_OVERTIME, ot_dc13, TAR_STD, 1, 0},
	{"AC 13 h", ANOMALY_OVERTIME, ot_ac13, TAR_STD, 0, 0},
	{"AC 25 h", ANOMALY_OVERTIME, ot_ac25, TAR_STD, 1, 0},
};

static void tariff_of(enum tar k, struct tariff *t)
{
	if (k == TAR_ENERGY_ONLY)
		tariff_energy_only(t);
	else if (k == TAR_FREE)
		tariff_free(t);
	else
		tariff_std(t);
}

/* Run every row of rule r; each rule has positive and negative rows. */
static void run_rule(enum anomaly_rule r)
{
	struct anomaly_thresholds th;
	int pos = 0, neg = 0;

	anomaly_thresholds_default(&th);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct det_row *row = &rows[i];
		struct anomaly_finding f;
		struct tariff t;
		struct tlb b;
		int fired = -1;

		if (row->rule != r)
			continue;
		tlb_init(&b);
		row->build(&b);
		tariff_of(row->tariff, &t);
		memset(&f, 0, sizeof(f));
		CU_ASSERT_EQUAL_FATAL(anomaly_rule_row(r)->detect(tlb_done(&b), &th, &t, &f, &fired),
				      GW_OK);
		if (getenv("BILLING_VERBOSE") || fired != row->fired ||
		    (fired && f.refund_minor != row->refund_minor))
			fprintf(stderr, "\n%s / '%s': fired %d refund %lld (%s)\n", anomaly_rule_name(r),
				row->story, fired, (long long)f.refund_minor, f.explain);
		CU_ASSERT_EQUAL(fired, row->fired);
		if (!fired) {
			neg++;
			continue;
		}
		pos++;
		CU_ASSERT_EQUAL(f.rule, r);
		CU_ASSERT_EQUAL(f.tier, anomaly_rule_row(r)->tier);
		CU_ASSERT_EQUAL(f.action, anomaly_rule_row(r)->action);
		CU_ASSERT_EQUAL(f.refund_minor, row->refund_minor);
		CU_ASSERT(f.refund_minor >= 0 && f.refund_minor <= f.billed_minor);
		CU_ASSERT(f.from_ms <= f.to_ms);
		CU_ASSERT(f.explain[0] != '\0');
		if (f.action != ANOMALY_ACT_REFUND)
			CU_ASSERT_EQUAL(f.refund_minor, 0);
	}
	CU_ASSERT(pos > 0);
	CU_ASSERT(neg > 0);
}

#define RULE_TEST(fn, rule) \
	static void fn(void) { run_rule(rule); }
RULE_TEST(t_no_plug, ANOMALY_NO_PLUG_BILLED)
RULE_TEST(t_before_plug, ANOMALY_BILLED_BEFORE_PLUG)
RULE_TEST(t_energy_before_plug, ANOMALY_ENERGY_BEFORE_PLUG)
RULE_TEST(t_stall, ANOMALY_STALL_BILLED)
RULE_TEST(t_phantom, ANOMALY_PHANTOM_ENERGY)
RULE_TEST(t_silence, ANOMALY_METER_SILENCE)
RULE_TEST(t_fault, ANOMALY_BILLED_AFTER_FAULT)
RULE_TEST(t_unplug, ANOMALY_BILLED_AFTER_UNPLUG)
RULE_TEST(t_stop, ANOMALY_STOP_NOT_EFFECTIVE)
RULE_TEST(t_duplicate, ANOMALY_DUPLICATE_TRANSACTION)
RULE_TEST(t_zero, ANOMALY_ZERO_ENERGY_BILLED)
RULE_TEST(t_regression, ANOMALY_METER_REGRESSION)
RULE_TEST(t_implausible, ANOMALY_IMPLAUSIBLE_ENERGY)
RULE_TEST(t_skew, ANOMALY_CLOCK_SKEW)
RULE_TEST(t_spike, ANOMALY_FEE_SPIKE)
RULE_TEST(t_overtime, ANOMALY_OVERTIME)

/* ---- the table itself, run_all, triggers, overrides ---------------------- */

static void test_rule_table(void)
{
	static const char *const names[] = {
		"NO_PLUG_BILLED",     "BILLED_BEFORE_PLUG",  "ENERGY_BEFORE_PLUG",
		"STALL_BILLED",       "PHANTOM_ENERGY",      "METER_SILENCE",
		"BILLED_AFTER_FAULT", "BILLED_AFTER_UNPLUG", "STOP_NOT_EFFECTIVE",
		"DUPLICATE_TRANSACTION", "ZERO_ENERGY_BILLED", "METER_REGRESSION",
		"IMPLAUSIBLE_ENERGY", "CLOCK_SKEW",          "FEE_SPIKE",
		"OVERTIME"};
	static const char tiers[] = "ABCBCCBBAAACCCCC";
	enum anomaly_rule r;

	CU_ASSERT_EQUAL(sizeof(names) / sizeof(names[0]), ANOMALY_RULE_COUNT);
	for (int i = 0; i < ANOMALY_RULE_COUNT; i++) {
		const struct anomaly_rule_row *row = anomaly_rule_row((enum anomaly_rule)i);

		CU_ASSERT_PTR_NOT_NULL_FATAL(row);
		CU_ASSERT_PTR_NOT_NULL(row->detect);
		CU_ASSERT_STRING_EQUAL(row->name, names[i]);
		CU_ASSERT_EQUAL(refund_tier_letter(row->tier), tiers[i]);
		CU_ASSERT_EQUAL(anomaly_rule_parse(names[i], &r), GW_OK);
		CU_ASSERT_EQUAL(r, (enum anomaly_rule)i);
	}
	CU_ASSERT_PTR_NULL(anomaly_rule_row(ANOMALY_RULE_COUNT));
	CU_ASSERT_STRING_EQUAL(anomaly_rule_name(ANOMALY_RULE_COUNT), "?");
	CU_ASSERT_EQUAL(anomaly_rule_parse("no_plug_billed", &r), GW_ENOTFOUND);
	CU_ASSERT_EQUAL(anomaly_rule_parse(NULL, &r), GW_ENOTFOUND);
}

static void test_run_all(void)
{
	struct anomaly_thresholds th;
	struct anomaly_finding f[ANOMALY_RULE_COUNT];
	struct tariff t;
	struct tariff_bill re;
	struct tlb b;
	size_t n = 99;

	anomaly_thresholds_default(&th);
	tariff_std(&t);
	/* a clean session fires nothing */
	tlb_init(&b);
	plain30(&b);
	CU_ASSERT_EQUAL(anomaly_run_all(tlb_done(&b), &th, &t, f, ANOMALY_RULE_COUNT, &n), GW_OK);
	CU_ASSERT_EQUAL(n, 0);
	/* the ignored stop: STALL, STOP_NOT_EFFECTIVE and FEE_SPIKE, in table order */
	tlb_init(&b);
	fs_200(&b);
	CU_ASSERT_EQUAL(anomaly_run_all(tlb_done(&b), &th, &t, f, ANOMALY_RULE_COUNT, &n), GW_OK);
	CU_ASSERT_EQUAL_FATAL(n, 3);
	CU_ASSERT_EQUAL(f[0].rule, ANOMALY_STALL_BILLED);
	CU_ASSERT_EQUAL(f[1].rule, ANOMALY_STOP_NOT_EFFECTIVE);
	CU_ASSERT_EQUAL(f[2].rule, ANOMALY_FEE_SPIKE);
	/* overlapping refunds are not summed: the re-rate over all findings
	 * is the cap (window 0..11: 42 + 22 + 50) */
	CU_ASSERT_EQUAL(billing_rerated(tlb_done(&b), &th, &t, f, n, &re), GW_OK);
	CU_ASSERT_EQUAL(re.total_minor, 114);
	CU_ASSERT_EQUAL(f[1].billed_minor - re.total_minor, 378);
	CU_ASSERT(f[0].refund_minor + f[1].refund_minor > 378);
	/* too small an array */
	CU_ASSERT_EQUAL(anomaly_run_all(tlb_done(&b), &th, &t, f, 2, &n), GW_ETOOBIG);
	CU_ASSERT_EQUAL(n, 2);
	/* a bad timeline */
	b.tl.n_samples = 1;
	b.tl.samples = NULL;
	CU_ASSERT_EQUAL(anomaly_run_all(&b.tl, &th, &t, f, ANOMALY_RULE_COUNT, &n), GW_EINVAL);
}

static void test_triggers(void)
{
	struct anomaly_thresholds th;
	struct tlb b;
	unsigned due;

	anomaly_thresholds_default(&th);
	/* silent 3 min: not yet; 3 min + 1 s: TriggerMessage(MeterValues) */
	tlb_init(&b);
	tlb_status(&b, MIN(0), CONN_CHARGING);
	tlb_charge(&b, 0, 10);
	b.tl.now_ms = MIN(13);
	CU_ASSERT_EQUAL(anomaly_trigger_due(tlb_done(&b), &th, &due), GW_OK);
	CU_ASSERT_EQUAL(due, 0);
	b.tl.now_ms = MIN(13) + 1000;
	CU_ASSERT_EQUAL(anomaly_trigger_due(tlb_done(&b), &th, &due), GW_OK);
	CU_ASSERT_EQUAL(due, ANOMALY_TRIGGER_METER);
	/* already sent since the last row: not again */
	tlb_cmd(&b, TL_CMD_TRIGGER_METER, MIN(13) + 500, MIN(13) + 600);
	CU_ASSERT_EQUAL(anomaly_trigger_due(tlb_done(&b), &th, &due), GW_OK);
	CU_ASSERT_EQUAL(due, 0);
	/* offline: ask nothing */
	tlb_init(&b);
	tlb_charge(&b, 0, 10);
	tlb_offline(&b, MIN(11), MIN(30));
	b.tl.now_ms = MIN(20);
	CU_ASSERT_EQUAL(anomaly_trigger_due(tlb_done(&b), &th, &due), GW_OK);
	CU_ASSERT_EQUAL(due, 0);
	/* an accepted stop 60 s ago with no end: check on it */
	tlb_init(&b);
	tlb_charge(&b, 0, 10);
	tlb_cmd(&b, TL_CMD_REMOTE_STOP, MIN(10) - 500, MIN(10));
	b.tl.now_ms = MIN(11) - 1;
	CU_ASSERT_EQUAL(anomaly_trigger_due(tlb_done(&b), &th, &due), GW_OK);
	CU_ASSERT_EQUAL(due, 0);
	b.tl.now_ms = MIN(11);
	CU_ASSERT_EQUAL(anomaly_trigger_due(tlb_done(&b), &th, &due), GW_OK);
	CU_ASSERT_EQUAL(due, ANOMALY_TRIGGER_STOP);
	tlb_stop(&b, MIN(11), "Remote");
	CU_ASSERT_EQUAL(anomaly_trigger_due(tlb_done(&b), &th, &due), GW_OK);
	CU_ASSERT_EQUAL(due, 0);
}

static void test_overrides(void)
{
	struct anomaly_thresholds th;
	struct anomaly_finding f;
	struct tariff t;
	struct tlb b;
	int fired;

	anomaly_thresholds_default(&th);
	tariff_std(&t);
	tlb_init(&b);
	bbp_pos(&b);
	th.plug_gap_ms = 15 * 60000; /* the config allows 15 min */
	CU_ASSERT_EQUAL(anomaly_billed_before_plug(tlb_done(&b), &th, &t, &f, &fired), GW_OK);
	CU_ASSERT_EQUAL(fired, 0);
	tlb_init(&b);
	stall_10(&b);
	th.stall_window_ms = 5 * 60000; /* judged per 5 min ... */
	th.stall_min_ms = 5 * 60000;    /* ... and 5 minutes are enough */
	CU_ASSERT_EQUAL(anomaly_stall_billed(tlb_done(&b), &th, &t, &f, &fired), GW_OK);
	CU_ASSERT_EQUAL(fired, 1);
	/* the grid is window / 10 = 30 s: 20:30 .. 30:30 is stalled (20:30 is
	 * past the last row with power, 25:30 sees only 60 Wh of the resumed
	 * charge); 10 min x 2 ct */
	CU_ASSERT_EQUAL(f.refund_minor, 20);
	CU_ASSERT_EQUAL(f.from_ms, SEC(20 * 60 + 30));
	CU_ASSERT_EQUAL(f.to_ms, SEC(30 * 60 + 30));
}

int test_detectors_register(void)
{
	static CU_TestInfo tests[] = {
		{"NO_PLUG_BILLED", t_no_plug},
		{"BILLED_BEFORE_PLUG", t_before_plug},
		{"ENERGY_BEFORE_PLUG", t_energy_before_plug},
		{"STALL_BILLED", t_stall},
		{"PHANTOM_ENERGY", t_phantom},
		{"METER_SILENCE", t_silence},
		{"BILLED_AFTER_FAULT", t_fault},
		{"BILLED_AFTER_UNPLUG", t_unplug},
		{"STOP_NOT_EFFECTIVE", t_stop},
		{"DUPLICATE_TRANSACTION", t_duplicate},
		{"ZERO_ENERGY_BILLED", t_zero},
		{"METER_REGRESSION", t_regression},
		{"IMPLAUSIBLE_ENERGY", t_implausible},
		{"CLOCK_SKEW", t_skew},
		{"FEE_SPIKE", t_spike},
		{"OVERTIME", t_overtime},
		{"rule table", test_rule_table},
		{"run_all and the re-rate cap", test_run_all},
		{"TriggerMessages due", test_triggers},
		{"thresholds from the config", test_overrides},
		CU_TEST_INFO_NULL,
	};

	return test_add_suite("detectors", tests);
}
