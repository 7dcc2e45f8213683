/* The presales reports: presales-queue (the open requests ranked by weight, with the
 * engineer's open load) and presales-projects (售前支持项目总表: the requests asked for in
 * the window, by engineer and stage checkpoint, with a sub-total per engineer). */
#include "presales/queue.h"
#include "analytics/report.h"
#include "core/error.h"
#include "core/sort.h"

#include <stdlib.h>
#include <string.h>

static int accepted(kc_report *r, const kc_presales_item *it)
{
	kc_dims d = { 0 };
	d.owner_id = it->engineer;
	d.customer_id = it->customer;
	return kc_report_staff_department(r, it->engineer, &d.department_id) == 0 && kc_report_accept(r, &d);
}

static int common_cells(kiscrm_table *t, size_t row, kc_report *r, const kc_presales_item *it, size_t col)
{
	int rc;
	if ((rc = kc_cell_int(t, row, col, it->id)) || (rc = kc_cell_int(t, row, col + 1, it->opportunity)) ||
	    (it->opportunity_name && (rc = kc_cell_text(t, row, col + 2, it->opportunity_name))) ||
	    (rc = kc_cell_text(t, row, col + 3, it->help)) || (it->stage && (rc = kc_cell_text(t, row, col + 4, it->stage))) ||
	    (it->urgency && (rc = kc_cell_text(t, row, col + 5, it->urgency))) ||
	    (rc = kc_cell_int(t, row, col + 6, it->amount)) || (rc = kc_cell_rate(t, row, col + 7, (double)it->weight / 10000.0)) ||
	    (rc = kc_cell_text(t, row, col + 8, it->status)))
		return rc;
	if (!it->engineer)
		return KISCRM_OK;
	return kc_cell_text(t, row, col + 9, kc_report_staff_name(r, it->engineer));
}

int kiscrm_report_presales_queue(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts)
{
	static const char *const cols[] = { "rank:int", "request_id:int", "opportunity_id:int", "opportunity:text",
					    "help:text", "stage:text", "urgency:text", "amount:money", "weight:rate",
					    "status:text", "engineer:text", "engineer_load:int", NULL };
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_report_presales_queue: out pointer is NULL");
	*out = NULL;
	kc_report r;
	int rc = kc_report_begin(&r, db, opts);
	if (rc)
		return rc;
	kc_presales q;
	kiscrm_table *t = NULL;
	int64_t rank = 0;
	if ((rc = kc_presales_load(&q, db)) == 0)
		rc = kc_report_listing(&r, &t, "presales-queue", cols);
	for (size_t i = 0; rc == 0 && i < q.n; i++) {
		const kc_presales_item *it = &q.items[i];
		size_t row;
		if (!it->open || !accepted(&r, it))
			continue;
		if ((rc = kc_add_row(t, KISCRM_ROW_DETAIL, &row)) || (rc = kc_cell_int(t, row, 0, ++rank)) ||
		    (rc = common_cells(t, row, &r, it, 1)))
			break;
		if (it->engineer)
			rc = kc_cell_int(t, row, 11, kc_presales_load_of(&q, it->engineer));
	}
	kc_presales_free(&q);
	return kc_report_finish(out, t, &r, rc);
}

/* presales-projects: by engineer (unassigned last), then the request's rank. */
static int by_engineer(const void *x, const void *y, void *ctx)
{
	const kc_presales *q = ctx;
	const kc_presales_item *a = &q->items[*(const size_t *)x], *b = &q->items[*(const size_t *)y];
	if (a->engineer != b->engineer)
		return (uint64_t)(a->engineer - 1) < (uint64_t)(b->engineer - 1) ? -1 : 1; /* 0 (none) last */
	return *(const size_t *)x < *(const size_t *)y ? -1 : 1;
}

typedef struct tally {
	int64_t requests, open, done, confirmed;
} tally;

static void count(tally *t, const kc_presales_item *it)
{
	t->requests++;
	t->open += it->open;
	t->done += strcmp(it->status, "done") == 0;
	t->confirmed += strcmp(it->status, "confirmed") == 0;
}

static int tally_row(kiscrm_table *t, kiscrm_row_kind kind, const tally *x, const char *engineer)
{
	size_t row;
	int rc;
	if ((rc = kc_add_row(t, kind, &row)) || (engineer && (rc = kc_cell_text(t, row, 9, engineer))) ||
	    (rc = kc_cell_int(t, row, 10, x->requests)) || (rc = kc_cell_int(t, row, 11, x->open)) ||
	    (rc = kc_cell_int(t, row, 12, x->done)))
		return rc;
	return kc_cell_int(t, row, 13, x->confirmed);
}

int kiscrm_report_presales_projects(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts)
{
	static const char *const cols[] = { "request_id:int", "opportunity_id:int", "opportunity:text", "help:text",
					    "stage:text", "urgency:text", "amount:money", "weight:rate", "status:text",
					    "engineer:text", "requests:int", "open:int", "done:int", "confirmed:int", NULL };
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_report_presales_projects: out pointer is NULL");
	*out = NULL;
	kc_report r;
	int rc = kc_report_begin(&r, db, opts);
	if (rc)
		return rc;
	kc_presales q;
	kiscrm_table *t = NULL;
	size_t *order = NULL, n = 0;
	tally group = { 0, 0, 0, 0 }, total = { 0, 0, 0, 0 };
	if ((rc = kc_presales_load(&q, db)) == 0 && !(order = malloc((q.n ? q.n : 1) * sizeof(*order))))
		rc = kc_error_oom();
	for (size_t i = 0; rc == 0 && i < q.n; i++)
		if (kc_report_in_window(&r, q.items[i].requested) && accepted(&r, &q.items[i]))
			order[n++] = i;
	if (rc == 0 && (rc = kc_sort_ctx(order, n, sizeof(*order), by_engineer, &q)) == 0)
		rc = kc_report_listing(&r, &t, "presales-projects", cols);
	for (size_t k = 0; rc == 0 && k < n; k++) {
		const kc_presales_item *it = &q.items[order[k]];
		size_t row;
		if ((rc = kc_add_row(t, KISCRM_ROW_DETAIL, &row)) || (rc = common_cells(t, row, &r, it, 0)))
			break;
		count(&group, it);
		count(&total, it);
		if (k + 1 < n && q.items[order[k + 1]].engineer == it->engineer)
			continue;
		rc = tally_row(t, KISCRM_ROW_SUBTOTAL, &group, it->engineer ? kc_report_staff_name(&r, it->engineer) : NULL);
		memset(&group, 0, sizeof(group));
	}
	if (rc == 0)
		rc = tally_row(t, KISCRM_ROW_TOTAL, &total, NULL);
	free(order);
	kc_presales_free(&q);
	return kc_report_finish(out, t, &r, rc);
}
