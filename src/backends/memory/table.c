/* Tables of the memory backend: the paged id map, the undo log of a transaction (first
 * change of each pre-existing row only), creation and schema migration. */
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

/* Makes the map entry of id addressable: its page, and the directory up to it. */
int mem_map_reserve(mem_table *t, kiscrm_id id)
{
	size_t p = (size_t)id >> MEM_PAGE_BITS;

	if (p >= t->npages) {
		size_t n = t->npages + t->npages / 2;
		uint32_t **pages;

		if (n <= p)
			n = p + 1;
		pages = realloc(t->pages, n * sizeof(*pages));
		if (!pages)
			return kc_error_oom();
		memset(pages + t->npages, 0, (n - t->npages) * sizeof(*pages));
		t->pages = pages;
		t->npages = n;
	}
	if (!t->pages[p] && !(t->pages[p] = calloc(MEM_PAGE_IDS, sizeof(uint32_t))))
		return kc_error_oom();
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

/* Puts a map entry at id (reserved), keeping the indexes in step; returns the previous. */
uint32_t mem_slot_swap(mem_table *t, kiscrm_id id, uint32_t entry)
{
	uint32_t *at = &t->pages[(size_t)id >> MEM_PAGE_BITS][(size_t)id & (MEM_PAGE_IDS - 1)];
	uint32_t prev = *at;

	ix_change(t, id, prev & MEM_SLOT_MASK, entry & MEM_SLOT_MASK);
	t->nrows += ((entry & MEM_SLOT_MASK) != 0) - ((prev & MEM_SLOT_MASK) != 0);
	*at = entry;
	t->gen++;
	return prev;
}

/* Points id at slot (0: removes the row); the previous slot goes to the undo log when
 * rollback needs it (the id existed before the transaction and this is its first change
 * in it, which MEM_LOGGED in the entry tells), else it is freed. */
void mem_slot_set(mem_backend *m, mem_table *t, kiscrm_id id, uint32_t slot)
{
	int before = m->in_tx && id < m->saved_next[t - m->tables];
	uint32_t prev = mem_slot_swap(t, id, slot | (before ? MEM_LOGGED : 0));

	if (before && !(prev & MEM_LOGGED)) {
		mem_undo *u = &m->undo[m->nundo++];

		u->table = (uint32_t)(t - m->tables);
		u->id = (uint32_t)id;
		u->prev = prev;
	} else if (prev & MEM_SLOT_MASK) {
		mem_row_release(m, t, prev & MEM_SLOT_MASK);
	}
}

void mem_table_dispose(mem_table *t)
{
	for (int i = 0; t->cols && i < t->nfields; i++)
		mem_col_free(&t->cols[i]);
	for (size_t p = 0; p < t->npages; p++)
		free(t->pages[p]);
	mem_table_drop_indexes(t);
	free(t->pages);
	free(t->cols);
	free(t->scratch);
	free(t->freebits);
	free(t->types);
	memset(t, 0, sizeof(*t));
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

/* Gives the table the fields of k: those it has keep their columns, new ones start
 * empty (every row NULL, no memory). */
static int table_fields(mem_table *t, const kiscrm_kind_def *k)
{
	int *types = realloc(t->types, (size_t)k->nfields * sizeof(*types));
	int64_t *scratch;
	mem_col *cols;

	if (!types)
		return kc_error_oom();
	t->types = types;
	if (!(scratch = realloc(t->scratch, (size_t)k->nfields * sizeof(*scratch))))
		return kc_error_oom();
	t->scratch = scratch;
	if (!(cols = realloc(t->cols, (size_t)k->nfields * sizeof(*cols))))
		return kc_error_oom();
	t->cols = cols;
	for (int i = t->nfields; i < k->nfields; i++) {
		memset(&cols[i], 0, sizeof(cols[i]));
		types[i] = k->fields[i].type;
	}
	t->nfields = k->nfields;
	return mem_table_plan_indexes(t, k);
}

int mem_table_init(mem_table *t, const kiscrm_kind_def *k, const mem_strings *strs)
{
	memset(t, 0, sizeof(*t));
	t->kind = k->kind;
	t->next_id = 1;
	t->nslots = 1; /* slot 0 means "no row" */
	t->strs = strs;
	return table_fields(t, k);
}

/* A kind opened again: same fields keep their rows; fields appended by a newer schema
 * are added as NULL columns. Fewer fields or changed types mean the data was written by
 * a different schema, which is refused. */
int mem_table_migrate(mem_table *t, const kiscrm_kind_def *k)
{
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
	return table_fields(t, k);
}

int mem_not_found(const kiscrm_kind_def *kind, kiscrm_id id)
{
	return kc_error_set(KISCRM_ENOTFOUND, "memory backend: no '%s' with id %lld",
			    kind->name ? kind->name : "?", (long long)id);
}
