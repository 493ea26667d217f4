/* SPDX-License-Identifier: MIT
 *
 * sweep.c - domain_sweep(): what is only visible as the absence of events
 * (DESIGN.md "Billing anomalies": "a stall is the absence of events").
 *
 * For every open order (charging or stopping, its transaction still open):
 *   1. anomaly_trigger_due() -> DCMD_TRIGGER_METER_VALUES after
 *      silence_trigger_intervals silent sample intervals,
 *      DCMD_TRIGGER_TX_STATUS stop_trigger_ms after an accepted remote stop
 *      without its end message (the command layer records what it sends,
 *      so the next sweep's timeline sees it and does not repeat it);
 *   2. METER_SILENCE and STOP_NOT_EFFECTIVE run on the open order; a
 *      finding opens its case once (the amount then still grows: the end
 *      message or the settlement amends it, the sweep does not, so a
 *      running stop does not emit refund_case.updated every sweep);
 *   3. 2.0.1 piles with cost support get CostUpdated with the running cost
 *      (1.6 piles a DataTransfer when orders.cost_datatransfer_vendor is set)
 *      every cost_update_interval_s (order.cost_sent_ms keeps the time, in
 *      the store, so any node may run the sweep).
 * Then the SLA timers of the open refund cases (refund_case.c).
 * Runs inside the caller's batch; a pile not connected here
 * (GW_ENOTFOUND from the sink) is asked again at the next sweep.
 */
#include <inttypes.h>
#include <string.h>

#include "common/gw_err.h"
#include "common/gw_log.h"
#include "config.h"
#include "domain/billing/billing_window.h"
#include "domain/order.h"

#define ORDERS_PAGE 32

static void cmd_for(struct domain_cmd *cmd, enum domain_cmd_kind kind, const struct order_row *o)
{
	memset(cmd, 0, sizeof(*cmd));
	cmd->kind = kind;
	cmd->pile = o->pile;
	cmd->evse_id = o->evse_id;
	cmd->connector_id = o->connector_id;
	cmd->tx_id = o->tx_id;
	cmd->pile_tx_id = o->pile_tx_id;
	cmd->minor_exp = o->tariff.minor_exp;
}

static int ask(struct domain *d, const struct domain_cmd *cmd, const char *what)
{
	int rc = domain_command(d, cmd);

	if (rc == GW_OK)
		gw_log(GW_LOG_INFO, "cp=%s tx=%" PRId64 " sweep: %s requested", cmd->pile, cmd->tx_id,
		       what);
	else if (rc != GW_ENOTFOUND)
		gw_log(GW_LOG_WARN, "cp=%s tx=%" PRId64 " sweep: %s not sent: %s", cmd->pile,
		       cmd->tx_id, what, gw_strerror(rc));
	return rc == GW_ESTORE || rc == GW_ENOMEM ? rc : GW_OK;
}

/* Step 1. */
static int triggers(struct domain *d, const struct order_row *o, const struct order_tl *t)
{
	struct domain_cmd cmd;
	unsigned due = 0;
	int rc;

	if (anomaly_trigger_due(&t->tl, &d->cfg->anomaly, &due) != GW_OK)
		return GW_OK;
	if (due & ANOMALY_TRIGGER_METER) {
		cmd_for(&cmd, DCMD_TRIGGER_METER_VALUES, o);
		if ((rc = ask(d, &cmd, "TriggerMessage(MeterValues)")) != GW_OK)
			return rc;
	}
	if (due & ANOMALY_TRIGGER_STOP) {
		cmd_for(&cmd, DCMD_TRIGGER_TX_STATUS, o);
		if ((rc = ask(d, &cmd, "transaction status")) != GW_OK)
			return rc;
	}
	return GW_OK;
}

