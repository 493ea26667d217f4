/* SPDX-License-Identifier: MIT
 *
 * test_sim_scenario.c - scenario parsing: a good file, every shipped file
 * under simulator/scenarios/, and bad files refused with the right line.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "common/gw_err.h"
#include "sim_scenario.h"
#include "test_sim.h"

static const char good[] =
	"version = \"2.0.1\";\n"
	"time_scale = 60.0;\n"
	"connectors = 2;\n"
	"id_tag = \"ABC\";\n"
	"steps = (\n"
	"  { do = \"plug\"; connector = 2; },\n"
	"  { do = \"start\"; connector = 2; },\n"
	"  { do = \"charge\"; kw = 7; connector = 2; },\n"
	"  { do = \"wait\"; seconds = 600; },\n"
	"  { do = \"meter_kwh\"; enable = false; },\n"
	"  { do = \"expect_response\"; action = \"TransactionEvent\"; field = \"idTokenInfo.status\";\n"
	"    equals = \"Accepted\"; within = 5.5; },\n"
	"  { do = \"stop\"; connector = 2; reason = \"Remote\"; }\n"
	");\n";

static void test_good(void)
{
	struct sim_scenario *s = NULL;
	struct sim_scenario_error err;

	CU_ASSERT_EQUAL_FATAL(sim_scenario_parse(good, "dir/good.cfg", &s, &err), GW_OK);
	CU_ASSERT_STRING_EQUAL(s->name, "good.cfg");
	CU_ASSERT_EQUAL(s->version, 201);
	CU_ASSERT_EQUAL(s->connectors, 2);
	CU_ASSERT_DOUBLE_EQUAL(s->time_scale, 60.0, 1e-9);
	CU_ASSERT_EQUAL(s->nsteps, 7);
	CU_ASSERT_EQUAL(s->steps[0].kind, SIM_STEP_PLUG);
	CU_ASSERT_EQUAL(s->steps[0].connector, 2);
	CU_ASSERT_EQUAL(s->steps[0].line, 6);
	CU_ASSERT_STRING_EQUAL(s->steps[1].id_tag, "ABC"); /* the file's default */
	CU_ASSERT_DOUBLE_EQUAL(s->steps[2].kw, 7.0, 1e-9); /* integer accepted for a number */
	CU_ASSERT_EQUAL(s->steps[4].enable, 0);
	CU_ASSERT_DOUBLE_EQUAL(s->steps[5].within_s, 5.5, 1e-9);
	CU_ASSERT_STRING_EQUAL(s->steps[5].equals, "Accepted");
	CU_ASSERT_STRING_EQUAL(s->steps[6].reason, "Remote");
	CU_ASSERT_DOUBLE_EQUAL(sim_scenario_virtual_s(s), 600, 1e-9);
	sim_scenario_free(s);
}

/* Parse text, expect GW_ECONFIG at line, with msg containing needle. */
static void expect_bad(const char *text, int line, const char *needle)
{
	struct sim_scenario *s = NULL;
	struct sim_scenario_error err;

	CU_ASSERT_EQUAL(sim_scenario_parse(text, "bad.cfg", &s, &err), GW_ECONFIG);
	CU_ASSERT_PTR_NULL(s);
	CU_ASSERT_EQUAL(err.line, line);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, needle));
	if (err.line != line || !strstr(err.msg, needle))
		fprintf(stderr, "\n  got line %d: %s\n", err.line, err.msg);
}

static void test_bad(void)
{
	expect_bad("version = \"1.6\";\nsteps = (\n { do = \"plug\" }\n { do = \"x\"; }\n);\n", 4,
		   "syntax error");
	expect_bad("version = \"1.6\";\nsteps = (\n  { do = \"plug\"; },\n  { do = \"dance\"; }\n);\n", 4,
		   "unknown step 'dance'");
	expect_bad("version = \"1.6\";\nsteps = (\n  { do = \"wait\"; kw = 3; }\n);\n", 3,
		   "takes no parameter 'kw'");
	expect_bad("version = \"1.6\";\n\nsteps = (\n  { do = \"wait\"; }\n);\n", 4,
		   "missing a required parameter");
	expect_bad("version = \"3.0\";\nsteps = ();\n", 1, "version");
	expect_bad("version = \"1.6\";\nconnectors = 9;\nsteps = ();\n", 2, "out of range");
	expect_bad("version = \"1.6\";\nfoo = 1;\nsteps = ();\n", 2, "unknown setting 'foo'");
	expect_bad("version = \"1.6\";\nsteps = (\n  { do = \"plug\"; connector = 2; }\n);\n", 3,
		   "connector");
	expect_bad("version = \"1.6\";\nsteps = (\n  { do = \"charge\"; kw = \"fast\"; }\n);\n", 3,
		   "must be a number");
}

static void test_missing_file(void)
{
	struct sim_scenario *s = NULL;
	struct sim_scenario_error err;

	CU_ASSERT_EQUAL(sim_scenario_load("/nonexistent/x.cfg", &s, &err), GW_ECONFIG);
	CU_ASSERT_EQUAL(err.line, 0);
}

/* Every scenario we ship must parse. */
static void test_shipped(void)
{
	const char *root = getenv("OCPPGW_SOURCE_DIR");
	char dir[512], path[1024];
	struct dirent *e;
	int n = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/simulator/scenarios", root ? root : ".");
	d = opendir(dir);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	while ((e = readdir(d))) {
		struct sim_scenario *s = NULL;
		struct sim_scenario_error err;
		size_t len = strlen(e->d_name);

		if (len < 5 || strcmp(e->d_name + len - 4, ".cfg"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (sim_scenario_load(path, &s, &err) != GW_OK) {
			fprintf(stderr, "\n  %s:%d: %s\n", path, err.line, err.msg);
			CU_FAIL("shipped scenario does not parse");
		}
		sim_scenario_free(s);
		n++;
	}
	closedir(d);
	CU_ASSERT(n >= 20);
}

int test_sim_add_scenario(void)
{
	CU_pSuite s = CU_add_suite("sim_scenario", NULL, NULL);

	if (!s)
		return -1;
	CU_add_test(s, "good file", test_good);
	CU_add_test(s, "bad files name their line", test_bad);
	CU_add_test(s, "missing file", test_missing_file);
	CU_add_test(s, "shipped scenarios parse", test_shipped);
	return 0;
}
