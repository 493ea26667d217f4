/* SPDX-License-Identifier: MIT
 *
 * command.c - gw_command_send(): central-system commands to a pile.
 *
 * A command is checked (the action exists for the pile's version, the
 * payload is valid against "<Action>Request"), queued behind the pile's one
 * outstanding CALL (rpc_calls), and recorded in the commands table when it
 * is actually sent.  Its answer is checked against "<Action>Response"
 * before the caller's callback sees it; an answer that breaks the schema is
 * handed over as a CALLERROR with the schema's code.
 */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "common/gw_alloc.h"
#include "common/gw_clock.h"
#include "common/gw_err.h"
#include "common/gw_json.h"
#include "common/gw_log.h"
#include "config.h"
#include "core/command.h"
#include "core/conn.h"
#include "core/env.h"
#include "rpc/action.h"
#include "schema/schema.h"
#include "store/store.h"

static enum cmd_outcome outcome_of(int status, struct json_object *payload)
{
	struct json_object *st;
	const char *word;

	if (status == GW_ETIMEOUT)
		return CMD_TIMEOUT;
	if (status == GW_ECLOSED)
		return CMD_CLOSED;
	if (status != GW_OK)
		return CMD_ERROR;
	if (!payload || !json_object_object_get_ex(payload, "status", &st) ||
	    !json_object_is_type(st, json_type_string))
		return CMD_ACCEPTED;
	word = json_object_get_string(st);
	return (!strcmp(word, "Accepted") || !strcmp(word, "Unlocked") || !strcmp(word, "Scheduled") ||
		!strcmp(word, "RebootRequired")) ? CMD_ACCEPTED : CMD_REJECTED;
}

/* The /metrics bucket of a finished command (store.h and dispatch.h keep
 * their own enums: the store's has CMD_PENDING). */
static enum dispatch_cmd_outcome metric_of(enum cmd_outcome o)
{
	switch (o) {
	case CMD_ACCEPTED: return DISPATCH_CMD_ACCEPTED;
	case CMD_REJECTED: return DISPATCH_CMD_REJECTED;
	case CMD_TIMEOUT: return DISPATCH_CMD_TIMEOUT;
	case CMD_CLOSED: return DISPATCH_CMD_CLOSED;
	default: return DISPATCH_CMD_ERROR;
	}
}

/* Remove cmd from its conn's FIFO (it is the head unless the conn died). */
static void unlink_cmd(struct dispatch *d, struct command *cmd)
{
	struct pile_conn *c = dispatch_conn_find(d, cmd->identity);
	struct command **pp;

	if (!c)
		return;
	for (pp = &c->cmd_head; *pp; pp = &(*pp)->next) {
		if (*pp == cmd) {
			*pp = cmd->next;
			if (c->cmd_tail == cmd) {
				c->cmd_tail = NULL;
				for (struct command *x = c->cmd_head; x; x = x->next)
					c->cmd_tail = x;
			}
			break;
		}
	}
}

/* rpc_reply_fn: the pile answered, timed out, or went away. */
static void on_reply(void *arg, int status, struct json_object *payload, const char *err_code,
		     const char *err_desc)
{
	struct command *cmd = arg;
	struct dispatch *d = cmd->d;
	char name[96], answer[512];
	const struct schema *sch;
	struct schema_error se;
	const char *code = err_code;
	enum cmd_outcome outcome;

	if (status == GW_OK) {
		snprintf(name, sizeof(name), "%sResponse", cmd->action);
		sch = schema_find(dispatch_schemas(d, cmd->version), name);
		if (sch && schema_validate(sch, payload, &se) != GW_OK) {
			gw_log(GW_LOG_WARN, "cp=%s action=%s answer breaks its schema: %s %s", cmd->identity,
			       cmd->action, se.path, se.message);
			status = GW_ECALLERROR;
			code = "FormatViolation";
			err_desc = se.message;
			payload = NULL;
		}
	}
	if (status == GW_OK)
		snprintf(answer, sizeof(answer), "%s",
			 payload ? json_object_to_json_string_ext(payload, JSON_C_TO_STRING_PLAIN) : "{}");
	else
		snprintf(answer, sizeof(answer), "%s %s", code ? code : gw_strerror(status),
			 err_desc ? err_desc : "");
	outcome = outcome_of(status, payload);
	dispatch_count_cmd(d, cmd->version, cmd->row, metric_of(outcome));
	if (cmd->store_id && dispatch_batch_ensure(d) == GW_OK)
		store_command_finish(d->env->store, cmd->store_id, outcome, answer, gw_clock_now_ms());
	gw_log(GW_LOG_INFO, "cp=%s command %s: %s", cmd->identity, cmd->action,
	       status == GW_OK ? "answered" : answer);
	unlink_cmd(d, cmd);
	if (cmd->cb)
		cmd->cb(cmd->arg, status, payload, code, err_desc);
	gw_free(cmd);
}

