/* The customer value reports: the ranking with scores and classes (customer-value), the
 * movements between stored classes (value-movements), and the IDIC lists (idic). */
#include "value/value_internal.h"
#include "value/kinds.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/field.h"
#include "core/sort.h"
#include "core/vec.h"
#include "kiscrm/value.h"

#include <stdlib.h>
#include <string.h>

static int class_text(kiscrm_table *t, size_t row, size_t col, char cls)
{
	char s[2] = { cls, '\0' };
	return cls ? kc_cell_text(t, row, col, s) : KISCRM_OK;
}

int kiscrm_report_customer_value(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts)
{
	static const char *const cols[] = {
		"rank:int", "customer_id:int", "customer:text", "contract:money", "service:money", "cost:money",
		"years:int", "score:money", "class:text", NULL,
	};
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_report_customer_value: out pointer is NULL");
	*out = NULL;
	kc_value v;
	kiscrm_table *t = NULL;
	int rc = kc_value_run(&v, db, opts);
	if (rc == 0)
		rc = kc_report_listing(&v.r, &t, "customer-value", cols);
	for (size_t k = 0; rc == 0 && k < v.nranked; k++) {
		const kc_value_customer *c = &v.cust[v.order[k]];
		size_t row;
		if (!c->accepted)
			continue;
		if ((rc = kc_add_row(t, KISCRM_ROW_DETAIL, &row)) || (rc = kc_cell_int(t, row, 0, c->rank)) || (rc = kc_cell_int(t, row, 1, c->id)) ||
		    (rc = kc_cell_text(t, row, 2, c->name)) || (rc = kc_cell_int(t, row, 3, c->contract)) ||
		    (rc = kc_cell_int(t, row, 4, c->service)) || (rc = kc_cell_int(t, row, 5, c->cost)) ||
		    (rc = kc_cell_int(t, row, 6, c->years)) || (rc = kc_cell_int(t, row, 7, c->score)))
			break;
		rc = class_text(t, row, 8, c->cls);
	}
	kc_value_end(&v);
	return kc_report_deliver(out, t, rc);
}

/* ---- movements between stored classes ---- */

typedef struct stored {
	kiscrm_id customer;
	kiscrm_date as_of;
	char cls;
} stored;

typedef struct {
	stored *v;
	size_t n, cap;
	kiscrm_date before; /* only classes dated before this day */
} stored_set;

static int stored_cb(void *payload, const kiscrm_value *row)
{
	stored_set *s = payload;
	kiscrm_date d = (kiscrm_date)row[KC_FI(KISCRM_VALUE_CLASS_AS_OF)].u.i;
	const kiscrm_value *c = &row[KC_FI(KISCRM_VALUE_CLASS_CLASS)];
	if (d >= s->before || c->type != KISCRM_TYPE_TEXT)
		return 0;
	if (KC_VEC_GROW(s->v, s->n, s->cap, 64))
		return KISCRM_ENOMEM;
	s->v[s->n++] = (stored){ row[KC_FI(KISCRM_VALUE_CLASS_CUSTOMER_ID)].u.i, d, c->u.s[0] };
	return 0;
}

static int by_customer_date(const void *x, const void *y)
{
	const stored *a = x, *b = y;
	if (a->customer != b->customer)
		return (a->customer > b->customer) - (a->customer < b->customer);
	return (a->as_of > b->as_of) - (a->as_of < b->as_of);
}

/* The latest class of customer entries [i, j) dated before @day (NULL: none). */
static const stored *latest_before(const stored *v, size_t i, size_t j, kiscrm_date day)
{
	const stored *found = NULL;
	for (; i < j && v[i].as_of < day; i++)
		found = &v[i];
	return found;
}

int kiscrm_report_value_movements(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts)
{
	static const char *const cols[] = {
		"customer_id:int", "customer:text", "from_class:text", "from_as_of:date", "to_class:text",
		"to_as_of:date", NULL,
	};
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_report_value_movements: out pointer is NULL");
	*out = NULL;
	kc_value v; /* for the customers' names and the filters */
	kiscrm_table *t = NULL;
	/* the class known at the window's start (dated before from) against the one known
	 * at its end (dated before to) */
	stored_set s = { NULL, 0, 0, 0 };
	int rc = kc_value_run(&v, db, opts);
	s.before = v.r.to;
	if (rc == 0 && (rc = kc_db_scan(db, &kc_value_class_def, NULL, stored_cb, &s)) == 0)
		rc = kc_report_listing(&v.r, &t, "value-movements", cols);
	if (rc == 0)
		kc_sort(s.v, s.n, sizeof(*s.v), by_customer_date);
	for (size_t i = 0; rc == 0 && i < s.n;) {
		size_t j = i, k;
		while (j < s.n && s.v[j].customer == s.v[i].customer)
			j++;
		const stored *was = latest_before(s.v, i, j, v.r.from), *now = latest_before(s.v, i, j, v.r.to);
		kiscrm_id id = s.v[i].customer;
		i = j;
		if (!now || (was && was->cls == now->cls) || !kc_idmap_get(&v.index, id, &k) || !v.cust[k].accepted)
			continue;
		size_t row;
		if ((rc = kc_add_row(t, KISCRM_ROW_DETAIL, &row)) || (rc = kc_cell_int(t, row, 0, id)) ||
		    (rc = kc_cell_text(t, row, 1, v.cust[k].name)) ||
		    (was && ((rc = class_text(t, row, 2, was->cls)) || (rc = kc_cell_int(t, row, 3, was->as_of)))) ||
		    (rc = class_text(t, row, 4, now->cls)))
			break;
		rc = kc_cell_int(t, row, 5, now->as_of);
	}
	free(s.v);
	kc_value_end(&v);
	return kc_report_deliver(out, t, rc);
}
