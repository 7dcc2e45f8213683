/* Targets (业绩指标): the rules of a target record, yearly targets, exact splits over time
 * and dimensions, the lookup other reports compare with (target_lookup.h), and the
 * "targets" and "target_check" reports. */
#include "core/sort.h"
#include "core/field.h"
#include "storage/record.h"
#include "money/kinds.h"
#include "target_lookup.h"
#include "core/error.h"
#include "core/vec.h"
#include "core/options.h"
#include "core/idvec.h"
#include "money/money_internal.h"
#include "storage/checks.h"
#include "kiscrm/config.h"
#include "kiscrm/date.h"
#include "kiscrm/money.h"
#include "kiscrm/org.h"
#include "kiscrm/target.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A year has at most 53 week starts; anything finer than that is not a split. */
#define MAX_CHILD_PERIODS 64

static const struct {
	const char *key;
	int money;
} metrics[] = {
	{ KISCRM_METRIC_CONTRACT_AMOUNT, 1 },
	{ KISCRM_METRIC_COLLECTION_AMOUNT, 1 },
	{ KISCRM_METRIC_NEW_CUSTOMERS, 0 },
	{ KISCRM_METRIC_OPPORTUNITIES_CREATED, 0 },
	{ KISCRM_METRIC_VISITS, 0 },
};
#define NMETRICS ((int)(sizeof(metrics) / sizeof(metrics[0])))
#define METRIC_LIST "contract_amount, collection_amount, new_customers, opportunities_created, visits"

static const char *const period_names[] = { NULL, "week", "month", "quarter", "year" };

static int metric_index(const char *m)
{
	for (int i = 0; m && i < NMETRICS; i++)
		if (strcmp(metrics[i].key, m) == 0)
			return i;
	return -1;
}

int kiscrm_target_metric_is_money(const char *metric)
{
	int i = metric_index(metric);
	if (i < 0)
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "metric", metric,
				       "target.metric: '%s' is not a known metric (" METRIC_LIST ")",
				       metric ? metric : "(null)");
	return metrics[i].money;
}

int kiscrm_target_dims_init(kiscrm_target_dims *dims, unsigned int version)
{
	return kc_options_init(dims, version, &kc_target_dims_v);
}

/* --- small helpers ------------------------------------------------------------------ */