int gw_command_send(struct gw_env *env, const char *identity, const char *action,
		    struct json_object *payload, int64_t timeout_ms, gw_reply_fn *cb, void *arg)
{
	struct pile_conn *c = dispatch_conn_find(env->dispatch, identity);
	int handled = 0, rc;

	if (!c)
		return GW_ENOTFOUND;
	if (c->version == OCPP_201) {
		rc = command_split_send(env, identity, action, payload, timeout_ms, cb, arg, &handled);
		if (rc != GW_OK || handled)
			return rc;
	}
	return gw_command_send_one(env, identity, action, payload, timeout_ms, cb, arg);
}

int gw_command_send_one(struct gw_env *env, const char *identity, const char *action,
			struct json_object *payload, int64_t timeout_ms, gw_reply_fn *cb, void *arg)
{
	struct dispatch *d = env->dispatch;
	struct pile_conn *c = dispatch_conn_find(d, identity);
	const struct action_row *row;
	const struct schema *sch;
	struct schema_error se;
	struct command *cmd;
	char name[96];
	int rc;

	if (!c)
		return GW_ENOTFOUND;
	row = action_find(c->version == OCPP_201 ? &v201_actions : &v16_actions, action);
	if (!row || !(row->flags & ACT_TO_PILE))
		return GW_ENOTIMPL;
	snprintf(name, sizeof(name), "%sRequest", action);
	sch = schema_find(dispatch_schemas(d, c->version), name);
	if (!sch)
		return GW_ENOTIMPL;
	rc = schema_validate(sch, payload, &se);
	if (rc != GW_OK) {
		gw_log(GW_LOG_WARN, "cp=%s command %s refused: %s %s", identity, action, se.path, se.message);
		return rc;
	}
	cmd = gw_calloc(1, sizeof(*cmd));
	if (!cmd)
		return GW_ENOMEM;
	cmd->d = d;
	snprintf(cmd->identity, sizeof(cmd->identity), "%s", identity);
	cmd->version = c->version;
	cmd->row = (size_t)(row - (c->version == OCPP_201 ? v201_actions.rows : v16_actions.rows));
	snprintf(cmd->action, sizeof(cmd->action), "%s", action);
	cmd->cb = cb;
	cmd->arg = arg;
	rc = rpc_calls_enqueue(&c->calls, action, payload, timeout_ms, on_reply, cmd, NULL);
	if (rc != GW_OK) {
		gw_free(cmd);
		return rc;
	}
	triggered_note(c, action, payload);
	if (c->cmd_tail)
		c->cmd_tail->next = cmd;
	else
		c->cmd_head = cmd;
	c->cmd_tail = cmd;
	dispatch_mark_flush(d, c);
	return GW_OK;
}

void command_pump(struct dispatch *d, struct pile_conn *c)
{
	struct command *cmd;
	char *frame = NULL;
	size_t len = 0;

	if (!c->s || rpc_calls_next(&c->calls, gw_clock_mono_ms(), &frame, &len) != GW_OK)
		return;
	/* the head of our FIFO is the call rpc_calls just marked outstanding */
	cmd = c->cmd_head;
	if (cmd && dispatch_batch_ensure(d) == GW_OK) {
		const char *id = rpc_calls_outstanding_id(&c->calls);
		size_t kept_len = len;
		char *redacted = command_redact(cmd->action, frame, len, &kept_len);
		const char *kept = redacted ? redacted : frame;

		store_command_insert(d->env->store, c->identity, id ? id : "", cmd->action, kept,
				     gw_clock_now_ms(), &cmd->store_id);
		dispatch_frame_log(d, c, FRAME_OUT, id, 2, cmd->action, kept, kept_len, NULL);
		gw_free(redacted);
	}
	{
		struct parked *p = gw_calloc(1, sizeof(*p));
		if (!p) {
			gw_free(frame);
			return;
		}
		p->buf = frame;
		p->len = len;
		if (c->park_tail)
			c->park_tail->next = p;
		else
			c->park_head = p;
		c->park_tail = p;
	}
}

void command_fail_all(struct pile_conn *c)
{
	/* on_reply unlinks through dispatch_conn_find, which no longer finds
	 * this conn: detach the FIFO first so nothing points into freed memory */
	c->cmd_head = c->cmd_tail = NULL;
	rpc_calls_fail_all(&c->calls, GW_ECLOSED);
}
