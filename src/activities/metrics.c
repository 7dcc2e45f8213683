/* KPI metrics fed by activities and customers, added through the public metric registry
 * (kiscrm/sys/kpi_metric.h) and computed with the public record API only — the way a
 * program adds its own metric, which proves the registry extensible:
 *   visits         count: done activities of type visit or executive_visit (现场拜访,
 *                  高层拜访) starting in the window; target key `visits`;
 *   new_customers  count: customers whose first contract was signed in the window;
 *                  target key `new_customers`.
 * A person's are those they own; a department's those of its people (and the people of
 * the departments below it); the company's all. Registered once per process, when the
 * first database is opened. */
#include "activities/activities_internal.h"
#include "kiscrm/customer.h"
#include "kiscrm/org.h"
#include "kiscrm/record.h"
#include "kiscrm/sys/kpi_metric.h"
#include "kiscrm/target.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* Which owners a subject covers: a person by an owner condition, a department by the
 * departments of its people (looked up once per owner). */
typedef struct subject {
	const kiscrm_kpi_context *ctx;
	kiscrm_db *db;
	kiscrm_id *depts;
	size_t ndepts;
	kiscrm_id *seen; /* owners looked up, and whether they are in (keep[i]) */
	int *keep;
	size_t nseen;
} subject;

static int in_subject(subject *s, kiscrm_id owner, int *yes)
{
	*yes = 1;
	if (s->ctx->scope != KISCRM_KPI_SCOPE_DEPARTMENT)
		return KISCRM_OK;
	for (size_t i = 0; i < s->nseen; i++)
		if (s->seen[i] == owner) {
			*yes = s->keep[i];
			return KISCRM_OK;
		}
	kiscrm_record *staff = NULL;
	int rc = kiscrm_record_get(&staff, s->db, KISCRM_KIND_STAFF, owner);
	if (rc)
		return rc;
	kiscrm_id dept = kiscrm_record_int(staff, KISCRM_STAFF_DEPARTMENT_ID);
	kiscrm_record_free(staff);
	*yes = 0;
	for (size_t i = 0; i < s->ndepts; i++)
		*yes |= s->depts[i] == dept;
	kiscrm_id *seen = realloc(s->seen, (s->nseen + 1) * sizeof(*seen));
	int *keep = seen ? realloc(s->keep, (s->nseen + 1) * sizeof(*keep)) : NULL;
	if (seen)
		s->seen = seen;
	if (keep)
		s->keep = keep;
	if (!seen || !keep)
		return KISCRM_ENOMEM;
	s->seen[s->nseen] = owner;
	s->keep[s->nseen++] = *yes;
	return KISCRM_OK;
}

/* Counts the records of @kind matching @conds whose @owner field the subject covers and
 * that @accept (NULL: all) accepts. */
static int count(kiscrm_kpi_value *out, kiscrm_db *db, const kiscrm_kpi_context *ctx, kiscrm_kind kind,
		 kiscrm_field owner, kiscrm_filter_cond *conds, size_t n, int (*accept)(const kiscrm_record *))
{
	subject s = { ctx, db, NULL, 0, NULL, NULL, 0 };
	kiscrm_filter f = KISCRM_FILTER_INIT;
	kiscrm_iter *it = NULL;
	int64_t total = 0;
	int rc = 0;
	if (ctx->scope == KISCRM_KPI_SCOPE_PERSON) {
		conds[n].field = owner;
		conds[n].op = KISCRM_OP_EQ;
		conds[n].type = KISCRM_TYPE_INT;
		conds[n++].value.i = ctx->staff_id;
	} else if (ctx->scope == KISCRM_KPI_SCOPE_DEPARTMENT) {
		rc = kiscrm_department_subtree(&s.depts, &s.ndepts, db, ctx->department_id);
	}
	f.ncond = n;
	f.conds = conds;
	if (rc == 0)
		rc = kiscrm_iter_new(&it, db, kind, &f);
	const kiscrm_record *r;
	while (rc == 0 && (rc = kiscrm_iter_next(&r, it)) == KISCRM_OK) {
		int yes = 1;
		if (accept && !accept(r))
			continue;
		if (ctx->scope == KISCRM_KPI_SCOPE_DEPARTMENT &&
		    (rc = in_subject(&s, kiscrm_record_int(r, owner), &yes)) != 0)
			break;
		total += yes;
	}
	if (rc == KISCRM_ITEROVER)
		rc = KISCRM_OK;
	kiscrm_iter_free(it);
	kiscrm_ids_free(s.depts);
	free(s.seen);
	free(s.keep);
	if (rc == 0) {
		out->has_actual = 1;
		out->actual = (double)total;
	}
	return rc;
}

