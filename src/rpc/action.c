/* SPDX-License-Identifier: MIT
 * action.c - lookup in a sorted action table. */
#include <stdlib.h>
#include <string.h>

#include "rpc/action.h"

static int cmp_row(const void *key, const void *row)
{
	return strcmp((const char *)key, ((const struct action_row *)row)->name);
}

const struct action_row *action_find(const struct action_table *t, const char *name)
{
	if (!t || !name)
		return NULL;
	return bsearch(name, t->rows, t->n_rows, sizeof(t->rows[0]), cmp_row);
}
