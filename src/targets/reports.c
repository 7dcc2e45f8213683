/* The "targets" report (every target with its period and dimensions) and the
 * "target_check" report (decompositions whose children do not add up to their parent). */
#include "targets/targets_internal.h"
#include "analytics/report.h"
#include "core/field.h"
#include "core/error.h"
#include "core/sum.h"
#include "core/map.h"
#include "core/sort.h"
#include "core/str.h"
#include "core/vec.h"
#include "storage/db.h"
#include "kiscrm/date.h"
#include "kiscrm/report.h"
#include "kiscrm/target.h"
#include "kiscrm/org.h"
#include "kiscrm/record.h"
#include "kiscrm/sys/kpi_metric.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- loading targets for the reports ------------------------------------------------ */

typedef struct {
	kiscrm_id id, parent;
	const char *metric; /* static key */
	int money;
	int period;
	kiscrm_date start;
	const char *bl, *pl; /* interned, NULL when not set */
	kiscrm_id dept, owner;
	int64_t value;
} tgt;

typedef struct {
	tgt *v;
	size_t n, cap;
	kc_strmap pool_index; /* text → index into pool */
	char **pool;
	size_t npool, cap_pool;
} tgt_set;

static int intern(tgt_set *s, const kiscrm_value *v, const char **out)
{
	size_t i;
	*out = NULL;
	if (v->type != KISCRM_TYPE_TEXT)
		return KISCRM_OK;
	if (kc_strmap_get(&s->pool_index, v->u.s, &i)) {
		*out = s->pool[i];
		return KISCRM_OK;
	}
	if (KC_VEC_GROW(s->pool, s->npool, s->cap_pool, 16))
		return KISCRM_ENOMEM;
	if (!(s->pool[s->npool] = kc_strdup(v->u.s)))
		return KISCRM_ENOMEM;
	int rc = kc_strmap_put(&s->pool_index, v->u.s, s->npool);
	if (rc) {
		free(s->pool[s->npool]);
		return rc;
	}
	*out = s->pool[s->npool++];
	return KISCRM_OK;
}

static int load_cb(void *payload, const kiscrm_value *row)
{
	tgt_set *s = payload;
	int m = row[KC_FI(KISCRM_TARGET_METRIC)].type == KISCRM_TYPE_TEXT ? kc_target_metric_index(row[KC_FI(KISCRM_TARGET_METRIC)].u.s) : -1;
	if (m < 0)
		return 0; /* written around the rules (older data): not a target we can read */
	if (KC_VEC_GROW(s->v, s->n, s->cap, 64))
		return KISCRM_ENOMEM;
	tgt *t = &s->v[s->n];
	memset(t, 0, sizeof(*t));
	t->id = row[0].u.i;
	t->parent = row[KC_FI(KISCRM_TARGET_PARENT_ID)].type == KISCRM_TYPE_NULL ? 0 : row[KC_FI(KISCRM_TARGET_PARENT_ID)].u.i;
	t->metric = kc_target_metrics[m].key;
	t->money = kc_target_metrics[m].money;
	t->period = (int)row[KC_FI(KISCRM_TARGET_PERIOD)].u.i;
	t->start = (kiscrm_date)row[KC_FI(KISCRM_TARGET_START)].u.i;
	t->dept = row[KC_FI(KISCRM_TARGET_DEPARTMENT_ID)].type == KISCRM_TYPE_NULL ? 0 : row[KC_FI(KISCRM_TARGET_DEPARTMENT_ID)].u.i;
	t->owner = row[KC_FI(KISCRM_TARGET_OWNER_ID)].type == KISCRM_TYPE_NULL ? 0 : row[KC_FI(KISCRM_TARGET_OWNER_ID)].u.i;
	const kiscrm_value *v = &row[KC_FI(t->money ? KISCRM_TARGET_AMOUNT : KISCRM_TARGET_COUNT)];
	t->value = v->type == KISCRM_TYPE_NULL ? 0 : v->u.i;
	if (t->period < KISCRM_PERIOD_WEEK || t->period > KISCRM_PERIOD_YEAR)
		return 0;
	int rc = intern(s, &row[KC_FI(KISCRM_TARGET_BUSINESS_LINE)], &t->bl);
	if (rc == 0)
		rc = intern(s, &row[KC_FI(KISCRM_TARGET_PRODUCT_LINE)], &t->pl);
	if (rc == 0)
		s->n++;
	return rc;
}

