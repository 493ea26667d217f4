/* SPDX-License-Identifier: MIT
 *
 * test_actions.c - the 1.6 table: sorted for bsearch, one row per schema
 * pair in schemas/ocpp1.6 (both directions), directions as the schemas say,
 * and the flags the dispatcher enforces.
 */
#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include "test_v16.h"

static const char *schema_dir(char *buf, size_t cap)
{
	snprintf(buf, cap, "%s/schemas/ocpp1.6", fx_source_dir());
	return buf;
}

static int file_exists(const char *dir, const char *action, const char *suffix)
{
	char path[768];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s%s.json", dir, action, suffix);
	f = fopen(path, "r");
	if (f)
		fclose(f);
	return f != NULL;
}

static void test_sorted(void)
{
	CU_ASSERT_EQUAL(v16_actions.version, OCPP_16);
	CU_ASSERT_EQUAL(v16_actions.n_rows, 39); /* 78 schema files / 2 */
	for (size_t i = 1; i < v16_actions.n_rows; i++) {
		int ok = strcmp(v16_actions.rows[i - 1].name, v16_actions.rows[i].name) < 0;

		if (!ok)
			fprintf(stderr, "\nnot sorted: %s before %s\n", v16_actions.rows[i - 1].name,
				v16_actions.rows[i].name);
		CU_ASSERT(ok);
	}
}

/* Every <Action>Request.json / <Action>Response.json has a row. */
static void test_every_schema_has_row(void)
{
	char dir[512];
	DIR *d = opendir(schema_dir(dir, sizeof(dir)));
	struct dirent *e;
	int seen = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	while ((e = readdir(d))) {
		char action[128];
		size_t len = strlen(e->d_name);
		const char *suffixes[] = {"Request.json", "Response.json"};

		for (size_t k = 0; k < 2; k++) {
			size_t sl = strlen(suffixes[k]);

			if (len <= sl || strcmp(e->d_name + len - sl, suffixes[k]) != 0)
				continue;
			snprintf(action, sizeof(action), "%.*s", (int)(len - sl), e->d_name);
			if (!action_find(&v16_actions, action))
				fprintf(stderr, "\nno row for %s\n", e->d_name);
			CU_ASSERT_PTR_NOT_NULL(action_find(&v16_actions, action));
			seen++;
		}
	}
	closedir(d);
	CU_ASSERT_EQUAL(seen, 78);
}

/* ...and every row has both files. */
static void test_every_row_has_schemas(void)
{
	char dir[512];

	schema_dir(dir, sizeof(dir));
	for (size_t i = 0; i < v16_actions.n_rows; i++) {
		const char *name = v16_actions.rows[i].name;

		CU_ASSERT(file_exists(dir, name, "Request"));
		CU_ASSERT(file_exists(dir, name, "Response"));
	}
}

/* The generated Request schemas say who sends each message: the row's
 * direction flags must agree, and only pile-sent rows have a handler. */
static void test_directions_match_schemas(void)
{
	char dir[512], path[768], text[4096];

	schema_dir(dir, sizeof(dir));
	for (size_t i = 0; i < v16_actions.n_rows; i++) {
		const struct action_row *r = &v16_actions.rows[i];
		FILE *f;
		size_t n;
		unsigned want;

		snprintf(path, sizeof(path), "%s/%sRequest.json", dir, r->name);
		f = fopen(path, "r");
		CU_ASSERT_PTR_NOT_NULL_FATAL(f);
		n = fread(text, 1, sizeof(text) - 1, f);
		fclose(f);
		text[n] = '\0';
		if (strstr(text, "Sent by either side"))
			want = ACT_FROM_PILE | ACT_TO_PILE;
		else if (strstr(text, "Sent by the charge point"))
			want = ACT_FROM_PILE;
		else
			want = ACT_TO_PILE;
		if ((r->flags & (ACT_FROM_PILE | ACT_TO_PILE)) != want)
			fprintf(stderr, "\n%s: direction flags disagree with its schema\n", r->name);
		CU_ASSERT_EQUAL(r->flags & (ACT_FROM_PILE | ACT_TO_PILE), want);
		CU_ASSERT_EQUAL(r->handler != NULL, (r->flags & ACT_FROM_PILE) != 0);
	}
}

