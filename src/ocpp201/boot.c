/* SPDX-License-Identifier: MIT
 *
 * boot.c - BootNotification and Heartbeat (2.0.1 use cases B01-B03, G02).
 *
 * BootNotification is the only row allowed before the pile is Accepted
 * (ACT_PRE_BOOT); it sets the connection's registration state, which the
 * dispatcher then enforces for every other CALL (errata 3.10 / B02.FR.09).
 * After an Accepted boot the detector configuration is pushed
 * (boot_push.c); the commands leave after this reply (core/command.h).
 */
#include "common/gw_clock.h"
#include "common/gw_err.h"
#include "common/gw_json.h"
#include "config.h"
#include "core/env.h"
#include "ocpp201/v201.h"

static const struct v201_word reg_words[] = {
	{"Accepted", REG_ACCEPTED},
	{"Pending", REG_PENDING},
	{"Rejected", REG_REJECTED},
};

static void boot_translate(struct json_object *req, struct boot_report *b)
{
	struct json_object *cs = v201_obj(req, "chargingStation");
	struct json_object *modem = v201_obj(cs, "modem");

	v201_copy(b->vendor, sizeof(b->vendor), gw_json_get_str(cs, "vendorName", NULL));
	v201_copy(b->model, sizeof(b->model), gw_json_get_str(cs, "model", NULL));
	v201_copy(b->serial, sizeof(b->serial), gw_json_get_str(cs, "serialNumber", NULL));
	v201_copy(b->firmware, sizeof(b->firmware), gw_json_get_str(cs, "firmwareVersion", NULL));
	v201_copy(b->iccid, sizeof(b->iccid), gw_json_get_str(modem, "iccid", NULL));
	v201_copy(b->imsi, sizeof(b->imsi), gw_json_get_str(modem, "imsi", NULL));
	v201_copy(b->reason, sizeof(b->reason), gw_json_get_str(req, "reason", NULL));
	/* 2.0.1 has no meter type / serial in the boot: they stay "" */
}

int v201_boot_notification(struct action_ctx *ctx, struct json_object *req)
{
	struct boot_report boot = {0};
	struct boot_result res = {0};
	struct json_object *resp;
	int rc;

	boot_translate(req, &boot);
	if ((rc = domain_boot(ctx->domain, &ctx->src, &boot, &res)))
		return rc;
	resp = json_object_new_object();
	v201_put(&rc, resp, "currentTime", v201_json_time(gw_clock_now_ms()));
	v201_put(&rc, resp, "interval", json_object_new_int(res.interval_s));
	v201_put_str(&rc, resp, "status",
		     v201_word_name(reg_words, V201_NWORDS(reg_words), res.status, "Rejected"));
	if ((rc = v201_respond(ctx, resp, rc)))
		return rc;
	if (ctx->registration)
		*ctx->registration = res.status;
	if (res.status == REG_ACCEPTED && ctx->env && ctx->env->cfg &&
	    ctx->env->cfg->push_config_on_boot)
		v201_boot_push(ctx);
	return GW_OK;
}

int v201_heartbeat(struct action_ctx *ctx, struct json_object *req)
{
	struct json_object *resp;
	int rc;

	(void)req; /* HeartbeatRequest carries nothing but customData */
	if ((rc = domain_heartbeat(ctx->domain, &ctx->src)))
		return rc;
	resp = json_object_new_object();
	v201_put(&rc, resp, "currentTime", v201_json_time(gw_clock_now_ms()));
	return v201_respond(ctx, resp, rc);
}
