/* SPDX-License-Identifier: MIT
 *
 * store_names.c - the spellings of vocab.h enums in text columns.
 *
 * These strings are part of the on-disk format: change one only with a
 * migration.  Parsing an unknown word gives the family's "unknown/other"
 * value, never an out-of-range enum.
 */
#include <string.h>

#include "common/gw_err.h"
#include "store/store_sqlite_int.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char *const reg_names[] = {
	[REG_ACCEPTED] = "Accepted",
	[REG_PENDING] = "Pending",
	[REG_REJECTED] = "Rejected",
};

static const char *const conn_names[] = {
	[CONN_UNKNOWN] = "UNKNOWN",
	[CONN_AVAILABLE] = "AVAILABLE",
	[CONN_PREPARING] = "PREPARING",
	[CONN_CHARGING] = "CHARGING",
	[CONN_SUSPENDED_EV] = "SUSPENDED_EV",
	[CONN_SUSPENDED_EVSE] = "SUSPENDED_EVSE",
	[CONN_FINISHING] = "FINISHING",
	[CONN_RESERVED] = "RESERVED",
	[CONN_UNAVAILABLE] = "UNAVAILABLE",
	[CONN_FAULTED] = "FAULTED",
};

static const char *const auth_names[] = {
	[AUTH_ACCEPTED] = "Accepted",
	[AUTH_BLOCKED] = "Blocked",
	[AUTH_EXPIRED] = "Expired",
	[AUTH_INVALID] = "Invalid",
	[AUTH_CONCURRENT_TX] = "ConcurrentTx",
	[AUTH_UNKNOWN] = "Unknown",
	[AUTH_NO_CREDIT] = "NoCredit",
};

static const char *const meas_names[] = {
	[MEAS_ENERGY_IMPORT_WH] = "ENERGY_IMPORT_WH",
	[MEAS_POWER_IMPORT_W] = "POWER_IMPORT_W",
	[MEAS_CURRENT_IMPORT_A] = "CURRENT_IMPORT_A",
	[MEAS_SOC_PCT] = "SOC_PCT",
	[MEAS_VOLTAGE_V] = "VOLTAGE_V",
	[MEAS_POWER_OFFERED_W] = "POWER_OFFERED_W",
	[MEAS_OTHER] = "OTHER",
};

static const char *const ctx_names[] = {
	[CTX_SAMPLE_PERIODIC] = "Sample.Periodic",
	[CTX_SAMPLE_CLOCK] = "Sample.Clock",
	[CTX_TX_BEGIN] = "Transaction.Begin",
	[CTX_TX_END] = "Transaction.End",
	[CTX_TRIGGER] = "Trigger",
	[CTX_INTERRUPTION_BEGIN] = "Interruption.Begin",
	[CTX_INTERRUPTION_END] = "Interruption.End",
	[CTX_OTHER] = "Other",
};

static const char *const kind_names[] = {
	[TX_STARTED] = "started",
	[TX_UPDATED] = "updated",
	[TX_ENDED] = "ended",
};

static const char *const cmd_names[] = {
	[CMD_PENDING] = "PENDING",
	[CMD_ACCEPTED] = "ACCEPTED",
	[CMD_REJECTED] = "REJECTED",
	[CMD_ERROR] = "ERROR",
	[CMD_TIMEOUT] = "TIMEOUT",
	[CMD_CLOSED] = "CLOSED",
};

static const char *name_of(const char *const *names, size_t n, int v, const char *dflt)
{
	return v >= 0 && (size_t)v < n && names[v] ? names[v] : dflt;
}

static int parse(const char *const *names, size_t n, const char *s, int dflt)
{
	for (size_t i = 0; s && i < n; i++)
		if (names[i] && strcmp(names[i], s) == 0)
			return (int)i;
	return dflt;
}

const char *store_reg_name(enum reg_status v)
{
	return name_of(reg_names, N(reg_names), (int)v, "Rejected");
}

enum reg_status store_reg_parse(const char *s)
{
	return (enum reg_status)parse(reg_names, N(reg_names), s, REG_REJECTED);
}

const char *store_conn_name(enum conn_state v)
{
	return name_of(conn_names, N(conn_names), (int)v, "UNKNOWN");
}

