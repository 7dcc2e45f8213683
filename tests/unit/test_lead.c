/* Leads: value lists, and qualification (线索转化) creating or linking a customer, refusing
 * probable duplicates, and creating the opportunity in the first stage of the default
 * pipeline — all or nothing. Every test runs on the memory backend and on SQLite. */
#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 2024-03-01 is day 19783 since 1970-01-01 (19723 days to 2024-01-01: 54 × 365 + 13 leap
 * days; then 31 + 29); 09:30 UTC that day is 19783 × 86400 + 9.5 × 3600. */
#define D_2024_03_01 19783
#define T_QUALIFY ((kiscrm_time)19783 * 86400 + 34200)

typedef struct {
	kiscrm_db *db;
	kiscrm_id east;  /* department */
	kiscrm_id alice; /* sales_rep in East */
} fx;

static int db_setup(void **state)
{
	fx *f = kc_test_fx_open(sizeof(*f), NULL);
	if (!f)
		return -1;
	f->east = kc_test_department(f->db, "East", 0);
	f->alice = kc_test_staff(f->db, "Alice", f->east, "sales_rep");
	*state = f;
	return 0;
}

/* A lead of alice's; company and contact may be NULL. */
static kiscrm_id add_lead(const fx *f, const char *company, const char *contact)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_LEAD);
	kiscrm_record_set_text(r, KISCRM_LEAD_NAME, "CRM upgrade");
	kiscrm_record_set_text(r, KISCRM_LEAD_COMPANY, company);
	kiscrm_record_set_text(r, KISCRM_LEAD_CONTACT_NAME, contact);
	kiscrm_record_set_text(r, KISCRM_LEAD_PHONE, "010-12345678");
	kiscrm_record_set_text(r, KISCRM_LEAD_SOURCE, "grid");
	kiscrm_record_set_text(r, KISCRM_LEAD_REGION, "north");
	kiscrm_record_set_text(r, KISCRM_LEAD_PRODUCT_LINE, "standard");
	kiscrm_record_set_int(r, KISCRM_LEAD_OWNER_ID, f->alice);
	kiscrm_record_set_int(r, KISCRM_LEAD_AMOUNT, 30000000); /* 300000.00 */
	return kc_test_insert(f->db, r);
}

/* --- tests ----------------------------------------------------------------------------- */

static void test_lead_values(void **state)
{
	fx *f = *state;
	static const char *const sources[] = {
		"grid", "market_activity", "telemarketing", "resale", "partner", "referral", "inbound",
	};
	static const char *const statuses[] = { "new", "working", "qualified", "disqualified" };
	kiscrm_record *r;

	for (size_t i = 0; i < sizeof(sources) / sizeof(sources[0]); i++) {
		r = kc_test_rec(KISCRM_KIND_LEAD);
		kiscrm_record_set_text(r, KISCRM_LEAD_NAME, "x");
		kiscrm_record_set_text(r, KISCRM_LEAD_SOURCE, sources[i]);
		kc_test_insert(f->db, r);
	}
	for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
		r = kc_test_rec(KISCRM_KIND_LEAD);
		kiscrm_record_set_text(r, KISCRM_LEAD_NAME, "x");
		kiscrm_record_set_text(r, KISCRM_LEAD_STATUS, statuses[i]);
		kc_test_insert(f->db, r);
	}

	r = kc_test_rec(KISCRM_KIND_LEAD);
	kiscrm_record_set_text(r, KISCRM_LEAD_NAME, "x");
	kiscrm_record_set_text(r, KISCRM_LEAD_SOURCE, "fax");
	assert_rc(KISCRM_EINVALID, kiscrm_record_insert(f->db, r));
	assert_msg_has("'fax'");
	assert_string_equal(kiscrm_error_last()->field, "source");
	kiscrm_record_set_text(r, KISCRM_LEAD_SOURCE, NULL);
	kiscrm_record_set_text(r, KISCRM_LEAD_STATUS, "hot");
	assert_rc(KISCRM_EINVALID, kiscrm_record_insert(f->db, r));
	assert_msg_has("'hot'");
	kiscrm_record_set_text(r, KISCRM_LEAD_STATUS, NULL);
	kiscrm_record_set_int(r, KISCRM_LEAD_AMOUNT, -5);
	assert_rc(KISCRM_EINVALID, kiscrm_record_insert(f->db, r));
	assert_msg_has("-5");
	kiscrm_record_free(r);
	assert_int_equal(kc_test_count(f->db, KISCRM_KIND_LEAD, NULL), 7 + 4);
}

