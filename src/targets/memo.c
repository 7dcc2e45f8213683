/* Decomposed targets of a scorecard run, read once.
 *
 * A scorecard asks for the target of every person, department and the company, for each
 * indicator measured against a decomposed target: thousands of lookups (480 people × 8
 * lines in the benchmark), each a query of its own through kc_target_sum. On SQLite that
 * is tolerable; on PostgreSQL every query is a round trip, and the lookups were most of
 * the KPI report's time. The memo reads the targets of one (metric, period kind, window)
 * with one scan through the read chokepoint — so a partner's principal still sees only
 * its own targets — sums them by whom they are for, and answers the lookups from memory
 * exactly as kc_target_sum would for the levels a scorecard uses: none (the company),
 * the department, the person, and the department and person together, with business
 * and product line unset. */
#include "targets/lookup.h"
#include "targets/targets_internal.h"
#include "core/error.h"
#include "core/field.h"
#include "core/sort.h"
#include "core/str.h"
#include "core/sum.h"
#include "core/vec.h"
#include "storage/db.h"
#include "kiscrm/target.h"

#include <stdlib.h>
#include <string.h>

/* The targets of one department/person pair (0: the field is unset). */
typedef struct memo_sum {
	kiscrm_id dept, owner;
	kiscrm_money amount;
	int64_t count;
} memo_sum;

struct kc_target_memo {
	kc_target_memo *next;
	char *metric;
	int period;
	kiscrm_date from, to;
	memo_sum *sums; /* sorted by (dept, owner), one per pair */
	size_t n, cap;
};

static int by_pair(const void *a, const void *b)
{
	const memo_sum *x = a, *y = b;
	if (x->dept != y->dept)
		return x->dept < y->dept ? -1 : 1;
	return x->owner < y->owner ? -1 : x->owner > y->owner;
}

static int row_cb(void *payload, const kiscrm_value *row)
{
	kc_target_memo *m = payload;
	if (KC_VEC_GROW(m->sums, m->n, m->cap, 64))
		return KISCRM_ENOMEM;
	const kiscrm_value *a = &row[KC_FI(KISCRM_TARGET_AMOUNT)], *c = &row[KC_FI(KISCRM_TARGET_COUNT)];
	memo_sum *s = &m->sums[m->n++];
	s->dept = kc_val_int(&row[KC_FI(KISCRM_TARGET_DEPARTMENT_ID)], 0);
	s->owner = kc_val_int(&row[KC_FI(KISCRM_TARGET_OWNER_ID)], 0);
	s->amount = a->type == KISCRM_TYPE_NULL ? 0 : a->u.i;
	s->count = c->type == KISCRM_TYPE_NULL ? 0 : c->u.i;
	return 0;
}

/* Sums rows of the same pair into one, with kc_target_sum's checked additions. */
static int merge_pairs(kc_target_memo *m)
{
	kc_sort(m->sums, m->n, sizeof(*m->sums), by_pair);
	size_t out = 0;
	for (size_t i = 0; i < m->n; i++) {
		if (out && by_pair(&m->sums[out - 1], &m->sums[i]) == 0) {
			int rc = kc_money_add(&m->sums[out - 1].amount, m->sums[i].amount);
			if (rc == 0)
				rc = kc_money_add(&m->sums[out - 1].count, m->sums[i].count);
			if (rc)
				return rc;
		} else {
			m->sums[out++] = m->sums[i];
		}
	}
	m->n = out;
	return KISCRM_OK;
}

static int load(kc_target_memo **out, kiscrm_db *db, const char *metric, int period, kiscrm_date from,
		kiscrm_date to)
{
	kc_target_memo *m = calloc(1, sizeof(*m));
	if (!m || !(m->metric = kc_strdup(metric))) {
		free(m);
		return kc_error_oom();
	}
	m->period = period;
	m->from = from;
	m->to = to;
	kiscrm_cond c[6];
	int nc = 0;
	kc_target_window_conds(c, &nc, metric, period, from, to);
	c[nc++] = (kiscrm_cond){ KISCRM_TARGET_BUSINESS_LINE, KISCRM_OP_EQ, kc_target_text_val(NULL) };
	c[nc++] = (kiscrm_cond){ KISCRM_TARGET_PRODUCT_LINE, KISCRM_OP_EQ, kc_target_text_val(NULL) };
	kiscrm_query q = { nc, c,
			   1u | KC_BIT(KISCRM_TARGET_DEPARTMENT_ID) | KC_BIT(KISCRM_TARGET_OWNER_ID) |
				   KC_BIT(KISCRM_TARGET_AMOUNT) | KC_BIT(KISCRM_TARGET_COUNT) };
	int rc = kc_db_scan(db, &kc_target_def, &q, row_cb, m);
	if (rc == 0)
		rc = merge_pairs(m);
	if (rc) {
		m->next = NULL;
		kc_target_memo_free(m);
		return rc;
	}
	*out = m;
	return KISCRM_OK;
}

int kc_target_memo_sum(kc_target_memo **memo, kiscrm_db *db, const char *metric, int period, kiscrm_date from,
		       kiscrm_date to, unsigned level, kiscrm_id dept, kiscrm_id owner, kiscrm_money *amount,
		       int64_t *count, int *found)
{
	*found = 0;
	if (level & ~(unsigned)(KC_TLEVEL_DEPARTMENT | KC_TLEVEL_OWNER))
		return kc_error_set(KISCRM_EINVALID, "target memo: level 0x%x is not a scorecard's", level);
	if (kiscrm_target_metric_is_money(metric) < 0)
		return KISCRM_EINVALID;
	/* as kc_target_sum: a level whose dimension has no value matches no target */
	if (((level & KC_TLEVEL_DEPARTMENT) && !dept) || ((level & KC_TLEVEL_OWNER) && !owner))
		return KISCRM_OK;
	kc_target_memo *m = *memo;
	while (m && !(m->period == period && m->from == from && m->to == to && strcmp(m->metric, metric) == 0))
		m = m->next;
	if (!m) {
		int rc = load(&m, db, metric, period, from, to);
		if (rc)
			return rc;
		m->next = *memo;
		*memo = m;
	}
	memo_sum key = { (level & KC_TLEVEL_DEPARTMENT) ? dept : 0, (level & KC_TLEVEL_OWNER) ? owner : 0, 0, 0 };
	/* no targets: no array to search (bsearch must not be given NULL) */
	const memo_sum *s = m->n ? bsearch(&key, m->sums, m->n, sizeof(*m->sums), by_pair) : NULL;
	if (!s)
		return KISCRM_OK;
	int rc = kc_money_add(amount, s->amount);
	if (rc == 0)
		rc = kc_money_add(count, s->count);
	if (rc == 0)
		*found = 1;
	return rc;
}

void kc_target_memo_free(kc_target_memo *memo)
{
	while (memo) {
		kc_target_memo *next = memo->next;
		free(memo->metric);
		free(memo->sums);
		free(memo);
		memo = next;
	}
}