static int streq(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static void fmt_date(char buf[16], kiscrm_date d)
{
	if (kiscrm_date_format(buf, 16, d) < 0)
		snprintf(buf, 16, "%ld", (long)d);
}

/* Which dimensions a target record has set (KC_TLEVEL_* bits). */
static unsigned rec_mask(const kiscrm_record *r)
{
	unsigned m = 0;
	if (!kiscrm_record_is_null(r, KISCRM_TARGET_BUSINESS_LINE))
		m |= KC_TLEVEL_BUSINESS_LINE;
	if (!kiscrm_record_is_null(r, KISCRM_TARGET_PRODUCT_LINE))
		m |= KC_TLEVEL_PRODUCT_LINE;
	if (!kiscrm_record_is_null(r, KISCRM_TARGET_DEPARTMENT_ID))
		m |= KC_TLEVEL_DEPARTMENT;
	if (!kiscrm_record_is_null(r, KISCRM_TARGET_OWNER_ID))
		m |= KC_TLEVEL_OWNER;
	return m;
}

static kiscrm_value text_val(const char *s)
{
	kiscrm_value v = { KISCRM_TYPE_NULL, { 0 } };
	if (s) {
		v.type = KISCRM_TYPE_TEXT;
		v.u.s = s;
	}
	return v;
}

static kiscrm_value int_val(int type, int64_t i, int null_when_zero)
{
	kiscrm_value v = { KISCRM_TYPE_NULL, { 0 } };
	if (!(null_when_zero && i == 0)) {
		v.type = type;
		v.u.i = i;
	}
	return v;
}

static int collect_id_cb(void *payload, const kiscrm_value *row)
{
	kiscrm_id *id = payload;
	if (!*id)
		*id = row[0].u.i;
	return 0;
}

typedef struct {
	kiscrm_id exclude, found;
} find_ctx;

static int find_cb(void *payload, const kiscrm_value *row)
{
	find_ctx *f = payload;
	if (row[0].u.i != f->exclude && !f->found)
		f->found = row[0].u.i;
	return 0;
}

/* The target with exactly this identity (metric, period, start, dimensions), other than
 * `exclude`; *found is 0 when there is none. */
static int find_target(kiscrm_db *db, const char *metric, int period, kiscrm_date start, const char *bl,
		       const char *pl, kiscrm_id dept, kiscrm_id owner, kiscrm_id exclude, kiscrm_id *found)
{
	kiscrm_cond c[7] = {
		{ KISCRM_TARGET_METRIC, KISCRM_OP_EQ, text_val(metric) },
		{ KISCRM_TARGET_PERIOD, KISCRM_OP_EQ, int_val(KISCRM_TYPE_INT, period, 0) },
		{ KISCRM_TARGET_START, KISCRM_OP_EQ, int_val(KISCRM_TYPE_DATE, start, 0) },
		{ KISCRM_TARGET_BUSINESS_LINE, KISCRM_OP_EQ, text_val(bl) },
		{ KISCRM_TARGET_PRODUCT_LINE, KISCRM_OP_EQ, text_val(pl) },
		{ KISCRM_TARGET_DEPARTMENT_ID, KISCRM_OP_EQ, int_val(KISCRM_TYPE_INT, dept, 1) },
		{ KISCRM_TARGET_OWNER_ID, KISCRM_OP_EQ, int_val(KISCRM_TYPE_INT, owner, 1) },
	};
	kiscrm_query q = { 7, c, 1 };
	find_ctx f = { exclude, 0 };
	int rc = kc_db_scan(db, &kc_target_def, &q, find_cb, &f);
	*found = f.found;
	return rc;
}

static int has_children(kiscrm_db *db, kiscrm_id id, int *yes)
{
	kiscrm_cond c = { KISCRM_TARGET_PARENT_ID, KISCRM_OP_EQ, { KISCRM_TYPE_INT, { .i = id } } };
	kiscrm_query q = { 1, &c, 1 };
	kiscrm_id first = 0;
	int rc = kc_db_scan(db, &kc_target_def, &q, collect_id_cb, &first);
	*yes = first != 0;
	return rc;
}

/* --- the rules of a target record ------------------------------------------------------ */

static int check_period_start(kiscrm_db *db, const kiscrm_record *rec)
{
	if (kiscrm_record_is_null(rec, KISCRM_TARGET_PERIOD))
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "period", NULL, "target.period is required");
	int64_t p = kiscrm_record_int(rec, KISCRM_TARGET_PERIOD);
	char text[32];
	if (p < KISCRM_PERIOD_WEEK || p > KISCRM_PERIOD_YEAR) {
		snprintf(text, sizeof(text), "%lld", (long long)p);
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "period", text,
				       "target.period: %s is not a period (1 week, 2 month, 3 quarter, 4 year)",
				       text);
	}
	if (kiscrm_record_is_null(rec, KISCRM_TARGET_START))
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "start", NULL, "target.start is required");
	kiscrm_date start = (kiscrm_date)kiscrm_record_int(rec, KISCRM_TARGET_START);
	kiscrm_date want = kiscrm_period_start(start, (int)p, kiscrm_config_week_start(db->config),
					       kiscrm_config_fiscal_year_start(db->config));
	if (want != start) {
		char want_text[16];
		fmt_date(text, start);
		fmt_date(want_text, want);
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "start", text,
				       "target.start: %s is not the first day of a %s (that %s starts on %s)",
				       text, period_names[p], period_names[p], want_text);
	}
	return KISCRM_OK;
}

