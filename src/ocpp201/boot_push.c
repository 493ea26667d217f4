/* SPDX-License-Identifier: MIT
 *
 * boot_push.c - the configuration the detectors need, sent after an
 * Accepted BootNotification (DESIGN.md "Configuration pushed at boot": the
 * 2.0.1 equivalents of 1.6 MeterValueSampleInterval, MeterValuesSampledData,
 * ClockAlignedDataInterval, MeterValuesAlignedData and
 * StopTransactionOnEVSideDisconnect).
 *
 * Order: first GetVariables for DeviceDataCtrlr.ItemsPerMessage and
 * BytesPerMessage [GetVariables] / [SetVariables], then - from its reply -
 * one SetVariables.  Chaining makes the limits known (and recorded through
 * the domain) before the command layer has to split the SetVariables by
 * them; the 4-item GetVariables itself is below any sane limit.
 *
 * Recording, the same convention as ocpp16/config_push.c so detectors and
 * the API read one shape whatever the version (domain_device_vars):
 *   - {component, variable, "Target", pushed value}: always;
 *   - {"OcppgwConfigPush"[component], variable, "Actual", outcome}: the
 *     attributeStatus (Accepted, Rejected, RebootRequired, ...) or
 *     CallError:<code> / Timeout / Closed for the whole command;
 *   - {component, variable, "Actual", pushed value}: only when Accepted.
 * The limits are recorded as the pile's Actual values; a limit the pile
 * does not know is kept as a pile report (kind GetVariables).
 *
 * The callbacks run outside the frame that queued them; they assume the
 * command layer wraps each reply in its own store batch, as a frame is.
 */
#include <stdio.h>
#include <string.h>

#include "common/gw_alloc.h"
#include "common/gw_clock.h"
#include "common/gw_err.h"
#include "common/gw_json.h"
#include "common/gw_log.h"
#include "common/gw_ocpp.h"
#include "config.h"
#include "core/command.h"
#include "core/env.h"
#include "ocpp201/v201.h"

struct push_var {
	const char *component;
	const char *variable;
	const char *instance; /* NULL = none */
	const char *value;    /* SetVariables only; NULL: from the config (push.interval) */
};

static const struct push_var set_vars[] = {
	{"SampledDataCtrlr", "TxUpdatedInterval", NULL, NULL},
	{"SampledDataCtrlr", "TxUpdatedMeasurands", NULL,
	 "Energy.Active.Import.Register,Power.Active.Import,Current.Import"},
	{"AlignedDataCtrlr", "Interval", NULL, "900"},
	{"AlignedDataCtrlr", "Measurands", NULL, "Energy.Active.Import.Register"},
	{"TxCtrlr", "StopTxOnEVSideDisconnect", NULL, "true"},
};

#define N_SET V201_NWORDS(set_vars)

/* One boot's push; from v201_boot_push until the last callback. */
struct push {
	struct gw_env *env;
	char identity[GW_IDENTITY_MAX + 1];
	char interval[16];           /* ocpp.meter_sample_interval_s, as sent */
	struct push_var vars[N_SET]; /* set_vars with the config's values filled in */
};

/* What the command layer splits GetVariables / SetVariables by. */
static const struct push_var limit_vars[] = {
	{"DeviceDataCtrlr", "ItemsPerMessage", "GetVariables", NULL},
	{"DeviceDataCtrlr", "BytesPerMessage", "GetVariables", NULL},
	{"DeviceDataCtrlr", "ItemsPerMessage", "SetVariables", NULL},
	{"DeviceDataCtrlr", "BytesPerMessage", "SetVariables", NULL},
};

/* {component:{name}, variable:{name[, instance]}[, attributeValue]} */
static struct json_object *var_item(int *rc, const struct push_var *v)
{
	struct json_object *item = json_object_new_object();
	struct json_object *comp = json_object_new_object();
	struct json_object *var = json_object_new_object();

	v201_put_str(rc, comp, "name", v->component);
	v201_put_str(rc, var, "name", v->variable);
	v201_put_str(rc, var, "instance", v->instance);
	v201_put_str(rc, item, "attributeValue", v->value);
	v201_put(rc, item, "component", comp);
	v201_put(rc, item, "variable", var);
	return item;
}

