/* SPDX-License-Identifier: MIT
 *
 * config.c - libconfig file -> struct gw_config.
 *
 * One table row per scalar setting: {path, type, offset, size, default,
 * min, max}.  The same rows give the defaults, the reader, the range checks
 * with the offending line, and --dump-config (Redis static_configs[], nginx
 * ngx_command_t).  Lists (listeners, id_tokens, piles) have small readers of
 * their own.  An unknown setting is an error too: a typo must not silently
 * fall back to a default.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <libconfig.h>

#include "common/gw_alloc.h"
#include "common/gw_err.h"
#include "common/gw_log.h"
#include "config.h"
#include "config_int.h"

enum cfg_type {
	CFG_I64,   /* int64 in the config's unit x scale (seconds -> ms) */
	CFG_INT,
	CFG_BOOL,
	CFG_STR,
	CFG_LOGLEVEL,
};

struct cfg_row {
	const char *path;
	enum cfg_type type;
	size_t offset;
	size_t size; /* CFG_STR: buffer size */
	long dflt;   /* CFG_INT / CFG_BOOL */
	const char *dflt_str;
	long min, max;
	long scale; /* CFG_I64: stored = value x scale; default from the defaults function */
};

#define F(field) offsetof(struct gw_config, field), sizeof(((struct gw_config *)0)->field)
#define INT(p, field, d, lo, hi) { p, CFG_INT, F(field), d, NULL, lo, hi, 1 }
#define BOOL(p, field, d) { p, CFG_BOOL, F(field), d, NULL, 0, 1, 1 }
#define STR(p, field, d) { p, CFG_STR, F(field), 0, d, 0, 0, 1 }
#define I64(p, field, lo, hi, sc) { p, CFG_I64, F(field), 0, NULL, lo, hi, sc }