static void tgt_set_dispose(tgt_set *s)
{
	for (size_t i = 0; i < s->npool; i++)
		free(s->pool[i]);
	free(s->pool);
	free(s->v);
	kc_strmap_dispose(&s->pool_index);
	memset(s, 0, sizeof(*s));
}

static int tgt_load(tgt_set *s, kiscrm_db *db)
{
	memset(s, 0, sizeof(*s));
	int rc = kc_db_scan(db, &kc_target_def, NULL, load_cb, s);
	if (rc)
		tgt_set_dispose(s);
	return rc;
}

static unsigned tgt_mask(const tgt *t)
{
	return (t->bl ? KC_TLEVEL_BUSINESS_LINE : 0u) | (t->pl ? KC_TLEVEL_PRODUCT_LINE : 0u) |
	       (t->dept ? KC_TLEVEL_DEPARTMENT : 0u) | (t->owner ? KC_TLEVEL_OWNER : 0u);
}

static int tgt_selected(const kc_report *r, const tgt *t)
{
	kc_dims d = { t->bl, t->pl, NULL, t->dept, t->owner, 0 };
	return kc_report_in_window(r, t->start) && kc_report_accept(r, &d);
}

static int cmp_nullable(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

static int cmp_id(kiscrm_id a, kiscrm_id b)
{
	return (a > b) - (a < b);
}

/* Metric, start, period (coarsest first), dimensions, id. */
static int cmp_tgt(const void *a, const void *b)
{
	const tgt *x = a, *y = b;
	int c = strcmp(x->metric, y->metric);
	if (c)
		return c;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->period != y->period)
		return x->period > y->period ? -1 : 1;
	if ((c = cmp_nullable(x->bl, y->bl)) != 0 || (c = cmp_nullable(x->pl, y->pl)) != 0 ||
	    (c = cmp_id(x->dept, y->dept)) != 0 || (c = cmp_id(x->owner, y->owner)) != 0)
		return c;
	return cmp_id(x->id, y->id);
}

static int new_table(kc_report *r, kiscrm_table **out, const char *name, const char *const *cols)
{
	kiscrm_table *t = NULL;
	int rc = kiscrm_table_new(&t, name);
	if (rc == 0)
		kc_report_label(t, r->db);
	if (rc == 0 && (rc = kiscrm_table_set_money_decimals(t, r->decimals)) == 0)
		rc = kc_add_columns(t, cols);
	if (rc) {
		kiscrm_table_free(t);
		return rc;
	}
	*out = t;
	return KISCRM_OK;
}

/* Sets the four dimension cells of a target starting at column col. */
static int dim_cells(kc_report *r, kiscrm_table *t, size_t row, size_t col, const tgt *x)
{
	int rc = kc_cell_text(t, row, col, x->bl);
	if (rc == 0)
		rc = kc_cell_text(t, row, col + 1, x->pl);
	if (rc == 0)
		rc = kc_cell_text(t, row, col + 2, x->dept ? kc_report_department_name(r, x->dept) : NULL);
	if (rc == 0)
		rc = kc_cell_text(t, row, col + 3, x->owner ? kc_report_staff_name(r, x->owner) : NULL);
	return rc;
}

/* --- report "targets" ----------------------------------------------------------------- */

