/* SPDX-License-Identifier: MIT
 *
 * idtag.c - struct auth_info -> 1.6 IdTagInfo, the answer shared by
 * Authorize, StartTransaction and StopTransaction.
 *
 * 1.6 has five statuses; the normalized vocabulary has two more from 2.0.1
 * that 1.6 expresses with the nearest refusal (Unknown -> Invalid,
 * NoCredit -> Blocked).  An out-of-range status answers Invalid: when in
 * doubt, refuse the token, never the message.
 */
#include <string.h>

#include "common/gw_err.h"
#include "ocpp16/v16.h"

#define V16_ID_TAG_MAX 20 /* IdToken is CiString20Type in 1.6 */

static const char *const auth_names[] = {
	[AUTH_ACCEPTED] = "Accepted",
	[AUTH_BLOCKED] = "Blocked",
	[AUTH_EXPIRED] = "Expired",
	[AUTH_INVALID] = "Invalid",
	[AUTH_CONCURRENT_TX] = "ConcurrentTx",
	[AUTH_UNKNOWN] = "Invalid",
	[AUTH_NO_CREDIT] = "Blocked",
};

const char *v16_auth_status_name(enum auth_status s)
{
	if ((int)s < 0 || (size_t)s >= sizeof(auth_names) / sizeof(auth_names[0]))
		return "Invalid";
	return auth_names[s];
}

int v16_add_id_tag_info(struct json_object *resp, const struct auth_info *a)
{
	struct json_object *info = json_object_new_object();
	int rc;

	if (!info)
		return GW_ENOMEM;
	rc = v16_add_str(info, "status", v16_auth_status_name(a->status));
	if (rc == GW_OK && a->expiry_ms != 0)
		rc = v16_add_time(info, "expiryDate", a->expiry_ms);
	/* parentIdTag is at most 20 characters; a group id of at most 20 bytes
	 * always fits, a longer one is left out rather than sent invalid. */
	if (rc == GW_OK && a->group_id[0] && strlen(a->group_id) <= V16_ID_TAG_MAX)
		rc = v16_add_str(info, "parentIdTag", a->group_id);
	if (rc != GW_OK) {
		json_object_put(info);
		return rc;
	}
	if (json_object_object_add(resp, "idTagInfo", info) != 0) {
		json_object_put(info);
		return GW_ENOMEM;
	}
	return GW_OK;
}
