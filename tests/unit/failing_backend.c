/* A backend wrapper for error-path tests (see failing_backend.h). Reads always pass
 * through; mutating calls (insert, update, remove, commit) are counted, and once the
 * countdown reaches zero they fail with KISCRM_ESTORAGE without reaching the inner
 * backend, as a full disk or an I/O error would. */
#include "failing_backend.h"

#include <stdio.h>
#include <stdlib.h>

typedef struct failing_backend {
	kiscrm_backend parent; /* first member */
	kiscrm_backend *inner;
	int remaining;         /* mutating calls still allowed; -1: unlimited */
	int calls;             /* mutating calls seen, failed ones included */
	int busy_begins;       /* begins still to fail with KISCRM_EBUSY */
	int busy_commits;      /* commits still to fail with KISCRM_EBUSY */
	int begins, commits;   /* calls seen, busy ones included */
	int by_id[KC_FB_KINDS], scans[KC_FB_KINDS], counts[KC_FB_KINDS]; /* reads, per kind */
} failing_backend;

static failing_backend *fb_of(kiscrm_backend *b)
{
	return (failing_backend *)b;
}

/* Counts a mutating call and says whether it may go through. */
static int fb_pass(kiscrm_backend *b, const char *what)
{
	failing_backend *f = fb_of(b);
	char msg[160];

	f->calls++;
	if (f->remaining < 0)
		return KISCRM_OK;
	if (f->remaining > 0) {
		f->remaining--;
		return KISCRM_OK;
	}
	snprintf(msg, sizeof(msg), "injected storage failure on %s (mutating call %d)", what,
		 f->calls);
	return kiscrm_backend_error(KISCRM_ESTORAGE, msg);
}

static int fb_open(kiscrm_backend *b, const kiscrm_schema *schema)
{
	kiscrm_backend *in = fb_of(b)->inner;
	return in->open(in, schema);
}

static int fb_begin(kiscrm_backend *b)
{
	failing_backend *f = fb_of(b);
	f->begins++;
	if (f->busy_begins > 0) {
		f->busy_begins--;
		return kiscrm_backend_error(KISCRM_EBUSY, "begin transaction: database is locked (injected)");
	}
	return f->inner->begin(f->inner);
}

static int fb_commit(kiscrm_backend *b)
{
	failing_backend *f = fb_of(b);
	kiscrm_backend *in = f->inner;
	f->commits++;
	if (f->busy_commits > 0) {
		f->busy_commits--;
		return kiscrm_backend_error(KISCRM_EBUSY, "commit: database is locked (injected)");
	}
	int rc = fb_pass(b, "commit");
	return rc < 0 ? rc : in->commit(in);
}

static int fb_rollback(kiscrm_backend *b)
{
	kiscrm_backend *in = fb_of(b)->inner;
	return in->rollback(in);
}

static int fb_insert(kiscrm_backend *b, const kiscrm_kind_def *kind, const kiscrm_value *row,
		     kiscrm_id *out_id)
{
	kiscrm_backend *in = fb_of(b)->inner;
	int rc = fb_pass(b, "insert");
	return rc < 0 ? rc : in->insert(in, kind, row, out_id);
}

static int fb_update(kiscrm_backend *b, const kiscrm_kind_def *kind, const kiscrm_value *row)
{
	kiscrm_backend *in = fb_of(b)->inner;
	int rc = fb_pass(b, "update");
	return rc < 0 ? rc : in->update(in, kind, row);
}

static int fb_remove(kiscrm_backend *b, const kiscrm_kind_def *kind, kiscrm_id id)
{
	kiscrm_backend *in = fb_of(b)->inner;
	int rc = fb_pass(b, "remove");
	return rc < 0 ? rc : in->remove(in, kind, id);
}

static int fb_get(kiscrm_backend *b, const kiscrm_kind_def *kind, kiscrm_id id,
		  kiscrm_row_cb cb, void *payload)
{
	kiscrm_backend *in = fb_of(b)->inner;
	return in->get(in, kind, id, cb, payload);
}

static int fb_scan(kiscrm_backend *b, const kiscrm_kind_def *kind, const kiscrm_query *q,
		   kiscrm_row_cb cb, void *payload)
{
	failing_backend *f = fb_of(b);
	if (kind->kind >= 0 && kind->kind < KC_FB_KINDS) {
		f->scans[kind->kind]++;
		f->by_id[kind->kind] += q && q->ncond > 0 && q->conds[0].field == 0 && q->conds[0].op == KISCRM_OP_EQ;
	}
	return f->inner->scan(f->inner, kind, q, cb, payload);
}

static int fb_count(kiscrm_backend *b, const kiscrm_kind_def *kind, const kiscrm_query *q,
		    int64_t *out)
{
	failing_backend *f = fb_of(b);
	if (kind->kind >= 0 && kind->kind < KC_FB_KINDS)
		f->counts[kind->kind]++;
	return f->inner->count(f->inner, kind, q, out);
}

static void fb_free(kiscrm_backend *b)
{
	if (!b)
		return;
	if (fb_of(b)->inner)
		fb_of(b)->inner->free(fb_of(b)->inner);
	free(b);
}

int kc_failing_backend_new(kiscrm_backend **out, kiscrm_backend *inner, int fail_after)
{
	failing_backend *f;
	int rc;

	if (!out || !inner)
		return kiscrm_backend_error(KISCRM_EINVALID,
					    "failing backend: out and inner must not be NULL");
	*out = NULL;
	f = calloc(1, sizeof(*f));
	if (!f)
		return kiscrm_backend_error(KISCRM_ENOMEM, "out of memory");
	if ((rc = kiscrm_backend_init(&f->parent, KISCRM_BACKEND_VERSION)) < 0) {
		free(f);
		return rc;
	}
	f->inner = inner;
	f->remaining = fail_after < 0 ? -1 : fail_after;
	f->parent.open = fb_open;
	f->parent.begin = fb_begin;
	f->parent.commit = fb_commit;
	f->parent.rollback = fb_rollback;
	f->parent.insert = fb_insert;
	f->parent.update = fb_update;
	f->parent.remove = fb_remove;
	f->parent.get = fb_get;
	f->parent.scan = fb_scan;
	/* the optional accelerator is offered only when the inner backend has it */
	if (inner->version >= 1 && inner->count)
		f->parent.count = fb_count;
	f->parent.free = fb_free;
	*out = &f->parent;
	return KISCRM_OK;
}

void kc_failing_backend_set(kiscrm_backend *b, int fail_after)
{
	if (b)
		fb_of(b)->remaining = fail_after < 0 ? -1 : fail_after;
}

int kc_failing_backend_calls(const kiscrm_backend *b)
{
	return b ? ((const failing_backend *)b)->calls : 0;
}

void kc_failing_backend_busy(kiscrm_backend *b, int begins, int commits)
{
	if (b) {
		fb_of(b)->busy_begins = begins;
		fb_of(b)->busy_commits = commits;
	}
}

int kc_failing_backend_begins(const kiscrm_backend *b)
{
	return b ? ((const failing_backend *)b)->begins : 0;
}

int kc_failing_backend_commits(const kiscrm_backend *b)
{
	return b ? ((const failing_backend *)b)->commits : 0;
}

int kc_failing_backend_reads(const kiscrm_backend *b, int kind, int *by_id, int *scans, int *counts)
{
	const failing_backend *f = (const failing_backend *)b;
	if (kind < 0 || kind >= KC_FB_KINDS)
		return -1;
	*by_id = f->by_id[kind];
	*scans = f->scans[kind];
	*counts = f->counts[kind];
	return 0;
}
