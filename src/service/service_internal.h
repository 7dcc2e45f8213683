/* What the service area's files share: the event types and statuses, a request's events
 * in time order, and the status they lead to. */
#ifndef KC_SERVICE_INTERNAL_H
#define KC_SERVICE_INTERNAL_H

#include "core/map.h"
#include "kiscrm/table.h"
#include "storage/db.h"

#include <stddef.h>

enum { KC_EV_RESPONDED, KC_EV_WAITING, KC_EV_RESUMED, KC_EV_RESOLVED, KC_EV_REOPENED, KC_EV_CLOSED };
enum { KC_SR_OPEN, KC_SR_WAITING, KC_SR_RESOLVED, KC_SR_CLOSED };

/* NULL-terminated, in the order of the enums above. */
extern const char *const kc_service_event_types[];
extern const char *const kc_service_statuses[];

typedef struct kc_svc_event {
	kiscrm_id id;
	int type; /* KC_EV_*, -1 unknown */
	kiscrm_time at;
} kc_svc_event;

typedef struct kc_svc_history {
	kc_svc_event *ev; /* by time, then id */
	size_t n, cap;
} kc_svc_history;

/* The events of @request (free with kc_svc_history_free). */
int kc_svc_history_load(kc_svc_history *h, kiscrm_db *db, kiscrm_id request);
void kc_svc_history_free(kc_svc_history *h);

/* The status after @type from @status, or -1 when the event cannot happen then. With
 * @explicit_reopen a closed request may be reopened (kiscrm_service_request_reopen). */
int kc_svc_next(int status, int type, int explicit_reopen);

/* A request as its clocks stand at an instant (clocks.c). Times 0: not (yet). */
typedef struct kc_svc_view {
	kiscrm_id id, customer, contract, owner;
	const char *subject, *product; /* borrowed for the callback */
	int complaint, tier, priority, satisfaction; /* satisfaction 0: none */
	kiscrm_time opened;
	const struct kc_sla_policy *policy;
	int status;                      /* KC_SR_* at the instant */
	kiscrm_time responded, resolved; /* the first response (or resolution); the latest resolution */
	kiscrm_time fr_due, res_due;     /* res_due: see kiscrm_service_sla() */
	int64_t fr_used, res_used, paused; /* business seconds */
	int res_running;
	int fr_breached, res_breached;
	int64_t used_bp;                 /* share of the running limit used, basis points */
} kc_svc_view;

typedef int (*kc_svc_fn)(void *payload, const kc_svc_view *v);

/* Calls @fn for @request_id, or (0) for every request opened by @at, in id order, with
 * its clocks at @at. KISCRM_ENOTFOUND for an unknown @request_id. */
int kc_service_each(kiscrm_db *db, kiscrm_time at, kiscrm_id request_id, kc_svc_fn fn, void *payload);

/* The SLA table (kiscrm_service_sla's columns, named @name) and its rows (sla.c): every
 * request kc_service_each gives for @request_id at @at that @keep accepts (NULL: all). */
typedef struct kc_sla_rows kc_sla_rows;
struct kc_sla_rows {
	kiscrm_db *db;
	kiscrm_table *t;
	kiscrm_time at;
	int (*keep)(const kc_sla_rows *s, const kc_svc_view *v);
	void *user;   /* for @keep */
	kiscrm_id gm; /* the general manager, found at the first escalation to them (-1: none) */
};
int kc_service_sla_table(kiscrm_table **out, kiscrm_db *db, const char *name);
int kc_service_sla_rows(kc_sla_rows *s, kiscrm_id request_id);

/* The service contracts (contracts with a tier and a valid_to), in id order, each with
 * the contract signed by @as_of that renews it (reports.c). */
typedef struct kc_svc_contract {
	kiscrm_id id, customer, owner, department, renewed_by;
	char *number, *tier;
	kiscrm_date valid_to;
	kiscrm_money amount;
} kc_svc_contract;

typedef struct kc_renewals {
	kiscrm_date as_of;
	kc_svc_contract *c;
	size_t n, cap;
	kc_idmap index;
} kc_renewals;

int kc_service_renewals_load(kc_renewals *s, kiscrm_db *db, kiscrm_date as_of);
void kc_service_renewals_free(kc_renewals *s);

/* Registers the KPI metrics satisfaction, sla_compliance and renewal_rate (metrics.c). */
void kc_service_metrics_register(void);

/* The instant a report's as_of day ends on the business calendar (local midnight after). */
kiscrm_time kc_service_day_end(const kiscrm_db *db, kiscrm_date day);

#endif
