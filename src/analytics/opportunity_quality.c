/* Qualification rate (商机合格率): which open opportunities are valid, per group, and the
 * list of the invalid ones with their reasons. One projected scan of the opportunities. */
#include "funnel_data.h"
#include "core/field.h"
#include "pipeline/kinds.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/vec.h"
#include "kiscrm/report.h"

#include <stdlib.h>
#include <string.h>

/* Reasons, in the order they are listed. */
enum {
	R_NO_CUSTOMER = 1 << 0,
	R_NO_CONTACT = 1 << 1,
	R_NO_AMOUNT = 1 << 2,
	R_NO_EXPECTED_CLOSE = 1 << 3,
	R_NO_RECENT_ACTIVITY = 1 << 4,
	R_OVERDUE = 1 << 5,
};

static const char *const reason_codes[] = {
	"no_customer", "no_contact", "no_amount", "no_expected_close", "no_recent_activity", "overdue",
};
#define NREASONS (sizeof(reason_codes) / sizeof(reason_codes[0]))

#define QUAL_COLS                                                                               \
	(KC_OPP_DIM_COLS | KC_BIT(KISCRM_OPPORTUNITY_PIPELINE) | KC_BIT(KISCRM_OPPORTUNITY_STAGE) | \
	 KC_BIT(KISCRM_OPPORTUNITY_STATUS) | KC_BIT(KISCRM_OPPORTUNITY_CONTACT_ID) |             \
	 KC_BIT(KISCRM_OPPORTUNITY_AMOUNT) | KC_BIT(KISCRM_OPPORTUNITY_EXPECTED_CLOSE) |         \
	 KC_BIT(KISCRM_OPPORTUNITY_LAST_ACTIVITY))

typedef struct qual_scan {
	kc_report *r;
	int activity_days;
	/* per group (the rate report) */
	int64_t *open, *valid;
	size_t cap;
	/* the list report */
	kiscrm_table *list;
} qual_scan;

/* Reasons why an opportunity row is invalid as of r->as_of (0: valid). */
static unsigned int invalid_reasons(const qual_scan *q, const kiscrm_value *row)
{
	unsigned int why = 0;
	kiscrm_date as_of = q->r->as_of;
	if (kc_val_int(&row[KC_FI(KISCRM_OPPORTUNITY_CUSTOMER_ID)], 0) == 0)
		why |= R_NO_CUSTOMER;
	if (kc_val_int(&row[KC_FI(KISCRM_OPPORTUNITY_CONTACT_ID)], 0) == 0)
		why |= R_NO_CONTACT;
	if (kc_val_int(&row[KC_FI(KISCRM_OPPORTUNITY_AMOUNT)], 0) <= 0)
		why |= R_NO_AMOUNT;
	kiscrm_date close = kc_val_date(&row[KC_FI(KISCRM_OPPORTUNITY_EXPECTED_CLOSE)]);
	if (close == KISCRM_DATE_NONE)
		why |= R_NO_EXPECTED_CLOSE;
	else if (close < as_of)
		why |= R_OVERDUE;
	kiscrm_date act = kc_val_date(&row[KC_FI(KISCRM_OPPORTUNITY_LAST_ACTIVITY)]);
	if (act == KISCRM_DATE_NONE || (int64_t)as_of - act > q->activity_days)
		why |= R_NO_RECENT_ACTIVITY;
	return why;
}

/* The open opportunities that pass the filters; *d receives their facts. */
static int wanted(const qual_scan *q, const kiscrm_value *row, kc_dims *d)
{
	const char *pipeline = kc_val_text(&row[KC_FI(KISCRM_OPPORTUNITY_PIPELINE)]);
	if (!kc_opp_in_pipeline(q->r, pipeline) ||
	    kc_opp_state(q->r->db->config, pipeline, kc_val_text(&row[KC_FI(KISCRM_OPPORTUNITY_STAGE)]),
			 kc_val_text(&row[KC_FI(KISCRM_OPPORTUNITY_STATUS)])) != KISCRM_STAGE_OPEN)
		return 0;
	kc_opp_dims(row, d);
	return kc_report_accept(q->r, d);
}

static int rate_count(qual_scan *q, size_t g, int valid);

static int rate_cb(void *payload, const kiscrm_value *row)
{
	qual_scan *q = payload;
	kc_dims d;
	size_t gs[KC_MAX_CHAIN], n;
	if (!wanted(q, row, &d))
		return 0;
	int rc = kc_report_groups(q->r, &d, gs, &n);
	int valid = rc == 0 && n ? invalid_reasons(q, row) == 0 : 0;
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = rate_count(q, gs[i], valid);
	return rc;
}

static int rate_count(qual_scan *q, size_t g, int valid)
{
	if (g >= q->cap) {
		size_t cap = kc_vec_next_cap(q->cap, 16);
		if (KC_VEC_RESIZE(q->open, cap) || KC_VEC_RESIZE(q->valid, cap))
			return KISCRM_ENOMEM;
		memset(q->open + q->cap, 0, (cap - q->cap) * sizeof(*q->open));
		memset(q->valid + q->cap, 0, (cap - q->cap) * sizeof(*q->valid));
		q->cap = cap;
	}
	q->open[g]++;
	q->valid[g] += valid;
	return 0;
}

