/* SPDX-License-Identifier: MIT
 *
 * boot.c - BootNotification: keep the pile's identity card, answer with
 * its registration status.
 *
 * The transport refuses or auto-registers unknown identities before any
 * frame (config auto_register), so an unknown pile here is an anomaly; it
 * still gets an answer (Rejected + retry interval), never an error, and
 * nothing is stored for it but the raw frame.
 */
#include "common/gw_err.h"
#include "common/gw_log.h"
#include "config.h"
#include "domain/domain_int.h"

int domain_boot(struct domain *d, const struct domain_src *src, const struct boot_report *boot,
		struct boot_result *out)
{
	struct pile_row pile;
	int rc;

	out->status = REG_REJECTED;
	out->interval_s = d->cfg->boot_retry_interval_s;
	rc = store_pile_get(d->st, src->identity, &pile);
	if (rc == GW_ENOTFOUND) {
		gw_log(GW_LOG_WARN, "cp=%s msg=%s action=BootNotification rejected: not registered",
		       src->identity, src->msg_id);
		return GW_OK;
	}
	if (rc != GW_OK)
		return rc;
	rc = store_pile_update_boot(d->st, src->identity, boot, src->recv_ms);
	if (rc != GW_OK)
		return rc;
	out->status = pile.reg_status;
	if (out->status == REG_ACCEPTED)
		out->interval_s = d->cfg->heartbeat_interval_s;
	gw_log(GW_LOG_INFO, "cp=%s msg=%s action=BootNotification status=%d interval=%d",
	       src->identity, src->msg_id, (int)out->status, out->interval_s);
	return GW_OK;
}
