/* SPDX-License-Identifier: MIT
 *
 * sim_dispatch.h - answering the server's CALLs: one sorted table of rows
 * per version (sim_v16.c, sim_v201.c), searched with bsearch; a missing
 * row answers CALLERROR NotImplemented.  Handlers return a GW_E* code and
 * exactly one function (sim_error_code) spells it per version.
 */
#ifndef SIM_DISPATCH_H
#define SIM_DISPATCH_H
#include <stddef.h>
#include <stdint.h>

struct json_object;
struct sim_frame;
struct sim_pile;

/* Build *resp (owned by the caller) for req (lent).  fixed is the row's
 * constant reply text, if any.  GW_OK or a GW_E* code for a CALLERROR. */
typedef int sim_handler_fn(struct sim_pile *p, struct json_object *req, const char *fixed,
			   struct json_object **resp);

/* One server action the pile answers. */
struct sim_action_row {
	const char *action;
	sim_handler_fn *handler;
	const char *fixed; /* constant reply for sim_reply_fixed */
};

/* Answer f with the matching row (rows sorted by action).  Returns the
 * reply frame (gw_malloc'd, caller frees) or NULL on allocation failure. */
char *sim_dispatch(struct sim_pile *p, const struct sim_action_row *rows, size_t n,
		   const struct sim_frame *f, int version);
/* Handler that parses row->fixed. */
sim_handler_fn sim_reply_fixed;
/* DataTransfer, both versions: Accepted for the pile's own vendorId, else
 * UnknownVendorId. */
sim_handler_fn sim_reply_data_transfer;
/* GW_E* -> CALLERROR code in the version's spelling (PROTOCOL.md §1.2). */
const char *sim_error_code(int err, int version);

/* Small JSON helpers for the handlers.  Return NULL / def when absent or
 * of another type. */
const char *sim_json_str(struct json_object *o, const char *key);
long sim_json_int(struct json_object *o, const char *key, long def);
struct json_object *sim_json_status(const char *status); /* {"status": status} */
/* o[key] = at_ms as RFC 3339 UTC with milliseconds (both versions' dateTime). */
void sim_json_add_time(struct json_object *o, const char *key, int64_t at_ms);

#endif
