/* The demo company's service (服务): requests of the last two weeks before as_of at fixed
 * local times — answered, waiting for the customer, resolved, one complaint, some late —
 * and the milestones of the latest contracts, one overdue and one in crisis; so that the
 * service reports and the meeting pack's service section have something to show.
 * Deterministic without the generator's random stream. */
#include "demo_service.h"

#include <string.h>

#define DAY_SECONDS 86400
#define LOCAL_OFFSET (8 * 3600) /* the calendar's UTC+8 */

static const struct {
	int days_before, hour, minute; /* opened, local time */
	const char *subject, *product, *priority;
	int complaint;
	/* events in hours after opening (0: none): responded, waiting, resolved */
	int respond_h, wait_h, resolve_h;
	int satisfaction;
} requests[] = {
	{ 13, 9, 30, "月末结账报错", "hotline", "high", 0, 1, 0, 6, 5 },
	{ 12, 14, 10, "凭证打印格式错乱", "remote", "normal", 0, 2, 0, 26, 4 },
	{ 9, 17, 30, "库存成本计算异常", "onsite", "urgent", 0, 1, 0, 50, 3 },
	{ 7, 10, 0, "实施顾问多次爽约", "onsite", "low", 1, 3, 0, 30, 2 },
	{ 5, 11, 20, "报表取数不正确", "remote", "normal", 0, 1, 4, 0, 0 },
	{ 3, 16, 0, "升级后无法登录", "upgrade", "urgent", 0, 0, 0, 0, 0 },
	{ 2, 9, 0, "新增用户授权", "hotline", "low", 0, 1, 0, 2, 5 },
	{ 1, 15, 45, "数据库空间不足", "database", "high", 0, 1, 0, 0, 0 },
};

static int put(kiscrm_db *db, kiscrm_record *rec, kiscrm_id *id, size_t *records)
{
	int rc = kiscrm_record_insert(db, rec);
	if (rc == 0 && id)
		*id = kiscrm_record_id(rec);
	*records += rc == 0;
	kiscrm_record_free(rec);
	return rc;
}

static int event(kiscrm_db *db, kiscrm_id req, const char *type, kiscrm_time at, size_t *records)
{
	kiscrm_record *e;
	if (kiscrm_record_new(&e, KISCRM_KIND_SERVICE_EVENT) < 0)
		return -1;
	kiscrm_record_set_int(e, KISCRM_SERVICE_EVENT_REQUEST_ID, req);
	kiscrm_record_set_text(e, KISCRM_SERVICE_EVENT_TYPE, type);
	kiscrm_record_set_int(e, KISCRM_SERVICE_EVENT_AT, at);
	return put(db, e, NULL, records);
}

static int make_requests(kiscrm_db *db, kiscrm_date as_of, const kiscrm_id *customers, size_t ncustomers,
			 kiscrm_id engineer, size_t *records)
{
	for (size_t i = 0; i < sizeof(requests) / sizeof(requests[0]); i++) {
		kiscrm_time opened = ((kiscrm_time)as_of - requests[i].days_before) * DAY_SECONDS +
				     requests[i].hour * 3600 + requests[i].minute * 60 - LOCAL_OFFSET;
		kiscrm_time now = ((kiscrm_time)as_of + 1) * DAY_SECONDS - LOCAL_OFFSET;
		kiscrm_record *r;
		kiscrm_id id = 0;
		if (kiscrm_record_new(&r, KISCRM_KIND_SERVICE_REQUEST) < 0)
			return -1;
		kiscrm_record_set_int(r, KISCRM_SERVICE_REQUEST_CUSTOMER_ID, customers[(i * 7) % ncustomers]);
		kiscrm_record_set_text(r, KISCRM_SERVICE_REQUEST_SUBJECT, requests[i].subject);
		kiscrm_record_set_text(r, KISCRM_SERVICE_REQUEST_PRODUCT, requests[i].product);
		kiscrm_record_set_text(r, KISCRM_SERVICE_REQUEST_CHANNEL, "phone");
		kiscrm_record_set_text(r, KISCRM_SERVICE_REQUEST_PRIORITY, requests[i].priority);
		kiscrm_record_set_int(r, KISCRM_SERVICE_REQUEST_COMPLAINT, requests[i].complaint);
		kiscrm_record_set_int(r, KISCRM_SERVICE_REQUEST_OWNER_ID, engineer);
		kiscrm_record_set_int(r, KISCRM_SERVICE_REQUEST_OPENED, opened);
		if (requests[i].satisfaction)
			kiscrm_record_set_int(r, KISCRM_SERVICE_REQUEST_SATISFACTION, requests[i].satisfaction);
		if (put(db, r, &id, records) < 0)
			return -1;
		static const char *const types[] = { "responded", "waiting", "resolved" };
		int hours[] = { requests[i].respond_h, requests[i].wait_h, requests[i].resolve_h };
		for (int k = 0; k < 3; k++) {
			kiscrm_time at = opened + (kiscrm_time)hours[k] * 3600;
			if (hours[k] && at < now && event(db, id, types[k], at, records) < 0)
				return -1;
		}
	}
	return 0;
}

/* Milestones of a few contracts: installation reached late, initial acceptance overdue,
 * final acceptance ahead; the last contract's in crisis. */
static int make_milestones(kiscrm_db *db, kiscrm_date as_of, const kiscrm_id *contracts, size_t ncontracts,
			   kiscrm_id consultant, size_t *records)
{
	static const struct {
		const char *type;
		int planned, actual; /* days from as_of; actual 0: not reached */
	} plan[] = { { "installation", -30, -26 }, { "initial_acceptance", -5, 0 }, { "final_acceptance", 40, 0 } };
	for (size_t c = 0; c < ncontracts; c++)
		for (size_t k = 0; k < sizeof(plan) / sizeof(plan[0]); k++) {
			kiscrm_record *m;
			if (kiscrm_record_new(&m, KISCRM_KIND_MILESTONE) < 0)
				return -1;
			kiscrm_record_set_int(m, KISCRM_MILESTONE_CONTRACT_ID, contracts[c]);
			kiscrm_record_set_text(m, KISCRM_MILESTONE_TYPE, plan[k].type);
			kiscrm_record_set_int(m, KISCRM_MILESTONE_PLANNED, as_of + plan[k].planned - (int)c * 3);
			if (plan[k].actual)
				kiscrm_record_set_int(m, KISCRM_MILESTONE_ACTUAL, as_of + plan[k].actual - (int)c * 3);
			kiscrm_record_set_int(m, KISCRM_MILESTONE_OWNER_ID, consultant);
			kiscrm_record_set_int(m, KISCRM_MILESTONE_CRISIS, c + 1 == ncontracts && k == 2);
			if (put(db, m, NULL, records) < 0)
				return -1;
		}
	return 0;
}

int demo_service_make(kiscrm_db *db, kiscrm_date as_of, const kiscrm_id *customers, size_t ncustomers,
		      const kiscrm_id *contracts, size_t ncontracts, kiscrm_id engineer, size_t *records)
{
	*records = 0;
	if (ncustomers == 0)
		return 0;
	return make_requests(db, as_of, customers, ncustomers, engineer, records) < 0 ||
			       make_milestones(db, as_of, contracts, ncontracts, engineer, records) < 0
		       ? -1 : 0;
}
