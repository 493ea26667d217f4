/* SPDX-License-Identifier: MIT
 *
 * sim_scenario.h - a scenario file (libconfig) as plain structs: header
 * settings and a timeline of steps run one after another on one pile.
 * Both the settings and the steps are tables (sim_scenario.c): a step's
 * row says which parameters it takes, so an unknown step, an unknown or
 * missing parameter, or a bad value is refused with its line number.
 * Pure: no sockets, no clock.  The format is documented in README.md.
 */
#ifndef SIM_SCENARIO_H
#define SIM_SCENARIO_H
#include <stddef.h>

#define SIM_MAX_CONNECTORS 4

enum sim_step_kind {
	SIM_STEP_WAIT,
	SIM_STEP_PLUG,
	SIM_STEP_UNPLUG,
	SIM_STEP_AUTHORIZE,
	SIM_STEP_START,
	SIM_STEP_CHARGE,
	SIM_STEP_STALL,
	SIM_STEP_SUSPEND_EV,
	SIM_STEP_SUSPEND_EVSE,
	SIM_STEP_RESUME,
	SIM_STEP_FAULT,
	SIM_STEP_CLEAR_FAULT,
	SIM_STEP_STOP,
	SIM_STEP_OFFLINE,
	SIM_STEP_ONLINE,
	SIM_STEP_REPLAY_START,
	SIM_STEP_IGNORE_REMOTE_STOP,
	SIM_STEP_CLOCK_OFFSET,
	SIM_STEP_METER_KWH,
	SIM_STEP_METER_BACKWARDS,
	SIM_STEP_METER_SILENCE,
	SIM_STEP_INJECT_ENERGY,
	SIM_STEP_HEARTBEAT,
	SIM_STEP_METER_NOW,
	SIM_STEP_EXPECT_RESPONSE,
	SIM_STEP_EXPECT_CALL,
	SIM_STEP_EXPECT_STATUS,
	SIM_STEP_KIND_COUNT
};

/* One timeline step; lives in its scenario. */
struct sim_step {
	enum sim_step_kind kind;
	int line;           /* line in the scenario file */
	int connector;      /* 1..connectors, default 1 */
	double seconds;     /* wait: virtual s; clock_offset: s (may be < 0) */
	double kw;          /* charge: power the EV draws, kW */
	double wh;          /* inject_energy: register jump, Wh */
	double within_s;    /* expect_*: real seconds to wait for it (default 10) */
	int enable;         /* switch steps: 1 on, 0 off (default 1) */
	int keep_tx;        /* unplug: leave the transaction open */
	char id_tag[40];    /* authorize/start; default: scenario id_tag */
	char reason[32];    /* stop: reason (default Local) */
	char action[48];    /* expect_response / expect_call */
	char field[96];     /* expect_response: dotted path in the payload */
	char equals[96];    /* expect_response: expected text; "" = field present */
	char status[32];    /* expect_status: connector status name */
	char error_code[40];/* fault: errorCode (default GroundFailure) */
};

/* A loaded scenario; sim_scenario_free() releases it. */
struct sim_scenario {
	char name[128];        /* file name without directory */
	char description[256];
	int version;           /* 16 or 201 */
	char identity[64];     /* default pile identity */
	char id_tag[40];       /* default idTag */
	char vendor[32];
	char model[32];
	int connectors;        /* 1..SIM_MAX_CONNECTORS */
	double time_scale;     /* virtual s per real s, > 0 */
	double max_power_kw;   /* nameplate (informative) */
	double default_kw;     /* power when an EV starts drawing unasked */
	double meter_start_wh; /* register at boot */
	int meter_interval_s;  /* MeterValueSampleInterval until changed */
	int clock_aligned_s;   /* ClockAlignedDataInterval, 0 = off */
	int heartbeat_s;       /* until BootNotification gives one */
	int backdate_s;        /* pile clock starts this far back; -1 = auto */
	size_t nsteps;
	struct sim_step *steps;
};

/* Why a file was refused. */
struct sim_scenario_error {
	int line;       /* 0 if unknown (e.g. file missing) */
	char msg[256];
};

/* Load path.  GW_OK (caller frees *out with sim_scenario_free), GW_ECONFIG
 * with err filled, GW_ENOMEM. */
int sim_scenario_load(const char *path, struct sim_scenario **out, struct sim_scenario_error *err);
/* Same from text (tests); name is used as the scenario name. */
int sim_scenario_parse(const char *text, const char *name, struct sim_scenario **out,
		       struct sim_scenario_error *err);
void sim_scenario_free(struct sim_scenario *s);

const char *sim_step_name(enum sim_step_kind k);
/* Sum of the scenario's virtual waits, s (for automatic back-dating). */
double sim_scenario_virtual_s(const struct sim_scenario *s);

#endif
