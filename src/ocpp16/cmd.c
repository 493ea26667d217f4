/* SPDX-License-Identifier: MIT
 *
 * cmd.c - the little a handler keeps for a command it queued through
 * gw_command_send (core/command.h), so that the answer, which arrives after
 * the handler's frame is gone, can still be recorded for the right pile.
 *
 * Lifetime: a struct v16_cmd is made before gw_command_send and freed in
 * its callback, which command.h promises to call exactly once on success;
 * when gw_command_send fails the callback never runs and the caller frees.
 * It holds no pointer into the frame (identity is copied).
 */
#include <stdio.h>
#include <string.h>

#include "common/gw_alloc.h"
#include "common/gw_clock.h"
#include "common/gw_err.h"
#include "common/gw_json.h"
#include "ocpp16/v16.h"

struct v16_cmd *v16_cmd_new(const struct action_ctx *ctx, const void *row)
{
	struct v16_cmd *c = gw_calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->domain = ctx->domain;
	c->row = row;
	snprintf(c->identity, sizeof(c->identity), "%s", ctx->src.identity ? ctx->src.identity : "");
	return c;
}

void v16_cmd_free(struct v16_cmd *c)
{
	gw_free(c);
}

struct domain_src v16_cmd_src(const struct v16_cmd *c)
{
	struct domain_src src = {
		.identity = c->identity,
		.msg_id = "",
		.frame_seq = 0,
		.recv_ms = gw_clock_now_ms(),
	};

	return src;
}

/* How a command can end without an answer from the pile. */
static const struct {
	int status;
	const char *word;
} no_answer[] = {
	{GW_ETIMEOUT, "Timeout"},
	{GW_ECLOSED, "Closed"},
};

void v16_cmd_outcome(int status, struct json_object *payload, const char *err_code, char *buf,
		     size_t cap)
{
	const char *word;

	if (status == GW_OK) {
		word = gw_json_get_str(payload, "status", NULL);
		snprintf(buf, cap, "%s", word ? word : "Answered");
		return;
	}
	if (status == GW_ECALLERROR) {
		snprintf(buf, cap, "CallError:%s", err_code ? err_code : "");
		return;
	}
	for (size_t i = 0; i < sizeof(no_answer) / sizeof(no_answer[0]); i++) {
		if (no_answer[i].status == status) {
			snprintf(buf, cap, "%s", no_answer[i].word);
			return;
		}
	}
	snprintf(buf, cap, "Failed:%s", gw_strerror(status));
}
