/* Pipeline structure (商机结构/构成), STQC (销售全面质量控制: review of every open
 * opportunity by a role that depends on its size) and the closed opportunities still
 * lacking their win/loss analysis (100% 商机分析). One projected scan each. */
#include "funnel_data.h"
#include "core/field.h"
#include "pipeline/kinds.h"
#include "core/error.h"
#include "core/sum.h"
#include "core/vec.h"
#include "kiscrm/config.h"
#include "kiscrm/report.h"

#include <stdlib.h>
#include <string.h>

#define STATE_COLS                                                                           \
	(KC_BIT(KISCRM_OPPORTUNITY_PIPELINE) | KC_BIT(KISCRM_OPPORTUNITY_STAGE) |             \
	 KC_BIT(KISCRM_OPPORTUNITY_STATUS))

/* State of a row when it is of the requested pipelines and passes the filters, else -1. */
static int row_state(kc_report *r, const kiscrm_value *row, kc_dims *d)
{
	const char *pipeline = kc_val_text(&row[KC_FI(KISCRM_OPPORTUNITY_PIPELINE)]);
	if (!kc_opp_in_pipeline(r, pipeline))
		return -1;
	kc_opp_dims(row, d);
	if (!kc_report_accept(r, d))
		return -1;
	return kc_opp_state(r->db->config, pipeline, kc_val_text(&row[KC_FI(KISCRM_OPPORTUNITY_STAGE)]),
			    kc_val_text(&row[KC_FI(KISCRM_OPPORTUNITY_STATUS)]));
}

/* ---- structure ---------------------------------------------------------------------- */

typedef struct struct_scan {
	kc_report *r;
	int64_t *count;
	kiscrm_money *amount;
	size_t cap;
	kiscrm_money total;
} struct_scan;

static int struct_count(struct_scan *s, size_t g, kiscrm_money v);

static int struct_cb(void *payload, const kiscrm_value *row)
{
	struct_scan *s = payload;
	kc_dims d;
	size_t gs[KC_MAX_CHAIN], n;
	if (row_state(s->r, row, &d) != KISCRM_STAGE_OPEN)
		return 0;
	int rc = kc_report_groups(s->r, &d, gs, &n);
	kiscrm_money v = kc_val_int(&row[KC_FI(KISCRM_OPPORTUNITY_AMOUNT)], 0);
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = struct_count(s, gs[i], v);
	return rc ? rc : kc_money_add(&s->total, v); /* once, whatever the groups */
}

static int struct_count(struct_scan *s, size_t g, kiscrm_money v)
{
	if (g >= s->cap) {
		size_t cap = kc_vec_next_cap(s->cap, 16);
		if (KC_VEC_RESIZE(s->count, cap) || KC_VEC_RESIZE(s->amount, cap))
			return KISCRM_ENOMEM;
		memset(s->count + s->cap, 0, (cap - s->cap) * sizeof(*s->count));
		memset(s->amount + s->cap, 0, (cap - s->cap) * sizeof(*s->amount));
		s->cap = cap;
	}
	s->count[g]++;
	return kc_money_add(&s->amount[g], v);
}

static int struct_row(kc_report *r, kiscrm_table *t, size_t g, kiscrm_row_kind kind, int64_t count,
		      kiscrm_money amount, kiscrm_money total)
{
	size_t row, base = r->o.ngroup;
	int rc = kc_report_add_row(r, t, g, kind, &row);
	if (rc == 0)
		rc = kc_cell_int(t, row, base, count);
	if (rc == 0)
		rc = kc_cell_int(t, row, base + 1, amount);
	if (rc == 0)
		rc = kc_cell_ratio(t, row, base + 2, (double)amount, (double)total);
	return rc;
}

