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
	kc_idslot *slots = calloc(cap, sizeof(kc_idslot));
	if (!slots)
		return kc_error_oom();
	for (size_t i = 0; i < m->cap; i++) {
		if (!m->slots[i].val1)
			continue;
		size_t j = (size_t)mix64((uint64_t)m->slots[i].key) & (cap - 1);
		while (slots[j].val1)
			j = (j + 1) & (cap - 1);
		slots[j] = m->slots[i];
	}
	free(m->slots);
	m->slots = slots;
	m->cap = cap;
	return KISCRM_OK;
}

/* The hashed slot of @key: where it is, or the empty slot where it would go. */
static kc_idslot *hashed_slot(const kc_idmap *m, int64_t key)
{
	size_t i = (size_t)mix64((uint64_t)key) & (m->cap - 1);
	while (m->slots[i].val1 && m->slots[i].key != key)
		i = (i + 1) & (m->cap - 1);
	return &m->slots[i];
}

/* The page entry of @key when it exists, else NULL. */
static uint32_t *page_entry(const kc_idmap *m, int64_t key)
{
	if (key < 0)
		return NULL;
	uint64_t page = (uint64_t)key / KC_IDMAP_PAGE;
	if (page >= m->npages || !m->pages[page])
		return NULL;
	return &m->pages[page][(uint64_t)key % KC_IDMAP_PAGE];
}

/* Makes @key's page, when that keeps the pages dense: the directory at most one entry per
 * 16 keys (plus 64) and the pages on average an eighth full (plus 4). NULL otherwise or
 * on allocation failure (then the key goes to the hashed part, which reports it). */
static uint32_t *page_make(kc_idmap *m, int64_t key)
{
	if (key < 0)
		return NULL;
	uint64_t page = (uint64_t)key / KC_IDMAP_PAGE;
	if (page >= 64 + m->n / 16 || m->pages_used >= 4 + m->n / (KC_IDMAP_PAGE / 8))
		return NULL;
	if (page >= m->npages) {
		size_t np = m->npages ? m->npages : 16;
		while (np <= page)
			np *= 2;
		uint32_t **pages = realloc(m->pages, np * sizeof(*pages));
		if (!pages)
			return NULL;
		memset(pages + m->npages, 0, (np - m->npages) * sizeof(*pages));
		m->pages = pages;
		m->npages = np;
	}
	if (!(m->pages[page] = calloc(KC_IDMAP_PAGE, sizeof(uint32_t))))
		return NULL;
	m->pages_used++;
	return &m->pages[page][(uint64_t)key % KC_IDMAP_PAGE];
}

int kc_idmap_put(kc_idmap *m, int64_t key, size_t val)
{
	if (m->nslots) {
		/* a key put in the hashed part before its page existed stays there */
		kc_idslot *s = hashed_slot(m, key);
		if (s->val1) {
			s->val1 = val + 1;
			return KISCRM_OK;
		}
	}
	if (val < UINT32_MAX - 1) {
		uint32_t *e = page_entry(m, key);
		if (!e)
			e = page_make(m, key);
		if (e) {
			m->n += !*e;
			*e = (uint32_t)(val + 1);
			return KISCRM_OK;
		}
	}
	if ((m->nslots + 1) * 4 > m->cap * 3) {
		int rc = idmap_grow(m);
		if (rc)
			return rc;
	}
	kc_idslot *s = hashed_slot(m, key);
	if (!s->val1) {
		uint32_t *e = page_entry(m, key);
		if (e && *e) { /* a value too large for its page moves the key out of it */
			*e = 0;
			m->n--;
		}
		s->key = key;
		m->nslots++;
		m->n++;
	}
	s->val1 = val + 1;
	return KISCRM_OK;
}

int kc_idmap_get_hashed_(const kc_idmap *m, int64_t key, size_t *val)
{
	const kc_idslot *s = hashed_slot(m, key);
	if (!s->val1)
		return 0;
	*val = s->val1 - 1;
	return 1;
}

void kc_idmap_dispose(kc_idmap *m)
{
	for (size_t i = 0; i < m->npages; i++)
		free(m->pages[i]);
	free(m->pages);
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
