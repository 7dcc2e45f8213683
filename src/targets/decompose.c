/* Decomposing targets: the yearly target of a metric (kiscrm_target_set_year), its exact
 * splits over finer periods and over dimensions (kiscrm_target_split_*), and the children
 * of a target (kiscrm_target_children). Each split replaces the previous decomposition
 * atomically. */
#include "targets/targets_internal.h"
#include "core/field.h"
#include "core/error.h"
#include "core/idvec.h"
#include "core/options.h"
#include "core/sort.h"
#include "core/vec.h"
#include "storage/db.h"
#include "storage/record.h"
#include "kiscrm/config.h"
#include "kiscrm/date.h"
#include "kiscrm/money.h"
#include "kiscrm/report.h"
#include "kiscrm/target.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A year has at most 53 week starts; anything finer than that is not a split. */
#define MAX_CHILD_PERIODS 64

/* --- yearly targets ----------------------------------------------------------------- */

/* *d = the caller's dimensions (NULL: none), checked. */
static int copy_dims(kiscrm_target_dims *d, const kiscrm_target_dims *dims)
{
	int rc = kc_options_copy(d, dims, &kc_target_dims_v);
	if (rc)
		return rc;
	if (d->department_id < 0 || d->owner_id < 0)
		return kc_error_set(KISCRM_EINVALID, "target dims: negative department or owner id");
	return KISCRM_OK;
}

/* kiscrm_target_set_year() inside its transaction: whether the target exists is
 * decided where it is inserted or updated, so two concurrent sets cannot both insert. */
static int set_year_locked(kiscrm_id *out, kiscrm_db *db, const char *metric, int money,
			   kiscrm_date start, kiscrm_money amount_or_count, const kiscrm_target_dims *d)
{
	int rc;
	kiscrm_id existing = 0;
	if ((rc = kc_target_find(db, metric, KISCRM_PERIOD_YEAR, start, d->business_line, d->product_line,
			      d->department_id, d->owner_id, 0, &existing)) != 0)
		return rc;
	kiscrm_record *r = NULL;
	int field = money ? KISCRM_TARGET_AMOUNT : KISCRM_TARGET_COUNT;
	if (existing) {
		if ((rc = kiscrm_record_get(&r, db, KISCRM_KIND_TARGET, existing)) != 0)
			return rc;
		kc_record_put_int(r, field, amount_or_count);
		rc = kiscrm_record_update(db, r);
	} else {
		if ((rc = kc_record_new(&r, &kc_target_def)) != 0)
			return rc;
		kc_record_put_int(r, KISCRM_TARGET_PERIOD, KISCRM_PERIOD_YEAR);
		kc_record_put_int(r, KISCRM_TARGET_START, start);
		kc_record_put_int(r, field, amount_or_count);
		if (d->department_id)
			kc_record_put_int(r, KISCRM_TARGET_DEPARTMENT_ID, d->department_id);
		if (d->owner_id)
			kc_record_put_int(r, KISCRM_TARGET_OWNER_ID, d->owner_id);
		if ((rc = kc_record_put_text(r, KISCRM_TARGET_METRIC, metric)) == 0 &&
		    (rc = kiscrm_record_set_text(r, KISCRM_TARGET_BUSINESS_LINE, d->business_line)) == 0 &&
		    (rc = kiscrm_record_set_text(r, KISCRM_TARGET_PRODUCT_LINE, d->product_line)) == 0)
			rc = kiscrm_record_insert(db, r);
	}
	if (rc == 0)
		*out = kiscrm_record_id(r);
	kiscrm_record_free(r);
	return rc;
}

int kiscrm_target_set_year(kiscrm_id *out, kiscrm_db *db, const char *metric, int fiscal_year,
			   kiscrm_money amount_or_count, const kiscrm_target_dims *dims)
{
	kiscrm_target_dims dcopy;
	int rc = kc_check_db(db);
	if (rc || (rc = copy_dims(&dcopy, dims)) != 0)
		return rc;
	int money = kiscrm_target_metric_is_money(metric);
	if (money < 0)
		return money;
	if (fiscal_year < 1 || fiscal_year > 9998) {
		char text[16];
		snprintf(text, sizeof(text), "%d", fiscal_year);
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "fiscal_year", text,
				       "target: fiscal year %s is out of range (1..9998)", text);
	}
	kiscrm_date start;
	kiscrm_id id = 0;
	if ((rc = kiscrm_date_from_ymd(&start, fiscal_year, kiscrm_config_fiscal_year_start(db->config), 1)) != 0 ||
	    (rc = kc_tx_begin(db)) != 0)
		return rc;
	rc = kc_tx_end(db, set_year_locked(&id, db, metric, money, start, amount_or_count, &dcopy));
	if (rc == 0 && out)
		*out = id;
	return rc;
}

