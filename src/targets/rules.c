/* Targets (业绩指标): the metrics a target can be set for, and the rules of a target record
 * (kc_target_prepare, the hook the store calls on every insert and update), with the
 * helpers the other target files share (targets_internal.h). */
#include "targets/targets_internal.h"
#include "core/field.h"
#include "core/error.h"
#include "core/options.h"
#include "storage/db.h"
#include "storage/record.h"
#include "kiscrm/config.h"
#include "kiscrm/date.h"
#include "kiscrm/money.h"
#include "kiscrm/target.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

const kc_target_metric kc_target_metrics[] = {
	{ KISCRM_METRIC_CONTRACT_AMOUNT, 1 },
	{ KISCRM_METRIC_COLLECTION_AMOUNT, 1 },
	{ KISCRM_METRIC_NEW_CUSTOMERS, 0 },
	{ KISCRM_METRIC_OPPORTUNITIES_CREATED, 0 },
	{ KISCRM_METRIC_VISITS, 0 },
};
#define NMETRICS ((int)(sizeof(kc_target_metrics) / sizeof(kc_target_metrics[0])))
#define METRIC_LIST "contract_amount, collection_amount, new_customers, opportunities_created, visits"

const char *const kc_target_period_names[5] = { NULL, "week", "month", "quarter", "year" };

int kc_target_metric_index(const char *m)
{
	for (int i = 0; m && i < NMETRICS; i++)
		if (strcmp(kc_target_metrics[i].key, m) == 0)
			return i;
	return -1;
}

int kiscrm_target_metric_is_money(const char *metric)
{
	int i = kc_target_metric_index(metric);
	if (i < 0)
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "metric", metric,
				       "target.metric: '%s' is not a known metric (" METRIC_LIST ")",
				       metric ? metric : "(null)");
	return kc_target_metrics[i].money;
}

int kiscrm_target_dims_init(kiscrm_target_dims *dims, unsigned int version)
{
	return kc_options_init(dims, version, &kc_target_dims_v);
}

/* --- helpers shared by the target files (targets_internal.h) -------------------------- */

static int streq(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* Which dimensions a target record has set (KC_TLEVEL_* bits). */
unsigned kc_target_rec_mask(const kiscrm_record *r)
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
int kc_target_find(kiscrm_db *db, const char *metric, int period, kiscrm_date start, const char *bl,
		   const char *pl, kiscrm_id dept, kiscrm_id owner, kiscrm_id exclude, kiscrm_id *found)
{
	kiscrm_cond c[7] = {
		{ KISCRM_TARGET_METRIC, KISCRM_OP_EQ, kc_target_text_val(metric) },
		{ KISCRM_TARGET_PERIOD, KISCRM_OP_EQ, kc_target_int_val(KISCRM_TYPE_INT, period, 0) },
		{ KISCRM_TARGET_START, KISCRM_OP_EQ, kc_target_int_val(KISCRM_TYPE_DATE, start, 0) },
		{ KISCRM_TARGET_BUSINESS_LINE, KISCRM_OP_EQ, kc_target_text_val(bl) },
		{ KISCRM_TARGET_PRODUCT_LINE, KISCRM_OP_EQ, kc_target_text_val(pl) },
		{ KISCRM_TARGET_DEPARTMENT_ID, KISCRM_OP_EQ, kc_target_int_val(KISCRM_TYPE_INT, dept, 1) },
		{ KISCRM_TARGET_OWNER_ID, KISCRM_OP_EQ, kc_target_int_val(KISCRM_TYPE_INT, owner, 1) },
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
		kc_target_fmt_date(text, start);
		kc_target_fmt_date(want_text, want);
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "start", text,
				       "target.start: %s is not the first day of a %s (that %s starts on %s)",
				       text, kc_target_period_names[p], kc_target_period_names[p], want_text);
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
	unsigned cmask = kc_target_rec_mask(rec), pmask = kc_target_rec_mask(p);
	char cs[16], ps[16];
	kc_target_fmt_date(cs, cstart);
	kc_target_fmt_date(ps, pstart);
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
				     kc_target_period_names[cper], cs, kc_target_period_names[pper], ps, text);
		goto out;
	}
	if (cper == pper && (cstart != pstart || cmask == pmask)) {
		rc = kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "period", kc_target_period_names[cper],
				     "target: a child in the same period (%s %s) as parent target %s "
				     "must have more dimensions than it",
				     kc_target_period_names[cper], cs, text);
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
	rc = kc_target_find(db, metric, (int)kiscrm_record_int(rec, KISCRM_TARGET_PERIOD),
			 (kiscrm_date)kiscrm_record_int(rec, KISCRM_TARGET_START),
			 kiscrm_record_text(rec, KISCRM_TARGET_BUSINESS_LINE),
			 kiscrm_record_text(rec, KISCRM_TARGET_PRODUCT_LINE),
			 kiscrm_record_int(rec, KISCRM_TARGET_DEPARTMENT_ID),
			 kiscrm_record_int(rec, KISCRM_TARGET_OWNER_ID), kiscrm_record_id(rec), &dup);
	if (rc)
		return rc;
	if (dup) {
		char s[16];
		kc_target_fmt_date(s, (kiscrm_date)kiscrm_record_int(rec, KISCRM_TARGET_START));
		return kc_error_set_at(KISCRM_EEXISTS, NULL, 0, 0, "start", s,
				       "target: %s for the %s starting %s with these dimensions already "
				       "exists (target %lld)",
				       metric, kc_target_period_names[kiscrm_record_int(rec, KISCRM_TARGET_PERIOD)], s,
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