static const struct cfg_row rows[] = {
	{ "log_level", CFG_LOGLEVEL, F(log_level), GW_LOG_NOTICE, NULL, 0, 4, 1 },
	STR("schema_dir", schema_dir, OCPPGW_DEFAULT_SCHEMA_DIR),

	BOOL("ocpp.auto_register", auto_register, 0),
	BOOL("ocpp.require_password", require_password, 1),
	STR("ocpp.operator_name", operator_name, ""),
	INT("ocpp.auth_fail_limit", auth_fail_limit, 10, 1, 100000),
	INT("ocpp.heartbeat_interval_s", heartbeat_interval_s, 300, 10, 86400),
	INT("ocpp.boot_retry_interval_s", boot_retry_interval_s, 30, 1, 86400),
	INT("ocpp.call_timeout_ms", call_timeout_ms, 30000, 100, 600000),
	INT("ocpp.max_pending_calls", max_pending_calls, 32, 1, 1024),
	BOOL("ocpp.accept_all_tokens", accept_all_tokens, 0),
	BOOL("ocpp.push_config_on_boot", push_config_on_boot, 1),
	INT("ocpp.meter_sample_interval_s", meter_sample_interval_s, 60, 1, 3600),
	BOOL("ocpp.validate_outbound", validate_outbound, 0),

	INT("limits.max_message_bytes", max_message_bytes, 65536, 1024, 16 << 20),
	INT("limits.max_outbound_bytes", max_outbound_bytes, 1 << 20, 4096, 64 << 20),
	INT("limits.ping_interval_s", ping_interval_s, 60, 1, 3600),
	INT("limits.idle_hangup_s", idle_hangup_s, 180, 2, 86400),
	INT("limits.handshake_timeout_s", handshake_timeout_s, 5, 1, 120),

	STR("pki.ca_cert", ca_cert, "certs/dev/ca.pem"),
	STR("pki.ca_key", ca_key, "certs/dev/ca.key"),
	INT("pki.cert_validity_days", cert_validity_days, 365, 1, 3650),

	STR("store.path", db_path, "data/ocppgw.db"),
	INT("store.busy_timeout_ms", db_busy_timeout_ms, 5000, 0, 600000),

	STR("api.address", api_address, "127.0.0.1"),
	INT("api.port", api_port, 8080, -1, 65535),
	STR("api.tls_cert", api_tls.tls_cert, ""),
	STR("api.tls_key", api_tls.tls_key, ""),
	STR("api.tls_ecdsa_cert", api_tls.tls_ecdsa_cert, ""),
	STR("api.tls_ecdsa_key", api_tls.tls_ecdsa_key, ""),

	INT("api.max_body_bytes", api_max_body_bytes, 65536, 1024, 16 << 20),
	INT("hooks.timeout_ms", hook_timeout_ms, 10000, 100, 120000),
	INT("hooks.max_skew_s", hook_max_skew_s, 300, 1, 86400),

	INT("orders.free_cancel_min", free_cancel_min, 15, 0, 1440),
	INT("orders.cost_update_interval_s", cost_update_interval_s, 300, 0, 86400),
	INT("orders.sweep_interval_s", sweep_interval_s, 30, 1, 3600),
	STR("orders.cost_datatransfer_vendor", cost_datatransfer_vendor, ""),

	/* DESIGN.md "Billing anomalies": every threshold, in the table's units */
	I64("anomaly.flow_current_ma", anomaly.flow_current_ma, 0, 1000000, 1),
	I64("anomaly.flow_power_w", anomaly.flow_power_w, 0, 10000000, 1),
	I64("anomaly.no_plug_max_wh", anomaly.no_plug_max_wh, 0, 1000000, 1),
	I64("anomaly.plug_gap_s", anomaly.plug_gap_ms, 0, 86400, 1000),
	I64("anomaly.before_plug_wh", anomaly.before_plug_wh, 0, 1000000, 1),
	I64("anomaly.stall_window_s", anomaly.stall_window_ms, 60, 86400, 1000),
	I64("anomaly.stall_min_wh", anomaly.stall_min_wh, 0, 1000000, 1),
	I64("anomaly.stall_pmax_pct", anomaly.stall_pmax_pct, 0, 100, 1),
	I64("anomaly.stall_power_w", anomaly.stall_power_w, 0, 10000000, 1),
	I64("anomaly.stall_min_s", anomaly.stall_min_ms, 60, 86400, 1000),
	I64("anomaly.phantom_wh", anomaly.phantom_wh, 0, 1000000, 1),
	I64("anomaly.phantom_current_ma", anomaly.phantom_current_ma, 0, 1000000, 1),
	I64("anomaly.phantom_power_w", anomaly.phantom_power_w, 0, 10000000, 1),
	I64("anomaly.silence_trigger_intervals", anomaly.silence_trigger_intervals, 1, 100, 1),
	I64("anomaly.silence_more_intervals", anomaly.silence_more_intervals, 1, 100, 1),
	I64("anomaly.fault_grace_s", anomaly.fault_grace_ms, 0, 86400, 1000),
	I64("anomaly.unplug_grace_s", anomaly.unplug_grace_ms, 0, 86400, 1000),
	I64("anomaly.stop_trigger_s", anomaly.stop_trigger_ms, 1, 86400, 1000),
	I64("anomaly.stop_grace_s", anomaly.stop_grace_ms, 0, 86400, 1000),
	I64("anomaly.stop_timeout_s", anomaly.stop_timeout_ms, 1, 86400, 1000),
	I64("anomaly.zero_energy_wh", anomaly.zero_energy_wh, 0, 1000000, 1),
	I64("anomaly.regression_wh", anomaly.regression_wh, 0, 1000000, 1),
	I64("anomaly.implausible_pct", anomaly.implausible_pct, 100, 1000, 1),
	I64("anomaly.implausible_extra_wh", anomaly.implausible_extra_wh, 0, 1000000, 1),
	I64("anomaly.skew_future_s", anomaly.skew_future_ms, 1, 86400, 1000),
	I64("anomaly.fee_spike_factor", anomaly.fee_spike_factor, 1, 1000, 1),
	I64("anomaly.overtime_dc_h", anomaly.overtime_dc_ms, 1, 240, 3600000),
	I64("anomaly.overtime_ac_h", anomaly.overtime_ac_ms, 1, 240, 3600000),
	I64("refund.auto_approve_cap_minor", refund.auto_approve_cap_minor, 0, 100000000, 1),
	I64("refund.abuse_max_auto", refund.abuse_max_auto, 0, 1000, 1),

	/* refund-case SLA timers (billing/sla.h); working_days and holidays are
	 * checked by config_read_sla_days / config_read_sla_holidays */
	I64("sla.ack_h", sla.ack_ms, 1, 8760, 3600000),
	I64("sla.decide_simple_days", sla.decide_simple_days, 0, 365, 1),
	I64("sla.decide_complex_days", sla.decide_complex_days, 0, 365, 1),
	STR("sla.working_days", sla.working_days, "Mon,Tue,Wed,Thu,Fri"),
	I64("sla.utc_offset_min", sla.utc_offset_min, -840, 840, 1),
};