int kiscrm_report_structure(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts)
{
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_report_structure: out pointer is NULL");
	*out = NULL;
	kc_report r;
	struct_scan s = { &r, NULL, NULL, 0, 0 };
	kiscrm_table *t = NULL;
	size_t *order = NULL;
	int64_t count = 0;
	int rc = kc_report_begin(&r, db, opts);
	if (rc)
		return rc;
	static const char *const cols[] = { "count:int", "amount:money", "share:rate", NULL };
	kiscrm_query q = { 0, NULL, KC_OPP_DIM_COLS | STATE_COLS | KC_BIT(KISCRM_OPPORTUNITY_AMOUNT) };
	if ((rc = kc_db_scan(db, &kc_opportunity_def, &q, struct_cb, &s)) == 0 &&
	    (rc = kc_report_table(&r, &t, "structure")) == 0 && (rc = kc_add_columns(t, cols)) == 0)
		rc = kc_report_sorted(&r, &order);
	for (size_t k = 0; rc == 0 && k < r.ngroups; k++) {
		count += s.count[order[k]];
		rc = struct_row(&r, t, order[k], KISCRM_ROW_DETAIL, s.count[order[k]], s.amount[order[k]],
				s.total);
	}
	if (rc == 0)
		rc = struct_row(&r, t, (size_t)-1, KISCRM_ROW_TOTAL, count, s.total, s.total);
	free(order);
	free(s.count);
	free(s.amount);
	return kc_report_finish(out, t, &r, rc);
}

/* ---- STQC ----------------------------------------------------------------------------- */

typedef struct stqc_scan {
	kc_report *r;
	kiscrm_table *t;
	const kc_analysis *a;
	const char *role_zh[3]; /* large, medium, small */
} stqc_scan;

static const char *const size_names[] = { "large", "medium", "small" };

static int size_of(const kc_analysis *a, const char *stored, const kiscrm_value *amount)
{
	for (int i = 0; stored && i < 3; i++)
		if (strcmp(stored, size_names[i]) == 0)
			return i;
	kiscrm_money v = kc_val_int(amount, 0);
	return v >= a->large_min ? 0 : v >= a->medium_min ? 1 : 2;
}

static int stqc_cb(void *payload, const kiscrm_value *row)
{
	stqc_scan *s = payload;
	kc_dims d;
	if (row_state(s->r, row, &d) != KISCRM_STAGE_OPEN)
		return 0;
	const kiscrm_value *amount = &row[KC_FI(KISCRM_OPPORTUNITY_AMOUNT)];
	int size = size_of(s->a, d.size_class, amount);
	const char *role = size == 0 ? s->a->review_large : size == 1 ? s->a->review_medium : s->a->review_small;
	kiscrm_table *t = s->t;
	int idx = kiscrm_table_add_row(t, KISCRM_ROW_DETAIL);
	if (idx < 0)
		return idx;
	size_t r = (size_t)idx;
	int rc = kc_cell_int(t, r, 0, row[KC_FI(KISCRM_OPPORTUNITY_ID)].u.i);
	if (rc == 0)
		rc = kc_cell_text(t, r, 1, kc_val_text(&row[KC_FI(KISCRM_OPPORTUNITY_NAME)]));
	if (rc == 0)
		rc = kc_cell_text(t, r, 2, kc_report_staff_name(s->r, d.owner_id));
	if (rc == 0)
		rc = kc_cell_text(t, r, 3, kc_val_text(&row[KC_FI(KISCRM_OPPORTUNITY_STAGE)]));
	if (rc == 0 && amount->type != KISCRM_TYPE_NULL)
		rc = kc_cell_int(t, r, 4, amount->u.i);
	if (rc == 0)
		rc = kc_cell_text(t, r, 5, size_names[size]);
	if (rc == 0)
		rc = kc_cell_text(t, r, 6, role);
	if (rc == 0)
		rc = kc_cell_text(t, r, 7, s->role_zh[size]);
	return rc;
}

static const char *role_zh(const kiscrm_config *cfg, const char *key)
{
	int i = key ? kiscrm_config_role_find(cfg, key) : -1;
	return i < 0 ? NULL : kiscrm_config_role_name(cfg, (size_t)i, "zh");
}

int kiscrm_report_stqc(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts)
{
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_report_stqc: out pointer is NULL");
	*out = NULL;
	kc_report r;
	stqc_scan s = { &r, NULL, NULL, { NULL, NULL, NULL } };
	int rc = kc_report_begin(&r, db, opts);
	if (rc)
		return rc;
	static const char *const cols[] = {
		"id:int", "name:text", "owner:text", "stage:text", "amount:money", "size_class:text",
		"review_role:text", "review_role_zh:text", NULL,
	};
	s.a = kc_config_analysis(db->config);
	s.role_zh[0] = role_zh(db->config, s.a->review_large);
	s.role_zh[1] = role_zh(db->config, s.a->review_medium);
	s.role_zh[2] = role_zh(db->config, s.a->review_small);
	r.o.ngroup = 0; /* a list: no group columns */
	kc_report_staff_name(&r, 0); /* load the names now, not from inside the scan */
	kiscrm_query q = { 0, NULL,
			   KC_OPP_DIM_COLS | STATE_COLS | KC_BIT(KISCRM_OPPORTUNITY_AMOUNT) |
				   KC_BIT(KISCRM_OPPORTUNITY_NAME) };
	if ((rc = kc_report_table(&r, &s.t, "stqc")) == 0 && (rc = kc_add_columns(s.t, cols)) == 0)
		rc = kc_db_scan(db, &kc_opportunity_def, &q, stqc_cb, &s);
	return kc_report_finish(out, s.t, &r, rc);
}

