/* Reading decomposed targets for the reports that compare with them (lookup.h), and the
 * checked addition the target reports share. */
#include "targets/lookup.h"
#include "targets/targets_internal.h"
#include "core/field.h"
#include "core/error.h"
#include "core/sum.h"
#include "storage/db.h"
#include "kiscrm/target.h"

#include <stdint.h>

typedef struct {
	kiscrm_money amount;
	int64_t count;
	int found;
} sum_ctx;

static int sum_cb(void *payload, const kiscrm_value *row)
{
	sum_ctx *s = payload;
	int rc = 0;
	s->found = 1;
	if (row[KC_FI(KISCRM_TARGET_AMOUNT)].type != KISCRM_TYPE_NULL)
		rc = kc_money_add(&s->amount, row[KC_FI(KISCRM_TARGET_AMOUNT)].u.i);
	if (rc == 0 && row[KC_FI(KISCRM_TARGET_COUNT)].type != KISCRM_TYPE_NULL)
		rc = kc_money_add(&s->count, row[KC_FI(KISCRM_TARGET_COUNT)].u.i);
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
	kc_target_window_conds(c, &nc, metric, period, from, to);
	c[nc++] = (kiscrm_cond){ KISCRM_TARGET_BUSINESS_LINE, KISCRM_OP_EQ,
				 kc_target_text_val((level & KC_TLEVEL_BUSINESS_LINE) ? d->business_line : NULL) };
	c[nc++] = (kiscrm_cond){ KISCRM_TARGET_PRODUCT_LINE, KISCRM_OP_EQ,
				 kc_target_text_val((level & KC_TLEVEL_PRODUCT_LINE) ? d->product_line : NULL) };
	c[nc++] = (kiscrm_cond){ KISCRM_TARGET_DEPARTMENT_ID, KISCRM_OP_EQ,
				 kc_target_int_val(KISCRM_TYPE_INT, (level & KC_TLEVEL_DEPARTMENT) ? d->department_id : 0, 1) };
	c[nc++] = (kiscrm_cond){ KISCRM_TARGET_OWNER_ID, KISCRM_OP_EQ,
				 kc_target_int_val(KISCRM_TYPE_INT, (level & KC_TLEVEL_OWNER) ? d->owner_id : 0, 1) };
	kiscrm_query q = { nc, c, KC_BIT(KISCRM_TARGET_AMOUNT) | KC_BIT(KISCRM_TARGET_COUNT) | 1u };
	sum_ctx s = { 0, 0, 0 };
	if ((rc = kc_db_scan(db, &kc_target_def, &q, sum_cb, &s)) != 0)
		return rc;
	if (amount && (rc = kc_money_add(amount, s.amount)) != 0)
		return rc;
	if (count && (rc = kc_money_add(count, s.count)) != 0)
		return rc;
	if (found)
		*found = s.found;
	return KISCRM_OK;
}

int kc_target_level_of(const kiscrm_report_options *o, unsigned *level)
{
	static const char *const names[] = {
		NULL, NULL, NULL, NULL, NULL, "region", "industry", "size_class", "customer", "manager",
		"manager_tree",
	};
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
