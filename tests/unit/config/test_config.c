/* SPDX-License-Identifier: MIT
 * test_config.c - the config table: defaults, every shipped file loads,
 * bad values and unknown settings are refused with their line, lists,
 * the API's TLS settings. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "common/gw_err.h"
#include "common/gw_log.h"
#include "config.h"

static char path[256];

static int load_text(struct gw_config *cfg, const char *text, char *err, size_t errlen)
{
	FILE *f;

	snprintf(path, sizeof(path), "/tmp/ocppgw-test-config-%d.conf", (int)getpid());
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	config_defaults(cfg);
	return config_load(cfg, path, err, errlen);
}

static void test_defaults(void)
{
	struct gw_config cfg;

	config_defaults(&cfg);
	CU_ASSERT_EQUAL(cfg.n_listeners, 1);
	CU_ASSERT_EQUAL(cfg.listeners[0].port, 9000);
	CU_ASSERT_EQUAL(cfg.listeners[0].security_profile, 1);
	CU_ASSERT_STRING_EQUAL(cfg.listeners[0].path_prefix, "/ocpp");
	CU_ASSERT_EQUAL(cfg.auto_register, 0);
	CU_ASSERT_EQUAL(cfg.require_password, 1);
	CU_ASSERT_EQUAL(cfg.accept_all_tokens, 0);
	CU_ASSERT_EQUAL(cfg.heartbeat_interval_s, 300);
	CU_ASSERT_EQUAL(cfg.meter_sample_interval_s, 60);
	CU_ASSERT_EQUAL(cfg.max_message_bytes, 65536);
	CU_ASSERT_STRING_EQUAL(cfg.db_path, "data/ocppgw.db");
	CU_ASSERT_EQUAL(cfg.api_port, 8080);
	CU_ASSERT_EQUAL(cfg.log_level, GW_LOG_NOTICE);
}

static void test_shipped_files(void)
{
	static const char *const files[] = { "conf/ocppgw.conf", "conf/production.conf" };
	const char *src = getenv("OCPPGW_SOURCE_DIR");

	for (size_t i = 0; i < 2; i++) {
		struct gw_config cfg;
		char p[512], err[256] = "";
		snprintf(p, sizeof(p), "%s/%s", src ? src : ".", files[i]);
		config_defaults(&cfg);
		CU_ASSERT_EQUAL(config_load(&cfg, p, err, sizeof(err)), GW_OK);
		if (err[0])
			fprintf(stderr, "%s\n", err);
		config_cleanup(&cfg);
	}
}

static void test_values_and_lists(void)
{
	struct gw_config cfg;
	char err[256];

	CU_ASSERT_EQUAL(load_text(&cfg,
				  "log_level = \"debug\";\n"
				  "ocpp: { auto_register = true; heartbeat_interval_s = 60;"
				  " meter_sample_interval_s = 10; };\n"
				  "listeners = ( { name = \"a\"; port = 0; }, { name = \"b\"; port = 8443;"
				  " security_profile = 2; tls_cert = \"c.pem\"; tls_key = \"k.pem\"; } );\n"
				  "id_tokens = ( { id = \"T1\"; status = \"Blocked\"; group = \"G\"; } );\n"
				  "piles = ( { identity = \"CP1\"; status = \"Pending\"; security_profile = 2; } );\n",
				  err, sizeof(err)),
			GW_OK);
	CU_ASSERT_EQUAL(cfg.log_level, GW_LOG_DEBUG);
	CU_ASSERT_EQUAL(cfg.auto_register, 1);
	CU_ASSERT_EQUAL(cfg.heartbeat_interval_s, 60);
	CU_ASSERT_EQUAL(cfg.meter_sample_interval_s, 10);
	CU_ASSERT_EQUAL(cfg.n_listeners, 2);
	CU_ASSERT_EQUAL(cfg.listeners[1].security_profile, 2);
	CU_ASSERT_STRING_EQUAL(cfg.listeners[1].path_prefix, "/ocpp");
	CU_ASSERT_EQUAL(cfg.n_tokens, 1);
	CU_ASSERT_STRING_EQUAL(cfg.tokens[0].status, "Blocked");
	CU_ASSERT_STRING_EQUAL(cfg.tokens[0].group_id, "G");
	CU_ASSERT_EQUAL(cfg.n_piles, 1);
	CU_ASSERT_STRING_EQUAL(cfg.piles[0].status, "Pending");
	config_cleanup(&cfg);
	unlink(path);
}

static void test_bad_settings_name_their_line(void)
{
	static const struct {
		const char *text;
		const char *expect; /* substring of the error */
	} rows[] = {
		{ "\nocpp: { heartbeat_interval_s = 5; };\n", ":2: setting 'ocpp.heartbeat_interval_s': 5 is outside" },
		{ "ocpp: { hearbeat = 5; };\n", "'ocpp.hearbeat': unknown setting" },
		{ "ocpp: { meter_sample_interval_s = 0; };\n",
		  ":1: setting 'ocpp.meter_sample_interval_s': 0 is outside 1..3600" },
		{ "ocpp: { meter_sample_interval_s = 3601; };\n", "3601 is outside 1..3600" },
		{ "ocpp: { auto_register = 1; };\n", "expected true or false" },
		{ "log_level = \"loud\";\n", "expected err, warn" },
		{ "store: { path = 5; };\n", "expected a string" },
		{ "listeners = ( { port = 70000; } );\n", "out of range" },
		{ "listeners = ( { security_profile = 2; } );\n", "need tls_cert and tls_key" },
		{ "listeners = ( { security_profile = 3; tls_cert=\"a\"; tls_key=\"b\"; } );\n", "needs tls_ca" },
		{ "listeners = ( { prot = 1; } );\n", "'prot': unknown setting" },
		{ "id_tokens = ( { status = \"Accepted\"; } );\n", "needs an id" },
		{ "id_tokens = ( { id = \"X\"; status = \"Maybe\"; } );\n", "expected Accepted, Blocked" },
		{ "piles = ( { identity = \"a:b\"; } );\n", "no ':'" },
		{ "ocpp: { heartbeat_interval_s = ; };\n", ":1: syntax error" },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct gw_config cfg;
		char err[256] = "";
		CU_ASSERT_EQUAL(load_text(&cfg, rows[i].text, err, sizeof(err)), GW_ECONFIG);
		if (!strstr(err, rows[i].expect))
			fprintf(stderr, "row %zu: '%s' lacks '%s'\n", i, err, rows[i].expect);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, rows[i].expect));
		config_cleanup(&cfg);
	}
	unlink(path);
}