static void test_flags(void)
{
	const char *tx[] = {"MeterValues", "StartTransaction", "StopTransaction"};
	size_t n_tx = 0;

	for (size_t i = 0; i < sizeof(tx) / sizeof(tx[0]); i++)
		CU_ASSERT(action_find(&v16_actions, tx[i])->flags & ACT_TX);
	for (size_t i = 0; i < v16_actions.n_rows; i++) {
		const struct action_row *r = &v16_actions.rows[i];
		int pile = (r->flags & ACT_FROM_PILE) != 0;
		int want_pre_boot = pile && strcmp(r->name, "SignCertificate") != 0;

		n_tx += (r->flags & ACT_TX) != 0;
		CU_ASSERT_EQUAL((r->flags & ACT_PRE_BOOT) != 0, want_pre_boot);
	}
	CU_ASSERT_EQUAL(n_tx, 3);
	CU_ASSERT(action_find(&v16_actions, "BootNotification")->flags & ACT_PRE_BOOT);
	CU_ASSERT_FALSE(action_find(&v16_actions, "SignCertificate")->flags & ACT_PRE_BOOT);
}

static void test_find(void)
{
	const char *to_pile[] = {"CancelReservation", "CertificateSigned", "ChangeAvailability",
				 "ChangeConfiguration", "ClearCache", "ClearChargingProfile",
				 "DeleteCertificate", "ExtendedTriggerMessage", "GetCompositeSchedule",
				 "GetConfiguration", "GetDiagnostics", "GetInstalledCertificateIds",
				 "GetLocalListVersion", "GetLog", "InstallCertificate",
				 "RemoteStartTransaction", "RemoteStopTransaction", "ReserveNow", "Reset",
				 "SendLocalList", "SetChargingProfile", "SignedUpdateFirmware",
				 "TriggerMessage", "UnlockConnector", "UpdateFirmware"};

	for (size_t i = 0; i < sizeof(to_pile) / sizeof(to_pile[0]); i++) {
		const struct action_row *r = action_find(&v16_actions, to_pile[i]);

		CU_ASSERT_PTR_NOT_NULL_FATAL(r);
		CU_ASSERT_EQUAL(r->flags, ACT_TO_PILE);
		CU_ASSERT_PTR_NULL(r->handler);
	}
	CU_ASSERT_EQUAL(action_find(&v16_actions, "DataTransfer")->flags,
			ACT_FROM_PILE | ACT_TO_PILE | ACT_PRE_BOOT);
	CU_ASSERT_PTR_NULL(action_find(&v16_actions, "authorize"));        /* exact spelling */
	CU_ASSERT_PTR_NULL(action_find(&v16_actions, "TransactionEvent")); /* 2.0.1 only */
	CU_ASSERT_PTR_NULL(action_find(&v16_actions, ""));
}

/* The fixture's schema checks must be able to fail, or every "valid per
 * schema" assertion above and in the other suites proves nothing. */
static void test_schema_checks_live(void)
{
	if (!fx_have_schemas()) {
		fprintf(stderr, "\n[test_ocpp16] src/schema not built: skipped\n");
		return;
	}
	CU_ASSERT_EQUAL(fx_validate("AuthorizeResponse", "{\"idTagInfo\":{\"status\":\"Accepted\"}}"),
			0);
	CU_ASSERT_NOT_EQUAL(fx_validate("AuthorizeResponse", "{\"idTagInfo\":{\"status\":\"Unknown\"}}"),
			    0);
	CU_ASSERT_NOT_EQUAL(fx_validate("AuthorizeResponse",
					"{\"idTagInfo\":{\"status\":\"Accepted\","
					"\"parentIdTag\":\"GROUP-WITH-21-CHARS-X\"}}"),
			    0);
	CU_ASSERT_NOT_EQUAL(fx_validate("StopTransactionResponse", "{\"transactionId\":1}"), 0);
}

int test_actions_register(void)
{
	static CU_TestInfo tests[] = {
		{"table is sorted by strcmp", test_sorted},
		{"every schema file has a row", test_every_schema_has_row},
		{"every row has both schema files", test_every_row_has_schemas},
		{"directions match the schemas", test_directions_match_schemas},
		{"ACT_TX and ACT_PRE_BOOT rows", test_flags},
		{"lookups: CS->CP rows, DataTransfer, misses", test_find},
		{"fixture schema checks can fail", test_schema_checks_live},
		CU_TEST_INFO_NULL,
	};

	return test_add_suite("v16 actions", tests);
}
