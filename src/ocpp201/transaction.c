/* SPDX-License-Identifier: MIT
 *
 * transaction.c - TransactionEvent (2.0.1 block E) -> struct tx_event.
 *
 * The connector state of DESIGN.md comes from chargingState, refined by the
 * event kind and the trigger:
 *   Charging -> CHARGING, SuspendedEV/EVSE -> SUSPENDED_EV/EVSE,
 *   EVConnected -> PREPARING (FINISHING on Ended: stopped, cable still in),
 *   Idle -> AVAILABLE after an unplug (EVCommunicationLost, EVDeparted) or
 *           on Ended, else PREPARING (authorized, waiting for the cable).
 * Plug evidence: chargingState other than Idle = YES, Idle = NO; the trigger
 * is the freshest fact and wins: CablePluggedIn/EVDetected = YES,
 * EVCommunicationLost/EVDeparted = NO.
 *
 * The 2.0.1 register at Transaction.Begin (Started) / Transaction.End
 * (Ended) is copied to meter_wh, the 1.6 meterStart/meterStop equivalent,
 * so the domain bills both versions the same way.
 *
 * Never refused for what it says (PROTOCOL.md 1.4): duplicates, unknown
 * transactions and odd numbers are the domain's to accept and flag.
 */
#include <math.h>
#include <string.h>

#include "common/gw_alloc.h"
#include "common/gw_err.h"
#include "common/gw_json.h"
#include "ocpp201/v201.h"

static const struct v201_word kind_words[] = {
	{"Started", TX_STARTED},
	{"Updated", TX_UPDATED},
	{"Ended", TX_ENDED},
};

static const struct v201_word state_words[] = {
	{"Charging", CONN_CHARGING},	     {"EVConnected", CONN_PREPARING},
	{"SuspendedEV", CONN_SUSPENDED_EV}, {"SuspendedEVSE", CONN_SUSPENDED_EVSE},
	{"Idle", CONN_AVAILABLE},
};

static const struct v201_word trigger_plug[] = {
	{"CablePluggedIn", PLUG_YES},
	{"EVDetected", PLUG_YES},
	{"EVCommunicationLost", PLUG_NO},
	{"EVDeparted", PLUG_NO},
};

/* charging_state + plugged from chargingState, kind and trigger (above). */
static void tx_state(struct tx_event *ev, const char *charging_state)
{
	int trig = v201_word_find(trigger_plug, V201_NWORDS(trigger_plug), ev->trigger, PLUG_UNKNOWN);
	int idle = charging_state && !strcmp(charging_state, "Idle");

	ev->charging_state = (enum conn_state)v201_word_find(state_words, V201_NWORDS(state_words),
							      charging_state, CONN_UNKNOWN);
	ev->plugged = !charging_state ? PLUG_UNKNOWN : idle ? PLUG_NO : PLUG_YES;
	if (trig != PLUG_UNKNOWN)
		ev->plugged = (enum plug_evidence)trig;
	if (idle && trig != PLUG_NO && ev->kind != TX_ENDED)
		ev->charging_state = CONN_PREPARING;
	if (ev->kind == TX_ENDED && ev->charging_state == CONN_PREPARING)
		ev->charging_state = CONN_FINISHING;
}

/* meterStart / meterStop equivalent from the attached samples. */
static void tx_meter(struct tx_event *ev)
{
	enum reading_ctx want = ev->kind == TX_STARTED ? CTX_TX_BEGIN : CTX_TX_END;

	if (ev->kind == TX_UPDATED)
		return;
	for (size_t i = 0; i < ev->n_samples; i++) {
		const struct meter_sample *s = &ev->samples[i];

		if (s->measurand == MEAS_ENERGY_IMPORT_WH && s->context == want && !s->phase[0]) {
			ev->have_meter = 1;
			ev->meter_wh = llround(s->value);
			return;
		}
	}
}

/* Everything but the samples' storage. */
static int tx_translate(struct json_object *req, struct tx_event *ev)
{
	struct json_object *info = v201_obj(req, "transactionInfo");
	int64_t seq = 0;
	int rc;

	ev->kind = (enum tx_event_kind)v201_word_find(kind_words, V201_NWORDS(kind_words),
						      gw_json_get_str(req, "eventType", NULL), TX_UPDATED);
	ev->seq_no = gw_json_get_int64(req, "seqNo", &seq) == GW_OK ? seq : 0;
	ev->offline = v201_get_flag(req, "offline", 0);
	v201_copy(ev->pile_tx_id, sizeof(ev->pile_tx_id), gw_json_get_str(info, "transactionId", NULL));
	v201_copy(ev->trigger, sizeof(ev->trigger), gw_json_get_str(req, "triggerReason", NULL));
	v201_copy(ev->stop_reason, sizeof(ev->stop_reason), gw_json_get_str(info, "stoppedReason", NULL));
	v201_id_token(v201_obj(req, "idToken"), ev->id_token, ev->id_token_type);
	tx_state(ev, gw_json_get_str(info, "chargingState", NULL));
	if ((rc = v201_evse(v201_obj(req, "evse"), &ev->evse_id, &ev->connector_id)) ||
	    (rc = v201_get_int(req, "reservationId", -1, &ev->reservation_id)) ||
	    (rc = v201_get_int(info, "remoteStartId", -1, &ev->remote_start_id)))
		return rc;
	return v201_get_time(req, "timestamp", &ev->pile_ms);
}

static int tx_respond(struct action_ctx *ctx, int has_token, const struct tx_result *res)
{
	struct json_object *resp = json_object_new_object();
	int rc = GW_OK;

	if (res->have_cost)
		v201_put(&rc, resp, "totalCost", v201_cost_json(res->total_cost_minor, res->currency));
	/* E: idTokenInfo answers every event that carried an idToken */
	if (has_token)
		v201_put(&rc, resp, "idTokenInfo", v201_id_token_info(&res->auth));
	return v201_respond(ctx, resp, rc);
}

int v201_transaction_event(struct action_ctx *ctx, struct json_object *req)
{
	struct tx_event ev = {0};
	struct tx_result res = {0};
	struct meter_sample *s = NULL;
	size_t n = 0;
	int rc;

	if ((rc = tx_translate(req, &ev)) ||
	    (rc = v201_samples(v201_arr(req, "meterValue"), ev.evse_id, ev.connector_id, &s, &n)))
		return rc;
	ev.tx_id = 0; /* 2.0.1: the pile's string id is the key */
	ev.samples = s;
	ev.n_samples = n;
	tx_meter(&ev);
	rc = domain_tx_event(ctx->domain, &ctx->src, &ev, &res);
	gw_free(s);
	return rc ? rc : tx_respond(ctx, v201_obj(req, "idToken") != NULL, &res);
}
