/* SPDX-License-Identifier: MIT
 *
 * order_timeline_build.c - store rows -> struct order_timeline (the input
 * of the billing window and every detector, domain/billing/timeline.h).
 *
 * What goes in:
 *   - the pile's transaction: start / stop stamps, meterStart / meterStop,
 *     stop reason (an orphan without a start starts at its first sample, or
 *     at its stop);
 *   - samples of the transaction, one tl_sample per instant: the phase
 *     total of Energy.Active.Import.Register, Power.Active.Import and
 *     Current.Import (the sum of the phases when the pile sent no total),
 *     locations "" and Outlet only;
 *   - the connector's status history from the state in force at the start
 *     to 10 min after the stop (open: to now); FAULTED reports of
 *     connector 0 (the whole pile) count as faults;
 *   - the commands we sent the pile around the session that concern it: a
 *     remote stop naming this transaction, TriggerMessage(MeterValues /
 *     StatusNotification / TransactionEvent), GetTransactionStatus; an
 *     Accepted answer dates the acceptance (server clock);
 *   - every stamp (pile time next to receive time) for CLOCK_SKEW and the
 *     offset; the other orders overlapping on the connector or the idTag
 *     (order_tl_add_others, only for those who run the detectors: the
 *     overlap query is the dearest read of a settlement and a free cancel
 *     or a running cost never looks at it);
 *   - the accepted sample interval (1.6 MeterValueSampleInterval, 2.0.1
 *     SampledDataCtrlr.TxUpdatedInterval, "Actual" device value).
 *
 * Clock offset (decision): offset = median(pile_ms - recv_ms) over the
 * session's stamps, applied (corrected = pile - offset) only when it is
 * more than anomaly.skew_future_ms in the future.  A pile clock behind ours
 * cannot be told apart from an offline upload (PROTOCOL.md 1.4: historical
 * stamps are normal), so stamps in the past are never moved; small
 * differences are left alone so a sloppy clock does not shift billing.
 * The median ignores a minority of replayed or bad stamps.
 *
 * Not yet known to the domain: the pile's offline spans (no connection
 * history in the store), so METER_SILENCE counts offline time as silence.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/gw_alloc.h"
#include "common/gw_err.h"
#include "common/gw_log.h"
#include "config.h"
#include "domain/order.h"

#define SAMPLES_MAX 65536
#define STATUS_MAX 8192
#define COMMANDS_MAX 512
#define OTHERS_MAX 16
#define AFTER_STOP_MS (10 * 60 * 1000LL)
#define BEFORE_START_MS (60 * 1000LL)

void order_tl_free(struct order_tl *t)
{
	if (!t)
		return;
	GW_FREE(t->status);
	GW_FREE(t->samples);
	GW_FREE(t->commands);
	GW_FREE(t->stamps);
	GW_FREE(t->others);
	GW_FREE(t->faults);
	memset(t, 0, sizeof(*t));
}

/* Append a stamp, growing the array; GW_OK or GW_ENOMEM. */
static int stamp_add(struct order_tl *t, size_t *cap, int64_t pile_ms, int64_t recv_ms)
{
	struct tl_stamp *grown;

	if (pile_ms <= 0 || recv_ms <= 0)
		return GW_OK;
	if (t->tl.n_stamps == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		if (!(grown = gw_realloc(t->stamps, *cap * sizeof(*grown))))
			return GW_ENOMEM;
		t->stamps = grown;
	}
	t->stamps[t->tl.n_stamps++] = (struct tl_stamp){pile_ms, recv_ms};
	t->tl.stamps = t->stamps;
	return GW_OK;
}

/* Sums of one instant, before they become a tl_sample. */
struct instant {
	double e_total, e_phases, p_total, p_phases, i_total, i_phases;
	unsigned have_total, have_phases;
	enum reading_ctx ctx;
	int have_ctx;
};

