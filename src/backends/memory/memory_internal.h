/* The in-memory backend's private types and the functions its files share (see memory.c
 * for the design). Nothing here is exported: the library is built with hidden visibility. */
#ifndef KC_BACKENDS_MEMORY_INTERNAL_H
#define KC_BACKENDS_MEMORY_INTERNAL_H

#include "kiscrm/sys/backend.h"
#include "backends/shared.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* The id map is paged (an explicit id costs one page, not a vector up to it), but the
 * backend still refuses ids beyond 2^30: it lets slots, map entries and indexes keep ids
 * as uint32_t. */
#define MEM_ID_MAX ((kiscrm_id)1 << 30)

/* Reads with at most this many fields materialise rows on the stack. */
#define MEM_STACK_FIELDS 64
/* … and compile at most this many query conditions there. */
#define MEM_STACK_PREDS 16

/* Slab: blocks up to SLAB_MAX bytes are carved from 1 MiB chunks in 8-byte steps; freed
 * blocks go on a free list per size and are reused by the next block of that size.
 * Larger blocks use malloc directly. It holds the bytes of the interned strings. */
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

/* Text: each value an entry with a reference count; a row holds its code (the index of
 * the entry). Strings of at most MEM_STR_SHORT bytes are interned: one entry shared by
 * every row holding the string, so equal short strings have equal codes. The bytes never move, so a
 * read can lend them. Freed codes are reused first, which keeps TEXT columns narrow. */
#define MEM_STR_SHORT 24

typedef struct mem_str {
	const char *s;   /* NULL: a free entry, whose refs is the next free code */
	uint32_t refs;   /* UINT32_MAX: sticky, never freed (the count saturated) */
	uint32_t hash;
} mem_str;

#define MEM_STR_NONE UINT32_MAX

typedef struct mem_strings {
	mem_str *e;
	uint32_t n, cap;      /* entries used (free ones included), allocated */
	uint32_t free_head;   /* first free code, MEM_STR_NONE: none */
	uint32_t *cell;       /* the interned: code + 1, 0: empty; a power of two of them */
	uint32_t ncell, used; /* cells, interned strings */
	slab bytes;
} mem_strings;

/* A column: the values of one field for every row slot, 1, 2, 4 or 8 bytes each, the
 * narrowest that has held every value stored so far (width 0: every row NULL, no
 * memory). Below 8 bytes NULL is the width's minimum (INT8_MIN …) and a value equal to it
 * widens the column; at 8 bytes a bitmap says which slots are NULL. RATE values take 8
 * bytes (their bits), TEXT values are string codes. A column never narrows. */
typedef struct mem_col {
	unsigned char width;
	void *data;      /* room for mem_table.cap values */
	uint64_t *nulls; /* width 8: bit set = NULL */
} mem_col;

/* The id map: id → slot, in pages of MEM_PAGE_IDS entries allocated on first use. An
 * entry is the slot (0: no row) plus MEM_LOGGED once the open transaction logged the
 * id's state at begin (see mem_undo). */
#define MEM_PAGE_BITS 12
#define MEM_PAGE_IDS ((size_t)1 << MEM_PAGE_BITS)
#define MEM_LOGGED 0x80000000u
#define MEM_SLOT_MASK 0x7fffffffu

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
	mem_col *cols;       /* one a field; cols[0] stays empty: the id is the map's key */
	int64_t *scratch;    /* nfields encoded values of the row being stored */
	uint32_t **pages;    /* the id map */
	size_t npages;
	uint32_t nslots;     /* slots ever used, slot 0 (no row) included */
	uint32_t cap;        /* slots every column has room for */
	uint64_t *freebits;  /* bit set: the slot is free for the next row (cap bits) */
	uint32_t nfree;
	uint32_t free_hint;  /* no free slot in the words below this one */
	kiscrm_id next_id;   /* max id ever used + 1 */
	int64_t nrows;       /* rows present */
	mem_index *ix;       /* the indexes of the INDEXED fields */
	int nix;
	int *ix_of;          /* ix_of[field]: its index in ix, or -1 */
	uint64_t gen;        /* bumped by every change of a row or an index */
	const mem_strings *strs; /* the backend's: what the codes of TEXT columns name */
} mem_table;

/* A change never overwrites a slot: the new row goes to a fresh slot and the map entry
 * moves. Only ids that existed before the transaction are logged (ids >= saved_next were
 * absent at begin: rollback clears them wholesale), and only their first change (the
 * only one rollback needs), so a bulk load in one transaction logs nothing. */
typedef struct mem_undo {
	uint32_t table;      /* index in mem_backend.tables */
	uint32_t id;         /* < MEM_ID_MAX */
	uint32_t prev;       /* the id's slot at begin (kept until commit), 0: it was absent */
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
	mem_strings strs;      /* every TEXT value of every table */
} mem_backend;

