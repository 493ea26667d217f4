/* SPDX-License-Identifier: MIT
 *
 * schema_load.c - schema sets: read a directory of *.json files once at
 * start-up, compile each, and look schemas up by name afterwards.
 *
 * A set owns one arena (every node and name) and one sorted array of
 * struct schema.  Loading is all or nothing: the first bad file frees
 * everything and names itself in err, so a typo stops start-up instead of
 * weakening validation at run time.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <json-c/json.h>

#include "common/gw_alloc.h"
#include "common/gw_err.h"
#include "common/gw_json.h"
#include "schema/schema_int.h"

#define FILE_MAX (1024 * 1024) /* bytes; the largest OCPP schema is ~40 KiB */
#define FILE_DEPTH 64          /* nesting allowed in a schema file */
#define SUFFIX ".json"

/* One directory of compiled schemas; from schema_set_load to schema_set_free. */
struct schema_set {
	struct schema_arena *arena; /* every node and string of the set */
	struct schema *schemas;     /* sorted by name (gw_malloc'd), count used */
	int count;
};

static void set_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static int schema_cmp(const void *a, const void *b)
{
	return strcmp(((const struct schema *)a)->name, ((const struct schema *)b)->name);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Compile len bytes of json as schema name (file for messages) into the
 * next free slot of set->schemas (room for it is the caller's job). */
static int add_schema(struct schema_set *set, const char *name, size_t name_len, const char *file,
		      const char *json, size_t len, char *err, size_t errlen)
{
	struct schema_cc cc = { .arena = &set->arena, .file = file, .err = err, .errlen = errlen };
	struct json_object *doc = NULL;
	struct schema *s = &set->schemas[set->count];
	int rc;

	rc = gw_json_parse(json, len, FILE_DEPTH, &doc);
	if (rc == GW_ENOMEM)
		goto out;
	if (rc) {
		set_err(err, errlen, "%s: not valid JSON (%s)", file, gw_strerror(rc));
		rc = GW_ECONFIG;
		goto out;
	}
	rc = schema_compile(&cc, doc, &s->root);
	if (rc)
		goto out;
	s->name = schema_arena_strndup(&set->arena, name, name_len);
	if (!s->name) {
		rc = GW_ENOMEM;
		goto out;
	}
	set->count++;
out:
	if (rc == GW_ENOMEM)
		set_err(err, errlen, "%s: out of memory", file);
	json_object_put(doc);
	return rc;
}

/* Whole file into *buf (gw_malloc'd, caller frees), at most FILE_MAX bytes. */
static int read_file(const char *path, const char *file, char **buf, size_t *len, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	char *b = NULL;
	size_t size;
	int rc = GW_EIO;

	if (!f) {
		set_err(err, errlen, "%s: %s", file, strerror(errno));
		return GW_EIO;
	}
	if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode)) {
		set_err(err, errlen, "%s: not a regular file", file);
		goto out;
	}
	if (st.st_size > FILE_MAX) {
		set_err(err, errlen, "%s: larger than %d bytes", file, FILE_MAX);
		rc = GW_ECONFIG;
		goto out;
	}
	size = (size_t)st.st_size;
	b = gw_malloc(size + 1);
	if (!b) {
		set_err(err, errlen, "%s: out of memory", file);
		rc = GW_ENOMEM;
		goto out;
	}
	if (fread(b, 1, size, f) != size) {
		set_err(err, errlen, "%s: read failed", file);
		goto out;
	}
	*buf = b;
	*len = size;
	b = NULL;
	rc = GW_OK;
out:
	gw_free(b);
	fclose(f);
	return rc;
}

/* The sorted names of the visible *.json files of dir, gw_malloc'd. */
static int list_dir(const char *dir, char ***names, int *count, char *err, size_t errlen)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **v = NULL, **grown;
	int n = 0, cap = 0, rc = GW_OK;

	if (!d) {
		set_err(err, errlen, "%s: %s", dir, strerror(errno));
		return GW_EIO;
	}
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len <= strlen(SUFFIX) ||
		    strcmp(de->d_name + len - strlen(SUFFIX), SUFFIX))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			grown = gw_realloc(v, (size_t)cap * sizeof(*v));
			if (!grown) {
				rc = GW_ENOMEM;
				goto out;
			}
			v = grown;
		}
		v[n] = gw_strdup(de->d_name);
		if (!v[n]) {
			rc = GW_ENOMEM;
			goto out;
		}
		n++;
	}
	if (n)
		qsort(v, (size_t)n, sizeof(*v), name_cmp);
