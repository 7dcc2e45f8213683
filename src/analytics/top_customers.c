/* The top customers (大客户排名): customers ranked by the value of the opportunities won
 * from them in the window (closed date in it), then by their number, then by customer id.
 * A listing report: group_by is ignored; owner and department filters apply to the
 * opportunities. */
#include "analytics/funnel_data.h"
#include "core/error.h"
#include "core/field.h"
#include "core/map.h"
#include "core/sort.h"
#include "core/sum.h"
#include "core/vec.h"
#include "entities/kinds.h"
#include "kiscrm/customer.h"
#include "pipeline/kinds.h"

#include <stdlib.h>
#include <string.h>

typedef struct top_row {
	kiscrm_id customer;
	int64_t count;
	kiscrm_money amount;
} top_row;

typedef struct top_scan {
	kc_report *r;
	kc_idmap index; /* customer id → row */
	top_row *rows;
	size_t n, cap;
	kiscrm_money total;
} top_scan;

static int won_cb(void *payload, const kiscrm_value *row)
{
	top_scan *s = payload;
	kc_report *r = s->r;
	const char *pipeline = kc_val_text(&row[KC_FI(KISCRM_OPPORTUNITY_PIPELINE)]);
	kc_dims d;
	kc_opp_dims(row, &d);
	if (!d.customer_id || !kc_opp_in_pipeline(r, pipeline) || !kc_report_accept(r, &d) ||
	    kc_opp_state(r->db->config, pipeline, kc_val_text(&row[KC_FI(KISCRM_OPPORTUNITY_STAGE)]),
			 kc_val_text(&row[KC_FI(KISCRM_OPPORTUNITY_STATUS)])) != KISCRM_STAGE_WON ||
	    !kc_report_in_window(r, kc_val_date(&row[KC_FI(KISCRM_OPPORTUNITY_CLOSED)])))
		return 0;
	size_t i;
	int rc;
	if (!kc_idmap_get(&s->index, d.customer_id, &i)) {
		if (KC_VEC_GROW(s->rows, s->n, s->cap, 64))
			return KISCRM_ENOMEM;
		i = s->n++;
		s->rows[i] = (top_row){ d.customer_id, 0, 0 };
		if ((rc = kc_idmap_put(&s->index, d.customer_id, i)) != 0)
			return rc;
	}
	kiscrm_money amount = kc_val_int(&row[KC_FI(KISCRM_OPPORTUNITY_AMOUNT)], 0);
	s->rows[i].count++;
	if ((rc = kc_money_add(&s->rows[i].amount, amount)) != 0)
		return rc;
	return kc_money_add(&s->total, amount);
}

static int by_value(const void *a, const void *b)
{
	const top_row *x = a, *y = b;
	if (x->amount != y->amount)
		return x->amount > y->amount ? -1 : 1;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return (x->customer > y->customer) - (x->customer < y->customer);
}

typedef struct {
	kiscrm_table *t;
	size_t row;
} name_put;

/* The customer's name into column 2 of the row. */
static int put_name_cb(void *payload, const kiscrm_value *row)
{
	name_put *p = payload;
	const kiscrm_value *v = &row[KC_FI(KISCRM_CUSTOMER_NAME)];
	return v->type == KISCRM_TYPE_TEXT ? kc_cell_text(p->t, p->row, 2, v->u.s) : 0;
}

int kiscrm_report_top_customers(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts)
{
	static const char *const cols[] = {
		"rank:int", "customer_id:int", "customer:text", "won_count:int", "won_amount:money", "share:rate", NULL,
	};
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_report_top_customers: out pointer is NULL");
	*out = NULL;
	kc_report r;
	top_scan s;
	kiscrm_table *t = NULL;
	memset(&s, 0, sizeof(s));
	int rc = kc_report_begin(&r, db, opts);
	if (rc)
		return rc;
	s.r = &r;
	kiscrm_query q = { 0, NULL, KC_OPP_DIM_COLS | KC_BIT(KISCRM_OPPORTUNITY_PIPELINE) | KC_BIT(KISCRM_OPPORTUNITY_STAGE) |
					  KC_BIT(KISCRM_OPPORTUNITY_STATUS) | KC_BIT(KISCRM_OPPORTUNITY_CLOSED) |
					  KC_BIT(KISCRM_OPPORTUNITY_AMOUNT) };
	if ((rc = kc_db_scan(db, &kc_opportunity_def, &q, won_cb, &s)) == 0 && (rc = kiscrm_table_new(&t, "top-customers")) == 0) {
		kc_report_label(t, db);
		if ((rc = kc_add_columns(t, cols)) == 0)
			rc = kiscrm_table_set_money_decimals(t, r.decimals);
	}
	kc_sort(s.rows, s.n, sizeof(*s.rows), by_value);
	for (size_t i = 0; rc == 0 && i < s.n; i++) {
		int ri = kiscrm_table_add_row(t, KISCRM_ROW_DETAIL);
		if (ri < 0) {
			rc = ri;
			break;
		}
		name_put p = { t, (size_t)ri };
		const top_row *x = &s.rows[i];
		if ((rc = kc_cell_int(t, p.row, 0, (int64_t)i + 1)) || (rc = kc_cell_int(t, p.row, 1, x->customer)) ||
		    (rc = kc_db_get(db, &kc_customer_def, x->customer, put_name_cb, &p)) ||
		    (rc = kc_cell_int(t, p.row, 3, x->count)) || (rc = kc_cell_int(t, p.row, 4, x->amount)))
			break;
		rc = kc_cell_ratio(t, p.row, 5, (double)x->amount, (double)s.total);
	}
	free(s.rows);
	kc_idmap_dispose(&s.index);
	return kc_report_finish(out, t, &r, rc);
}
