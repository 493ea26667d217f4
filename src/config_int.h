/* SPDX-License-Identifier: MIT
 * config_int.h - private to config*.c: shared readers of list elements. */
#ifndef GW_CONFIG_INT_H
#define GW_CONFIG_INT_H
#include <stddef.h>

#include <libconfig.h>

#include "config.h"

/* Write "FILE:LINE: setting 'what': why" into err; returns GW_ECONFIG. */
int config_fail(char *err, size_t errlen, const config_setting_t *s, const char *fmt, const char *what,
		const char *why);
#define BAD(s, what, why) config_fail(err, errlen, (s), "%s:%d: setting '%s': %s", (what), (why))

/* A string / integer member of a group into its field; absent keeps it. */
int config_member_str(const config_setting_t *el, const char *name, char *buf, size_t size, char *err,
		      size_t errlen);
int config_member_int(const config_setting_t *el, const char *name, int *out, int lo, int hi, char *err,
		      size_t errlen);
/* Refuse members not in the NULL-terminated list known. */
int config_check_members(const config_setting_t *el, const char *const *known, char *err, size_t errlen);

void config_tariff_default(struct gw_tariff *t);
int config_read_tariffs(struct gw_config *cfg, const config_setting_t *list, char *err, size_t errlen);
int config_read_connectors(struct gw_config *cfg, const config_setting_t *list, char *err, size_t errlen);
int config_read_api_tokens(struct gw_config *cfg, const config_setting_t *list, char *err, size_t errlen);
int config_read_retries(struct gw_config *cfg, const config_setting_t *arr, char *err, size_t errlen);
int config_read_partners(struct gw_config *cfg, const config_setting_t *list, char *err, size_t errlen);
void config_dump_tariffs(const struct gw_config *cfg, void *file);
int config_read_sla_days(struct gw_config *cfg, const config_setting_t *s, char *err, size_t errlen);
int config_read_sla_holidays(struct gw_config *cfg, const config_setting_t *arr, char *err, size_t errlen);
void config_dump_sla_holidays(const struct gw_config *cfg, void *file);

#endif
