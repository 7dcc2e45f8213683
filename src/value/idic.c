/* The IDIC lists of the CRM report (identify, differentiate, interact, customise) over a
 * window, from the value engine:
 *   gold                class A customers;
 *   cost_exceeds_value  the cost to serve exceeds contract and service revenue;
 *   lapsed_large        among the `lapsed_top` largest customers of the twelve months
 *                       before the window, those that signed nothing in it;
 *   cross_sell          customers with contracts in the window covering at most
 *                       `cross_sell_max_lines` product lines.
 * Customers who complained repeatedly come with service requests: a list producer is
 * added to the table below, nothing else changes. */
#include "value/value_internal.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/sort.h"
#include "core/sum.h"
#include "kiscrm/money.h"

#include <stdlib.h>
#include <string.h>

typedef struct idic_row {
	size_t customer;     /* index into kc_value.cust */
	kiscrm_money figure;
} idic_row;

typedef int (*list_fn)(kc_value *v, size_t i, kiscrm_money *figure); /* 1: on the list */

static int on_gold(kc_value *v, size_t i, kiscrm_money *figure)
{
	*figure = v->cust[i].score;
	return v->cust[i].cls == 'A';
}

static int on_cost(kc_value *v, size_t i, kiscrm_money *figure)
{
	const kc_value_customer *c = &v->cust[i];
	*figure = c->cost - c->contract - c->service; /* sums of amounts ≥ 0: cannot overflow */
	return c->cost > 0 && *figure > 0;
}

static int desc(const void *x, const void *y)
{
	kiscrm_money a = *(const kiscrm_money *)x, b = *(const kiscrm_money *)y;
	return (a < b) - (a > b);
}

/* The smallest previous-year revenue still among the `lapsed_top` largest (ties at the
 * edge are in), into v->lapsed_min; above any amount when nobody bought last year. */
static int lapsed_floor(kc_value *v)
{
	size_t n = 0;
	kiscrm_money *prev = malloc((v->ncust ? v->ncust : 1) * sizeof(*prev));
	if (!prev)
		return kc_error_oom();
	for (size_t i = 0; i < v->ncust; i++)
		if (v->cust[i].previous > 0)
			prev[n++] = v->cust[i].previous;
	kc_sort(prev, n, sizeof(*prev), desc);
	size_t top = (size_t)v->cfg->lapsed_top;
	v->lapsed_min = n ? prev[(n < top ? n : top) - 1] : KISCRM_MONEY_MAX + 1;
	free(prev);
	return KISCRM_OK;
}

static int on_lapsed(kc_value *v, size_t i, kiscrm_money *figure)
{
	const kc_value_customer *c = &v->cust[i];
	*figure = c->previous;
	return c->previous > 0 && c->previous >= v->lapsed_min && c->contract == 0 && c->service == 0;
}

static int on_cross_sell(kc_value *v, size_t i, kiscrm_money *figure)
{
	const kc_value_customer *c = &v->cust[i];
	*figure = c->contract + c->service;
	return *figure > 0 && c->nlines <= v->cfg->cross_sell_max_lines;
}

static const struct {
	const char *key, *zh, *en;
	list_fn on;
} lists[] = {
	{ "gold", "黄金客户", "Gold customers", on_gold },
	{ "cost_exceeds_value", "服务成本高于贡献", "Cost more than they bring", on_cost },
	{ "lapsed_large", "去年大客户今年未购买", "Last year's largest, nothing this year", on_lapsed },
	{ "cross_sell", "交叉销售机会", "Cross-sell: one or two product lines", on_cross_sell },
};

static int by_figure(const void *x, const void *y, void *ctx)
{
	const kc_value *v = ctx;
	const idic_row *a = x, *b = y;
	if (a->figure != b->figure)
		return a->figure > b->figure ? -1 : 1;
	kiscrm_id ia = v->cust[a->customer].id, ib = v->cust[b->customer].id;
	return (ia > ib) - (ia < ib);
}

static int lines_note(const kc_value_customer *c, kiscrm_buf *b)
{
	b->size = 0;
	if (b->ptr)
		b->ptr[0] = '\0';
	int rc = 0;
	for (int k = 0; rc == 0 && k < c->nlines && k < 8; k++)
		if ((rc = kc_buf_puts(b, k ? "," : "")) == 0)
			rc = kc_buf_puts(b, c->lines[k]);
	return rc;
}

int kiscrm_report_idic(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts)
{
	static const char *const cols[] = {
		"list:text", "list_name:text", "customer_id:int", "customer:text", "figure:money", "class:text",
		"product_lines:text", NULL,
	};
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_report_idic: out pointer is NULL");
	*out = NULL;
	kc_value v;
	kiscrm_table *t = NULL;
	idic_row *rows = NULL;
	kiscrm_buf note = KISCRM_BUF_INIT;
	int rc = kc_value_run(&v, db, opts);
	int zh = v.r.o.lang && strcmp(v.r.o.lang, "zh") == 0;
	if (rc == 0)
		rc = kc_report_listing(&v.r, &t, "idic", cols);
	if (rc == 0 && !(rows = malloc((v.ncust ? v.ncust : 1) * sizeof(*rows))))
		rc = kc_error_oom();
	if (rc == 0)
		rc = lapsed_floor(&v);
	for (size_t l = 0; rc == 0 && l < sizeof(lists) / sizeof(lists[0]); l++) {
		size_t n = 0;
		for (size_t i = 0; i < v.ncust; i++) {
			kiscrm_money figure = 0;
			if (v.cust[i].accepted && lists[l].on(&v, i, &figure))
				rows[n++] = (idic_row){ i, figure };
		}
		if ((rc = kc_sort_ctx(rows, n, sizeof(*rows), by_figure, &v)) != 0)
			break;
		for (size_t k = 0; rc == 0 && k < n; k++) {
			const kc_value_customer *c = &v.cust[rows[k].customer];
			char cls[2] = { c->cls, '\0' };
			size_t row;
			if ((rc = kc_add_row(t, KISCRM_ROW_DETAIL, &row)) != 0)
				break;
			if ((rc = kc_cell_text(t, row, 0, lists[l].key)) ||
			    (rc = kc_cell_text(t, row, 1, zh ? lists[l].zh : lists[l].en)) ||
			    (rc = kc_cell_int(t, row, 2, c->id)) || (rc = kc_cell_text(t, row, 3, c->name)) ||
			    (rc = kc_cell_int(t, row, 4, rows[k].figure)) ||
			    (c->cls && (rc = kc_cell_text(t, row, 5, cls))) || (rc = lines_note(c, &note)))
				break;
			if (note.size)
				rc = kc_cell_text(t, row, 6, note.ptr);
		}
	}
	free(rows);
	kiscrm_buf_dispose(&note);
	kc_value_end(&v);
	return kc_report_deliver(out, t, rc);
}
