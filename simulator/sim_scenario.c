/* SPDX-License-Identifier: MIT
 *
 * sim_scenario.c - libconfig -> struct sim_scenario.  Three tables drive
 * it: settings (top level), parameters (inside a step) and steps (which
 * parameters each step allows and requires).  Every refusal names the
 * line: libconfig's own for syntax errors, config_setting_source_line()
 * for ours.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <libconfig.h>

#include "common/gw_alloc.h"
#include "common/gw_err.h"
#include "sim_scenario.h"

enum val_type { V_INT, V_NUM, V_STR, V_BOOL };

/* One setting or parameter: where it goes and what it may be. */
struct field_row {
	const char *name;
	enum val_type type;
	size_t offset; /* into struct sim_scenario or struct sim_step */
	size_t size;   /* V_STR: buffer size */
	double min, max;
	unsigned bit;  /* parameters only: bit in a step's allowed mask */
};

#define SCN(f) offsetof(struct sim_scenario, f)
#define STP(f) offsetof(struct sim_step, f)
#define SZ(t, f) sizeof(((struct t *)0)->f)

static const struct field_row settings[] = {
	{ "description", V_STR, SCN(description), SZ(sim_scenario, description), 0, 0, 0 },
	{ "identity", V_STR, SCN(identity), SZ(sim_scenario, identity), 0, 0, 0 },
	{ "id_tag", V_STR, SCN(id_tag), SZ(sim_scenario, id_tag), 0, 0, 0 },
	{ "vendor", V_STR, SCN(vendor), SZ(sim_scenario, vendor), 0, 0, 0 },
	{ "model", V_STR, SCN(model), SZ(sim_scenario, model), 0, 0, 0 },
	{ "connectors", V_INT, SCN(connectors), 0, 1, SIM_MAX_CONNECTORS, 0 },
	{ "time_scale", V_NUM, SCN(time_scale), 0, 0.001, 100000, 0 },
	{ "max_power_kw", V_NUM, SCN(max_power_kw), 0, 0.1, 1000, 0 },
	{ "default_kw", V_NUM, SCN(default_kw), 0, 0, 1000, 0 },
	{ "meter_start_wh", V_NUM, SCN(meter_start_wh), 0, 0, 1e12, 0 },
	{ "meter_interval", V_INT, SCN(meter_interval_s), 0, 0, 86400, 0 },
	{ "clock_aligned_interval", V_INT, SCN(clock_aligned_s), 0, 0, 86400, 0 },
	{ "heartbeat_interval", V_INT, SCN(heartbeat_s), 0, 1, 86400, 0 },
	{ "backdate", V_INT, SCN(backdate_s), 0, -1, 864000, 0 },
};

enum param_bit {
	P_CONNECTOR = 1u << 0,
	P_SECONDS = 1u << 1,
	P_KW = 1u << 2,
	P_WH = 1u << 3,
	P_WITHIN = 1u << 4,
	P_ENABLE = 1u << 5,
	P_KEEP_TX = 1u << 6,
	P_ID_TAG = 1u << 7,
	P_REASON = 1u << 8,
	P_ACTION = 1u << 9,
	P_FIELD = 1u << 10,
	P_EQUALS = 1u << 11,
	P_STATUS = 1u << 12,
	P_ERROR_CODE = 1u << 13,
};

static const struct field_row params[] = {
	{ "connector", V_INT, STP(connector), 0, 1, SIM_MAX_CONNECTORS, P_CONNECTOR },
	{ "seconds", V_NUM, STP(seconds), 0, -1e7, 1e7, P_SECONDS },
	{ "kw", V_NUM, STP(kw), 0, 0, 1000, P_KW },
	{ "wh", V_NUM, STP(wh), 0, -1e9, 1e9, P_WH },
	{ "within", V_NUM, STP(within_s), 0, 0, 86400, P_WITHIN },
	{ "enable", V_BOOL, STP(enable), 0, 0, 1, P_ENABLE },
	{ "keep_transaction", V_BOOL, STP(keep_tx), 0, 0, 1, P_KEEP_TX },
	{ "id_tag", V_STR, STP(id_tag), SZ(sim_step, id_tag), 0, 0, P_ID_TAG },
	{ "reason", V_STR, STP(reason), SZ(sim_step, reason), 0, 0, P_REASON },
	{ "action", V_STR, STP(action), SZ(sim_step, action), 0, 0, P_ACTION },
	{ "field", V_STR, STP(field), SZ(sim_step, field), 0, 0, P_FIELD },
	{ "equals", V_STR, STP(equals), SZ(sim_step, equals), 0, 0, P_EQUALS },
	{ "status", V_STR, STP(status), SZ(sim_step, status), 0, 0, P_STATUS },
	{ "error_code", V_STR, STP(error_code), SZ(sim_step, error_code), 0, 0, P_ERROR_CODE },
};

