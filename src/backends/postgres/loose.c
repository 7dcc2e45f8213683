/* Distinct values of a kind's grouped fields (KISCRM_FIELD_GROUPED) by a loose index scan.
 *
 * PostgreSQL answers SELECT DISTINCT by reading every row (version 15 has no skip scan):
 * for an opportunity's pipeline and stage, 38 ms at 100,000 opportunities, a third of
 * the sufficiency report, which asks for them to check that every stage is configured
 * (outside_config.c). The backend keeps an index over the grouped fields in field order
 * (schema.c) and walks it instead: the first value of the leading field, then the first
 * one above it, and so on, each one index probe ("ORDER BY f LIMIT 1"); under each value
 * the same for the next field. A probe per distinct combination and per NULL check, of
 * ~0.1 ms each, whatever the number of rows.
 *
 * NULL sorts after every value in the index, where "f > v" never reaches, so whether a
 * field is NULL under a prefix is asked apart ("f IS NULL"). The walk runs inside the
 * caller's transaction like any query: it sees the snapshot the report's scans see. */
#include "pg_internal.h"

#include <stdlib.h>
#include <string.h>

/* Only the first 64 fields can be wanted by a query (kiscrm_query.columns); only they
 * count as grouped (pg_internal.h). */
#define WANTABLE 64

int pg_grouped_fields(const kiscrm_kind_def *k, int *fields)
{
	int n = 0;
	for (int i = 1; i < k->nfields && i < WANTABLE; i++)
		if (k->fields[i].flags & KISCRM_FIELD_GROUPED) {
			if (fields)
				fields[n] = i;
			n++;
		}
	return n;
}

typedef struct loose {
	pg_backend *be;
	const kiscrm_kind_def *kind;
	int fields[WANTABLE];        /* the grouped fields, leading first */
	int depth;                   /* how many of them are wanted */
	kiscrm_cond conds[WANTABLE]; /* conds[l]: what field l is on the way down */
	kiscrm_row_cb cb;
	void *payload;
	kiscrm_value *row;  /* the row handed to cb: the wanted fields, the rest NULL */
	int field;          /* the field a probe reads */
	kiscrm_value found; /* its value in the probe's row (NULL: none) */
} loose;

static int found_cb(void *payload, const kiscrm_value *row)
{
	loose *w = payload;
	w->found = row[w->field];
	return 0;
}

/* The first row under conditions 0..@l in the order of field l: its value of field l in
 * w->found, pointing into *res (the caller clears it, also on failure). */
static int probe(loose *w, int l, PGresult **res)
{
	const kiscrm_kind_def *k = w->kind;
	kiscrm_query q = { l + 1, w->conds, UINT64_C(1) << w->fields[l] };
	w->field = w->fields[l];
	w->found.type = KISCRM_TYPE_NULL;
	int rc = pg_run_query(w->be, &k, &q, PG_FIRST, res);
	return rc ? rc : pg_each_row(*res, 1, w->kind, found_cb, w);
}

static int level(loose *w, int l);

/* Goes on under the value conds[l] holds: the next wanted field, or the row. */
static int below(loose *w, int l)
{
	if (l + 1 < w->depth)
		return level(w, l + 1);
	for (int i = 0; i < w->depth; i++)
		w->row[w->fields[i]] = w->conds[i].value;
	return w->cb(w->payload, w->row);
}

/* Every value of field @l under the values conds[0..l-1] hold, then NULL if present. */
static int level(loose *w, int l)
{
	kiscrm_cond *c = &w->conds[l];
	PGresult *res = NULL;
	memset(c, 0, sizeof(*c));
	c->field = w->fields[l];
	c->op = KISCRM_OP_NE; /* with a NULL value: IS NOT NULL */
	int rc = probe(w, l, &res);
	while (!rc && w->found.type != KISCRM_TYPE_NULL) {
		c->op = KISCRM_OP_EQ;
		c->value = w->found; /* valid while res is */
		if ((rc = below(w, l)) != 0)
			break;
		c->op = KISCRM_OP_GT;
		PGresult *next = NULL;
		rc = probe(w, l, &next);
		PQclear(res);
		res = next;
	}
	PQclear(res);
	if (rc)
		return rc;
	c->op = KISCRM_OP_EQ;
	c->value.type = KISCRM_TYPE_NULL; /* IS NULL */
	res = NULL;
	rc = probe(w, l, &res);
	int any = !rc && PQntuples(res) > 0;
	PQclear(res);
	return rc ? rc : any ? below(w, l) : KISCRM_OK;
}

int pg_distinct_loose(pg_backend *be, const kiscrm_kind_def *kind, const kiscrm_query *q,
		      kiscrm_row_cb cb, void *payload, int *done)
{
	loose w;
	*done = 0;
	memset(&w, 0, sizeof(w));
	int n = pg_grouped_fields(kind, w.fields);
	uint64_t want = q->columns & ~UINT64_C(1), lead = 0;
	while (w.depth < n && lead != want)
		lead |= UINT64_C(1) << w.fields[w.depth++];
	/* only the leading grouped fields of an unconditioned query follow the index */
	if (q->ncond != 0 || want == 0 || lead != want)
		return KISCRM_OK;
	if (!(w.row = calloc((size_t)kind->nfields, sizeof(*w.row))))
		return kc_error_oom();
	w.be = be;
	w.kind = kind;
	w.cb = cb;
	w.payload = payload;
	*done = 1;
	be->walks++;
	int rc = level(&w, 0);
	free(w.row);
	return rc;
}
