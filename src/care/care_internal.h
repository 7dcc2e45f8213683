/* What the files of the care area share: the archive's store hook (event.c) and the
 * compliance engine (compliance.c) that the reports (reports.c) and the KPI metric
 * (metrics.c) read. */
#ifndef KC_CARE_INTERNAL_H
#define KC_CARE_INTERNAL_H

#include "analytics/report.h"
#include "config/customers_config.h"
#include "storage/kind.h"

int kc_key_account_event_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old);

#define KC_CARE_GREETING (-1) /* kc_care_item.rule of a greeting */

typedef struct kc_care_account {
	kiscrm_id id, owner, department;
	char *name;
	kiscrm_date first_contract;
} kc_care_account;

typedef struct kc_care_staff {
	kiscrm_id id, department;
	char *role, *name;
	int active;
} kc_care_staff;

/* One obligation: an account owes `required` activities under one rule in one period, or
 * one greeting on one date. */
typedef struct kc_care_item {
	size_t account;        /* index into kc_care.acc */
	int rule;              /* index into the configured rules, or KC_CARE_GREETING */
	kiscrm_date from, to;  /* the period [from, to); a greeting: [date - lead, date + grace] */
	kiscrm_date due;       /* last day of the period; a greeting: its date */
	kiscrm_id responsible; /* staff id */
	kiscrm_id contact;     /* a greeting for a contact, else 0 */
	const char *occasion;  /* a greeting: birthday, important_date or family_celebration */
	int required, done;
} kc_care_item;

/* A done activity occurrence with a key account (what compliance counts). */
typedef struct kc_care_done {
	kiscrm_id customer, owner;
	kiscrm_date day;
	const char *type, *participants; /* borrowed from the calendar */
} kc_care_done;

typedef struct kc_care {
	kc_report r; /* options, window (the year of as_of when none is given), filters */
	const kc_customers_config *cfg;
	kc_care_account *acc;
	size_t nacc, cap_acc;
	kc_care_staff *staff;
	size_t nstaff, cap_staff;
	kc_idmap staff_index, dept_parent, acc_index;
	kc_care_done *done;
	size_t ndone, cap_done;
	kc_care_item *items;
	size_t nitems, cap_items;
	void *calendar; /* the kc_calendar the done occurrences borrow from */
	int begun;      /* r was begun (kc_report_end is due) */
} kc_care;

/* Computes every obligation of the window of @opts for the key accounts its filters
 * accept. KISCRM_ECONFIG when a rule that applies names a role roles.yaml lacks or nobody
 * holds, or an activity type analysis.yaml lacks. kc_care_end() in every case. */
int kc_care_run(kc_care *c, kiscrm_db *db, const kiscrm_report_options *opts);
void kc_care_end(kc_care *c);

/* Display texts of an item's rule (key, name in the report's language). */
const char *kc_care_rule_key(const kc_care *c, const kc_care_item *it);
const char *kc_care_rule_name(const kc_care *c, const kc_care_item *it);
/* The staff member's name ("" when unknown). */
const char *kc_care_staff_name(const kc_care *c, kiscrm_id id);

/* Registers the KPI metric `care_compliance` through the public registry, once per process. */
void kc_care_metrics_register(void);

#endif
