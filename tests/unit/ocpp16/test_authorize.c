/* SPDX-License-Identifier: MIT
 * test_authorize.c - Authorize: token to the domain, idTagInfo back. */
#include <stdio.h>
#include <string.h>

#include "common/gw_err.h"
#include "test_v16.h"

static void test_accepted_with_expiry_and_group(void)
{
	stub.auth_out = (struct auth_info){.status = AUTH_ACCEPTED,
					   .expiry_ms = fx_ms("2027-01-01T00:00:00Z"),
					   .group_id = "FLEET-7"};
	CU_ASSERT_EQUAL(fx_call("Authorize", "{\"idTag\":\"ABC123\"}"), GW_OK);
	CU_ASSERT_STRING_EQUAL(stub.last, "domain_authorize");
	CU_ASSERT_STRING_EQUAL(stub.auth_token, "ABC123");
	CU_ASSERT_STRING_EQUAL(stub.auth_type, ""); /* 1.6 tokens have no type */
	CU_ASSERT_STRING_EQUAL(stub.src_identity, "CP042");
	CU_ASSERT_STRING_EQUAL(stub.src_msg_id, "m1");
	FX_EXPECT_RESPONSE("Authorize", "{\"idTagInfo\":{\"status\":\"Accepted\","
					"\"expiryDate\":\"2027-01-01T00:00:00.000Z\","
					"\"parentIdTag\":\"FLEET-7\"}}");
}

/* Every normalized status has its 1.6 word; the 2.0.1-only ones refuse. */
static void test_status_words(void)
{
	static const struct {
		enum auth_status s;
		const char *want;
	} rows[] = {
		{AUTH_ACCEPTED, "Accepted"},      {AUTH_BLOCKED, "Blocked"}, {AUTH_EXPIRED, "Expired"},
		{AUTH_INVALID, "Invalid"},        {AUTH_CONCURRENT_TX, "ConcurrentTx"},
		{AUTH_UNKNOWN, "Invalid"},        {AUTH_NO_CREDIT, "Blocked"},
		{(enum auth_status)99, "Invalid"},
	};
	char want[128];

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		stub.auth_out = (struct auth_info){.status = rows[i].s};
		CU_ASSERT_EQUAL(fx_call("Authorize", "{\"idTag\":\"T1\"}"), GW_OK);
		snprintf(want, sizeof(want), "{\"idTagInfo\":{\"status\":\"%s\"}}", rows[i].want);
		FX_EXPECT_RESPONSE("Authorize", want);
	}
}

/* A 2.0.1-length group id cannot be a 1.6 parentIdTag: left out. */
static void test_long_group_left_out(void)
{
	stub.auth_out = (struct auth_info){.status = AUTH_ACCEPTED,
					   .group_id = "GROUP-WITH-21-CHARS-X"};
	CU_ASSERT_EQUAL(fx_call("Authorize", "{\"idTag\":\"T1\"}"), GW_OK);
	FX_EXPECT_RESPONSE("Authorize", "{\"idTagInfo\":{\"status\":\"Accepted\"}}");
}

/* 20 characters (valid per schema) of 3 bytes each: 60 bytes, more than
 * any token we hold.  Invalid, and the domain is not asked. */
static void test_oversize_token_invalid(void)
{
	char payload[128] = "{\"idTag\":\"";

	for (int i = 0; i < 20; i++)
		strcat(payload, "\xe2\x82\xac"); /* U+20AC */
	strcat(payload, "\"}");
	CU_ASSERT_EQUAL(fx_call("Authorize", payload), GW_OK);
	CU_ASSERT_EQUAL(stub.calls, 0);
	FX_EXPECT_RESPONSE("Authorize", "{\"idTagInfo\":{\"status\":\"Invalid\"}}");
}

static void test_domain_error(void)
{
	stub.rc = GW_ESTORE;
	CU_ASSERT_EQUAL(fx_call("Authorize", "{\"idTag\":\"T1\"}"), GW_ESTORE);
	CU_ASSERT_PTR_NULL(fx.ctx.response);
	CU_ASSERT(strstr(fx.ctx.err_desc, "domain_authorize") != NULL);
}

int test_authorize_register(void)
{
	static CU_TestInfo tests[] = {
		{"accepted, expiry and parentIdTag", test_accepted_with_expiry_and_group},
		{"every status word (Unknown->Invalid, NoCredit->Blocked)", test_status_words},
		{"group id over 20 chars left out", test_long_group_left_out},
		{"token over 36 bytes: Invalid, domain not asked", test_oversize_token_invalid},
		{"domain error is returned, no answer", test_domain_error},
		CU_TEST_INFO_NULL,
	};

	return test_add_suite("v16 Authorize", tests);
}
