/* SPDX-License-Identifier: MIT
 *
 * sim_config.h - the pile's own configuration, the keys a server reads with
 * GetConfiguration / GetVariables and writes with ChangeConfiguration /
 * SetVariables.  One table row per key names it in both versions (1.6 key,
 * 2.0.1 component + variable), so both handlers share it.
 */
#ifndef SIM_CONFIG_H
#define SIM_CONFIG_H
#include <stddef.h>

/* Embedded in its pile. */
struct sim_pile_cfg {
	int heartbeat_s;          /* HeartbeatInterval, s */
	int meter_interval_s;     /* MeterValueSampleInterval, s; 0 = off */
	int clock_aligned_s;      /* ClockAlignedDataInterval, s; 0 = off */
	int stop_on_unplug;       /* StopTransactionOnEVSideDisconnect */
	int tx_attempts;          /* TransactionMessageAttempts */
	int tx_retry_s;           /* TransactionMessageRetryInterval, s */
	int connection_timeout_s; /* ConnectionTimeOut, s */
	int connectors;           /* NumberOfConnectors (read-only) */
	char measurands[200];     /* MeterValuesSampledData */
	char auth_key[80];        /* AuthorizationKey / BasicAuthPassword (write-only) */
};

enum sim_cfg_status {
	SIM_CFG_ACCEPTED,
	SIM_CFG_REJECTED,      /* read-only or bad value */
	SIM_CFG_UNKNOWN,       /* no such key: 1.6 NotSupported, 2.0.1 UnknownVariable */
	SIM_CFG_UNKNOWN_COMPONENT,
};

struct sim_cfg_row; /* opaque row of the key table */

void sim_cfg_defaults(struct sim_pile_cfg *c);
/* Find a row by 1.6 key or by 2.0.1 component/variable; NULL if none.
 * sim_cfg_find_201 sets *status to UNKNOWN_COMPONENT or UNKNOWN on a miss. */
const struct sim_cfg_row *sim_cfg_find_16(const char *key);
const struct sim_cfg_row *sim_cfg_find_201(const char *component, const char *variable,
					   enum sim_cfg_status *status);
enum sim_cfg_status sim_cfg_set(struct sim_pile_cfg *c, const struct sim_cfg_row *r, const char *value);
/* Value as text into buf; returns 0, or -1 for a write-only key. */
int sim_cfg_get(const struct sim_pile_cfg *c, const struct sim_cfg_row *r, char *buf, size_t n);
int sim_cfg_readonly(const struct sim_cfg_row *r);
const char *sim_cfg_key16(const struct sim_cfg_row *r);
const char *sim_cfg_component(const struct sim_cfg_row *r);
const char *sim_cfg_variable(const struct sim_cfg_row *r);
/* Row i (0-based) for listing all keys; NULL past the end. */
const struct sim_cfg_row *sim_cfg_row_at(size_t i);

#endif
