/* Service requests and their SLAs on the default calendar of service.yaml (UTC+8; Monday
 * to Friday 09:00-12:00 and 13:30-18:00, 7.5 h a day; the 2026 holidays with Spring
 * Festival 15-23 February and the make-up Saturdays 14 and 28 February). Every deadline,
 * minute count and escalation level below is worked by hand; local times in comments,
 * UTC in the code. Limits (business minutes): gold × urgent 30 / 240; standard × high
 * 240 / 1350; standard × normal 480 / 2250; standard × urgent 120 / 900. Escalation:
 * warning 80 % → owner, 100 % → manager, 150 % → general manager. Both backends. */
#include "helpers.h"

#include <string.h>

typedef struct world {
	kiscrm_db *db;
	kiscrm_id gm, lead, engineer, cust, gold;
} world;

static int setup(void **state)
{
	world *w = kc_test_fx_open(sizeof(world), NULL);
	if (!w)
		return -1;
	kiscrm_id dept = kc_test_department(w->db, "服务部", 0);
	w->gm = kc_test_staff(w->db, "王总", dept, "general_manager");
	w->lead = kc_test_staff(w->db, "谢经理", dept, "department_manager");
	w->engineer = kc_test_staff(w->db, "韩冰", dept, "service");
	assert_int_equal(KISCRM_OK, kc_test_update_int(w->db, KISCRM_KIND_STAFF, w->engineer, KISCRM_STAFF_MANAGER_ID, w->lead));
	w->cust = kc_test_customer(w->db, "甲");
	kiscrm_record *c = kc_test_rec(KISCRM_KIND_CONTRACT);
	kiscrm_record_set_int(c, KISCRM_CONTRACT_CUSTOMER_ID, w->cust);
	kiscrm_record_set_int(c, KISCRM_CONTRACT_OWNER_ID, w->lead);
	kiscrm_record_set_int(c, KISCRM_CONTRACT_SIGNED, kc_test_day("2025-12-20"));
	kiscrm_record_set_int(c, KISCRM_CONTRACT_AMOUNT, 1200000);
	kiscrm_record_set_text(c, KISCRM_CONTRACT_BUSINESS_LINE, "service");
	kiscrm_record_set_text(c, KISCRM_CONTRACT_TIER, "gold");
	kiscrm_record_set_int(c, KISCRM_CONTRACT_VALID_FROM, kc_test_day("2026-01-01"));
	kiscrm_record_set_int(c, KISCRM_CONTRACT_VALID_TO, kc_test_day("2026-12-31"));
	w->gold = kc_test_insert(w->db, c);
	*state = w;
	return 0;
}

static kiscrm_id request(world *w, const char *opened, const char *priority, int complaint, kiscrm_id contract)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_SERVICE_REQUEST);
	kiscrm_record_set_int(r, KISCRM_SERVICE_REQUEST_CUSTOMER_ID, w->cust);
	kiscrm_record_set_text(r, KISCRM_SERVICE_REQUEST_SUBJECT, "凭证无法过账");
	kiscrm_record_set_text(r, KISCRM_SERVICE_REQUEST_PRODUCT, "hotline");
	kiscrm_record_set_text(r, KISCRM_SERVICE_REQUEST_CHANNEL, "phone");
	kiscrm_record_set_text(r, KISCRM_SERVICE_REQUEST_PRIORITY, priority);
	kiscrm_record_set_int(r, KISCRM_SERVICE_REQUEST_COMPLAINT, complaint);
	kiscrm_record_set_int(r, KISCRM_SERVICE_REQUEST_OWNER_ID, w->engineer);
	kiscrm_record_set_int(r, KISCRM_SERVICE_REQUEST_OPENED, kc_test_time(opened));
	if (contract)
		kiscrm_record_set_int(r, KISCRM_SERVICE_REQUEST_CONTRACT_ID, contract);
	return kc_test_insert(w->db, r);
}

static int event(world *w, kiscrm_id req, const char *type, const char *at)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_SERVICE_EVENT);
	kiscrm_record_set_int(r, KISCRM_SERVICE_EVENT_REQUEST_ID, req);
	kiscrm_record_set_text(r, KISCRM_SERVICE_EVENT_TYPE, type);
	kiscrm_record_set_int(r, KISCRM_SERVICE_EVENT_AT, kc_test_time(at));
	int rc = kiscrm_record_insert(w->db, r);
	kiscrm_record_free(r);
	return rc;
}

static void assert_status(world *w, kiscrm_id req, const char *want)
{
	kiscrm_record *r = kc_test_get(w->db, KISCRM_KIND_SERVICE_REQUEST, req);
	kc_test_assert_text(r, KISCRM_SERVICE_REQUEST_STATUS, want);
	kiscrm_record_free(r);
}

enum { C_ID, C_CUST, C_SUBJECT, C_COMPLAINT, C_TIER, C_PRIORITY, C_STATUS, C_OPENED, C_FR_DUE, C_FR, C_FR_MIN,
       C_RES_DUE, C_RESOLVED, C_RES_MIN, C_PAUSED, C_USED, C_FR_BREACHED, C_RES_BREACHED, C_ESCALATION, C_TO, C_SATISFACTION };

