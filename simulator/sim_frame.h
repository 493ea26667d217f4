/* SPDX-License-Identifier: MIT
 *
 * sim_frame.h - OCPP-J framing on the pile side (OCPP-J 1.6 §4, 2.0.1
 * Part 4 §4): build CALL [2,id,action,payload], CALLRESULT [3,id,payload],
 * CALLERROR [4,id,code,description,{}], and parse what the server sends.
 * Pure: strings in, strings out; no sockets.
 */
#ifndef SIM_FRAME_H
#define SIM_FRAME_H
#include <stddef.h>

struct json_object;

enum sim_frame_type {
	SIM_FRAME_CALL = 2,
	SIM_FRAME_RESULT = 3,
	SIM_FRAME_ERROR = 4,
};

/* One parsed frame; lives for one received message.  Every pointer lends
 * from root, which sim_frame_cleanup() puts. */
struct sim_frame {
	int type;                    /* enum sim_frame_type */
	const char *id;              /* message id */
	const char *action;          /* CALL only */
	struct json_object *payload; /* CALL and CALLRESULT */
	const char *err_code;        /* CALLERROR only */
	const char *err_desc;        /* CALLERROR only */
	struct json_object *root;    /* owned */
};

/* Build a frame; the result is gw_malloc'd, NUL-terminated, and the
 * caller's (gw_free).  payload is lent (not consumed); NULL means {}.
 * NULL on allocation failure. */
char *sim_frame_call(const char *id, const char *action, struct json_object *payload);
char *sim_frame_result(const char *id, struct json_object *payload);
char *sim_frame_error(const char *id, const char *code, const char *desc);

/* Parse len bytes.  GW_OK, GW_EFORMAT (not JSON) or GW_EPROTO (not an
 * OCPP-J frame).  On success the caller must sim_frame_cleanup(f). */
int sim_frame_parse(const char *buf, size_t len, struct sim_frame *f);
void sim_frame_cleanup(struct sim_frame *f);

/* Look up a dotted path ("idTagInfo.status", "a.0.b" for array index) in
 * obj; NULL if absent.  Lends. */
struct json_object *sim_json_path(struct json_object *obj, const char *path);

#endif
