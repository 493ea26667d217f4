/* SPDX-License-Identifier: MIT
 *
 * boot.c - BootNotification and Heartbeat: the pile's identity card, its
 * registration state and its signs of life.
 *
 * BootNotification sets the connection's registration (*ctx->registration),
 * which the dispatcher checks against ACT_PRE_BOOT for every later CALL
 * (see actions.c for what 1.6 allows before Accepted).  After an Accepted
 * boot the detector configuration is pushed (config_push.c); those
 * commands leave after this reply.  Both answers carry our clock, which is
 * how a 1.6 pile sets its time.
 */
#include <stddef.h>

#include "common/gw_clock.h"
#include "common/gw_err.h"
#include "config.h"
#include "core/env.h"
#include "ocpp16/v16.h"

struct boot_field {
	const char *key; /* BootNotification.req member */
	size_t off;      /* char array inside struct boot_report */
	size_t cap;
};

#define BOOT_FIELD(key, f) \
	{key, offsetof(struct boot_report, f), sizeof(((struct boot_report *)0)->f)}

/* chargeBoxSerialNumber is deprecated in 1.6: used only when
 * chargePointSerialNumber is absent (boot_read). */
static const struct boot_field boot_fields[] = {
	BOOT_FIELD("chargePointVendor", vendor),
	BOOT_FIELD("chargePointModel", model),
	BOOT_FIELD("chargePointSerialNumber", serial),
	BOOT_FIELD("firmwareVersion", firmware),
	BOOT_FIELD("iccid", iccid),
	BOOT_FIELD("imsi", imsi),
	BOOT_FIELD("meterType", meter_type),
	BOOT_FIELD("meterSerialNumber", meter_serial),
};

static const char *const reg_names[] = {
	[REG_ACCEPTED] = "Accepted",
	[REG_PENDING] = "Pending",
	[REG_REJECTED] = "Rejected",
};

static void boot_read(struct json_object *req, struct boot_report *b)
{
	for (size_t i = 0; i < sizeof(boot_fields) / sizeof(boot_fields[0]); i++)
		v16_copy_text(req, boot_fields[i].key, (char *)b + boot_fields[i].off,
			      boot_fields[i].cap);
	if (!b->serial[0])
		v16_copy_text(req, "chargeBoxSerialNumber", b->serial, sizeof(b->serial));
}

int v16_boot_notification(struct action_ctx *ctx, struct json_object *req)
{
	struct boot_report b = {0};
	struct boot_result r = {0};
	struct json_object *resp;
	int rc;

	boot_read(req, &b);
	rc = domain_boot(ctx->domain, &ctx->src, &b, &r);
	if (rc != GW_OK)
		return v16_domain_failed(ctx, "domain_boot", rc);
	if ((int)r.status < 0 || (size_t)r.status >= sizeof(reg_names) / sizeof(reg_names[0]))
		r.status = REG_PENDING; /* a state we cannot name is not an acceptance */
	resp = json_object_new_object();
	rc = resp ? v16_add_str(resp, "status", reg_names[r.status]) : GW_ENOMEM;
	if (rc == GW_OK)
		rc = v16_add_time(resp, "currentTime", gw_clock_now_ms());
	if (rc == GW_OK)
		rc = v16_add_int(resp, "interval", r.interval_s > 0 ? r.interval_s : 0);
	rc = v16_reply(ctx, resp, rc);
	if (rc != GW_OK)
		return rc;
	if (ctx->registration)
		*ctx->registration = r.status;
	if (r.status == REG_ACCEPTED && ctx->env && ctx->env->cfg->push_config_on_boot)
		v16_config_push(ctx);
	return GW_OK;
}

int v16_heartbeat(struct action_ctx *ctx, struct json_object *req)
{
	struct json_object *resp;
	int rc;

	(void)req; /* HeartbeatRequest is {} */
	rc = domain_heartbeat(ctx->domain, &ctx->src);
	if (rc != GW_OK)
		return v16_domain_failed(ctx, "domain_heartbeat", rc);
	resp = json_object_new_object();
	rc = resp ? v16_add_time(resp, "currentTime", gw_clock_now_ms()) : GW_ENOMEM;
	return v16_reply(ctx, resp, rc);
}
