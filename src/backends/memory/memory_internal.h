/* The in-memory backend's private types and the functions its files share (see memory.c
 * for the design). Nothing here is exported: the library is built with hidden visibility. */
#ifndef KC_BACKENDS_MEMORY_INTERNAL_H
#define KC_BACKENDS_MEMORY_INTERNAL_H

#include "kiscrm/sys/backend.h"

#include <stddef.h>
#include <stdint.h>

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

static inline mem_backend *mem_of(kiscrm_backend *b)
{
	return (mem_backend *)b;
}

/* slab.c */
void *slab_alloc(slab *s, size_t size);
void slab_dispose(slab *s);
void slab_free(slab *s, void *p, size_t size);
/* row.c */
void mem_row_clear_logged(mem_slot *row, int nfields);
void mem_row_free(mem_backend *m, const mem_table *t, mem_slot *row);
int mem_row_has(const mem_slot *row, int nfields, int field);
void mem_row_load(const mem_table *t, const mem_slot *row, const int *fields, int n,
		kiscrm_value *out);
void mem_row_load_all(const mem_table *t, const mem_slot *row, kiscrm_value *out);
int mem_row_logged(const mem_slot *row, int nfields);
void mem_row_mark_logged(mem_slot *row, int nfields);
mem_slot *mem_row_pack(mem_backend *m, const kiscrm_value *vals, int nvals, int nfields);
size_t mem_row_size(const int *types, int nfields, const mem_slot *row);
/* index.c */
size_t mem_bits_words(const ix_entry *e);
size_t mem_ids_after(const uint32_t *ids, size_t n, uint32_t after);
void ix_build(mem_table *t, mem_index *x);
void ix_change(mem_table *t, kiscrm_id id, const mem_slot *prev, const mem_slot *row);
const ix_entry *ix_find(const mem_index *x, uint64_t key);
void mem_table_drop_indexes(mem_table *t);
int mem_table_plan_indexes(mem_table *t, const kiscrm_kind_def *k);
uint64_t mem_value_key(const kiscrm_value *v);
/* table.c */
int mem_check_kind_def(const kiscrm_kind_def *k);
int mem_check_row(const mem_table *t, const kiscrm_kind_def *kind, const kiscrm_value *row);
int *mem_copy_types(const kiscrm_kind_def *k);
const char *mem_field_name(const kiscrm_kind_def *kind, int i);
int mem_find_table(const mem_backend *m, int kind);
mem_slot *mem_slot_get(const mem_table *t, kiscrm_id id);
int mem_slot_reserve(mem_table *t, kiscrm_id id);
void mem_slot_set(mem_backend *m, mem_table *t, kiscrm_id id, mem_slot *row);
mem_slot *mem_slot_swap(mem_table *t, kiscrm_id id, mem_slot *row);
void mem_table_dispose(mem_backend *m, mem_table *t);
int mem_table_migrate(mem_backend *m, mem_table *t, const kiscrm_kind_def *k);
int mem_table_of(mem_table **out, kiscrm_backend *b, const kiscrm_kind_def *kind);
int mem_undo_reserve(mem_backend *m);
int mem_not_found(const kiscrm_kind_def *kind, kiscrm_id id);
/* read.c */
int mem_count(kiscrm_backend *b, const kiscrm_kind_def *kind, const kiscrm_query *q, int64_t *out);
int mem_get(kiscrm_backend *b, const kiscrm_kind_def *kind, kiscrm_id id, kiscrm_row_cb cb,
		void *payload);
int mem_scan(kiscrm_backend *b, const kiscrm_kind_def *kind, const kiscrm_query *q,
		kiscrm_row_cb cb, void *payload);

#endif