/* ---- closed opportunities without analysis ------------------------------------------------ */

typedef struct missing_scan {
	kc_report *r;
	kiscrm_table *t;
} missing_scan;

static int blank(const char *s)
{
	return !s || !*s;
}

static int missing_cb(void *payload, const kiscrm_value *row)
{
	missing_scan *s = payload;
	kc_dims d;
	int state = row_state(s->r, row, &d);
	if (state != KISCRM_STAGE_WON && state != KISCRM_STAGE_LOST)
		return 0;
	kiscrm_date closed = kc_val_date(&row[KC_FI(KISCRM_OPPORTUNITY_CLOSED)]);
	if (!kc_report_in_window(s->r, closed))
		return 0;
	int no_reason = blank(kc_val_text(&row[KC_FI(KISCRM_OPPORTUNITY_REASON)]));
	int no_category = blank(kc_val_text(&row[KC_FI(KISCRM_OPPORTUNITY_REASON_CATEGORY)]));
	if (!no_reason && !no_category)
		return 0;
	const char *status = kc_val_text(&row[KC_FI(KISCRM_OPPORTUNITY_STATUS)]);
	if (!status)
		status = state == KISCRM_STAGE_WON ? "won" : "lost";
	kiscrm_table *t = s->t;
	int idx = kiscrm_table_add_row(t, KISCRM_ROW_DETAIL);
	if (idx < 0)
		return idx;
	size_t r = (size_t)idx;
	int rc = kc_cell_int(t, r, 0, row[KC_FI(KISCRM_OPPORTUNITY_ID)].u.i);
	if (rc == 0)
		rc = kc_cell_text(t, r, 1, kc_val_text(&row[KC_FI(KISCRM_OPPORTUNITY_NAME)]));
	if (rc == 0)
		rc = kc_cell_text(t, r, 2, kc_report_staff_name(s->r, d.owner_id));
	if (rc == 0)
		rc = kc_cell_text(t, r, 3, status);
	if (rc == 0 && closed != KISCRM_DATE_NONE)
		rc = kc_cell_int(t, r, 4, closed);
	if (rc == 0)
		rc = kc_cell_text(t, r, 5,
				  no_reason && no_category ? "reason,reason_category"
				  : no_reason		   ? "reason"
							   : "reason_category");
	return rc;
}

int kiscrm_report_missing_analysis(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts)
{
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_report_missing_analysis: out pointer is NULL");
	*out = NULL;
	kc_report r;
	missing_scan s = { &r, NULL };
	int rc = kc_report_begin(&r, db, opts);
	if (rc)
		return rc;
	static const char *const cols[] = {
		"id:int", "name:text", "owner:text", "status:text", "closed:date", "missing:text", NULL,
	};
	r.o.ngroup = 0; /* a list: no group columns */
	kc_report_staff_name(&r, 0); /* load the names now, not from inside the scan */
	kiscrm_query q = { 0, NULL,
			   KC_OPP_DIM_COLS | STATE_COLS | KC_BIT(KISCRM_OPPORTUNITY_NAME) |
				   KC_BIT(KISCRM_OPPORTUNITY_CLOSED) | KC_BIT(KISCRM_OPPORTUNITY_REASON) |
				   KC_BIT(KISCRM_OPPORTUNITY_REASON_CATEGORY) };
	if ((rc = kc_report_table(&r, &s.t, "missing-analysis")) == 0 && (rc = kc_add_columns(s.t, cols)) == 0)
		rc = kc_db_scan(db, &kc_opportunity_def, &q, missing_cb, &s);
	return kc_report_finish(out, s.t, &r, rc);
}
