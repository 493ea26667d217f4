/* SPDX-License-Identifier: MIT
 *
 * api_int.h - what the files of src/api share: one request's context, the
 * route table's row and handler type, the error map, JSON helpers.
 *
 * A handler returns GW_OK after filling c->status and c->body (or c->text),
 * a negative GW_E* code (c->msg may say why; errors.c turns it into the
 * status and the JSON error), or API_DEFERRED when it kept c->req and will
 * answer later with api_reply_* (a command waiting for the pile).
 */
#ifndef API_INT_H
#define API_INT_H
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "transport/transport.h"

struct gw_env;
struct gw_api_token;

#define API_DEFERRED 1
#define API_MAX_PARAMS 4
#define API_PARAM_MAX 128
#define API_PAGE_MAX 100   /* largest ?limit= */
#define API_PAGE_DEFAULT 50

/* Lives for one request's handling (the call of the handler). */
struct api_ctx {
	struct gw_env *env;
	struct http_req *req;
	const struct http_request *rq;
	const struct gw_api_token *token; /* NULL on routes without auth */
	char param[API_MAX_PARAMS][API_PARAM_MAX]; /* {x} segments, in order */
	int n_param;
	/* the answer of a GW_OK return */
	int status;                /* default 200 */
	struct json_object *body;  /* owned; put after the reply */
	char *text;                /* gw_malloc'd text instead of body (metrics) */
	const char *text_type;
	/* the message of an error return; "" = gw_strerror */
	char msg[200];
};

typedef int api_handler_fn(struct api_ctx *c);

/* One row of the route table (STYLE.md 3). */
struct api_route {
	const char *method;      /* "GET", "POST" */
	const char *pattern;     /* "/v1/piles/{id}": {x} matches one segment */
	api_handler_fn *handler;
	unsigned scope;          /* GW_SCOPE_* needed; 0 = no token needed */
};

extern const struct api_route api_routes[];
extern const size_t api_n_routes;

/* routes.c: match method + path.  GW_OK (*out, params filled),
 * GW_ENOTFOUND (no pattern), GW_ENOTSUPP (pattern, other method). */
int api_route_match(const char *method, const char *path, const struct api_route **out,
		    char param[API_MAX_PARAMS][API_PARAM_MAX], int *n_param);

/* auth.c: the token the Authorization header carries (constant-time
 * comparison of SHA-256s).  GW_OK (*out), GW_EAUTH (missing, malformed,
 * unknown). */
int api_auth(const struct gw_env *env, const char *authorization,
	     const struct gw_api_token **out);

/* errors.c: the one map GW_E* -> HTTP status + error code word. */
int api_error_status(int err, const char **code);
/* Answer r with the JSON error of err (message msg, "" or NULL =
 * gw_strerror(err)). */
void api_reply_error(struct http_req *r, int err, const char *msg);
/* Answer r with status and o (borrowed). */
void api_reply_json(struct http_req *r, int status, struct json_object *o);

