/* The lists of the weekly pack: last week's wins and losses with their reasons, what
 * changed since last week's snapshot, overdue receivables, overdue key-account care,
 * overdue or escalated service requests and implementation milestones in trouble. */
#include "packs/pack.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

typedef struct closed_row {
	int won;
	int64_t amount;
	kiscrm_id id;
} closed_row;

/* Wins first, then by amount (largest first), then by id: a stable order. */
static int closed_cmp(const void *a, const void *b)
{
	const closed_row *x = a, *y = b;
	if (x->won != y->won)
		return y->won - x->won;
	if (x->amount != y->amount)
		return x->amount < y->amount ? 1 : -1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* The opportunities closed in [from, to), not open. The library selects them by the
 * backend's indexes instead of reading every opportunity. */
static int closed_between(kc_pack *p, kiscrm_date from, kiscrm_date to, closed_row **rows, size_t *n)
{
	const kiscrm_filter_cond conds[] = {
		{ KISCRM_OPPORTUNITY_CLOSED, KISCRM_OP_GE, KISCRM_TYPE_DATE, { .i = from } },
		{ KISCRM_OPPORTUNITY_CLOSED, KISCRM_OP_LT, KISCRM_TYPE_DATE, { .i = to } },
		{ KISCRM_OPPORTUNITY_STATUS, KISCRM_OP_NE, KISCRM_TYPE_TEXT, { .s = "open" } },
	};
	kiscrm_filter filter = KISCRM_FILTER_INIT;
	filter.ncond = N(conds);
	filter.conds = conds;
	filter.owner_id = p->base.owner_id;
	filter.department_id = p->base.department_id;
	kiscrm_iter *it = NULL;
	const kiscrm_record *rec;
	size_t cap = 0;
	int rc = kiscrm_iter_new(&it, p->db, KISCRM_KIND_OPPORTUNITY, &filter);
	while (!rc && (rc = kiscrm_iter_next(&rec, it)) == 0) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			closed_row *nr = realloc(*rows, cap * sizeof(*nr));
			if (!nr) {
				rc = kc_error_oom();
				break;
			}
			*rows = nr;
		}
		const char *status = kiscrm_record_text(rec, KISCRM_OPPORTUNITY_STATUS);
		(*rows)[*n].won = status && strcmp(status, "won") == 0;
		(*rows)[*n].amount = kiscrm_record_int(rec, KISCRM_OPPORTUNITY_AMOUNT);
		(*rows)[(*n)++].id = kiscrm_record_id(rec);
	}
	kiscrm_iter_free(it);
	return rc == KISCRM_ITEROVER ? KISCRM_OK : rc;
}

static int won_lost_row(kc_pack *p, kiscrm_table *t, const closed_row *c)
{
	kiscrm_record *o = NULL, *owner = NULL;
	int rc = kiscrm_record_get(&o, p->db, KISCRM_KIND_OPPORTUNITY, c->id);
	if (rc < 0)
		return rc;
	if (!kiscrm_record_is_null(o, KISCRM_OPPORTUNITY_OWNER_ID) &&
	    kiscrm_record_get(&owner, p->db, KISCRM_KIND_STAFF, kiscrm_record_int(o, KISCRM_OPPORTUNITY_OWNER_ID)) < 0)
		owner = NULL; /* an owner the principal may not read: the row without a name */
	int row = kiscrm_table_add_row(t, KISCRM_ROW_DETAIL);
	rc = row < 0 ? row : 0;
	size_t r = (size_t)row;
	if (!rc)
		rc = kiscrm_table_set_text(t, r, 0, kc_pack_translate(p, kiscrm_record_text(o, KISCRM_OPPORTUNITY_STATUS)));
	if (!rc)
		rc = kiscrm_table_set_text(t, r, 1, kiscrm_record_text(o, KISCRM_OPPORTUNITY_NAME));
	if (!rc)
		rc = kiscrm_table_set_text(t, r, 2, owner ? kiscrm_record_text(owner, KISCRM_STAFF_NAME) : NULL);
	if (!rc)
		rc = kiscrm_table_set_int(t, r, 3, c->amount);
	if (!rc)
		rc = kiscrm_table_set_text(t, r, 4,
					   kc_pack_reason_name(p, kiscrm_record_text(o, KISCRM_OPPORTUNITY_REASON_CATEGORY)));
	if (!rc)
		rc = kiscrm_table_set_text(t, r, 5, kiscrm_record_text(o, KISCRM_OPPORTUNITY_REASON));
	kiscrm_record_free(owner);
	kiscrm_record_free(o);
	return rc;
}

