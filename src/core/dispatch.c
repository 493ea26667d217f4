/* SPDX-License-Identifier: MIT
 *
 * dispatch.c - one inbound message, from bytes to a parked reply.
 *
 * Order matters and is the whole point of this file:
 *   1. every frame, even a malformed one, is appended to the raw frame log
 *      (evidence, hash-chained per pile) inside this turn's batch;
 *   2. a CALL is checked in one place, as the action row's flags say
 *      (duplicate id, known action, boot state, schema) before its handler
 *      runs inside a savepoint, so a failed frame undoes only itself;
 *   3. the reply is parked on the connection; batch.c commits the turn and
 *      only then writes it (persist, then reply: PROTOCOL.md 1.4 rule 1).
 * A storage failure on an ACT_TX action closes the connection instead of
 * answering (the pile keeps the message queued: PROTOCOL.md 1.4 rule 3).
 *
 * Exception to 1 (issue 3): a Heartbeat CALL and its CALLRESULT are not
 * written to the raw frame log, and its handler runs without a savepoint
 * (it only touches the pile's last-seen time).  A Heartbeat carries
 * nothing and is the most frequent message of all; logging it cost two
 * hash-chained rows and their index entries per message.  Its trace is
 * piles.last_seen_ms (written in the same batch, so it is durable when the
 * answer leaves) and the count in struct dispatch_stats.  A Heartbeat that
 * is refused (bad payload, duplicate id, not booted) is logged, both ways,
 * like any other frame: an anomaly is evidence.  store/README.md says the
 * same for readers of the frame log.
 */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "common/gw_alloc.h"
#include "common/gw_clock.h"
#include "common/gw_err.h"
#include "common/gw_log.h"
#include "config.h"
#include "core/conn.h"
#include "core/env.h"
#include "core/metrics_actions.h"
#include "rpc/action.h"
#include "rpc/rpc.h"
#include "schema/schema.h"
#include "store/store.h"
#include "transport/transport.h"

static const struct action_table *table_of(enum ocpp_version v)
{
	return v == OCPP_201 ? &v201_actions : &v16_actions;
}

/* Actions whose accepted CALL and CALLRESULT stay out of the frame log. */
static int quiet_action(const char *action)
{
	return action && strcmp(action, "Heartbeat") == 0;
}

/* The inbound frame of a quiet CALL that is being refused after all: it
 * goes to the frame log now, before its CALLERROR.  raw == NULL: already
 * logged. */
static void log_late(struct dispatch *d, struct pile_conn *c, const struct rpc_frame *f,
		     const char *raw, size_t raw_len)
{
	if (raw)
		dispatch_frame_log(d, c, FRAME_IN, f->id, RPC_CALL, f->action, raw, raw_len, NULL);
}

const struct schema_set *dispatch_schemas(const struct dispatch *d, enum ocpp_version v)
{
	return v == OCPP_201 ? d->env->schemas_201 : d->env->schemas_16;
}

/* Park text for the pile; it leaves after this turn's commit. */
static int park(struct dispatch *d, struct pile_conn *c, char *buf, size_t len, const char *id)
{
	struct parked *p = gw_calloc(1, sizeof(*p));

	if (!p) {
		gw_free(buf);
		return GW_ENOMEM;
	}
	p->buf = buf;
	p->len = len;
	snprintf(p->id, sizeof(p->id), "%s", id ? id : "");
	if (c->park_tail)
		c->park_tail->next = p;
	else
		c->park_head = p;
	c->park_tail = p;
	dispatch_mark_flush(d, c);
	return GW_OK;
}

/* Build, log and park a CALLERROR for a CALL id (or "-1"). */
static void answer_error(struct dispatch *d, struct pile_conn *c, const struct rpc_frame *f,
			 const struct action_row *row, int parse_rc, int err, const char *desc)
{
	char *out = NULL;
	size_t len = 0;
	int rc;

	const char *code = rpc_error_code_frame(c->version, err, parse_rc ? f : NULL);

	if (parse_rc)
		rc = rpc_build_error_frame(c->version, f, err, desc, &out, &len);
	else
		rc = rpc_build_error(c->version, f->id, err, desc, &out, &len);
	gw_log(GW_LOG_INFO, "cp=%s msg=%s action=%s rejected: %s (%s)", c->identity, f->id,
	       f->action ? f->action : "-", code ? code : "ignored", desc ? desc : gw_strerror(err));
	d->stats.calls_error++;
	if (!parse_rc)
		dispatch_count_in(d, c->version, row, DISPATCH_IN_ERROR);
	if (rc || !out) { /* 1.6 ignores unknown message types: nothing to send */
		if (!parse_rc)
			rpc_inflight_remove(&c->inflight, f->id);
		return;
	}
	dispatch_count_error(d, c->version, parse_rc ? NULL : row, code);
	dispatch_frame_log(d, c, FRAME_OUT, f->id, RPC_CALLERROR, f->action ? f->action : "", out, len,
			   NULL);
	park(d, c, out, len, parse_rc ? NULL : f->id);
}

/* Outbound payloads are checked against their schema when configured
 * (tests): a violation is our bug, answered as InternalError and counted. */
