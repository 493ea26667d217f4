/* SPDX-License-Identifier: MIT
 *
 * status.c - StatusNotification (2.0.1 use case G01) -> struct status_report.
 *
 * 2.0.1 ConnectorStatus has five words; the finer states of DESIGN.md
 * (charging, suspended, finishing) come from TransactionEvent.chargingState
 * (transaction.c).  Occupied is plug evidence (DESIGN.md, anomaly section)
 * and reads PREPARING until a TransactionEvent refines it; Available means
 * nothing is plugged.  Reserved, Unavailable and Faulted say nothing about
 * the cable.
 */
#include <string.h>

#include "common/gw_err.h"
#include "common/gw_json.h"
#include "ocpp201/v201.h"

struct status_row {
	const char *word;
	enum conn_state state;
	enum plug_evidence plugged;
};

static const struct status_row status_rows[] = {
	{"Available", CONN_AVAILABLE, PLUG_NO},
	{"Faulted", CONN_FAULTED, PLUG_UNKNOWN},
	{"Occupied", CONN_PREPARING, PLUG_YES},
	{"Reserved", CONN_RESERVED, PLUG_UNKNOWN},
	{"Unavailable", CONN_UNAVAILABLE, PLUG_UNKNOWN},
};

static const struct status_row *status_row(const char *word)
{
	for (size_t i = 0; word && i < V201_NWORDS(status_rows); i++)
		if (!strcmp(status_rows[i].word, word))
			return &status_rows[i];
	return NULL;
}

int v201_status_notification(struct action_ctx *ctx, struct json_object *req)
{
	const char *word = gw_json_get_str(req, "connectorStatus", NULL);
	const struct status_row *row = status_row(word);
	struct status_report st = {0};
	int rc;

	if (!row) /* the schema's enum let it through: our table is short */
		return GW_ECONSTRAINT;
	st.state = row->state;
	st.plugged = row->plugged;
	v201_copy(st.raw_status, sizeof(st.raw_status), word);
	if ((rc = v201_get_int(req, "evseId", 0, &st.evse_id)) ||
	    (rc = v201_get_int(req, "connectorId", 0, &st.connector_id)) ||
	    (rc = v201_get_time(req, "timestamp", &st.pile_ms)) ||
	    (rc = domain_status(ctx->domain, &ctx->src, &st)))
		return rc;
	return v201_respond_empty(ctx);
}