static int won_lost_table(kc_pack *p, size_t s, closed_row *rows, size_t n)
{
	kiscrm_table *t = NULL;
	int64_t sum[2] = { 0, 0 };
	size_t count[2] = { 0, 0 };
	int rc = kiscrm_table_new(&t, "won-lost");
	if (!rc)
		rc = kiscrm_table_set_money_decimals(t, p->decimals);
	const char *heads[][2] = { { "结果", "Outcome" },     { "项目", "Opportunity" },  { "负责人", "Owner" },
				   { "金额", "Amount" },      { "原因类别", "Category" }, { "原因", "Reason" } };
	for (size_t c = 0; !rc && c < N(heads); c++)
		rc = kiscrm_table_add_column(t, KC_T(p, heads[c][0], heads[c][1]),
					     c == 3 ? KISCRM_TYPE_MONEY : KISCRM_TYPE_TEXT);
	for (size_t i = 0; !rc && i < n; i++) {
		rc = won_lost_row(p, t, &rows[i]);
		sum[rows[i].won] += rows[i].amount;
		count[rows[i].won]++;
	}
	if (rc) {
		kiscrm_table_free(t);
		return rc;
	}
	if ((rc = kc_doc_set_table(p->doc, s, t)) < 0)
		return rc;
	char w[48], l[48];
	kc_pack_money(p, w, sizeof(w), sum[1]);
	kc_pack_money(p, l, sizeof(l), sum[0]);
	return kc_doc_note(p->doc, s,
			   KC_T(p, "赢单 %zu 个，%s 元；输单 %zu 个，%s 元", "Won %zu for %s; lost %zu worth %s"),
			   count[1], w, count[0], l);
}

int kc_pack_won_lost(kc_pack *p)
{
	kiscrm_date from = p->week - 7, to = p->week;
	char f[16], e[16], title[160];
	kiscrm_date_format(f, sizeof(f), from);
	kiscrm_date_format(e, sizeof(e), to - 1);
	snprintf(title, sizeof(title), KC_T(p, "上周赢单与输单（%s 至 %s）", "Won and lost last week (%s to %s)"), f, e);
	size_t s, n = 0;
	closed_row *rows = NULL;
	int rc = kc_doc_add_section(p->doc, title, &s);
	if (rc < 0)
		return rc;
	rc = closed_between(p, from, to, &rows, &n);
	if (!rc && n == 0)
		rc = kc_doc_note(p->doc, s, "%s", KC_T(p, "上周没有赢单或输单。", "Nothing was won or lost last week."));
	else if (!rc) {
		qsort(rows, n, sizeof(*rows), closed_cmp);
		rc = won_lost_table(p, s, rows, n);
	}
	free(rows);
	return rc < 0 ? kc_pack_fail(p, s, "won/lost", rc) : 0;
}

int kc_pack_changes(kc_pack *p)
{
	static const char *const order[] = { "new",	"won",	     "lost",	       "settled",
					     "slipped", "pulled_in", "amount_changed", "removed" };
	kiscrm_report_options o;
	kiscrm_table *t = NULL, *x = NULL;
	size_t s;
	int rc = kc_pack_section(p, "本周滚动表变化（对比上周快照）", "Changes in the rolling table since last week's snapshot", &s);
	if (rc < 0)
		return rc;
	kc_pack_options(p, &o, NULL, 0, 0);
	if ((rc = kc_pack_run(p, s, &t, "snapshot-diff", &o)) != 0) {
		if (rc > 0)
			rc = kc_doc_note(p->doc, s, "%s",
					 KC_T(p, "（每周一运行 kiscrm snapshot 保存本周滚动表）",
					      "(run `kiscrm snapshot` every Monday to save the week's table)"));
		return rc < 0 ? rc : 0;
	}
	int ch = kiscrm_table_column_index(t, "change");
	rc = kiscrm_table_new(&x, "snapshot-diff");
	if (!rc)
		rc = kiscrm_table_add_column(x, KC_T(p, "变化", "Change"), KISCRM_TYPE_TEXT);
	if (!rc)
		rc = kiscrm_table_add_column(x, KC_T(p, "项目数", "Projects"), KISCRM_TYPE_INT);
	for (size_t k = 0; !rc && k < N(order); k++) {
		int64_t n = 0;
		for (size_t r = 0; ch >= 0 && r < kiscrm_table_row_count(t); r++) {
			const char *v = kiscrm_table_text(t, r, (size_t)ch);
			n += v && strcmp(v, order[k]) == 0;
		}
		int row = kiscrm_table_add_row(x, KISCRM_ROW_DETAIL);
		rc = row < 0 ? row : kiscrm_table_set_text(x, (size_t)row, 0, kc_pack_translate(p, order[k]));
		if (!rc)
			rc = kiscrm_table_set_int(x, (size_t)row, 1, n);
	}
	if (!rc) {
		rc = kc_doc_set_table(p->doc, s, x);
		x = NULL;
	}
	if (!rc)
		rc = kc_doc_note(p->doc, s, "%s", KC_T(p, "（明细：kiscrm report snapshot-diff）", "(details: kiscrm report snapshot-diff)"));
	/* e.g. that this week is not saved yet, or that there is no snapshot to compare with */
	for (size_t i = 0; !rc && i < kiscrm_table_note_count(t); i++)
		rc = kc_doc_note(p->doc, s, "%s", kiscrm_table_note(t, i));
	kiscrm_table_free(x);
	kiscrm_table_free(t);
	return rc < 0 ? rc : 0;
}

