/* The care reports: compliance per account and rule, per responsible person, and the due
 * and overdue list as of a date — all read from the obligations of compliance.c. */
#include "care/care_internal.h"
#include "core/error.h"
#include "core/sort.h"
#include "kiscrm/date.h"

#include <stdlib.h>
#include <string.h>

/* required, done, missing, rate from column @col on. */
static int figures(kiscrm_table *t, size_t row, size_t col, int64_t required, int64_t done)
{
	int rc;
	if ((rc = kc_cell_int(t, row, col, required)) || (rc = kc_cell_int(t, row, col + 1, done)) ||
	    (rc = kc_cell_int(t, row, col + 2, required - done)))
		return rc;
	return kc_cell_ratio(t, row, col + 3, (double)done, (double)required);
}

/* Rule order: the configured rules, then greetings. */
static int rule_rank(const kc_care_item *it)
{
	return it->rule == KC_CARE_GREETING ? 1 << 20 : it->rule;
}

static int by_account_rule(const void *x, const void *y)
{
	const kc_care_item *a = x, *b = y;
	if (a->account != b->account)
		return a->account < b->account ? -1 : 1;
	if (rule_rank(a) != rule_rank(b))
		return rule_rank(a) < rule_rank(b) ? -1 : 1;
	return (a->due > b->due) - (a->due < b->due);
}

static int by_person_rule(const void *x, const void *y)
{
	const kc_care_item *a = x, *b = y;
	if (a->responsible != b->responsible)
		return (a->responsible > b->responsible) - (a->responsible < b->responsible);
	if (rule_rank(a) != rule_rank(b))
		return rule_rank(a) < rule_rank(b) ? -1 : 1;
	return a->account < b->account ? -1 : a->account > b->account;
}

int kiscrm_report_care_compliance(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts)
{
	static const char *const cols[] = {
		"customer_id:int", "customer:text", "rule:text", "rule_name:text", "responsible_id:int",
		"responsible:text", "required:int", "done:int", "missing:int", "rate:rate", NULL,
	};
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_report_care_compliance: out pointer is NULL");
	*out = NULL;
	kc_care c;
	kiscrm_table *t = NULL;
	int rc = kc_care_run(&c, db, opts);
	if (rc == 0)
		rc = kc_report_listing(&c.r, &t, "care-compliance", cols);
	if (rc == 0)
		kc_sort(c.items, c.nitems, sizeof(*c.items), by_account_rule);
	int64_t all_req = 0, all_done = 0;
	for (size_t i = 0; rc == 0 && i < c.nitems;) {
		const kc_care_item *it = &c.items[i];
		int64_t req = 0, done = 0;
		size_t j = i, row;
		for (; j < c.nitems && c.items[j].account == it->account && c.items[j].rule == it->rule; j++) {
			req += c.items[j].required;
			done += c.items[j].done;
		}
		all_req += req;
		all_done += done;
		const kc_care_account *a = &c.acc[it->account];
		if ((rc = kc_add_row(t, KISCRM_ROW_DETAIL, &row)) || (rc = kc_cell_int(t, row, 0, a->id)) ||
		    (rc = kc_cell_text(t, row, 1, a->name)) || (rc = kc_cell_text(t, row, 2, kc_care_rule_key(&c, it))) ||
		    (rc = kc_cell_text(t, row, 3, kc_care_rule_name(&c, it))) ||
		    (rc = kc_cell_int(t, row, 4, it->responsible)) ||
		    (rc = kc_cell_text(t, row, 5, kc_care_staff_name(&c, it->responsible))))
			break;
		rc = figures(t, row, 6, req, done);
		i = j;
	}
	size_t row;
	if (rc == 0 && (rc = kc_add_row(t, KISCRM_ROW_TOTAL, &row)) == 0)
		rc = figures(t, row, 6, all_req, all_done);
	kc_care_end(&c);
	return kc_report_deliver(out, t, rc);
}