static int check_value(kiscrm_db *db, const kiscrm_record *rec, int money)
{
	int field = money ? KISCRM_TARGET_AMOUNT : KISCRM_TARGET_COUNT;
	int other = money ? KISCRM_TARGET_COUNT : KISCRM_TARGET_AMOUNT;
	const char *metric = kiscrm_record_text(rec, KISCRM_TARGET_METRIC);
	const char *fname = rec->def->fields[KC_FI(field)].name, *oname = rec->def->fields[KC_FI(other)].name;
	char text[40];
	if (!kiscrm_record_is_null(rec, other)) {
		snprintf(text, sizeof(text), "%lld", (long long)kiscrm_record_int(rec, other));
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, oname, text,
				       "target.%s must be NULL for metric '%s' (it is %s); set %s instead",
				       oname, metric, money ? "a money metric" : "a count metric", fname);
	}
	if (kiscrm_record_is_null(rec, field))
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, fname, NULL,
				       "target.%s is required for metric '%s'", fname, metric);
	int64_t v = kiscrm_record_int(rec, field);
	if (v >= 0)
		return KISCRM_OK;
	if (!money || kiscrm_money_format(text, sizeof(text), v, kiscrm_config_currency_decimals(db->config), 0) < 0)
		snprintf(text, sizeof(text), "%lld", (long long)v);
	return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, fname, text,
			       "target.%s must not be negative: %s", fname, text);
}

/* A child keeps its parent's metric and dimensions and lies inside its period: a finer
 * period starting in it, or the same period with more dimensions. */
static int check_parent(kiscrm_db *db, const kiscrm_record *rec)
{
	kiscrm_id pid = kiscrm_record_int(rec, KISCRM_TARGET_PARENT_ID);
	char text[24];
	snprintf(text, sizeof(text), "%lld", (long long)pid);
	if (pid == kiscrm_record_id(rec))
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "parent_id", text,
				       "target.parent_id: target %s cannot be its own parent", text);
	kiscrm_record *p = NULL;
	int rc = pid > 0 ? kiscrm_record_get(&p, db, KISCRM_KIND_TARGET, pid) : KISCRM_ENOTFOUND;
	if (rc == KISCRM_ENOTFOUND)
		return kc_error_set_at(KISCRM_ENOTFOUND, NULL, 0, 0, "parent_id", text,
				       "target.parent_id: target %s does not exist", text);
	if (rc)
		return rc;
	const char *metric = kiscrm_record_text(rec, KISCRM_TARGET_METRIC);
	int cper = (int)kiscrm_record_int(rec, KISCRM_TARGET_PERIOD);
	int pper = (int)kiscrm_record_int(p, KISCRM_TARGET_PERIOD);
	kiscrm_date cstart = (kiscrm_date)kiscrm_record_int(rec, KISCRM_TARGET_START);
	kiscrm_date pstart = (kiscrm_date)kiscrm_record_int(p, KISCRM_TARGET_START);
	unsigned cmask = rec_mask(rec), pmask = rec_mask(p);
	char cs[16], ps[16];
	fmt_date(cs, cstart);
	fmt_date(ps, pstart);
	if (!streq(metric, kiscrm_record_text(p, KISCRM_TARGET_METRIC))) {
		rc = kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "metric", metric,
				     "target.metric: '%s' differs from the metric '%s' of parent target %s",
				     metric, kiscrm_record_text(p, KISCRM_TARGET_METRIC), text);
		goto out;
	}
	for (int f = KISCRM_TARGET_BUSINESS_LINE; f <= KISCRM_TARGET_OWNER_ID; f++) {
		if (kiscrm_record_is_null(p, f))
			continue;
		int same = f <= KISCRM_TARGET_PRODUCT_LINE
				   ? streq(kiscrm_record_text(p, f), kiscrm_record_text(rec, f))
				   : !kiscrm_record_is_null(rec, f) &&
					     kiscrm_record_int(p, f) == kiscrm_record_int(rec, f);
		if (!same) {
			kiscrm_buf b = KISCRM_BUF_INIT;
			kiscrm_record_field_to_text(&b, rec, f, 0);
			const char *name = rec->def->fields[KC_FI(f)].name;
			rc = kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, name, b.ptr ? b.ptr : "",
					     "target.%s: '%s' differs from the %s of parent target %s",
					     name, b.ptr ? b.ptr : "", name, text);
			kiscrm_buf_dispose(&b);
			goto out;
		}
	}
	kiscrm_date pend = kiscrm_period_next(pstart, pper);
	if (cper > pper || cstart < pstart || cstart >= pend) {
		rc = kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "start", cs,
				     "target: the %s starting %s does not lie inside the %s starting %s "
				     "of parent target %s",
				     period_names[cper], cs, period_names[pper], ps, text);
		goto out;
	}
	if (cper == pper && (cstart != pstart || cmask == pmask)) {
		rc = kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "period", period_names[cper],
				     "target: a child in the same period (%s %s) as parent target %s "
				     "must have more dimensions than it",
				     period_names[cper], cs, text);
		goto out;
	}
