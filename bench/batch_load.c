/* The opportunities and their history through the API's batch entry point,
 * kiscrm_record_insert_columns(): the load an importer (or Python's insert_many) makes,
 * BATCH rows a call, each row checked and derived as kiscrm_record_insert() would. */
#include "bench.h"
#include "batch_load.h"

#include <kiscrm/errors.h>
#include <kiscrm/pipeline.h>
#include <kiscrm/record.h>

#include <stdlib.h>

#define BATCH 1024

typedef struct {
	size_t n;
	const char *name[BATCH], *bl[BATCH], *pl[BATCH], *pipeline[BATCH], *stage[BATCH], *source[BATCH];
	const char *from[BATCH], *to[BATCH];
	int64_t id[BATCH], customer[BATCH], owner[BATCH], dept[BATCH], amount[BATCH];
	int64_t expected[BATCH], created[BATCH], closed[BATCH], at[BATCH], by[BATCH];
	unsigned char no_close[BATCH], no_by[BATCH];
	opp_t opp[BATCH]; /* the names point into these */
} batch;

static void store(kiscrm_db *db, kiscrm_kind kind, const kiscrm_column *cols, size_t ncols, batch *b)
{
	size_t stored = 0;
	if (b->n && kiscrm_record_insert_columns(db, kind, cols, ncols, b->n, KISCRM_INSERT_RAW, &stored) < 0)
		die("inserting a batch of %s failed after %zu rows: %s", kiscrm_kind_name(kind), stored,
		    kiscrm_error_last()->message);
	b->n = 0;
}

static void flush_opps(kiscrm_db *db, batch *b)
{
	const kiscrm_column cols[] = {
		{ .field = KISCRM_OPPORTUNITY_NAME, .texts = b->name },
		{ .field = KISCRM_OPPORTUNITY_CUSTOMER_ID, .ints = b->customer },
		{ .field = KISCRM_OPPORTUNITY_OWNER_ID, .ints = b->owner },
		{ .field = KISCRM_OPPORTUNITY_DEPARTMENT_ID, .ints = b->dept },
		{ .field = KISCRM_OPPORTUNITY_BUSINESS_LINE, .texts = b->bl },
		{ .field = KISCRM_OPPORTUNITY_PRODUCT_LINE, .texts = b->pl },
		{ .field = KISCRM_OPPORTUNITY_AMOUNT, .ints = b->amount },
		{ .field = KISCRM_OPPORTUNITY_EXPECTED_CLOSE, .ints = b->expected },
		{ .field = KISCRM_OPPORTUNITY_PIPELINE, .texts = b->pipeline },
		{ .field = KISCRM_OPPORTUNITY_STAGE, .texts = b->stage },
		{ .field = KISCRM_OPPORTUNITY_SOURCE, .texts = b->source },
		{ .field = KISCRM_OPPORTUNITY_CREATED, .ints = b->created },
		{ .field = KISCRM_OPPORTUNITY_CLOSED, .ints = b->closed, .nulls = b->no_close },
	};
	store(db, KISCRM_KIND_OPPORTUNITY, cols, sizeof(cols) / sizeof(cols[0]), b);
}

void batch_opportunities(kiscrm_db *db, const params *p, const stages *st)
{
	batch *b = calloc(1, sizeof(*b));
	if (!b)
		die("out of memory");
	for (long i = 0; i < p->n; i++) {
		size_t r = b->n++;
		opp_t *o = &b->opp[r];
		gen_opp(p, st, i, o);
		b->name[r] = o->name;
		b->customer[r] = o->customer;
		b->owner[r] = o->owner;
		b->dept[r] = o->dept;
		b->bl[r] = business_lines[o->bl];
		b->pl[r] = product_lines[o->pl];
		b->amount[r] = o->amount;
		b->expected[r] = o->expected;
		b->pipeline[r] = st->pipeline;
		b->stage[r] = st->key[o->final];
		b->source[r] = sources[o->src];
		b->created[r] = o->created;
		b->no_close[r] = o->closed == KISCRM_DATE_NONE;
		b->closed[r] = b->no_close[r] ? 0 : o->closed;
		if (b->n == BATCH)
			flush_opps(db, b);
	}
	flush_opps(db, b);
	free(b);
}

static void flush_history(kiscrm_db *db, batch *b)
{
	const kiscrm_column cols[] = {
		{ .field = KISCRM_STAGE_HISTORY_OPPORTUNITY_ID, .ints = b->id },
		{ .field = KISCRM_STAGE_HISTORY_FROM_STAGE, .texts = b->from },
		{ .field = KISCRM_STAGE_HISTORY_BY_ID, .ints = b->by, .nulls = b->no_by },
		{ .field = KISCRM_STAGE_HISTORY_TO_STAGE, .texts = b->to },
		{ .field = KISCRM_STAGE_HISTORY_AT, .ints = b->at },
		{ .field = KISCRM_STAGE_HISTORY_AMOUNT, .ints = b->amount },
		{ .field = KISCRM_STAGE_HISTORY_PIPELINE, .texts = b->pipeline },
	};
	store(db, KISCRM_KIND_STAGE_HISTORY, cols, sizeof(cols) / sizeof(cols[0]), b);
}

void batch_history(kiscrm_db *db, const params *p, const stages *st)
{
	batch *b = calloc(1, sizeof(*b));
	opp_t o;
	if (!b)
		die("out of memory");
	for (long i = 0; i < p->n; i++) {
		gen_opp(p, st, i, &o);
		for (int k = 0; k < 4; k++) {
			size_t r = b->n++;
			b->id[r] = o.id;
			b->from[r] = k ? st->key[o.path[k - 1]] : NULL; /* NULL: no previous stage */
			b->no_by[r] = k == 0;
			b->by[r] = k ? o.owner : 0;
			b->to[r] = st->key[o.path[k]];
			b->at[r] = o.at[k];
			b->amount[r] = o.amount;
			b->pipeline[r] = st->pipeline;
			if (b->n == BATCH)
				flush_history(db, b);
		}
	}
	flush_history(db, b);
	free(b);
}