out:
	closedir(d);
	if (rc) {
		while (n > 0)
			gw_free(v[--n]);
		GW_FREE(v);
		set_err(err, errlen, "%s: out of memory", dir);
	}
	*names = v;
	*count = n;
	return rc;
}

/* Read and compile every listed file into set (room for all of them). */
static int load_files(struct schema_set *set, const char *dir, char **names, int count, char *err,
		      size_t errlen)
{
	char path[PATH_MAX];
	char *buf = NULL;
	size_t len = 0;
	int rc = GW_OK;

	for (int i = 0; i < count && rc == GW_OK; i++) {
		if (snprintf(path, sizeof(path), "%s/%s", dir, names[i]) >= (int)sizeof(path)) {
			set_err(err, errlen, "%s: path too long", names[i]);
			return GW_EIO;
		}
		rc = read_file(path, names[i], &buf, &len, err, errlen);
		if (rc == GW_OK)
			rc = add_schema(set, names[i], strlen(names[i]) - strlen(SUFFIX), names[i], buf, len,
					err, errlen);
		GW_FREE(buf);
	}
	return rc;
}

int schema_set_load(const char *dir, struct schema_set **out, char *err, size_t errlen)
{
	struct schema_set *set = NULL;
	char **names = NULL;
	int count = 0, rc;

	if (!out || !dir)
		return GW_EINVAL;
	*out = NULL;
	set_err(err, errlen, "%s", "");
	rc = list_dir(dir, &names, &count, err, errlen);
	if (rc)
		return rc;
	set = gw_calloc(1, sizeof(*set));
	if (set)
		set->schemas = gw_calloc((size_t)(count ? count : 1), sizeof(*set->schemas));
	if (!set || !set->schemas) {
		set_err(err, errlen, "%s: out of memory", dir);
		rc = GW_ENOMEM;
		goto out;
	}
	rc = load_files(set, dir, names, count, err, errlen);
	if (rc)
		goto out;
	/* dropping ".json" can reorder: "A-b.json" < "A.json" but "A" < "A-b" */
	qsort(set->schemas, (size_t)set->count, sizeof(*set->schemas), schema_cmp);
	*out = set;
	set = NULL;
out:
	schema_set_free(set);
	while (count > 0)
		gw_free(names[--count]);
	gw_free(names);
	return rc;
}

int schema_set_load_mem(const char *name, const char *json, size_t len, struct schema_set **out,
			char *err, size_t errlen)
{
	struct schema_set *set = NULL;
	int rc;

	if (!out || !name || !json)
		return GW_EINVAL;
	*out = NULL;
	set_err(err, errlen, "%s", "");
	set = gw_calloc(1, sizeof(*set));
	if (set)
		set->schemas = gw_calloc(1, sizeof(*set->schemas));
	if (!set || !set->schemas) {
		set_err(err, errlen, "%s: out of memory", name);
		rc = GW_ENOMEM;
		goto out;
	}
	rc = add_schema(set, name, strlen(name), name, json, len, err, errlen);
	if (rc)
		goto out;
	*out = set;
	set = NULL;
out:
	schema_set_free(set);
	return rc;
}

void schema_set_free(struct schema_set *set)
{
	if (!set)
		return;
	schema_arena_free(set->arena);
	gw_free(set->schemas);
	gw_free(set);
}

int schema_set_count(const struct schema_set *set)
{
	return set ? set->count : 0;
}

const struct schema *schema_find(const struct schema_set *set, const char *name)
{
	struct schema key = { .name = name };

	if (!set || !name || !set->count)
		return NULL;
	return bsearch(&key, set->schemas, (size_t)set->count, sizeof(key), schema_cmp);
}

const char *schema_name(const struct schema *s)
{
	return s ? s->name : NULL;
}