/* api.tls_*: both halves of the chain or none, a second chain only after
 * the first, readable files; the error names the setting and its line. */
static void test_api_tls(void)
{
	static const struct {
		const char *text;
		const char *expect;
	} bad[] = {
		{ "api: {\n tls_cert = \"/etc/hostname\";\n};\n",
		  ":2: setting 'api.tls_cert': needs api.tls_key" },
		{ "api: { port = 1;\n\n tls_key = \"/etc/hostname\"; };\n",
		  ":3: setting 'api.tls_key': needs api.tls_cert" },
		{ "api: { tls_ecdsa_cert = \"/etc/hostname\"; };\n",
		  ":1: setting 'api.tls_ecdsa_cert': a second chain needs api.tls_cert" },
		{ "api: { tls_cert = \"/etc/hostname\"; tls_key = \"/etc/hostname\";\n"
		  " tls_ecdsa_key = \"/etc/hostname\"; };\n",
		  ":2: setting 'api.tls_ecdsa_key': needs api.tls_ecdsa_cert" },
		{ "api: { tls_cert = \"/etc/hostname\";\n tls_key = \"/no/such/key.pem\"; };\n",
		  ":2: setting 'api.tls_key': cannot read /no/such/key.pem" },
		{ "api: { tls_crt = \"/etc/hostname\"; };\n", "'api.tls_crt': unknown setting" },
	};
	struct gw_config cfg;
	char err[256] = "";

	config_defaults(&cfg);
	CU_ASSERT_STRING_EQUAL(cfg.api_tls.tls_cert, ""); /* plain HTTP by default */
	CU_ASSERT_STRING_EQUAL(cfg.api_tls.name, "api");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		CU_ASSERT_EQUAL(load_text(&cfg, bad[i].text, err, sizeof(err)), GW_ECONFIG);
		if (!strstr(err, bad[i].expect))
			fprintf(stderr, "row %zu: '%s' lacks '%s'\n", i, err, bad[i].expect);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, bad[i].expect));
		config_cleanup(&cfg);
	}
	CU_ASSERT_EQUAL(load_text(&cfg, "api: { tls_cert = \"/etc/hostname\"; tls_key = \"/etc/hostname\";"
				  " tls_ecdsa_cert = \"/etc/hostname\"; };\n", err, sizeof(err)),
			GW_OK);
	CU_ASSERT_STRING_EQUAL(cfg.api_tls.tls_cert, "/etc/hostname");
	CU_ASSERT_STRING_EQUAL(cfg.api_tls.tls_ecdsa_cert, "/etc/hostname");
	CU_ASSERT_STRING_EQUAL(cfg.api_tls.tls_ecdsa_key, ""); /* the key may sit in the chain file */
	config_cleanup(&cfg);
	unlink(path);
}

