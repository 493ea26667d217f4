/* SPDX-License-Identifier: MIT
 * gw_log.c - timestamped lines to stderr; lws output routed in. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <libwebsockets.h>

#include "common/gw_log.h"

int gw_log_level = GW_LOG_NOTICE;

static const char *const level_name[] = { "ERR", "WARN", "NOTICE", "INFO", "DEBUG" };

void gw_log_emit(int level, const char *fmt, ...)
{
	char line[2048];
	struct timespec ts;
	struct tm tm;
	size_t n;
	va_list ap;

	if (level < 0 || level > GW_LOG_DEBUG)
		level = GW_LOG_DEBUG;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = strftime(line, sizeof(line), "%Y-%m-%dT%H:%M:%S", &tm);
	n += (size_t)snprintf(line + n, sizeof(line) - n, ".%03ldZ %s ", ts.tv_nsec / 1000000,
			      level_name[level]);
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s\n", line);
}

int gw_log_level_parse(const char *name)
{
	for (int i = 0; i <= GW_LOG_DEBUG; i++)
		if (name && !strcasecmp(name, level_name[i]))
			return i;
	if (name && !strcasecmp(name, "error"))
		return GW_LOG_ERR;
	if (name && !strcasecmp(name, "warning"))
		return GW_LOG_WARN;
	return -1;
}

static void lws_emit(int lws_level, const char *line)
{
	int level = lws_level == LLL_ERR ? GW_LOG_WARN : GW_LOG_DEBUG;
	size_t len = strlen(line);

	/* lws lines carry their own timestamp and a trailing newline */
	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	gw_log(level, "lws: %.*s", (int)len, line);
}

void gw_log_route_lws(void)
{
	int mask = LLL_ERR;

	if (gw_log_level >= GW_LOG_DEBUG)
		mask |= LLL_WARN | LLL_NOTICE;
	lws_set_log_level(mask, lws_emit);
}
