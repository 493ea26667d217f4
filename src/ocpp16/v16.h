/* SPDX-License-Identifier: MIT
 *
 * v16.h - inside the OCPP 1.6 room: the handlers that actions.c puts in the
 * table, and the small helpers they share to read payloads and build
 * answers.  Nothing outside src/ocpp16/ includes this; the rest of the
 * gateway sees only `v16_actions` (rpc/action.h).
 *
 * Every handler runs after the dispatcher validated the request against
 * schemas/ocpp1.6/<Action>Request.json, so required members are present
 * and typed; handlers still never trust a length in bytes (maxLength counts
 * code points) nor an integer's range beyond what the schema says.
 */
#ifndef OCPP16_V16_H
#define OCPP16_V16_H
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "rpc/action.h"

/* ---- handlers, one per CP->CS action (each file owns its messages) ---- */

action_fn v16_authorize;                  /* authorize.c */
action_fn v16_boot_notification;          /* boot.c */
action_fn v16_heartbeat;                  /* boot.c */
action_fn v16_data_transfer;              /* reports.c */
action_fn v16_diagnostics_status;         /* reports.c */
action_fn v16_firmware_status;            /* reports.c */
action_fn v16_log_status;                 /* reports.c */
action_fn v16_security_event;             /* reports.c */
action_fn v16_signed_firmware_status;     /* reports.c */
action_fn v16_meter_values;               /* meter.c */
action_fn v16_start_transaction;          /* transaction.c */
action_fn v16_stop_transaction;           /* transaction.c */
action_fn v16_status_notification;        /* status.c */
action_fn v16_sign_certificate;           /* certs.c */

/* ---- payload.c: reading requests, writing answers -------------------- */

/* Copy the string member key of obj into dst (cap bytes with the NUL),
 * cut at a UTF-8 character boundary if it does not fit: for free text only
 * (vendor, info, techInfo), never for identifiers.  dst is "" when the
 * member is absent.  Returns 1 if present, 0 if absent. */
int v16_copy_text(struct json_object *obj, const char *key, char *dst, size_t cap);

/* Copy an id token (idTag) whole into dst.  Returns 1 (copied), 0 (absent,
 * dst ""), or GW_ECONSTRAINT when it does not fit in VOCAB_TOKEN_MAX bytes:
 * a 20-character idTag of multi-byte characters can exceed it, and a cut
 * token would be another token, so dst is "" and the caller refuses it. */
int v16_copy_token(struct json_object *obj, const char *key, char dst[VOCAB_TOKEN_MAX + 1]);

/* Integer member that must fit an int (connectorId, reservationId...).
 * *out = dflt when absent.  GW_OK or GW_ECONSTRAINT (outside int range),
 * with ctx->err_desc naming the member. */
int v16_get_int(struct action_ctx *ctx, struct json_object *obj, const char *key, int dflt,
		int *out);

/* Date-time member as ms since the epoch; *at_ms = 0 when absent.
 * GW_OK, or GW_ECONSTRAINT (unreadable; the schema's format check should
 * have caught it) with ctx->err_desc set. */
int v16_get_time(struct action_ctx *ctx, struct json_object *obj, const char *key,
		 int64_t *at_ms);

/* Add members to an answer under construction.  json-c takes the new value;
 * GW_OK or GW_ENOMEM (resp unchanged then). */
int v16_add_str(struct json_object *resp, const char *key, const char *s);
int v16_add_int(struct json_object *resp, const char *key, int64_t v);
int v16_add_time(struct json_object *resp, const char *key, int64_t at_ms);

/* Hand an answer to the dispatcher.  rc is how building resp went: on
 * GW_OK ctx owns resp afterwards; otherwise resp (NULL ok) is put and rc
 * returned.  A NULL resp with GW_OK (allocation failed) gives GW_ENOMEM. */
int v16_reply(struct action_ctx *ctx, struct json_object *resp, int rc);

/* Answer {} (every notification's .conf). */
int v16_reply_empty(struct action_ctx *ctx);

/* Record a domain failure in ctx->err_desc and return rc unchanged. */
int v16_domain_failed(struct action_ctx *ctx, const char *what, int rc);

/* ---- idtag.c: idTagInfo ---------------------------------------------- */

/* The 1.6 word for a status: AUTH_UNKNOWN answers "Invalid" and
 * AUTH_NO_CREDIT "Blocked" (2.0.1-only states); never NULL. */
const char *v16_auth_status_name(enum auth_status s);

/* Add "idTagInfo": {status, expiryDate?, parentIdTag?} for a to resp.
 * GW_OK or GW_ENOMEM (resp unchanged).  A group id longer than 1.6's
 * 20-character parentIdTag is left out rather than sent invalid. */
int v16_add_id_tag_info(struct json_object *resp, const struct auth_info *a);

/* ---- sample.c: meterValue[] -> struct meter_sample[] ----------------- */

/* Translate a meterValue array (MeterValues.meterValue,
 * StopTransaction.transactionData; NULL = none) into *out, a gw_calloc'd
 * array of *n samples that the caller frees with gw_free (NULL when *n is
 * 0).  Every sample gets evse_id = connector_id = connector_id.  A value
 * that is not a plain decimal (SignedData, "abc") is kept, measurand
 * MEAS_OTHER so no detector judges it; so is a unit that does not fit its
 * measurand.  GW_OK, GW_ENOMEM, GW_ECONSTRAINT (unreadable timestamp). */
int v16_samples_parse(struct action_ctx *ctx, struct json_object *meter_values, int connector_id,
		      struct meter_sample **out, size_t *n);

/* ---- config_push.c ---------------------------------------------------- */

/* After an Accepted BootNotification: queue the ChangeConfiguration
 * commands the detectors rely on (DESIGN.md "Configuration pushed at
 * boot"); each answer is recorded through domain_device_vars when it
 * arrives.  Failures to queue are logged, never change the boot answer.
 * Returns the number of commands queued. */
int v16_config_push(struct action_ctx *ctx);

/* ---- cmd.c: what a queued command needs when its answer comes -------- */

/* One per queued command; freed by v16_cmd_free in its callback (or by
 * the caller when gw_command_send fails, since cb is then never called). */
struct v16_cmd {
	struct domain *domain;
	char identity[GW_IDENTITY_MAX + 1];
	const void *row; /* the caller's static description of the command */
};

/* New v16_cmd for ctx's pile, or NULL (out of memory). */
struct v16_cmd *v16_cmd_new(const struct action_ctx *ctx, const void *row);
void v16_cmd_free(struct v16_cmd *c);

/* The source to hand the domain when an answer arrives (no frame of ours:
 * msg_id "", frame_seq 0, recv_ms = now).  Borrows c. */
struct domain_src v16_cmd_src(const struct v16_cmd *c);

/* One word for how a command ended, written into buf (cap >= 48): the
 * pile's "status" member on GW_OK ("Accepted", "RebootRequired", ...),
 * "CallError:<code>", "Timeout" or "Closed". */
void v16_cmd_outcome(int status, struct json_object *payload, const char *err_code, char *buf,
		     size_t cap);

#endif
