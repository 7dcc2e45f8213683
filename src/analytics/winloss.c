/* Win/loss analysis (输赢单分析): closes by reason category and reason, win rates per
 * group, and the observed win rate of each working stage next to its configured
 * probability. */
#include "core/sort.h"
#include "core/field.h"
#include "pipeline/kinds.h"
#include "funnel_data.h"
#include "core/error.h"
#include "core/sum.h"
#include "core/vec.h"
#include "core/str.h"
#include "kiscrm/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CLOSE_COLS                                                                           \
	(KC_OPP_DIM_COLS | KC_BIT(KISCRM_OPPORTUNITY_PIPELINE) | KC_BIT(KISCRM_OPPORTUNITY_STAGE) | \
	 KC_BIT(KISCRM_OPPORTUNITY_STATUS) | KC_BIT(KISCRM_OPPORTUNITY_AMOUNT) |                 \
	 KC_BIT(KISCRM_OPPORTUNITY_CLOSED) | KC_BIT(KISCRM_OPPORTUNITY_CREATED))

/* Outcome of a row that is of the requested pipelines and passes the filters:
 * KISCRM_STAGE_WON / LOST when closed in the window, KISCRM_STAGE_OPEN otherwise
 * (open, closed outside the window, unknown state); -1 when the row is not wanted at all. */
static int outcome(kc_report *r, const kiscrm_value *row, kc_dims *d)
{
	const char *pipeline = kc_val_text(&row[KC_FI(KISCRM_OPPORTUNITY_PIPELINE)]);
	if (!kc_opp_in_pipeline(r, pipeline))
		return -1;
	kc_opp_dims(row, d);
	if (!kc_report_accept(r, d))
		return -1;
	kiscrm_date created = kc_val_date(&row[KC_FI(KISCRM_OPPORTUNITY_CREATED)]);
	if (r->to != KISCRM_DATE_NONE && created != KISCRM_DATE_NONE && created >= r->to)
		return -1;
	int state = kc_opp_state(r->db->config, pipeline, kc_val_text(&row[KC_FI(KISCRM_OPPORTUNITY_STAGE)]),
				 kc_val_text(&row[KC_FI(KISCRM_OPPORTUNITY_STATUS)]));
	if ((state == KISCRM_STAGE_WON || state == KISCRM_STAGE_LOST) &&
	    kc_report_in_window(r, kc_val_date(&row[KC_FI(KISCRM_OPPORTUNITY_CLOSED)])))
		return state;
	return KISCRM_STAGE_OPEN;
}

/* ---- win/loss by reason ----------------------------------------------------------------- */

typedef struct wl_row {
	size_t group;
	int lost;            /* 0 won, 1 lost */
	char *category, *reason;
	int rank;            /* configured order of the category; unknown after; NULL last */
	int64_t count;
	kiscrm_money amount;
} wl_row;

typedef struct wl_scan {
	kc_report *r;
	const kc_analysis *a;
	kc_strmap index;     /* composite key → row */
	wl_row *rows;
	size_t n, cap;
} wl_scan;

static int category_rank(const kc_analysis *a, const char *key)
{
	if (!key)
		return (int)a->nreasons + 1;
	for (size_t i = 0; i < a->nreasons; i++)
		if (strcmp(a->reasons[i].key, key) == 0)
			return (int)i;
	return (int)a->nreasons;
}

static int wl_new_row(wl_scan *w, const char *key, size_t g, int lost, const char *cat, const char *reason,
		      size_t *at)
{
	if (KC_VEC_GROW(w->rows, w->n, w->cap, 32))
		return KISCRM_ENOMEM;
	wl_row *row = &w->rows[w->n];
	memset(row, 0, sizeof(*row));
	row->group = g;
	row->lost = lost;
	row->rank = category_rank(w->a, cat);
	int rc = kc_strdup_to(&row->category, cat);
	if (rc == 0)
		rc = kc_strdup_to(&row->reason, reason);
	if (rc == 0)
		rc = kc_strmap_put(&w->index, key, w->n);
	if (rc) {
		free(row->category);
		free(row->reason);
		return rc;
	}
	*at = w->n++;
	return KISCRM_OK;
}

/* Counts a close in the row of its group @g, outcome, category and reason. */
static int wl_count(wl_scan *w, const kiscrm_value *row, int state, size_t g)
{
	size_t at;
	int rc;
	const char *cat = kc_val_text(&row[KC_FI(KISCRM_OPPORTUNITY_REASON_CATEGORY)]);
	const char *reason = kc_val_text(&row[KC_FI(KISCRM_OPPORTUNITY_REASON)]);
	/* "N" marks NULL so that it differs from an empty text ("S") */
	char key[1024];
	int n = snprintf(key, sizeof(key), "%zu\x1f%d\x1f%s%s\x1f%s%s", g, state, cat ? "S" : "N",
			 cat ? cat : "", reason ? "S" : "N", reason ? reason : "");
	if (n < 0 || (size_t)n >= sizeof(key))
		return kc_error_set(KISCRM_EINVALID, "win/loss reason too long: '%.40s…'", reason ? reason : "");
	if (!kc_strmap_get(&w->index, key, &at) &&
	    (rc = wl_new_row(w, key, g, state == KISCRM_STAGE_LOST, cat, reason, &at)) != 0)
		return rc;
	w->rows[at].count++;
	return kc_money_add(&w->rows[at].amount, kc_val_int(&row[KC_FI(KISCRM_OPPORTUNITY_AMOUNT)], 0));
}