#define N_ROWS (sizeof(rows) / sizeof(rows[0]))

/* Lists, read by their own functions below. */
static const char *const list_names[] = { "listeners", "id_tokens", "piles", "tariffs", "connectors", "partners" };

static void listener_defaults(struct gw_listener *l, int idx)
{
	memset(l, 0, sizeof(*l));
	snprintf(l->name, sizeof(l->name), "ocpp%d", idx);
	snprintf(l->address, sizeof(l->address), "0.0.0.0");
	l->port = 9000;
	l->security_profile = 1;
	snprintf(l->path_prefix, sizeof(l->path_prefix), "/ocpp");
}

void config_defaults(struct gw_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	for (size_t i = 0; i < N_ROWS; i++) {
		char *field = (char *)cfg + rows[i].offset;
		if (rows[i].type == CFG_STR)
			snprintf(field, rows[i].size, "%s", rows[i].dflt_str);
		else if (rows[i].type != CFG_I64)
			*(int *)field = (int)rows[i].dflt;
	}
	{
		static const int retry_s[] = { 60, 300, 1800, 7200, 43200 };
		for (size_t i = 0; i < sizeof(retry_s) / sizeof(retry_s[0]); i++)
			cfg->hook_retry_s[i] = retry_s[i];
		cfg->n_hook_retries = (int)(sizeof(retry_s) / sizeof(retry_s[0]));
	}
	anomaly_thresholds_default(&cfg->anomaly);
	refund_policy_default(&cfg->refund);
	sla_calendar_default(&cfg->sla);
	listener_defaults(&cfg->listeners[0], 0);
	cfg->n_listeners = 1;
	snprintf(cfg->api_tls.name, sizeof(cfg->api_tls.name), "api");
	config_tariff_default(&cfg->tariffs[0]);
	cfg->n_tariffs = 1;
}

int config_fail(char *err, size_t errlen, const config_setting_t *s, const char *fmt, const char *what,
		const char *why)
{
	snprintf(err, errlen, fmt, config_setting_source_file(s) ? config_setting_source_file(s) : "?",
		 config_setting_source_line(s), what, why);
	return GW_ECONFIG;
}


static int read_row(struct gw_config *cfg, const struct cfg_row *r, const config_setting_t *s, char *err,
		    size_t errlen)
{
	char *field = (char *)cfg + r->offset;
	int type = config_setting_type(s);

	switch (r->type) {
	case CFG_I64:
	case CFG_INT: {
		long long v;
		if (type != CONFIG_TYPE_INT && type != CONFIG_TYPE_INT64)
			return BAD(s, r->path, "expected an integer");
		v = config_setting_get_int64(s);
		if (v < r->min || v > r->max) {
			char why[96];
			snprintf(why, sizeof(why), "%lld is outside %ld..%ld", v, r->min, r->max);
			return BAD(s, r->path, why);
		}
		if (r->type == CFG_I64)
			*(int64_t *)field = (int64_t)v * r->scale;
		else
			*(int *)field = (int)v;
		return GW_OK;
	}
	case CFG_BOOL:
		if (type != CONFIG_TYPE_BOOL)
			return BAD(s, r->path, "expected true or false");
		*(int *)field = config_setting_get_bool(s);
		return GW_OK;
	case CFG_STR: {
		const char *v = config_setting_get_string(s);
		if (!v)
			return BAD(s, r->path, "expected a string");
		if (strlen(v) >= r->size)
			return BAD(s, r->path, "too long");
		snprintf(field, r->size, "%s", v);
		return GW_OK;
	}
	case CFG_LOGLEVEL: {
		const char *v = config_setting_get_string(s);
		int lvl = gw_log_level_parse(v);
		if (lvl < 0)
			return BAD(s, r->path, "expected err, warn, notice, info or debug");
		*(int *)field = lvl;
		return GW_OK;
	}
	}
	return GW_EINVAL;
}

