/* SPDX-License-Identifier: MIT
 *
 * test_table.c - the v201_actions table: sorted for bsearch, one row per
 * action of schemas/ocpp2.0.1 (and no other), flags as the dispatcher
 * expects them.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/gw_err.h"
#include "test_v201.h"

static void t_sorted(void)
{
	CU_ASSERT_EQUAL(v201_actions.version, OCPP_201);
	CU_ASSERT_EQUAL(v201_actions.n_rows, 64);
	for (size_t i = 1; i < v201_actions.n_rows; i++) {
		if (strcmp(v201_actions.rows[i - 1].name, v201_actions.rows[i].name) >= 0)
			fprintf(stderr, "\nout of order: %s, %s\n", v201_actions.rows[i - 1].name,
				v201_actions.rows[i].name);
		CU_ASSERT(strcmp(v201_actions.rows[i - 1].name, v201_actions.rows[i].name) < 0);
	}
}

/* Every <Action>Request.json has a row with <Action>Response.json beside it. */
static void t_schema_actions(void)
{
	const char *root = getenv("OCPPGW_SOURCE_DIR");
	char dir[1024], path[1200];
	struct dirent *de;
	size_t found = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/schemas/ocpp2.0.1", root ? root : ".");
	d = opendir(dir);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		const size_t suffix = strlen("Request.json");
		char name[128];
		FILE *f;

		if (len <= suffix || strcmp(de->d_name + len - suffix, "Request.json") ||
		    len - suffix >= sizeof(name))
			continue;
		memcpy(name, de->d_name, len - suffix);
		name[len - suffix] = '\0';
		found++;
		if (!action_find(&v201_actions, name))
			fprintf(stderr, "\nno row for %s\n", name);
		CU_ASSERT_PTR_NOT_NULL(action_find(&v201_actions, name));
		snprintf(path, sizeof(path), "%s/%sResponse.json", dir, name);
		f = fopen(path, "r");
		CU_ASSERT_PTR_NOT_NULL(f);
		if (f)
			fclose(f);
	}
	closedir(d);
	/* as many schemas as rows, and every row was found: the sets are equal */
	CU_ASSERT_EQUAL(found, v201_actions.n_rows);
}

static void t_flags(void)
{
	for (size_t i = 0; i < v201_actions.n_rows; i++) {
		const struct action_row *r = &v201_actions.rows[i];
		int from = !!(r->flags & ACT_FROM_PILE), to = !!(r->flags & ACT_TO_PILE);

		CU_ASSERT(from || to);
		CU_ASSERT_EQUAL(from, r->handler != NULL);
		CU_ASSERT_EQUAL(from && to, !strcmp(r->name, "DataTransfer"));
		CU_ASSERT_EQUAL(!!(r->flags & ACT_TX),
				!strcmp(r->name, "TransactionEvent") || !strcmp(r->name, "MeterValues"));
		CU_ASSERT_EQUAL(!!(r->flags & ACT_PRE_BOOT), !strcmp(r->name, "BootNotification"));
	}
}

static void t_lookup(void)
{
	static const char *const to_pile[] = {"GetVariables", "SetVariables", "GetReport",
					      "RequestStopTransaction", "TriggerMessage",
					      "CostUpdated", "CertificateSigned", "UpdateFirmware"};
	size_t from = 0;

	for (size_t i = 0; i < sizeof(to_pile) / sizeof(to_pile[0]); i++) {
		const struct action_row *r = action_find(&v201_actions, to_pile[i]);

		CU_ASSERT_PTR_NOT_NULL_FATAL(r);
		CU_ASSERT_PTR_NULL(r->handler);
		CU_ASSERT_EQUAL(r->flags, ACT_TO_PILE);
	}
	for (size_t i = 0; i < v201_actions.n_rows; i++)
		from += v201_actions.rows[i].handler != NULL;
	CU_ASSERT_EQUAL(from, 25);
	CU_ASSERT_PTR_NULL(action_find(&v201_actions, "StartTransaction")); /* 1.6 only */
	CU_ASSERT_PTR_NULL(action_find(&v201_actions, "heartbeat"));
	CU_ASSERT_PTR_NULL(action_find(&v201_actions, ""));
}

/* The harness's schema checks would catch a wrong answer. */
static void t_schema_live(void)
{
	if (h_check("HeartbeatResponse", "{}") == GW_ENOTSUPP) {
		fprintf(stderr, "\n[skipped: src/schema not built] ");
		return;
	}
	CU_ASSERT_EQUAL(h_check("NotifyEVChargingNeedsResponse", "{\"status\":\"Rejected\"}"), GW_OK);
	CU_ASSERT_EQUAL(h_check("NotifyEVChargingNeedsResponse", "{\"status\":\"Maybe\"}"),
			GW_ECONSTRAINT);
	CU_ASSERT_EQUAL(h_check("TransactionEventResponse", "{\"totalCost\":\"12.34\"}"), GW_ETYPE);
	CU_ASSERT_EQUAL(h_check("HeartbeatResponse", "{}"), GW_EOCCURRENCE);
	CU_ASSERT_EQUAL(h_check("Get15118EVCertificateResponse", "{\"status\":\"Failed\"}"),
			GW_EOCCURRENCE); /* exiResponse is required even on Failed */
}

int test_table_register(void)
{
	static CU_TestInfo tests[] = {
		{"rows are sorted by strcmp", t_sorted},
		{"one row per schemas/ocpp2.0.1 action", t_schema_actions},
		{"direction, ACT_TX and ACT_PRE_BOOT flags", t_flags},
		{"CSMS->station rows and unknown names", t_lookup},
		{"schema checks are live", t_schema_live},
		CU_TEST_INFO_NULL,
	};
	return test_add_suite("v201 table", tests);
}