static kiscrm_table *sla(world *w, kiscrm_id req, const char *at)
{
	kiscrm_table *t = NULL;
	assert_int_equal(KISCRM_OK, kiscrm_service_sla(&t, w->db, kc_test_time(at), req));
	assert_int_equal(1, kiscrm_table_row_count(t));
	return t;
}

static void assert_time(const kiscrm_table *t, size_t col, const char *want)
{
	assert_int_equal(kc_test_time(want), kiscrm_table_int(t, 0, col));
}

static void assert_escalation(const kiscrm_table *t, const char *level, kiscrm_id to)
{
	if (!level) {
		assert_true(kiscrm_table_is_null(t, 0, C_ESCALATION));
		return;
	}
	assert_string_equal(level, kiscrm_table_text(t, 0, C_ESCALATION));
	assert_int_equal(to, kiscrm_table_int(t, 0, C_TO));
}

/* Opened Friday 13 Feb 17:30 (09:30Z) under the gold contract, urgent: first response by
 * 18:00 Friday; resolution 240 min = Friday 30 + Saturday 14th (make-up day) 09:00-12:00
 * 180 + 13:30-14:00 30 → Saturday 14:00 (06:00Z). Responded Friday 17:45. At Saturday
 * 13:30 the clock has run 30 + 180 = 210 min, 87.5 %: the owner is warned; at 14:30, 270
 * min, 112.5 %: the manager; on Tuesday 24 Feb 10:00 (the holidays skipped) 30 + 450 + 60
 * = 540 min, 225 %: the general manager, breached. */
static void test_before_spring_festival(void **state)
{
	world *w = *state;
	kiscrm_id r = request(w, "2026-02-13T09:30:00Z", "urgent", 0, w->gold);
	assert_int_equal(KISCRM_OK, event(w, r, "responded", "2026-02-13T09:45:00Z"));
	kiscrm_table *t = sla(w, r, "2026-02-14T05:30:00Z");
	assert_string_equal("gold", kiscrm_table_text(t, 0, C_TIER));
	assert_string_equal("urgent", kiscrm_table_text(t, 0, C_PRIORITY));
	assert_time(t, C_FR_DUE, "2026-02-13T10:00:00Z");
	assert_time(t, C_FR, "2026-02-13T09:45:00Z");
	assert_int_equal(15, kiscrm_table_int(t, 0, C_FR_MIN));
	assert_int_equal(0, kiscrm_table_int(t, 0, C_FR_BREACHED));
	assert_time(t, C_RES_DUE, "2026-02-14T06:00:00Z");
	assert_int_equal(210, kiscrm_table_int(t, 0, C_RES_MIN));
	assert_true(kiscrm_table_rate(t, 0, C_USED) > 0.875 - 1e-9 && kiscrm_table_rate(t, 0, C_USED) < 0.875 + 1e-9);
	assert_escalation(t, "owner", w->engineer);
	kiscrm_table_free(t);
	t = sla(w, r, "2026-02-14T06:30:00Z");
	assert_int_equal(270, kiscrm_table_int(t, 0, C_RES_MIN));
	assert_escalation(t, "manager", w->lead);
	assert_int_equal(1, kiscrm_table_int(t, 0, C_RES_BREACHED));
	kiscrm_table_free(t);
	t = sla(w, r, "2026-02-24T02:00:00Z");
	assert_int_equal(540, kiscrm_table_int(t, 0, C_RES_MIN));
	assert_escalation(t, "general_manager", w->gm);
	kiscrm_table_free(t);
}

/* Opened Tuesday 3 March 12:20 (lunch; 04:20Z), no service contract: standard tier, high.
 * The clocks start at 13:30. First response 240 min → 17:30 Tuesday (09:30Z). Resolution
 * 1350 min: Tuesday 270, Wednesday 450, Thursday 450 = 1170, Friday 09:00-12:00 180 →
 * Friday 6 March 12:00 (04:00Z). At 13:00 Tuesday nothing has been used. */
static void test_opened_at_lunch(void **state)
{
	world *w = *state;
	kiscrm_id r = request(w, "2026-03-03T04:20:00Z", "high", 0, 0);
	kiscrm_table *t = sla(w, r, "2026-03-03T05:00:00Z");
	assert_string_equal("standard", kiscrm_table_text(t, 0, C_TIER));
	assert_time(t, C_FR_DUE, "2026-03-03T09:30:00Z");
	assert_time(t, C_RES_DUE, "2026-03-06T04:00:00Z");
	assert_int_equal(0, kiscrm_table_int(t, 0, C_FR_MIN));
	assert_int_equal(0, kiscrm_table_int(t, 0, C_RES_MIN));
	assert_escalation(t, NULL, 0);
	kiscrm_table_free(t);
}

