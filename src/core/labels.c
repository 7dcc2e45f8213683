/* The column-label catalogue (see labels.h). Entries live in one array; a string map
 * finds them by "column" or by "table\x1fcolumn". The reference count is atomic because
 * tables may be freed on another thread than the one that closed the database. */
#include "core/labels.h"
#include "core/error.h"
#include "core/map.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define KEY_SEP '\x1f'

struct kc_labels {
	atomic_uint refs;
	kc_strmap index; /* key → entry */
	char *(*pairs)[2]; /* entry → { zh, en }, owned */
	size_t n, cap;
};

int kc_labels_new(kc_labels **out)
{
	kc_labels *l = calloc(1, sizeof(*l));
	if (!l)
		return kc_error_oom();
	atomic_init(&l->refs, 1);
	*out = l;
	return KISCRM_OK;
}

/* "column" or "table\x1fcolumn" in a fresh allocation, or NULL for want of memory. */
static char *make_key(const char *table, const char *column)
{
	size_t tl = table ? strlen(table) + 1 : 0, cl = strlen(column);
	char *k = malloc(tl + cl + 1);
	if (!k)
		return NULL;
	if (table) {
		memcpy(k, table, tl - 1);
		k[tl - 1] = KEY_SEP;
	}
	memcpy(k + tl, column, cl + 1);
	return k;
}

static char *dup_text(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);
	if (p)
		memcpy(p, s, n);
	return p;
}

int kc_labels_add(kc_labels *l, const char *table, const char *column, const char *zh,
		  const char *en)
{
	size_t unused;
	char *key = make_key(table, column);
	if (!key)
		return kc_error_oom();
	if (kc_strmap_get(&l->index, key, &unused)) {
		free(key);
		return kc_error_set(KISCRM_EEXISTS, "column '%s' already has labels", column);
	}
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		char *(*p)[2] = realloc(l->pairs, cap * sizeof(*p));
		if (!p) {
			free(key);
			return kc_error_oom();
		}
		l->pairs = p;
		l->cap = cap;
	}
	char *z = dup_text(zh), *e = dup_text(en);
	int rc = z && e ? kc_strmap_put(&l->index, key, l->n) : kc_error_oom();
	free(key);
	if (rc) {
		free(z);
		free(e);
		return rc;
	}
	l->pairs[l->n][0] = z;
	l->pairs[l->n][1] = e;
	l->n++;
	return KISCRM_OK;
}

const char *kc_labels_get(const kc_labels *l, const char *table, const char *column,
			  const char *lang)
{
	if (!l || !column)
		return NULL;
	int which = lang && strcmp(lang, "zh") == 0 ? 0 : 1;
	size_t i;
	char buf[256];
	/* The table's own label first; names longer than the buffer have none. */
	size_t tl = table ? strlen(table) : 0, cl = strlen(column);
	if (table && tl + cl + 2 <= sizeof(buf)) {
		memcpy(buf, table, tl);
		buf[tl] = KEY_SEP;
		memcpy(buf + tl + 1, column, cl + 1);
		if (kc_strmap_get(&l->index, buf, &i))
			return l->pairs[i][which];
	}
	return kc_strmap_get(&l->index, column, &i) ? l->pairs[i][which] : NULL;
}

kc_labels *kc_labels_retain(kc_labels *l)
{
	if (l)
		atomic_fetch_add(&l->refs, 1);
	return l;
}

void kc_labels_release(kc_labels *l)
{
	if (!l || atomic_fetch_sub(&l->refs, 1) != 1)
		return;
	for (size_t i = 0; i < l->n; i++) {
		free(l->pairs[i][0]);
		free(l->pairs[i][1]);
	}
	free(l->pairs);
	kc_strmap_dispose(&l->index);
	free(l);
}
