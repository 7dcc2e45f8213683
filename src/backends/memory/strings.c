/* The memory backend's strings: every TEXT value of every table, reference-counted and
 * named by a small integer code that TEXT columns hold. Short ones are interned (stored
 * once): stage keys, statuses, regions and the like repeat on millions of rows, and a
 * code of one or two bytes replaces an 8-byte pointer plus a copy of the bytes per row. */
#include "backends/memory/memory_internal.h"

#include <stdlib.h>
#include <string.h>

/* A word at a time: interned strings are short, and every stored one is hashed. */
static uint32_t str_hash(const char *s, size_t len)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ len;

	for (;;) {
		uint64_t w = 0;
		size_t n = len < 8 ? len : 8;

		memcpy(&w, s, n);
		h = (h ^ w) * 0xbf58476d1ce4e5b9ULL;
		h ^= h >> 31;
		if (len <= 8)
			break;
		s += 8;
		len -= 8;
	}
	return (uint32_t)(h ^ (h >> 32));
}

/* The cell holding s, or the empty cell where it would go. */
static uint32_t *str_cell(const mem_strings *st, const char *s, uint32_t hash)
{
	uint32_t mask = st->ncell - 1, i = hash & mask;

	for (;; i = (i + 1) & mask) {
		uint32_t c = st->cell[i];

		if (!c || (st->e[c - 1].hash == hash && strcmp(st->e[c - 1].s, s) == 0))
			return &st->cell[i];
	}
}

/* Room for one more string below a load of 3/4. */
static int cells_reserve(mem_strings *st)
{
	uint32_t n, *old = st->cell, oldn = st->ncell;

	if ((uint64_t)(st->used + 1) * 4 <= (uint64_t)st->ncell * 3)
		return 0;
	if (st->ncell >= (1u << 31))
		return -1;
	n = st->ncell ? st->ncell * 2 : 64;
	st->cell = calloc(n, sizeof(*st->cell));
	if (!st->cell) {
		st->cell = old;
		return -1;
	}
	st->ncell = n;
	for (uint32_t i = 0; i < oldn; i++)
		if (old[i]) {
			uint32_t j = st->e[old[i] - 1].hash & (n - 1);

			while (st->cell[j])
				j = (j + 1) & (n - 1);
			st->cell[j] = old[i];
		}
	free(old);
	return 0;
}

/* A code for a new entry: a freed one first, else the next (growing by a quarter, since
 * entries are 16 bytes each and unique strings can number in the millions). */
static int entry_new(mem_strings *st, uint32_t *code)
{
	if (st->free_head != MEM_STR_NONE) {
		*code = st->free_head;
		st->free_head = st->e[*code].refs;
		return 0;
	}
	if (st->n == st->cap) {
		/* codes stay below MEM_STR_NONE, and code + 1 fits a cell */
		uint64_t n = (uint64_t)st->cap + st->cap / 4 + 64;
		mem_str *e;

		if (n > MEM_STR_NONE - 1)
			n = MEM_STR_NONE - 1;
		if (n <= st->cap)
			return -1;
		e = realloc(st->e, (size_t)n * sizeof(*e));
		if (!e)
			return -1;
		st->e = e;
		st->cap = (uint32_t)n;
	}
	*code = st->n++;
	return 0;
}

/* A new entry holding a copy of s, with one reference. */
static int entry_add(mem_strings *st, const char *s, size_t len, uint32_t hash, uint32_t *code)
{
	char *bytes = slab_alloc(&st->bytes, len + 1);

	if (!bytes)
		return -1;
	if (entry_new(st, code) < 0) {
		slab_free(&st->bytes, bytes, len + 1);
		return -1;
	}
	memcpy(bytes, s, len + 1);
	st->e[*code].s = bytes;
	st->e[*code].refs = 1;
	st->e[*code].hash = hash;
	return 0;
}

/* The code of s, taking one reference; -1 when out of memory (nothing changed). Text
 * longer than MEM_STR_SHORT (names, notes) rarely repeats: it gets an entry of its own,
 * without the hashing and the cell. */
int mem_str_intern(mem_strings *st, const char *s, uint32_t *code)
{
	size_t len = strlen(s);
	uint32_t hash, *cell;

	if (len > MEM_STR_SHORT)
		return entry_add(st, s, len, 0, code);
	hash = str_hash(s, len);
	if (cells_reserve(st) < 0)
		return -1;
	cell = str_cell(st, s, hash);
	if (*cell) {
		mem_str *e = &st->e[*cell - 1];

		if (e->refs != UINT32_MAX)
			e->refs++;
		*code = *cell - 1;
		return 0;
	}
	if (entry_add(st, s, len, hash, code) < 0)
		return -1;
	*cell = *code + 1;
	st->used++;
	return 0;
}

/* Empties a cell, shifting back the cells of its probe run so that every string stays
 * reachable from its home cell without tombstones. */
static void cell_unlink(mem_strings *st, uint32_t i)
{
	uint32_t mask = st->ncell - 1, j = i;

	st->cell[i] = 0;
	for (;;) {
		uint32_t home;

		j = (j + 1) & mask;
		if (!st->cell[j])
			return;
		home = st->e[st->cell[j] - 1].hash & mask;
		/* j may move to i unless its home lies cyclically in (i, j] */
		if (i <= j ? (home > i && home <= j) : (home > i || home <= j))
			continue;
		st->cell[i] = st->cell[j];
		st->cell[j] = 0;
		i = j;
	}
}

/* Drops one reference; the last frees the bytes and the code for reuse. */
void mem_str_release(mem_strings *st, uint32_t code)
{
	mem_str *e = &st->e[code];
	uint32_t *cell;
	size_t len;

	if (e->refs == UINT32_MAX || --e->refs > 0)
		return;
	len = strlen(e->s);
	if (len <= MEM_STR_SHORT) {
		cell = str_cell(st, e->s, e->hash);
		cell_unlink(st, (uint32_t)(cell - st->cell));
		st->used--;
	}
	slab_free(&st->bytes, (void *)(uintptr_t)e->s, len + 1);
	e->s = NULL;
	e->refs = st->free_head;
	st->free_head = code;
}

void mem_strings_dispose(mem_strings *st)
{
	/* the slab's chunks go at once; only strings too long for it have blocks of their own */
	for (uint32_t i = 0; i < st->n; i++)
		if (st->e[i].s)
			slab_free(&st->bytes, (void *)(uintptr_t)st->e[i].s, strlen(st->e[i].s) + 1);
	slab_dispose(&st->bytes);
	free(st->e);
	free(st->cell);
	memset(st, 0, sizeof(*st));
	st->free_head = MEM_STR_NONE;
}