/* A string member of a list element into buf; absent keeps buf. */
int config_member_str(const config_setting_t *el, const char *name, char *buf, size_t size, char *err,
		      size_t errlen)
{
	const config_setting_t *m = config_setting_get_member(el, name);
	const char *v;

	if (!m)
		return GW_OK;
	v = config_setting_get_string(m);
	if (!v)
		return BAD(m, name, "expected a string");
	if (strlen(v) >= size)
		return BAD(m, name, "too long");
	snprintf(buf, size, "%s", v);
	return GW_OK;
}

int config_member_int(const config_setting_t *el, const char *name, int *out, int lo, int hi, char *err,
		      size_t errlen)
{
	const config_setting_t *m = config_setting_get_member(el, name);
	long long v;

	if (!m)
		return GW_OK;
	if (config_setting_type(m) != CONFIG_TYPE_INT && config_setting_type(m) != CONFIG_TYPE_INT64)
		return BAD(m, name, "expected an integer");
	v = config_setting_get_int64(m);
	if (v < lo || v > hi)
		return BAD(m, name, "out of range");
	*out = (int)v;
	return GW_OK;
}

/* Reject members of a list element we do not know (typos). */
int config_check_members(const config_setting_t *el, const char *const *known, char *err, size_t errlen)
{
	for (int i = 0; i < config_setting_length(el); i++) {
		const config_setting_t *m = config_setting_get_elem(el, (unsigned)i);
		const char *name = config_setting_name(m);
		int ok = 0;
		for (const char *const *k = known; *k; k++)
			ok |= name && !strcmp(name, *k);
		if (!ok)
			return BAD(m, name ? name : "?", "unknown setting");
	}
	return GW_OK;
}

static int read_listeners(struct gw_config *cfg, const config_setting_t *list, char *err, size_t errlen)
{
	static const char *const known[] = { "name", "address", "port", "security_profile", "path_prefix",
					     "tls_cert", "tls_key", "tls_ecdsa_cert", "tls_ecdsa_key",
					     "tls_ca", NULL };
	int n = config_setting_length(list);

	if (!config_setting_is_list(list) || n < 1 || n > GW_CONFIG_MAX_LISTENERS)
		return BAD(list, "listeners", "expected a list of 1 to 8 listener groups");
	for (int i = 0; i < n; i++) {
		const config_setting_t *el = config_setting_get_elem(list, (unsigned)i);
		struct gw_listener *l = &cfg->listeners[i];
		int rc;

		listener_defaults(l, i);
		if (!config_setting_is_group(el))
			return BAD(el, "listeners", "each listener is a group { ... }");
		if ((rc = config_check_members(el, known, err, errlen)) ||
		    (rc = config_member_str(el, "name", l->name, sizeof(l->name), err, errlen)) ||
		    (rc = config_member_str(el, "address", l->address, sizeof(l->address), err, errlen)) ||
		    (rc = config_member_int(el, "port", &l->port, 0, 65535, err, errlen)) ||
		    (rc = config_member_int(el, "security_profile", &l->security_profile, 1, 3, err, errlen)) ||
		    (rc = config_member_str(el, "path_prefix", l->path_prefix, sizeof(l->path_prefix), err, errlen)) ||
		    (rc = config_member_str(el, "tls_cert", l->tls_cert, sizeof(l->tls_cert), err, errlen)) ||
		    (rc = config_member_str(el, "tls_key", l->tls_key, sizeof(l->tls_key), err, errlen)) ||
		    (rc = config_member_str(el, "tls_ecdsa_cert", l->tls_ecdsa_cert, sizeof(l->tls_ecdsa_cert), err,
				     errlen)) ||
		    (rc = config_member_str(el, "tls_ecdsa_key", l->tls_ecdsa_key, sizeof(l->tls_ecdsa_key), err,
				     errlen)) ||
		    (rc = config_member_str(el, "tls_ca", l->tls_ca, sizeof(l->tls_ca), err, errlen)))
			return rc;
		if (l->security_profile >= 2 && (!l->tls_cert[0] || !l->tls_key[0]))
			return BAD(el, l->name, "security profiles 2 and 3 need tls_cert and tls_key");
		if (l->security_profile == 3 && !l->tls_ca[0])
			return BAD(el, l->name, "security profile 3 needs tls_ca (the pile CA)");
		if (l->path_prefix[0] != '/')
			return BAD(el, l->name, "path_prefix must start with '/'");
	}
	cfg->n_listeners = n;
	return GW_OK;
}