static void test_qualify_creates_customer(void **state)
{
	fx *f = *state;
	kiscrm_id lead = add_lead(f, "北京金蝶软件有限公司", "Wang");
	kiscrm_id opp = 0;
	kiscrm_record *r;

	assert_rc(KISCRM_OK, kiscrm_lead_qualify(&opp, f->db, lead, 0, T_QUALIFY));
	assert_true(opp > 0);

	r = kc_test_get(f->db, KISCRM_KIND_LEAD, lead);
	kc_test_assert_text(r, KISCRM_LEAD_STATUS, "qualified");
	assert_int_equal(kiscrm_record_int(r, KISCRM_LEAD_OPPORTUNITY_ID), opp);
	kiscrm_id cust = kiscrm_record_int(r, KISCRM_LEAD_CUSTOMER_ID);
	kiscrm_record_free(r);

	/* the customer: the company name, normalised key without the legal form */
	assert_int_equal(kc_test_count(f->db, KISCRM_KIND_CUSTOMER, NULL), 1);
	r = kc_test_get(f->db, KISCRM_KIND_CUSTOMER, cust);
	kc_test_assert_text(r, KISCRM_CUSTOMER_NAME, "北京金蝶软件有限公司");
	kc_test_assert_text(r, KISCRM_CUSTOMER_NAME_KEY, "北京金蝶软件");
	kc_test_assert_text(r, KISCRM_CUSTOMER_REGION, "north");
	assert_int_equal(kiscrm_record_int(r, KISCRM_CUSTOMER_OWNER_ID), f->alice);
	assert_int_equal(kiscrm_record_int(r, KISCRM_CUSTOMER_CREATED), D_2024_03_01);
	kiscrm_record_free(r);

	/* the contact person */
	assert_int_equal(kc_test_count(f->db, KISCRM_KIND_CONTACT, NULL), 1);

	/* the opportunity: first stage of the default pipeline, fields from the lead */
	r = kc_test_get(f->db, KISCRM_KIND_OPPORTUNITY, opp);
	kc_test_assert_text(r, KISCRM_OPPORTUNITY_NAME, "CRM upgrade");
	kc_test_assert_text(r, KISCRM_OPPORTUNITY_PIPELINE, "default");
	kc_test_assert_text(r, KISCRM_OPPORTUNITY_STAGE, "opportunity");
	assert_int_equal(kiscrm_record_int(r, KISCRM_OPPORTUNITY_PROBABILITY), 10);
	kc_test_assert_text(r, KISCRM_OPPORTUNITY_STATUS, "open");
	assert_int_equal(kiscrm_record_int(r, KISCRM_OPPORTUNITY_CUSTOMER_ID), cust);
	assert_false(kiscrm_record_is_null(r, KISCRM_OPPORTUNITY_CONTACT_ID));
	assert_int_equal(kiscrm_record_int(r, KISCRM_OPPORTUNITY_OWNER_ID), f->alice);
	assert_int_equal(kiscrm_record_int(r, KISCRM_OPPORTUNITY_DEPARTMENT_ID), f->east);
	assert_int_equal(kiscrm_record_int(r, KISCRM_OPPORTUNITY_AMOUNT), 30000000);
	kc_test_assert_text(r, KISCRM_OPPORTUNITY_SIZE_CLASS, "medium"); /* 100000.00 ≤ 300000.00 < 500000.00 */
	kc_test_assert_text(r, KISCRM_OPPORTUNITY_SOURCE, "grid");
	kc_test_assert_text(r, KISCRM_OPPORTUNITY_PRODUCT_LINE, "standard");
	assert_int_equal(kiscrm_record_int(r, KISCRM_OPPORTUNITY_LEAD_ID), lead);
	assert_int_equal(kiscrm_record_int(r, KISCRM_OPPORTUNITY_CREATED), D_2024_03_01);
	kiscrm_record_free(r);

	/* its creation entry is at the qualification time itself */
	kiscrm_iter *it = NULL;
	const kiscrm_record *h;
	assert_rc(KISCRM_OK, kiscrm_iter_new(&it, f->db, KISCRM_KIND_STAGE_HISTORY, NULL));
	assert_rc(KISCRM_OK, kiscrm_iter_next(&h, it));
	assert_int_equal(kiscrm_record_int(h, KISCRM_STAGE_HISTORY_OPPORTUNITY_ID), opp);
	assert_true(kiscrm_record_is_null(h, KISCRM_STAGE_HISTORY_FROM_STAGE));
	kc_test_assert_text(h, KISCRM_STAGE_HISTORY_TO_STAGE, "opportunity");
	assert_int_equal(kiscrm_record_int(h, KISCRM_STAGE_HISTORY_AT), T_QUALIFY);
	assert_rc(KISCRM_ITEROVER, kiscrm_iter_next(&h, it));
	kiscrm_iter_free(it);

	/* qualifying again is refused */
	assert_rc(KISCRM_ECONFLICT, kiscrm_lead_qualify(&opp, f->db, lead, 0, T_QUALIFY));
	assert_msg_has("qualified");
	assert_int_equal(opp, 0);
	assert_int_equal(kc_test_count(f->db, KISCRM_KIND_OPPORTUNITY, NULL), 1);
	assert_int_equal(kc_test_count(f->db, KISCRM_KIND_CUSTOMER, NULL), 1);
}

