/* SPDX-License-Identifier: MIT
 *
 * review.c - the reviewer's and the money holder's endpoints (scope
 * review): POST /v1/refund-cases/{id}/decision, POST
 * /v1/refund-cases/{id}/confirm, POST /v1/orders/{number}/appeal.
 *
 * The rules (transitions, money once, events and the credit CDR) live in
 * domain/case_review.c; this file reads the body, runs the change in a
 * store batch and answers with the case as stored.  A conflict with the
 * case's state is 409 with the state in the message.
 */
#include <stdio.h>
#include <string.h>

#include "api/api_int.h"
#include "common/gw_clock.h"
#include "common/gw_err.h"
#include "config.h"
#include "core/env.h"
#include "domain/case_review.h"
#include "store/store.h"

#define REF_MAX 128

/* One change, its arguments and its result; lives for one request. */
struct review_op {
	struct gw_env *env;
	int kind;                /* 0 decide, 1 confirm, 2 appeal */
	int64_t id;              /* case id, or order id for an appeal */
	enum case_decision dec;
	int64_t amount_minor;
	const char *who, *note, *executed_by, *reference;
	struct case_row out;
	const char *why;
};

static int run(void *arg)
{
	struct review_op *r = arg;
	int64_t now = gw_clock_now_ms();

	if (r->kind == 0)
		return domain_case_decide(r->env->domain, r->id, r->dec, r->amount_minor, r->who,
					  r->note, now, &r->out, &r->why);
	if (r->kind == 1)
		return domain_case_confirm(r->env->domain, r->id, r->executed_by, r->reference, now,
					   &r->out, &r->why);
	return domain_order_appeal(r->env->domain, r->id, r->who, r->note, now, &r->out, &r->why);
}

/* Run r and answer: the case, or the error with the domain's reason. */
static int apply(struct api_ctx *c, struct review_op *r, const char *what, int status)
{
	int rc;

	r->env = c->env;
	r->why = "";
	r->who = c->token ? c->token->name : "";
	rc = api_in_batch(c->env, run, r);
	if (rc == GW_ENOTFOUND)
		return api_fail(c, rc, "no %s %s", what, c->param[0]);
	if (rc == GW_ECONFLICT || rc == GW_ECONSTRAINT)
		return api_fail(c, rc, "%s %s: %s", what, c->param[0], r->why ? r->why : "");
	if (rc != GW_OK)
		return rc;
	c->status = status;
	c->body = api_case_json(&r->out);
	return GW_OK;
}

int api_case_decide(struct api_ctx *c)
{
	struct review_op r;
	struct json_object *body = NULL;
	const char *word = NULL;
	int present = 0, rc;

	memset(&r, 0, sizeof(r));
	r.kind = 0;
	if ((rc = api_param_id(c, 0, "refund case", &r.id)) != GW_OK ||
	    (rc = api_body_object(c, &body)) != GW_OK)
		return rc;
	if ((rc = api_body_str(c, body, "decision", 1, 32, &word)) != GW_OK ||
	    (rc = api_body_str(c, body, "note", 0, CASE_NOTE_MAX, &r.note)) != GW_OK ||
	    (rc = api_body_i64(c, body, "amount_minor", 0, &r.amount_minor, &present)) != GW_OK)
		goto out;
	if (case_decision_parse(word, &r.dec) != GW_OK) {
		rc = api_fail(c, GW_ECONSTRAINT,
			      "decision is approve, partial, reject or request_info");
		goto out;
	}
	if (r.dec == CASE_DECIDE_PARTIAL && !present) {
		rc = api_fail(c, GW_ECONSTRAINT, "a partial decision needs amount_minor");
		goto out;
	}
	if (r.dec != CASE_DECIDE_APPROVE && (!r.note || !r.note[0])) {
		rc = api_fail(c, GW_ECONSTRAINT, "a %s decision needs a note", word);
		goto out;
	}
	rc = apply(c, &r, "refund case", 200);
out:
	json_object_put(body);
	return rc;
}

int api_case_confirm(struct api_ctx *c)
{
	struct review_op r;
	struct json_object *body = NULL;
	int rc;

	memset(&r, 0, sizeof(r));
	r.kind = 1;
	if ((rc = api_param_id(c, 0, "refund case", &r.id)) != GW_OK ||
	    (rc = api_body_object(c, &body)) != GW_OK)
		return rc;
	if ((rc = api_body_str(c, body, "executed_by", 1, REF_MAX, &r.executed_by)) == GW_OK &&
	    (rc = api_body_str(c, body, "reference", 1, REF_MAX, &r.reference)) == GW_OK)
		rc = apply(c, &r, "refund case", 200);
	json_object_put(body);
	return rc;
}

int api_order_appeal(struct api_ctx *c)
{
	struct review_op r;
	struct order_row o;
	struct json_object *body = NULL;
	int rc;

	memset(&r, 0, sizeof(r));
	r.kind = 2;
	if ((rc = api_order_lookup(c, c->param[0], &o)) != GW_OK ||
	    (rc = api_body_object(c, &body)) != GW_OK)
		return rc;
	r.id = o.id;
	if ((rc = api_body_str(c, body, "note", 0, CASE_NOTE_MAX, &r.note)) == GW_OK)
		rc = apply(c, &r, "order", 201);
	json_object_put(body);
	if (rc == GW_OK)
		api_add_str(c->body, "order_number", o.number);
	return rc;
}
