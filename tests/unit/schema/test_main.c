/* SPDX-License-Identifier: MIT
 * test_main.c - CUnit runner for src/schema and gw_json.  Exit status 1 on
 * any failure. */
#include <stdio.h>
#include <string.h>

#include <CUnit/Basic.h>
#include <json-c/json.h>

#include "common/gw_err.h"
#include "common/gw_json.h"
#include "test_schema.h"

int test_add_suite(const char *name, CU_TestInfo *tests)
{
	CU_SuiteInfo suites[] = {
		{(char *)name, NULL, NULL, NULL, NULL, tests},
		CU_SUITE_INFO_NULL,
	};

	return CU_register_suites(suites) == CUE_SUCCESS ? 0 : -1;
}

int test_check(const char *schema_json, const char *payload_json, struct schema_error *err)
{
	struct schema_set *set = NULL;
	struct json_object *payload = NULL;
	char msg[256];
	int rc;

	rc = schema_set_load_mem("T", schema_json, strlen(schema_json), &set, msg, sizeof(msg));
	if (rc) {
		fprintf(stderr, "\nschema did not load: %s\n", msg);
		CU_FAIL("schema did not load");
		return 999;
	}
	rc = gw_json_parse(payload_json, strlen(payload_json), GW_JSON_DEPTH, &payload);
	if (rc) {
		fprintf(stderr, "\npayload did not parse: %s\n", payload_json);
		CU_FAIL("payload did not parse");
		schema_set_free(set);
		return 999;
	}
	rc = schema_validate(schema_find(set, "T"), payload, err);
	json_object_put(payload);
	schema_set_free(set);
	return rc;
}

int main(void)
{
	int (*reg[])(void) = {test_json_register, test_keywords_register, test_paths_register,
			      test_format_register, test_load_register};
	unsigned failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	for (size_t i = 0; i < sizeof(reg) / sizeof(reg[0]); i++) {
		if (reg[i]()) {
			CU_cleanup_registry();
			return 2;
		}
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
