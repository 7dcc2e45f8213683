/* The market grid (网格化营销): the cells with our customers counted in them, and the
 * grid report — penetration (customers ÷ enterprises) and share (of our customers in the
 * grid) by cell, region and industry, thin and empty cells flagged. */
#include "market/grid.h"
#include "market/kinds.h"
#include "analytics/report.h"
#include "config/customers_config.h"
#include "core/error.h"
#include "core/field.h"
#include "core/map.h"
#include "core/sort.h"
#include "core/str.h"
#include "core/vec.h"
#include "entities/kinds.h"
#include "kiscrm/customer.h"
#include "kiscrm/market.h"
#include "kiscrm/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct loader {
	kc_grid *g;
	kc_report *r;
	kc_strmap index; /* "region\x1findustry" → cell */
} loader;

static int key_of(char *buf, size_t size, const char *region, const char *industry)
{
	int n = snprintf(buf, size, "%s\x1f%s", region, industry);
	return n < 0 || (size_t)n >= size ? kc_error_set(KISCRM_EINVALID, "grid key too long") : KISCRM_OK;
}

static int cell_cb(void *payload, const kiscrm_value *row)
{
	loader *l = payload;
	kc_grid *g = l->g;
	if (KC_VEC_GROW(g->cells, g->n, g->cap, 32))
		return KISCRM_ENOMEM;
	kc_grid_cell *c = &g->cells[g->n];
	memset(c, 0, sizeof(*c));
	c->id = row[0].u.i;
	c->owner = kc_val_int(&row[KC_FI(KISCRM_GRID_CELL_OWNER_ID)], 0);
	int rc = kc_report_staff_department(l->r, c->owner, &c->department);
	if (rc)
		return rc;
	c->enterprises = kc_val_int(&row[KC_FI(KISCRM_GRID_CELL_ENTERPRISES)], 0);
	c->top500 = kc_val_int(&row[KC_FI(KISCRM_GRID_CELL_TOP500)], 0);
	if ((rc = kc_strdup_to(&c->region, kc_val_text(&row[KC_FI(KISCRM_GRID_CELL_REGION)]))) != 0 ||
	    (rc = kc_strdup_to(&c->industry, kc_val_text(&row[KC_FI(KISCRM_GRID_CELL_INDUSTRY)]))) != 0) {
		free(c->region);
		free(c->industry);
		return rc;
	}
	g->n++;
	return KISCRM_OK;
}

static int customer_cb(void *payload, const kiscrm_value *row)
{
	loader *l = payload;
	const char *region = kc_val_text(&row[KC_FI(KISCRM_CUSTOMER_REGION)]);
	const char *industry = kc_val_text(&row[KC_FI(KISCRM_CUSTOMER_INDUSTRY)]);
	kiscrm_date first = kc_val_date(&row[KC_FI(KISCRM_CUSTOMER_FIRST_CONTRACT)]);
	char key[512];
	size_t i;
	if (!region || !industry || first == KISCRM_DATE_NONE || first > l->r->as_of ||
	    key_of(key, sizeof(key), region, industry) != 0)
		return 0; /* a prospect, or no cell can hold it */
	if (kc_strmap_get(&l->index, key, &i))
		l->g->cells[i].customers++;
	return 0;
}

static int by_cell(const void *x, const void *y)
{
	const kc_grid_cell *a = x, *b = y;
	int c = strcmp(a->region, b->region);
	return c ? c : strcmp(a->industry, b->industry);
}

int kc_grid_is_thin(const kc_grid *g, int64_t customers, int64_t enterprises)
{
	/* customers / enterprises < thin_bp / 10000, exactly; no enterprises: nothing to reach */
	return customers == 0 || (enterprises > 0 && customers * 10000 < (int64_t)g->thin_bp * enterprises);
}

int kc_grid_load(kc_grid *g, kc_report *r)
{
	kiscrm_db *db = r->db;
	loader l;
	memset(g, 0, sizeof(*g));
	memset(&l, 0, sizeof(l));
	l.g = g;
	l.r = r;
	g->thin_bp = kc_config_customers(db->config)->grid.thin_bp;
	int rc = kc_db_scan(db, &kc_grid_cell_def, NULL, cell_cb, &l);
	if (rc == 0)
		kc_sort(g->cells, g->n, sizeof(*g->cells), by_cell);
	for (size_t i = 0; rc == 0 && i < g->n; i++) {
		char key[512];
		if ((rc = key_of(key, sizeof(key), g->cells[i].region, g->cells[i].industry)) == 0)
			rc = kc_strmap_put(&l.index, key, i);
	}
	if (rc == 0 && g->n)
		rc = kc_db_scan(db, &kc_customer_def, NULL, customer_cb, &l);
	for (size_t i = 0; rc == 0 && i < g->n; i++)
		g->cells[i].thin = kc_grid_is_thin(g, g->cells[i].customers, g->cells[i].enterprises);
	kc_strmap_dispose(&l.index);
	if (rc)
		kc_grid_free(g);
	return rc;
}

void kc_grid_free(kc_grid *g)
{
	for (size_t i = 0; i < g->n; i++) {
		free(g->cells[i].region);
		free(g->cells[i].industry);
	}
	free(g->cells);
	memset(g, 0, sizeof(*g));
}

/* ---- the report ---- */