int kiscrm_report_care_people(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts)
{
	static const char *const cols[] = {
		"responsible_id:int", "responsible:text", "rule:text", "rule_name:text", "accounts:int",
		"required:int", "done:int", "missing:int", "rate:rate", NULL,
	};
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_report_care_people: out pointer is NULL");
	*out = NULL;
	kc_care c;
	kiscrm_table *t = NULL;
	int rc = kc_care_run(&c, db, opts);
	if (rc == 0)
		rc = kc_report_listing(&c.r, &t, "care-people", cols);
	if (rc == 0)
		kc_sort(c.items, c.nitems, sizeof(*c.items), by_person_rule);
	int64_t all_req = 0, all_done = 0, p_req = 0, p_done = 0;
	for (size_t i = 0; rc == 0 && i < c.nitems;) {
		const kc_care_item *it = &c.items[i];
		int64_t req = 0, done = 0, accounts = 0;
		size_t j = i, row;
		for (; j < c.nitems && c.items[j].responsible == it->responsible && c.items[j].rule == it->rule; j++) {
			req += c.items[j].required;
			done += c.items[j].done;
			accounts += j == i || c.items[j].account != c.items[j - 1].account;
		}
		p_req += req;
		p_done += done;
		const char *name = kc_care_staff_name(&c, it->responsible);
		if ((rc = kc_add_row(t, KISCRM_ROW_DETAIL, &row)) || (rc = kc_cell_int(t, row, 0, it->responsible)) ||
		    (rc = kc_cell_text(t, row, 1, name)) || (rc = kc_cell_text(t, row, 2, kc_care_rule_key(&c, it))) ||
		    (rc = kc_cell_text(t, row, 3, kc_care_rule_name(&c, it))) || (rc = kc_cell_int(t, row, 4, accounts)) ||
		    (rc = figures(t, row, 5, req, done)))
			break;
		i = j;
		if (i == c.nitems || c.items[i].responsible != it->responsible) { /* the person's sub-total */
			if ((rc = kc_add_row(t, KISCRM_ROW_SUBTOTAL, &row)) || (rc = kc_cell_int(t, row, 0, it->responsible)) ||
			    (rc = kc_cell_text(t, row, 1, name)) || (rc = figures(t, row, 5, p_req, p_done)))
				break;
			all_req += p_req;
			all_done += p_done;
			p_req = p_done = 0;
		}
	}
	size_t row;
	if (rc == 0 && (rc = kc_add_row(t, KISCRM_ROW_TOTAL, &row)) == 0)
		rc = figures(t, row, 5, all_req, all_done);
	kc_care_end(&c);
	return kc_report_deliver(out, t, rc);
}

static int by_due(const void *x, const void *y)
{
	const kc_care_item *a = x, *b = y;
	if (a->due != b->due)
		return (a->due > b->due) - (a->due < b->due);
	return by_account_rule(x, y);
}

int kiscrm_report_care_due(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts)
{
	static const char *const cols[] = {
		"customer_id:int", "customer:text", "rule:text", "rule_name:text", "occasion:text", "contact_id:int",
		"period_start:date", "due:date", "responsible_id:int", "responsible:text", "required:int", "done:int",
		"missing:int", "status:text", NULL,
	};
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_report_care_due: out pointer is NULL");
	*out = NULL;
	kc_care c;
	kiscrm_table *t = NULL;
	int rc = kc_care_run(&c, db, opts);
	if (rc == 0)
		rc = kc_report_listing(&c.r, &t, "care-due", cols);
	if (rc == 0)
		kc_sort(c.items, c.nitems, sizeof(*c.items), by_due);
	for (size_t i = 0; rc == 0 && i < c.nitems; i++) {
		const kc_care_item *it = &c.items[i];
		int greeting = it->rule == KC_CARE_GREETING;
		/* a period is listed from its first day, a greeting from lead_days before; a
		 * period is overdue once it has ended, a greeting once its grace days have passed */
		kiscrm_date overdue_after = greeting ? it->to - 1 : it->due;
		if (it->done >= it->required || it->from > c.r.as_of)
			continue;
		const kc_care_account *a = &c.acc[it->account];
		size_t row;
		if ((rc = kc_add_row(t, KISCRM_ROW_DETAIL, &row)) || (rc = kc_cell_int(t, row, 0, a->id)) ||
		    (rc = kc_cell_text(t, row, 1, a->name)) || (rc = kc_cell_text(t, row, 2, kc_care_rule_key(&c, it))) ||
		    (rc = kc_cell_text(t, row, 3, kc_care_rule_name(&c, it))) ||
		    (greeting && (rc = kc_cell_text(t, row, 4, it->occasion))) ||
		    (it->contact && (rc = kc_cell_int(t, row, 5, it->contact))) ||
		    (!greeting && (rc = kc_cell_int(t, row, 6, it->from))) || (rc = kc_cell_int(t, row, 7, it->due)) ||
		    (rc = kc_cell_int(t, row, 8, it->responsible)) ||
		    (rc = kc_cell_text(t, row, 9, kc_care_staff_name(&c, it->responsible))) ||
		    (rc = kc_cell_int(t, row, 10, it->required)) || (rc = kc_cell_int(t, row, 11, it->done)) ||
		    (rc = kc_cell_int(t, row, 12, it->required - it->done)))
			break;
		rc = kc_cell_text(t, row, 13, overdue_after < c.r.as_of ? "overdue" : "due");
	}
	kc_care_end(&c);
	return kc_report_deliver(out, t, rc);
}
