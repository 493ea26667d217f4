/* SPDX-License-Identifier: MIT
 * test_schema.h - suites of test_schema, one per file, registered by
 * test_main.c, and helpers shared by them. */
#ifndef TEST_SCHEMA_H
#define TEST_SCHEMA_H
#include <CUnit/CUnit.h>

#include "schema/schema.h"

int test_json_register(void);
int test_keywords_register(void);
int test_paths_register(void);
int test_format_register(void);
int test_load_register(void);

/* Add a suite with tests {name, fn}... ending in CU_TEST_INFO_NULL. */
int test_add_suite(const char *name, CU_TestInfo *tests);

/* Compile schema_json (NUL-terminated) as "T" and validate payload_json
 * against it; returns the validate code, fills *err.  CUnit-fails (and
 * returns 999) if either text does not load. */
int test_check(const char *schema_json, const char *payload_json, struct schema_error *err);

#endif
