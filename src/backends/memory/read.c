/* Reads of the memory backend: get, scan and count, through the rarest key of an
 * indexed equality condition when there is one, else over the id map. */
#include "backends/memory/memory_internal.h"
#include "core/error.h"

#include <stdlib.h>
#include <string.h>

/* ---- reads ------------------------------------------------------------------------ */

/* One get, scan or count: the compiled conditions, the buffer rows are materialised
 * into (on the stack for the usual kinds and queries; reads may nest, a callback reading
 * another kind, so it is never shared) and the fields the caller wants. */
typedef struct mem_read {
	mem_backend *m;
	mem_table *t;
	const kiscrm_query *q;  /* NULL: every row matches */
	kiscrm_row_cb cb;       /* NULL: count only */
	void *payload;
	int64_t count;
	mem_pred *preds;        /* q->ncond of them */
	kiscrm_value *vals;     /* nfields values; fields never loaded stay NULL */
	int *want_f, nwant_f;   /* fields loaded for the callback */
	kiscrm_value *block;    /* read_all's MEM_BLOCK rows of nfields values, or NULL */
	void *heap;
	kiscrm_value stack_vals[MEM_STACK_FIELDS];
	int stack_f[MEM_STACK_FIELDS];
	mem_pred stack_preds[MEM_STACK_PREDS];
} mem_read;

/* The fields a query wants (conditions' fields included, as callers may read them). */
static int field_wanted(const kiscrm_query *q, int i)
{
	if (!q || q->columns == 0 || i == 0 || i >= 64 || ((q->columns >> i) & 1))
		return 1;
	for (int c = 0; c < q->ncond; c++)
		if (q->conds[c].field == i)
			return 1;
	return 0;
}

static int read_init(mem_read *r, mem_backend *m, mem_table *t, const kiscrm_query *q,
		     kiscrm_row_cb cb, void *payload)
{
	int n = t->nfields, np = q ? q->ncond : 0;

	memset(r, 0, offsetof(mem_read, stack_vals));
	r->m = m;
	r->t = t;
	r->q = np > 0 ? q : NULL;
	r->cb = cb;
	r->payload = payload;
	if (n <= MEM_STACK_FIELDS && np <= MEM_STACK_PREDS) {
		r->vals = r->stack_vals;
		r->want_f = r->stack_f;
		r->preds = r->stack_preds;
	} else {
		r->heap = malloc((size_t)n * sizeof(kiscrm_value) + (size_t)np * sizeof(mem_pred) +
				 (size_t)n * sizeof(int));
		if (!r->heap)
			return kc_error_oom();
		r->vals = r->heap;
		r->preds = (mem_pred *)(r->vals + n);
		r->want_f = (int *)(r->preds + np);
	}
	for (int i = 0; i < n; i++) {
		r->vals[i].type = KISCRM_TYPE_NULL;
		r->vals[i].u.i = 0;
		if (cb && field_wanted(q, i))
			r->want_f[r->nwant_f++] = i;
	}
	if (r->q)
		mem_preds_compile(m, t, r->q, r->preds);
	return KISCRM_OK;
}

/* The rows of read_all's blocks, every field NULL until a wanted one is gathered. */
static int block_alloc(mem_read *r)
{
	size_t n = (size_t)MEM_BLOCK * (size_t)r->t->nfields;

	if (!(r->block = malloc(n * sizeof(kiscrm_value))))
		return kc_error_oom();
	for (size_t i = 0; i < n; i++) {
		r->block[i].type = KISCRM_TYPE_NULL;
		r->block[i].u.i = 0;
	}
	return KISCRM_OK;
}

static void read_done(mem_read *r)
{
	free(r->block);
	if (r->q)
		mem_preds_release(r->m, r->preds, r->q->ncond);
	free(r->heap);
}

/* Matches the row of id in slot on its columns and hands it to the callback (or counts
 * it): only the columns the conditions read, then the ones the caller wants, are read. */
static int read_visit(mem_read *r, kiscrm_id id, uint32_t slot)
{
	if (r->q && !mem_preds_match(r->t, r->preds, r->q->ncond, id, slot))
		return 0;
	if (!r->cb) {
		r->count++;
		return 0;
	}
	mem_row_load(r->t, id, slot, r->want_f, r->nwant_f, r->vals);
	return r->cb(r->payload, r->vals);
}

/* The rows of a block (ids and slots in id order) that meet the conditions, handed to the
 * callback one by one, or counted (block.c reads conditions and wanted fields column by
 * column for the whole block). A callback that writes the table (a change moves a row to
 * another slot, an insert may add pages) ends the block: *changed_after is then the id
 * of the row whose callback wrote, and the caller reads on after it afresh, so rows after
 * a write are never handed out as they were before it. */
static int visit_block(mem_read *r, uint32_t *ids, uint32_t *slots, size_t n, uint32_t *changed_after)
{
	mem_table *t = r->t;
	size_t stride = (size_t)t->nfields;
	int rc;

	*changed_after = 0;
	for (int c = 0; r->q && c < r->q->ncond && n; c++)
		n = mem_block_filter(t, &r->preds[c], ids, slots, n);
	if (!r->cb) {
		r->count += (int64_t)n;
		return 0;
	}
	if (n && !r->block && (rc = block_alloc(r)) != 0)
		return rc;
	for (int k = 0; k < r->nwant_f; k++)
		mem_block_gather(t, r->want_f[k], ids, slots, n, r->block, stride);
	for (size_t j = 0; j < n; j++) {
		uint64_t gen = t->gen;

		if ((rc = r->cb(r->payload, r->block + j * stride)) != 0)
			return rc;
		if (t->gen != gen) {
			*changed_after = ids[j];
			return 0;
		}
	}
	return 0;
}

