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
 * and the log owns the previous row until commit frees it or rollback puts it back.
 *
 * Files: slab.c (the allocator), row.c (packed rows), index.c (hash indexes), table.c
 * (slot vectors, the undo log, migration), read.c (get, scan, count); this file holds the
 * backend's write and transaction slots; memory_internal.h the types they share. */
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
			if ((rc = mem_table_migrate(m, &m->tables[t], k)) < 0)
				return rc;
			continue;
		}
		tables = realloc(m->tables, (size_t)(m->ntables + 1) * sizeof(*tables));
		if (!tables)
			return kc_error_oom();
		m->tables = tables;
		memset(&tables[m->ntables], 0, sizeof(tables[0]));
		tables[m->ntables].types = mem_copy_types(k);
		if (!tables[m->ntables].types)
			return kc_error_oom();
		tables[m->ntables].kind = k->kind;
		tables[m->ntables].nfields = k->nfields;
		tables[m->ntables].next_id = 1;
		m->ntables++;
		if ((rc = mem_table_plan_indexes(&tables[m->ntables - 1], k)) < 0)
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

		mem_row_free(m, t, m->undo[i].prev);
		if (t->slot[m->undo[i].id])
			mem_row_clear_logged(t->slot[m->undo[i].id], t->nfields);
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

		mem_row_free(m, t, mem_slot_swap(t, u->id, u->prev));
	}
	for (int i = 0; i < m->ntables && i < m->nsaved; i++) {
		mem_table *t = &m->tables[i];

		for (size_t id = (size_t)m->saved_next[i]; id < t->nslot && (kiscrm_id)id < t->next_id; id++)
			if (t->slot[id])
				mem_row_free(m, t, mem_slot_swap(t, (kiscrm_id)id, NULL));
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
	if ((rc = mem_slot_reserve(t, id)) < 0 || (rc = mem_undo_reserve(m)) < 0)
		return rc;
	copy = mem_row_pack(m, row, t->nfields, t->nfields);
	if (!copy)
		return kc_error_oom();
	copy[0].i = id;
	((unsigned char *)(copy + t->nfields))[0] |= 1u; /* the id is always present */
	if (id >= t->next_id)
		t->next_id = id + 1;
	mem_slot_set(m, t, id, copy);
	if (out_id)
		*out_id = id;
	return KISCRM_OK;
}

static int mem_update(kiscrm_backend *b, const kiscrm_kind_def *kind, const kiscrm_value *row)
{
	mem_backend *m = mem_of(b);
	mem_table *t;
	mem_slot *copy;
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
	if ((rc = mem_undo_reserve(m)) < 0)
		return rc;
	copy = mem_row_pack(m, row, t->nfields, t->nfields);
	if (!copy)
		return kc_error_oom();
	mem_slot_set(m, t, id, copy);
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
	mem_slot_set(m, t, id, NULL);
	return KISCRM_OK;
}

static void mem_free(kiscrm_backend *b)
{
	mem_backend *m = mem_of(b);

	if (!b)
		return;
	/* An open transaction is abandoned: its previous rows are freed, not restored. */
	for (size_t i = 0; i < m->nundo; i++)
		mem_row_free(m, &m->tables[m->undo[i].table], m->undo[i].prev);
	for (int i = 0; i < m->ntables; i++)
		mem_table_dispose(m, &m->tables[i]);
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