static int check_outbound(struct dispatch *d, struct pile_conn *c, const char *action,
			  const char *suffix, struct json_object *payload)
{
	char name[96];
	const struct schema *sch;
	struct schema_error se;

	if (!d->env->cfg->validate_outbound)
		return GW_OK;
	snprintf(name, sizeof(name), "%s%s", action, suffix);
	sch = schema_find(dispatch_schemas(d, c->version), name);
	if (!sch || schema_validate(sch, payload, &se) == GW_OK)
		return GW_OK;
	d->stats.outbound_invalid++;
	gw_log(GW_LOG_ERR, "cp=%s action=%s our %s payload is invalid: %s %s", c->identity, action, name,
	       se.path, se.message);
	return GW_EINTERNAL;
}

/* Close the handler's savepoint: kept when rc is GW_OK, undone otherwise;
 * the handler's code, or GW_ESTORE when the savepoint cannot be closed. */
static int savepoint_end(struct store *st, int rc)
{
	if (rc == GW_OK)
		return store_release(st);
	if (store_rollback_to(st) != GW_OK && rc != GW_ESTORE)
		return GW_ESTORE;
	return rc;
}

/* Run the handler of an accepted CALL inside a savepoint (a quiet one,
 * raw != NULL, without: its handler only touches the pile). */
static void run_call(struct dispatch *d, struct pile_conn *c, const struct rpc_frame *f,
		     const struct action_row *row, int64_t recv_ms, int64_t frame_seq,
		     const char *raw, size_t raw_len)
{
	struct store *st = d->env->store;
	struct action_ctx ctx;
	char *out = NULL;
	size_t len = 0;
	int rc;

	memset(&ctx, 0, sizeof(ctx));
	ctx.env = d->env;
	ctx.domain = d->env->domain;
	ctx.src.identity = c->identity;
	ctx.src.msg_id = f->id;
	ctx.src.frame_seq = frame_seq;
	ctx.src.recv_ms = recv_ms;
	ctx.version = c->version;
	ctx.conn = c;
	ctx.registration = &c->registration;

	rc = raw ? GW_OK : store_savepoint(st);
	if (rc == GW_OK) {
		rc = row->handler(&ctx, f->payload);
		if (rc == GW_OK && !ctx.response)
			rc = GW_EINTERNAL;
		if (rc == GW_OK)
			rc = check_outbound(d, c, f->action, "Response", ctx.response);
		if (!raw)
			rc = savepoint_end(st, rc);
	}
	if (rc == GW_OK)
		rc = rpc_build_result(f->id, ctx.response, &out, &len);
	if (ctx.response)
		json_object_put(ctx.response);

	if (rc != GW_OK)
		log_late(d, c, f, raw, raw_len);
	if (rc == GW_ESTORE && (row->flags & ACT_TX)) {
		/* never CALLERROR a transaction message for a transient cause */
		gw_log(GW_LOG_ERR, "cp=%s msg=%s action=%s storage failed: closing, the pile keeps it queued",
		       c->identity, f->id, f->action);
		rpc_inflight_remove(&c->inflight, f->id);
		session_close(c->s, 1011, "storage unavailable");
		return;
	}
	if (rc != GW_OK) {
		answer_error(d, c, f, row, 0, rc == GW_ESTORE ? GW_EINTERNAL : rc,
			     ctx.err_desc[0] ? ctx.err_desc : gw_strerror(rc));
		return;
	}
	gw_log(GW_LOG_INFO, "cp=%s msg=%s action=%s ok", c->identity, f->id, f->action);
	d->stats.calls_ok++;
	dispatch_count_in(d, c->version, row, DISPATCH_IN_OK);
	if (raw)
		d->stats.frames_quiet++;
	else
		dispatch_frame_log(d, c, FRAME_OUT, f->id, RPC_CALLRESULT, f->action, out, len, NULL);
	park(d, c, out, len, f->id);
}

/* The checks every CALL passes before its handler, in order.  raw: the
 * frame text of a quiet CALL not logged yet (NULL when logged). */