static void test_missing_file(void)
{
	struct gw_config cfg;
	char err[256];

	config_defaults(&cfg);
	CU_ASSERT_EQUAL(config_load(&cfg, "/nonexistent/x.conf", err, sizeof(err)), GW_ECONFIG);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "cannot read"));
}

static void test_dump_reloads(void)
{
	struct gw_config cfg, again;
	char err[256], dump[256];
	FILE *f;

	config_defaults(&cfg);
	cfg.meter_sample_interval_s = 15;
	snprintf(dump, sizeof(dump), "/tmp/ocppgw-test-dump-%d.conf", (int)getpid());
	f = fopen(dump, "w");
	config_dump(&cfg, f);
	fclose(f);
	config_defaults(&again);
	CU_ASSERT_EQUAL(config_load(&again, dump, err, sizeof(err)), GW_OK);
	CU_ASSERT_EQUAL(again.heartbeat_interval_s, cfg.heartbeat_interval_s);
	CU_ASSERT_EQUAL(again.meter_sample_interval_s, 15);
	CU_ASSERT_STRING_EQUAL(again.db_path, cfg.db_path);
	config_cleanup(&again);
	unlink(dump);
}

static void test_tariffs_and_connectors(void)
{
	struct gw_config cfg;
	char err[256] = "";
	const struct gw_connector_spec *c;

	CU_ASSERT_EQUAL(load_text(&cfg,
				  "tariffs = ( { id = \"tou\"; currency = \"EUR\"; utc_offset_min = 60;"
				  " start_fee_minor = 50; idle_grace_min = 30; periods = ("
				  " { start = \"22:00\"; energy_per_kwh = \"0.1999\"; },"
				  " { start = \"00:00\"; energy_per_kwh = \"0.25\"; service_per_kwh = \"0.05\";"
				  "   time_per_hour = \"1\"; idle_per_min = \"0.1000\"; } ); } );\n"
				  "connectors = ( { pile = \"*\"; current = \"AC\"; p_max_w = 11000; tariff = \"tou\"; },"
				  " { pile = \"CP9\"; evse = 2; current = \"DC\"; p_max_w = 150000; tariff = \"tou\"; } );\n"
				  "anomaly: { plug_gap_s = 90; stall_min_s = 600; overtime_dc_h = 10; };\n"
				  "refund: { auto_approve_cap_minor = 2500; };\n",
				  err, sizeof(err)),
			GW_OK);
	if (err[0])
		fprintf(stderr, "%s\n", err);
	CU_ASSERT_EQUAL(cfg.n_tariffs, 1);
	CU_ASSERT_STRING_EQUAL(cfg.tariffs[0].id, "tou");
	CU_ASSERT_EQUAL(cfg.tariffs[0].t.n_periods, 2);
	CU_ASSERT_EQUAL(cfg.tariffs[0].t.periods[0].start_min, 0); /* sorted */
	CU_ASSERT_EQUAL(cfg.tariffs[0].t.periods[0].energy_per_kwh_e4, 2500);
	CU_ASSERT_EQUAL(cfg.tariffs[0].t.periods[0].time_per_hour_e4, 10000);
	CU_ASSERT_EQUAL(cfg.tariffs[0].t.periods[1].start_min, 22 * 60);
	CU_ASSERT_EQUAL(cfg.tariffs[0].t.periods[1].energy_per_kwh_e4, 1999);
	CU_ASSERT_EQUAL(cfg.tariffs[0].t.start_fee_minor, 50);
	CU_ASSERT_EQUAL(cfg.anomaly.plug_gap_ms, 90000);
	CU_ASSERT_EQUAL(cfg.anomaly.stall_min_ms, 600000);
	CU_ASSERT_EQUAL(cfg.anomaly.overtime_dc_ms, 36000000);
	CU_ASSERT_EQUAL(cfg.anomaly.stall_window_ms, 600000); /* untouched default */
	CU_ASSERT_EQUAL(cfg.refund.auto_approve_cap_minor, 2500);
	c = config_connector_find(&cfg, "CP9", 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(c->dc, 1);
	c = config_connector_find(&cfg, "CP9", 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(c->p_max_w, 11000);
	CU_ASSERT_PTR_NULL(config_tariff_find(&cfg, "nope"));
	config_cleanup(&cfg);

	/* exact decimals only, and errors name the line */
	CU_ASSERT_EQUAL(load_text(&cfg, "tariffs = ( { id = \"x\"; periods = ( { energy_per_kwh = \"0.12345\"; } ); } );\n",
				  err, sizeof(err)), GW_ECONFIG);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "at most 4 decimals"));
	config_cleanup(&cfg);
	CU_ASSERT_EQUAL(load_text(&cfg, "tariffs = ( { id = \"x\"; periods = ( { energy_per_kwh = \"-1\"; } ); } );\n",
				  err, sizeof(err)), GW_ECONFIG);
	config_cleanup(&cfg);
	CU_ASSERT_EQUAL(load_text(&cfg, "connectors = ( { tariff = \"missing\"; } );\n", err, sizeof(err)), GW_ECONFIG);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "no tariff with this id"));
	config_cleanup(&cfg);
	CU_ASSERT_EQUAL(load_text(&cfg, "anomaly: { plug_gap_s = -1; };\n", err, sizeof(err)), GW_ECONFIG);
	config_cleanup(&cfg);
	unlink(path);
}