/* Standard × normal (2250 min). Opened Thursday 5 March 09:00 (01:00Z), responded 10:00,
 * waiting for the customer from Friday 16:00, resumed Monday 9 March 11:00. The clock ran
 * Thursday 450 + Friday 09:00-12:00 180 + 13:30-16:00 150 = 780 min; paused Friday 16-18
 * 120 + Monday 9-11 120 = 240. The 1470 min left from Monday 11:00: Monday 330, Tuesday
 * 450, Wednesday 450 (1230), Thursday 09:00-12:00 180, 13:30 + 60 → Thursday 12 March
 * 14:30 (06:30Z) — the unpaused deadline, Wednesday 11 March 18:00, plus the 240 paused
 * minutes. While still waiting, on Monday 10:00, the deadline were the clock to run again
 * then: 1470 from Monday 10:00 → Thursday 12:00 (04:00Z), paused so far 180. */
static void test_paused_over_weekend(void **state)
{
	world *w = *state;
	kiscrm_id r = request(w, "2026-03-05T01:00:00Z", "normal", 0, 0);
	assert_int_equal(KISCRM_OK, event(w, r, "responded", "2026-03-05T02:00:00Z"));
	assert_int_equal(KISCRM_OK, event(w, r, "waiting", "2026-03-06T08:00:00Z"));
	kiscrm_table *t = sla(w, r, "2026-03-09T02:00:00Z");
	assert_string_equal("waiting", kiscrm_table_text(t, 0, C_STATUS));
	assert_int_equal(780, kiscrm_table_int(t, 0, C_RES_MIN));
	assert_int_equal(180, kiscrm_table_int(t, 0, C_PAUSED));
	assert_time(t, C_RES_DUE, "2026-03-12T04:00:00Z");
	kiscrm_table_free(t);
	assert_int_equal(KISCRM_OK, event(w, r, "resumed", "2026-03-09T03:00:00Z"));
	t = sla(w, r, "2026-03-09T03:00:00Z");
	assert_string_equal("open", kiscrm_table_text(t, 0, C_STATUS));
	assert_int_equal(240, kiscrm_table_int(t, 0, C_PAUSED));
	assert_time(t, C_RES_DUE, "2026-03-12T06:30:00Z");
	kiscrm_table_free(t);
	assert_status(w, r, "open");
}

/* Standard × normal. Opened Monday 16 March 09:00, responded 09:30, resolved 16:00 (330
 * min used), closed Tuesday 09:00. A `reopened` event inserted on Wednesday is refused —
 * only kiscrm_service_request_reopen() reopens a closed request; reopened so at Wednesday
 * 10:00, the 1920 min left run from then: Wednesday 390, Thursday 450, Friday 450, Monday
 * 23 March 450 (1740), Tuesday 09:00-12:00 180 → Tuesday 24 March 12:00 (04:00Z). At
 * Wednesday 11:00 the clock shows 330 + 60 = 390 min. Events out of order are refused. */
static void test_reopened(void **state)
{
	world *w = *state;
	kiscrm_id r = request(w, "2026-03-16T01:00:00Z", "normal", 0, 0);
	assert_int_equal(KISCRM_OK, event(w, r, "responded", "2026-03-16T01:30:00Z"));
	assert_int_equal(KISCRM_OK, event(w, r, "resolved", "2026-03-16T08:00:00Z"));
	assert_int_equal(KISCRM_OK, event(w, r, "closed", "2026-03-17T01:00:00Z"));
	size_t events = kc_test_count(w->db, KISCRM_KIND_SERVICE_EVENT, NULL);
	assert_int_equal(KISCRM_ECONFLICT, event(w, r, "reopened", "2026-03-18T02:00:00Z"));
	assert_string_equal("type", kiscrm_error_last()->field);
	assert_non_null(strstr(kiscrm_error_last()->message, "kiscrm_service_request_reopen"));
	assert_int_equal(KISCRM_EINVALID, event(w, r, "responded", "2026-03-16T05:00:00Z")); /* before `closed` */
	assert_string_equal("at", kiscrm_error_last()->field);
	assert_int_equal(events, kc_test_count(w->db, KISCRM_KIND_SERVICE_EVENT, NULL));
	assert_status(w, r, "closed");
	kiscrm_table *t = sla(w, r, "2026-03-17T02:00:00Z");
	assert_int_equal(330, kiscrm_table_int(t, 0, C_RES_MIN));
	assert_time(t, C_RESOLVED, "2026-03-16T08:00:00Z");
	assert_int_equal(0, kiscrm_table_int(t, 0, C_RES_BREACHED));
	kiscrm_table_free(t);

	assert_int_equal(KISCRM_OK, kiscrm_service_request_reopen(w->db, r, kc_test_time("2026-03-18T02:00:00Z"), w->engineer));
	assert_status(w, r, "open");
	t = sla(w, r, "2026-03-18T03:00:00Z");
	assert_int_equal(390, kiscrm_table_int(t, 0, C_RES_MIN));
	assert_time(t, C_RES_DUE, "2026-03-24T04:00:00Z");
	assert_true(kiscrm_table_is_null(t, 0, C_RESOLVED));
	kiscrm_table_free(t);
	/* an open request cannot be reopened */
	assert_int_equal(KISCRM_ECONFLICT, kiscrm_service_request_reopen(w->db, r, kc_test_time("2026-03-18T04:00:00Z"), 0));
}