typedef struct sums {
	int64_t enterprises, top500, customers;
} sums;

static int put_row(kiscrm_table *t, kiscrm_row_kind kind, const char *level, const char *region,
		   const char *industry, const char *owner, const sums *s, int64_t all_customers, const kc_grid *g)
{
	size_t row;
	int rc;
	if ((rc = kc_add_row(t, kind, &row)) || (rc = kc_cell_text(t, row, 0, level)) || (rc = kc_cell_text(t, row, 1, region)) ||
	    (rc = kc_cell_text(t, row, 2, industry)) || (rc = kc_cell_text(t, row, 3, owner)) ||
	    (rc = kc_cell_int(t, row, 4, s->enterprises)) || (rc = kc_cell_int(t, row, 5, s->top500)) ||
	    (rc = kc_cell_int(t, row, 6, s->customers)) ||
	    (rc = kc_cell_ratio(t, row, 7, (double)s->customers, (double)s->enterprises)) ||
	    (rc = kc_cell_ratio(t, row, 8, (double)s->customers, (double)all_customers)) ||
	    (rc = kc_cell_int(t, row, 9, kc_grid_is_thin(g, s->customers, s->enterprises))))
		return rc;
	return kc_cell_int(t, row, 10, s->customers == 0);
}

static const char *cell_key(const kc_grid_cell *c, int by)
{
	return by == 1 ? c->region : c->industry;
}

typedef struct {
	const kc_grid *g;
	int by;
} key_ctx;

static int by_key(const void *x, const void *y, void *ctx)
{
	const key_ctx *k = ctx;
	return strcmp(cell_key(&k->g->cells[*(const size_t *)x], k->by), cell_key(&k->g->cells[*(const size_t *)y], k->by));
}

/* Sub-totals by region (by == 1) or industry (by == 2) of the selected cells, in byte
 * order of the key: the selected cells' indices sorted by it, then one row per run. */
static int subtotals(kiscrm_table *t, const kc_grid *g, const unsigned char *sel, int by, int64_t all)
{
	size_t *idx = malloc((g->n ? g->n : 1) * sizeof(*idx)), n = 0;
	if (!idx)
		return kc_error_oom();
	for (size_t i = 0; i < g->n; i++)
		if (sel[i])
			idx[n++] = i;
	key_ctx k = { g, by };
	int rc = kc_sort_ctx(idx, n, sizeof(*idx), by_key, &k);
	for (size_t i = 0; rc == 0 && i < n;) {
		const char *key = cell_key(&g->cells[idx[i]], by);
		sums s = { 0, 0, 0 };
		for (; i < n && strcmp(cell_key(&g->cells[idx[i]], by), key) == 0; i++) {
			s.enterprises += g->cells[idx[i]].enterprises;
			s.top500 += g->cells[idx[i]].top500;
			s.customers += g->cells[idx[i]].customers;
		}
		rc = put_row(t, KISCRM_ROW_SUBTOTAL, by == 1 ? "region" : "industry", by == 1 ? key : NULL,
			     by == 1 ? NULL : key, NULL, &s, all, g);
	}
	free(idx);
	return rc;
}

int kiscrm_report_grid(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts)
{
	static const char *const cols[] = {
		"level:text", "region:text", "industry:text", "owner:text", "enterprises:int", "top500:int",
		"customers:int", "penetration:rate", "share:rate", "thin:int", "empty:int", NULL,
	};
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_report_grid: out pointer is NULL");
	*out = NULL;
	kc_report r;
	int rc = kc_report_begin(&r, db, opts);
	if (rc)
		return rc;
	kc_grid g;
	kiscrm_table *t = NULL;
	unsigned char *sel = NULL;
	if ((rc = kc_grid_load(&g, &r)) != 0)
		return kc_report_finish(out, NULL, &r, rc);
	if (!(sel = calloc(g.n ? g.n : 1, 1)))
		rc = kc_error_oom();
	sums all = { 0, 0, 0 };
	for (size_t i = 0; rc == 0 && i < g.n; i++) {
		kc_dims d;
		memset(&d, 0, sizeof(d));
		d.owner_id = g.cells[i].owner;
		d.department_id = g.cells[i].department;
		if ((sel[i] = (unsigned char)kc_report_accept(&r, &d)) != 0) {
			all.enterprises += g.cells[i].enterprises;
			all.top500 += g.cells[i].top500;
			all.customers += g.cells[i].customers;
		}
	}
	if (rc == 0)
		rc = kc_report_listing(&r, &t, "grid", cols);
	for (size_t i = 0; rc == 0 && i < g.n; i++) {
		const kc_grid_cell *c = &g.cells[i];
		sums s = { c->enterprises, c->top500, c->customers };
		if (sel[i])
			rc = put_row(t, KISCRM_ROW_DETAIL, "cell", c->region, c->industry,
				     c->owner ? kc_report_staff_name(&r, c->owner) : NULL, &s, all.customers, &g);
	}
	if (rc == 0 && (rc = subtotals(t, &g, sel, 1, all.customers)) == 0 &&
	    (rc = subtotals(t, &g, sel, 2, all.customers)) == 0)
		rc = put_row(t, KISCRM_ROW_TOTAL, "total", NULL, NULL, NULL, &all, all.customers, &g);
	free(sel);
	kc_grid_free(&g);
	return kc_report_finish(out, t, &r, rc);
}