static void test_api_tokens_and_retries(void)
{
	struct gw_config cfg;
	char err[256] = "";

	CU_ASSERT_EQUAL(load_text(&cfg,
				  "api: { port = 0; tokens = ( { name = \"ops\"; token = \"0123456789abcdef-ops\";"
				  " scopes = \"read,operate\"; } ); };\n"
				  "hooks: { retry_s = [ 1, 2, 3 ]; timeout_ms = 500; };\n",
				  err, sizeof(err)), GW_OK);
	CU_ASSERT_EQUAL(cfg.n_api_tokens, 1);
	CU_ASSERT_STRING_EQUAL(cfg.api_tokens[0].name, "ops");
	CU_ASSERT_EQUAL(cfg.api_tokens[0].scopes, GW_SCOPE_READ | GW_SCOPE_OPERATE);
	CU_ASSERT_EQUAL(cfg.n_hook_retries, 3);
	CU_ASSERT_EQUAL(cfg.hook_retry_s[2], 3);
	CU_ASSERT_EQUAL(cfg.hook_timeout_ms, 500);
	config_cleanup(&cfg);
	CU_ASSERT_EQUAL(load_text(&cfg, "api: { tokens = ( { token = \"short\"; } ); };\n", err, sizeof(err)),
			GW_ECONFIG);
	config_cleanup(&cfg);
	CU_ASSERT_EQUAL(load_text(&cfg, "api: { tokens = ( { token = \"0123456789abcdef\"; scopes = \"root\"; } ); };\n",
				  err, sizeof(err)), GW_ECONFIG);
	config_cleanup(&cfg);
	CU_ASSERT_EQUAL(load_text(&cfg, "hooks: { retry_s = [ 0 ]; };\n", err, sizeof(err)), GW_ECONFIG);
	config_cleanup(&cfg);
	config_defaults(&cfg);
	CU_ASSERT_EQUAL(cfg.n_hook_retries, 5);
	CU_ASSERT_EQUAL(cfg.hook_retry_s[4], 43200);
	unlink(path);
}