enum conn_state store_conn_parse(const char *s)
{
	return (enum conn_state)parse(conn_names, N(conn_names), s, CONN_UNKNOWN);
}

const char *store_auth_name(enum auth_status v)
{
	return name_of(auth_names, N(auth_names), (int)v, "Invalid");
}

enum auth_status store_auth_parse(const char *s)
{
	return (enum auth_status)parse(auth_names, N(auth_names), s, AUTH_INVALID);
}

const char *store_meas_name(enum measurand v)
{
	return name_of(meas_names, N(meas_names), (int)v, "OTHER");
}

enum measurand store_meas_parse(const char *s)
{
	return (enum measurand)parse(meas_names, N(meas_names), s, MEAS_OTHER);
}

const char *store_ctx_name(enum reading_ctx v)
{
	return name_of(ctx_names, N(ctx_names), (int)v, "Other");
}

enum reading_ctx store_ctx_parse(const char *s)
{
	return (enum reading_ctx)parse(ctx_names, N(ctx_names), s, CTX_OTHER);
}

const char *store_kind_name(enum tx_event_kind v)
{
	return name_of(kind_names, N(kind_names), (int)v, "updated");
}

const char *store_cmd_outcome_name(enum cmd_outcome o)
{
	return name_of(cmd_names, N(cmd_names), (int)o, "PENDING");
}

enum cmd_outcome store_cmd_outcome_parse(const char *s)
{
	return (enum cmd_outcome)parse(cmd_names, N(cmd_names), s, CMD_PENDING);
}

/* ---- orders and refund cases (issue 4) ------------------------------- */

static const char *const order_state_names[] = {
	[ORDER_STARTING] = "starting",   [ORDER_CHARGING] = "charging",
	[ORDER_STOPPING] = "stopping",   [ORDER_SETTLING] = "settling",
	[ORDER_COMPLETED] = "completed", [ORDER_ABNORMAL] = "abnormal",
	[ORDER_CANCELLED] = "cancelled",
};

static const char *const order_sub_names[] = {
	[ORDER_SUB_NONE] = "",
	[ORDER_SUB_AWAITING_PLUG] = "awaiting_plug",
	[ORDER_SUB_ENERGY_FLOWING] = "energy_flowing",
	[ORDER_SUB_SUSPENDED_EV] = "suspended_ev",
	[ORDER_SUB_SUSPENDED_EVSE] = "suspended_evse",
	[ORDER_SUB_PILE_OFFLINE] = "pile_offline",
};

static const char *const case_state_names[] = {
	[CASE_OPENED] = "opened",
	[CASE_AUTO_APPROVED] = "auto_approved",
	[CASE_UNDER_REVIEW] = "under_review",
	[CASE_APPROVED] = "approved",
	[CASE_PARTIALLY_APPROVED] = "partially_approved",
	[CASE_REJECTED] = "rejected",
	[CASE_AWAITING_INFO] = "awaiting_info",
	[CASE_REFUNDING] = "refunding",
	[CASE_REFUNDED] = "refunded",
};

const char *store_order_state_name(enum order_state s)
{
	return name_of(order_state_names, N(order_state_names), (int)s, "charging");
}

const char *store_order_sub_name(enum order_sub_state s)
{
	return name_of(order_sub_names, N(order_sub_names), (int)s, "");
}

const char *store_case_state_name(enum case_state s)
{
	return name_of(case_state_names, N(case_state_names), (int)s, "opened");
}

int store_order_state_parse(const char *s, enum order_state *out)
{
	int v = parse(order_state_names, N(order_state_names), s, -1);

	*out = v < 0 ? ORDER_CHARGING : (enum order_state)v;
	return v < 0 ? GW_ECONSTRAINT : GW_OK;
}

int store_order_sub_parse(const char *s, enum order_sub_state *out)
{
	int v = parse(order_sub_names, N(order_sub_names), s, -1);

	*out = v < 0 ? ORDER_SUB_NONE : (enum order_sub_state)v;
	return v < 0 ? GW_ECONSTRAINT : GW_OK;
}

int store_case_state_parse(const char *s, enum case_state *out)
{
	int v = parse(case_state_names, N(case_state_names), s, -1);

	*out = v < 0 ? CASE_OPENED : (enum case_state)v;
	return v < 0 ? GW_ECONSTRAINT : GW_OK;
}
