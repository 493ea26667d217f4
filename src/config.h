/* SPDX-License-Identifier: MIT
 *
 * config.h - struct gw_config: every setting of ocppgw with its default.
 *
 * config.c reads a libconfig file through one table of rows
 * {path, type, offset, default, min, max}; the same table gives defaults,
 * --dump-config and "bad value at line N".  Lists (listeners, id tokens,
 * piles) have their own small readers.  Every setting has a safe default,
 * so an empty file is a valid configuration.
 *
 * Lifetime: one per process, filled at start, read-only afterwards.
 */
#ifndef GW_CONFIG_H
#define GW_CONFIG_H
#include <stddef.h>
#include <stdint.h>

#include "domain/billing/anomaly.h"
#include "domain/billing/refund.h"
#include "domain/billing/sla.h"
#include "domain/billing/tariff.h"

#define GW_CONFIG_MAX_LISTENERS 8
#define GW_CONFIG_MAX_TARIFFS 16
#define GW_PATH_MAX 512

/* One OCPP listener; security profiles are one per listener (A00.FR.006). */
struct gw_listener {
	char name[32];
	char address[64];       /* "0.0.0.0", "127.0.0.1", "::" */
	int port;               /* 0 = pick a free port (tests); logged at start */
	int security_profile;   /* 1 Basic auth over ws, 2 TLS + Basic, 3 mutual TLS */
	char path_prefix[64];   /* "/ocpp": piles dial PREFIX/{identity} */
	char tls_cert[GW_PATH_MAX];       /* RSA server chain (PEM) */
	char tls_key[GW_PATH_MAX];
	char tls_ecdsa_cert[GW_PATH_MAX]; /* optional second (ECDSA) chain */
	char tls_ecdsa_key[GW_PATH_MAX];
	char tls_ca[GW_PATH_MAX];         /* CA that signs pile client certs (profile 3) */
};

/* An id token seeded into the store at start (upserted by value). */
struct gw_token_seed {
	char id[37];
	char status[20];   /* Accepted, Blocked, Expired, Invalid */
	char expiry[32];   /* RFC 3339 or "" */
	char group_id[37];
};

/* A pile registered beforehand (production). */
struct gw_pile_seed {
	char identity[49];
	char status[12];   /* Accepted, Pending, Rejected */
	int security_profile; /* minimum profile this pile must use, 0 = listener's */
};

/* A named tariff (DESIGN.md "Amount"); snapshotted on each order at start. */
struct gw_tariff {
	char id[32];
	struct tariff t;
};

/* What the gateway knows of a connector (DESIGN.md "Orders"): its current
 * type, nameplate power and tariff.  pile "*" and evse 0 are wildcards; the
 * most specific row wins (pile + evse, pile, evse, "*"). */
struct gw_connector_spec {
	char pile[49];   /* identity or "*" */
	int evse_id;     /* 0 = every EVSE of the pile */
	int dc;          /* 1 = DC, 0 = AC */
	int64_t p_max_w; /* nameplate maximum power */
	char tariff[32]; /* a gw_tariff id */
};

#define GW_CONFIG_MAX_PARTNERS 16

/* A partner platform (DESIGN.md "Partners and disputes"): an app or roaming
 * hub through which drivers start sessions.  An order belongs to the
 * partner whose token prefix or id-token group matches its id token. */
struct gw_partner {
	char name[32];
	char url[256];          /* webhook endpoint (HTTP POST) */
	char secret[128];       /* HMAC-SHA256 key; never logged */
	char token_prefixes[256]; /* comma-separated prefixes of id tokens, "" = none */
	char groups[256];       /* comma-separated id-token group ids, "" = none */
};

#define GW_CONFIG_MAX_API_TOKENS 32
#define GW_HOOK_RETRIES_MAX 8

/* An operator API token (DESIGN.md "Who uses it"): only its SHA-256 is
 * kept after start-up; scopes are "read", "operate", "review". */
struct gw_api_token {
	char name[32];         /* who holds it, for logs and events */
	unsigned char sha256[32];
	unsigned scopes;       /* GW_SCOPE_* bits */
};

enum gw_scope {
	GW_SCOPE_READ = 1u << 0,
	GW_SCOPE_OPERATE = 1u << 1,
	GW_SCOPE_REVIEW = 1u << 2,
};

struct gw_config {
	char source_file[GW_PATH_MAX]; /* "" = embedded defaults */

	/* ---- process */
	int log_level;          /* 0 err .. 4 debug; default 2 (notice) */
	char schema_dir[GW_PATH_MAX]; /* folder holding ocpp1.6/ and ocpp2.0.1/ */

	/* ---- OCPP listeners */
	struct gw_listener listeners[GW_CONFIG_MAX_LISTENERS];
	int n_listeners;        /* default: one, 0.0.0.0:9000 profile 1 "/ocpp" */

	/* ---- who may connect */
	int auto_register;      /* unknown identity: 1 = register on first connect, 0 = HTTP 404 */
	int require_password;   /* profile 1/2: 1 = a pile without a password is refused */
	char operator_name[64]; /* CPO name: the O of pile certificates */
	int auth_fail_limit;    /* failed handshakes per identity per minute before 429-style refusal */

