/* The in-memory backend: rows live in plain C memory until the backend is freed.
 *
 * Per kind, rows sit in a vector indexed directly by id (slot NULL: no such row), so get,
 * update, remove and a query on `id = X` are one array access, and a scan walks the
 * vector in ascending id order.
 *
 * Rows are compact, since millions of them must fit: a row is ONE block holding an 8-byte
 * slot per field (int64, double or a pointer to its string), then a bitmap of which fields
 * are present (the types come from the schema), then the bytes of its TEXT values, which
 * the slots point into. A kind of 28 fields thus costs 228 bytes a row plus its strings,
 * where an array of kiscrm_value would cost 448. Reads materialise kiscrm_value rows into
 * a buffer of the call (on the stack), reused for every row of a scan, and only for the
 * fields the query wants: no copy of strings and no allocation per row.
 *
 * Blocks come from a small slab allocator rather than malloc: malloc's 8-byte header and
 * 16-byte rounding would cost ~14 bytes a row, which matters at millions of rows, and a
 * block's size is always recomputable from its contents so the slab needs no header.
 *
 * Fields flagged KISCRM_FIELD_INDEXED (INT, MONEY, DATE, TIME and TEXT) get a hash index,
 * built on the first query that can use it and kept in step by every change, including
 * rollback. An index maps a key (the integer, or a 64-bit hash of the text) to the ids
 * of its rows in ascending order: one id inline, a sorted array, or, when the key holds
 * so many rows that a bitmap over the id space is smaller, a bitmap. A scan or count
 * with an equality condition on an indexed field visits only the rows of the rarest such
 * key and checks the rest of the query with kiscrm_query_match() (which also settles
 * text hash collisions). An index is only an accelerator: when it cannot get memory it
 * is dropped and the queries on its field scan the table, never fail.
 *
 * Transactions keep an undo log: each mutation records (table, id, previous row or NULL)
 * and the log owns the previous row until commit frees it or rollback puts it back. */
#include "kiscrm/sys/backend.h"
#include "core/error.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* Ids index the slot vector directly, so an explicit id costs 8 bytes per id below it.
 * Beyond this bound (1 GiB of id space, an 8 GiB vector) the backend refuses the id
 * rather than trying to allocate a vector for it. It also lets indexes keep ids as
 * uint32_t. */
#define MEM_ID_MAX ((kiscrm_id)1 << 30)

/* Reads with at most this many fields materialise rows on the stack. */
#define MEM_STACK_FIELDS 64

/* Slab: blocks up to SLAB_MAX bytes are carved from 1 MiB chunks in 8-byte steps (which
 * keeps every slot 8-byte aligned); freed blocks go on a free list per size and are
 * reused by the next block of that size. Larger blocks use malloc directly. */
#define SLAB_CHUNK (((size_t)1 << 20) - 64) /* with malloc's header: exactly 1 MiB mapped */
#define SLAB_GRAIN ((size_t)8)
#define SLAB_MAX ((size_t)4096)
#define SLAB_NCLASS (SLAB_MAX / SLAB_GRAIN + 1)

typedef struct slab {
	void *free[SLAB_NCLASS]; /* free blocks of each size, linked through their first word */
	char *cur;               /* unused tail of the newest chunk */
	size_t left;
	char **chunks;
	size_t nchunks, achunks;
} slab;

static size_t slab_round(size_t n)
{
	return (n + SLAB_GRAIN - 1) & ~(SLAB_GRAIN - 1);
}

static void *slab_alloc(slab *s, size_t size)
{
	void *p;

	size = slab_round(size);
	if (size > SLAB_MAX)
		return malloc(size);
	p = s->free[size / SLAB_GRAIN];
	if (p) {
		memcpy(&s->free[size / SLAB_GRAIN], p, sizeof(void *));
		return p;
	}
	if (s->left < size) {
		char *c;

		if (s->nchunks == s->achunks) {
			size_t n = s->achunks ? s->achunks * 2 : 16;
			char **a = realloc(s->chunks, n * sizeof(*a));

			if (!a)
				return NULL;
			s->chunks = a;
			s->achunks = n;
		}
		c = malloc(SLAB_CHUNK);
		if (!c)
			return NULL;
		/* the tail of the previous chunk (< SLAB_MAX bytes) is given up */
		s->chunks[s->nchunks++] = c;
		s->cur = c;
		s->left = SLAB_CHUNK;
	}
	p = s->cur;
	s->cur += size;
	s->left -= size;
	return p;
}

static void slab_free(slab *s, void *p, size_t size)
{
	if (!p)
		return;
	size = slab_round(size);
	if (size > SLAB_MAX) {
		free(p);
		return;
	}
	memcpy(p, &s->free[size / SLAB_GRAIN], sizeof(void *));
	s->free[size / SLAB_GRAIN] = p;
}

static void slab_dispose(slab *s)
{
	for (size_t i = 0; i < s->nchunks; i++)
		free(s->chunks[i]);
	free(s->chunks);
	memset(s, 0, sizeof(*s));
}

/* One stored field: the same 8 bytes as kiscrm_value.u, so materialising is a copy. */
typedef union mem_slot {
	int64_t i;
	double r;
	const char *s;
} mem_slot;

typedef char mem_slot_matches_value[sizeof(mem_slot) == sizeof(((kiscrm_value *)0)->u) ? 1 : -1];

/* A posting list: the ids of the rows under one key, ascending. n == 0 marks a free
 * entry of the hash table. */
#define IX_BITMAP 0x80000000u /* in cap: u.bits, of (cap & ~IX_BITMAP) words */