/* --- splitting ------------------------------------------------------------------------ */

/* First days of the child periods of a target: every period of kind cper whose first day
 * lies in the target's period (weeks belong to the period containing their first day). */
static int child_starts(kiscrm_db *db, const kiscrm_record *p, int cper, kiscrm_date *starts, size_t *n)
{
	int pper = (int)kiscrm_record_int(p, KISCRM_TARGET_PERIOD);
	if (cper < KISCRM_PERIOD_WEEK || cper >= pper) {
		char text[16];
		snprintf(text, sizeof(text), "%d", cper);
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "period", text,
				       "target split: child period %s is not finer than the %s of target %lld",
				       text, kc_target_period_names[pper], (long long)kiscrm_record_id(p));
	}
	kiscrm_date pstart = (kiscrm_date)kiscrm_record_int(p, KISCRM_TARGET_START);
	kiscrm_date end = kiscrm_period_next(pstart, pper);
	kiscrm_date s = pstart;
	if (cper == KISCRM_PERIOD_WEEK) {
		s = kiscrm_date_week_start(pstart, kiscrm_config_week_start(db->config));
		if (s < pstart)
			s += 7;
	}
	*n = 0;
	for (; s < end && *n < MAX_CHILD_PERIODS; s = kiscrm_period_next(s, cper))
		starts[(*n)++] = s;
	return KISCRM_OK;
}

static int get_target(kiscrm_record **out, kiscrm_db *db, kiscrm_id id)
{
	int rc = kc_check_db(db);
	return rc ? rc : kiscrm_record_get(out, db, KISCRM_KIND_TARGET, id);
}

int kiscrm_target_split_count(size_t *n, kiscrm_db *db, kiscrm_id target_id, int child_period)
{
	if (!n)
		return kc_error_set(KISCRM_EINVALID, "output pointer is NULL");
	kiscrm_record *p = NULL;
	kiscrm_date starts[MAX_CHILD_PERIODS];
	int rc = get_target(&p, db, target_id);
	if (rc == 0)
		rc = child_starts(db, p, child_period, starts, n);
	kiscrm_record_free(p);
	return rc;
}

typedef struct {
	kc_idvec ids;
	int period;    /* children of this period … */
	unsigned mask; /* … and this dimension set are collected */
} child_list;

static int child_cb(void *payload, const kiscrm_value *row)
{
	child_list *l = payload;
	unsigned m = 0;
	for (int f = KISCRM_TARGET_BUSINESS_LINE; f <= KISCRM_TARGET_OWNER_ID; f++)
		if (row[KC_FI(f)].type != KISCRM_TYPE_NULL)
			m |= 1u << (f - KISCRM_TARGET_BUSINESS_LINE);
	if (row[KC_FI(KISCRM_TARGET_PERIOD)].u.i != l->period || m != l->mask)
		return 0;
	return kc_idvec_push(&l->ids, row[0].u.i);
}

/* Deletes the children of a decomposition (with their own children). */
static int delete_decomposition(kiscrm_db *db, kiscrm_id parent, int period, unsigned mask)
{
	kiscrm_cond c = { KISCRM_TARGET_PARENT_ID, KISCRM_OP_EQ, { KISCRM_TYPE_INT, { .i = parent } } };
	kiscrm_query q = { 1, &c, 0 };
	child_list l = { KC_IDVEC_INIT, period, mask };
	int rc = kc_db_scan(db, &kc_target_def, &q, child_cb, &l);
	for (size_t i = 0; rc == 0 && i < l.ids.n; i++)
		rc = kiscrm_record_delete(db, KISCRM_KIND_TARGET, l.ids.ids[i], KISCRM_DELETE_CASCADE);
	kc_idvec_free(&l.ids);
	return rc;
}

/* What varies between the children of one split. */
typedef struct {
	int period;                /* child period */
	int field;                 /* dimension field set per child, 0 for a time split */
	const kiscrm_date *starts; /* time split: per child */
	const char *const *keys;   /* text dimension: per child */
	const kiscrm_id *ids;      /* id dimension: per child */
} split_spec;

static int insert_child(kiscrm_db *db, const kiscrm_record *p, const split_spec *s, size_t i, int64_t value)
{
	kiscrm_record *c = NULL;
	int rc = kiscrm_record_dup(&c, p);
	if (rc)
		return rc;
	kc_record_set_id(c, 0);
	int money = kiscrm_target_metric_is_money(kiscrm_record_text(p, KISCRM_TARGET_METRIC));
	kc_record_put_int(c, money ? KISCRM_TARGET_AMOUNT : KISCRM_TARGET_COUNT, value);
	kc_record_put_int(c, KISCRM_TARGET_PARENT_ID, kiscrm_record_id(p));
	kc_record_put_int(c, KISCRM_TARGET_PERIOD, s->period);
	if (s->starts)
		kc_record_put_int(c, KISCRM_TARGET_START, s->starts[i]);
	if (s->keys)
		rc = kiscrm_record_set_text(c, s->field, s->keys[i]);
	if (s->ids)
		kc_record_put_int(c, s->field, s->ids[i]);
	if (rc == 0)
		rc = kiscrm_record_insert(db, c);
	kiscrm_record_free(c);
	return rc;
}