static int read_tokens(struct gw_config *cfg, const config_setting_t *list, char *err, size_t errlen)
{
	static const char *const known[] = { "id", "status", "expiry", "group", NULL };
	static const char *const statuses[] = { "Accepted", "Blocked", "Expired", "Invalid", NULL };
	int n = config_setting_length(list);

	if (!config_setting_is_list(list))
		return BAD(list, "id_tokens", "expected a list of groups");
	cfg->tokens = gw_calloc((size_t)n, sizeof(*cfg->tokens));
	if (!cfg->tokens)
		return GW_ENOMEM;
	for (int i = 0; i < n; i++) {
		const config_setting_t *el = config_setting_get_elem(list, (unsigned)i);
		struct gw_token_seed *t = &cfg->tokens[i];
		int rc, ok = 0;

		snprintf(t->status, sizeof(t->status), "Accepted");
		if ((rc = config_check_members(el, known, err, errlen)) ||
		    (rc = config_member_str(el, "id", t->id, sizeof(t->id), err, errlen)) ||
		    (rc = config_member_str(el, "status", t->status, sizeof(t->status), err, errlen)) ||
		    (rc = config_member_str(el, "expiry", t->expiry, sizeof(t->expiry), err, errlen)) ||
		    (rc = config_member_str(el, "group", t->group_id, sizeof(t->group_id), err, errlen)))
			return rc;
		if (!t->id[0])
			return BAD(el, "id_tokens", "every token needs an id");
		for (const char *const *s = statuses; *s; s++)
			ok |= !strcmp(*s, t->status);
		if (!ok)
			return BAD(el, "status", "expected Accepted, Blocked, Expired or Invalid");
		cfg->n_tokens++;
	}
	return GW_OK;
}

static int read_piles(struct gw_config *cfg, const config_setting_t *list, char *err, size_t errlen)
{
	static const char *const known[] = { "identity", "status", "security_profile", NULL };
	int n = config_setting_length(list);

	if (!config_setting_is_list(list))
		return BAD(list, "piles", "expected a list of groups");
	cfg->piles = gw_calloc((size_t)n, sizeof(*cfg->piles));
	if (!cfg->piles)
		return GW_ENOMEM;
	for (int i = 0; i < n; i++) {
		const config_setting_t *el = config_setting_get_elem(list, (unsigned)i);
		struct gw_pile_seed *p = &cfg->piles[i];
		int rc;

		snprintf(p->status, sizeof(p->status), "Accepted");
		if ((rc = config_check_members(el, known, err, errlen)) ||
		    (rc = config_member_str(el, "identity", p->identity, sizeof(p->identity), err, errlen)) ||
		    (rc = config_member_str(el, "status", p->status, sizeof(p->status), err, errlen)) ||
		    (rc = config_member_int(el, "security_profile", &p->security_profile, 0, 3, err, errlen)))
			return rc;
		if (!p->identity[0] || strchr(p->identity, ':'))
			return BAD(el, "identity", "1 to 48 characters, no ':'");
		if (strcmp(p->status, "Accepted") && strcmp(p->status, "Pending") &&
		    strcmp(p->status, "Rejected"))
			return BAD(el, "status", "expected Accepted, Pending or Rejected");
		cfg->n_piles++;
	}
	return GW_OK;
}

static const struct cfg_row *row_find(const char *path)
{
	for (size_t i = 0; i < N_ROWS; i++)
		if (!strcmp(rows[i].path, path))
			return &rows[i];
	return NULL;
}