/* Ageing by department: every column of the report but the count (the buckets follow
 * the configuration, so they are taken as they come). */
static int ageing_by_department(kc_pack *p)
{
	int group[] = { KISCRM_GROUP_DEPARTMENT };
	kiscrm_report_options o;
	kiscrm_table *t;
	size_t s;
	int rc = kc_pack_section(p, "逾期应收账款（账龄，按部门）", "Overdue receivables (ageing) by department", &s);
	if (rc < 0)
		return rc;
	kc_pack_options(p, &o, group, 1, 0);
	if ((rc = kc_pack_run(p, s, &t, "ageing", &o)) != 0)
		return rc < 0 ? rc : 0;
	kc_colmap cols[24];
	size_t n = 0;
	for (size_t i = 0; i < kiscrm_table_column_count(t) && n < N(cols); i++) {
		const char *name = kiscrm_table_column_name(t, i);
		if (strcmp(name, "contracts") == 0)
			continue;
		kc_colmap c = { name, name, name, 0 };
		if (strcmp(name, "department") == 0)
			c.zh = "部门", c.en = "Department";
		else if (strcmp(name, "receivable") == 0)
			c.zh = "应收", c.en = "Receivable";
		else if (strcmp(name, "not_due") == 0)
			c.zh = "未到期", c.en = "Not due";
		else if (strcmp(name, "overdue") == 0)
			c.zh = "逾期合计", c.en = "Overdue";
		cols[n++] = c;
	}
	kc_extract x = { cols, n, NULL, NULL, NULL, 0, NULL };
	rc = kc_pack_table(p, s, t, &x);
	kiscrm_table_free(t);
	return rc < 0 ? rc : 0;
}

/* The ten largest overdue contracts, largest first (ties in the report's order). */
static int largest_overdue(kc_pack *p)
{
	static const kc_colmap cols[] = {
		{ "number", "合同号", "Contract", 0 }, { "customer", "客户", "Customer", 0 },
		{ "owner", "负责人", "Owner", 0 },     { "signed", "签约日", "Signed", 0 },
		{ "receivable", "应收", "Receivable", 0 }, { "overdue", "逾期", "Overdue", 0 },
	};
	kiscrm_report_options o;
	kiscrm_table *t;
	size_t s, top[10], ntop = 0;
	int rc = kc_pack_section(p, "逾期金额最大的合同", "Largest overdue contracts", &s);
	if (rc < 0)
		return rc;
	kc_pack_options(p, &o, NULL, 0, 0);
	if ((rc = kc_pack_run(p, s, &t, "ageing", &o)) != 0)
		return rc < 0 ? rc : 0;
	int ov = kiscrm_table_column_index(t, "overdue");
	for (size_t r = 0; ov >= 0 && r < kiscrm_table_row_count(t); r++) {
		if (kiscrm_table_row_kind(t, r) != KISCRM_ROW_DETAIL || kiscrm_table_int(t, r, (size_t)ov) <= 0)
			continue;
		int64_t v = kiscrm_table_int(t, r, (size_t)ov);
		size_t k = ntop < 10 ? ntop++ : 10;
		while (k > 0 && kiscrm_table_int(t, top[k - 1], (size_t)ov) < v) {
			if (k < 10)
				top[k] = top[k - 1];
			k--;
		}
		if (k < 10)
			top[k] = r;
	}
	kc_extract x = { cols, N(cols), kc_pack_is_detail, NULL, top, ntop, NULL };
	rc = kc_pack_table(p, s, t, &x);
	kiscrm_table_free(t);
	if (!rc)
		rc = kc_pack_none_if_empty(p, s);
	return rc < 0 ? rc : 0;
}