/* A complaint asked as `low` is served as urgent (standard: 120 / 900). Opened Wednesday
 * 4 March 16:00 (08:00Z): first response due 18:00 (10:00Z); resolution 900 min:
 * Wednesday 120, Thursday 450, Friday 09:00-12:00 180, 13:30 + 150 → Friday 16:00
 * (08:00Z). Not responded by Thursday 09:30: 150 of 120 min, 125 % → the manager; by
 * 10:00, 180 min, 150 % → the general manager. */
static void test_complaint(void **state)
{
	world *w = *state;
	kiscrm_id r = request(w, "2026-03-04T08:00:00Z", "low", 1, 0);
	kiscrm_table *t = sla(w, r, "2026-03-05T01:30:00Z");
	assert_string_equal("urgent", kiscrm_table_text(t, 0, C_PRIORITY));
	assert_int_equal(1, kiscrm_table_int(t, 0, C_COMPLAINT));
	assert_time(t, C_FR_DUE, "2026-03-04T10:00:00Z");
	assert_time(t, C_RES_DUE, "2026-03-06T08:00:00Z");
	assert_int_equal(150, kiscrm_table_int(t, 0, C_FR_MIN));
	assert_int_equal(1, kiscrm_table_int(t, 0, C_FR_BREACHED));
	assert_escalation(t, "manager", w->lead);
	kiscrm_table_free(t);
	t = sla(w, r, "2026-03-05T02:00:00Z");
	assert_escalation(t, "general_manager", w->gm);
	kiscrm_table_free(t);
}

/* Every request not closed at an instant, in id order; bad input refused. */
static void test_list_and_rules(void **state)
{
	world *w = *state;
	kiscrm_id a = request(w, "2026-03-02T01:00:00Z", "normal", 0, 0);
	kiscrm_id b = request(w, "2026-03-02T02:00:00Z", "normal", 0, 0);
	request(w, "2026-03-20T02:00:00Z", "normal", 0, 0); /* opened after the instant */
	assert_int_equal(KISCRM_OK, event(w, a, "resolved", "2026-03-02T03:00:00Z"));
	assert_int_equal(KISCRM_OK, event(w, a, "closed", "2026-03-02T04:00:00Z"));
	kiscrm_table *t = NULL;
	assert_int_equal(KISCRM_OK, kiscrm_service_sla(&t, w->db, kc_test_time("2026-03-03T00:00:00Z"), 0));
	assert_int_equal(1, kiscrm_table_row_count(t));
	assert_int_equal(b, kiscrm_table_int(t, 0, C_ID));
	kiscrm_table_free(t);
	/* resolving counts as the first response */
	t = sla(w, a, "2026-03-03T00:00:00Z");
	assert_time(t, C_FR, "2026-03-02T03:00:00Z");
	kiscrm_table_free(t);

	assert_int_equal(KISCRM_ENOTFOUND, kiscrm_service_sla(&t, w->db, 0, 9999));
	assert_null(t);
	assert_int_equal(KISCRM_ECONFLICT, event(w, b, "resumed", "2026-03-02T03:00:00Z")); /* not waiting */
	assert_int_equal(KISCRM_EINVALID, event(w, b, "responded", "2026-03-02T01:00:00Z")); /* before opening */
	assert_int_equal(KISCRM_EINVALID, event(w, b, "escalated", "2026-03-02T03:00:00Z"));
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_SERVICE_REQUEST);
	kiscrm_record_set_int(r, KISCRM_SERVICE_REQUEST_CUSTOMER_ID, w->cust);
	kiscrm_record_set_text(r, KISCRM_SERVICE_REQUEST_SUBJECT, "x");
	kiscrm_record_set_int(r, KISCRM_SERVICE_REQUEST_OPENED, kc_test_time("2026-03-02T01:00:00Z"));
	kiscrm_record_set_text(r, KISCRM_SERVICE_REQUEST_PRODUCT, "massage");
	assert_int_equal(KISCRM_EINVALID, kiscrm_record_insert(w->db, r));
	assert_string_equal("product", kiscrm_error_last()->field);
	kiscrm_record_set_text(r, KISCRM_SERVICE_REQUEST_PRODUCT, "remote");
	kiscrm_record_set_text(r, KISCRM_SERVICE_REQUEST_PRIORITY, "asap");
	assert_int_equal(KISCRM_EINVALID, kiscrm_record_insert(w->db, r));
	assert_string_equal("priority", kiscrm_error_last()->field);
	kiscrm_record_set_text(r, KISCRM_SERVICE_REQUEST_PRIORITY, "high");
	kiscrm_record_set_int(r, KISCRM_SERVICE_REQUEST_SATISFACTION, 6);
	assert_int_equal(KISCRM_EINVALID, kiscrm_record_insert(w->db, r));
	assert_string_equal("satisfaction", kiscrm_error_last()->field);
	kiscrm_record_free(r);
}