typedef struct ix_entry {
	uint64_t key;  /* the integer value, or the hash of the text */
	uint32_t n;    /* ids under the key */
	uint32_t cap;  /* 0: the one id is u.one; IX_BITMAP|words: bitmap; else array size */
	union {
		uint32_t one;
		uint32_t *ids;
		uint64_t *bits;
	} u;
} ix_entry;

enum { IX_NONE = 0, IX_BUILT = 1, IX_FAILED = -1 };

typedef struct mem_index {
	int field;        /* indexed field */
	int state;        /* IX_NONE: not built yet, IX_BUILT, IX_FAILED: out of memory */
	ix_entry *e;      /* open addressing, linear probing; size is a power of two */
	size_t size, used;
} mem_index;

typedef struct mem_table {
	int kind;            /* kiscrm_kind of the rows */
	int nfields;         /* values per row */
	int *types;          /* type of each field, from the schema */
	mem_slot **slot;     /* slot[id]: the row of that id, or NULL */
	size_t nslot;        /* allocated slots; every id < nslot is addressable */
	kiscrm_id next_id;   /* max id ever used + 1 */
	int64_t nrows;       /* rows present */
	mem_index *ix;       /* the indexes of the INDEXED fields */
	int nix;
	int *ix_of;          /* ix_of[field]: its index in ix, or -1 */
	uint64_t gen;        /* bumped by every change of a row or an index */
} mem_table;

/* Only ids that existed before the transaction are logged (ids >= saved_next were
 * absent at begin: rollback clears them wholesale), and only their first change (the
 * only one rollback needs), so a bulk load in one transaction logs nothing. */
typedef struct mem_undo {
	uint32_t table;      /* index in mem_backend.tables */
	uint32_t id;         /* < MEM_ID_MAX */
	mem_slot *prev;      /* the row at begin (owned), NULL: it was absent */
} mem_undo;

typedef struct mem_backend {
	kiscrm_backend parent; /* first member: the core sees a kiscrm_backend */
	mem_table *tables;
	int ntables;
	int schema_version;
	int in_tx;
	mem_undo *undo;
	size_t nundo, aundo;
	kiscrm_id *saved_next; /* next_id of each table at begin */
	int nsaved;
	slab rows;             /* where every row block lives */
} mem_backend;

static mem_backend *mem_of(kiscrm_backend *b)
{
	return (mem_backend *)b;
}

/* ---- rows ------------------------------------------------------------------------- */

/* One bit a field (set: present), then one bit marking a row written by the open
 * transaction over an id whose state at begin is already in the undo log. */
static size_t bitmap_bytes(int nfields)
{
	return ((size_t)nfields + 8) / 8;
}

static const unsigned char *row_bits(const mem_slot *row, int nfields)
{
	return (const unsigned char *)(row + nfields);
}

static int row_has(const mem_slot *row, int nfields, int field)
{
	return (row_bits(row, nfields)[field >> 3] >> (field & 7)) & 1;
}

static int row_logged(const mem_slot *row, int nfields)
{
	return row_has(row, nfields, nfields);
}

static void row_mark_logged(mem_slot *row, int nfields)
{
	((unsigned char *)(row + nfields))[nfields >> 3] |= (unsigned char)(1u << (nfields & 7));
}

static void row_clear_logged(mem_slot *row, int nfields)
{
	((unsigned char *)(row + nfields))[nfields >> 3] &= (unsigned char)~(1u << (nfields & 7));
}

/* Bytes of the block of a stored row. */
static size_t row_size(const int *types, int nfields, const mem_slot *row)
{
	size_t size = (size_t)nfields * sizeof(mem_slot) + bitmap_bytes(nfields);

	for (int i = 0; i < nfields; i++)
		if (types[i] == KISCRM_TYPE_TEXT && row_has(row, nfields, i))
			size += strlen(row[i].s) + 1;
	return size;
}

static void row_free(mem_backend *m, const mem_table *t, mem_slot *row)
{
	if (row)
		slab_free(&m->rows, row, row_size(t->types, t->nfields, row));
}

/* Packs values (already checked against the field types) into one block of nfields
 * slots. Values from vals[nvals] on (fields added by a newer schema) are NULL. */
static mem_slot *row_pack(mem_backend *m, const kiscrm_value *vals, int nvals, int nfields)
{
	size_t head = (size_t)nfields * sizeof(mem_slot) + bitmap_bytes(nfields);
	size_t size = head;
	unsigned char *bits;
	mem_slot *out;
	char *p;

	for (int i = 0; i < nvals; i++)
		if (vals[i].type == KISCRM_TYPE_TEXT)
			size += strlen(vals[i].u.s) + 1;
	out = slab_alloc(&m->rows, size);
	if (!out)
		return NULL;
	bits = (unsigned char *)(out + nfields);
	memset(bits, 0, bitmap_bytes(nfields));
	p = (char *)out + head;
	for (int i = 0; i < nfields; i++) {
		if (i >= nvals || vals[i].type == KISCRM_TYPE_NULL) {
			out[i].i = 0;
			continue;
		}
		bits[i >> 3] |= (unsigned char)(1u << (i & 7));
		if (vals[i].type == KISCRM_TYPE_TEXT) {
			size_t n = strlen(vals[i].u.s) + 1;

			memcpy(p, vals[i].u.s, n);
			out[i].s = p;
			p += n;
		} else {
			memcpy(&out[i], &vals[i].u, sizeof(out[i]));
		}
	}
	return out;
}

/* Materialises the listed fields of a stored row into out (borrowing its strings). */
static void row_load(const mem_table *t, const mem_slot *row, const int *fields, int n,
		     kiscrm_value *out)
{
	const unsigned char *bits = row_bits(row, t->nfields);

	for (int k = 0; k < n; k++) {
		int i = fields[k];

		if ((bits[i >> 3] >> (i & 7)) & 1) {
			out[i].type = t->types[i];
			memcpy(&out[i].u, &row[i], sizeof(out[i].u));
		} else {
			out[i].type = KISCRM_TYPE_NULL;
			out[i].u.i = 0;
		}
	}
}

