/* SPDX-License-Identifier: MIT
 *
 * sim_transcript.h - the record of a scenario run: every frame sent and
 * received and every notable event, with real and pile timestamps.
 * Printed live as lines (for people), and kept as JSON (for e2e tests,
 * --json) together with expectations and the final state.
 */
#ifndef SIM_TRANSCRIPT_H
#define SIM_TRANSCRIPT_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct json_object;

/* One per scenario run. */
struct sim_transcript {
	FILE *out;                  /* live lines; NULL = quiet */
	struct json_object *frames; /* [{t, pile_time, dir, frame}] (owned) */
	struct json_object *events; /* [{t, pile_time, event, detail}] (owned) */
};

int sim_transcript_init(struct sim_transcript *t, FILE *out);
void sim_transcript_cleanup(struct sim_transcript *t);
void sim_transcript_frame(struct sim_transcript *t, const char *identity, int64_t pile_ms,
			  int outgoing, const char *text, size_t len);
void sim_transcript_event(struct sim_transcript *t, const char *identity, int64_t pile_ms,
			  const char *what, const char *detail);

#endif