static kiscrm_id service_contract(world *w, const char *tier, const char *to, const char *signed_on, kiscrm_id renews,
				  kiscrm_money amount)
{
	kiscrm_record *c = kc_test_rec(KISCRM_KIND_CONTRACT);
	kiscrm_record_set_int(c, KISCRM_CONTRACT_CUSTOMER_ID, w->cust);
	kiscrm_record_set_int(c, KISCRM_CONTRACT_OWNER_ID, w->lead);
	kiscrm_record_set_int(c, KISCRM_CONTRACT_SIGNED, kc_test_day(signed_on));
	kiscrm_record_set_int(c, KISCRM_CONTRACT_AMOUNT, amount);
	kiscrm_record_set_text(c, KISCRM_CONTRACT_BUSINESS_LINE, "service");
	kiscrm_record_set_text(c, KISCRM_CONTRACT_TIER, tier);
	kiscrm_record_set_int(c, KISCRM_CONTRACT_VALID_TO, kc_test_day(to));
	if (renews)
		kiscrm_record_set_int(c, KISCRM_CONTRACT_RENEWS_ID, renews);
	return kc_test_insert(w->db, c);
}

static kiscrm_table *report(world *w, const char *name, const char *as_of, const char *from, const char *to)
{
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	o.as_of = kc_test_day(as_of);
	if (from) {
		o.from = kc_test_day(from);
		o.to = kc_test_day(to);
	}
	kiscrm_table *t = NULL;
	assert_int_equal(KISCRM_OK, kiscrm_report_run(&t, w->db, name, &o));
	return t;
}

/* As of 31 March: the silver contract ending 10 April (10 days: within 30) was renewed
 * on 20 March; the standard one ending 20 May (50 days: within 60) was not; the gold one
 * (31 December) and one that ended 15 March are not due. In the second quarter both are
 * due: renewed 1 of 2, 50 %, 8,000.00 of 14,000.00. */
static void test_renewals(void **state)
{
	world *w = *state;
	kiscrm_id silver = service_contract(w, "silver", "2026-04-10", "2025-04-01", 0, 800000);
	kiscrm_id standard = service_contract(w, "standard", "2026-05-20", "2025-05-01", 0, 600000);
	service_contract(w, "standard", "2026-03-15", "2025-03-01", 0, 500000);
	kiscrm_id renewal = service_contract(w, "silver", "2027-04-10", "2026-03-20", silver, 900000);
	kiscrm_table *t = report(w, "service-renewals", "2026-03-31", NULL, NULL);
	assert_int_equal(2, kiscrm_table_row_count(t));
	assert_int_equal(silver, kiscrm_table_int(t, 0, 0));
	assert_int_equal(10, kiscrm_table_int(t, 0, 5));
	assert_int_equal(30, kiscrm_table_int(t, 0, 6));
	assert_int_equal(renewal, kiscrm_table_int(t, 0, 8));
	assert_int_equal(standard, kiscrm_table_int(t, 1, 0));
	assert_int_equal(50, kiscrm_table_int(t, 1, 5));
	assert_int_equal(60, kiscrm_table_int(t, 1, 6));
	assert_true(kiscrm_table_is_null(t, 1, 8));
	kiscrm_table_free(t);
	t = report(w, "renewal-rate", "2026-03-31", "2026-04-01", "2026-07-01");
	assert_int_equal(2, kiscrm_table_int(t, 0, 0));
	assert_int_equal(1, kiscrm_table_int(t, 0, 1));
	assert_true(kiscrm_table_rate(t, 0, 2) > 0.5 - 1e-9 && kiscrm_table_rate(t, 0, 2) < 0.5 + 1e-9);
	assert_int_equal(1400000, kiscrm_table_int(t, 0, 3));
	assert_int_equal(800000, kiscrm_table_int(t, 0, 4));
	kiscrm_table_free(t);
	/* as of 19 March the renewal was not signed yet */
	t = report(w, "renewal-rate", "2026-03-19", "2026-04-01", "2026-07-01");
	assert_int_equal(0, kiscrm_table_int(t, 0, 1));
	kiscrm_table_free(t);
}

/* March: a hotline request rated 5 and a remote one rated 3 (韩冰's), a survey of the
 * hotline rating 韩冰 4, and a February survey (outside). By product: hotline 2 responses,
 * average 4.5, all satisfied; remote 1, 3, none. 韩冰: 3, average 4, 2/3 satisfied. The
 * complaint list holds the one complaint, closed or not. */
