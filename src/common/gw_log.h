/* SPDX-License-Identifier: MIT
 *
 * gw_log.h - the one logger.  Lines go to stderr as
 *   2026-11-25T18:00:00.123Z NOTICE cp=CP042 msg=19a action=Heartbeat ok
 * The macro checks the level before any formatting happens.  Payloads are
 * logged only at DEBUG; secrets never.
 */
#ifndef GW_LOG_H
#define GW_LOG_H

enum gw_log_level {
	GW_LOG_ERR = 0,
	GW_LOG_WARN = 1,
	GW_LOG_NOTICE = 2,
	GW_LOG_INFO = 3,
	GW_LOG_DEBUG = 4,
};

extern int gw_log_level; /* lines above this level are dropped; default NOTICE */

void gw_log_emit(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define gw_log(level, ...)                                 \
	do {                                               \
		if ((level) <= gw_log_level)               \
			gw_log_emit((level), __VA_ARGS__); \
	} while (0)

/* "err", "warn", "notice", "info", "debug" -> level; -1 if unknown. */
int gw_log_level_parse(const char *name);

/* Route libwebsockets' own log lines (errors and warnings) into gw_log. */
void gw_log_route_lws(void);

#endif