static int is_list_name(const char *name)
{
	for (size_t i = 0; i < sizeof(list_names) / sizeof(list_names[0]); i++)
		if (!strcmp(list_names[i], name))
			return 1;
	return 0;
}

/* Walk a group: every scalar must be a known row, every group a known
 * prefix, every list a known list. */
static int walk(struct gw_config *cfg, const config_setting_t *group, const char *prefix, char *err,
		size_t errlen)
{
	for (int i = 0; i < config_setting_length(group); i++) {
		const config_setting_t *s = config_setting_get_elem(group, (unsigned)i);
		const char *name = config_setting_name(s);
		char path[128];
		const struct cfg_row *r;
		int rc = GW_OK;

		snprintf(path, sizeof(path), "%s%s%s", prefix, *prefix ? "." : "", name ? name : "?");
		if (!strcmp(path, "api.tokens")) {
			rc = config_read_api_tokens(cfg, s, err, errlen);
		} else if (!strcmp(path, "hooks.retry_s")) {
			rc = config_read_retries(cfg, s, err, errlen);
		} else if (!strcmp(path, "sla.working_days")) {
			rc = config_read_sla_days(cfg, s, err, errlen);
		} else if (!strcmp(path, "sla.holidays")) {
			rc = config_read_sla_holidays(cfg, s, err, errlen);
		} else if (config_setting_is_group(s)) {
			rc = walk(cfg, s, path, err, errlen);
		} else if (!*prefix && is_list_name(path)) {
			if (!strcmp(path, "listeners"))
				rc = read_listeners(cfg, s, err, errlen);
			else if (!strcmp(path, "id_tokens"))
				rc = read_tokens(cfg, s, err, errlen);
			else if (!strcmp(path, "tariffs"))
				rc = config_read_tariffs(cfg, s, err, errlen);
			else if (!strcmp(path, "connectors"))
				rc = config_read_connectors(cfg, s, err, errlen);
			else if (!strcmp(path, "partners"))
				rc = config_read_partners(cfg, s, err, errlen);
			else
				rc = read_piles(cfg, s, err, errlen);
		} else if ((r = row_find(path))) {
			rc = read_row(cfg, r, s, err, errlen);
		} else {
			rc = BAD(s, path, "unknown setting");
		}
		if (rc)
			return rc;
	}
	return GW_OK;
}

/* api.tls_*, checked once the whole file is read: the server chain and its
 * key go together, a second (ECDSA) chain needs the first (lws loads the
 * first, transport/tls.c adds the second), and every file named must be
 * readable now, so --check-config finds a half-configured or mistyped TLS
 * setup instead of a start-up that fails or silently serves plain HTTP.
 * A non-empty value always comes from the file, so its setting exists. */
static int check_api_tls(const struct gw_config *cfg, const config_t *lc, char *err, size_t errlen)
{
	const struct gw_listener *l = &cfg->api_tls;
	const struct {
		const char *path;
		const char *file;
	} files[] = { { "api.tls_cert", l->tls_cert }, { "api.tls_key", l->tls_key },
		      { "api.tls_ecdsa_cert", l->tls_ecdsa_cert }, { "api.tls_ecdsa_key", l->tls_ecdsa_key } };

	if (l->tls_cert[0] && !l->tls_key[0])
		return BAD(config_lookup(lc, "api.tls_cert"), "api.tls_cert",
			   "needs api.tls_key (the key of that chain)");
	if (l->tls_key[0] && !l->tls_cert[0])
		return BAD(config_lookup(lc, "api.tls_key"), "api.tls_key",
			   "needs api.tls_cert (the server chain)");
	if (l->tls_ecdsa_cert[0] && !l->tls_cert[0])
		return BAD(config_lookup(lc, "api.tls_ecdsa_cert"), "api.tls_ecdsa_cert",
			   "a second chain needs api.tls_cert and api.tls_key first");
	if (l->tls_ecdsa_key[0] && !l->tls_ecdsa_cert[0])
		return BAD(config_lookup(lc, "api.tls_ecdsa_key"), "api.tls_ecdsa_key",
			   "needs api.tls_ecdsa_cert");
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char why[GW_PATH_MAX + 32];

		if (!files[i].file[0] || access(files[i].file, R_OK) == 0)
			continue;
		snprintf(why, sizeof(why), "cannot read %s", files[i].file);
		return BAD(config_lookup(lc, files[i].path), files[i].path, why);
	}
	return GW_OK;
}