/* One step kind: its name in files and the parameters it takes. */
struct step_row {
	const char *name;
	enum sim_step_kind kind;
	unsigned allowed;
	unsigned required;
};

#define SW (P_ENABLE)
static const struct step_row steps[] = {
	{ "wait", SIM_STEP_WAIT, P_SECONDS, P_SECONDS },
	{ "plug", SIM_STEP_PLUG, P_CONNECTOR, 0 },
	{ "unplug", SIM_STEP_UNPLUG, P_CONNECTOR | P_KEEP_TX, 0 },
	{ "authorize", SIM_STEP_AUTHORIZE, P_ID_TAG, 0 },
	{ "start", SIM_STEP_START, P_CONNECTOR | P_ID_TAG, 0 },
	{ "charge", SIM_STEP_CHARGE, P_CONNECTOR | P_KW, P_KW },
	{ "stall", SIM_STEP_STALL, P_CONNECTOR, 0 },
	{ "suspend_ev", SIM_STEP_SUSPEND_EV, P_CONNECTOR, 0 },
	{ "suspend_evse", SIM_STEP_SUSPEND_EVSE, P_CONNECTOR, 0 },
	{ "resume", SIM_STEP_RESUME, P_CONNECTOR, 0 },
	{ "fault", SIM_STEP_FAULT, P_CONNECTOR | P_ERROR_CODE, 0 },
	{ "clear_fault", SIM_STEP_CLEAR_FAULT, P_CONNECTOR, 0 },
	{ "stop", SIM_STEP_STOP, P_CONNECTOR | P_REASON, 0 },
	{ "offline", SIM_STEP_OFFLINE, 0, 0 },
	{ "online", SIM_STEP_ONLINE, 0, 0 },
	{ "replay_start", SIM_STEP_REPLAY_START, P_CONNECTOR, 0 },
	{ "ignore_remote_stop", SIM_STEP_IGNORE_REMOTE_STOP, SW, 0 },
	{ "clock_offset", SIM_STEP_CLOCK_OFFSET, P_SECONDS, P_SECONDS },
	{ "meter_kwh", SIM_STEP_METER_KWH, P_CONNECTOR | SW, 0 },
	{ "meter_backwards", SIM_STEP_METER_BACKWARDS, P_CONNECTOR | SW, 0 },
	{ "meter_silence", SIM_STEP_METER_SILENCE, SW, 0 },
	{ "inject_energy", SIM_STEP_INJECT_ENERGY, P_CONNECTOR | P_WH, P_WH },
	{ "heartbeat", SIM_STEP_HEARTBEAT, 0, 0 },
	{ "meter_now", SIM_STEP_METER_NOW, P_CONNECTOR, 0 },
	{ "expect_response", SIM_STEP_EXPECT_RESPONSE, P_ACTION | P_FIELD | P_EQUALS | P_WITHIN,
	  P_ACTION | P_FIELD },
	{ "expect_call", SIM_STEP_EXPECT_CALL, P_ACTION | P_WITHIN, P_ACTION },
	{ "expect_status", SIM_STEP_EXPECT_STATUS, P_CONNECTOR | P_STATUS | P_WITHIN, P_STATUS },
};

const char *sim_step_name(enum sim_step_kind k)
{
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (steps[i].kind == k)
			return steps[i].name;
	return "?";
}

static int refuse(struct sim_scenario_error *err, const config_setting_t *s, const char *fmt,
		  const char *a, const char *b)
{
	err->line = s ? (int)config_setting_source_line(s) : 0;
	snprintf(err->msg, sizeof(err->msg), fmt, a, b ? b : "");
	return GW_ECONFIG;
}

static int number_of(const config_setting_t *s, double *v)
{
	switch (config_setting_type(s)) {
	case CONFIG_TYPE_INT:
		*v = config_setting_get_int(s);
		return GW_OK;
	case CONFIG_TYPE_INT64:
		*v = (double)config_setting_get_int64(s);
		return GW_OK;
	case CONFIG_TYPE_FLOAT:
		*v = config_setting_get_float(s);
		return GW_OK;
	default:
		return GW_ETYPE;
	}
}

/* Store setting s into base according to row r. */
static int store_field(const struct field_row *r, const config_setting_t *s, void *base,
		       struct sim_scenario_error *err)
{
	char *dst = (char *)base + r->offset;
	const char *str;
	double v;