static int wl_cb(void *payload, const kiscrm_value *row)
{
	wl_scan *w = payload;
	kc_dims d;
	size_t g[KC_MAX_CHAIN], n;
	int state = outcome(w->r, row, &d);
	if (state != KISCRM_STAGE_WON && state != KISCRM_STAGE_LOST)
		return 0;
	int rc = kc_report_groups(w->r, &d, g, &n);
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = wl_count(w, row, state, g[i]);
	return rc;
}

static int cmp_nullable(const char *a, const char *b)
{
	if (!a || !b)
		return (a == NULL) - (b == NULL);
	return strcmp(a, b);
}

static int cmp_wl(const void *pa, const void *pb, void *ctx)
{
	const kc_report *r = ctx;
	const wl_row *a = pa, *b = pb;
	int c = strcmp(r->group_keys[a->group], r->group_keys[b->group]);
	if (c)
		return c;
	if (a->lost != b->lost)
		return a->lost - b->lost;
	if (a->rank != b->rank)
		return a->rank < b->rank ? -1 : 1;
	if ((c = cmp_nullable(a->category, b->category)) != 0)
		return c;
	return cmp_nullable(a->reason, b->reason);
}

static const char *category_name(const kc_report *r, const kc_analysis *a, const wl_row *row)
{
	if (row->rank >= (int)a->nreasons)
		return NULL;
	const kc_reason_category *c = &a->reasons[row->rank];
	const char *name = strcmp(r->o.lang, "zh") == 0 ? c->zh : c->en;
	return name ? name : c->key;
}

static int wl_emit(wl_scan *w, kiscrm_table *t)
{
	size_t base = w->r->o.ngroup;
	int rc = kc_sort_ctx(w->rows, w->n, sizeof(*w->rows), cmp_wl, w->r);
	if (rc)
		return rc;
	for (size_t i = 0; i < w->n; i++) {
		const wl_row *x = &w->rows[i];
		size_t row;
		rc = kc_report_add_row(w->r, t, x->group, KISCRM_ROW_DETAIL, &row);
		if (rc == 0)
			rc = kc_cell_text(t, row, base, x->lost ? "lost" : "won");
		if (rc == 0)
			rc = kc_cell_text(t, row, base + 1, x->category);
		if (rc == 0)
			rc = kc_cell_text(t, row, base + 2, category_name(w->r, w->a, x));
		if (rc == 0)
			rc = kc_cell_text(t, row, base + 3, x->reason);
		if (rc == 0)
			rc = kc_cell_int(t, row, base + 4, x->count);
		if (rc == 0)
			rc = kc_cell_int(t, row, base + 5, x->amount);
		if (rc)
			return rc;
	}
	return KISCRM_OK;
}

int kiscrm_report_win_loss(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts)
{
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_report_win_loss: out pointer is NULL");
	*out = NULL;
	kc_report r;
	wl_scan w;
	kiscrm_table *t = NULL;
	int rc = kc_report_begin(&r, db, opts);
	if (rc)
		return rc;
	memset(&w, 0, sizeof(w));
	w.r = &r;
	w.a = kc_config_analysis(db->config);
	static const char *const cols[] = {
		"outcome:text", "reason_category:text", "category_name:text", "reason:text", "count:int",
		"amount:money", NULL,
	};
	kiscrm_query q = { 0, NULL,
			   CLOSE_COLS | KC_BIT(KISCRM_OPPORTUNITY_REASON) |
				   KC_BIT(KISCRM_OPPORTUNITY_REASON_CATEGORY) };
	if ((rc = kc_db_scan(db, &kc_opportunity_def, &q, wl_cb, &w)) == 0 &&
	    (rc = kc_report_table(&r, &t, "win-loss")) == 0 && (rc = kc_add_columns(t, cols)) == 0)
		rc = wl_emit(&w, t);
	for (size_t i = 0; i < w.n; i++) {
		free(w.rows[i].category);
		free(w.rows[i].reason);
	}
	free(w.rows);
	kc_strmap_dispose(&w.index);
	return kc_report_finish(out, t, &r, rc);
}

/* ---- win rate per group ------------------------------------------------------------------- */

typedef struct wr_group {
	int64_t won, lost;
	kiscrm_money won_amount;
} wr_group;

typedef struct wr_scan {
	kc_report *r;
	wr_group *g;
	size_t cap;
} wr_scan;