/* {list_key: [items]} or NULL on allocation failure. */
static struct json_object *var_request(const char *list_key, const struct push_var *vars, size_t n)
{
	struct json_object *req = json_object_new_object();
	struct json_object *list = json_object_new_array();
	int rc = list ? GW_OK : GW_ENOMEM;

	for (size_t i = 0; i < n && !rc; i++) {
		struct json_object *item = var_item(&rc, &vars[i]);

		if (rc || json_object_array_add(list, item)) {
			json_object_put(item);
			rc = GW_ENOMEM;
		}
	}
	v201_put(&rc, req, list_key, list);
	if (rc) {
		json_object_put(req);
		return NULL;
	}
	return req;
}

/* "Component[inst].Variable[inst]" for logs and report details. */
static void var_label(struct json_object *comp, struct json_object *var, char *buf, size_t cap)
{
	const char *cn = gw_json_get_str(comp, "name", NULL);
	const char *ci = gw_json_get_str(comp, "instance", NULL);
	const char *vn = gw_json_get_str(var, "name", NULL);
	const char *vi = gw_json_get_str(var, "instance", NULL);

	snprintf(buf, cap, "%s%s%s%s.%s%s%s%s", cn ? cn : "", ci ? "[" : "", ci ? ci : "",
		 ci ? "]" : "", vn ? vn : "", vi ? "[" : "", vi ? vi : "", vi ? "]" : "");
}

static void report(struct push *p, const char *kind, const char *status, const char *detail)
{
	struct domain_src src = {p->identity, "", 0, gw_clock_now_ms()};
	struct pile_report rep = {0};

	v201_copy(rep.kind, sizeof(rep.kind), kind);
	v201_copy(rep.status, sizeof(rep.status), status);
	v201_copy(rep.detail, sizeof(rep.detail), detail);
	if (domain_pile_report(p->env->domain, &src, &rep))
		gw_log(GW_LOG_WARN, "cp=%s action=%s not recorded", p->identity, kind);
}

static void record_var(struct push *p, struct json_object *res, const char *value)
{
	struct domain_src src = {p->identity, "", 0, gw_clock_now_ms()};
	struct device_var dv;

	if (v201_device_var(v201_obj(res, "component"), v201_obj(res, "variable"),
			    gw_json_get_str(res, "attributeType", NULL), value, &dv) ||
	    domain_device_vars(p->env->domain, &src, &dv, 1))
		gw_log(GW_LOG_WARN, "cp=%s device var %s.%s not recorded", p->identity, dv.component,
		       dv.variable);
}

#define PUSH_COMPONENT "OcppgwConfigPush"

static void set_var(struct device_var *v, const char *component, const char *instance,
		    const char *variable, const char *attribute, const char *value)
{
	memset(v, 0, sizeof(*v));
	v201_copy(v->component, sizeof(v->component), component);
	v201_copy(v->component_instance, sizeof(v->component_instance), instance);
	v201_copy(v->variable, sizeof(v->variable), variable);
	v201_copy(v->attribute, sizeof(v->attribute), attribute);
	v201_copy(v->value, sizeof(v->value), value);
	v->evse_id = -1;
	v->connector_id = -1;
}

/* One pushed variable and how it ended (see the file header). */
static void record_push(struct push *p, const struct push_var *v, const char *outcome)
{
	struct domain_src src = {p->identity, "", 0, gw_clock_now_ms()};
	struct device_var vars[3];
	size_t n = 0;
	int rc;

	set_var(&vars[n++], v->component, NULL, v->variable, "Target", v->value);
	set_var(&vars[n++], PUSH_COMPONENT, v->component, v->variable, "Actual", outcome);
	if (!strcmp(outcome, "Accepted"))
		set_var(&vars[n++], v->component, NULL, v->variable, "Actual", v->value);
	rc = domain_device_vars(p->env->domain, &src, vars, n);
	gw_log(rc == GW_OK ? GW_LOG_INFO : GW_LOG_WARN, "cp=%s action=SetVariables %s.%s %s%s%s",
	       p->identity, v->component, v->variable, outcome, rc ? ", not recorded: " : "",
	       rc ? gw_strerror(rc) : "");
}

/* The push row a SetVariableResult answers, NULL if not ours. */
static const struct push_var *push_row(const struct push *p, struct json_object *res)
{
	const char *comp = gw_json_get_str(v201_obj(res, "component"), "name", NULL);
	const char *var = gw_json_get_str(v201_obj(res, "variable"), "name", NULL);

	for (size_t i = 0; comp && var && i < N_SET; i++)
		if (!strcmp(p->vars[i].component, comp) && !strcmp(p->vars[i].variable, var))
			return &p->vars[i];
	return NULL;
}