	/* ---- OCPP behaviour */
	int heartbeat_interval_s;   /* BootNotification Accepted interval, default 300 */
	int boot_retry_interval_s;  /* Pending/Rejected retry interval, default 30 */
	int call_timeout_ms;        /* server-initiated CALL timeout, default 30000 */
	int max_pending_calls;      /* queued server CALLs per pile, default 32 */
	int accept_all_tokens;      /* dev mode: every id token Accepted; default 0 */
	int push_config_on_boot;    /* send the detector configuration at boot; default 1 */
	int meter_sample_interval_s; /* pushed 1.6 MeterValueSampleInterval / 2.0.1
				      * SampledDataCtrlr.TxUpdatedInterval, 1..3600, default 60;
				      * METER_SILENCE counts in it (the accepted value) */
	int validate_outbound;      /* check every payload we send against its schema; tests: 1 */

	/* ---- limits and timers */
	int max_message_bytes;      /* WebSocket message cap, default 65536; over -> close 1009 */
	int max_outbound_bytes;     /* per-pile outbound queue, default 1 MiB; over -> close */
	int ping_interval_s;        /* server pings, default 60 */
	int idle_hangup_s;          /* no valid pong/data for this long -> close, default 180 */
	int handshake_timeout_s;    /* default 5 */

	/* ---- certificates (SignCertificate) */
	char ca_cert[GW_PATH_MAX];  /* CA that signs pile CSRs; default certs/dev/ca.pem */
	char ca_key[GW_PATH_MAX];
	int cert_validity_days;     /* default 365 */

	/* ---- store */
	char db_path[GW_PATH_MAX];  /* SQLite file, default data/ocppgw.db */
	int db_busy_timeout_ms;     /* default 5000 */

	/* ---- operator API (issue 5) */
	char api_address[64];       /* default 127.0.0.1 */
	int api_port;               /* default 8080; 0 = pick a free port; -1 = off */
	/* HTTPS for the API (api.tls_*): plain HTTP while api_tls.tls_cert is
	 * "".  Only name and the tls_cert / tls_key / tls_ecdsa_* fields are
	 * used; kept as a gw_listener so transport/tls.c loads the second
	 * (ECDSA) chain exactly as for an OCPP listener. */
	struct gw_listener api_tls;

	/* ---- orders, tariffs and anomaly detection (issue 4) */
	struct gw_tariff tariffs[GW_CONFIG_MAX_TARIFFS];
	int n_tariffs;              /* default: one "default" tariff, EUR 0.30/kWh */
	struct gw_connector_spec *connectors;
	size_t n_connectors;        /* default: none (then AC, 22 kW, "default") */
	struct anomaly_thresholds anomaly; /* every threshold of DESIGN.md's table */
	struct refund_policy refund;       /* tier B auto-approval cap and abuse limit */
	struct sla_calendar sla;           /* case SLA timers and their working-day calendar */
	char cost_datatransfer_vendor[256]; /* 1.6 running cost via DataTransfer vendorId, "" = off */
	int free_cancel_min;        /* DESIGN.md free cancel window, default 15 */
	int cost_update_interval_s; /* 2.0.1 CostUpdated while charging, 0 = off; default 300 */
	int sweep_interval_s;       /* periodic detector sweep (silence, stops), default 30 */

	/* ---- operator API tokens (api.tokens list) */
	struct gw_api_token api_tokens[GW_CONFIG_MAX_API_TOKENS];
	int n_api_tokens;
	int api_max_body_bytes;     /* request body cap, default 65536; over -> 413 */

	/* ---- webhook delivery (hooks/) */
	int hook_retry_s[GW_HOOK_RETRIES_MAX]; /* waits before retries: 60, 300, 1800, 7200, 43200 */
	int n_hook_retries;         /* then dead-lettered */
	int hook_timeout_ms;        /* one delivery attempt, default 10000 */
	int hook_max_skew_s;        /* inbound signatures older than this are refused, default 300 */

	/* ---- partner platforms (webhooks, disputes) */
	struct gw_partner partners[GW_CONFIG_MAX_PARTNERS];
	int n_partners;

	/* ---- seeds */
	struct gw_token_seed *tokens;
	size_t n_tokens;
	struct gw_pile_seed *piles;
	size_t n_piles;
};

/* Fill cfg with every default.  Never fails. */
void config_defaults(struct gw_config *cfg);

/* Read path over the defaults.  On a bad setting returns GW_ECONFIG and
 * writes "FILE:LINE: setting 'x': reason" into err.  cfg owns the seed
 * arrays afterwards: release with config_cleanup(). */
int config_load(struct gw_config *cfg, const char *path, char *err, size_t errlen);

void config_cleanup(struct gw_config *cfg);

/* The partner that owns an id token (by prefix, then by group), or NULL. */
const struct gw_partner *config_partner_for_token(const struct gw_config *cfg, const char *id_token,
						 const char *group_id);

/* The tariff with this id, or NULL. */
const struct gw_tariff *config_tariff_find(const struct gw_config *cfg, const char *id);

/* The most specific connector row for (pile, evse): pile + evse, pile,
 * evse, "*"; NULL when none matches (callers use AC, 22 kW, "default"). */
const struct gw_connector_spec *config_connector_find(const struct gw_config *cfg, const char *pile,
						     int evse_id);

/* Print every setting with its value in libconfig syntax. */
void config_dump(const struct gw_config *cfg, void *file /* FILE * */);

#endif