static void test_satisfaction_and_complaints(void **state)
{
	world *w = *state;
	kiscrm_id r1 = request(w, "2026-03-02T02:00:00Z", "normal", 0, 0);
	kiscrm_id r2 = request(w, "2026-03-03T02:00:00Z", "normal", 1, 0);
	assert_int_equal(KISCRM_OK, kc_test_update_int(w->db, KISCRM_KIND_SERVICE_REQUEST, r1, KISCRM_SERVICE_REQUEST_SATISFACTION, 5));
	assert_int_equal(KISCRM_OK, kc_test_update_text(w->db, KISCRM_KIND_SERVICE_REQUEST, r2, KISCRM_SERVICE_REQUEST_PRODUCT, "remote"));
	assert_int_equal(KISCRM_OK, kc_test_update_int(w->db, KISCRM_KIND_SERVICE_REQUEST, r2, KISCRM_SERVICE_REQUEST_SATISFACTION, 3));
	static const struct {
		const char *day;
		int64_t score;
	} surveys[] = { { "2026-03-10", 4 }, { "2026-02-10", 1 } };
	for (size_t i = 0; i < 2; i++) {
		kiscrm_record *s = kc_test_rec(KISCRM_KIND_SATISFACTION_SURVEY);
		kiscrm_record_set_int(s, KISCRM_SATISFACTION_SURVEY_CUSTOMER_ID, w->cust);
		kiscrm_record_set_int(s, KISCRM_SATISFACTION_SURVEY_DATE, kc_test_day(surveys[i].day));
		kiscrm_record_set_int(s, KISCRM_SATISFACTION_SURVEY_SCORE, surveys[i].score);
		kiscrm_record_set_text(s, KISCRM_SATISFACTION_SURVEY_PRODUCT, "hotline");
		kiscrm_record_set_int(s, KISCRM_SATISFACTION_SURVEY_ENGINEER_ID, w->engineer);
		kc_test_insert(w->db, s);
	}
	kiscrm_table *t = report(w, "satisfaction", "2026-03-31", "2026-03-01", "2026-04-01");
	assert_int_equal(4, kiscrm_table_row_count(t)); /* hotline, remote, 韩冰, total */
	assert_string_equal("hotline", kiscrm_table_text(t, 0, 1));
	assert_int_equal(2, kiscrm_table_int(t, 0, 3));
	assert_true(kiscrm_table_rate(t, 0, 4) > 4.5 - 1e-9 && kiscrm_table_rate(t, 0, 4) < 4.5 + 1e-9);
	assert_true(kiscrm_table_rate(t, 0, 5) > 1.0 - 1e-9);
	assert_string_equal("remote", kiscrm_table_text(t, 1, 1));
	assert_true(kiscrm_table_rate(t, 1, 5) < 1e-9);
	assert_string_equal("engineer", kiscrm_table_text(t, 2, 0));
	assert_string_equal("韩冰", kiscrm_table_text(t, 2, 2));
	assert_int_equal(3, kiscrm_table_int(t, 3, 3));
	assert_true(kiscrm_table_rate(t, 3, 4) > 4.0 - 1e-9 && kiscrm_table_rate(t, 3, 4) < 4.0 + 1e-9);
	assert_true(kiscrm_table_rate(t, 3, 5) > 2.0 / 3 - 1e-9 && kiscrm_table_rate(t, 3, 5) < 2.0 / 3 + 1e-9);
	kiscrm_table_free(t);
	assert_int_equal(KISCRM_OK, event(w, r2, "resolved", "2026-03-03T03:00:00Z"));
	assert_int_equal(KISCRM_OK, event(w, r2, "closed", "2026-03-03T04:00:00Z"));
	t = report(w, "complaints", "2026-03-31", "2026-03-01", "2026-04-01");
	assert_int_equal(1, kiscrm_table_row_count(t));
	assert_int_equal(r2, kiscrm_table_int(t, 0, C_ID));
	assert_string_equal("closed", kiscrm_table_text(t, 0, C_STATUS));
	assert_int_equal(3, kiscrm_table_int(t, 0, C_SATISFACTION));
	kiscrm_table_free(t);
	/* the open list at the end of 31 March: only r1 */
	t = report(w, "service-sla", "2026-03-31", NULL, NULL);
	assert_int_equal(1, kiscrm_table_row_count(t));
	assert_int_equal(r1, kiscrm_table_int(t, 0, C_ID));
	kiscrm_table_free(t);
}

/* Resale is derived: 甲 signed its gold contract on 2025-12-20, so 韩冰's inbound
 * opportunity for 甲 created 2026-01-10 is resale, and the sufficiency report (Q1 target
 * 1,000,000.00 against 10,000.00 of pipeline: insufficient) does not name resale among the
 * missing channels; moved to 乙, which never signed, it is not, and resale is missing. */