int kc_pack_receivables(kc_pack *p)
{
	int rc = ageing_by_department(p);
	return rc < 0 ? rc : largest_overdue(p);
}

/* Overdue care of the quarter summed by responsible person and care item: one row per
 * obligation would list every missed call-back of every key account. */
static int care_sum(kc_pack *p, kiscrm_table **out, const kiscrm_table *t)
{
	int st = kiscrm_table_column_index(t, "status"), who = kiscrm_table_column_index(t, "responsible"),
	    rule = kiscrm_table_column_index(t, "rule_name"), cust = kiscrm_table_column_index(t, "customer_id"),
	    miss = kiscrm_table_column_index(t, "missing"), due = kiscrm_table_column_index(t, "due");
	if (st < 0 || who < 0 || rule < 0 || cust < 0 || miss < 0 || due < 0)
		return kc_error_set(KISCRM_ENOTFOUND, "care-due lacks a column the pack reads");
	kiscrm_table *x = NULL;
	int rc = kiscrm_table_new(&x, "care-due");
	const char *heads[][2] = { { "责任人", "Responsible" }, { "关怀事项", "Care" },	  { "客户数", "Accounts" },
				   { "欠缺次数", "Missing" },	  { "最早期限", "Earliest due" } };
	for (size_t c = 0; !rc && c < N(heads); c++)
		rc = kiscrm_table_add_column(x, KC_T(p, heads[c][0], heads[c][1]),
					     c < 2 ? KISCRM_TYPE_TEXT : c < 4 ? KISCRM_TYPE_INT : KISCRM_TYPE_DATE);
	/* rows in the report's order (due date first): a group's first row has its earliest
	 * due date; groups keep the order in which they first appear */
	for (size_t r = 0; !rc && r < kiscrm_table_row_count(t); r++) {
		const char *s = kiscrm_table_text(t, r, (size_t)st), *w = kiscrm_table_text(t, r, (size_t)who),
			   *k = kiscrm_table_text(t, r, (size_t)rule);
		if (!s || strcmp(s, "overdue") != 0)
			continue;
		size_t g = 0, n = kiscrm_table_row_count(x);
		for (; g < n; g++) {
			const char *gw = kiscrm_table_text(x, g, 0), *gk = kiscrm_table_text(x, g, 1);
			if (strcmp(gw ? gw : "", w ? w : "") == 0 && strcmp(gk ? gk : "", k ? k : "") == 0)
				break;
		}
		if (g == n) {
			int row = kiscrm_table_add_row(x, KISCRM_ROW_DETAIL);
			rc = row < 0 ? row : kiscrm_table_set_text(x, (size_t)row, 0, w);
			if (!rc)
				rc = kiscrm_table_set_text(x, (size_t)row, 1, k);
			if (!rc)
				rc = kiscrm_table_set_int(x, (size_t)row, 4, kiscrm_table_int(t, r, (size_t)due));
		}
		/* accounts: an account counts once per group even when it owes several periods */
		int seen = 0;
		for (size_t q = 0; !rc && q < r; q++) {
			const char *qs = kiscrm_table_text(t, q, (size_t)st), *qw = kiscrm_table_text(t, q, (size_t)who),
				   *qk = kiscrm_table_text(t, q, (size_t)rule);
			seen |= qs && strcmp(qs, "overdue") == 0 && strcmp(qw ? qw : "", w ? w : "") == 0 &&
				strcmp(qk ? qk : "", k ? k : "") == 0 &&
				kiscrm_table_int(t, q, (size_t)cust) == kiscrm_table_int(t, r, (size_t)cust);
		}
		if (!rc)
			rc = kiscrm_table_set_int(x, g, 2, kiscrm_table_int(x, g, 2) + !seen);
		if (!rc)
			rc = kiscrm_table_set_int(x, g, 3, kiscrm_table_int(x, g, 3) + kiscrm_table_int(t, r, (size_t)miss));
	}
	if (rc) {
		kiscrm_table_free(x);
		return rc;
	}
	*out = x;
	return KISCRM_OK;
}

