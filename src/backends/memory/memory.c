/* The in-memory backend: rows live in plain C memory until the backend is freed.
 *
 * Millions of rows must fit, so a table is stored by column, not by row. A row is a slot
 * number; each field is a column holding its value for every slot at the narrowest width
 * that has held all its values so far: 1, 2, 4 or 8 bytes, widened (re-packed in place)
 * when a value does not fit, never narrowed. Ids, day numbers, amounts in cents and
 * flags mostly fit in one to four bytes, and a field no row has set costs nothing. NULL
 * is the width's minimum (INT8_MIN …), at 8 bytes a bit of a bitmap (column.c).
 *
 * TEXT values are interned once for the whole backend with a reference count (strings.c),
 * and a TEXT column holds the string's code, an index that freed strings give back for
 * reuse: the stage, status or region keys repeated on every row cost one or two bytes a
 * row. The bytes live in a slab (slab.c) and never move, so reads lend them.
 *
 * Per kind an id map, paged so that a lone large id costs one page, gives each id's slot
 * (0: no row): get, update, remove and a query on `id = X` are two array accesses, and a
 * scan walks the map in ascending id order. The id itself is not stored: it is the key.
 *
 * A change never overwrites a slot: update stores the new row in a fresh slot (the
 * lowest free one) and moves the map entry; the old slot is freed, or, inside a
 * transaction, kept by the undo log. So rollback only moves map entries back and a scan
 * whose callback writes keeps reading consistent rows. Storing a row first interns its
 * strings, makes room and widens columns, and only then writes, so a failure (out of
 * memory) leaves the table unchanged.
 *
 * Reads test a query's conditions on the columns themselves (match.c: integers compared
 * as stored, text equality as string codes), so a row that does not match is never
 * materialised and a count materialises nothing. A scan reads a block of 64 rows at a
 * time (block.c): each condition is tested on the block's column, then each wanted field
 * is copied out for the rows left, into a buffer of the scan reused for every block —
 * no copy of strings and no allocation per row. A get materialises its row on the
 * stack.
 *
 * Fields flagged KISCRM_FIELD_INDEXED (INT, MONEY, DATE, TIME and TEXT) get a hash index,
 * built on the first query that can use it and kept in step by every change, including
 * rollback. An index maps a key (the integer, or a 64-bit hash of the text) to the ids
 * of its rows in ascending order: one id inline, a sorted array, or, when the key holds
 * so many rows that a bitmap over the id space is smaller, a bitmap. A scan or count
 * with an equality condition on an indexed field visits only the rows of the rarest such
 * key and checks the whole query on each (which also settles text hash collisions). An index is only an accelerator: when it cannot get memory it
 * is dropped and the queries on its field scan the table, never fail.
 *
 * Transactions keep an undo log: the first change of each id that existed at begin
 * records (table, id, slot at begin) and marks the map entry (MEM_LOGGED); commit frees
 * the logged slots, rollback puts them back and drops the ids first used since begin.
 *
 * Files: column.c (adaptive-width columns), strings.c (interned text), slab.c (the
 * allocator of string bytes), row.c (slots: store, load, free), index.c (hash indexes),
 * table.c (id map, undo log, migration), match.c (conditions on columns), read.c (get,
 * scan, count), block.c (a scan's blocks of rows); this file holds the backend's write
 * and transaction slots; memory_internal.h the types they share. */
#include "backends/memory/memory_internal.h"
#include "core/error.h"

#include <stdlib.h>
#include <string.h>

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
		if ((rc = mem_check_kind_def(schema->kinds[i])) < 0)
			return rc;
		for (int j = 0; j < i; j++)
			if (schema->kinds[j]->kind == schema->kinds[i]->kind)
				return kc_error_set(KISCRM_EINVALID,
						    "memory backend: kind %d appears twice in the schema",
						    schema->kinds[i]->kind);
	}
	for (int i = 0; i < schema->nkinds; i++) {
		const kiscrm_kind_def *k = schema->kinds[i];
		int t = mem_find_table(m, k->kind);
		mem_table *tables;

		if (t >= 0) {
			if ((rc = mem_table_migrate(&m->tables[t], k)) < 0)
				return rc;
			continue;
		}
		tables = realloc(m->tables, (size_t)(m->ntables + 1) * sizeof(*tables));
		if (!tables)
			return kc_error_oom();
		m->tables = tables;
		if ((rc = mem_table_init(&tables[m->ntables], k, &m->strs)) < 0) {
			mem_table_dispose(&tables[m->ntables]);
			return rc;
		}
		m->ntables++;
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
		mem_undo *u = &m->undo[i];
		mem_table *t = &m->tables[u->table];

		if (u->prev)
			mem_row_release(m, t, u->prev);
		t->pages[u->id >> MEM_PAGE_BITS][u->id & (MEM_PAGE_IDS - 1)] &= ~MEM_LOGGED;
	}
	m->nundo = 0;
	m->in_tx = 0;
	return KISCRM_OK;
}