static void test_resale_derived(void **state)
{
	world *w = *state;
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_TARGET);
	kiscrm_record_set_text(r, KISCRM_TARGET_METRIC, "contract_amount");
	kiscrm_record_set_int(r, KISCRM_TARGET_PERIOD, KISCRM_PERIOD_QUARTER);
	kiscrm_record_set_int(r, KISCRM_TARGET_START, kc_test_day("2026-01-01"));
	kiscrm_record_set_int(r, KISCRM_TARGET_AMOUNT, 100000000);
	kiscrm_record_set_int(r, KISCRM_TARGET_OWNER_ID, w->engineer);
	kc_test_insert(w->db, r);
	r = kc_test_rec(KISCRM_KIND_OPPORTUNITY);
	kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_NAME, "二期");
	kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_STAGE, "opportunity");
	kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_SOURCE, "inbound");
	kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_OWNER_ID, w->engineer);
	kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_CUSTOMER_ID, w->cust);
	kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_AMOUNT, 1000000);
	kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_CREATED, kc_test_day("2026-01-10"));
	kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_EXPECTED_CLOSE, kc_test_day("2026-03-20"));
	kiscrm_id opp = kc_test_insert(w->db, r);
	assert_int_equal(1, kc_test_stored_int(w->db, KISCRM_KIND_OPPORTUNITY, opp, KISCRM_OPPORTUNITY_RESALE));
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	o.as_of = kc_test_day("2026-03-15");
	o.period = KISCRM_PERIOD_QUARTER;
	o.owner_id = w->engineer;
	static const int by[] = { KISCRM_GROUP_OWNER };
	o.group_by = by;
	o.ngroup = 1;
	kiscrm_table *t = NULL;
	assert_int_equal(KISCRM_OK, kiscrm_report_sufficiency(&t, w->db, &o));
	size_t causes = (size_t)kiscrm_table_column_index(t, "causes");
	assert_string_equal("grid_coverage,market_activity,telemarketing", kiscrm_table_text(t, 0, causes));
	kiscrm_table_free(t);
	kiscrm_id other = kc_test_customer(w->db, "乙");
	assert_int_equal(KISCRM_OK, kc_test_update_int(w->db, KISCRM_KIND_OPPORTUNITY, opp, KISCRM_OPPORTUNITY_CUSTOMER_ID, other));
	assert_int_equal(0, kc_test_stored_int(w->db, KISCRM_KIND_OPPORTUNITY, opp, KISCRM_OPPORTUNITY_RESALE));
	assert_int_equal(KISCRM_OK, kiscrm_report_sufficiency(&t, w->db, &o));
	assert_string_equal("grid_coverage,market_activity,telemarketing,resale", kiscrm_table_text(t, 0, causes));
	kiscrm_table_free(t);
	/* a contract signed the day the opportunity was created came with it, not before */
	assert_int_equal(KISCRM_OK, kc_test_update_int(w->db, KISCRM_KIND_OPPORTUNITY, opp, KISCRM_OPPORTUNITY_CUSTOMER_ID, w->cust));
	assert_int_equal(KISCRM_OK, kc_test_update_int(w->db, KISCRM_KIND_OPPORTUNITY, opp, KISCRM_OPPORTUNITY_CREATED,
						       kc_test_day("2025-12-20")));
	assert_int_equal(0, kc_test_stored_int(w->db, KISCRM_KIND_OPPORTUNITY, opp, KISCRM_OPPORTUNITY_RESALE));
}

static double metric(world *w, const char *key, kiscrm_id staff, const char *from, const char *to, int *has)
{
	kiscrm_kpi_context ctx;
	memset(&ctx, 0, sizeof(ctx));
	ctx.version = KISCRM_KPI_CONTEXT_VERSION;
	ctx.scope = KISCRM_KPI_SCOPE_PERSON;
	ctx.staff_id = staff;
	ctx.from = kc_test_day(from);
	ctx.to = kc_test_day(to);
	ctx.as_of = ctx.to - 1;
	kiscrm_kpi_value v = KISCRM_KPI_VALUE_INIT;
	assert_int_equal(KISCRM_OK, kiscrm_kpi_metric_compute(&v, w->db, key, &ctx));
	*has = v.has_actual;
	return v.actual;
}

/* 韩冰 in March: scores 5 (a request) and 3 (a request) and 4 (a survey) → 4.0; of the two
 * requests resolved in March, one in time (opened Monday 2 March 09:00, resolved 10:00)
 * and one past its 900-minute deadline (a complaint opened Tuesday 3 March 10:00,
 * resolved Friday 13 March) → 0.5. 谢经理's service contracts ending in the second
 * quarter: one of two renewed → 0.5; none end in March: no data. */
static void test_service_metrics(void **state)
{
	world *w = *state;
	kiscrm_id a = request(w, "2026-03-02T01:00:00Z", "normal", 0, 0);
	kiscrm_id b = request(w, "2026-03-03T02:00:00Z", "normal", 1, 0);
	assert_int_equal(KISCRM_OK, kc_test_update_int(w->db, KISCRM_KIND_SERVICE_REQUEST, a, KISCRM_SERVICE_REQUEST_SATISFACTION, 5));
	assert_int_equal(KISCRM_OK, kc_test_update_int(w->db, KISCRM_KIND_SERVICE_REQUEST, b, KISCRM_SERVICE_REQUEST_SATISFACTION, 3));
	kiscrm_record *s = kc_test_rec(KISCRM_KIND_SATISFACTION_SURVEY);
	kiscrm_record_set_int(s, KISCRM_SATISFACTION_SURVEY_CUSTOMER_ID, w->cust);
	kiscrm_record_set_int(s, KISCRM_SATISFACTION_SURVEY_DATE, kc_test_day("2026-03-10"));
	kiscrm_record_set_int(s, KISCRM_SATISFACTION_SURVEY_SCORE, 4);
	kiscrm_record_set_int(s, KISCRM_SATISFACTION_SURVEY_ENGINEER_ID, w->engineer);
	kc_test_insert(w->db, s);
	assert_int_equal(KISCRM_OK, event(w, a, "resolved", "2026-03-02T02:00:00Z"));
	assert_int_equal(KISCRM_OK, event(w, b, "responded", "2026-03-03T02:30:00Z"));
	assert_int_equal(KISCRM_OK, event(w, b, "resolved", "2026-03-13T02:00:00Z"));
	kiscrm_id silver = service_contract(w, "silver", "2026-04-10", "2025-04-01", 0, 800000);
	service_contract(w, "standard", "2026-05-20", "2025-05-01", 0, 600000);
	service_contract(w, "silver", "2027-04-10", "2026-03-20", silver, 900000);
	int has = 0;
	double x = metric(w, "satisfaction", w->engineer, "2026-03-01", "2026-04-01", &has);
	assert_true(has && x > 4.0 - 1e-9 && x < 4.0 + 1e-9);
	x = metric(w, "sla_compliance", w->engineer, "2026-03-01", "2026-04-01", &has);
	assert_true(has && x > 0.5 - 1e-9 && x < 0.5 + 1e-9);
	x = metric(w, "renewal_rate", w->lead, "2026-04-01", "2026-07-01", &has);
	assert_true(has && x > 0.5 - 1e-9 && x < 0.5 + 1e-9);
	metric(w, "renewal_rate", w->lead, "2026-03-01", "2026-04-01", &has);
	assert_false(has);
	metric(w, "satisfaction", w->lead, "2026-03-01", "2026-04-01", &has);
	assert_false(has);
}