static inline mem_backend *mem_of(kiscrm_backend *b)
{
	return (mem_backend *)b;
}

/* slab.c */
void *slab_alloc(slab *s, size_t size);
void slab_dispose(slab *s);
void slab_free(slab *s, void *p, size_t size);
/* strings.c */
int mem_str_intern(mem_strings *st, const char *s, uint32_t *code);
void mem_str_release(mem_strings *st, uint32_t code);
void mem_strings_dispose(mem_strings *st);
static inline const char *mem_str_text(const mem_strings *st, uint32_t code)
{
	return st->e[code].s;
}
/* 64-bit words of a bitmap of n bits (NULLs of a column, free slots). */
static inline size_t mem_words(uint32_t n)
{
	return ((size_t)n + 63) / 64;
}
/* column.c */
unsigned mem_col_width_of(int type, int64_t v);
int mem_col_fit(mem_col *c, unsigned width, uint32_t used, uint32_t cap);
int mem_col_grow(mem_col *c, uint32_t cap);
void mem_col_put(mem_col *c, uint32_t slot, int has, int64_t v);
void mem_col_free(mem_col *c);
/* Reads the value of slot into *v; 0 when it is NULL. Inline: every read goes here. */
static inline int mem_col_get(const mem_col *c, uint32_t slot, int64_t *v)
{
	switch (c->width) {
	case 1: *v = ((const int8_t *)c->data)[slot]; return *v != INT8_MIN;
	case 2: *v = ((const int16_t *)c->data)[slot]; return *v != INT16_MIN;
	case 4: *v = ((const int32_t *)c->data)[slot]; return *v != INT32_MIN;
	case 8:
		*v = ((const int64_t *)c->data)[slot];
		return !((c->nulls[slot >> 6] >> (slot & 63)) & 1);
	default: return 0;
	}
}
/* row.c */
void mem_row_release(mem_backend *m, mem_table *t, uint32_t slot);
int mem_row_store(mem_backend *m, mem_table *t, const kiscrm_value *vals, uint32_t *slot);
/* index.c */
size_t mem_bits_words(const ix_entry *e);
size_t mem_ids_after(const uint32_t *ids, size_t n, uint32_t after);
void ix_build(mem_table *t, mem_index *x);
void ix_change(mem_table *t, kiscrm_id id, uint32_t prev, uint32_t slot);
const ix_entry *ix_find(const mem_index *x, uint64_t key);
void mem_table_drop_indexes(mem_table *t);
int mem_table_plan_indexes(mem_table *t, const kiscrm_kind_def *k);
uint64_t mem_value_key(const kiscrm_value *v);
/* table.c */
int mem_check_kind_def(const kiscrm_kind_def *k);
int mem_check_row(const mem_table *t, const kiscrm_kind_def *kind, const kiscrm_value *row);
const char *mem_field_name(const kiscrm_kind_def *kind, int i);
int mem_find_table(const mem_backend *m, int kind);
int mem_map_reserve(mem_table *t, kiscrm_id id);
uint32_t mem_slot_swap(mem_table *t, kiscrm_id id, uint32_t entry);
void mem_slot_set(mem_backend *m, mem_table *t, kiscrm_id id, uint32_t slot);
void mem_table_dispose(mem_table *t);
int mem_table_init(mem_table *t, const kiscrm_kind_def *k, const mem_strings *strs);
int mem_table_migrate(mem_table *t, const kiscrm_kind_def *k);
int mem_table_of(mem_table **out, kiscrm_backend *b, const kiscrm_kind_def *kind);
int mem_undo_reserve(mem_backend *m);
int mem_not_found(const kiscrm_kind_def *kind, kiscrm_id id);
/* The map entry of id (slot | MEM_LOGGED), 0 when the id has no page. */
static inline uint32_t mem_map_get(const mem_table *t, kiscrm_id id)
{
	size_t p;

	if (id <= 0)
		return 0;
	p = (size_t)id >> MEM_PAGE_BITS;
	if (p >= t->npages || !t->pages[p])
		return 0;
	return t->pages[p][(size_t)id & (MEM_PAGE_IDS - 1)];
}
/* The slot of the row of id, 0 if there is none. */
static inline uint32_t mem_slot_get(const mem_table *t, kiscrm_id id)
{
	return mem_map_get(t, id) & MEM_SLOT_MASK;
}
/* match.c: a query condition compiled against the columns */
typedef struct mem_pred {
	int field, op, how;
	int64_t i;      /* INT value, or the code of an interned TEXT value */
	double r;       /* RATE value */
	const char *s;  /* TEXT value compared as text */
} mem_pred;