static void test_qualify_links_customer(void **state)
{
	fx *f = *state;
	kiscrm_id acme = kc_test_customer(f->db, "Acme");
	/* no company needed when linking; no contact person: no contact */
	kiscrm_id lead = add_lead(f, NULL, NULL);
	kiscrm_id opp = 0;

	assert_rc(KISCRM_OK, kiscrm_lead_qualify(&opp, f->db, lead, acme, T_QUALIFY));
	kiscrm_record *r = kc_test_get(f->db, KISCRM_KIND_OPPORTUNITY, opp);
	assert_int_equal(kiscrm_record_int(r, KISCRM_OPPORTUNITY_CUSTOMER_ID), acme);
	assert_true(kiscrm_record_is_null(r, KISCRM_OPPORTUNITY_CONTACT_ID));
	kiscrm_record_free(r);
	r = kc_test_get(f->db, KISCRM_KIND_LEAD, lead);
	assert_int_equal(kiscrm_record_int(r, KISCRM_LEAD_CUSTOMER_ID), acme);
	kc_test_assert_text(r, KISCRM_LEAD_STATUS, "qualified");
	kiscrm_record_free(r);
	assert_int_equal(kc_test_count(f->db, KISCRM_KIND_CUSTOMER, NULL), 1);
	assert_int_equal(kc_test_count(f->db, KISCRM_KIND_CONTACT, NULL), 0);

	/* the opportunity pointer may be NULL */
	kiscrm_id lead2 = add_lead(f, NULL, NULL);
	assert_rc(KISCRM_OK, kiscrm_lead_qualify(NULL, f->db, lead2, acme, T_QUALIFY));
	assert_int_equal(kc_test_count(f->db, KISCRM_KIND_OPPORTUNITY, NULL), 2);
}

static void test_qualify_duplicate(void **state)
{
	fx *f = *state;
	kiscrm_id kd = kc_test_customer(f->db, "北京金蝶软件有限公司");
	/* spaces and the legal form differ: the same normalised name 北京金蝶软件 */
	kiscrm_id lead = add_lead(f, "北京 金蝶软件有限公司", "Wang");
	char expect[64];
	kiscrm_id opp = 0;

	assert_rc(KISCRM_EEXISTS, kiscrm_lead_qualify(&opp, f->db, lead, 0, T_QUALIFY));
	snprintf(expect, sizeof(expect), "customer %lld '北京金蝶软件有限公司'", (long long)kd);
	assert_msg_has(expect);
	assert_string_equal(kiscrm_error_last()->field, "company");
	assert_int_equal(opp, 0);
	/* nothing written */
	assert_int_equal(kc_test_count(f->db, KISCRM_KIND_CUSTOMER, NULL), 1);
	assert_int_equal(kc_test_count(f->db, KISCRM_KIND_CONTACT, NULL), 0);
	assert_int_equal(kc_test_count(f->db, KISCRM_KIND_OPPORTUNITY, NULL), 0);
	assert_int_equal(kc_test_count(f->db, KISCRM_KIND_STAGE_HISTORY, NULL), 0);
	kiscrm_record *r = kc_test_get(f->db, KISCRM_KIND_LEAD, lead);
	assert_true(kiscrm_record_is_null(r, KISCRM_LEAD_STATUS));
	assert_true(kiscrm_record_is_null(r, KISCRM_LEAD_CUSTOMER_ID));
	kiscrm_record_free(r);

	/* passing the existing customer links it */
	assert_rc(KISCRM_OK, kiscrm_lead_qualify(&opp, f->db, lead, kd, T_QUALIFY));
	assert_true(opp > 0);
	assert_int_equal(kc_test_count(f->db, KISCRM_KIND_CUSTOMER, NULL), 1);
}