/* Step 2. */
static int silence_and_stop(struct domain *d, const struct order_ctx *c, struct order_row *o,
			    const struct order_tl *t)
{
	static anomaly_detect_fn *const rules[] = {anomaly_meter_silence, anomaly_stop_not_effective};
	struct anomaly_finding f;
	struct case_row cr;
	int fired, auto_ok, rc;

	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		rc = rules[i](&t->tl, &d->cfg->anomaly, &o->tariff, &f, &fired);
		if (rc == GW_ESTORE || rc == GW_ENOMEM)
			return rc;
		if (rc != GW_OK || !fired)
			continue;
		rc = store_case_get_by_rule(d->st, o->id, anomaly_rule_name(f.rule), &cr);
		if (rc == GW_OK)
			continue; /* opened by an earlier sweep */
		if (rc != GW_ENOTFOUND)
			return rc;
		rc = refund_case_apply(d, c, o, t, &f, f.refund_minor, f.billed_minor - f.refund_minor,
				       &auto_ok);
		if (rc != GW_OK)
			return rc;
	}
	return GW_OK;
}

/* Step 3. */
static int cost_update(struct domain *d, const struct order_ctx *c, struct order_row *o,
		       const struct order_tl *t)
{
	int64_t every_ms = (int64_t)d->cfg->cost_update_interval_s * 1000;
	struct tariff_bill bill;
	struct domain_cmd cmd;
	int native, rc;

	if (o->state != ORDER_CHARGING || every_ms <= 0 || c->now_ms - o->cost_sent_ms < every_ms)
		return GW_OK;
	/* piles that report cost support, or any pile when the side channel
	 * (orders.cost_datatransfer_vendor) is configured: the sink knows which
	 * piles that channel reaches and answers GW_ENOTSUPP for the others */
	native = o->pile_tx_id[0] && order_cost_enabled(d, o->pile);
	if (!native && !d->cfg->cost_datatransfer_vendor[0])
		return GW_OK;
	if (billing_billed(&t->tl, &o->tariff, NULL, 0, &bill) != GW_OK)
		return GW_OK;
	cmd_for(&cmd, DCMD_COST_UPDATE, o);
	cmd.amount_minor = bill.total_minor;
	cmd.currency = o->tariff.currency;
	cmd.cost_native = native;
	rc = domain_command(d, &cmd);
	if (rc == GW_ESTORE || rc == GW_ENOMEM)
		return rc;
	if (rc != GW_OK && rc != GW_ENOTSUPP)
		return GW_OK; /* not connected here: next sweep */
	o->cost_sent_ms = c->now_ms;
	return store_order_update(d->st, o);
}

static int sweep_order(struct domain *d, const struct order_ctx *c, struct order_row *o)
{
	struct order_tl t;
	struct tx_row tx;
	int rc;

	if (o->state != ORDER_CHARGING && o->state != ORDER_STOPPING)
		return GW_OK;
	if ((rc = store_tx_get(d->st, o->tx_id, &tx)) != GW_OK)
		return rc == GW_ENOTFOUND ? GW_OK : rc;
	if (tx.state != TXS_OPEN)
		return GW_OK;
	rc = order_tl_build(d, o, &tx, c->now_ms, &t);
	if (rc != GW_OK)
		return rc == GW_ESTORE || rc == GW_ENOMEM ? rc : GW_OK;
	if ((rc = order_tl_add_others(d, o, &t)) != GW_OK) {
		order_tl_free(&t);
		return rc;
	}
	if ((rc = triggers(d, o, &t)) == GW_OK && (rc = silence_and_stop(d, c, o, &t)) == GW_OK)
		rc = cost_update(d, c, o, &t);
	order_tl_free(&t);
	return rc;
}

int domain_sweep(struct domain *d, int64_t now_ms)
{
	struct order_ctx c = {.src = NULL, .now_ms = now_ms};
	struct order_row rows[ORDERS_PAGE];
	int64_t after = 0;
	size_t n;
	int rc;

	if (!d)
		return GW_EINVAL;
	do {
		if ((rc = store_order_list_open(d->st, after, rows, ORDERS_PAGE, &n)) != GW_OK)
			return rc;
		for (size_t i = 0; i < n; i++) {
			after = rows[i].id;
			if ((rc = sweep_order(d, &c, &rows[i])) != GW_OK)
				return rc;
		}
	} while (n == ORDERS_PAGE);
	return refund_case_sla_sweep(d, now_ms);
}