static kiscrm_filter_cond when(kiscrm_field field, int op, int type, int64_t v)
{
	kiscrm_filter_cond c;
	memset(&c, 0, sizeof(c));
	c.field = field;
	c.op = op;
	c.type = type;
	c.value.i = v;
	return c;
}

static int is_visit(const kiscrm_record *r)
{
	const char *type = kiscrm_record_text(r, KISCRM_ACTIVITY_TYPE);
	return type && (strcmp(type, "visit") == 0 || strcmp(type, "executive_visit") == 0);
}

static int m_visits(kiscrm_kpi_value *out, kiscrm_db *db, const kiscrm_kpi_context *ctx, void *user)
{
	(void)user;
	kiscrm_filter_cond c[4];
	c[0] = when(KISCRM_ACTIVITY_START, KISCRM_OP_GE, KISCRM_TYPE_TIME, (int64_t)ctx->from * KC_DAY_SECONDS);
	c[1] = when(KISCRM_ACTIVITY_START, KISCRM_OP_LT, KISCRM_TYPE_TIME, (int64_t)ctx->to * KC_DAY_SECONDS);
	memset(&c[2], 0, sizeof(c[2]));
	c[2].field = KISCRM_ACTIVITY_STATUS;
	c[2].op = KISCRM_OP_EQ;
	c[2].type = KISCRM_TYPE_TEXT;
	c[2].value.s = "done";
	return count(out, db, ctx, KISCRM_KIND_ACTIVITY, KISCRM_ACTIVITY_OWNER_ID, c, 3, is_visit);
}

static int m_new_customers(kiscrm_kpi_value *out, kiscrm_db *db, const kiscrm_kpi_context *ctx, void *user)
{
	(void)user;
	kiscrm_filter_cond c[3];
	c[0] = when(KISCRM_CUSTOMER_FIRST_CONTRACT, KISCRM_OP_GE, KISCRM_TYPE_DATE, ctx->from);
	c[1] = when(KISCRM_CUSTOMER_FIRST_CONTRACT, KISCRM_OP_LT, KISCRM_TYPE_DATE, ctx->to);
	return count(out, db, ctx, KISCRM_KIND_CUSTOMER, KISCRM_CUSTOMER_OWNER_ID, c, 2, NULL);
}

static void register_all(void)
{
	static const kiscrm_kpi_metric metrics[] = {
		{ KISCRM_KPI_METRIC_VERSION, "visits", "拜访量", "Customer visits", KISCRM_KPI_UNIT_COUNT,
		  KISCRM_METRIC_VISITS, m_visits, NULL },
		{ KISCRM_KPI_METRIC_VERSION, "new_customers", "新客户数", "New customers", KISCRM_KPI_UNIT_COUNT,
		  KISCRM_METRIC_NEW_CUSTOMERS, m_new_customers, NULL },
	};
	/* A program that registered a metric of the same key first keeps its own. */
	for (size_t i = 0; i < sizeof(metrics) / sizeof(metrics[0]); i++)
		(void)kiscrm_kpi_register_metric(&metrics[i]);
}

void kc_activity_metrics_register(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, register_all);
}
