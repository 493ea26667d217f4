/* SPDX-License-Identifier: MIT
 *
 * disputes.c - POST /v1/partners/{name}/disputes: a partner platform's
 * inbound events (DESIGN.md "Partners and disputes", issue 5 "Inbound").
 *
 * No bearer token: the request authenticates by its signature, checked
 * before the body is even parsed.  Checklist of one request:
 *   1. {name} is a configured partner, else 404;
 *   2. X-Ocppgw-Signature = HMAC-SHA256(that partner's secret, timestamp +
 *      "." + raw body) and X-Ocppgw-Timestamp within hook_max_skew_s of
 *      now, else 401 (forged, missing, stale or from the future);
 *   3. the envelope {event_id, event_type, occurred_at, data}: 400 for a
 *      missing field or a wrong type, 422 for an unknown event type or a
 *      bad value; the data of the type likewise;
 *   4. one store batch: the event id is claimed in dispute_inbox (seen
 *      before: 200 "duplicate", nothing changes), then the domain acts
 *      (domain/dispute.c) and its events go to the outbox in the same
 *      batch.  A failure rolls the whole batch back, the id included, so
 *      the partner's retry is handled afresh.
 * Answer: 200 {"event_id","event_type","duplicate","dispute":{...}}.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "api/api_int.h"
#include "common/gw_clock.h"
#include "common/gw_err.h"
#include "common/gw_json.h"
#include "common/gw_log.h"
#include "common/gw_time.h"
#include "config.h"
#include "core/env.h"
#include "domain/dispute.h"
#include "hooks/hooks.h"
#include "store/store_api.h"

#define EVENT_ID_MAX 64
#define EVIDENCE_MAX 16384 /* one evidence item's JSON text */

/* One inbound event being handled; lives for one request. */
struct inbound {
	struct api_ctx *c;
	const struct gw_partner *partner;
	const char *event_id;
	const char *event_type;
	int64_t now_ms;
	int kind;                       /* index into types[] */
	/* parsed data */
	struct dispute_open_req open;
	const char *dispute_id;
	const char *reason;
	const char *evidence_kind;
	const char *evidence;           /* JSON text, borrowed from the tree */
	/* outcome */
	int duplicate;
	struct dispute_result res;
};

/* ---- data of each event type --------------------------------------------- */

/* Field name of o as a string: GW_OK; GW_EOCCURRENCE when missing and
 * required (else *out = NULL); GW_ETYPE; GW_ECONSTRAINT past max chars. */
static int get_str(struct api_ctx *c, struct json_object *o, const char *name, int required,
		   size_t max, const char **out)
{
	struct json_object *v = NULL;

	*out = NULL;
	if (!json_object_object_get_ex(o, name, &v) || !v) {
		if (!required)
			return GW_OK;
		return api_fail(c, GW_EOCCURRENCE, "%s is required", name);
	}
	if (!json_object_is_type(v, json_type_string))
		return api_fail(c, GW_ETYPE, "%s must be a string", name);
	*out = json_object_get_string(v);
	if (required && !(*out)[0])
		return api_fail(c, GW_ECONSTRAINT, "%s must not be empty", name);
	if (strlen(*out) > max)
		return api_fail(c, GW_ECONSTRAINT, "%s is longer than %zu characters", name, max);
	return GW_OK;
}

static int parse_opened(struct inbound *in, struct json_object *data)
{
	struct api_ctx *c = in->c;
	struct json_object *v = NULL;
	const char *number = NULL, *cdr = NULL, *currency = NULL, *exec = NULL;
	struct order_row o;
	int rc;

	if ((rc = get_str(c, data, "dispute_id", 1, STORE_DISPUTE_ID_MAX - 1, &in->dispute_id)) ||
	    (rc = get_str(c, data, "order_number", 0, 64, &number)) ||
	    (rc = get_str(c, data, "cdr_id", 0, 64, &cdr)) ||
	    (rc = get_str(c, data, "reason", 1, STORE_EXPLAIN_MAX - 1, &in->reason)) ||
	    (rc = get_str(c, data, "currency", 0, 3, &currency)) ||
	    (rc = get_str(c, data, "executed_by", 1, STORE_EXEC_MAX - 1, &exec)))
		return rc;
	if (!number && !cdr)
		return api_fail(c, GW_EOCCURRENCE, "order_number or cdr_id is required");
	if (!json_object_object_get_ex(data, "amount_minor", &v) || !v)
		return api_fail(c, GW_EOCCURRENCE, "amount_minor is required");
	if (!json_object_is_type(v, json_type_int))
		return api_fail(c, GW_ETYPE, "amount_minor must be an integer (minor units)");
	in->open.claimed_minor = json_object_get_int64(v);
	if (in->open.claimed_minor < 0)
		return api_fail(c, GW_ECONSTRAINT, "amount_minor must be >= 0");
	if (strcmp(exec, "partner") && strcmp(exec, "operator"))
		return api_fail(c, GW_ECONSTRAINT, "executed_by is \"partner\" or \"operator\"");
	/* a CDR's id is its order number (cdr.created) */
	if ((rc = api_order_lookup(c, number ? number : cdr, &o)) != GW_OK)
		return rc;
	if (currency && strcmp(currency, o.currency))
		return api_fail(c, GW_ECONSTRAINT, "currency %s is not the order's (%s)", currency,
				o.currency);
	in->open.partner = in->partner->name;
	in->open.ext_id = in->dispute_id;
	in->open.order_id = o.id;
	in->open.reason = in->reason;
	in->open.currency = currency;
	in->open.executed_by = exec;
	in->open.event_id = in->event_id;
	in->open.now_ms = in->now_ms;
	return GW_OK;
}

