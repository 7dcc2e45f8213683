/* Hash indexes of the memory backend's INDEXED fields: key → ascending ids (inline,
 * sorted array or bitmap), built on first use, kept in step by every change, dropped
 * (never failing a query) when memory runs out. */
#include "backends/memory/memory_internal.h"
#include "core/error.h"

#include <stdlib.h>
#include <string.h>

/* ---- indexes ---------------------------------------------------------------------- */

static uint64_t mix64(uint64_t x)
{
	/* splitmix64's finaliser: consecutive ids and dates spread over the whole table */
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

static uint64_t text_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a */

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

static int indexable_type(int type)
{
	return type == KISCRM_TYPE_INT || type == KISCRM_TYPE_MONEY || type == KISCRM_TYPE_DATE ||
	       type == KISCRM_TYPE_TIME || type == KISCRM_TYPE_TEXT;
}

/* Key of a field of the row in slot; 0 when there is no row or the field is NULL (NULLs
 * are not indexed). */
static int row_key(const mem_table *t, uint32_t slot, int field, uint64_t *key)
{
	int64_t v;

	if (!slot || !mem_col_get(&t->cols[field], slot, &v))
		return 0;
	*key = t->types[field] == KISCRM_TYPE_TEXT ? text_hash(mem_str_text(t->strs, (uint32_t)v))
						   : (uint64_t)v;
	return 1;
}

uint64_t mem_value_key(const kiscrm_value *v)
{
	return v->type == KISCRM_TYPE_TEXT ? text_hash(v->u.s) : (uint64_t)v->u.i;
}

static void entry_clear(ix_entry *e)
{
	if (e->cap)
		free(e->cap & IX_BITMAP ? (void *)e->u.bits : (void *)e->u.ids);
	memset(e, 0, sizeof(*e));
}

static void ix_drop(mem_index *x, int state)
{
	for (size_t i = 0; i < x->size; i++)
		if (x->e[i].n)
			entry_clear(&x->e[i]);
	free(x->e);
	x->e = NULL;
	x->size = x->used = 0;
	x->state = state;
}

/* The entry of key, or the free entry where it would go. */
static ix_entry *ix_slot(const mem_index *x, uint64_t key)
{
	size_t mask = x->size - 1, i = (size_t)mix64(key) & mask;

	while (x->e[i].n && x->e[i].key != key)
		i = (i + 1) & mask;
	return &x->e[i];
}

const ix_entry *ix_find(const mem_index *x, uint64_t key)
{
	const ix_entry *e;

	if (!x->size)
		return NULL;
	e = ix_slot(x, key);
	return e->n ? e : NULL;
}

/* Grows the table so that one more key fits below a load of 3/4. */
static int ix_reserve(mem_index *x)
{
	size_t n;
	ix_entry *old = x->e, *e;
	size_t oldsize = x->size;

	if ((x->used + 1) * 4 <= x->size * 3)
		return 0;
	n = x->size ? x->size * 2 : 16;
	e = calloc(n, sizeof(*e));
	if (!e)
		return -1;
	x->e = e;
	x->size = n;
	for (size_t i = 0; i < oldsize; i++)
		if (old[i].n)
			*ix_slot(x, old[i].key) = old[i];
	free(old);
	return 0;
}

/* Removes a now-empty entry, shifting back the entries of its probe run so that every
 * key stays reachable from its home slot without tombstones. */
static void ix_unlink(mem_index *x, ix_entry *gone)
{
	size_t mask = x->size - 1, i = (size_t)(gone - x->e), j = i;

	entry_clear(gone);
	x->used--;
	for (;;) {
		size_t home;

		j = (j + 1) & mask;
		if (!x->e[j].n)
			return;
		home = (size_t)mix64(x->e[j].key) & mask;
		/* j may move to i unless its home lies cyclically in (i, j] */
		if (i <= j ? (home > i && home <= j) : (home > i || home <= j))
			continue;
		x->e[i] = x->e[j];
		memset(&x->e[j], 0, sizeof(x->e[j]));
		i = j;
	}
}

size_t mem_bits_words(const ix_entry *e)
{
	return e->cap & ~IX_BITMAP;
}

/* First position in a sorted array whose id is greater than after. */
size_t mem_ids_after(const uint32_t *ids, size_t n, uint32_t after)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ids[mid] <= after)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Turns a full array into a bitmap covering ids below limit (and the array's ids). */
static int list_to_bitmap(ix_entry *e, uint32_t limit)
{
	size_t words = ((size_t)limit + 64) / 64;
	uint64_t *bits;

	if (e->u.ids[e->n - 1] >= words * 64)
		words = (size_t)e->u.ids[e->n - 1] / 64 + 1;
	bits = calloc(words, sizeof(*bits));
	if (!bits)
		return -1;
	for (uint32_t k = 0; k < e->n; k++)
		bits[e->u.ids[k] / 64] |= (uint64_t)1 << (e->u.ids[k] % 64);
	free(e->u.ids);
	e->u.bits = bits;
	e->cap = IX_BITMAP | (uint32_t)words;
	return 0;
}

static int list_add(const mem_table *t, ix_entry *e, uint32_t id)
{
	if (e->cap & IX_BITMAP) {
		size_t words = mem_bits_words(e);

		if (id / 64 >= words) {
			size_t n = words + words / 2;
			uint64_t *b;

			if (n <= id / 64)
				n = id / 64 + 1;
			b = realloc(e->u.bits, n * sizeof(*b));
			if (!b)
				return -1;
			memset(b + words, 0, (n - words) * sizeof(*b));
			e->u.bits = b;
			e->cap = IX_BITMAP | (uint32_t)n;
		}
		if (!(e->u.bits[id / 64] & ((uint64_t)1 << (id % 64)))) {
			e->u.bits[id / 64] |= (uint64_t)1 << (id % 64);
			e->n++;
		}
		return 0;
	}
	if (e->cap == 0) {
		/* a second id: the inline one moves to an array */
		uint32_t one = e->u.one, *ids;

		if (one == id)
			return 0;
		ids = malloc(4 * sizeof(*ids));
		if (!ids)
			return -1;
		ids[0] = one < id ? one : id;
		ids[1] = one < id ? id : one;
		e->u.ids = ids;
		e->cap = 4;
		e->n = 2;
		return 0;
	}
	if (e->n == e->cap) {
		/* Full: a bitmap of the id space is smaller than an array of 4 bytes an id once
		 * a key holds more than one row in 32. */
		uint32_t limit = (uint32_t)(t->next_id > (kiscrm_id)id ? t->next_id : (kiscrm_id)id + 1);

		if (e->n >= 64 && (size_t)e->n * 32 >= limit) {
			if (list_to_bitmap(e, limit) < 0)
				return -1;
			return list_add(t, e, id);
		} else {
			uint32_t n = e->cap + e->cap / 2;
			uint32_t *ids = realloc(e->u.ids, (size_t)n * sizeof(*ids));

			if (!ids)
				return -1;
			e->u.ids = ids;
			e->cap = n;
		}
	}
	/* ids mostly grow, so this is mostly an append */
	if (e->u.ids[e->n - 1] < id) {
		e->u.ids[e->n++] = id;
	} else {
		size_t pos = mem_ids_after(e->u.ids, e->n, id);

		if (pos > 0 && e->u.ids[pos - 1] == id)
			return 0;
		memmove(&e->u.ids[pos + 1], &e->u.ids[pos], (e->n - pos) * sizeof(*e->u.ids));
		e->u.ids[pos] = id;
		e->n++;
	}
	return 0;
}

/* Removes id from its list; returns 1 when the list became empty. */
static int list_remove(ix_entry *e, uint32_t id)
{
	if (e->cap & IX_BITMAP) {
		uint64_t bit = (uint64_t)1 << (id % 64);

		if (id / 64 < mem_bits_words(e) && (e->u.bits[id / 64] & bit)) {
			e->u.bits[id / 64] &= ~bit;
			e->n--;
		}
	} else if (e->cap == 0) {
		if (e->u.one == id)
			e->n = 0;
	} else {
		size_t pos = mem_ids_after(e->u.ids, e->n, id);

		if (pos > 0 && e->u.ids[pos - 1] == id) {
			memmove(&e->u.ids[pos - 1], &e->u.ids[pos], (e->n - pos) * sizeof(*e->u.ids));
			e->n--;
		}
		if (e->n == 1) {
			/* back inline: an array for one id would cost a malloc block */
			uint32_t one = e->u.ids[0];

			free(e->u.ids);
			e->u.one = one;
			e->cap = 0;
		} else if (e->n > 0 && e->cap > 16 && e->n < e->cap / 4) {
			uint32_t *ids = realloc(e->u.ids, (size_t)(e->cap / 2) * sizeof(*ids));

			if (ids) { /* not shrinking is harmless */
				e->u.ids = ids;
				e->cap /= 2;
			}
		}
	}
	return e->n == 0;
}

static int ix_add(const mem_table *t, mem_index *x, uint64_t key, uint32_t id)
{
	ix_entry *e;

	if (ix_reserve(x) < 0)
		return -1;
	e = ix_slot(x, key);
	if (!e->n) {
		e->key = key;
		e->n = 1;
		e->cap = 0;
		e->u.one = id;
		x->used++;
		return 0;
	}
	return list_add(t, e, id);
}

static void ix_remove(mem_index *x, uint64_t key, uint32_t id)
{
	ix_entry *e;

	if (!x->size)
		return;
	e = ix_slot(x, key);
	if (e->n && list_remove(e, id))
		ix_unlink(x, e);
}

/* Builds an index from the rows; on failure it is marked IX_FAILED and stays unused. */
void ix_build(mem_table *t, mem_index *x)
{
	uint64_t key;
	uint32_t slot;

	x->state = IX_BUILT;
	for (kiscrm_id id = 1; (id = mem_map_next(t, id, &slot)) != 0; id++) {
		if (!row_key(t, slot, x->field, &key))
			continue;
		if (ix_add(t, x, key, (uint32_t)id) < 0) {
			ix_drop(x, IX_FAILED);
			break;
		}
	}
	t->gen++;
}

/* Keeps the built indexes in step with id going from slot prev to slot (0: no row). */
void ix_change(mem_table *t, kiscrm_id id, uint32_t prev, uint32_t slot)
{
	for (int k = 0; k < t->nix; k++) {
		mem_index *x = &t->ix[k];
		uint64_t ko = 0, kn = 0;
		int ho, hn;

		if (x->state != IX_BUILT)
			continue;
		ho = row_key(t, prev, x->field, &ko);
		hn = row_key(t, slot, x->field, &kn);
		if (ho && hn && ko == kn)
			continue;
		if (ho)
			ix_remove(x, ko, (uint32_t)id);
		if (hn && ix_add(t, x, kn, (uint32_t)id) < 0)
			ix_drop(x, IX_FAILED);
	}
}

void mem_table_drop_indexes(mem_table *t)
{
	for (int k = 0; k < t->nix; k++)
		ix_drop(&t->ix[k], IX_NONE);
	free(t->ix);
	free(t->ix_of);
	t->ix = NULL;
	t->ix_of = NULL;
	t->nix = 0;
	t->gen++;
}

/* Sets up (unbuilt) indexes for the INDEXED fields of k; the id has its own fast path. */
int mem_table_plan_indexes(mem_table *t, const kiscrm_kind_def *k)
{
	int n = 0;

	mem_table_drop_indexes(t);
	t->ix_of = malloc((size_t)t->nfields * sizeof(*t->ix_of));
	if (!t->ix_of)
		return kc_error_oom();
	for (int i = 0; i < t->nfields; i++) {
		t->ix_of[i] = -1;
		if (i > 0 && (k->fields[i].flags & KISCRM_FIELD_INDEXED) && indexable_type(t->types[i]))
			n++;
	}
	if (n == 0)
		return KISCRM_OK;
	t->ix = calloc((size_t)n, sizeof(*t->ix));
	if (!t->ix)
		return kc_error_oom();
	for (int i = 1; i < t->nfields; i++) {
		if (!(k->fields[i].flags & KISCRM_FIELD_INDEXED) || !indexable_type(t->types[i]))
			continue;
		t->ix_of[i] = t->nix;
		t->ix[t->nix].field = i;
		t->nix++;
	}
	return KISCRM_OK;
}
