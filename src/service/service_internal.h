/* What the service area's files share: the event types and statuses, a request's events
 * in time order, and the status they lead to. */
#ifndef KC_SERVICE_INTERNAL_H
#define KC_SERVICE_INTERNAL_H

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

/* The SLA table (kiscrm_service_sla's columns) and its rows at @at: @request_id's, or
 * every request opened by @at (without the closed ones when @open_only). sla.c. */
int kc_service_sla_table(kiscrm_table **out, kiscrm_db *db, int decimals);
int kc_service_sla_rows(kiscrm_table *t, kiscrm_db *db, kiscrm_time at, kiscrm_id request_id, int open_only);

#endif