static int split(kiscrm_db *db, const kiscrm_record *p, const split_spec *s, const int64_t *weights, size_t n)
{
	if (!weights)
		return kc_error_set(KISCRM_EINVALID, "target split: weights are NULL");
	int money = kiscrm_target_metric_is_money(kiscrm_record_text(p, KISCRM_TARGET_METRIC));
	if (money < 0)
		return money;
	int64_t total = kiscrm_record_int(p, money ? KISCRM_TARGET_AMOUNT : KISCRM_TARGET_COUNT);
	int64_t *parts = malloc(n * sizeof(*parts));
	if (!parts)
		return kc_error_oom();
	int rc = kiscrm_money_split(parts, total, weights, n);
	if (rc) {
		free(parts);
		return rc;
	}
	unsigned mask = kc_target_rec_mask(p);
	if (s->field)
		mask |= 1u << (s->field - KISCRM_TARGET_BUSINESS_LINE);
	rc = delete_decomposition(db, kiscrm_record_id(p), s->period, mask);
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = insert_child(db, p, s, i, parts[i]);
	free(parts);
	return rc;
}

static int split_time_locked(kiscrm_db *db, kiscrm_id target_id, int child_period, const int64_t *weights,
			     size_t n)
{
	kiscrm_record *p = NULL;
	kiscrm_date starts[MAX_CHILD_PERIODS];
	size_t want = 0;
	int rc = get_target(&p, db, target_id);
	if (rc == 0 && (rc = child_starts(db, p, child_period, starts, &want)) == 0 && n != want) {
		char s[16];
		kc_target_fmt_date(s, (kiscrm_date)kiscrm_record_int(p, KISCRM_TARGET_START));
		rc = kc_error_set(KISCRM_EINVALID,
				  "target split: the %s starting %s has %zu %ss, but %zu weights were given",
				  kc_target_period_names[kiscrm_record_int(p, KISCRM_TARGET_PERIOD)], s, want,
				  kc_target_period_names[child_period], n);
	}
	if (rc == 0) {
		split_spec sp = { child_period, 0, starts, NULL, NULL };
		rc = split(db, p, &sp, weights, n);
	}
	kiscrm_record_free(p);
	return rc;
}

/* Every split reads the parent target (its amount, period, dimensions) inside the
 * transaction that replaces its children. */
int kiscrm_target_split_time(kiscrm_db *db, kiscrm_id target_id, int child_period, const int64_t *weights,
			     size_t n)
{
	int rc = kc_check_db(db);
	if (rc || (rc = kc_tx_begin(db)) != 0)
		return rc;
	return kc_tx_end(db, split_time_locked(db, target_id, child_period, weights, n));
}

/* Field of a split dimension, after checking that it is of the right kind and not set. */
static int dim_field(const kiscrm_record *p, int group, int want_text, int *field)
{
	switch (group) {
	case KISCRM_GROUP_BUSINESS_LINE: *field = KISCRM_TARGET_BUSINESS_LINE; break;
	case KISCRM_GROUP_PRODUCT_LINE: *field = KISCRM_TARGET_PRODUCT_LINE; break;
	case KISCRM_GROUP_DEPARTMENT: *field = KISCRM_TARGET_DEPARTMENT_ID; break;
	case KISCRM_GROUP_OWNER: *field = KISCRM_TARGET_OWNER_ID; break;
	default:
		return kc_error_set(KISCRM_EINVALID, "target split: group %d is not a target dimension "
				    "(business line, product line, department, owner)", group);
	}
	int is_text = *field <= KISCRM_TARGET_PRODUCT_LINE;
	const char *name = p->def->fields[KC_FI(*field)].name;
	if (is_text != want_text)
		return kc_error_set(KISCRM_EINVALID, "target split: %s is split with %s", name,
				    is_text ? "kiscrm_target_split_dim_keys()" : "kiscrm_target_split_dim_ids()");
	if (!kiscrm_record_is_null(p, *field))
		return kc_error_set(KISCRM_EINVALID, "target split: target %lld is already set for a %s",
				    (long long)kiscrm_record_id(p), name);
	return KISCRM_OK;
}