static void test_qualify_errors(void **state)
{
	fx *f = *state;
	kiscrm_id opp = 0;

	assert_rc(KISCRM_ENOTFOUND, kiscrm_lead_qualify(&opp, f->db, 9999, 0, T_QUALIFY));
	assert_msg_has("9999");
	assert_rc(KISCRM_EINVALID, kiscrm_lead_qualify(&opp, NULL, 1, 0, T_QUALIFY));

	kiscrm_id lead = add_lead(f, NULL, NULL);
	/* no company to create a customer from */
	assert_rc(KISCRM_EINVALID, kiscrm_lead_qualify(&opp, f->db, lead, 0, T_QUALIFY));
	assert_msg_has("company");
	/* a customer that does not exist */
	assert_rc(KISCRM_ENOTFOUND, kiscrm_lead_qualify(&opp, f->db, lead, 4242, T_QUALIFY));
	assert_msg_has("4242");
	assert_rc(KISCRM_EINVALID, kiscrm_lead_qualify(&opp, f->db, lead, -1, T_QUALIFY));

	/* a disqualified lead */
	kiscrm_record *r = kc_test_get(f->db, KISCRM_KIND_LEAD, lead);
	kiscrm_record_set_text(r, KISCRM_LEAD_STATUS, "disqualified");
	assert_rc(KISCRM_OK, kiscrm_record_update(f->db, r));
	kiscrm_record_free(r);
	assert_rc(KISCRM_ECONFLICT, kiscrm_lead_qualify(&opp, f->db, lead, 0, T_QUALIFY));
	assert_msg_has("disqualified");

	/* a lead without owner: the actor owns the opportunity, or it is refused */
	r = kc_test_rec(KISCRM_KIND_LEAD);
	kiscrm_record_set_text(r, KISCRM_LEAD_NAME, "walk-in");
	kiscrm_record_set_text(r, KISCRM_LEAD_COMPANY, "Globex");
	kiscrm_id orphan = kc_test_insert(f->db, r);
	assert_rc(KISCRM_EINVALID, kiscrm_lead_qualify(&opp, f->db, orphan, 0, T_QUALIFY));
	assert_msg_has("owner");
	assert_int_equal(kc_test_count(f->db, KISCRM_KIND_CUSTOMER, NULL), 0);
	assert_rc(KISCRM_OK, kiscrm_db_set_actor(f->db, f->alice));
	assert_rc(KISCRM_OK, kiscrm_lead_qualify(&opp, f->db, orphan, 0, T_QUALIFY));
	r = kc_test_get(f->db, KISCRM_KIND_OPPORTUNITY, opp);
	assert_int_equal(kiscrm_record_int(r, KISCRM_OPPORTUNITY_OWNER_ID), f->alice);
	kiscrm_record_free(r);
	assert_int_equal(kc_test_count(f->db, KISCRM_KIND_OPPORTUNITY, NULL), 1);
}

#define DB_TEST(f) cmocka_unit_test_setup_teardown(f, db_setup, kc_test_fx_teardown)

#define DB_TESTS                                         \
	{                                                \
		DB_TEST(test_lead_values),               \
		DB_TEST(test_qualify_creates_customer),  \
		DB_TEST(test_qualify_links_customer),    \
		DB_TEST(test_qualify_duplicate),         \
		DB_TEST(test_qualify_errors),            \
	}

int main(void)
{
	const struct CMUnitTest tests[] = DB_TESTS;
	return kc_test_run_both(tests) ? 1 : 0;
}