/* Frees the slot the entry a swap returned pointed to, if any. */
static void release_entry(mem_backend *m, mem_table *t, uint32_t entry)
{
	if (entry & MEM_SLOT_MASK)
		mem_row_release(m, t, entry & MEM_SLOT_MASK);
}

static int mem_rollback(kiscrm_backend *b)
{
	mem_backend *m = mem_of(b);

	if (!b || !m->in_tx)
		return kc_error_set(KISCRM_EINVALID,
				    "memory backend: rollback without a transaction");
	/* Each logged id gets its slot at begin back (nothing is allocated on the way, so
	 * this cannot fail; an index that runs out of memory is dropped), then the ids first
	 * used by the transaction go. */
	for (size_t i = m->nundo; i-- > 0;) {
		mem_undo *u = &m->undo[i];
		mem_table *t = &m->tables[u->table];

		release_entry(m, t, mem_slot_swap(t, u->id, u->prev));
	}
	for (int i = 0; i < m->ntables && i < m->nsaved; i++) {
		mem_table *t = &m->tables[i];
		uint32_t slot;

		for (kiscrm_id id = m->saved_next[i];
		     (id = mem_map_next(t, id, &slot)) != 0 && id < t->next_id; id++)
			release_entry(m, t, mem_slot_swap(t, id, 0));
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
	uint32_t slot;
	kiscrm_id id;
	int rc;

	if ((rc = mem_table_of(&t, b, kind)) < 0)
		return rc;
	if (!row)
		return kc_error_set(KISCRM_EINVALID, "memory backend: insert into '%s' without a row",
				    kind->name ? kind->name : "?");
	if ((rc = mem_check_row(t, kind, row)) < 0)
		return rc;
	if (row[0].type == KISCRM_TYPE_NULL || row[0].u.i == 0) {
		id = t->next_id;
	} else {
		id = row[0].u.i;
		if (id < 0)
			return kc_error_set(KISCRM_EINVALID,
					    "memory backend: id %lld of '%s' is negative",
					    (long long)id, kind->name ? kind->name : "?");
		if (mem_slot_get(t, id))
			return kc_error_set(KISCRM_EEXISTS,
					    "memory backend: '%s' with id %lld already exists",
					    kind->name ? kind->name : "?", (long long)id);
	}
	if (id > MEM_ID_MAX)
		return kc_error_set(KISCRM_ENOTSUPPORTED,
				    "memory backend: id %lld of '%s' is above the largest id it stores (%lld)",
				    (long long)id, kind->name ? kind->name : "?",
				    (long long)MEM_ID_MAX);
	if ((rc = mem_map_reserve(t, id)) < 0 || (rc = mem_undo_reserve(m)) < 0 ||
	    (rc = mem_row_store(m, t, row, &slot)) < 0)
		return rc;
	if (id >= t->next_id)
		t->next_id = id + 1;
	mem_slot_set(m, t, id, slot);
	if (out_id)
		*out_id = id;
	return KISCRM_OK;
}

static int mem_update(kiscrm_backend *b, const kiscrm_kind_def *kind, const kiscrm_value *row)
{
	mem_backend *m = mem_of(b);
	mem_table *t;
	uint32_t slot;
	kiscrm_id id;
	int rc;

	if ((rc = mem_table_of(&t, b, kind)) < 0)
		return rc;
	if (!row)
		return kc_error_set(KISCRM_EINVALID, "memory backend: update of '%s' without a row",
				    kind->name ? kind->name : "?");
	if ((rc = mem_check_row(t, kind, row)) < 0)
		return rc;
	id = row[0].type == KISCRM_TYPE_INT ? row[0].u.i : 0;
	if (!mem_slot_get(t, id))
		return mem_not_found(kind, id);
	if ((rc = mem_undo_reserve(m)) < 0 || (rc = mem_row_store(m, t, row, &slot)) < 0)
		return rc;
	mem_slot_set(m, t, id, slot);
	return KISCRM_OK;
}

static int mem_remove(kiscrm_backend *b, const kiscrm_kind_def *kind, kiscrm_id id)
{
	mem_backend *m = mem_of(b);
	mem_table *t;
	int rc;

	if ((rc = mem_table_of(&t, b, kind)) < 0)
		return rc;
	if (!mem_slot_get(t, id))
		return mem_not_found(kind, id);
	if ((rc = mem_undo_reserve(m)) < 0)
		return rc;
	mem_slot_set(m, t, id, 0);
	return KISCRM_OK;
}

static void mem_free(kiscrm_backend *b)
{
	mem_backend *m = mem_of(b);

	if (!b)
		return;
	/* An open transaction is abandoned: everything goes, undo log and strings wholesale. */
	for (int i = 0; i < m->ntables; i++)
		mem_table_dispose(&m->tables[i]);
	mem_strings_dispose(&m->strs);
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
	m->strs.free_head = MEM_STR_NONE;
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

