/* SPDX-License-Identifier: MIT
 *
 * timeline.c - reading an order timeline: states, plug evidence, unplug,
 * faults and accepted stops.  The questions every detector and the billing
 * window ask, answered once so that they all agree.
 */
#include <strings.h>

#include "common/gw_err.h"
#include "domain/billing/timeline.h"

#define SORTED(arr, n, field)                                        \
	do {                                                         \
		if ((n) && !(arr))                                   \
			return GW_EINVAL;                            \
		for (size_t i_ = 1; i_ < (n); i_++)                  \
			if ((arr)[i_].field < (arr)[i_ - 1].field)   \
				return GW_EINVAL;                    \
	} while (0)

int order_timeline_check(const struct order_timeline *tl)
{
	if (!tl)
		return GW_EINVAL;
	SORTED(tl->status, tl->n_status, at_ms);
	SORTED(tl->samples, tl->n_samples, at_ms);
	SORTED(tl->commands, tl->n_commands, sent_ms);
	if ((tl->n_faults && !tl->faults_ms) || (tl->n_offline && !tl->offline) ||
	    (tl->n_stamps && !tl->stamps) || (tl->n_others && !tl->others))
		return GW_EINVAL;
	if (tl->have_stop && tl->tx_stop_ms < tl->tx_start_ms)
		return GW_EINVAL;
	return GW_OK;
}

int64_t order_timeline_tx_end(const struct order_timeline *tl)
{
	if (tl->have_stop)
		return tl->tx_stop_ms;
	return tl->now_ms > tl->tx_start_ms ? tl->now_ms : tl->tx_start_ms;
}

enum conn_state order_timeline_state_at(const struct order_timeline *tl, int64_t at_ms)
{
	enum conn_state s = CONN_UNKNOWN;

	for (size_t i = 0; i < tl->n_status && tl->status[i].at_ms <= at_ms; i++)
		if (tl->status[i].state != CONN_UNKNOWN)
			s = tl->status[i].state;
	return s;
}

enum plug_evidence order_timeline_status_plug(const struct tl_status *s)
{
	if (s->plugged != PLUG_UNKNOWN)
		return s->plugged;
	switch (s->state) {
	case CONN_CHARGING:
	case CONN_SUSPENDED_EV:
	case CONN_SUSPENDED_EVSE: return PLUG_YES;
	case CONN_AVAILABLE: return PLUG_NO;
	default: return PLUG_UNKNOWN;
	}
}

int order_timeline_sample_flows(const struct tl_sample *s, int64_t flow_current_ma,
				int64_t flow_power_w)
{
	return ((s->have & TL_HAVE_CURRENT) && s->current_ma >= flow_current_ma) ||
	       ((s->have & TL_HAVE_POWER) && s->power_w >= flow_power_w);
}

int order_timeline_plug_start(const struct order_timeline *tl, int64_t from_ms, int64_t to_ms,
			      int64_t flow_current_ma, int64_t flow_power_w, int64_t *at_ms)
{
	enum plug_evidence known = PLUG_UNKNOWN;
	int found = 0;
	int64_t best = to_ms;

	for (size_t i = 0; i < tl->n_status && tl->status[i].at_ms <= from_ms; i++) {
		enum plug_evidence e = order_timeline_status_plug(&tl->status[i]);

		if (e != PLUG_UNKNOWN)
			known = e;
	}
	if (known == PLUG_YES && from_ms < to_ms) {
		*at_ms = from_ms;
		return 1;
	}
	for (size_t i = 0; i < tl->n_status; i++) {
		const struct tl_status *s = &tl->status[i];

		if (s->at_ms > from_ms && s->at_ms < best &&
		    order_timeline_status_plug(s) == PLUG_YES) {
			best = s->at_ms;
			found = 1;
			break;
		}
	}
	for (size_t i = 0; i < tl->n_samples; i++) {
		const struct tl_sample *s = &tl->samples[i];

		if (s->at_ms >= from_ms && s->at_ms < best &&
		    order_timeline_sample_flows(s, flow_current_ma, flow_power_w)) {
			best = s->at_ms;
			found = 1;
			break;
		}
	}
	if (found)
		*at_ms = best;
	return found;
}

int order_timeline_unplug_after(const struct order_timeline *tl, int64_t from_ms, int64_t to_ms,
				int64_t *at_ms)
{
	for (size_t i = 0; i < tl->n_status; i++) {
		const struct tl_status *s = &tl->status[i];

		if (s->at_ms > from_ms && s->at_ms < to_ms &&
		    order_timeline_status_plug(s) == PLUG_NO) {
			*at_ms = s->at_ms;
			return 1;
		}
	}
	return 0;
}

int order_timeline_fault_reason(const char *stop_reason)
{
	static const char *const fault_reasons[] = {"EmergencyStop", "PowerLoss", "GroundFault",
						    "OvercurrentFault", "PowerQuality"};

	for (size_t i = 0; i < sizeof(fault_reasons) / sizeof(fault_reasons[0]); i++)
		if (strcasecmp(stop_reason, fault_reasons[i]) == 0)
			return 1;
	return 0;
}

/* The last status or sample strictly before before_ms and at or after
 * from_ms; from_ms if none. */
static int64_t last_sign_of_life(const struct order_timeline *tl, int64_t from_ms,
				 int64_t before_ms)
{
	int64_t last = from_ms;

	for (size_t i = 0; i < tl->n_status; i++)
		if (tl->status[i].at_ms < before_ms && tl->status[i].at_ms > last)
			last = tl->status[i].at_ms;
	for (size_t i = 0; i < tl->n_samples; i++)
		if (tl->samples[i].at_ms < before_ms && tl->samples[i].at_ms > last)
			last = tl->samples[i].at_ms;
	return last;
}

int order_timeline_first_fault(const struct order_timeline *tl, int64_t from_ms, int64_t *at_ms)
{
	int found = 0;
	int64_t best = INT64_MAX;

	for (size_t i = 0; i < tl->n_status; i++) {
		if (tl->status[i].state == CONN_FAULTED && tl->status[i].at_ms >= from_ms) {
			best = tl->status[i].at_ms;
			found = 1;
			break;
		}
	}
	for (size_t i = 0; i < tl->n_faults; i++) {
		if (tl->faults_ms[i] >= from_ms && tl->faults_ms[i] < best) {
			best = tl->faults_ms[i];
			found = 1;
		}
	}
	if (tl->have_stop && tl->tx_stop_ms >= from_ms && order_timeline_fault_reason(tl->stop_reason)) {
		int64_t t = last_sign_of_life(tl, from_ms, tl->tx_stop_ms);

		if (t < best) {
			best = t;
			found = 1;
		}
	}
	if (found)
		*at_ms = best;
	return found;
}

int order_timeline_stop_accepted(const struct order_timeline *tl, int64_t from_ms,
				 int64_t *accepted_ms)
{
	int found = 0;

	for (size_t i = 0; i < tl->n_commands; i++) {
		const struct tl_command *c = &tl->commands[i];

		if (c->kind == TL_CMD_REMOTE_STOP && c->accepted_ms > 0 && c->accepted_ms >= from_ms &&
		    (!found || c->accepted_ms < *accepted_ms)) {
			*accepted_ms = c->accepted_ms;
			found = 1;
		}
	}
	return found;
}
