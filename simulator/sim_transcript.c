/* SPDX-License-Identifier: MIT
 * sim_transcript.c - live lines to a FILE and a JSON copy in memory. */
#include <string.h>

#include <json-c/json.h>

#include "common/gw_alloc.h"
#include "common/gw_clock.h"
#include "common/gw_err.h"
#include "common/gw_time.h"
#include "sim_transcript.h"

int sim_transcript_init(struct sim_transcript *t, FILE *out)
{
	t->out = out;
	t->frames = json_object_new_array();
	t->events = json_object_new_array();
	return t->frames && t->events ? GW_OK : GW_ENOMEM;
}

void sim_transcript_cleanup(struct sim_transcript *t)
{
	json_object_put(t->frames);
	json_object_put(t->events);
	t->frames = t->events = NULL;
}

static struct json_object *stamp(int64_t pile_ms)
{
	struct json_object *o = json_object_new_object();
	char ts[GW_TIME_STRLEN];

	json_object_object_add(o, "t", json_object_new_string(gw_time_format(gw_clock_now_ms(), ts)));
	json_object_object_add(o, "pile_time", json_object_new_string(gw_time_format(pile_ms, ts)));
	return o;
}

/* text is not NUL-terminated when it comes from the socket */
static struct json_object *parse_len(const char *text, size_t len)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *o;

	if (!tok)
		return NULL;
	o = json_tokener_parse_ex(tok, text, (int)len);
	if (json_tokener_get_error(tok) != json_tokener_success) {
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	return o;
}

void sim_transcript_frame(struct sim_transcript *t, const char *identity, int64_t pile_ms,
			  int outgoing, const char *text, size_t len)
{
	struct json_object *o = stamp(pile_ms), *frame;
	char ts[GW_TIME_STRLEN];

	if (t->out)
		fprintf(t->out, "%s %s %s %.*s\n", gw_time_format(gw_clock_now_ms(), ts), identity,
			outgoing ? ">>" : "<<", (int)len, text);
	json_object_object_add(o, "dir", json_object_new_string(outgoing ? "out" : "in"));
	frame = parse_len(text, len);
	if (!frame) /* not JSON: keep the raw text */
		frame = json_object_new_string_len(text, (int)len);
	json_object_object_add(o, "frame", frame);
	json_object_array_add(t->frames, o);
}

void sim_transcript_event(struct sim_transcript *t, const char *identity, int64_t pile_ms,
			  const char *what, const char *detail)
{
	struct json_object *o = stamp(pile_ms);
	char ts[GW_TIME_STRLEN];

	if (t->out)
		fprintf(t->out, "%s %s -- %s%s%s\n", gw_time_format(gw_clock_now_ms(), ts), identity,
			what, detail ? ": " : "", detail ? detail : "");
	json_object_object_add(o, "event", json_object_new_string(what));
	if (detail)
		json_object_object_add(o, "detail", json_object_new_string(detail));
	json_object_array_add(t->events, o);
}