static void instant_add(struct instant *in, const struct meter_sample *m)
{
	int total = m->phase[0] == '\0';
	unsigned bit;
	double *sum;

	switch (m->measurand) {
	case MEAS_ENERGY_IMPORT_WH:
		bit = TL_HAVE_ENERGY;
		sum = total ? &in->e_total : &in->e_phases;
		if (!in->have_ctx || total) {
			in->ctx = m->context;
			in->have_ctx = 1;
		}
		break;
	case MEAS_POWER_IMPORT_W:
		bit = TL_HAVE_POWER;
		sum = total ? &in->p_total : &in->p_phases;
		break;
	case MEAS_CURRENT_IMPORT_A:
		bit = TL_HAVE_CURRENT;
		sum = total ? &in->i_total : &in->i_phases;
		break;
	default:
		return;
	}
	if (total) {
		*sum = m->value; /* a repeated total: the last one wins */
		in->have_total |= bit;
	} else {
		*sum += m->value;
		in->have_phases |= bit;
	}
}

static int64_t round_i64(double v)
{
	return (int64_t)(v < 0 ? v - 0.5 : v + 0.5);
}

static void instant_emit(const struct instant *in, int64_t at_ms, struct tl_sample *out)
{
	unsigned have = in->have_total | in->have_phases;

	memset(out, 0, sizeof(*out));
	out->at_ms = at_ms;
	out->have = have;
	out->context = in->have_ctx ? in->ctx : CTX_SAMPLE_PERIODIC;
	out->energy_wh = round_i64(in->have_total & TL_HAVE_ENERGY ? in->e_total : in->e_phases);
	out->power_w = round_i64(in->have_total & TL_HAVE_POWER ? in->p_total : in->p_phases);
	out->current_ma =
		round_i64((in->have_total & TL_HAVE_CURRENT ? in->i_total : in->i_phases) * 1000.0);
}

static int location_counts(const char *loc)
{
	return loc[0] == '\0' || strcasecmp(loc, "Outlet") == 0;
}

static int load_samples(struct domain *d, const struct tx_row *tx, struct order_tl *t,
			size_t *stamp_cap)
{
	struct sample_row *rows = NULL;
	struct instant in;
	size_t n = 0, k = 0;
	int rc;

	if ((rc = store_samples_by_tx(d->st, tx->id, SAMPLES_MAX, &rows, &n)) != GW_OK || n == 0)
		return rc;
	if (!(t->samples = gw_calloc(n, sizeof(*t->samples)))) {
		rc = GW_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n;) {
		int64_t at = rows[i].s.pile_ms;
		int64_t recv = rows[i].recv_ms;

		memset(&in, 0, sizeof(in));
		for (; i < n && rows[i].s.pile_ms == at; i++)
			if (location_counts(rows[i].s.location))
				instant_add(&in, &rows[i].s);
		if ((rc = stamp_add(t, stamp_cap, at, recv)) != GW_OK)
			goto out;
		if (!(in.have_total | in.have_phases))
			continue;
		instant_emit(&in, at, &t->samples[k++]);
	}
	t->tl.samples = t->samples;
	t->tl.n_samples = k;
out:
	gw_free(rows);
	return rc;
}

