/* SPDX-License-Identifier: MIT
 * test_billing.h - suites of test_billing, one per file, and the timeline
 * builder the tables use (tl_build.c). */
#ifndef TEST_BILLING_H
#define TEST_BILLING_H
#include <CUnit/CUnit.h>
#include <stdint.h>

#include "domain/billing/anomaly.h"
#include "domain/billing/billing_window.h"
#include "domain/billing/tariff.h"
#include "domain/billing/timeline.h"

int test_order_number_register(void);
int test_tariff_register(void);
int test_tariff_ref_register(void);
int test_window_register(void);
int test_detectors_register(void);
int test_refund_register(void);

/* Add a suite with tests {name, fn}... ending in CU_TEST_INFO_NULL. */
int test_add_suite(const char *name, CU_TestInfo *tests);

/* ---- timeline builder ---------------------------------------------------- */

#define T0_MS 1767607200000LL /* 2026-01-05T10:00:00Z, a Monday */
#define MIN(m) (T0_MS + (int64_t)(m) * 60000LL)
#define SEC(s) (T0_MS + (int64_t)(s) * 1000LL)

/* One timeline with room for its arrays; lives on the test's stack. */
struct tlb {
	struct order_timeline tl;
	struct tl_status status[64];
	struct tl_sample samples[1600];
	struct tl_command cmds[8];
	int64_t faults[8];
	struct tl_span offline[8];
	struct tl_stamp stamps[16];
	struct tl_other_order others[8];
	int64_t energy_wh; /* register after the last sample added */
};

/* Order 1, authorized and started at T0 with meterStart 10000 Wh, AC,
 * P_max 7400 W, 60 s samples, open, now = T0 + 48 h. */
void tlb_init(struct tlb *b);
/* The end message at at_ms with meterStop = the register so far, or with an
 * explicit meterStop (tlb_stop_wh). */
void tlb_stop(struct tlb *b, int64_t at_ms, const char *reason);
void tlb_stop_wh(struct tlb *b, int64_t at_ms, int64_t meter_stop_wh, const char *reason);
void tlb_status(struct tlb *b, int64_t at_ms, enum conn_state s);
void tlb_plug(struct tlb *b, int64_t at_ms, enum plug_evidence p);
/* One sample row; have = TL_HAVE_* */
void tlb_sample(struct tlb *b, int64_t at_ms, unsigned have, int64_t energy_wh, int64_t power_w,
		int64_t current_ma);
/* Rows every minute in (from, to] (minutes after T0), the register rising
 * wh_per_min each, reporting power_w and current_ma (have: TL_HAVE_*). */
void tlb_run(struct tlb *b, int from_min, int to_min, int64_t wh_per_min, int64_t power_w,
	     int64_t current_ma, unsigned have);
/* tlb_run at 7.2 kW (120 Wh/min, 31.3 A) */
void tlb_charge(struct tlb *b, int from_min, int to_min);
/* tlb_run with a flat register, power 0, current 0 */
void tlb_flat(struct tlb *b, int from_min, int to_min);
void tlb_cmd(struct tlb *b, enum tl_command_kind k, int64_t sent_ms, int64_t accepted_ms);
void tlb_fault(struct tlb *b, int64_t at_ms);
void tlb_offline(struct tlb *b, int64_t from_ms, int64_t to_ms);
void tlb_stamp(struct tlb *b, int64_t pile_ms, int64_t recv_ms);
void tlb_other(struct tlb *b, int64_t id, int same_connector, int same_token, int64_t start_ms,
	       int64_t end_ms);
/* Point the timeline at the arrays; returns &b->tl. */
const struct order_timeline *tlb_done(struct tlb *b);

/* ---- tariffs ------------------------------------------------------------- */

/* EUR, one period: energy 0.3000, service 0.0500 per kWh, time 1.2000 per
 * hour (2 ct a minute), idle 0.1000 per minute after 10 min, start 0.50. */
void tariff_std(struct tariff *t);
/* The same with only energy and service fees. */
void tariff_energy_only(struct tariff *t);
/* Everything free. */
void tariff_free(struct tariff *t);

#endif