/* Record every GetVariableResult of the limits reply. */
static void record_limits(struct push *p, struct json_object *payload)
{
	struct json_object *list = v201_arr(payload, "getVariableResult");
	size_t n = list ? json_object_array_length(list) : 0;

	for (size_t i = 0; i < n; i++) {
		struct json_object *res = json_object_array_get_idx(list, i);
		const char *status = gw_json_get_str(res, "attributeStatus", NULL);
		const char *value = gw_json_get_str(res, "attributeValue", NULL);
		char label[160];

		if (status && !strcmp(status, "Accepted") && value) {
			record_var(p, res, value);
			continue;
		}
		var_label(v201_obj(res, "component"), v201_obj(res, "variable"), label, sizeof(label));
		gw_log(GW_LOG_NOTICE, "cp=%s action=GetVariables %s: %s", p->identity, label,
		       status ? status : "?");
		report(p, "GetVariables", status ? status : "", label);
	}
}

static void on_set(void *arg, int status, struct json_object *payload, const char *err_code,
		   const char *err_desc)
{
	struct push *p = arg;
	struct json_object *list = v201_arr(payload, "setVariableResult");
	size_t n = list && status == GW_OK ? json_object_array_length(list) : 0;
	char outcome[64];

	(void)err_desc;
	if (status != GW_OK) { /* the whole command: every row ends the same */
		v201_outcome_word(status, NULL, err_code, outcome, sizeof(outcome));
		for (size_t i = 0; i < N_SET; i++)
			record_push(p, &p->vars[i], outcome);
	}
	for (size_t i = 0; i < n; i++) {
		struct json_object *res = json_object_array_get_idx(list, i);
		const struct push_var *v = push_row(p, res);
		const char *word = gw_json_get_str(res, "attributeStatus", NULL);

		if (v)
			record_push(p, v, word ? word : "Answered");
	}
	gw_free(p);
}

/* Queue one command of the push; on failure p is freed. */
static int push_send(struct push *p, const char *action, const char *list_key,
		     const struct push_var *vars, size_t n, gw_reply_fn *cb)
{
	struct json_object *req = var_request(list_key, vars, n);
	int rc = req ? gw_command_send(p->env, p->identity, action, req, 0, cb, p) : GW_ENOMEM;

	json_object_put(req); /* the command layer took its own reference */
	if (rc) {
		gw_log(GW_LOG_WARN, "cp=%s action=%s boot push not queued: %s", p->identity, action,
		       gw_strerror(rc));
		gw_free(p);
	}
	return rc;
}

static void on_limits(void *arg, int status, struct json_object *payload, const char *err_code,
		      const char *err_desc)
{
	struct push *p = arg;
	char outcome[64];

	if (status == GW_ECLOSED) { /* nobody to configure any more */
		gw_free(p);
		return;
	}
	if (status == GW_OK) {
		record_limits(p, payload);
	} else { /* no limits known: the configuration still goes, unsplit */
		v201_outcome_word(status, NULL, err_code, outcome, sizeof(outcome));
		gw_log(GW_LOG_WARN, "cp=%s action=GetVariables limits unknown: %s", p->identity, outcome);
		report(p, "GetVariables", outcome, err_desc ? err_desc : "");
	}
	push_send(p, "SetVariables", "setVariableData", p->vars, N_SET, on_set);
}

void v201_boot_push(struct action_ctx *ctx)
{
	struct push *p = gw_calloc(1, sizeof(*p));

	if (!p) {
		gw_log(GW_LOG_WARN, "cp=%s boot push skipped: out of memory", ctx->src.identity);
		return;
	}
	p->env = ctx->env;
	v201_copy(p->identity, sizeof(p->identity), ctx->src.identity);
	snprintf(p->interval, sizeof(p->interval), "%d", ctx->env->cfg->meter_sample_interval_s);
	for (size_t i = 0; i < N_SET; i++) {
		p->vars[i] = set_vars[i];
		if (!p->vars[i].value)
			p->vars[i].value = p->interval;
	}
	push_send(p, "GetVariables", "getVariableData", limit_vars, V201_NWORDS(limit_vars),
		  on_limits);
}