/* Every row from id `from` on, in id order, a block at a time. */
static int read_all(mem_read *r, kiscrm_id from)
{
	uint32_t ids[MEM_BLOCK], slots[MEM_BLOCK], changed;
	size_t n;
	int rc;

	while ((n = mem_block_fill(r->t, &from, ids, slots, MEM_BLOCK)) != 0) {
		if ((rc = visit_block(r, ids, slots, n, &changed)) != 0)
			return rc;
		if (changed)
			from = (kiscrm_id)changed + 1;
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
		size_t b = (size_t)last + 1, w = b / 64, words = mem_bits_words(e);
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
		uint32_t ids[MEM_BLOCK], slots[MEM_BLOCK], changed;
		size_t n = 0;

		if (gen != t->gen) {
			if (x->state != IX_BUILT)
				return read_all(r, (kiscrm_id)last + 1);
			gen = t->gen;
			if (!(e = ix_find(x, key)))
				return 0;
			pos = e->cap && !(e->cap & IX_BITMAP) ? mem_ids_after(e->u.ids, e->n, last) : 0;
		}
		/* the next block of the list's ids that have a row */
		while (n < MEM_BLOCK && list_next(e, &pos, last, &id)) {
			last = id;
			if ((slots[n] = mem_slot_get(t, id)) != 0)
				ids[n++] = id;
		}
		if (n == 0)
			return 0;
		if ((rc = visit_block(r, ids, slots, n, &changed)) != 0)
			return rc;
		if (changed)
			last = changed; /* gen moved: the list is found again after it */
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
			uint32_t slot = mem_slot_get(t, cond->value.u.i);

			return slot ? read_visit(r, cond->value.u.i, slot) : 0;
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
		key = mem_value_key(&cond->value);
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

int mem_get(kiscrm_backend *b, const kiscrm_kind_def *kind, kiscrm_id id,
		   kiscrm_row_cb cb, void *payload)
{
	mem_table *t;
	uint32_t slot;
	mem_read r;
	int rc;

	if ((rc = mem_table_of(&t, b, kind)) < 0)
		return rc;
	if (!cb)
		return kc_error_set(KISCRM_EINVALID, "memory backend: get without a callback");
	slot = mem_slot_get(t, id);
	if (!slot)
		return mem_not_found(kind, id);
	if ((rc = read_init(&r, mem_of(b), t, NULL, cb, payload)) < 0)
		return rc;
	rc = read_visit(&r, id, slot);
	read_done(&r);
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
					    mem_field_name(kind, c->field));
		if (c->value.type != KISCRM_TYPE_NULL && c->value.type != t->types[c->field])
			return kc_error_set(KISCRM_EINVALID,
					    "memory backend: field '%s' is of type %d, compared with type %d",
					    mem_field_name(kind, c->field), t->types[c->field],
					    c->value.type);
		if (c->value.type == KISCRM_TYPE_TEXT && !c->value.u.s)
			return kc_error_set(KISCRM_EINVALID,
					    "memory backend: TEXT condition on '%s' has a NULL string",
					    mem_field_name(kind, c->field));
		if (c->op == KISCRM_OP_CONTAINS && t->types[c->field] != KISCRM_TYPE_TEXT)
			return kc_error_set(KISCRM_EINVALID,
					    "memory backend: CONTAINS on field '%s', which is not TEXT",
					    mem_field_name(kind, c->field));
	}
	return KISCRM_OK;
}

int mem_scan(kiscrm_backend *b, const kiscrm_kind_def *kind, const kiscrm_query *q,
		    kiscrm_row_cb cb, void *payload)
{
	mem_table *t;
	mem_read r;
	int rc;

	if ((rc = mem_table_of(&t, b, kind)) < 0)
		return rc;
	if (!cb)
		return kc_error_set(KISCRM_EINVALID, "memory backend: scan without a callback");
	if ((rc = check_query(t, kind, q)) < 0)
		return rc;
	if ((rc = read_init(&r, mem_of(b), t, q, cb, payload)) < 0)
		return rc;
	rc = read_run(&r);
	read_done(&r);
	return rc;
}

int mem_count(kiscrm_backend *b, const kiscrm_kind_def *kind, const kiscrm_query *q,
		     int64_t *out)
{
	mem_table *t;
	mem_read r;
	int rc;

	if ((rc = mem_table_of(&t, b, kind)) < 0)
		return rc;
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "memory backend: count without an output");
	if ((rc = check_query(t, kind, q)) < 0)
		return rc;
	if (!q || q->ncond == 0) {
		*out = t->nrows;
		return KISCRM_OK;
	}
	if ((rc = read_init(&r, mem_of(b), t, q, NULL, NULL)) < 0)
		return rc;
	rc = read_run(&r);
	read_done(&r);
	if (rc == 0)
		*out = r.count;
	return rc;
}