void mem_preds_compile(mem_backend *m, const mem_table *t, const kiscrm_query *q, mem_pred *out);
void mem_preds_release(mem_backend *m, const mem_pred *p, int n);
/* The ways a condition is evaluated (match.c compiles them). Inline, like the row reader
 * below: every row of a scan goes through both, and as calls into other files they
 * could not be specialised to the scan's few conditions and fields. */
enum { P_NULL, P_INT, P_RATE, P_CODE, P_TEXT };

/* Whether the condition holds for the row of id in slot. */
static inline int mem_pred_match(const mem_table *t, const mem_pred *p, kiscrm_id id, uint32_t slot)
{
	int64_t v = id; /* the id is no column: it is never NULL */
	int has = p->field == 0 || mem_col_get(&t->cols[p->field], slot, &v);
	double d;

	if (p->how == P_NULL)
		return p->op == KISCRM_OP_EQ ? !has : (p->op == KISCRM_OP_NE ? has : 0);
	if (!has)
		return 0;
	switch (p->how) {
	case P_CODE:
		return kc_op_holds(p->op, v != p->i);
	case P_TEXT:
		if (p->op == KISCRM_OP_CONTAINS)
			return strstr(mem_str_text(t->strs, (uint32_t)v), p->s) != NULL;
		return kc_op_holds(p->op, strcmp(mem_str_text(t->strs, (uint32_t)v), p->s));
	case P_RATE:
		memcpy(&d, &v, sizeof(d));
		return kc_op_holds(p->op, (d > p->r) - (d < p->r));
	default:
		return kc_op_holds(p->op, (v > p->i) - (v < p->i));
	}
}

/* Whether the row of id in slot meets every condition. */
static inline int mem_preds_match(const mem_table *t, const mem_pred *p, int n, kiscrm_id id, uint32_t slot)
{
	for (int i = 0; i < n; i++)
		if (!mem_pred_match(t, &p[i], id, slot))
			return 0;
	return 1;
}

/* Materialises the wanted fields of the row of id in slot into out (NULL when absent). */
static inline void mem_row_load(const mem_table *t, kiscrm_id id, uint32_t slot, const int *fields, int n,
		  kiscrm_value *out)
{
	for (int k = 0; k < n; k++) {
		int i = fields[k];
		int64_t v;

		if (i == 0) {
			out[0].type = KISCRM_TYPE_INT;
			out[0].u.i = id;
		} else if (!mem_col_get(&t->cols[i], slot, &v)) {
			out[i].type = KISCRM_TYPE_NULL;
			out[i].u.i = 0;
		} else {
			out[i].type = t->types[i];
			if (t->types[i] == KISCRM_TYPE_TEXT)
				out[i].u.s = mem_str_text(t->strs, (uint32_t)v);
			else if (t->types[i] == KISCRM_TYPE_RATE)
				memcpy(&out[i].u.r, &v, sizeof(out[i].u.r));
			else
				out[i].u.i = v;
		}
	}
}

/* The first id >= from that has a row, with its slot in *slot; 0 when there is none.
 * Walks the map in id order, a page without rows at a time. */
static inline kiscrm_id mem_map_next(const mem_table *t, kiscrm_id from, uint32_t *slot)
{
	for (size_t id = from > 0 ? (size_t)from : 1; id >> MEM_PAGE_BITS < t->npages; id++) {
		const uint32_t *page = t->pages[id >> MEM_PAGE_BITS];

		if (!page) {
			id |= MEM_PAGE_IDS - 1;
			continue;
		}
		if ((*slot = page[id & (MEM_PAGE_IDS - 1)] & MEM_SLOT_MASK) != 0)
			return (kiscrm_id)id;
	}
	return 0;
}
/* block.c: a scan a block of rows at a time (read.c's read_all) */
#define MEM_BLOCK 64
size_t mem_block_fill(const mem_table *t, kiscrm_id *from, uint32_t *ids, uint32_t *slots, size_t max);
size_t mem_block_filter(const mem_table *t, const mem_pred *p, uint32_t *ids, uint32_t *slots, size_t n);
void mem_block_gather(const mem_table *t, int f, const uint32_t *ids, const uint32_t *slots, size_t n,
		      kiscrm_value *rows, size_t stride);
/* read.c */
int mem_count(kiscrm_backend *b, const kiscrm_kind_def *kind, const kiscrm_query *q, int64_t *out);
int mem_get(kiscrm_backend *b, const kiscrm_kind_def *kind, kiscrm_id id, kiscrm_row_cb cb,
	    void *payload);
int mem_scan(kiscrm_backend *b, const kiscrm_kind_def *kind, const kiscrm_query *q,
	     kiscrm_row_cb cb, void *payload);

#endif
