#include "tuplemap.h"
#include "error.h"

#include <stdlib.h>
#include <string.h>

static uint64_t hash_tuple(const int64_t *ids)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL;
	for (int i = 0; i < KC_TUPLE_MAX; i++) {
		h ^= (uint64_t)ids[i];
		h *= 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	return h;
}

/* The tuple padded with zeros: every stored key has all KC_TUPLE_MAX places set. */
static void pad(int64_t *out, const int64_t *ids, size_t n)
{
	memset(out, 0, KC_TUPLE_MAX * sizeof(*out));
	memcpy(out, ids, (n < KC_TUPLE_MAX ? n : KC_TUPLE_MAX) * sizeof(*out));
}

static kc_tupleslot *slot_of(const kc_tuplemap *m, const int64_t *key)
{
	size_t i = (size_t)hash_tuple(key) & (m->cap - 1);
	while (m->slots[i].val1 && memcmp(m->slots[i].ids, key, sizeof(m->slots[i].ids)) != 0)
		i = (i + 1) & (m->cap - 1);
	return &m->slots[i];
}

static int grow(kc_tuplemap *m)
{
	kc_tuplemap g = { NULL, 0, m->cap ? m->cap * 2 : 64 };
	if (!(g.slots = calloc(g.cap, sizeof(*g.slots))))
		return kc_error_oom();
	for (size_t i = 0; i < m->cap; i++)
		if (m->slots[i].val1)
			*slot_of(&g, m->slots[i].ids) = m->slots[i];
	g.n = m->n;
	free(m->slots);
	*m = g;
	return KISCRM_OK;
}

int kc_tuplemap_put(kc_tuplemap *m, const int64_t *ids, size_t n, size_t val)
{
	int64_t key[KC_TUPLE_MAX];
	pad(key, ids, n);
	if ((m->n + 1) * 4 > m->cap * 3) {
		int rc = grow(m);
		if (rc)
			return rc;
	}
	kc_tupleslot *s = slot_of(m, key);
	if (!s->val1) {
		memcpy(s->ids, key, sizeof(key));
		m->n++;
	}
	s->val1 = val + 1;
	return KISCRM_OK;
}

int kc_tuplemap_get(const kc_tuplemap *m, const int64_t *ids, size_t n, size_t *val)
{
	if (!m->cap)
		return 0;
	int64_t key[KC_TUPLE_MAX];
	pad(key, ids, n);
	const kc_tupleslot *s = slot_of(m, key);
	if (!s->val1)
		return 0;
	*val = s->val1 - 1;
	return 1;
}

void kc_tuplemap_dispose(kc_tuplemap *m)
{
	free(m->slots);
	memset(m, 0, sizeof(*m));
}