/* A dimension split of the target read inside the transaction: by text @keys or by @ids. */
static int split_dim_locked(kiscrm_db *db, kiscrm_id target_id, int group, const char *const *keys,
			    const kiscrm_id *ids, const int64_t *weights, size_t n)
{
	kiscrm_record *p = NULL;
	int field = 0;
	int rc = get_target(&p, db, target_id);
	if (rc == 0 && (rc = dim_field(p, group, keys != NULL, &field)) == 0) {
		split_spec sp = { (int)kiscrm_record_int(p, KISCRM_TARGET_PERIOD), field, NULL, keys, ids };
		rc = split(db, p, &sp, weights, n);
	}
	kiscrm_record_free(p);
	return rc;
}

int kiscrm_target_split_dim_keys(kiscrm_db *db, kiscrm_id target_id, int group, const char *const *keys,
				 const int64_t *weights, size_t n)
{
	if (!keys || n == 0)
		return kc_error_set(KISCRM_EINVALID, "target split: no keys");
	for (size_t i = 0; i < n; i++) {
		if (!keys[i])
			return kc_error_set(KISCRM_EINVALID, "target split: key %zu is NULL", i);
		for (size_t j = 0; j < i; j++)
			if (strcmp(keys[i], keys[j]) == 0)
				return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, NULL, keys[i],
						       "target split: key '%s' is given twice", keys[i]);
	}
	int rc = kc_check_db(db);
	if (rc || (rc = kc_tx_begin(db)) != 0)
		return rc;
	return kc_tx_end(db, split_dim_locked(db, target_id, group, keys, NULL, weights, n));
}

int kiscrm_target_split_dim_ids(kiscrm_db *db, kiscrm_id target_id, int group, const kiscrm_id *ids,
				const int64_t *weights, size_t n)
{
	if (!ids || n == 0)
		return kc_error_set(KISCRM_EINVALID, "target split: no ids");
	for (size_t i = 0; i < n; i++) {
		char text[24];
		snprintf(text, sizeof(text), "%lld", (long long)ids[i]);
		if (ids[i] <= 0)
			return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, NULL, text,
					       "target split: id %s is not a positive id", text);
		for (size_t j = 0; j < i; j++)
			if (ids[i] == ids[j])
				return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, NULL, text,
						       "target split: id %s is given twice", text);
	}
	int rc = kc_check_db(db);
	if (rc || (rc = kc_tx_begin(db)) != 0)
		return rc;
	return kc_tx_end(db, split_dim_locked(db, target_id, group, NULL, ids, weights, n));
}

/* --- children ----------------------------------------------------------------------- */

typedef struct {
	kiscrm_id id;
	kiscrm_date start;
	int period;
} child_key;

typedef struct {
	child_key *v;
	size_t n, cap;
} child_keys;

static int child_key_cb(void *payload, const kiscrm_value *row)
{
	child_keys *l = payload;
	if (KC_VEC_GROW(l->v, l->n, l->cap, 16))
		return KISCRM_ENOMEM;
	child_key k = { row[0].u.i, (kiscrm_date)row[KC_FI(KISCRM_TARGET_START)].u.i,
			(int)row[KC_FI(KISCRM_TARGET_PERIOD)].u.i };
	l->v[l->n++] = k;
	return 0;
}

static int cmp_child_key(const void *a, const void *b)
{
	const child_key *x = a, *y = b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->period != y->period)
		return x->period > y->period ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

int kiscrm_target_children(kiscrm_id **ids, size_t *count, kiscrm_db *db, kiscrm_id target_id)
{
	int rc = kc_check_db(db);
	if (rc)
		return rc;
	if (!ids || !count)
		return kc_error_set(KISCRM_EINVALID, "output pointer is NULL");
	const kiscrm_kind_def *def = &kc_target_def;
	if ((rc = kc_db_exists(db, def, target_id)) <= 0)
		return rc < 0 ? rc : kc_error_set(KISCRM_ENOTFOUND, "target %lld does not exist",
						  (long long)target_id);
	kiscrm_cond c = { KISCRM_TARGET_PARENT_ID, KISCRM_OP_EQ, { KISCRM_TYPE_INT, { .i = target_id } } };
	kiscrm_query q = { 1, &c, KC_BIT(KISCRM_TARGET_START) | KC_BIT(KISCRM_TARGET_PERIOD) | 1u };
	child_keys l = { NULL, 0, 0 };
	if ((rc = kc_db_scan(db, def, &q, child_key_cb, &l)) != 0) {
		free(l.v);
		return rc;
	}
	kc_sort(l.v, l.n, sizeof(*l.v), cmp_child_key);
	kiscrm_id *out = NULL;
	if (l.n && !(out = malloc(l.n * sizeof(*out)))) {
		free(l.v);
		return kc_error_oom();
	}
	for (size_t i = 0; i < l.n; i++)
		out[i] = l.v[i].id;
	free(l.v);
	*ids = out;
	*count = l.n;
	return KISCRM_OK;
}