static int load_status(struct domain *d, const struct order_row *o, int64_t from_ms,
		       int64_t to_ms, struct order_tl *t, size_t *stamp_cap)
{
	struct status_hist_row *h = NULL;
	size_t n = 0, nf = 0;
	int rc;

	rc = store_connector_history_window(d->st, o->pile, o->evse_id, o->connector_id, from_ms,
					    to_ms, STATUS_MAX, &h, &n);
	if (rc != GW_OK)
		return rc;
	if (n && !(t->status = gw_calloc(n, sizeof(*t->status)))) {
		gw_free(h);
		return GW_ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		t->status[i] = (struct tl_status){h[i].pile_ms, h[i].state, h[i].plugged};
		if (h[i].pile_ms >= from_ms && (rc = stamp_add(t, stamp_cap, h[i].pile_ms,
							       h[i].recv_ms)) != GW_OK)
			break;
	}
	gw_free(h);
	h = NULL;
	t->tl.status = t->status;
	t->tl.n_status = n;
	if (rc != GW_OK || (o->evse_id == 0 && o->connector_id == 0))
		return rc;
	/* the whole pile faulted (1.6 connector 0) */
	if ((rc = store_connector_history_window(d->st, o->pile, 0, 0, from_ms, to_ms, STATUS_MAX,
						 &h, &n)) != GW_OK)
		return rc;
	if (n && !(t->faults = gw_calloc(n, sizeof(*t->faults)))) {
		gw_free(h);
		return GW_ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		if (h[i].state == CONN_FAULTED && h[i].pile_ms >= from_ms)
			t->faults[nf++] = h[i].pile_ms;
	gw_free(h);
	t->tl.faults_ms = t->faults;
	t->tl.n_faults = nf;
	return GW_OK;
}

/* 1 when payload (a frame text) names "transactionId" as our tx. */
static int names_tx(const char *payload, const struct tx_row *tx)
{
	const char *p = strstr(payload, "\"transactionId\"");
	char want[VOCAB_PILE_TX_MAX + 4];

	if (!p)
		return 0;
	p += strlen("\"transactionId\"");
	while (*p == ' ' || *p == ':')
		p++;
	if (tx->pile_tx_id[0]) {
		size_t len = strlen(tx->pile_tx_id);

		return *p == '"' && strncmp(p + 1, tx->pile_tx_id, len) == 0 && p[1 + len] == '"';
	}
	snprintf(want, sizeof(want), "%lld", (long long)tx->id);
	return strncmp(p, want, strlen(want)) == 0 &&
	       !(p[strlen(want)] >= '0' && p[strlen(want)] <= '9');
}

/* The timeline kind of a command, or -1 when it does not concern tx. */
static int command_kind(const struct command_row *c, const struct tx_row *tx)
{
	if (!strcmp(c->action, "RemoteStopTransaction") || !strcmp(c->action, "RequestStopTransaction"))
		return names_tx(c->payload, tx) ? TL_CMD_REMOTE_STOP : -1;
	if (!strcmp(c->action, "TriggerMessage")) {
		if (strstr(c->payload, "\"MeterValues\""))
			return TL_CMD_TRIGGER_METER;
		if (strstr(c->payload, "\"StatusNotification\"") ||
		    strstr(c->payload, "\"TransactionEvent\""))
			return TL_CMD_TRIGGER_STATUS;
		return -1;
	}
	if (!strcmp(c->action, "GetTransactionStatus"))
		return TL_CMD_TRIGGER_STATUS;
	return -1;
}

static int cmp_cmd(const void *a, const void *b)
{
	const struct tl_command *x = a, *y = b;

	return x->sent_ms < y->sent_ms ? -1 : x->sent_ms > y->sent_ms;
}

static int load_commands(struct domain *d, const struct order_row *o, const struct tx_row *tx,
			 int64_t now_ms, struct order_tl *t)
{
	struct command_row *c = NULL;
	int64_t from = (tx->start_recv_ms ? tx->start_recv_ms : o->created_ms) - BEFORE_START_MS;
	int64_t to = (tx->state == TXS_ENDED ? tx->stop_recv_ms : now_ms) + AFTER_STOP_MS;
	size_t n = 0, k = 0;
	int rc;

	if ((rc = store_commands_window(d->st, o->pile, from, to, COMMANDS_MAX, &c, &n)) != GW_OK ||
	    n == 0)
		return rc;
	if (!(t->commands = gw_calloc(n, sizeof(*t->commands)))) {
		gw_free(c);
		return GW_ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		int kind = command_kind(&c[i], tx);

		if (kind < 0)
			continue;
		t->commands[k++] = (struct tl_command){
			.kind = (enum tl_command_kind)kind,
			.sent_ms = c[i].sent_ms,
			.accepted_ms = c[i].outcome == CMD_ACCEPTED ? c[i].done_ms : 0,
		};
	}
	gw_free(c);
	qsort(t->commands, k, sizeof(*t->commands), cmp_cmd);
	t->tl.commands = t->commands;
	t->tl.n_commands = k;
	return GW_OK;
}

int order_tl_add_others(struct domain *d, const struct order_row *o, struct order_tl *t)
{
	struct order_row *rows;
	size_t n = 0;
	int rc;

	if (!(rows = gw_calloc(OTHERS_MAX, sizeof(*rows))))
		return GW_ENOMEM;
	if ((rc = store_order_list_overlap(d->st, o, rows, OTHERS_MAX, &n)) == GW_OK && n &&
	    !(t->others = gw_calloc(n, sizeof(*t->others))))
		rc = GW_ENOMEM;
	for (size_t i = 0; rc == GW_OK && i < n; i++) {
		int same_conn = !strcmp(rows[i].pile, o->pile) && rows[i].evse_id == o->evse_id &&
				rows[i].connector_id == o->connector_id;

		t->others[i] = (struct tl_other_order){
			.order_id = rows[i].id,
			.same_connector = same_conn,
			.same_token = !same_conn && o->id_token[0] &&
				      !strcmp(rows[i].id_token, o->id_token),
			.start_ms = rows[i].started_ms,
			.end_ms = rows[i].ended_ms,
		};
	}
	gw_free(rows);
	t->tl.others = t->others;
	t->tl.n_others = rc == GW_OK ? n : 0;
	return rc;
}

/* The accepted sample interval (s) of the pile, 0 if none. */
static int64_t sample_interval(struct domain *d, const char *pile, int v201)
{
	struct device_var v;

	memset(&v, 0, sizeof(v));
	snprintf(v.component, sizeof(v.component), "%s", v201 ? "SampledDataCtrlr" : "");
	snprintf(v.variable, sizeof(v.variable), "%s",
		 v201 ? "TxUpdatedInterval" : "MeterValueSampleInterval");
	snprintf(v.attribute, sizeof(v.attribute), "Actual");
	v.evse_id = -1;
	v.connector_id = -1;
	if (store_device_var_get(d->st, pile, &v) != GW_OK)
		return 0;
	return strtoll(v.value, NULL, 10) > 0 ? strtoll(v.value, NULL, 10) : 0;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* The offset rule of the file header; 0 when none applies. */
static int64_t clock_offset(const struct order_tl *t, int64_t skew_future_ms)
{
	int64_t *d, med;
	size_t n = t->tl.n_stamps;

	if (n == 0 || !(d = gw_calloc(n, sizeof(*d))))
		return 0;
	for (size_t i = 0; i < n; i++)
		d[i] = t->stamps[i].pile_ms - t->stamps[i].recv_ms;
	qsort(d, n, sizeof(*d), cmp_i64);
	med = n % 2 ? d[n / 2] : d[n / 2 - 1] + (d[n / 2] - d[n / 2 - 1]) / 2;
	gw_free(d);
	return med > skew_future_ms ? med : 0;
}

static void apply_offset(struct order_tl *t, int64_t off)
{
	struct order_timeline *tl = &t->tl;

	tl->clock_offset_ms = off;
	if (!off)
		return;
	tl->tx_start_ms -= off;
	if (tl->have_stop)
		tl->tx_stop_ms -= off;
	for (size_t i = 0; i < tl->n_status; i++)
		t->status[i].at_ms -= off;
	for (size_t i = 0; i < tl->n_samples; i++)
		t->samples[i].at_ms -= off;
	for (size_t i = 0; i < tl->n_faults; i++)
		t->faults[i] -= off;
}

/* An open order is judged up to "now" - on the pile's clock, since every
 * other time in the timeline is the pile's.  A session replayed from an
 * offline queue has stamps far behind our clock; measured against our now
 * it would look silent since its last replayed sample (METER_SILENCE on an
 * upload).  Pile now = our now + (pile - receive) of its freshest stamp
 * (the greatest pile time: the replay's position), corrected like the
 * other stamps. */
static void pile_now(struct order_tl *t)
{
	struct order_timeline *tl = &t->tl;
	const struct tl_stamp *last = NULL;

	if (tl->have_stop)
		return;
	for (size_t i = 0; i < tl->n_stamps; i++)
		if (t->stamps[i].pile_ms && (!last || t->stamps[i].pile_ms > last->pile_ms))
			last = &t->stamps[i];
	if (last && last->pile_ms < last->recv_ms) {
		int64_t fresh = last->pile_ms - tl->clock_offset_ms;
		/* never before the freshest fact itself: it must stay inside */
		tl->now_ms += last->pile_ms - last->recv_ms - tl->clock_offset_ms;
		if (tl->now_ms <= fresh)
			tl->now_ms = fresh + 1;
	}
}

/* The transaction part of the timeline. */
static void tx_part(const struct tx_row *tx, struct order_tl *t)
{
	struct order_timeline *tl = &t->tl;

	tl->tx_start_ms = tx->start_pile_ms;
	if (!tl->tx_start_ms) /* orphan: the first thing we know of it */
		tl->tx_start_ms = tl->n_samples ? t->samples[0].at_ms : tx->stop_pile_ms;
	tl->have_meter_start = tx->have_meter_start;
	tl->meter_start_wh = tx->meter_start_wh;
	tl->have_stop = tx->state == TXS_ENDED;
	tl->tx_stop_ms = tx->stop_pile_ms;
	tl->have_meter_stop = tx->have_meter_stop;
	tl->meter_stop_wh = tx->meter_stop_wh;
	memcpy(tl->stop_reason, tx->stop_reason, sizeof(tl->stop_reason));
	if (tl->have_stop && tl->tx_stop_ms < tl->tx_start_ms) {
		/* accept, then flag: a stop stamped before its start is judged as
		 * a zero-length session rather than refused */
		gw_log(GW_LOG_WARN, "cp=%s tx=%lld stop stamped before its start", tx->pile,
		       (long long)tx->id);
		tl->tx_stop_ms = tl->tx_start_ms;
	}
}

int order_tl_build(struct domain *d, const struct order_row *o, const struct tx_row *tx,
		   int64_t now_ms, struct order_tl *t)
{
	size_t stamp_cap = 0;
	int64_t from, to;
	int rc;

	memset(t, 0, sizeof(*t));
	t->tl.order_id = o->id;
	t->tl.now_ms = now_ms;
	t->tl.current = o->dc ? TL_CURRENT_DC : TL_CURRENT_AC;
	t->tl.p_max_w = o->p_max_w;
	t->tl.sample_interval_s = sample_interval(d, o->pile, o->pile_tx_id[0] != '\0');
	if (t->tl.sample_interval_s)
		t->tl.cfg |= TL_CFG_SAMPLE_INTERVAL;
	if ((rc = load_samples(d, tx, t, &stamp_cap)) != GW_OK)
		goto fail;
	tx_part(tx, t);
	from = t->tl.tx_start_ms;
	to = t->tl.have_stop ? t->tl.tx_stop_ms + AFTER_STOP_MS : INT64_MAX;
	if ((rc = load_status(d, o, from, to, t, &stamp_cap)) != GW_OK ||
	    (rc = stamp_add(t, &stamp_cap, tx->start_pile_ms, tx->start_recv_ms)) != GW_OK ||
	    (rc = stamp_add(t, &stamp_cap, tx->stop_pile_ms, tx->stop_recv_ms)) != GW_OK ||
	    (rc = load_commands(d, o, tx, now_ms, t)) != GW_OK)
		goto fail;
	apply_offset(t, clock_offset(t, d->cfg->anomaly.skew_future_ms));
	pile_now(t);
	if (order_timeline_check(&t->tl) != GW_OK) {
		rc = GW_EINVAL;
		goto fail;
	}
	return GW_OK;
fail:
	order_tl_free(t);
	return rc;
}