int config_load(struct gw_config *cfg, const char *path, char *err, size_t errlen)
{
	config_t lc;
	int rc;

	config_init(&lc);
	if (config_read_file(&lc, path) != CONFIG_TRUE) {
		if (config_error_type(&lc) == CONFIG_ERR_FILE_IO)
			snprintf(err, errlen, "%s: cannot read the file", path);
		else
			snprintf(err, errlen, "%s:%d: %s", path, config_error_line(&lc),
				 config_error_text(&lc));
		rc = GW_ECONFIG;
		goto out;
	}
	snprintf(cfg->source_file, sizeof(cfg->source_file), "%s", path);
	rc = walk(cfg, config_root_setting(&lc), "", err, errlen);
	if (rc == GW_OK)
		rc = check_api_tls(cfg, &lc, err, errlen);
out:
	config_destroy(&lc);
	return rc;
}

void config_cleanup(struct gw_config *cfg)
{
	if (!cfg)
		return;
	GW_FREE(cfg->tokens);
	GW_FREE(cfg->piles);
	GW_FREE(cfg->connectors);
	cfg->n_tokens = cfg->n_piles = cfg->n_connectors = 0;
}

static const char *const level_words[] = { "err", "warn", "notice", "info", "debug" };

void config_dump(const struct gw_config *cfg, void *file)
{
	FILE *f = file;
	char group[32] = "";

	fprintf(f, "# effective configuration%s%s\n", cfg->source_file[0] ? " from " : " (embedded defaults)",
		cfg->source_file);
	for (size_t i = 0; i < N_ROWS; i++) {
		const char *field = (const char *)cfg + rows[i].offset;
		const char *dot = strchr(rows[i].path, '.');
		const char *name = dot ? dot + 1 : rows[i].path;
		char g[32] = "";

		if (dot)
			snprintf(g, sizeof(g), "%.*s", (int)(dot - rows[i].path), rows[i].path);
		if (strcmp(g, group)) {
			if (group[0])
				fprintf(f, "};\n");
			if (g[0])
				fprintf(f, "%s: {\n", g);
			snprintf(group, sizeof(group), "%s", g);
		}
		fprintf(f, "%s%s = ", group[0] ? "  " : "", name);
		switch (rows[i].type) {
		case CFG_INT:
			fprintf(f, "%d;\n", *(const int *)field);
			break;
		case CFG_I64:
			fprintf(f, "%lld;\n", (long long)(*(const int64_t *)field / rows[i].scale));
			break;
		case CFG_BOOL:
			fprintf(f, "%s;\n", *(const int *)field ? "true" : "false");
			break;
		case CFG_STR:
			fprintf(f, "\"%s\";\n", field);
			break;
		case CFG_LOGLEVEL:
			fprintf(f, "\"%s\";\n", level_words[*(const int *)field % 5]);
			break;
		}
	}
	if (group[0])
		fprintf(f, "};\n");
	fprintf(f, "listeners = (\n");
	for (int i = 0; i < cfg->n_listeners; i++) {
		const struct gw_listener *l = &cfg->listeners[i];
		fprintf(f, "  { name = \"%s\"; address = \"%s\"; port = %d; security_profile = %d; "
			   "path_prefix = \"%s\"; tls_cert = \"%s\"; tls_key = \"%s\"; tls_ecdsa_cert = \"%s\"; "
			   "tls_ecdsa_key = \"%s\"; tls_ca = \"%s\"; }%s\n",
			l->name, l->address, l->port, l->security_profile, l->path_prefix, l->tls_cert, l->tls_key,
			l->tls_ecdsa_cert, l->tls_ecdsa_key, l->tls_ca, i + 1 < cfg->n_listeners ? "," : "");
	}
	fprintf(f, ");\n");
	config_dump_tariffs(cfg, f);
	config_dump_sla_holidays(cfg, f);
	fprintf(f, "# %zu id token(s) and %zu pile(s) seeded\n", cfg->n_tokens, cfg->n_piles);
}