/* Materialises every field of a stored row. */
static void row_load_all(const mem_table *t, const mem_slot *row, kiscrm_value *out)
{
	for (int i = 0; i < t->nfields; i++) {
		if (row_has(row, t->nfields, i)) {
			out[i].type = t->types[i];
			memcpy(&out[i].u, &row[i], sizeof(out[i].u));
		} else {
			out[i].type = KISCRM_TYPE_NULL;
			out[i].u.i = 0;
		}
	}
}

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

/* Key of a field of a stored row; 0 when the field is NULL (NULLs are not indexed). */
static int row_key(const mem_table *t, const mem_slot *row, int field, uint64_t *key)
{
	if (!row || !row_has(row, t->nfields, field))
		return 0;
	*key = t->types[field] == KISCRM_TYPE_TEXT ? text_hash(row[field].s) : (uint64_t)row[field].i;
	return 1;
}

static uint64_t value_key(const kiscrm_value *v)
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

static const ix_entry *ix_find(const mem_index *x, uint64_t key)
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

static size_t bits_words(const ix_entry *e)
{
	return e->cap & ~IX_BITMAP;
}

/* First position in a sorted array whose id is greater than after. */
static size_t ids_after(const uint32_t *ids, size_t n, uint32_t after)
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
		size_t words = bits_words(e);

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
		size_t pos = ids_after(e->u.ids, e->n, id);

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

		if (id / 64 < bits_words(e) && (e->u.bits[id / 64] & bit)) {
			e->u.bits[id / 64] &= ~bit;
			e->n--;
		}
	} else if (e->cap == 0) {
		if (e->u.one == id)
			e->n = 0;
	} else {
		size_t pos = ids_after(e->u.ids, e->n, id);

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
static void ix_build(mem_table *t, mem_index *x)
{
	uint64_t key;

	x->state = IX_BUILT;
	for (size_t id = 1; id < t->nslot; id++) {
		if (!row_key(t, t->slot[id], x->field, &key))
			continue;
		if (ix_add(t, x, key, (uint32_t)id) < 0) {
			ix_drop(x, IX_FAILED);
			break;
		}
	}
	t->gen++;
}

/* Keeps the built indexes in step with slot id going from prev to row. */
static void ix_change(mem_table *t, kiscrm_id id, const mem_slot *prev, const mem_slot *row)
{
	for (int k = 0; k < t->nix; k++) {
		mem_index *x = &t->ix[k];
		uint64_t ko = 0, kn = 0;
		int ho, hn;

		if (x->state != IX_BUILT)
			continue;
		ho = row_key(t, prev, x->field, &ko);
		hn = row_key(t, row, x->field, &kn);
		if (ho && hn && ko == kn)
			continue;
		if (ho)
			ix_remove(x, ko, (uint32_t)id);
		if (hn && ix_add(t, x, kn, (uint32_t)id) < 0)
			ix_drop(x, IX_FAILED);
	}
}

static void table_drop_indexes(mem_table *t)
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
static int table_plan_indexes(mem_table *t, const kiscrm_kind_def *k)
{
	int n = 0;

	table_drop_indexes(t);
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

/* ---- tables ----------------------------------------------------------------------- */

static int find_table(const mem_backend *m, int kind)
{
	for (int i = 0; i < m->ntables; i++)
		if (m->tables[i].kind == kind)
			return i;
	return -1;
}

/* Resolves the table of a call, checking that the caller's kind matches what was opened. */
static int table_of(mem_table **out, kiscrm_backend *b, const kiscrm_kind_def *kind)
{
	mem_backend *m = mem_of(b);
	int t;

	if (!b || !kind)
		return kc_error_set(KISCRM_EINVALID, "memory backend: NULL backend or kind");
	t = find_table(m, kind->kind);
	if (t < 0)
		return kc_error_set(KISCRM_EINVALID,
				    "memory backend: unknown kind %d ('%s'); not in the opened schema",
				    kind->kind, kind->name ? kind->name : "?");
	if (kind->nfields != m->tables[t].nfields)
		return kc_error_set(KISCRM_EINVALID,
				    "memory backend: kind '%s' has %d fields, the opened schema has %d",
				    kind->name ? kind->name : "?", kind->nfields,
				    m->tables[t].nfields);
	*out = &m->tables[t];
	return KISCRM_OK;
}

static const char *field_name(const kiscrm_kind_def *kind, int i)
{
	if (kind && kind->fields && i >= 0 && i < kind->nfields && kind->fields[i].name)
		return kind->fields[i].name;
	return "?";
}

/* Every value must be NULL or of its field's type; TEXT must have its string. */
static int check_row(const mem_table *t, const kiscrm_kind_def *kind, const kiscrm_value *row)
{
	for (int i = 0; i < t->nfields; i++) {
		const kiscrm_value *v = &row[i];

		if (v->type == KISCRM_TYPE_NULL)
			continue;
		if (v->type != t->types[i])
			return kc_error_set(KISCRM_EINVALID,
					    "memory backend: field '%s' of '%s' is of type %d, got a value of type %d",
					    field_name(kind, i), kind->name ? kind->name : "?",
					    t->types[i], v->type);
		if (v->type == KISCRM_TYPE_TEXT && !v->u.s)
			return kc_error_set(KISCRM_EINVALID,
					    "memory backend: TEXT field '%s' has a NULL string",
					    field_name(kind, i));
	}
	return KISCRM_OK;
}

static mem_slot *slot_get(const mem_table *t, kiscrm_id id)
{
	if (id <= 0 || (uint64_t)id >= t->nslot)
		return NULL;
	return t->slot[id];
}

/* Makes slot[id] addressable, growing by half so sequential inserts stay amortised O(1)
 * while the unused tail stays small. */
static int slot_reserve(mem_table *t, kiscrm_id id)
{
	size_t want = (size_t)id + 1, n;
	mem_slot **s;

	if (want <= t->nslot)
		return KISCRM_OK;
	n = t->nslot + t->nslot / 2;
	if (n < want)
		n = want;
	if (n < 64)
		n = 64;
	s = realloc(t->slot, n * sizeof(*s));
	if (!s)
		return kc_error_oom();
	memset(s + t->nslot, 0, (n - t->nslot) * sizeof(*s));
	t->slot = s;
	t->nslot = n;
	return KISCRM_OK;
}

/* Reserves room for one more undo entry before anything changes, so that logging a
 * change can never fail after the change was made. */
static int undo_reserve(mem_backend *m)
{
	size_t n;
	mem_undo *u;

	if (!m->in_tx || m->nundo < m->aundo)
		return KISCRM_OK;
	n = m->aundo ? m->aundo * 2 : 64;
	u = realloc(m->undo, n * sizeof(*u));
	if (!u)
		return kc_error_oom();
	m->undo = u;
	m->aundo = n;
	return KISCRM_OK;
}

/* Puts row (or NULL) at id, keeping the indexes in step; returns the previous row. */
static mem_slot *slot_swap(mem_table *t, kiscrm_id id, mem_slot *row)
{
	mem_slot *prev = t->slot[id];

	ix_change(t, id, prev, row);
	t->nrows += (row != NULL) - (prev != NULL);
	t->slot[id] = row;
	t->gen++;
	return prev;
}

/* Whether rollback needs the row id holds now: the id existed before the transaction
 * and this is its first change in it (the mark sits in the row's bitmap). */
static int undo_needed(const mem_backend *m, const mem_table *t, kiscrm_id id)
{
	const mem_slot *cur = t->slot[id];

	if (!m->in_tx || id >= m->saved_next[t - m->tables])
		return 0;
	return !cur || !row_logged(cur, t->nfields);
}

/* Stores row (or NULL) at id; the previous row goes to the undo log or is freed. */
static void slot_set(mem_backend *m, mem_table *t, kiscrm_id id, mem_slot *row)
{
	int log = undo_needed(m, t, id);
	mem_slot *prev;

	if (m->in_tx && row && id < m->saved_next[t - m->tables])
		row_mark_logged(row, t->nfields);
	prev = slot_swap(t, id, row);
	if (log) {
		mem_undo *u = &m->undo[m->nundo++];

		u->table = (uint32_t)(t - m->tables);
		u->id = (uint32_t)id;
		u->prev = prev;
	} else {
		row_free(m, t, prev);
	}
}

/* Row blocks in the slab go with its chunks; only the large malloc'd ones need a free. */
static void table_dispose(mem_backend *m, mem_table *t)
{
	for (size_t i = 0; i < t->nslot; i++)
		row_free(m, t, t->slot[i]);
	table_drop_indexes(t);
	free(t->slot);
	free(t->types);
	t->slot = NULL;
	t->types = NULL;
	t->nslot = 0;
}

static int check_kind_def(const kiscrm_kind_def *k)
{
	if (!k || k->nfields < 1 || !k->fields)
		return kc_error_set(KISCRM_EINVALID, "memory backend: schema kind '%s' has no fields",
				    k && k->name ? k->name : "?");
	if (k->fields[0].type != KISCRM_TYPE_INT)
		return kc_error_set(KISCRM_EINVALID,
				    "memory backend: field 0 ('%s') of kind '%s' must be the INT id",
				    field_name(k, 0), k->name ? k->name : "?");
	return KISCRM_OK;
}

static int *copy_types(const kiscrm_kind_def *k)
{
	int *types = malloc((size_t)k->nfields * sizeof(*types));

	if (types)
		for (int i = 0; i < k->nfields; i++)
			types[i] = k->fields[i].type;
	return types;
}

/* A kind opened again: same fields keep their rows; fields appended by a newer schema
 * are added to every row as NULL. Fewer fields or changed types mean the data was
 * written by a different schema, which is refused. */
static int table_migrate(mem_backend *m, mem_table *t, const kiscrm_kind_def *k)
{
	mem_slot **wide;
	kiscrm_value *vals;
	int *types;

	if (k->nfields < t->nfields)
		return kc_error_set(KISCRM_EVERSION,
				    "memory backend: kind '%s' has %d fields, the stored rows have %d",
				    k->name ? k->name : "?", k->nfields, t->nfields);
	for (int i = 0; i < t->nfields; i++)
		if (k->fields[i].type != t->types[i])
			return kc_error_set(KISCRM_EVERSION,
					    "memory backend: field '%s' of kind '%s' changed type from %d to %d",
					    field_name(k, i), k->name ? k->name : "?", t->types[i],
					    k->fields[i].type);
	if (k->nfields == t->nfields)
		return table_plan_indexes(t, k);
	types = copy_types(k);
	vals = malloc((size_t)t->nfields * sizeof(*vals));
	wide = t->nslot ? calloc(t->nslot, sizeof(*wide)) : NULL;
	if (!types || !vals || (t->nslot && !wide)) {
		free(types);
		free(vals);
		free(wide);
		return kc_error_oom();
	}
	/* All wide rows are built before any old one goes, so running out of memory half
	 * way leaves the table exactly as it was. */
	for (size_t id = 0; id < t->nslot; id++) {
		if (!t->slot[id])
			continue;
		row_load_all(t, t->slot[id], vals);
		if (!(wide[id] = row_pack(m, vals, t->nfields, k->nfields))) {
			for (size_t j = 0; j < id; j++)
				if (wide[j])
					slab_free(&m->rows, wide[j], row_size(types, k->nfields, wide[j]));
			free(wide);
			free(vals);
			free(types);
			return kc_error_oom();
		}
	}
	for (size_t id = 0; id < t->nslot; id++) {
		if (!t->slot[id])
			continue;
		row_free(m, t, t->slot[id]);
		t->slot[id] = wide[id];
	}
	free(wide);
	free(vals);
	free(t->types);
	t->types = types;
	t->nfields = k->nfields;
	return table_plan_indexes(t, k);
}

static int mem_open(kiscrm_backend *b, const kiscrm_schema *schema)
{
	mem_backend *m = mem_of(b);
	int rc;

	if (!b || !schema || schema->nkinds < 0 || (schema->nkinds > 0 && !schema->kinds))
		return kc_error_set(KISCRM_EINVALID, "memory backend: open needs a schema");
	if (m->in_tx)
		return kc_error_set(KISCRM_EINVALID,
				    "memory backend: cannot open a schema inside a transaction");
	if (m->ntables > 0 && schema->version < m->schema_version)
		return kc_error_set(KISCRM_EVERSION,
				    "memory backend: data was written by schema version %d, newer than %d",
				    m->schema_version, schema->version);
	for (int i = 0; i < schema->nkinds; i++) {
		if ((rc = check_kind_def(schema->kinds[i])) < 0)
			return rc;
		for (int j = 0; j < i; j++)
			if (schema->kinds[j]->kind == schema->kinds[i]->kind)
				return kc_error_set(KISCRM_EINVALID,
						    "memory backend: kind %d appears twice in the schema",
						    schema->kinds[i]->kind);
	}
	for (int i = 0; i < schema->nkinds; i++) {
		const kiscrm_kind_def *k = schema->kinds[i];
		int t = find_table(m, k->kind);
		mem_table *tables;

		if (t >= 0) {
			if ((rc = table_migrate(m, &m->tables[t], k)) < 0)
				return rc;
			continue;
		}
		tables = realloc(m->tables, (size_t)(m->ntables + 1) * sizeof(*tables));
		if (!tables)
			return kc_error_oom();
		m->tables = tables;
		memset(&tables[m->ntables], 0, sizeof(tables[0]));
		tables[m->ntables].types = copy_types(k);
		if (!tables[m->ntables].types)
			return kc_error_oom();
		tables[m->ntables].kind = k->kind;
		tables[m->ntables].nfields = k->nfields;
		tables[m->ntables].next_id = 1;
		m->ntables++;
		if ((rc = table_plan_indexes(&tables[m->ntables - 1], k)) < 0)
			return rc;
	}
	m->schema_version = schema->version;
	return KISCRM_OK;
}

static int mem_begin(kiscrm_backend *b)
{
	mem_backend *m = mem_of(b);

	if (!b)
		return kc_error_set(KISCRM_EINVALID, "memory backend: NULL backend");
	if (m->in_tx)
		return kc_error_set(KISCRM_EINVALID,
				    "memory backend: a transaction is already open (no nesting)");
	if (m->nsaved < m->ntables) {
		kiscrm_id *s = realloc(m->saved_next, (size_t)m->ntables * sizeof(*s));

		if (!s)
			return kc_error_oom();
		m->saved_next = s;
		m->nsaved = m->ntables;
	}
	for (int i = 0; i < m->ntables; i++)
		m->saved_next[i] = m->tables[i].next_id;
	m->nundo = 0;
	m->in_tx = 1;
	return KISCRM_OK;
}

static int mem_commit(kiscrm_backend *b)
{
	mem_backend *m = mem_of(b);

	if (!b || !m->in_tx)
		return kc_error_set(KISCRM_EINVALID, "memory backend: commit without a transaction");
	for (size_t i = 0; i < m->nundo; i++) {
		mem_table *t = &m->tables[m->undo[i].table];

		row_free(m, t, m->undo[i].prev);
		if (t->slot[m->undo[i].id])
			row_clear_logged(t->slot[m->undo[i].id], t->nfields);
	}
	m->nundo = 0;
	m->in_tx = 0;
	return KISCRM_OK;
}

static int mem_rollback(kiscrm_backend *b)
{
	mem_backend *m = mem_of(b);

	if (!b || !m->in_tx)
		return kc_error_set(KISCRM_EINVALID,
				    "memory backend: rollback without a transaction");
	/* Newest first: each entry's row is what the slot held before that change, so after
	 * the oldest entry of an id is replayed the slot is as it was at begin. Then the
	 * ids first used by the transaction go. The indexes follow each step (an index that
	 * runs out of memory on the way is dropped, which cannot make the rollback fail). */
	for (size_t i = m->nundo; i-- > 0;) {
		mem_undo *u = &m->undo[i];
		mem_table *t = &m->tables[u->table];

		row_free(m, t, slot_swap(t, u->id, u->prev));
	}
	for (int i = 0; i < m->ntables && i < m->nsaved; i++) {
		mem_table *t = &m->tables[i];

		for (size_t id = (size_t)m->saved_next[i]; id < t->nslot && (kiscrm_id)id < t->next_id; id++)
			if (t->slot[id])
				row_free(m, t, slot_swap(t, (kiscrm_id)id, NULL));
		t->next_id = m->saved_next[i];
	}
	m->nundo = 0;
	m->in_tx = 0;
	return KISCRM_OK;
}

static int mem_insert(kiscrm_backend *b, const kiscrm_kind_def *kind, const kiscrm_value *row,
		      kiscrm_id *out_id)
{
	mem_backend *m = mem_of(b);
	mem_table *t;
	mem_slot *copy;
	kiscrm_id id;
	int rc;

	if ((rc = table_of(&t, b, kind)) < 0)
		return rc;
	if (!row)
		return kc_error_set(KISCRM_EINVALID, "memory backend: insert into '%s' without a row",
				    kind->name ? kind->name : "?");
	if ((rc = check_row(t, kind, row)) < 0)
		return rc;
	if (row[0].type == KISCRM_TYPE_NULL || row[0].u.i == 0) {
		id = t->next_id;
	} else {
		id = row[0].u.i;
		if (id < 0)
			return kc_error_set(KISCRM_EINVALID,
					    "memory backend: id %lld of '%s' is negative",
					    (long long)id, kind->name ? kind->name : "?");
		if (slot_get(t, id))
			return kc_error_set(KISCRM_EEXISTS,
					    "memory backend: '%s' with id %lld already exists",
					    kind->name ? kind->name : "?", (long long)id);
	}
	if (id > MEM_ID_MAX)
		return kc_error_set(KISCRM_ENOTSUPPORTED,
				    "memory backend: id %lld of '%s' is above the largest id it stores (%lld)",
				    (long long)id, kind->name ? kind->name : "?",
				    (long long)MEM_ID_MAX);
	if ((rc = slot_reserve(t, id)) < 0 || (rc = undo_reserve(m)) < 0)
		return rc;
	copy = row_pack(m, row, t->nfields, t->nfields);
	if (!copy)
		return kc_error_oom();
	copy[0].i = id;
	((unsigned char *)(copy + t->nfields))[0] |= 1u; /* the id is always present */
	if (id >= t->next_id)
		t->next_id = id + 1;
	slot_set(m, t, id, copy);
	if (out_id)
		*out_id = id;
	return KISCRM_OK;
}

static int not_found(const kiscrm_kind_def *kind, kiscrm_id id)
{
	return kc_error_set(KISCRM_ENOTFOUND, "memory backend: no '%s' with id %lld",
			    kind->name ? kind->name : "?", (long long)id);
}

static int mem_update(kiscrm_backend *b, const kiscrm_kind_def *kind, const kiscrm_value *row)
{
	mem_backend *m = mem_of(b);
	mem_table *t;
	mem_slot *copy;
	kiscrm_id id;
	int rc;

	if ((rc = table_of(&t, b, kind)) < 0)
		return rc;
	if (!row)
		return kc_error_set(KISCRM_EINVALID, "memory backend: update of '%s' without a row",
				    kind->name ? kind->name : "?");
	if ((rc = check_row(t, kind, row)) < 0)
		return rc;
	id = row[0].type == KISCRM_TYPE_INT ? row[0].u.i : 0;
	if (!slot_get(t, id))
		return not_found(kind, id);
	if ((rc = undo_reserve(m)) < 0)
		return rc;
	copy = row_pack(m, row, t->nfields, t->nfields);
	if (!copy)
		return kc_error_oom();
	slot_set(m, t, id, copy);
	return KISCRM_OK;
}

static int mem_remove(kiscrm_backend *b, const kiscrm_kind_def *kind, kiscrm_id id)
{
	mem_backend *m = mem_of(b);
	mem_table *t;
	int rc;

	if ((rc = table_of(&t, b, kind)) < 0)
		return rc;
	if (!slot_get(t, id))
		return not_found(kind, id);
	if ((rc = undo_reserve(m)) < 0)
		return rc;
	slot_set(m, t, id, NULL);
	return KISCRM_OK;
}

/* ---- reads ------------------------------------------------------------------------ */

/* One get, scan or count: the buffer rows are materialised into (on the stack for the
 * usual kinds; reads may nest, a callback reading another kind, so it is never shared)
 * and which fields to load before and after matching. */
typedef struct mem_read {
	mem_table *t;
	const kiscrm_kind_def *kind;
	const kiscrm_query *q;  /* NULL: every row matches */
	kiscrm_row_cb cb;       /* NULL: count only */
	void *payload;
	int64_t count;
	kiscrm_value *vals;     /* nfields values; fields never loaded stay NULL */
	int *cond_f, ncond_f;   /* fields the conditions read, loaded before matching */
	int *rest_f, nrest_f;   /* other wanted fields, loaded for the callback */
	void *heap;
	kiscrm_value stack_vals[MEM_STACK_FIELDS];
	int stack_f[2 * MEM_STACK_FIELDS];
} mem_read;

static int column_wanted(const kiscrm_query *q, int i)
{
	return !q || q->columns == 0 || i == 0 || i >= 64 || ((q->columns >> i) & 1);
}

static int read_init(mem_read *r, mem_table *t, const kiscrm_kind_def *kind,
		     const kiscrm_query *q, kiscrm_row_cb cb, void *payload)
{
	int n = t->nfields;

	memset(r, 0, offsetof(mem_read, stack_vals));
	r->t = t;
	r->kind = kind;
	r->q = q && q->ncond > 0 ? q : NULL;
	r->cb = cb;
	r->payload = payload;
	if (n <= MEM_STACK_FIELDS) {
		r->vals = r->stack_vals;
		r->cond_f = r->stack_f;
	} else {
		r->heap = malloc((size_t)n * (sizeof(kiscrm_value) + 2 * sizeof(int)));
		if (!r->heap)
			return kc_error_oom();
		r->vals = r->heap;
		r->cond_f = (int *)(r->vals + n);
	}
	r->rest_f = r->cond_f + n;
	for (int i = 0; i < n; i++) {
		int in_cond = 0;

		r->vals[i].type = KISCRM_TYPE_NULL;
		r->vals[i].u.i = 0;
		for (int c = 0; r->q && c < r->q->ncond && !in_cond; c++)
			in_cond = r->q->conds[c].field == i;
		if (in_cond)
			r->cond_f[r->ncond_f++] = i;
		else if (cb && column_wanted(q, i))
			r->rest_f[r->nrest_f++] = i;
	}
	return KISCRM_OK;
}

/* Matches one row and hands it to the callback (or counts it). */
static int read_visit(mem_read *r, const mem_slot *row)
{
	if (r->q) {
		row_load(r->t, row, r->cond_f, r->ncond_f, r->vals);
		if (!kiscrm_query_match(r->kind, r->q, r->vals))
			return 0;
	}
	if (!r->cb) {
		r->count++;
		return 0;
	}
	row_load(r->t, row, r->rest_f, r->nrest_f, r->vals);
	return r->cb(r->payload, r->vals);
}

/* Every row from id `from` on. nslot is re-read each round: a callback must not mutate,
 * but reading it fresh costs nothing and keeps a misbehaving one from reading past the
 * vector. */
static int read_all(mem_read *r, size_t from)
{
	int rc;

	for (size_t id = from; id < r->t->nslot; id++) {
		const mem_slot *row = r->t->slot[id];

#if defined(__GNUC__) || defined(__clang__)
		/* rows are pointers: fetch a few ahead, as the hardware cannot guess them */
		if (id + 8 < r->t->nslot && r->t->slot[id + 8])
			__builtin_prefetch(r->t->slot[id + 8]);
#endif

		if (row && (rc = read_visit(r, row)) != 0)
			return rc;
	}
	return 0;
}

static int lowest_bit(uint64_t w)
{
#if defined(__GNUC__) || defined(__clang__)
	return __builtin_ctzll(w);
#else
	int n = 0;

	while (!(w & 1)) {
		w >>= 1;
		n++;
	}
	return n;
#endif
}

/* The next id of a posting list after `last`; pos is the array position of that. */
static int list_next(const ix_entry *e, size_t *pos, uint32_t last, uint32_t *id)
{
	if (e->cap & IX_BITMAP) {
		size_t b = (size_t)last + 1, w = b / 64, words = bits_words(e);
		uint64_t word;

		if (w >= words)
			return 0;
		word = e->u.bits[w] & (~(uint64_t)0 << (b % 64));
		while (!word) {
			if (++w >= words)
				return 0;
			word = e->u.bits[w];
		}
		*id = (uint32_t)(w * 64 + (size_t)lowest_bit(word));
		return 1;
	}
	if (e->cap == 0) {
		if (e->u.one <= last)
			return 0;
		*id = e->u.one;
		return 1;
	}
	if (*pos >= e->n)
		return 0;
	*id = e->u.ids[(*pos)++];
	return 1;
}

/* The rows of one key of an index, ascending. A callback that changes the table (it
 * should not) makes the cursor find its key again and go on after the last id seen. */
static int read_index(mem_read *r, mem_index *x, uint64_t key)
{
	mem_table *t = r->t;
	const ix_entry *e = ix_find(x, key);
	uint64_t gen = t->gen;
	uint32_t last = 0, id;
	size_t pos = 0;
	int rc;

	if (!e)
		return 0;
	/* An integer key is exact: alone in the query, its list is the answer. */
	if (!r->cb && r->q->ncond == 1 && t->types[x->field] != KISCRM_TYPE_TEXT) {
		r->count += e->n;
		return 0;
	}
	for (;;) {
		const mem_slot *row;

		if (gen != t->gen) {
			if (x->state != IX_BUILT)
				return read_all(r, (size_t)last + 1);
			gen = t->gen;
			if (!(e = ix_find(x, key)))
				return 0;
			pos = e->cap && !(e->cap & IX_BITMAP) ? ids_after(e->u.ids, e->n, last) : 0;
		}
		if (!list_next(e, &pos, last, &id))
			return 0;
		row = slot_get(t, id);
		if (row && (rc = read_visit(r, row)) != 0)
			return rc;
		last = id;
	}
}

/* Picks the cheapest way to the rows of the query: the slot of `id = X`, the rarest key
 * of an equality on an indexed field, or every row. */
static int read_run(mem_read *r)
{
	mem_table *t = r->t;
	const kiscrm_query *q = r->q;
	mem_index *best = NULL;
	uint64_t best_key = 0;
	uint32_t best_n = 0;

	if (!q)
		return read_all(r, 1);
	for (int c = 0; c < q->ncond; c++) {
		const kiscrm_cond *cond = &q->conds[c];

		if (cond->field == 0 && cond->op == KISCRM_OP_EQ &&
		    cond->value.type == KISCRM_TYPE_INT) {
			const mem_slot *row = slot_get(t, cond->value.u.i);

			return row ? read_visit(r, row) : 0;
		}
	}
	for (int c = 0; c < q->ncond && t->ix_of; c++) {
		const kiscrm_cond *cond = &q->conds[c];
		const ix_entry *e;
		mem_index *x;
		uint64_t key;

		if (cond->op != KISCRM_OP_EQ || cond->value.type == KISCRM_TYPE_NULL ||
		    t->ix_of[cond->field] < 0)
			continue;
		x = &t->ix[t->ix_of[cond->field]];
		if (x->state == IX_NONE)
			ix_build(t, x);
		if (x->state != IX_BUILT)
			continue;
		key = value_key(&cond->value);
		if (!(e = ix_find(x, key)))
			return 0; /* no row has the value */
		if (!best || e->n < best_n) {
			best = x;
			best_key = key;
			best_n = e->n;
		}
	}
	if (best)
		return read_index(r, best, best_key);
	return read_all(r, 1);
}

static int mem_get(kiscrm_backend *b, const kiscrm_kind_def *kind, kiscrm_id id,
		   kiscrm_row_cb cb, void *payload)
{
	mem_table *t;
	mem_slot *row;
	mem_read r;
	int rc;

	if ((rc = table_of(&t, b, kind)) < 0)
		return rc;
	if (!cb)
		return kc_error_set(KISCRM_EINVALID, "memory backend: get without a callback");
	row = slot_get(t, id);
	if (!row)
		return not_found(kind, id);
	if ((rc = read_init(&r, t, kind, NULL, cb, payload)) < 0)
		return rc;
	rc = read_visit(&r, row);
	free(r.heap);
	return rc;
}

/* Refuses conditions the evaluator cannot answer meaningfully, so that a bad query is an
 * error instead of silently matching nothing. */
static int check_query(const mem_table *t, const kiscrm_kind_def *kind, const kiscrm_query *q)
{
	if (!q)
		return KISCRM_OK;
	if (q->ncond < 0 || (q->ncond > 0 && !q->conds))
		return kc_error_set(KISCRM_EINVALID, "memory backend: query has %d conditions",
				    q->ncond);
	for (int i = 0; i < q->ncond; i++) {
		const kiscrm_cond *c = &q->conds[i];

		if (c->field < 0 || c->field >= t->nfields)
			return kc_error_set(KISCRM_EINVALID,
					    "memory backend: condition on field %d, '%s' has %d fields",
					    c->field, kind->name ? kind->name : "?", t->nfields);
		if (c->op < KISCRM_OP_EQ || c->op > KISCRM_OP_CONTAINS)
			return kc_error_set(KISCRM_EINVALID,
					    "memory backend: unknown operator %d on field '%s'", c->op,
					    field_name(kind, c->field));
		if (c->value.type != KISCRM_TYPE_NULL && c->value.type != t->types[c->field])
			return kc_error_set(KISCRM_EINVALID,
					    "memory backend: field '%s' is of type %d, compared with type %d",
					    field_name(kind, c->field), t->types[c->field],
					    c->value.type);
		if (c->value.type == KISCRM_TYPE_TEXT && !c->value.u.s)
			return kc_error_set(KISCRM_EINVALID,
					    "memory backend: TEXT condition on '%s' has a NULL string",
					    field_name(kind, c->field));
		if (c->op == KISCRM_OP_CONTAINS && t->types[c->field] != KISCRM_TYPE_TEXT)
			return kc_error_set(KISCRM_EINVALID,
					    "memory backend: CONTAINS on field '%s', which is not TEXT",
					    field_name(kind, c->field));
	}
	return KISCRM_OK;
}

static int mem_scan(kiscrm_backend *b, const kiscrm_kind_def *kind, const kiscrm_query *q,
		    kiscrm_row_cb cb, void *payload)
{
	mem_table *t;
	mem_read r;
	int rc;

	if ((rc = table_of(&t, b, kind)) < 0)
		return rc;
	if (!cb)
		return kc_error_set(KISCRM_EINVALID, "memory backend: scan without a callback");
	if ((rc = check_query(t, kind, q)) < 0)
		return rc;
	if ((rc = read_init(&r, t, kind, q, cb, payload)) < 0)
		return rc;
	rc = read_run(&r);
	free(r.heap);
	return rc;
}

static int mem_count(kiscrm_backend *b, const kiscrm_kind_def *kind, const kiscrm_query *q,
		     int64_t *out)
{
	mem_table *t;
	mem_read r;
	int rc;

	if ((rc = table_of(&t, b, kind)) < 0)
		return rc;
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "memory backend: count without an output");
	if ((rc = check_query(t, kind, q)) < 0)
		return rc;
	if (!q || q->ncond == 0) {
		*out = t->nrows;
		return KISCRM_OK;
	}
	if ((rc = read_init(&r, t, kind, q, NULL, NULL)) < 0)
		return rc;
	rc = read_run(&r);
	free(r.heap);
	if (rc == 0)
		*out = r.count;
	return rc;
}


static void mem_free(kiscrm_backend *b)
{
	mem_backend *m = mem_of(b);

	if (!b)
		return;
	/* An open transaction is abandoned: its previous rows are freed, not restored. */
	for (size_t i = 0; i < m->nundo; i++)
		row_free(m, &m->tables[m->undo[i].table], m->undo[i].prev);
	for (int i = 0; i < m->ntables; i++)
		table_dispose(m, &m->tables[i]);
	slab_dispose(&m->rows);
	free(m->undo);
	free(m->saved_next);
	free(m->tables);
	free(m);
}

int kiscrm_backend_memory_new(kiscrm_backend **out)
{
	mem_backend *m;
	int rc;

	if (!out)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_backend_memory_new: out is NULL");
	*out = NULL;
	m = calloc(1, sizeof(*m));
	if (!m)
		return kc_error_oom();
	if ((rc = kiscrm_backend_init(&m->parent, KISCRM_BACKEND_VERSION)) < 0) {
		free(m);
		return rc;
	}
	m->parent.open = mem_open;
	m->parent.begin = mem_begin;
	m->parent.commit = mem_commit;
	m->parent.rollback = mem_rollback;
	m->parent.insert = mem_insert;
	m->parent.update = mem_update;
	m->parent.remove = mem_remove;
	m->parent.get = mem_get;
	m->parent.scan = mem_scan;
	m->parent.count = mem_count;
	m->parent.free = mem_free;
	*out = &m->parent;
	return KISCRM_OK;
}
