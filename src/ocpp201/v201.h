/* SPDX-License-Identifier: MIT
 *
 * v201.h - internals of the OCPP 2.0.1 room: the handlers named by the
 * table in actions.c and the translation helpers they share.
 *
 * Every handler has the action_fn contract of rpc/action.h: the request
 * was validated against "<Action>Request" before it runs, it translates
 * the payload into vocab.h structs, calls the domain, and on GW_OK leaves
 * the CALLRESULT payload in ctx->response.  On error ctx->response stays
 * NULL and the dispatcher maps the code (GW_ESTORE on an ACT_TX row closes
 * the connection).  Nothing here is visible outside src/ocpp201/.
 */
#ifndef OCPP201_V201_H
#define OCPP201_V201_H
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "domain/vocab.h"
#include "rpc/action.h"

/* ---------------------------------------------------------------------------
 * Handlers, one per station-to-CSMS action (files by message family)
 * ------------------------------------------------------------------------- */

action_fn v201_boot_notification; /* boot.c */
action_fn v201_heartbeat;
action_fn v201_status_notification; /* status.c */
action_fn v201_authorize;           /* authorize.c */
action_fn v201_transaction_event;   /* transaction.c */
action_fn v201_meter_values;        /* meter.c */
action_fn v201_notify_event;        /* reports.c */
action_fn v201_notify_report;
action_fn v201_notify_monitoring_report;
action_fn v201_notify_customer_information;
action_fn v201_notify_display_messages;
action_fn v201_security_event_notification;
action_fn v201_reservation_status_update;
action_fn v201_data_transfer;
action_fn v201_notify_charging_limit; /* charging.c */
action_fn v201_cleared_charging_limit;
action_fn v201_notify_ev_charging_needs;
action_fn v201_notify_ev_charging_schedule;
action_fn v201_report_charging_profiles;
action_fn v201_sign_certificate; /* certs.c */
action_fn v201_get_15118_ev_certificate;
action_fn v201_get_certificate_status;
action_fn v201_firmware_status_notification; /* firmware.c */
action_fn v201_publish_firmware_status_notification;
action_fn v201_log_status_notification;

/* boot_push.c: after an Accepted boot, read the pile's message limits
 * (GetVariables) and then push the detector configuration (SetVariables),
 * recording every answer through the domain.  Failures are logged, never
 * returned: a boot is Accepted whether or not the push could be queued. */
void v201_boot_push(struct action_ctx *ctx);

/* ---------------------------------------------------------------------------
 * Reading requests (translate.c).  Objects are borrowed from the request.
 * ------------------------------------------------------------------------- */

/* A word -> value row; tables are small and searched linearly. */
struct v201_word {
	const char *name;
	int value;
};

/* value of the row named name, dflt if name is NULL or not in the table. */
int v201_word_find(const struct v201_word *t, size_t n, const char *name, int dflt);
/* name of the first row with value, dflt if none. */
const char *v201_word_name(const struct v201_word *t, size_t n, int value, const char *dflt);

#define V201_NWORDS(t) (sizeof(t) / sizeof((t)[0]))

/* Copy src (NULL = "") into dst of cap bytes, cut at a UTF-8 boundary:
 * the schema bounds strings in code points, our fields in bytes. */
void v201_copy(char *dst, size_t cap, const char *src);

/* Member key of o if it is an object / array, else NULL. */
struct json_object *v201_obj(struct json_object *o, const char *key);
struct json_object *v201_arr(struct json_object *o, const char *key);
/* Items of an array member (0 if absent or not an array). */
size_t v201_arr_len(struct json_object *o, const char *key);

/* Integer member into *out: dflt when absent (o NULL included);
 * GW_ECONSTRAINT when it does not fit an int (the schema bounds few
 * integers from above); GW_ETYPE when it is not an integer. */
int v201_get_int(struct json_object *o, const char *key, int dflt, int *out);
/* Boolean member, dflt when absent. */
int v201_get_flag(struct json_object *o, const char *key, int dflt);
/* date-time member into ms since the epoch; 0 when absent;
 * GW_ECONSTRAINT if unreadable (the schema checked the format). */
int v201_get_time(struct json_object *o, const char *key, int64_t *at_ms);

/* IdTokenType -> id (VOCAB_TOKEN_MAX + 1) and type (21 bytes); "" when
 * tok is NULL. */
void v201_id_token(struct json_object *tok, char *id, char *type);
/* EVSEType -> ids; both 0 when evse is NULL (for a transaction EVSE 0 is
 * never valid, so 0 reads "not stated").  GW_ECONSTRAINT if an id does not
 * fit an int. */
int v201_evse(struct json_object *evse, int *evse_id, int *connector_id);

/* ComponentType + VariableType -> device_var; attribute NULL = "Actual". */
int v201_device_var(struct json_object *component, struct json_object *variable,
		    const char *attribute, const char *value, struct device_var *out);

