/* Tables of the memory backend: the slot vector indexed by id, the undo log of a
 * transaction (first change of each pre-existing row only), schema migration. */
#include "backends/memory/memory_internal.h"
#include "core/error.h"

#include <stdlib.h>
#include <string.h>

/* ---- tables ----------------------------------------------------------------------- */

int mem_find_table(const mem_backend *m, int kind)
{
	for (int i = 0; i < m->ntables; i++)
		if (m->tables[i].kind == kind)
			return i;
	return -1;
}

/* Resolves the table of a call, checking that the caller's kind matches what was opened. */
int mem_table_of(mem_table **out, kiscrm_backend *b, const kiscrm_kind_def *kind)
{
	mem_backend *m = mem_of(b);
	int t;

	if (!b || !kind)
		return kc_error_set(KISCRM_EINVALID, "memory backend: NULL backend or kind");
	t = mem_find_table(m, kind->kind);
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

const char *mem_field_name(const kiscrm_kind_def *kind, int i)
{
	if (kind && kind->fields && i >= 0 && i < kind->nfields && kind->fields[i].name)
		return kind->fields[i].name;
	return "?";
}

/* Every value must be NULL or of its field's type; TEXT must have its string. */
int mem_check_row(const mem_table *t, const kiscrm_kind_def *kind, const kiscrm_value *row)
{
	for (int i = 0; i < t->nfields; i++) {
		const kiscrm_value *v = &row[i];

		if (v->type == KISCRM_TYPE_NULL)
			continue;
		if (v->type != t->types[i])
			return kc_error_set(KISCRM_EINVALID,
					    "memory backend: field '%s' of '%s' is of type %d, got a value of type %d",
					    mem_field_name(kind, i), kind->name ? kind->name : "?",
					    t->types[i], v->type);
		if (v->type == KISCRM_TYPE_TEXT && !v->u.s)
			return kc_error_set(KISCRM_EINVALID,
					    "memory backend: TEXT field '%s' has a NULL string",
					    mem_field_name(kind, i));
	}
	return KISCRM_OK;
}

mem_slot *mem_slot_get(const mem_table *t, kiscrm_id id)
{
	if (id <= 0 || (uint64_t)id >= t->nslot)
		return NULL;
	return t->slot[id];
}

/* Makes slot[id] addressable, growing by half so sequential inserts stay amortised O(1)
 * while the unused tail stays small. */
int mem_slot_reserve(mem_table *t, kiscrm_id id)
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
int mem_undo_reserve(mem_backend *m)
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
mem_slot *mem_slot_swap(mem_table *t, kiscrm_id id, mem_slot *row)
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
	return !cur || !mem_row_logged(cur, t->nfields);
}

/* Stores row (or NULL) at id; the previous row goes to the undo log or is freed. */
void mem_slot_set(mem_backend *m, mem_table *t, kiscrm_id id, mem_slot *row)
{
	int log = undo_needed(m, t, id);
	mem_slot *prev;

	if (m->in_tx && row && id < m->saved_next[t - m->tables])
		mem_row_mark_logged(row, t->nfields);
	prev = mem_slot_swap(t, id, row);
	if (log) {
		mem_undo *u = &m->undo[m->nundo++];

		u->table = (uint32_t)(t - m->tables);
		u->id = (uint32_t)id;
		u->prev = prev;
	} else {
		mem_row_free(m, t, prev);
	}
}

/* Row blocks in the slab go with its chunks; only the large malloc'd ones need a free. */
void mem_table_dispose(mem_backend *m, mem_table *t)
{
	for (size_t i = 0; i < t->nslot; i++)
		mem_row_free(m, t, t->slot[i]);
	mem_table_drop_indexes(t);
	free(t->slot);
	free(t->types);
	t->slot = NULL;
	t->types = NULL;
	t->nslot = 0;
}

int mem_check_kind_def(const kiscrm_kind_def *k)
{
	if (!k || k->nfields < 1 || !k->fields)
		return kc_error_set(KISCRM_EINVALID, "memory backend: schema kind '%s' has no fields",
				    k && k->name ? k->name : "?");
	if (k->fields[0].type != KISCRM_TYPE_INT)
		return kc_error_set(KISCRM_EINVALID,
				    "memory backend: field 0 ('%s') of kind '%s' must be the INT id",
				    mem_field_name(k, 0), k->name ? k->name : "?");
	return KISCRM_OK;
}

int *mem_copy_types(const kiscrm_kind_def *k)
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
int mem_table_migrate(mem_backend *m, mem_table *t, const kiscrm_kind_def *k)
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
					    mem_field_name(k, i), k->name ? k->name : "?", t->types[i],
					    k->fields[i].type);
	if (k->nfields == t->nfields)
		return mem_table_plan_indexes(t, k);
	types = mem_copy_types(k);
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
		mem_row_load_all(t, t->slot[id], vals);
		if (!(wide[id] = mem_row_pack(m, vals, t->nfields, k->nfields))) {
			for (size_t j = 0; j < id; j++)
				if (wide[j])
					slab_free(&m->rows, wide[j], mem_row_size(types, k->nfields, wide[j]));
			free(wide);
			free(vals);
			free(types);
			return kc_error_oom();
		}
	}
	for (size_t id = 0; id < t->nslot; id++) {
		if (!t->slot[id])
			continue;
		mem_row_free(m, t, t->slot[id]);
		t->slot[id] = wide[id];
	}
	free(wide);
	free(vals);
	free(t->types);
	t->types = types;
	t->nfields = k->nfields;
	return mem_table_plan_indexes(t, k);
}

int mem_not_found(const kiscrm_kind_def *kind, kiscrm_id id)
{
	return kc_error_set(KISCRM_ENOTFOUND, "memory backend: no '%s' with id %lld",
			    kind->name ? kind->name : "?", (long long)id);
}