static int begin(qual_scan *q, kc_report *r, kiscrm_db *db, const kiscrm_report_options *opts)
{
	memset(q, 0, sizeof(*q));
	int rc = kc_report_begin(r, db, opts);
	if (rc)
		return rc;
	q->r = r;
	q->activity_days = kc_config_analysis(db->config)->activity_days;
	return KISCRM_OK;
}

int kiscrm_report_qualification(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts)
{
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_report_qualification: out pointer is NULL");
	*out = NULL;
	kc_report r;
	qual_scan q;
	kiscrm_table *t = NULL;
	size_t *order = NULL;
	int rc = begin(&q, &r, db, opts);
	if (rc)
		return rc;
	static const char *const cols[] = { "open_count:int", "valid_count:int", "rate:rate", NULL };
	kiscrm_query query = { 0, NULL, QUAL_COLS };
	size_t base = r.o.ngroup;
	if ((rc = kc_db_scan(db, &kc_opportunity_def, &query, rate_cb, &q)) == 0 &&
	    (rc = kc_report_table(&r, &t, "qualification")) == 0 && (rc = kc_add_columns(t, cols)) == 0)
		rc = kc_report_sorted(&r, &order);
	for (size_t k = 0; rc == 0 && k < r.ngroups; k++) {
		size_t g = order[k], row;
		if ((rc = kc_report_add_row(&r, t, g, KISCRM_ROW_DETAIL, &row)) == 0 &&
		    (rc = kc_cell_int(t, row, base, q.open[g])) == 0 &&
		    (rc = kc_cell_int(t, row, base + 1, q.valid[g])) == 0)
			rc = kc_cell_ratio(t, row, base + 2, (double)q.valid[g], (double)q.open[g]);
	}
	free(order);
	free(q.open);
	free(q.valid);
	return kc_report_finish(out, t, &r, rc);
}

static int list_cb(void *payload, const kiscrm_value *row)
{
	qual_scan *q = payload;
	kc_dims d;
	if (!wanted(q, row, &d))
		return 0;
	unsigned int why = invalid_reasons(q, row);
	if (!why)
		return 0;
	char reasons[128];
	size_t len = 0;
	reasons[0] = '\0';
	for (size_t i = 0; i < NREASONS; i++) {
		if (!(why & (1u << i)))
			continue;
		size_t n = strlen(reason_codes[i]);
		if (len)
			reasons[len++] = ',';
		memcpy(reasons + len, reason_codes[i], n + 1);
		len += n;
	}
	kiscrm_table *t = q->list;
	int idx = kiscrm_table_add_row(t, KISCRM_ROW_DETAIL);
	if (idx < 0)
		return idx;
	size_t r = (size_t)idx;
	const kiscrm_value *amount = &row[KC_FI(KISCRM_OPPORTUNITY_AMOUNT)];
	int rc = kc_cell_int(t, r, 0, row[KC_FI(KISCRM_OPPORTUNITY_ID)].u.i);
	if (rc == 0)
		rc = kc_cell_text(t, r, 1, kc_val_text(&row[KC_FI(KISCRM_OPPORTUNITY_NAME)]));
	if (rc == 0)
		rc = kc_cell_text(t, r, 2, kc_report_staff_name(q->r, d.owner_id));
	if (rc == 0)
		rc = kc_cell_text(t, r, 3, kc_val_text(&row[KC_FI(KISCRM_OPPORTUNITY_STAGE)]));
	if (rc == 0 && amount->type != KISCRM_TYPE_NULL)
		rc = kc_cell_int(t, r, 4, amount->u.i);
	if (rc == 0)
		rc = kc_cell_text(t, r, 5, reasons);
	return rc;
}

int kiscrm_report_invalid_opportunities(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts)
{
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_report_invalid_opportunities: out pointer is NULL");
	*out = NULL;
	kc_report r;
	qual_scan q;
	int rc = begin(&q, &r, db, opts);
	if (rc)
		return rc;
	static const char *const cols[] = {
		"id:int", "name:text", "owner:text", "stage:text", "amount:money", "reasons:text", NULL,
	};
	r.o.ngroup = 0; /* a list: no group columns */
	kiscrm_query query = { 0, NULL, QUAL_COLS | KC_BIT(KISCRM_OPPORTUNITY_NAME) };
	kc_report_staff_name(&r, 0); /* load the names now, not from inside the scan */
	if ((rc = kc_report_table(&r, &q.list, "invalid-opportunities")) == 0 &&
	    (rc = kc_add_columns(q.list, cols)) == 0)
		rc = kc_db_scan(db, &kc_opportunity_def, &query, list_cb, &q);
	return kc_report_finish(out, q.list, &r, rc);
}
