/* SPDX-License-Identifier: MIT
 * gw_err.c - human-readable names for GW_E* codes. */
#include "common/gw_err.h"

static const char *const err_text[] = {
	[0] = "ok",
	[1] = "out of memory",
	[2] = "invalid argument",
	[3] = "malformed JSON",
	[4] = "protocol error",
	[5] = "occurrence constraint violated",
	[6] = "type constraint violated",
	[7] = "property constraint violated",
	[8] = "not implemented",
	[9] = "not supported",
	[10] = "security error",
	[11] = "internal error",
	[12] = "not found",
	[13] = "conflict",
	[14] = "storage failure",
	[15] = "duplicate",
	[16] = "timed out",
	[17] = "busy",
	[18] = "too big",
	[19] = "message type not supported",
	[20] = "authentication failed",
	[21] = "bad configuration",
	[22] = "I/O error",
	[23] = "generic error",
	[24] = "connection closed",
	[25] = "peer answered with CALLERROR",
};

const char *gw_strerror(int err)
{
	unsigned idx = err <= 0 ? (unsigned)-err : 9999u;

	if (idx < sizeof(err_text) / sizeof(err_text[0]) && err_text[idx])
		return err_text[idx];
	return "unknown error";
}