enum { TC_ID, TC_PARENT, TC_METRIC, TC_PERIOD, TC_START, TC_END, TC_BL, TC_PL, TC_DEPT, TC_OWNER,
       TC_AMOUNT, TC_COUNT, TC_ACTUAL_AMOUNT, TC_ACTUAL_COUNT, TC_GAP_AMOUNT, TC_GAP_COUNT, TC_COMPLETION };

static const char *const target_cols[] = {
	"id:int", "parent_id:int", "metric:text", "period:text", "start:date", "end:date",
	"business_line:text", "product_line:text", "department:text", "owner:text",
	"amount:money", "count:int", "actual_amount:money", "actual_count:int", "gap_amount:money",
	"gap_count:int", "completion:rate", NULL,
};

/* The registered KPI metric measuring target key @metric (kiscrm/sys/kpi_metric.h), or
 * NULL. Metrics are found by their `target_metric`, so a metric a program registers for a
 * key of its own is used the same way. */
static const kiscrm_kpi_metric *metric_for(const char *metric)
{
	for (size_t i = 0; i < kiscrm_kpi_metric_count(); i++) {
		const kiscrm_kpi_metric *m = kiscrm_kpi_metric_at(i);
		if (m && m->target_metric && strcmp(m->target_metric, metric) == 0)
			return m;
	}
	return NULL;
}

/* What was achieved against target @x, measured by the registry's metric for its key over
 * the target's period, for its owner, department or the company. Targets by business or
 * product line are left without (*has = 0): the metrics measure people and departments;
 * the gap report measures money by every dimension. */
static int actual_of(kc_report *r, const tgt *x, int64_t *actual, int *has)
{
	*has = 0;
	const kiscrm_kpi_metric *m = metric_for(x->metric);
	if (!m || x->bl || x->pl)
		return KISCRM_OK;
	kiscrm_kpi_context ctx;
	memset(&ctx, 0, sizeof(ctx));
	ctx.version = KISCRM_KPI_CONTEXT_VERSION;
	ctx.from = x->start;
	ctx.to = kiscrm_period_next(x->start, x->period);
	ctx.period = x->period;
	ctx.as_of = r->as_of < ctx.to - 1 ? r->as_of : ctx.to - 1;
	ctx.scope = x->owner ? KISCRM_KPI_SCOPE_PERSON : x->dept ? KISCRM_KPI_SCOPE_DEPARTMENT : KISCRM_KPI_SCOPE_COMPANY;
	ctx.staff_id = x->owner;
	ctx.department_id = x->dept;
	if (x->owner && !x->dept) {
		kiscrm_record *s = NULL;
		int rc = kiscrm_record_get(&s, r->db, KISCRM_KIND_STAFF, x->owner);
		if (rc)
			return rc;
		ctx.department_id = kiscrm_record_int(s, KISCRM_STAFF_DEPARTMENT_ID);
		kiscrm_record_free(s);
	}
	kiscrm_kpi_value v = KISCRM_KPI_VALUE_INIT;
	int rc = kiscrm_kpi_metric_compute(&v, r->db, m->key, &ctx);
	if (rc || !v.has_actual)
		return rc;
	*has = 1;
	*actual = x->money ? v.actual_money : (int64_t)(v.actual + 0.5);
	return KISCRM_OK;
}

static int actual_cells(kc_report *r, kiscrm_table *t, size_t i, const tgt *x)
{
	int64_t actual = 0;
	int has = 0;
	int rc = actual_of(r, x, &actual, &has);
	if (rc || !has)
		return rc;
	/* both within the money bound (stored amounts, checked sums): no overflow */
	if ((rc = kc_cell_int(t, i, x->money ? TC_ACTUAL_AMOUNT : TC_ACTUAL_COUNT, actual)) == 0 &&
	    (rc = kc_cell_int(t, i, x->money ? TC_GAP_AMOUNT : TC_GAP_COUNT, x->value - actual)) == 0)
		rc = kc_cell_ratio(t, i, TC_COMPLETION, (double)actual, (double)x->value);
	return rc;
}