/* The catalogue: the manual's sixteen products, six in the annual fee; March's requests
 * of test_satisfaction's kind: one hotline, one remote. */
static void test_catalogue(void **state)
{
	world *w = *state;
	request(w, "2026-03-02T02:00:00Z", "normal", 0, 0);
	kiscrm_id r = request(w, "2026-03-03T02:00:00Z", "normal", 0, 0);
	assert_int_equal(KISCRM_OK, kc_test_update_text(w->db, KISCRM_KIND_SERVICE_REQUEST, r, KISCRM_SERVICE_REQUEST_PRODUCT, "remote"));
	request(w, "2026-04-03T02:00:00Z", "normal", 0, 0); /* April: outside */
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	o.as_of = kc_test_day("2026-03-31");
	o.from = kc_test_day("2026-03-01");
	o.to = kc_test_day("2026-04-01");
	o.lang = "zh";
	kiscrm_table *t = NULL;
	assert_int_equal(KISCRM_OK, kiscrm_report_run(&t, w->db, "service-catalogue", &o));
	assert_int_equal(16, kiscrm_table_row_count(t));
	int64_t in_fee = 0;
	for (size_t i = 0; i < 16; i++)
		in_fee += kiscrm_table_int(t, i, 2);
	assert_int_equal(6, in_fee);
	assert_string_equal("hotline", kiscrm_table_text(t, 0, 0));
	assert_string_equal("热线服务", kiscrm_table_text(t, 0, 1));
	assert_int_equal(1, kiscrm_table_int(t, 0, 3));
	assert_string_equal("remote", kiscrm_table_text(t, 1, 0));
	assert_int_equal(1, kiscrm_table_int(t, 1, 3));
	assert_int_equal(0, kiscrm_table_int(t, 2, 3));
	kiscrm_table_free(t);
}

/* The service terms of a contract are checked against service.yaml. */
static void test_contract_terms(void **state)
{
	world *w = *state;
	kiscrm_record *c = kc_test_get(w->db, KISCRM_KIND_CONTRACT, w->gold);
	kiscrm_record_set_text(c, KISCRM_CONTRACT_TIER, "platinum");
	assert_int_equal(KISCRM_EINVALID, kiscrm_record_update(w->db, c));
	assert_string_equal("tier", kiscrm_error_last()->field);
	kiscrm_record_set_text(c, KISCRM_CONTRACT_TIER, "gold");
	kiscrm_record_set_text(c, KISCRM_CONTRACT_COVERED, "hotline, remote,spa");
	assert_int_equal(KISCRM_EINVALID, kiscrm_record_update(w->db, c));
	assert_string_equal("covered", kiscrm_error_last()->field);
	assert_non_null(strstr(kiscrm_error_last()->message, "'spa'"));
	kiscrm_record_set_text(c, KISCRM_CONTRACT_COVERED, "hotline,remote, hotline");
	assert_int_equal(KISCRM_EINVALID, kiscrm_record_update(w->db, c));
	assert_non_null(strstr(kiscrm_error_last()->message, "twice"));
	kiscrm_record_set_text(c, KISCRM_CONTRACT_COVERED, "hotline, remote");
	kiscrm_record_set_int(c, KISCRM_CONTRACT_VALID_TO, kc_test_day("2025-12-31"));
	assert_int_equal(KISCRM_EINVALID, kiscrm_record_update(w->db, c));
	assert_string_equal("valid_to", kiscrm_error_last()->field);
	kiscrm_record_set_int(c, KISCRM_CONTRACT_VALID_TO, kc_test_day("2026-12-31"));
	kiscrm_record_set_int(c, KISCRM_CONTRACT_RENEWS_ID, w->gold);
	assert_int_equal(KISCRM_EINVALID, kiscrm_record_update(w->db, c));
	assert_string_equal("renews_id", kiscrm_error_last()->field);
	kiscrm_record_set_null(c, KISCRM_CONTRACT_RENEWS_ID);
	assert_int_equal(KISCRM_OK, kiscrm_record_update(w->db, c));
	kiscrm_record_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_before_spring_festival, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_opened_at_lunch, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_paused_over_weekend, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_reopened, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_complaint, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_list_and_rules, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_renewals, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_resale_derived, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_service_metrics, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_contract_terms, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_catalogue, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_satisfaction_and_complaints, setup, kc_test_fx_teardown),
	};
	return kc_test_run_both(tests);
}