static int parse_evidence(struct inbound *in, struct json_object *data)
{
	struct api_ctx *c = in->c;
	struct json_object *v = NULL;
	int rc;

	if ((rc = get_str(c, data, "dispute_id", 1, STORE_DISPUTE_ID_MAX - 1, &in->dispute_id)) ||
	    (rc = get_str(c, data, "kind", 0, 23, &in->evidence_kind)))
		return rc;
	if (!json_object_object_get_ex(data, "evidence", &v) || !v)
		return api_fail(c, GW_EOCCURRENCE, "evidence is required");
	in->evidence = json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN);
	if (!in->evidence)
		return GW_ENOMEM;
	if (strlen(in->evidence) > EVIDENCE_MAX)
		return api_fail(c, GW_ETOOBIG, "evidence is larger than %d bytes", EVIDENCE_MAX);
	return GW_OK;
}

static int parse_withdrawn(struct inbound *in, struct json_object *data)
{
	int rc = get_str(in->c, data, "dispute_id", 1, STORE_DISPUTE_ID_MAX - 1, &in->dispute_id);

	if (rc == GW_OK)
		rc = get_str(in->c, data, "reason", 0, STORE_EXPLAIN_MAX - 1, &in->reason);
	return rc;
}

static int do_opened(struct inbound *in)
{
	return dispute_open(in->c->env->domain, &in->open, &in->res);
}

static int do_evidence(struct inbound *in)
{
	return dispute_evidence_add(in->c->env->domain, in->partner->name, in->dispute_id,
				    in->evidence_kind, in->evidence, in->now_ms, &in->res);
}

static int do_withdrawn(struct inbound *in)
{
	return dispute_withdraw(in->c->env->domain, in->partner->name, in->dispute_id, in->reason,
				in->now_ms, &in->res);
}

/* The inbound event types (STYLE.md 3: a table, not an if-chain). */
static const struct {
	const char *type;
	int (*parse)(struct inbound *in, struct json_object *data);
	int (*apply)(struct inbound *in);
} types[] = {
	{ "dispute.opened", parse_opened, do_opened },
	{ "dispute.evidence_added", parse_evidence, do_evidence },
	{ "dispute.withdrawn", parse_withdrawn, do_withdrawn },
};

/* ---- the batch ------------------------------------------------------------ */

/* Claim the event id, then act (a duplicate id is acknowledged, not
 * applied again); run by api_in_batch: inside a savepoint of the current
 * batch, or of a batch of its own committed there (as commands.c). */
static int claim_and_apply(void *arg)
{
	struct inbound *in = arg;
	int rc = store_dispute_inbox_claim(in->c->env->store, in->partner->name, in->event_id,
					   in->event_type, in->now_ms);

	if (rc == GW_EDUP) {
		in->duplicate = 1;
		return GW_OK;
	}
	return rc == GW_OK ? types[in->kind].apply(in) : rc;
}

static int apply(struct inbound *in)
{
	return api_in_batch(in->c->env, claim_and_apply, in);
}

/* ---- the answer ----------------------------------------------------------- */

static struct json_object *dispute_json(const struct inbound *in)
{
	const struct dispute_row *d = &in->res.dispute;
	struct json_object *j = json_object_new_object();

	api_add_str(j, "dispute_id", d->ext_id);
	api_add_str(j, "state", store_dispute_state_name(d->state));
	api_add_str(j, "outcome", d->outcome);
	api_add_i64(j, "claimed_minor", d->claimed_minor);
	api_add_str(j, "currency", d->currency);
	api_add_str(j, "executed_by", d->executed_by);
	if (in->res.cr.id) {
		struct json_object *cj = api_case_json(&in->res.cr);

		if (in->res.role.owner[0]) {
			api_add_str(cj, "owner", in->res.role.owner);
			api_add_str(cj, "refund_executed_by", in->res.role.executed_by);
		}
		json_object_object_add(j, "case", cj);
	} else {
		json_object_object_add(j, "case", NULL);
	}
	return j;
}