/* util.c */
/* Value of name in the query string into buf; 1 found, 0 absent. */
int api_query(const char *query, const char *name, char *buf, size_t size);
/* ?limit= in 1..API_PAGE_MAX (default API_PAGE_DEFAULT); GW_EINVAL. */
int api_query_limit(struct api_ctx *c, size_t *limit);
/* ?name= as an RFC 3339 time; 0 when absent; GW_EINVAL. */
int api_query_time(struct api_ctx *c, const char *name, int64_t *at_ms);
/* Set c->msg and return err. */
int api_fail(struct api_ctx *c, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* RFC 3339 string, or JSON null for 0. */
struct json_object *api_json_time(int64_t at_ms);
/* json_object_object_add shorthands */
void api_add_str(struct json_object *o, const char *k, const char *v);
void api_add_i64(struct json_object *o, const char *k, int64_t v);
void api_add_bool(struct json_object *o, const char *k, int v);
void api_add_time(struct json_object *o, const char *k, int64_t at_ms);
/* The request body as a JSON object ({} when empty).  GW_EFORMAT (not
 * JSON), GW_ETYPE (not an object); *out owned by the caller. */
int api_body_object(struct api_ctx *c, struct json_object **out);

/* Run fn(arg) inside a savepoint of this loop turn's store batch, or of a
 * batch of its own committed before returning (then the answer leaves
 * after the commit).  fn's code, or a store code. */
int api_in_batch(struct gw_env *env, int (*fn)(void *), void *arg);
/* Body field name as a string (borrowed from body) / an integer.  Absent
 * or null: GW_OK with *out NULL / *present 0, or GW_ECONSTRAINT when
 * required (422; "" too for a required string); wrong type GW_ETYPE;
 * longer than max GW_ECONSTRAINT.  c->msg set. */
int api_body_str(struct api_ctx *c, struct json_object *body, const char *name, int required,
		 size_t max, const char **out);
int api_body_i64(struct api_ctx *c, struct json_object *body, const char *name, int required,
		 int64_t *out, int *present);
/* c->param[i] as a positive id; GW_EINVAL (c->msg says "a <what> id ..."). */
int api_param_id(struct api_ctx *c, int i, const char *what, int64_t *id);
/* The registered pile identity into *row: GW_OK, GW_ENOTFOUND (404, c->msg
 * "no pile <identity>") or the store's error. */
struct pile_row;
int api_pile_load(struct api_ctx *c, const char *identity, struct pile_row *row);

/* Shared by the resource files. */
struct order_row;
struct case_row;
struct json_object *api_order_json(const struct order_row *o);
struct json_object *api_case_json(const struct case_row *cr);
struct pile_row;
/* piles.c: a pile as the API shows it (with its live session, if any). */
struct json_object *api_pile_json(struct api_ctx *c, const struct pile_row *p);
/* The order a typed number names (order_number_parse: typo-tolerant).
 * GW_OK, GW_EINVAL (not a number), GW_ECONSTRAINT (check symbol), GW_ENOTFOUND,
 * a store code; c->msg set on errors. */
int api_order_lookup(struct api_ctx *c, const char *number, struct order_row *o);

/* work_orders.c: the work orders of o folded from its events ev (by seq)
 * and cases, as a JSON array (new reference); only = one work-order
 * number, or NULL for all.  See work_orders.c for the states. */
struct store_event_row;
struct json_object *api_work_orders_json(const struct gw_env *env, const struct order_row *o,
					 const struct store_event_row *ev, size_t n_ev,
					 const struct case_row *cases, size_t n_cases, const char *only);
/* The number of o's next remote stop, "WO-" ORDER "-" N, into buf.  GW_OK
 * or a store code. */
int api_work_order_next(struct api_ctx *c, const struct order_row *o, char *buf, size_t size);

/* pile_password.c: a pile's Basic-auth password from the body (raw UTF-8
 * bytes, may hold NUL: always use *len).  API_PASSWORD_MIN..max bytes, else
 * GW_ECONSTRAINT; absent: GW_OK with *pw NULL, or GW_ECONSTRAINT when
 * required; not a string GW_ETYPE.  c->msg never contains the password. */
#define API_PASSWORD_MIN 16    /* A00.FR.203 / 2.0.1 BasicAuthPassword */
#define API_PASSWORD_MAX 64    /* 2.0.1 BasicAuthPassword maxLimit "at most 64" */
#define API_PASSWORD_MAX_16 20 /* 1.6 AuthorizationKey: 20 bytes, 40 hex digits */
struct store_password;
int api_body_password(struct api_ctx *c, struct json_object *body, int required, size_t max,
		      const char **pw, size_t *len);
/* The salted PBKDF2 hash of pw into *out (transport/password.c). */
int api_password_hash(struct api_ctx *c, const char *pw, size_t len, struct store_password *out);

/* Handlers (one file per resource). */
api_handler_fn api_healthz, api_metrics;
api_handler_fn api_piles_list, api_pile_get;
api_handler_fn api_pile_create, api_pile_patch, api_pile_delete, api_pile_password;
api_handler_fn api_orders_list, api_order_get, api_order_stop, api_work_order_get;
api_handler_fn api_cases_list, api_case_get;
api_handler_fn api_command_send;
api_handler_fn api_case_decide, api_case_confirm, api_order_appeal;
api_handler_fn api_order_force_close, api_order_cancel;
api_handler_fn api_dead_list, api_dead_retry;
api_handler_fn api_tokens_list, api_token_create, api_token_patch;

/* disputes.c: POST /v1/partners/{name}/disputes, authenticated by the
 * partner's signature, not a token (route scope 0).  api_dispute_receive
 * is the whole handler with the X-Ocppgw-Timestamp / X-Ocppgw-Signature
 * header values given (NULL = absent): 404 unknown partner, 401 bad or
 * stale signature, 400 / 422 bad envelope or data, 404 unknown order or
 * dispute, 409 another platform's order; a seen event_id answers 200 with
 * "duplicate": true and changes nothing. */
int api_dispute_receive(struct api_ctx *c, const char *ts, const char *sig);
api_handler_fn api_dispute_post;

#endif
