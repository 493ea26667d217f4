/* SPDX-License-Identifier: MIT
 * tl_build.c - small builders so that test rows read like the story they
 * tell: "charging from minute 1 to 30, unplugged at 30, stop at 45". */
#include <string.h>

#include "test_billing.h"

#define CAP(a) (sizeof(a) / sizeof((a)[0]))
#define PUSH(arr, cnt, ...)                           \
	do {                                          \
		CU_ASSERT_FATAL((cnt) < CAP(arr));    \
		(arr)[(cnt)++] = __VA_ARGS__;         \
	} while (0)

void tlb_init(struct tlb *b)
{
	memset(b, 0, sizeof(*b));
	b->tl.order_id = 1;
	b->tl.now_ms = T0_MS + 48 * 3600000LL;
	b->tl.current = TL_CURRENT_AC;
	b->tl.p_max_w = 7400;
	b->tl.sample_interval_s = 60;
	b->tl.cfg = TL_CFG_SAMPLE_INTERVAL | TL_CFG_SAMPLED_POWER | TL_CFG_SAMPLED_CURRENT;
	b->tl.auth_ms = T0_MS;
	b->tl.tx_start_ms = T0_MS;
	b->tl.have_meter_start = 1;
	b->tl.meter_start_wh = 10000;
	b->energy_wh = 10000;
}

void tlb_stop_wh(struct tlb *b, int64_t at_ms, int64_t meter_stop_wh, const char *reason)
{
	b->tl.have_stop = 1;
	b->tl.tx_stop_ms = at_ms;
	b->tl.have_meter_stop = 1;
	b->tl.meter_stop_wh = meter_stop_wh;
	strncpy(b->tl.stop_reason, reason, sizeof(b->tl.stop_reason) - 1);
}

void tlb_stop(struct tlb *b, int64_t at_ms, const char *reason)
{
	tlb_stop_wh(b, at_ms, b->energy_wh, reason);
}

void tlb_status(struct tlb *b, int64_t at_ms, enum conn_state s)
{
	PUSH(b->status, b->tl.n_status, (struct tl_status){at_ms, s, PLUG_UNKNOWN});
}

void tlb_plug(struct tlb *b, int64_t at_ms, enum plug_evidence p)
{
	PUSH(b->status, b->tl.n_status, (struct tl_status){at_ms, CONN_UNKNOWN, p});
}

void tlb_sample(struct tlb *b, int64_t at_ms, unsigned have, int64_t energy_wh, int64_t power_w,
		int64_t current_ma)
{
	PUSH(b->samples, b->tl.n_samples, (struct tl_sample){
		at_ms, have, energy_wh, power_w, current_ma, CTX_SAMPLE_PERIODIC});
	if (have & TL_HAVE_ENERGY)
		b->energy_wh = energy_wh;
}

void tlb_run(struct tlb *b, int from_min, int to_min, int64_t wh_per_min, int64_t power_w,
	     int64_t current_ma, unsigned have)
{
	for (int m = from_min + 1; m <= to_min; m++)
		tlb_sample(b, MIN(m), have, b->energy_wh + wh_per_min, power_w, current_ma);
}

void tlb_charge(struct tlb *b, int from_min, int to_min)
{
	tlb_run(b, from_min, to_min, 120, 7200, 31300,
		TL_HAVE_ENERGY | TL_HAVE_POWER | TL_HAVE_CURRENT);
}

void tlb_flat(struct tlb *b, int from_min, int to_min)
{
	tlb_run(b, from_min, to_min, 0, 0, 0, TL_HAVE_ENERGY | TL_HAVE_POWER | TL_HAVE_CURRENT);
}

void tlb_cmd(struct tlb *b, enum tl_command_kind k, int64_t sent_ms, int64_t accepted_ms)
{
	PUSH(b->cmds, b->tl.n_commands, (struct tl_command){k, sent_ms, accepted_ms});
}

void tlb_fault(struct tlb *b, int64_t at_ms)
{
	PUSH(b->faults, b->tl.n_faults, at_ms);
}

void tlb_offline(struct tlb *b, int64_t from_ms, int64_t to_ms)
{
	PUSH(b->offline, b->tl.n_offline, (struct tl_span){from_ms, to_ms});
}

void tlb_stamp(struct tlb *b, int64_t pile_ms, int64_t recv_ms)
{
	PUSH(b->stamps, b->tl.n_stamps, (struct tl_stamp){pile_ms, recv_ms});
}

void tlb_other(struct tlb *b, int64_t id, int same_connector, int same_token, int64_t start_ms,
	       int64_t end_ms)
{
	PUSH(b->others, b->tl.n_others,
	     (struct tl_other_order){id, same_connector, same_token, start_ms, end_ms});
}

const struct order_timeline *tlb_done(struct tlb *b)
{
	b->tl.status = b->status;
	b->tl.samples = b->samples;
	b->tl.commands = b->cmds;
	b->tl.faults_ms = b->faults;
	b->tl.offline = b->offline;
	b->tl.stamps = b->stamps;
	b->tl.others = b->others;
	return &b->tl;
}

void tariff_std(struct tariff *t)
{
	memset(t, 0, sizeof(*t));
	memcpy(t->currency, "EUR", 4);
	t->minor_exp = 2;
	t->start_fee_minor = 50;
	t->idle_grace_min = 10;
	t->n_periods = 1;
	t->periods[0] = (struct tariff_period){0, 3000, 500, 12000, 1000};
}

void tariff_energy_only(struct tariff *t)
{
	tariff_std(t);
	t->start_fee_minor = 0;
	t->periods[0].time_per_hour_e4 = 0;
	t->periods[0].idle_per_min_e4 = 0;
}

void tariff_free(struct tariff *t)
{
	tariff_std(t);
	t->start_fee_minor = 0;
	t->periods[0] = (struct tariff_period){0, 0, 0, 0, 0};
}