static int target_row(kc_report *r, kiscrm_table *t, const tgt *x)
{
	int row = kiscrm_table_add_row(t, KISCRM_ROW_DETAIL);
	if (row < 0)
		return row;
	size_t i = (size_t)row;
	int rc = kc_cell_int(t, i, TC_ID, x->id);
	if (rc == 0 && x->parent)
		rc = kc_cell_int(t, i, TC_PARENT, x->parent);
	if (rc == 0)
		rc = kc_cell_text(t, i, TC_METRIC, x->metric);
	if (rc == 0)
		rc = kc_cell_text(t, i, TC_PERIOD, kc_target_period_names[x->period]);
	if (rc == 0)
		rc = kc_cell_int(t, i, TC_START, x->start);
	if (rc == 0)
		rc = kc_cell_int(t, i, TC_END, kiscrm_period_next(x->start, x->period) - 1);
	if (rc == 0)
		rc = dim_cells(r, t, i, TC_BL, x);
	if (rc == 0)
		rc = kc_cell_int(t, i, x->money ? TC_AMOUNT : TC_COUNT, x->value);
	if (rc == 0)
		rc = actual_cells(r, t, i, x);
	return rc;
}

int kiscrm_report_targets(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts)
{
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "output pointer is NULL");
	kc_report r;
	int rc = kc_report_begin(&r, db, opts);
	if (rc)
		return rc;
	tgt_set s;
	if ((rc = tgt_load(&s, db)) != 0) {
		kc_report_end(&r);
		return rc;
	}
	size_t n = 0;
	for (size_t i = 0; i < s.n; i++)
		if (tgt_selected(&r, &s.v[i]))
			s.v[n++] = s.v[i];
	kc_sort(s.v, n, sizeof(*s.v), cmp_tgt);
	kiscrm_table *t = NULL;
	rc = new_table(&r, &t, "targets", target_cols);
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = target_row(&r, t, &s.v[i]);
	tgt_set_dispose(&s);
	kc_report_end(&r);
	if (rc) {
		kiscrm_table_free(t);
		return rc;
	}
	*out = t;
	return KISCRM_OK;
}

/* --- report "target_check" ------------------------------------------------------------- */

typedef struct {
	const tgt *parent;
	int period;    /* child period */
	unsigned mask; /* child dimensions */
	int64_t value; /* child value */
} check_entry;

static int cmp_check(const void *a, const void *b)
{
	const check_entry *x = a, *y = b;
	int c = cmp_tgt(x->parent, y->parent);
	if (c)
		return c;
	if (x->period != y->period)
		return x->period > y->period ? -1 : 1;
	return (x->mask > y->mask) - (x->mask < y->mask);
}

enum { CC_PARENT, CC_METRIC, CC_PERIOD, CC_START, CC_BL, CC_PL, CC_DEPT, CC_OWNER, CC_CPERIOD, CC_LEVEL,
       CC_CHILDREN, CC_PAMOUNT, CC_CAMOUNT, CC_DAMOUNT, CC_PCOUNT, CC_CCOUNT, CC_DCOUNT };

static const char *const check_cols[] = {
	"parent_id:int", "metric:text", "period:text", "start:date", "business_line:text",
	"product_line:text", "department:text", "owner:text", "child_period:text", "child_level:text",
	"children:int", "parent_amount:money", "children_amount:money", "difference_amount:money",
	"parent_count:int", "children_count:int", "difference_count:int", NULL,
};

static void level_text(char *buf, size_t size, unsigned mask)
{
	static const char *const names[] = { "business_line", "product_line", "department", "owner" };
	buf[0] = '\0';
	for (int i = 0; i < 4; i++) {
		if (!(mask & (1u << i)))
			continue;
		if (buf[0])
			strncat(buf, "+", size - strlen(buf) - 1);
		strncat(buf, names[i], size - strlen(buf) - 1);
	}
	if (!buf[0])
		snprintf(buf, size, "company");
}

