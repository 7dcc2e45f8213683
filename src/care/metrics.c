/* The KPI metric `care_compliance` (重点客户关怀达成率), added through the public metric
 * registry (kiscrm/sys/kpi_metric.h): done ÷ required of the care obligations of the
 * window whose responsible person is the subject (a person), one of the department's
 * people (its subtree), or anyone (the company). No data when nothing was required. */
#include "care/care_internal.h"
#include "kiscrm/org.h"
#include "kiscrm/sys/kpi_metric.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static int in_departments(const kc_care *c, kiscrm_id staff, const kiscrm_id *depts, size_t n)
{
	for (size_t i = 0; i < c->nstaff; i++)
		if (c->staff[i].id == staff)
			for (size_t j = 0; j < n; j++)
				if (depts[j] == c->staff[i].department)
					return 1;
	return 0;
}

static int m_care(kiscrm_kpi_value *out, kiscrm_db *db, const kiscrm_kpi_context *ctx, void *user)
{
	(void)user;
	kiscrm_report_options o;
	kiscrm_report_options_init(&o, KISCRM_REPORT_OPTIONS_VERSION);
	o.from = ctx->from;
	o.to = ctx->to;
	o.as_of = ctx->as_of;
	kiscrm_id *depts = NULL;
	size_t ndepts = 0;
	kc_care c;
	memset(&c, 0, sizeof(c)); /* kc_care_end() is safe on it when the run never starts */
	int rc = ctx->scope == KISCRM_KPI_SCOPE_DEPARTMENT
			 ? kiscrm_department_subtree(&depts, &ndepts, db, ctx->department_id)
			 : KISCRM_OK;
	if (rc == 0)
		rc = kc_care_run(&c, db, &o);
	int64_t required = 0, done = 0;
	for (size_t i = 0; rc == 0 && i < c.nitems; i++) {
		const kc_care_item *it = &c.items[i];
		int mine = ctx->scope == KISCRM_KPI_SCOPE_COMPANY ||
			   (ctx->scope == KISCRM_KPI_SCOPE_PERSON && it->responsible == ctx->staff_id) ||
			   (ctx->scope == KISCRM_KPI_SCOPE_DEPARTMENT && in_departments(&c, it->responsible, depts, ndepts));
		if (mine) {
			required += it->required;
			done += it->done;
		}
	}
	if (rc == 0 && required > 0) {
		out->has_actual = 1;
		out->actual = (double)done / (double)required;
	}
	kiscrm_ids_free(depts);
	kc_care_end(&c);
	return rc;
}

static void register_all(void)
{
	static const kiscrm_kpi_metric m = { KISCRM_KPI_METRIC_VERSION, "care_compliance", "重点客户关怀达成率",
					     "Key-account care compliance", KISCRM_KPI_UNIT_RATIO, NULL, m_care, NULL };
	(void)kiscrm_kpi_register_metric(&m); /* a program's own metric of this key comes first */
}

void kc_care_metrics_register(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, register_all);
}