	switch (r->type) {
	case V_STR:
		str = config_setting_get_string(s);
		if (!str)
			return refuse(err, s, "'%s' must be a string", r->name, NULL);
		if (strlen(str) >= r->size)
			return refuse(err, s, "'%s' is too long", r->name, NULL);
		memcpy(dst, str, strlen(str) + 1);
		return GW_OK;
	case V_BOOL:
		if (config_setting_type(s) != CONFIG_TYPE_BOOL)
			return refuse(err, s, "'%s' must be true or false", r->name, NULL);
		*(int *)(void *)dst = config_setting_get_bool(s);
		return GW_OK;
	case V_INT:
	case V_NUM:
		if (number_of(s, &v))
			return refuse(err, s, "'%s' must be a number", r->name, NULL);
		if (v < r->min || v > r->max)
			return refuse(err, s, "'%s' is out of range", r->name, NULL);
		if (r->type == V_INT) {
			if (v != (double)(int)v)
				return refuse(err, s, "'%s' must be an integer", r->name, NULL);
			*(int *)(void *)dst = (int)v;
		} else {
			*(double *)(void *)dst = v;
		}
		return GW_OK;
	}
	return GW_EINVAL;
}

static const struct field_row *find_field(const struct field_row *rows, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(rows[i].name, name))
			return &rows[i];
	return NULL;
}

static const struct step_row *find_step(const char *name)
{
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (!strcmp(steps[i].name, name))
			return &steps[i];
	return NULL;
}

static void step_defaults(struct sim_step *st, const struct sim_scenario *sc)
{
	memset(st, 0, sizeof(*st));
	st->connector = 1;
	st->within_s = 10;
	st->enable = 1;
	snprintf(st->id_tag, sizeof(st->id_tag), "%s", sc->id_tag);
	snprintf(st->reason, sizeof(st->reason), "Local");
	snprintf(st->error_code, sizeof(st->error_code), "GroundFailure");
}

static int parse_step(const config_setting_t *g, struct sim_scenario *sc, struct sim_step *st,
		      struct sim_scenario_error *err)
{
	const config_setting_t *what = config_setting_get_member(g, "do");
	const struct step_row *row;
	unsigned seen = 0;
	int rc;

	if (!config_setting_is_group(g))
		return refuse(err, g, "a step must be a group { do = \"...\"; ... }%s%s", "", NULL);
	if (!what || !config_setting_get_string(what))
		return refuse(err, g, "step without 'do = \"name\"'%s%s", "", NULL);
	row = find_step(config_setting_get_string(what));
	if (!row)
		return refuse(err, what, "unknown step '%s'%s", config_setting_get_string(what), NULL);
	step_defaults(st, sc);
	st->kind = row->kind;
	st->line = (int)config_setting_source_line(g);
	for (int i = 0; i < config_setting_length(g); i++) {
		const config_setting_t *m = config_setting_get_elem(g, (unsigned)i);
		const char *name = config_setting_name(m);
		const struct field_row *p;

		if (!strcmp(name, "do"))
			continue;
		p = find_field(params, sizeof(params) / sizeof(params[0]), name);
		if (!p || !(row->allowed & p->bit))
			return refuse(err, m, "step '%s' takes no parameter '%s'", row->name, name);
		rc = store_field(p, m, st, err);
		if (rc)
			return rc;
		seen |= p->bit;
	}
	if ((seen & row->required) != row->required)
		return refuse(err, g, "step '%s' is missing a required parameter%s", row->name, NULL);
	if (st->connector > sc->connectors)
		return refuse(err, g, "step '%s' names a connector the pile does not have%s",
			      row->name, NULL);
	return GW_OK;
}

static void scenario_defaults(struct sim_scenario *sc, const char *name)
{
	const char *base = strrchr(name, '/');

	snprintf(sc->name, sizeof(sc->name), "%s", base ? base + 1 : name);
	sc->version = 16;
	snprintf(sc->identity, sizeof(sc->identity), "CP001");
	snprintf(sc->id_tag, sizeof(sc->id_tag), "TAG001");
	snprintf(sc->vendor, sizeof(sc->vendor), "ocppsim");
	snprintf(sc->model, sizeof(sc->model), "SIM-AC22");
	sc->connectors = 1;
	sc->time_scale = 1.0;
	sc->max_power_kw = 22.0;
	sc->default_kw = 11.0;
	sc->meter_start_wh = 1000.0;
	sc->meter_interval_s = 60;
	sc->clock_aligned_s = 0;
	sc->heartbeat_s = 300;
	sc->backdate_s = -1;
}