/* sla: the timers, the working week, holidays, the offset; the 1.6 cost vendor */
static void test_sla_calendar(void)
{
	struct gw_config cfg;
	char err[256] = "";

	config_defaults(&cfg);
	CU_ASSERT_EQUAL(cfg.sla.ack_ms, 48 * 3600000LL);
	CU_ASSERT_EQUAL(cfg.sla.decide_simple_days, 3);
	CU_ASSERT_EQUAL(cfg.sla.decide_complex_days, 7);
	CU_ASSERT_EQUAL(cfg.sla.weekday_mask, 0x3eu);
	CU_ASSERT_STRING_EQUAL(cfg.sla.working_days, "Mon,Tue,Wed,Thu,Fri");
	CU_ASSERT_EQUAL(cfg.sla.utc_offset_min, 0);
	CU_ASSERT_EQUAL(cfg.sla.n_holidays, 0);
	CU_ASSERT_STRING_EQUAL(cfg.cost_datatransfer_vendor, "");

	CU_ASSERT_EQUAL(load_text(&cfg,
				  "sla: { ack_h = 24; decide_simple_days = 2; decide_complex_days = 5;\n"
				  "       working_days = \"Sun,Mon,Tue,Wed,Thu\"; utc_offset_min = -300;\n"
				  "       holidays = [ \"2026-12-25\", \"2027-01-01\" ]; };\n"
				  "orders: { cost_datatransfer_vendor = \"com.example\"; };\n",
				  err, sizeof(err)), GW_OK);
	if (err[0])
		fprintf(stderr, "%s\n", err);
	CU_ASSERT_EQUAL(cfg.sla.ack_ms, 24 * 3600000LL);
	CU_ASSERT_EQUAL(cfg.sla.decide_simple_days, 2);
	CU_ASSERT_EQUAL(cfg.sla.decide_complex_days, 5);
	CU_ASSERT_EQUAL(cfg.sla.weekday_mask, 0x1fu);
	CU_ASSERT_STRING_EQUAL(cfg.sla.working_days, "Sun,Mon,Tue,Wed,Thu");
	CU_ASSERT_EQUAL(cfg.sla.utc_offset_min, -300);
	CU_ASSERT_EQUAL_FATAL(cfg.sla.n_holidays, 2);
	CU_ASSERT_EQUAL(cfg.sla.holidays[0], 20812); /* 2026-12-25 */
	CU_ASSERT_EQUAL(cfg.sla.holidays[1], 20819); /* 2027-01-01 */
	CU_ASSERT_STRING_EQUAL(cfg.cost_datatransfer_vendor, "com.example");
	config_cleanup(&cfg);

	CU_ASSERT_EQUAL(load_text(&cfg, "sla: {\n working_days = \"Mon,Frei\"; };\n", err, sizeof(err)), GW_ECONFIG);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, ":2: setting 'sla.working_days'"));
	CU_ASSERT_EQUAL(load_text(&cfg, "sla: { working_days = \"\"; };\n", err, sizeof(err)), GW_ECONFIG);
	CU_ASSERT_EQUAL(load_text(&cfg, "sla: {\n\n holidays = [ \"2026-02-30\" ]; };\n", err, sizeof(err)),
			GW_ECONFIG);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, ":3: setting 'sla.holidays'"));
	CU_ASSERT_EQUAL(load_text(&cfg, "sla: { holidays = [ 1 ]; };\n", err, sizeof(err)), GW_ECONFIG);
	CU_ASSERT_EQUAL(load_text(&cfg, "sla: { utc_offset_min = 900; };\n", err, sizeof(err)), GW_ECONFIG);
	CU_ASSERT_EQUAL(load_text(&cfg, "sla: { ack_h = 0; };\n", err, sizeof(err)), GW_ECONFIG);
	config_cleanup(&cfg);
	unlink(path);
}

int main(void)
{
	CU_pSuite s;
	unsigned failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("config", NULL, NULL);
	CU_add_test(s, "defaults", test_defaults);
	CU_add_test(s, "shipped files load", test_shipped_files);
	CU_add_test(s, "values and lists", test_values_and_lists);
	CU_add_test(s, "bad settings name their line", test_bad_settings_name_their_line);
	CU_add_test(s, "api TLS settings", test_api_tls);
	CU_add_test(s, "missing file", test_missing_file);
	CU_add_test(s, "dump reloads", test_dump_reloads);
	CU_add_test(s, "tariffs and connectors", test_tariffs_and_connectors);
	CU_add_test(s, "api tokens and hook retries", test_api_tokens_and_retries);
	CU_add_test(s, "sla calendar and cost vendor", test_sla_calendar);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
