/* SPDX-License-Identifier: MIT
 *
 * config_push.c - after an Accepted BootNotification, set the configuration
 * keys the billing detectors depend on (DESIGN.md "Configuration pushed at
 * boot") with one ChangeConfiguration each, and record every answer.
 *
 * How an answer is recorded (domain_device_vars, one call per answer), in
 * the device-model terms vocab.h already has - a 1.6 key is component ""
 * and variable = key - with 2.0.1's attribute meanings:
 *   - {"", key, "Target", pushed value}: what we asked for, always;
 *   - {"", key, "Actual", pushed value}: what the pile now applies, only
 *     when it answered Accepted - the same row a GetConfiguration answer
 *     writes, so a detector reads "Actual" and never cares where it came
 *     from (RebootRequired applies after the reboot, whose own boot pushes
 *     again);
 *   - {"OcppgwConfigPush", key, "Actual", outcome}: the answer word
 *     (Accepted, Rejected, RebootRequired, NotSupported) or
 *     CallError:<code> / Timeout / Closed (cmd.c).  It lives under our own
 *     component so that the pile's key namespace holds only real keys.
 */
#include <stdio.h>
#include <string.h>

#include "common/gw_alloc.h"
#include "common/gw_err.h"
#include "common/gw_log.h"
#include "config.h"
#include "core/command.h"
#include "core/env.h"
#include "ocpp16/v16.h"

#define PUSH_COMPONENT "OcppgwConfigPush"

struct push_row {
	const char *key;
	const char *value; /* NULL: ocpp.meter_sample_interval_s of the config */
};

/* One push of one row; from push_one until its answer is recorded. */
struct push_one {
	const struct push_row *row;
	const char *value; /* what was sent: row->value or buf */
	char buf[16];      /* the configured interval, as text */
};

static const struct push_row push_rows[] = {
	{"MeterValueSampleInterval", NULL},
	{"MeterValuesSampledData", "Energy.Active.Import.Register,Power.Active.Import,Current.Import"},
	{"ClockAlignedDataInterval", "900"},
	{"StopTransactionOnEVSideDisconnect", "true"},
};

static void set_var(struct device_var *v, const char *component, const char *key,
		    const char *attribute, const char *value)
{
	memset(v, 0, sizeof(*v));
	snprintf(v->component, sizeof(v->component), "%s", component);
	snprintf(v->variable, sizeof(v->variable), "%s", key);
	snprintf(v->attribute, sizeof(v->attribute), "%s", attribute);
	snprintf(v->value, sizeof(v->value), "%s", value);
	v->evse_id = -1;
	v->connector_id = -1;
}

/* gw_reply_fn: called once per queued ChangeConfiguration. */
static void push_answered(void *arg, int status, struct json_object *payload, const char *err_code,
			  const char *err_desc)
{
	struct v16_cmd *c = arg;
	struct push_one *one = (struct push_one *)c->row;
	const struct push_row *row = one->row;
	struct domain_src src = v16_cmd_src(c);
	struct device_var vars[3];
	char outcome[64];
	size_t n = 0;
	int rc;

	(void)err_desc;
	v16_cmd_outcome(status, payload, err_code, outcome, sizeof(outcome));
	set_var(&vars[n++], "", row->key, "Target", one->value);
	set_var(&vars[n++], PUSH_COMPONENT, row->key, "Actual", outcome);
	if (!strcmp(outcome, "Accepted"))
		set_var(&vars[n++], "", row->key, "Actual", one->value);
	rc = domain_device_vars(c->domain, &src, vars, n);
	gw_log(rc == GW_OK ? GW_LOG_INFO : GW_LOG_WARN,
	       "cp=%s action=ChangeConfiguration key=%s %s%s%s", c->identity, row->key, outcome,
	       rc == GW_OK ? "" : ", not recorded: ", rc == GW_OK ? "" : gw_strerror(rc));
	gw_free(one);
	v16_cmd_free(c);
}

static int push_one(struct action_ctx *ctx, const struct push_row *row)
{
	struct json_object *payload = json_object_new_object();
	struct push_one *one = gw_calloc(1, sizeof(*one));
	struct v16_cmd *c = one ? v16_cmd_new(ctx, one) : NULL;
	int rc = payload && c ? GW_OK : GW_ENOMEM;

	if (one) {
		one->row = row;
		one->value = row->value ? row->value : one->buf;
		snprintf(one->buf, sizeof(one->buf), "%d", ctx->env->cfg->meter_sample_interval_s);
	}
	if (rc == GW_OK)
		rc = v16_add_str(payload, "key", row->key);
	if (rc == GW_OK)
		rc = v16_add_str(payload, "value", one->value);
	if (rc == GW_OK)
		rc = gw_command_send(ctx->env, c->identity, "ChangeConfiguration", payload, 0,
				     push_answered, c);
	if (rc != GW_OK) { /* the callback will not run: c is still ours */
		gw_log(GW_LOG_WARN, "cp=%s action=ChangeConfiguration key=%s not queued: %s",
		       ctx->src.identity, row->key, gw_strerror(rc));
		gw_free(one);
		v16_cmd_free(c);
	}
	json_object_put(payload); /* gw_command_send took its own reference */
	return rc;
}

int v16_config_push(struct action_ctx *ctx)
{
	int queued = 0;

	for (size_t i = 0; i < sizeof(push_rows) / sizeof(push_rows[0]); i++)
		queued += push_one(ctx, &push_rows[i]) == GW_OK;
	return queued;
}