static int check_row(kc_report *r, kiscrm_table *t, const check_entry *e, size_t children, int64_t sum)
{
	const tgt *p = e->parent;
	int row = kiscrm_table_add_row(t, KISCRM_ROW_DETAIL);
	if (row < 0)
		return row;
	size_t i = (size_t)row;
	char level[64];
	level_text(level, sizeof(level), e->mask);
	int base = p->money ? CC_PAMOUNT : CC_PCOUNT;
	int rc = kc_cell_int(t, i, CC_PARENT, p->id);
	if (rc == 0)
		rc = kc_cell_text(t, i, CC_METRIC, p->metric);
	if (rc == 0)
		rc = kc_cell_text(t, i, CC_PERIOD, kc_target_period_names[p->period]);
	if (rc == 0)
		rc = kc_cell_int(t, i, CC_START, p->start);
	if (rc == 0)
		rc = dim_cells(r, t, i, CC_BL, p);
	if (rc == 0)
		rc = kc_cell_text(t, i, CC_CPERIOD, kc_target_period_names[e->period]);
	if (rc == 0)
		rc = kc_cell_text(t, i, CC_LEVEL, level);
	if (rc == 0)
		rc = kc_cell_int(t, i, CC_CHILDREN, (int64_t)children);
	if (rc == 0)
		rc = kc_cell_int(t, i, (size_t)base, p->value);
	if (rc == 0)
		rc = kc_cell_int(t, i, (size_t)base + 1, sum);
	/* Both values are non-negative, so the difference cannot overflow. */
	if (rc == 0)
		rc = kc_cell_int(t, i, (size_t)base + 2, p->value - sum);
	return rc;
}

static int check_entries(kc_report *r, tgt_set *s, check_entry **out, size_t *n)
{
	kc_idmap index = { 0 };
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < s->n; i++)
		rc = kc_idmap_put(&index, s->v[i].id, i);
	check_entry *e = malloc((s->n ? s->n : 1) * sizeof(*e));
	if (!e && rc == 0)
		rc = kc_error_oom();
	*n = 0;
	for (size_t i = 0; rc == 0 && i < s->n; i++) {
		size_t p;
		const tgt *c = &s->v[i];
		if (!c->parent || !kc_idmap_get(&index, c->parent, &p) || !tgt_selected(r, &s->v[p]))
			continue;
		check_entry x = { &s->v[p], c->period, tgt_mask(c), c->value };
		e[(*n)++] = x;
	}
	kc_idmap_dispose(&index);
	if (rc) {
		free(e);
		return rc;
	}
	kc_sort(e, *n, sizeof(*e), cmp_check);
	*out = e;
	return KISCRM_OK;
}

int kiscrm_report_target_check(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts)
{
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "output pointer is NULL");
	kc_report r;
	int rc = kc_report_begin(&r, db, opts);
	if (rc)
		return rc;
	tgt_set s;
	if ((rc = tgt_load(&s, db)) != 0) {
		kc_report_end(&r);
		return rc;
	}
	check_entry *e = NULL;
	size_t n = 0;
	kiscrm_table *t = NULL;
	if ((rc = check_entries(&r, &s, &e, &n)) == 0)
		rc = new_table(&r, &t, "target_check", check_cols);
	/* Entries are sorted so that each decomposition is one run: fold it. */
	for (size_t i = 0; rc == 0 && i < n;) {
		size_t j = i;
		int64_t sum = 0;
		for (; rc == 0 && j < n && cmp_check(&e[i], &e[j]) == 0; j++)
			rc = kc_money_add(&sum, e[j].value);
		if (rc == 0 && sum != e[i].parent->value)
			rc = check_row(&r, t, &e[i], j - i, sum);
		i = j;
	}
	free(e);
	tgt_set_dispose(&s);
	kc_report_end(&r);
	if (rc) {
		kiscrm_table_free(t);
		return rc;
	}
	*out = t;
	return KISCRM_OK;
}