static int parse_version(const config_setting_t *s, struct sim_scenario *sc,
			 struct sim_scenario_error *err)
{
	const char *v = config_setting_get_string(s);

	if (v && !strcmp(v, "1.6"))
		sc->version = 16;
	else if (v && !strcmp(v, "2.0.1"))
		sc->version = 201;
	else
		return refuse(err, s, "version must be \"1.6\" or \"2.0.1\"%s%s", "", NULL);
	return GW_OK;
}

static int parse_steps(const config_setting_t *list, struct sim_scenario *sc,
		       struct sim_scenario_error *err)
{
	int n = config_setting_length(list), rc;

	if (!config_setting_is_list(list) && !config_setting_is_array(list))
		return refuse(err, list, "'steps' must be a list ( {...}, {...} )%s%s", "", NULL);
	sc->steps = gw_calloc(n ? (size_t)n : 1, sizeof(*sc->steps));
	if (!sc->steps)
		return GW_ENOMEM;
	for (int i = 0; i < n; i++) {
		rc = parse_step(config_setting_get_elem(list, (unsigned)i), sc, &sc->steps[i], err);
		if (rc)
			return rc;
		sc->nsteps++;
	}
	return GW_OK;
}

/* Walk the root group: settings by table, then the steps. */
static int parse_root(config_t *cfg, struct sim_scenario *sc, struct sim_scenario_error *err)
{
	config_setting_t *root = config_root_setting(cfg), *list = NULL;
	int rc;

	for (int i = 0; i < config_setting_length(root); i++) {
		config_setting_t *s = config_setting_get_elem(root, (unsigned)i);
		const char *name = config_setting_name(s);
		const struct field_row *r;

		if (!strcmp(name, "version")) {
			rc = parse_version(s, sc, err);
		} else if (!strcmp(name, "steps")) {
			list = s;
			rc = GW_OK;
		} else if ((r = find_field(settings, sizeof(settings) / sizeof(settings[0]), name))) {
			rc = store_field(r, s, sc, err);
		} else {
			rc = refuse(err, s, "unknown setting '%s'%s", name, NULL);
		}
		if (rc)
			return rc;
	}
	if (!list)
		return refuse(err, NULL, "no 'steps' list%s%s", "", NULL);
	return parse_steps(list, sc, err);
}

typedef int cfg_reader_fn(config_t *cfg, const void *src);

static int read_file(config_t *cfg, const void *src)
{
	return config_read_file(cfg, src);
}

static int read_string(config_t *cfg, const void *src)
{
	return config_read_string(cfg, src);
}

static int load(cfg_reader_fn *reader, const void *src, const char *name,
		struct sim_scenario **out, struct sim_scenario_error *err)
{
	struct sim_scenario *sc = NULL;
	config_t cfg;
	int rc = GW_ENOMEM;

	memset(err, 0, sizeof(*err));
	config_init(&cfg);
	sc = gw_calloc(1, sizeof(*sc));
	if (!sc)
		goto out;
	scenario_defaults(sc, name);
	if (reader(&cfg, src) != CONFIG_TRUE) {
		err->line = config_error_line(&cfg);
		snprintf(err->msg, sizeof(err->msg), "%s",
			 config_error_text(&cfg) ? config_error_text(&cfg) : "cannot read file");
		rc = GW_ECONFIG;
		goto out;
	}
	rc = parse_root(&cfg, sc, err);
	if (rc == GW_ENOMEM)
		snprintf(err->msg, sizeof(err->msg), "out of memory");
	if (rc)
		goto out;
	*out = sc;
	sc = NULL;
out:
	sim_scenario_free(sc);
	config_destroy(&cfg);
	return rc;
}

int sim_scenario_load(const char *path, struct sim_scenario **out, struct sim_scenario_error *err)
{
	return load(read_file, path, path, out, err);
}

int sim_scenario_parse(const char *text, const char *name, struct sim_scenario **out,
		       struct sim_scenario_error *err)
{
	return load(read_string, text, name, out, err);
}

void sim_scenario_free(struct sim_scenario *s)
{
	if (!s)
		return;
	gw_free(s->steps);
	gw_free(s);
}

double sim_scenario_virtual_s(const struct sim_scenario *s)
{
	double total = 0;

	for (size_t i = 0; i < s->nsteps; i++)
		if (s->steps[i].kind == SIM_STEP_WAIT && s->steps[i].seconds > 0)
			total += s->steps[i].seconds;
	return total;
}