/* Map the domain's answer; c->msg says why. */
static int domain_fail(struct inbound *in, int rc)
{
	struct api_ctx *c = in->c;

	switch (rc) {
	case GW_ENOTFOUND:
		return api_fail(c, rc, "no dispute %s of partner %s", in->dispute_id ? in->dispute_id : "",
				in->partner->name);
	case GW_ECONFLICT:
		if (in->kind == 0)
			return api_fail(c, rc, "the order belongs to another platform or is not settled");
		return api_fail(c, rc, "dispute %s was withdrawn", in->dispute_id);
	case GW_ECONSTRAINT:
		return api_fail(c, rc, "the dispute does not fit its order");
	default:
		return rc;
	}
}

/* Steps 2-4 of the file header for an already found partner. */
static int receive(struct api_ctx *c, const struct gw_partner *p, const char *ts, const char *sig)
{
	struct inbound in;
	struct json_object *body = NULL, *data = NULL;
	const char *occurred = NULL;
	int64_t at_ms;
	int rc;

	memset(&in, 0, sizeof(in));
	in.c = c;
	in.partner = p;
	in.now_ms = gw_clock_now_ms();
	rc = hook_verify(p->secret, ts ? ts : "", sig ? sig : "", c->rq->body, c->rq->body_len,
			 in.now_ms / 1000, c->env->cfg->hook_max_skew_s);
	if (rc != GW_OK) {
		gw_log(GW_LOG_NOTICE, "api peer=%s partner=%s dispute event refused: %s", c->rq->peer,
		       p->name, rc == GW_ETIMEOUT ? "stale timestamp" : "bad signature");
		return api_fail(c, GW_EAUTH, rc == GW_ETIMEOUT ?
				"the timestamp is too old or in the future" :
				"missing or bad " HOOK_HDR_SIGNATURE);
	}
	if ((rc = api_body_object(c, &body)) != GW_OK)
		return rc;
	if ((rc = get_str(c, body, "event_id", 1, EVENT_ID_MAX, &in.event_id)) ||
	    (rc = get_str(c, body, "event_type", 1, 64, &in.event_type)) ||
	    (rc = get_str(c, body, "occurred_at", 1, 64, &occurred)))
		goto out;
	if (gw_time_parse(occurred, strlen(occurred), &at_ms) != GW_OK) {
		rc = api_fail(c, GW_ECONSTRAINT, "occurred_at must be an RFC 3339 time");
		goto out;
	}
	if (!json_object_object_get_ex(body, "data", &data) || !data) {
		rc = api_fail(c, GW_EOCCURRENCE, "data is required");
		goto out;
	}
	if (!json_object_is_type(data, json_type_object)) {
		rc = api_fail(c, GW_ETYPE, "data must be an object");
		goto out;
	}
	in.kind = -1;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcmp(types[i].type, in.event_type))
			in.kind = (int)i;
	if (in.kind < 0) {
		rc = api_fail(c, GW_ECONSTRAINT, "unknown event_type %s", in.event_type);
		goto out;
	}
	if ((rc = types[in.kind].parse(&in, data)) != GW_OK)
		goto out;
	if ((rc = apply(&in)) != GW_OK) {
		rc = domain_fail(&in, rc);
		goto out;
	}
	gw_log(GW_LOG_INFO, "api partner=%s event=%s %s%s", p->name, in.event_id, in.event_type,
	       in.duplicate ? ": duplicate, nothing changed" : "");
	c->body = json_object_new_object();
	api_add_str(c->body, "event_id", in.event_id);
	api_add_str(c->body, "event_type", in.event_type);
	api_add_bool(c->body, "duplicate", in.duplicate);
	if (!in.duplicate)
		json_object_object_add(c->body, "dispute", dispute_json(&in));
out:
	json_object_put(body);
	return rc;
}

int api_dispute_receive(struct api_ctx *c, const char *ts, const char *sig)
{
	const struct gw_config *cfg = c->env->cfg;

	for (int i = 0; i < cfg->n_partners; i++)
		if (!strcmp(cfg->partners[i].name, c->param[0]))
			return receive(c, &cfg->partners[i], ts, sig);
	return api_fail(c, GW_ENOTFOUND, "no partner %s", c->param[0]);
}

int api_dispute_post(struct api_ctx *c)
{
	return api_dispute_receive(c, c->rq->hook_timestamp, c->rq->hook_signature);
}
