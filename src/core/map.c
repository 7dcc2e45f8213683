#include "map.h"
#include "error.h"

#include <stdlib.h>
#include <string.h>

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	return x ^ (x >> 33);
}

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static int idmap_grow(kc_idmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 64;
	kc_idmap g = { calloc(cap, sizeof(kc_idslot)), 0, cap };
	if (!g.slots)
		return kc_error_oom();
	for (size_t i = 0; i < m->cap; i++)
		if (m->slots[i].val1)
			kc_idmap_put(&g, m->slots[i].key, m->slots[i].val1 - 1);
	kc_idmap_dispose(m);
	*m = g;
	return KISCRM_OK;
}

int kc_idmap_put(kc_idmap *m, int64_t key, size_t val)
{
	if ((m->n + 1) * 4 > m->cap * 3) {
		int rc = idmap_grow(m);
		if (rc)
			return rc;
	}
	size_t i = (size_t)mix64((uint64_t)key) & (m->cap - 1);
	while (m->slots[i].val1 && m->slots[i].key != key)
		i = (i + 1) & (m->cap - 1);
	if (!m->slots[i].val1) {
		m->slots[i].key = key;
		m->n++;
	}
	m->slots[i].val1 = val + 1;
	return KISCRM_OK;
}

int kc_idmap_get(const kc_idmap *m, int64_t key, size_t *val)
{
	if (!m->cap)
		return 0;
	size_t i = (size_t)mix64((uint64_t)key) & (m->cap - 1);
	for (const kc_idslot *s = &m->slots[i]; s->val1; s = &m->slots[i]) {
		if (s->key == key) {
			*val = s->val1 - 1;
			return 1;
		}
		i = (i + 1) & (m->cap - 1);
	}
	return 0;
}

void kc_idmap_dispose(kc_idmap *m)
{
	free(m->slots);
	memset(m, 0, sizeof(*m));
}

static int strmap_grow(kc_strmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 64;
	kc_strmap g = { calloc(cap, sizeof(char *)), calloc(cap, sizeof(size_t)), 0, cap };
	if (!g.keys || !g.vals) {
		free(g.keys);
		free(g.vals);
		return kc_error_oom();
	}
	for (size_t i = 0; i < m->cap; i++) {
		if (!m->keys[i])
			continue;
		size_t j = (size_t)hash_str(m->keys[i]) & (cap - 1);
		while (g.keys[j])
			j = (j + 1) & (cap - 1);
		g.keys[j] = m->keys[i]; /* moved, not copied */
		g.vals[j] = m->vals[i];
		g.n++;
	}
	free(m->keys);
	free(m->vals);
	*m = g;
	return KISCRM_OK;
}

int kc_strmap_put(kc_strmap *m, const char *key, size_t val)
{
	if ((m->n + 1) * 4 > m->cap * 3) {
		int rc = strmap_grow(m);
		if (rc)
			return rc;
	}
	size_t i = (size_t)hash_str(key) & (m->cap - 1);
	while (m->keys[i] && strcmp(m->keys[i], key) != 0)
		i = (i + 1) & (m->cap - 1);
	if (!m->keys[i]) {
		if (!(m->keys[i] = strdup(key)))
			return kc_error_oom();
		m->n++;
	}
	m->vals[i] = val;
	return KISCRM_OK;
}

int kc_strmap_get(const kc_strmap *m, const char *key, size_t *val)
{
	if (!m->cap)
		return 0;
	size_t i = (size_t)hash_str(key) & (m->cap - 1);
	while (m->keys[i]) {
		if (strcmp(m->keys[i], key) == 0) {
			*val = m->vals[i];
			return 1;
		}
		i = (i + 1) & (m->cap - 1);
	}
	return 0;
}

void kc_strmap_dispose(kc_strmap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->keys[i]);
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}