/* ---------------------------------------------------------------------------
 * Building responses (translate.c).  Sticky errors: every call after a
 * failure only releases what it was given, so a handler builds its answer
 * as a straight list and checks once, in v201_respond().
 * ------------------------------------------------------------------------- */

/* Add val (ownership taken, also on failure) under key; *rc = GW_ENOMEM if
 * val or o is NULL or the add fails.  No-op (val put) if *rc is set. */
void v201_put(int *rc, struct json_object *o, const char *key, struct json_object *val);
/* Same with a string value; nothing is added when val is NULL. */
void v201_put_str(int *rc, struct json_object *o, const char *key, const char *val);
/* "currentTime"-style value: at_ms as RFC 3339 UTC with milliseconds. */
struct json_object *v201_json_time(int64_t at_ms);
/* {reasonCode, additionalInfo?}; NULL on allocation failure. */
struct json_object *v201_status_info(const char *reason, const char *info);
/* IdTokenInfoType from the domain's answer: status, cacheExpiryDateTime
 * when expiry_ms, groupIdToken {idToken, "Central"} when group_id. */
struct json_object *v201_id_token_info(const struct auth_info *auth);
/* Wire word of an auth status ("Accepted", "NoCredit", ...). */
const char *v201_auth_word(enum auth_status s);

/* How a command we sent ended, in the words ocpp16/cmd.c records: the
 * answer's "status" (or "Answered"), CallError:<code>, Timeout, Closed,
 * Failed:<reason>. */
void v201_outcome_word(int status, struct json_object *payload, const char *err_code, char *buf,
		       size_t cap);

/* Hand resp to ctx on rc == GW_OK (ctx owns it from then on), else put it.
 * Returns rc. */
int v201_respond(struct action_ctx *ctx, struct json_object *resp, int rc);
/* The common answers: {} and {"status": word}. */
int v201_respond_empty(struct action_ctx *ctx);

/* ---------------------------------------------------------------------------
 * Meter values (samples.c) and money (cost.c)
 * ------------------------------------------------------------------------- */

/* MeterValueType[] -> normalized samples, every sampledValue of every
 * meterValue in order.  Units are normalized (unitOfMeasure.unit and
 * multiplier); a unit that does not fit its measurand is kept as
 * MEAS_OTHER with the raw scaled value ("accept, then flag"), never an
 * error.  *out is gw_calloc'd (gw_free; NULL when there are none), *n its
 * length.  GW_OK, GW_ENOMEM, GW_ECONSTRAINT (unreadable timestamp). */
int v201_samples(struct json_object *meter_values, int evse_id, int connector_id,
		 struct meter_sample **out, size_t *n);

/* A decimal JSON number for amount_minor of ISO 4217 currency, formatted
 * from integers ("12.34", "-0.05", "1500" for JPY) so no float rounding can
 * show on the wire.  NULL on allocation failure. */
struct json_object *v201_cost_json(int64_t amount_minor, const char *currency);
/* Minor-unit exponent of currency (2 when unknown). */
int v201_currency_exp(const char *currency);

/* ---------------------------------------------------------------------------
 * Reports the gateway keeps but does not judge (summary.c)
 * ------------------------------------------------------------------------- */

/* How one notification becomes a struct pile_report and its answer. */
struct v201_report_spec {
	const char *kind;        /* the action name */
	const char *status_path; /* member giving the main word ("a.b" ok); NULL = "" */
	const char *time_key;    /* date-time member for pile_ms; NULL = none */
	const char *detail[5];   /* members summarised "k=v" in detail; "#k" =
	                          * item count of array k; NULL-terminated */
	const char *answer;      /* response status word; NULL = {} */
	const char *answer_reason; /* statusInfo.reasonCode with the answer, or NULL */
	const char *answer_info;   /* statusInfo.additionalInfo, or NULL */
};

/* Fill rep from req per spec (no domain call). */
int v201_report_fill(struct json_object *req, const struct v201_report_spec *spec,
		     struct pile_report *rep);
/* "requestId=3 seqNo=0 tbc=true" from the NULL-terminated keys, appended
 * to buf (cap bytes, always NUL-terminated). */
void v201_summarise(struct json_object *req, const char *const *keys, char *buf, size_t cap);
/* Append "label=val" (space-separated) to buf; silently cut at cap. */
void v201_detail_append(char *buf, size_t cap, const char *label, const char *val);
/* fill, domain_pile_report, answer per spec. */
int v201_report_simple(struct action_ctx *ctx, struct json_object *req,
		       const struct v201_report_spec *spec);
/* The answer alone: {} or {status[, statusInfo]}. */
int v201_report_answer(struct action_ctx *ctx, const struct v201_report_spec *spec);

#endif