out:
	kiscrm_record_free(p);
	return rc;
}

static int same_identity(const kiscrm_record *a, const kiscrm_record *b)
{
	static const int text_fields[] = { KISCRM_TARGET_METRIC, KISCRM_TARGET_BUSINESS_LINE,
					   KISCRM_TARGET_PRODUCT_LINE };
	static const int int_fields[] = { KISCRM_TARGET_PERIOD, KISCRM_TARGET_START,
					  KISCRM_TARGET_DEPARTMENT_ID, KISCRM_TARGET_OWNER_ID };
	for (size_t i = 0; i < sizeof(text_fields) / sizeof(text_fields[0]); i++)
		if (!streq(kiscrm_record_text(a, text_fields[i]), kiscrm_record_text(b, text_fields[i])))
			return 0;
	for (size_t i = 0; i < sizeof(int_fields) / sizeof(int_fields[0]); i++)
		if (kiscrm_record_is_null(a, int_fields[i]) != kiscrm_record_is_null(b, int_fields[i]) ||
		    kiscrm_record_int(a, int_fields[i]) != kiscrm_record_int(b, int_fields[i]))
			return 0;
	return 1;
}

int kc_target_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old)
{
	kiscrm_db *db = ctx->db;
	const char *metric = kiscrm_record_text(rec, KISCRM_TARGET_METRIC);
	if (!metric)
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "metric", NULL, "target.metric is required");
	int money = kiscrm_target_metric_is_money(metric);
	if (money < 0)
		return money;
	int rc;
	if ((rc = check_period_start(db, rec)) != 0 || (rc = check_value(db, rec, money)) != 0)
		return rc;
	kiscrm_id dup = 0;
	rc = find_target(db, metric, (int)kiscrm_record_int(rec, KISCRM_TARGET_PERIOD),
			 (kiscrm_date)kiscrm_record_int(rec, KISCRM_TARGET_START),
			 kiscrm_record_text(rec, KISCRM_TARGET_BUSINESS_LINE),
			 kiscrm_record_text(rec, KISCRM_TARGET_PRODUCT_LINE),
			 kiscrm_record_int(rec, KISCRM_TARGET_DEPARTMENT_ID),
			 kiscrm_record_int(rec, KISCRM_TARGET_OWNER_ID), kiscrm_record_id(rec), &dup);
	if (rc)
		return rc;
	if (dup) {
		char s[16];
		fmt_date(s, (kiscrm_date)kiscrm_record_int(rec, KISCRM_TARGET_START));
		return kc_error_set_at(KISCRM_EEXISTS, NULL, 0, 0, "start", s,
				       "target: %s for the %s starting %s with these dimensions already "
				       "exists (target %lld)",
				       metric, period_names[kiscrm_record_int(rec, KISCRM_TARGET_PERIOD)], s,
				       (long long)dup);
	}
	if (!kiscrm_record_is_null(rec, KISCRM_TARGET_PARENT_ID) && (rc = check_parent(db, rec)) != 0)
		return rc;
	if (old && !same_identity(rec, old)) {
		int yes = 0;
		if ((rc = has_children(db, kiscrm_record_id(rec), &yes)) != 0)
			return rc;
		if (yes)
			return kc_error_set(KISCRM_ECONFLICT,
					    "target %lld has children: its metric, period, start and "
					    "dimensions cannot change; delete or re-split them first",
					    (long long)kiscrm_record_id(rec));
	}
	return KISCRM_OK;
}

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
	if ((rc = find_target(db, metric, KISCRM_PERIOD_YEAR, start, d->business_line, d->product_line,
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
				       text, period_names[pper], (long long)kiscrm_record_id(p));
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
	unsigned mask = rec_mask(p);
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
		fmt_date(s, (kiscrm_date)kiscrm_record_int(p, KISCRM_TARGET_START));
		rc = kc_error_set(KISCRM_EINVALID,
				  "target split: the %s starting %s has %zu %ss, but %zu weights were given",
				  period_names[kiscrm_record_int(p, KISCRM_TARGET_PERIOD)], s, want,
				  period_names[child_period], n);
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

/* --- lookup for other reports (target_lookup.h) ---------------------------------------- */

typedef struct {
	kiscrm_money amount;
	int64_t count;
	int found;
} sum_ctx;

static int add_checked(int64_t *acc, int64_t v)
{
	if ((v > 0 && *acc > INT64_MAX - v) || (v < 0 && *acc < INT64_MIN - v))
		return kc_error_set(KISCRM_EOVERFLOW, "target sum overflows (adding %lld to %lld)",
				    (long long)v, (long long)*acc);
	*acc += v;
	return KISCRM_OK;
}

static int sum_cb(void *payload, const kiscrm_value *row)
{
	sum_ctx *s = payload;
	int rc = 0;
	s->found = 1;
	if (row[KC_FI(KISCRM_TARGET_AMOUNT)].type != KISCRM_TYPE_NULL)
		rc = add_checked(&s->amount, row[KC_FI(KISCRM_TARGET_AMOUNT)].u.i);
	if (rc == 0 && row[KC_FI(KISCRM_TARGET_COUNT)].type != KISCRM_TYPE_NULL)
		rc = add_checked(&s->count, row[KC_FI(KISCRM_TARGET_COUNT)].u.i);
	return rc;
}

int kc_target_sum(kiscrm_db *db, const char *metric, int period, kiscrm_date from, kiscrm_date to,
		  unsigned level, const kc_dims *d, kiscrm_money *amount, int64_t *count, int *found)
{
	int rc = kc_check_db(db);
	if (rc)
		return rc;
	if (kiscrm_target_metric_is_money(metric) < 0)
		return KISCRM_EINVALID;
	if (level & ~0xfu)
		return kc_error_set(KISCRM_EINVALID, "target level 0x%x has unknown bits", level);
	if (level && !d)
		return kc_error_set(KISCRM_EINVALID, "target level 0x%x needs dimensions", level);
	if (found)
		*found = 0;
	/* A level whose dimension has no value on the caller's side matches no target. */
	if (((level & KC_TLEVEL_BUSINESS_LINE) && !d->business_line) ||
	    ((level & KC_TLEVEL_PRODUCT_LINE) && !d->product_line) ||
	    ((level & KC_TLEVEL_DEPARTMENT) && !d->department_id) || ((level & KC_TLEVEL_OWNER) && !d->owner_id))
		return KISCRM_OK;
	kiscrm_cond c[8];
	int nc = 0;
	c[nc++] = (kiscrm_cond){ KISCRM_TARGET_METRIC, KISCRM_OP_EQ, text_val(metric) };
	c[nc++] = (kiscrm_cond){ KISCRM_TARGET_PERIOD, KISCRM_OP_EQ, int_val(KISCRM_TYPE_INT, period, 0) };
	if (from != KISCRM_DATE_NONE)
		c[nc++] = (kiscrm_cond){ KISCRM_TARGET_START, KISCRM_OP_GE, int_val(KISCRM_TYPE_DATE, from, 0) };
	if (to != KISCRM_DATE_NONE)
		c[nc++] = (kiscrm_cond){ KISCRM_TARGET_START, KISCRM_OP_LT, int_val(KISCRM_TYPE_DATE, to, 0) };
	c[nc++] = (kiscrm_cond){ KISCRM_TARGET_BUSINESS_LINE, KISCRM_OP_EQ,
				 text_val((level & KC_TLEVEL_BUSINESS_LINE) ? d->business_line : NULL) };
	c[nc++] = (kiscrm_cond){ KISCRM_TARGET_PRODUCT_LINE, KISCRM_OP_EQ,
				 text_val((level & KC_TLEVEL_PRODUCT_LINE) ? d->product_line : NULL) };
	c[nc++] = (kiscrm_cond){ KISCRM_TARGET_DEPARTMENT_ID, KISCRM_OP_EQ,
				 int_val(KISCRM_TYPE_INT, (level & KC_TLEVEL_DEPARTMENT) ? d->department_id : 0, 1) };
	c[nc++] = (kiscrm_cond){ KISCRM_TARGET_OWNER_ID, KISCRM_OP_EQ,
				 int_val(KISCRM_TYPE_INT, (level & KC_TLEVEL_OWNER) ? d->owner_id : 0, 1) };
	kiscrm_query q = { nc, c, KC_BIT(KISCRM_TARGET_AMOUNT) | KC_BIT(KISCRM_TARGET_COUNT) | 1u };
	sum_ctx s = { 0, 0, 0 };
	if ((rc = kc_db_scan(db, &kc_target_def, &q, sum_cb, &s)) != 0)
		return rc;
	if (amount && (rc = add_checked(amount, s.amount)) != 0)
		return rc;
	if (count && (rc = add_checked(count, s.count)) != 0)
		return rc;
	if (found)
		*found = s.found;
	return KISCRM_OK;
}

int kc_target_level_of(const kiscrm_report_options *o, unsigned *level)
{
	static const char *const names[] = { NULL, NULL, NULL, NULL, NULL, "region", "industry", "size_class" };
	*level = 0;
	for (size_t i = 0; o && i < o->ngroup; i++) {
		switch (o->group_by[i]) {
		case KISCRM_GROUP_BUSINESS_LINE: *level |= KC_TLEVEL_BUSINESS_LINE; break;
		case KISCRM_GROUP_PRODUCT_LINE: *level |= KC_TLEVEL_PRODUCT_LINE; break;
		case KISCRM_GROUP_DEPARTMENT: *level |= KC_TLEVEL_DEPARTMENT; break;
		case KISCRM_GROUP_OWNER: *level |= KC_TLEVEL_OWNER; break;
		default: {
			int g = o->group_by[i];
			const char *name = g > 0 && g < (int)(sizeof(names) / sizeof(names[0])) ? names[g] : NULL;
			return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "group_by", name,
					       "targets are not set by %s: group by business line, product "
					       "line, department or owner",
					       name ? name : "an unknown dimension");
		}
		}
	}
	return KISCRM_OK;
}

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
	if (!(s->pool[s->npool] = strdup(v->u.s)))
		return kc_error_oom();
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
	int m = row[KC_FI(KISCRM_TARGET_METRIC)].type == KISCRM_TYPE_TEXT ? metric_index(row[KC_FI(KISCRM_TARGET_METRIC)].u.s) : -1;
	if (m < 0)
		return 0; /* written around the rules (older data): not a target we can read */
	if (KC_VEC_GROW(s->v, s->n, s->cap, 64))
		return KISCRM_ENOMEM;
	tgt *t = &s->v[s->n];
	memset(t, 0, sizeof(*t));
	t->id = row[0].u.i;
	t->parent = row[KC_FI(KISCRM_TARGET_PARENT_ID)].type == KISCRM_TYPE_NULL ? 0 : row[KC_FI(KISCRM_TARGET_PARENT_ID)].u.i;
	t->metric = metrics[m].key;
	t->money = metrics[m].money;
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
       TC_AMOUNT, TC_COUNT };

static const char *const target_cols[] = {
	"id:int", "parent_id:int", "metric:text", "period:text", "start:date", "end:date",
	"business_line:text", "product_line:text", "department:text", "owner:text",
	"amount:money", "count:int", NULL,
};

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
		rc = kc_cell_text(t, i, TC_PERIOD, period_names[x->period]);
	if (rc == 0)
		rc = kc_cell_int(t, i, TC_START, x->start);
	if (rc == 0)
		rc = kc_cell_int(t, i, TC_END, kiscrm_period_next(x->start, x->period) - 1);
	if (rc == 0)
		rc = dim_cells(r, t, i, TC_BL, x);
	if (rc == 0)
		rc = kc_cell_int(t, i, x->money ? TC_AMOUNT : TC_COUNT, x->value);
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
		rc = kc_cell_text(t, i, CC_PERIOD, period_names[p->period]);
	if (rc == 0)
		rc = kc_cell_int(t, i, CC_START, p->start);
	if (rc == 0)
		rc = dim_cells(r, t, i, CC_BL, p);
	if (rc == 0)
		rc = kc_cell_text(t, i, CC_CPERIOD, period_names[e->period]);
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
			rc = add_checked(&sum, e[j].value);
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