static void handle_call(struct dispatch *d, struct pile_conn *c, const struct rpc_frame *f,
			int64_t recv_ms, int64_t frame_seq, const char *raw, size_t raw_len)
{
	const struct action_row *row;
	const struct schema *sch;
	struct schema_error se;
	char name[96], desc[320];
	int rc;

	row = action_find(table_of(c->version), f->action);
	rc = rpc_inflight_add(&c->inflight, f->id);
	if (rc == GW_EDUP || rc == GW_EBUSY) {
		/* the id is being handled: answer without touching the one in flight */
		char *out = NULL;
		size_t len = 0;

		log_late(d, c, f, raw, raw_len);
		if (rpc_build_error(c->version, f->id, rc,
				    rc == GW_EDUP ? "message id already being handled" : "too many calls in flight",
				    &out, &len) == GW_OK && out) {
			dispatch_count_error(d, c->version, row, rpc_error_code(c->version, rc));
			dispatch_frame_log(d, c, FRAME_OUT, f->id, RPC_CALLERROR, f->action, out, len, NULL);
			park(d, c, out, len, NULL);
		}
		d->stats.calls_error++;
		dispatch_count_in(d, c->version, row, DISPATCH_IN_ERROR);
		return;
	}
	if (!row || !(row->flags & ACT_FROM_PILE) || !row->handler ||
	    (!(row->flags & ACT_PRE_BOOT) && c->registration != REG_ACCEPTED &&
	     !triggered_allows(c, f->action)))
		log_late(d, c, f, raw, raw_len);
	if (!row || !(row->flags & ACT_FROM_PILE)) {
		if (row) /* a central-system command sent to us */
			answer_error(d, c, f, row, 0, GW_ENOTSUPP, "we are the central system; this action goes the other way");
		else
			answer_error(d, c, f, row, 0, GW_ENOTIMPL, "unknown action");
		return;
	}
	if (!row->handler) {
		answer_error(d, c, f, row, 0, GW_ENOTSUPP, "action not supported by this central system");
		return;
	}
	if (!(row->flags & ACT_PRE_BOOT) && c->registration != REG_ACCEPTED &&
	    !triggered_allows(c, f->action)) {
		answer_error(d, c, f, row, 0, GW_ESECURITY, "BootNotification not accepted yet");
		return;
	}
	snprintf(name, sizeof(name), "%sRequest", f->action);
	sch = schema_find(dispatch_schemas(d, c->version), name);
	if (!sch) {
		log_late(d, c, f, raw, raw_len);
		answer_error(d, c, f, row, 0, GW_ENOTSUPP, "no schema for this action");
		return;
	}
	rc = schema_validate(sch, f->payload, &se);
	if (rc != GW_OK) {
		/* the full message (it may quote the pile's value) goes to the
		 * log; the wire gets the field and a reason, never the pile's
		 * own input (2.0.1 4.2.3) */
		gw_log(GW_LOG_INFO, "cp=%s msg=%s action=%s schema: %s %s", c->identity, f->id, f->action,
		       se.path, se.message);
		log_late(d, c, f, raw, raw_len);
		snprintf(desc, sizeof(desc), "%s: %s", se.path[0] ? se.path : "payload",
			 strchr(se.message, '\'') ? "value not allowed" : se.message);
		answer_error(d, c, f, row, 0, rc, desc);
		return;
	}
	run_call(d, c, f, row, recv_ms, frame_seq, raw, raw_len);
}

/* transport hook: one whole text message from a pile */
void dispatch_on_message(void *arg, struct ws_session *s, const char *buf, size_t len)
{
	struct dispatch *d = arg;
	struct pile_conn *c = session_user(s);
	struct rpc_frame f;
	int64_t recv_ms = gw_clock_now_ms(), seq = 0;
	int rc, quiet;

	if (!c)
		return;
	d->stats.frames_in++;
	memset(&f, 0, sizeof(f));
	rc = rpc_frame_parse(c->version, buf, len, &f);
	gw_log(GW_LOG_DEBUG, "cp=%s in %.*s", c->identity, (int)(len > 512 ? 512 : len), buf);

	quiet = rc == GW_OK && f.type == RPC_CALL && quiet_action(f.action);
	/* the batch also holds a quiet CALL's handler writes */
	if (dispatch_batch_ensure(d) == GW_OK && !quiet)
		dispatch_frame_log(d, c, FRAME_IN, f.id, rc ? 0 : f.type,
				   (rc == GW_OK && f.type == RPC_CALL) ? f.action : "", buf, len, &seq);

	if (rc != GW_OK)
		d->stats.frames_malformed++;
	if (rc != GW_OK && (f.type == RPC_CALLRESULT || f.type == RPC_CALLERROR)) {
		/* a broken answer is never answered (that would be a reply to a
		 * reply); the outstanding call times out (rpc.h) */
		gw_log(GW_LOG_NOTICE, "cp=%s msg=%s malformed answer dropped: %s", c->identity, f.id,
		       gw_strerror(rc));
		goto out;
	}
	if (rc != GW_OK) {
		answer_error(d, c, &f, NULL, rc, rc == GW_ENOMEM ? GW_EINTERNAL : rc,
			     rc == GW_EFORMAT ? "invalid JSON" :
			     rc == GW_EMSGTYPE ? "unknown message type" : "not an OCPP-J frame");
		goto out;
	}
	if (f.type == RPC_CALL) {
		handle_call(d, c, &f, recv_ms, seq, quiet ? buf : NULL, len);
	} else if (rpc_calls_on_result(&c->calls, &f) != GW_OK) {
		gw_log(GW_LOG_NOTICE, "cp=%s msg=%s answer to no outstanding call: ignored", c->identity, f.id);
	} else {
		dispatch_mark_flush(d, c); /* the next queued command may go now */
	}
out:
	rpc_frame_release(&f);
}

struct pile_conn *dispatch_conn_find(struct dispatch *d, const char *identity)
{
	struct ws_session *s;

	if (!d->env->transport)
		return NULL;
	s = transport_session_find(d->env->transport, identity);
	return s ? session_user(s) : NULL;
}