int kc_pack_care_overdue(kc_pack *p)
{
	kiscrm_report_options o;
	kiscrm_table *t, *x = NULL;
	size_t s;
	int rc = kc_pack_section(p, "逾期的重点客户关怀（本季度）", "Overdue key-account care (this quarter)", &s);
	if (rc < 0)
		return rc;
	kc_pack_options(p, &o, NULL, 0, KISCRM_PERIOD_QUARTER);
	if ((rc = kc_pack_run(p, s, &t, "care-due", &o)) != 0)
		return rc < 0 ? rc : 0;
	rc = care_sum(p, &x, t);
	kiscrm_table_free(t);
	if (rc < 0)
		return kc_pack_fail(p, s, "care-due", rc) < 0 ? rc : 0;
	if ((rc = kc_doc_set_table(p->doc, s, x)) == 0)
		rc = kc_pack_none_if_empty(p, s);
	if (!rc && kiscrm_table_row_count(x))
		rc = kc_doc_note(p->doc, s, "%s",
				 KC_T(p, "（明细：kiscrm report care-due --period quarter）",
				      "(details: kiscrm report care-due --period quarter)"));
	return rc < 0 ? rc : 0;
}

/* Service requests not resolved at the end of the meeting day that are late or about to
 * be (an escalation level reached). */
static int needs_attention(const kiscrm_table *t, size_t row, const void *arg)
{
	static const char *const resolved[] = { "status", "resolved" };
	(void)arg;
	if (kc_pack_text_is(t, row, resolved))
		return 0;
	int esc = kiscrm_table_column_index(t, "escalation");
	int fr = kiscrm_table_column_index(t, "first_response_breached");
	int res = kiscrm_table_column_index(t, "resolution_breached");
	return (esc >= 0 && !kiscrm_table_is_null(t, row, (size_t)esc)) ||
	       (fr >= 0 && kiscrm_table_int(t, row, (size_t)fr)) || (res >= 0 && kiscrm_table_int(t, row, (size_t)res));
}

static int milestone_attention(const kiscrm_table *t, size_t row, const void *arg)
{
	(void)arg;
	int overdue = kiscrm_table_column_index(t, "overdue"), crisis = kiscrm_table_column_index(t, "crisis");
	int actual = kiscrm_table_column_index(t, "actual");
	return (overdue >= 0 && kiscrm_table_int(t, row, (size_t)overdue)) ||
	       (crisis >= 0 && kiscrm_table_int(t, row, (size_t)crisis) && actual >= 0 &&
		kiscrm_table_is_null(t, row, (size_t)actual));
}

static int listing(kc_pack *p, const char *zh, const char *en, const char *report, const kc_colmap *cols,
		   size_t ncols, kc_row_filter keep)
{
	kiscrm_report_options o;
	kiscrm_table *t;
	size_t s;
	int rc = kc_pack_section(p, zh, en, &s);
	if (rc < 0)
		return rc;
	kc_pack_options(p, &o, NULL, 0, 0);
	if ((rc = kc_pack_run(p, s, &t, report, &o)) != 0)
		return rc < 0 ? rc : 0;
	kc_extract x = { cols, ncols, keep, NULL, NULL, 0, NULL };
	rc = kc_pack_table(p, s, t, &x);
	kiscrm_table_free(t);
	if (!rc)
		rc = kc_pack_none_if_empty(p, s);
	return rc < 0 ? rc : 0;
}

int kc_pack_service(kc_pack *p)
{
	static const kc_colmap cols[] = {
		{ "request_id", "编号", "Request", 0 },	{ "subject", "主题", "Subject", 0 },
		{ "priority", "优先级", "Priority", 0 },	{ "status", "状态", "Status", 0 },
		{ "resolution_due", "解决时限", "Resolution due", 0 }, { "used", "时限占用", "Used", 0 },
		{ "escalation", "升级至", "Escalate to", 0 },
	};
	static const kc_colmap mcols[] = {
		{ "number", "合同号", "Contract", 0 },	{ "type", "里程碑", "Milestone", 0 },
		{ "planned", "计划日期", "Planned", 0 },	{ "days_late", "延误天数", "Days late", 0 },
		{ "crisis", "重大危机", "Crisis", 0 },
	};
	int rc = listing(p, "逾期与升级的服务请求", "Overdue and escalated service requests", "service-sla", cols, N(cols),
			 needs_attention);
	if (rc < 0)
		return rc;
	return listing(p, "逾期与危机的实施里程碑", "Implementation milestones overdue or in crisis", "milestones", mcols,
		       N(mcols), milestone_attention);
}