static int wr_count(wr_scan *w, const kiscrm_value *row, int state, size_t g)
{
	if (g >= w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 16;
		wr_group *p = realloc(w->g, cap * sizeof(*p));
		if (!p)
			return kc_error_oom();
		memset(p + w->cap, 0, (cap - w->cap) * sizeof(*p));
		w->g = p;
		w->cap = cap;
	}
	if (state == KISCRM_STAGE_LOST)
		w->g[g].lost++;
	else if (state == KISCRM_STAGE_WON) {
		w->g[g].won++;
		return kc_money_add(&w->g[g].won_amount, kc_val_int(&row[KC_FI(KISCRM_OPPORTUNITY_AMOUNT)], 0));
	}
	return 0;
}

static int wr_cb(void *payload, const kiscrm_value *row)
{
	wr_scan *w = payload;
	kc_dims d;
	size_t g[KC_MAX_CHAIN], n;
	int state = outcome(w->r, row, &d);
	if (state < 0)
		return 0;
	int rc = kc_report_groups(w->r, &d, g, &n);
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = wr_count(w, row, state, g[i]);
	return rc;
}

int kiscrm_report_win_rate(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts)
{
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_report_win_rate: out pointer is NULL");
	*out = NULL;
	kc_report r;
	wr_scan w = { &r, NULL, 0 };
	kiscrm_table *t = NULL;
	size_t *order = NULL;
	int rc = kc_report_begin(&r, db, opts);
	if (rc)
		return rc;
	static const char *const cols[] = {
		"won_count:int", "lost_count:int", "won_amount:money", "win_rate:rate", NULL,
	};
	/* of the group-by facts only those the filters and grouping read: KPI scorecards
	 * read this report for every person */
	kiscrm_query q = { 0, NULL,
			   (CLOSE_COLS & ~KC_OPP_DIM_COLS) |
				   kc_report_dim_cols(&r, KISCRM_OPPORTUNITY_OWNER_ID, KISCRM_OPPORTUNITY_DEPARTMENT_ID,
						      KISCRM_OPPORTUNITY_BUSINESS_LINE, KISCRM_OPPORTUNITY_PRODUCT_LINE,
						      KISCRM_OPPORTUNITY_SIZE_CLASS, KISCRM_OPPORTUNITY_CUSTOMER_ID) };
	size_t base = r.o.ngroup;
	if ((rc = kc_db_scan(db, &kc_opportunity_def, &q, wr_cb, &w)) == 0 &&
	    (rc = kc_report_table(&r, &t, "win-rate")) == 0 && (rc = kc_add_columns(t, cols)) == 0)
		rc = kc_report_sorted(&r, &order);
	for (size_t k = 0; rc == 0 && k < r.ngroups; k++) {
		const wr_group *x = &w.g[order[k]];
		size_t row;
		if ((rc = kc_report_add_row(&r, t, order[k], KISCRM_ROW_DETAIL, &row)) == 0 &&
		    (rc = kc_cell_int(t, row, base, x->won)) == 0 &&
		    (rc = kc_cell_int(t, row, base + 1, x->lost)) == 0 &&
		    (rc = kc_cell_int(t, row, base + 2, x->won_amount)) == 0)
			rc = kc_cell_ratio(t, row, base + 3, (double)x->won, (double)(x->won + x->lost));
	}
	free(order);
	free(w.g);
	return kc_report_finish(out, t, &r, rc);
}

/* ---- observed win rate per stage ----------------------------------------------------------- */

int kiscrm_report_stage_win_rates(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts)
{
	kc_report r;
	kc_funnel f;
	kiscrm_table *t = NULL;
	size_t *order = NULL;
	int rc = kc_funnel_report_begin(&r, &f, out, db, opts, 0, "kiscrm_report_stage_win_rates");
	if (rc)
		return rc;
	static const char *const cols[] = {
		"stage:text", "stage_name:text", "probability:int", "reached:int", "won:int", "win_rate:rate",
		NULL,
	};
	size_t base = r.o.ngroup;
	if ((rc = kc_report_table(&r, &t, "stage-win-rates")) == 0 && (rc = kc_add_columns(t, cols)) == 0)
		rc = kc_report_sorted(&r, &order);
	for (size_t k = 0; rc == 0 && k < f.ngroups; k++) {
		for (size_t s = 0; rc == 0 && s < f.nwork; s++) {
			const kc_stage *st = &f.pl->stages[s];
			const kc_fcell *c = kc_funnel_cell(&f, order[k], s);
			size_t row;
			if ((rc = kc_report_add_row(&r, t, order[k], KISCRM_ROW_DETAIL, &row)) == 0 &&
			    (rc = kc_cell_text(t, row, base, st->key)) == 0 &&
			    (rc = kc_cell_text(t, row, base + 1, kc_stage_display(&r, st))) == 0 &&
			    (rc = kc_cell_int(t, row, base + 2, st->probability)) == 0 &&
			    (rc = kc_cell_int(t, row, base + 3, c->reached_closed)) == 0 &&
			    (rc = kc_cell_int(t, row, base + 4, c->reached_won)) == 0)
				rc = kc_cell_ratio(t, row, base + 5, (double)c->reached_won, (double)c->reached_closed);
		}
	}
	free(order);
	kc_funnel_free(&f);
	return kc_report_finish(out, t, &r, rc);
}
