/* SPDX-License-Identifier: MIT
 *
 * sim_config.c - the key table.  Values are range-checked here; the pile
 * notices a changed interval because sim_pile re-arms its timers after
 * every accepted change (sim_pile_config_changed).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim_config.h"

enum cfg_type { C_INT, C_BOOL, C_STR };

struct sim_cfg_row {
	const char *key16;
	const char *component;
	const char *variable;
	enum cfg_type type;
	size_t offset;
	size_t size;  /* C_STR */
	long min, max;
	int readonly;
	int writeonly;
};

#define F(f) offsetof(struct sim_pile_cfg, f)

static const struct sim_cfg_row rows[] = {
	{ "HeartbeatInterval", "OCPPCommCtrlr", "HeartbeatInterval", C_INT, F(heartbeat_s), 0, 1, 86400, 0, 0 },
	{ "MeterValueSampleInterval", "SampledDataCtrlr", "TxUpdatedInterval", C_INT, F(meter_interval_s), 0, 0, 86400, 0, 0 },
	{ "ClockAlignedDataInterval", "AlignedDataCtrlr", "Interval", C_INT, F(clock_aligned_s), 0, 0, 86400, 0, 0 },
	{ "MeterValuesSampledData", "SampledDataCtrlr", "TxUpdatedMeasurands", C_STR, F(measurands), sizeof(((struct sim_pile_cfg *)0)->measurands), 0, 0, 0, 0 },
	{ "StopTransactionOnEVSideDisconnect", "TxCtrlr", "StopTxOnEVSideDisconnect", C_BOOL, F(stop_on_unplug), 0, 0, 1, 0, 0 },
	{ "TransactionMessageAttempts", "OCPPCommCtrlr", "MessageAttempts", C_INT, F(tx_attempts), 0, 1, 100, 0, 0 },
	{ "TransactionMessageRetryInterval", "OCPPCommCtrlr", "MessageAttemptInterval", C_INT, F(tx_retry_s), 0, 1, 3600, 0, 0 },
	{ "ConnectionTimeOut", "TxCtrlr", "EVConnectionTimeOut", C_INT, F(connection_timeout_s), 0, 1, 3600, 0, 0 },
	{ "NumberOfConnectors", "EVSE", "Count", C_INT, F(connectors), 0, 1, 16, 1, 0 },
	{ "AuthorizationKey", "SecurityCtrlr", "BasicAuthPassword", C_STR, F(auth_key), sizeof(((struct sim_pile_cfg *)0)->auth_key), 0, 0, 0, 1 },
};

void sim_cfg_defaults(struct sim_pile_cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->heartbeat_s = 300;
	c->meter_interval_s = 60;
	c->clock_aligned_s = 0;
	c->stop_on_unplug = 1;
	c->tx_attempts = 3;
	c->tx_retry_s = 60;
	c->connection_timeout_s = 60;
	c->connectors = 1;
	snprintf(c->measurands, sizeof(c->measurands),
		 "Energy.Active.Import.Register,Power.Active.Import,Current.Import,SoC");
}

const struct sim_cfg_row *sim_cfg_row_at(size_t i)
{
	return i < sizeof(rows) / sizeof(rows[0]) ? &rows[i] : NULL;
}

const struct sim_cfg_row *sim_cfg_find_16(const char *key)
{
	for (size_t i = 0; key && i < sizeof(rows) / sizeof(rows[0]); i++)
		if (!strcasecmp(rows[i].key16, key))
			return &rows[i];
	return NULL;
}

const struct sim_cfg_row *sim_cfg_find_201(const char *component, const char *variable,
					   enum sim_cfg_status *status)
{
	int comp_seen = 0;

	for (size_t i = 0; component && variable && i < sizeof(rows) / sizeof(rows[0]); i++) {
		if (strcmp(rows[i].component, component))
			continue;
		comp_seen = 1;
		if (!strcmp(rows[i].variable, variable))
			return &rows[i];
	}
	if (status)
		*status = comp_seen ? SIM_CFG_UNKNOWN : SIM_CFG_UNKNOWN_COMPONENT;
	return NULL;
}

enum sim_cfg_status sim_cfg_set(struct sim_pile_cfg *c, const struct sim_cfg_row *r, const char *value)
{
	char *dst = (char *)c + r->offset, *end;
	long v;

	if (r->readonly || !value)
		return SIM_CFG_REJECTED;
	switch (r->type) {
	case C_INT:
		v = strtol(value, &end, 10);
		if (end == value || *end || v < r->min || v > r->max)
			return SIM_CFG_REJECTED;
		*(int *)(void *)dst = (int)v;
		return SIM_CFG_ACCEPTED;
	case C_BOOL:
		if (strcasecmp(value, "true") && strcasecmp(value, "false"))
			return SIM_CFG_REJECTED;
		*(int *)(void *)dst = !strcasecmp(value, "true");
		return SIM_CFG_ACCEPTED;
	case C_STR:
		if (strlen(value) >= r->size)
			return SIM_CFG_REJECTED;
		memcpy(dst, value, strlen(value) + 1);
		return SIM_CFG_ACCEPTED;
	}
	return SIM_CFG_REJECTED;
}

int sim_cfg_get(const struct sim_pile_cfg *c, const struct sim_cfg_row *r, char *buf, size_t n)
{
	const char *src = (const char *)c + r->offset;

	if (r->writeonly)
		return -1;
	switch (r->type) {
	case C_INT:
		snprintf(buf, n, "%d", *(const int *)(const void *)src);
		break;
	case C_BOOL:
		snprintf(buf, n, "%s", *(const int *)(const void *)src ? "true" : "false");
		break;
	case C_STR:
		snprintf(buf, n, "%s", src);
		break;
	}
	return 0;
}

int sim_cfg_readonly(const struct sim_cfg_row *r)
{
	return r->readonly;
}

const char *sim_cfg_key16(const struct sim_cfg_row *r)
{
	return r->key16;
}

const char *sim_cfg_component(const struct sim_cfg_row *r)
{
	return r->component;
}

const char *sim_cfg_variable(const struct sim_cfg_row *r)
{
	return r->variable;
}
