/* SPDX-License-Identifier: MIT
 *
 * command.h - the one way to send a central-system command to a pile.
 *
 * gw_command_send() validates the payload against "<Action>Request" of the
 * pile's version, queues it behind the pile's one outstanding CALL, and
 * later calls cb exactly once with the answer (validated against
 * "<Action>Response"), a CALLERROR, a timeout or the disconnect.  A command
 * queued by a handler leaves after that handler's own reply.  2.0.1
 * GetVariables / SetVariables / GetReport are split to the pile's reported
 * ItemsPerMessage / BytesPerMessage and the answers merged before cb.
 */
#ifndef CORE_COMMAND_H
#define CORE_COMMAND_H
#include <stdint.h>

struct gw_env;
struct json_object;

/* status: GW_OK (payload = CALLRESULT payload), GW_ECALLERROR (err_code,
 * err_desc set), GW_ETIMEOUT, GW_ECLOSED.  payload is borrowed for the
 * duration of the call. */
typedef void gw_reply_fn(void *arg, int status, struct json_object *payload, const char *err_code,
			 const char *err_desc);

/* payload: a reference is taken on success (caller keeps its own).
 * timeout_ms <= 0 uses the configured call_timeout_ms.  cb may be NULL.
 * Returns GW_OK (cb will be called), GW_ENOTFOUND (pile not connected here),
 * GW_ENOTIMPL (action unknown for the pile's version), a schema code
 * (GW_EOCCURRENCE/GW_ETYPE/GW_ECONSTRAINT) for a bad payload, GW_EBUSY when
 * the pile's command queue is full.  On error cb is not called. */
int gw_command_send(struct gw_env *env, const char *identity, const char *action,
		    struct json_object *payload, int64_t timeout_ms, gw_reply_fn *cb, void *arg);

#endif
