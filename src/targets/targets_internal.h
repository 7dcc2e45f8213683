/* Target internals shared by rules.c (the rules of a target record), decompose.c (yearly
 * targets, splits, children), lookup.c and reports.c: the metric and period names, the
 * record hook the store calls, and small helpers over target rows. */
#ifndef KC_TARGETS_INTERNAL_H
#define KC_TARGETS_INTERNAL_H

#include "storage/kind.h"
#include "targets/kinds.h"
#include "targets/lookup.h"
#include "kiscrm/date.h"
#include "kiscrm/target.h"

#include <stdint.h>
#include <stdio.h>

/* The metrics a target can be set for (rules.c), with whether each counts money. */
typedef struct {
	const char *key;
	int money;
} kc_target_metric;

extern const kc_target_metric kc_target_metrics[];

/* Index of metric key m in kc_target_metrics, -1 when unknown (m may be NULL). */
int kc_target_metric_index(const char *m);

/* Names of the kiscrm_period values, indexed by the value (0 is NULL). */
extern const char *const kc_target_period_names[5];

/* The store's hook for a target record (the kind's descriptor is in kinds.c). */
int kc_target_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old);

/* Which dimensions a target record has set (KC_TLEVEL_* bits). */
unsigned kc_target_rec_mask(const kiscrm_record *r);

/* The target with exactly this identity (metric, period, start, dimensions), other than
 * `exclude`; *found is 0 when there is none. */
int kc_target_find(kiscrm_db *db, const char *metric, int period, kiscrm_date start, const char *bl,
		   const char *pl, kiscrm_id dept, kiscrm_id owner, kiscrm_id exclude, kiscrm_id *found);


/* A date as text for messages: ISO when it can be formatted, the day number otherwise. */
static inline void kc_target_fmt_date(char buf[16], kiscrm_date d)
{
	if (kiscrm_date_format(buf, 16, d) < 0)
		snprintf(buf, 16, "%ld", (long)d);
}

/* Condition values: text (NULL matches NULL) … */
static inline kiscrm_value kc_target_text_val(const char *s)
{
	kiscrm_value v = { KISCRM_TYPE_NULL, { 0 } };
	if (s) {
		v.type = KISCRM_TYPE_TEXT;
		v.u.s = s;
	}
	return v;
}

/* … and integers of `type` (NULL instead of 0 when null_when_zero). */
static inline kiscrm_value kc_target_int_val(int type, int64_t i, int null_when_zero)
{
	kiscrm_value v = { KISCRM_TYPE_NULL, { 0 } };
	if (!(null_when_zero && i == 0)) {
		v.type = type;
		v.u.i = i;
	}
	return v;
}

/* The conditions every lookup of decomposed targets starts with — @metric, @period and a
 * start in [from, to) (KISCRM_DATE_NONE: unbounded) — into c[*n…]; at most 4. */
static inline void kc_target_window_conds(kiscrm_cond *c, int *n, const char *metric, int period, kiscrm_date from,
					  kiscrm_date to)
{
	c[(*n)++] = (kiscrm_cond){ KISCRM_TARGET_METRIC, KISCRM_OP_EQ, kc_target_text_val(metric) };
	c[(*n)++] = (kiscrm_cond){ KISCRM_TARGET_PERIOD, KISCRM_OP_EQ, kc_target_int_val(KISCRM_TYPE_INT, period, 0) };
	if (from != KISCRM_DATE_NONE)
		c[(*n)++] = (kiscrm_cond){ KISCRM_TARGET_START, KISCRM_OP_GE, kc_target_int_val(KISCRM_TYPE_DATE, from, 0) };
	if (to != KISCRM_DATE_NONE)
		c[(*n)++] = (kiscrm_cond){ KISCRM_TARGET_START, KISCRM_OP_LT, kc_target_int_val(KISCRM_TYPE_DATE, to, 0) };
}

#endif
