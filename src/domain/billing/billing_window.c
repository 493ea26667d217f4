/* SPDX-License-Identifier: MIT
 *
 * billing_window.c - bill_start / bill_end, the billed and the re-rated
 * amounts (definitions in billing_window.h).
 *
 * Both amounts go through tariff_price(); this file only decides which
 * window, which readings and which exclusions.  Scratch arrays (readings
 * with the pile's meterStart / meterStop merged in, states) are allocated
 * per call and freed before returning.
 */
#include "common/gw_alloc.h"
#include "common/gw_err.h"
#include "domain/billing/billing_int.h"
#include "domain/billing/billing_window.h"

int billing_window(const struct order_timeline *tl, const struct anomaly_thresholds *th,
		   struct billing_window *out)
{
	int64_t from, end, at;
	enum billing_end_cause cause;

	if (order_timeline_check(tl) != GW_OK || !th || !out)
		return GW_EINVAL;
	from = tl->auth_ms > 0 ? tl->auth_ms : tl->tx_start_ms;
	end = order_timeline_tx_end(tl);
	cause = tl->have_stop ? BILLING_END_MESSAGE : BILLING_END_OPEN;
	if (order_timeline_stop_accepted(tl, from, &at) && at + th->stop_grace_ms < end) {
		end = at + th->stop_grace_ms;
		cause = BILLING_END_REMOTE_STOP;
	}
	out->has_plug = order_timeline_plug_start(tl, from, end, th->flow_current_ma,
						  th->flow_power_w, &out->start_ms);
	if (!out->has_plug) {
		out->start_ms = out->end_ms = end;
		out->end_cause = cause;
		return GW_OK;
	}
	if (order_timeline_first_fault(tl, out->start_ms, &at) && at < end) {
		end = at;
		cause = BILLING_END_FAULT;
	}
	if (order_timeline_unplug_after(tl, out->start_ms, end, &at)) {
		end = at;
		cause = BILLING_END_UNPLUG;
	}
	out->end_ms = billing_max64(end, out->start_ms);
	out->end_cause = cause;
	return GW_OK;
}

/* Readings for pricing: the energy samples, within [lo_ms, hi_ms] when
 * clip, plus meterStart at tx start and meterStop at tx stop; an anchor
 * goes after samples of the same instant so that it wins. */
static int readings_build(const struct order_timeline *tl, int clip, int64_t lo_ms, int64_t hi_ms,
			  struct tariff_reading **out, size_t *n_out)
{
	struct tariff_reading anchor[2];
	size_t n_anchor = 0, n = 0, a = 0;
	struct tariff_reading *r;

	if (tl->have_meter_start)
		anchor[n_anchor++] = (struct tariff_reading){tl->tx_start_ms, tl->meter_start_wh};
	if (tl->have_stop && tl->have_meter_stop)
		anchor[n_anchor++] = (struct tariff_reading){tl->tx_stop_ms, tl->meter_stop_wh};
	*out = NULL;
	*n_out = 0;
	if (!(r = gw_calloc(tl->n_samples + n_anchor, sizeof(*r))))
		return GW_ENOMEM;
	for (size_t i = 0; i < tl->n_samples; i++) {
		const struct tl_sample *s = &tl->samples[i];

		if (!(s->have & TL_HAVE_ENERGY))
			continue;
		/* the pile's own start / stop numbers stand for their instants */
		if (clip && (s->at_ms < lo_ms || s->at_ms > hi_ms ||
			     (tl->have_meter_start && s->at_ms == lo_ms) ||
			     (tl->have_stop && tl->have_meter_stop && s->at_ms == hi_ms)))
			continue;
		while (a < n_anchor && anchor[a].at_ms < s->at_ms)
			r[n++] = anchor[a++];
		r[n++] = (struct tariff_reading){s->at_ms, s->energy_wh};
	}
	while (a < n_anchor)
		r[n++] = anchor[a++];
	if (n == 0)
		GW_FREE(r);
	*out = r;
	*n_out = n;
	return GW_OK;
}

int billing_billed_readings(const struct order_timeline *tl, struct tariff_reading **out,
			    size_t *n)
{
	return readings_build(tl, 1, tl->tx_start_ms, order_timeline_tx_end(tl), out, n);
}

/* The states of tl that carry a state (plug-only reports skipped). */
static int states_build(const struct order_timeline *tl, struct tariff_state **out, size_t *n_out)
{
	size_t n = 0;
	struct tariff_state *s;

	*out = NULL;
	*n_out = 0;
	if (!(s = gw_calloc(tl->n_status, sizeof(*s))))
		return GW_ENOMEM;
	for (size_t i = 0; i < tl->n_status; i++)
		if (tl->status[i].state != CONN_UNKNOWN)
			s[n++] = (struct tariff_state){tl->status[i].at_ms, tl->status[i].state};
	*out = s;
	*n_out = n;
	return GW_OK;
}

/* Price [from_ms, to_ms) of tl with readings clipped or not. */
static int price(const struct order_timeline *tl, const struct tariff *t, int clip,
		 int64_t from_ms, int64_t to_ms, const struct tariff_exclusion *excl, size_t n_excl,
		 struct tariff_bill *out)
{
	struct tariff_reading *r = NULL;
	struct tariff_state *s = NULL;
	struct tariff_usage u = {.from_ms = from_ms, .to_ms = to_ms, .excl = excl, .n_excl = n_excl};
	int rc;

	if ((rc = readings_build(tl, clip, tl->tx_start_ms, order_timeline_tx_end(tl), &r,
				 &u.n_readings)) != GW_OK)
		goto out;
	if ((rc = states_build(tl, &s, &u.n_states)) != GW_OK)
		goto out;
	u.readings = r;
	u.states = s;
	rc = tariff_price(t, &u, out);
out:
	GW_FREE(s);
	GW_FREE(r);
	return rc;
}

int billing_billed(const struct order_timeline *tl, const struct tariff *t,
		   const struct tariff_exclusion *excl, size_t n_excl, struct tariff_bill *out)
{
	if (order_timeline_check(tl) != GW_OK || (n_excl && !excl))
		return GW_EINVAL;
	return price(tl, t, 1, tl->tx_start_ms, order_timeline_tx_end(tl), excl, n_excl, out);
}

int billing_rerated(const struct order_timeline *tl, const struct anomaly_thresholds *th,
		    const struct tariff *t, const struct anomaly_finding *findings, size_t n,
		    struct tariff_bill *out)
{
	struct billing_window w;
	struct tariff_exclusion *ex = NULL;
	size_t n_ex = 0;
	int rc;

	if ((rc = billing_window(tl, th, &w)) != GW_OK || (n && !findings))
		return GW_EINVAL;
	for (size_t i = 0; i < n; i++)
		n_ex += findings[i].n_excl;
	if (n_ex && !(ex = gw_calloc(n_ex, sizeof(*ex))))
		return GW_ENOMEM;
	n_ex = 0;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < findings[i].n_excl; j++)
			ex[n_ex++] = findings[i].excl[j];
	rc = price(tl, t, 0, w.start_ms, w.end_ms, ex, n_ex, out);
	GW_FREE(ex);
	return rc;
}
