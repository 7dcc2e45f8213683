/* Customers, their custom attributes and contacts: CRUD, the derived name key, value
 * lists, the contact tree, duplicate detection, merge and cascade deletes. Every test runs
 * on the memory backend and on SQLite. */
#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- builders and readers ----------------------------------------------------------- */


/* reports_to 0: none */
static kiscrm_id add_contact(kiscrm_db *db, kiscrm_id customer, const char *name, kiscrm_id reports_to)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_CONTACT);
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_CONTACT_CUSTOMER_ID, customer));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_CONTACT_NAME, name));
	if (reports_to)
		assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_CONTACT_REPORTS_TO, reports_to));
	return kc_test_insert(db, r);
}

/* Number of records of a kind, optionally those of one customer. */
static size_t count_of(kiscrm_db *db, int kind, kiscrm_id customer)
{
	kiscrm_filter f = KISCRM_FILTER_INIT;
	f.customer_id = customer;
	return kc_test_count(db, kind, &f);
}

/* Asserts that attribute @p key of a customer reads @p expected. */
static void check_attr(kiscrm_db *db, kiscrm_id customer, const char *key, const char *expected)
{
	kiscrm_buf b = KISCRM_BUF_INIT;
	assert_rc(KISCRM_OK, kiscrm_customer_attr_get(&b, db, customer, key));
	assert_non_null(b.ptr);
	assert_string_equal(expected, b.ptr);
	kiscrm_buf_dispose(&b);
}

/* Asserts the bytes of a stored text field. */
static void check_text(kiscrm_db *db, int kind, kiscrm_id id, int field, const char *expected)
{
	kiscrm_record *r = kc_test_get(db, kind, id);
	const char *t = kiscrm_record_text(r, field);
	if (!expected) {
		assert_null(t);
	} else {
		assert_non_null(t);
		assert_int_equal(strlen(expected), strlen(t));
		assert_memory_equal(expected, t, strlen(expected));
	}
	kiscrm_record_free(r);
}

/* --- CRUD --------------------------------------------------------------------------- */

static void test_customer_crud(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_record *r = NULL, *got = NULL;

	assert_rc(KISCRM_OK, kiscrm_record_new(&r, KISCRM_KIND_CUSTOMER));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_CUSTOMER_NAME, "北京金蝶软件有限公司"));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_CUSTOMER_SHORT_NAME, "金蝶"));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_CUSTOMER_REGION, "north"));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_CUSTOMER_INDUSTRY, "it"));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_CUSTOMER_EMPLOYEES, 350));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_CUSTOMER_GRID_CELL, "海淀-中关村"));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_CUSTOMER_SOURCE, "网格化"));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_CUSTOMER_STATUS, "active"));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_CUSTOMER_KEY_ACCOUNT, 1));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_CUSTOMER_VALUE_CLASS, "A"));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_CUSTOMER_LIFECYCLE, "growing"));
	/* 2024-03-01 = 19783 days (see test_record.c) */
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_CUSTOMER_CREATED, 19783));
	assert_rc(KISCRM_OK, kiscrm_record_insert(db, r));
	kiscrm_id id = kiscrm_record_id(r);
	assert_true(id > 0);

	got = kc_test_get(db, KISCRM_KIND_CUSTOMER, id);
	assert_string_equal("北京金蝶软件有限公司", kiscrm_record_text(got, KISCRM_CUSTOMER_NAME));
	assert_string_equal("金蝶", kiscrm_record_text(got, KISCRM_CUSTOMER_SHORT_NAME));
	assert_string_equal("north", kiscrm_record_text(got, KISCRM_CUSTOMER_REGION));
	assert_string_equal("it", kiscrm_record_text(got, KISCRM_CUSTOMER_INDUSTRY));
	assert_int_equal(350, kiscrm_record_int(got, KISCRM_CUSTOMER_EMPLOYEES));
	assert_string_equal("海淀-中关村", kiscrm_record_text(got, KISCRM_CUSTOMER_GRID_CELL));
	assert_string_equal("网格化", kiscrm_record_text(got, KISCRM_CUSTOMER_SOURCE));
	assert_int_equal(1, kiscrm_record_int(got, KISCRM_CUSTOMER_KEY_ACCOUNT));
	assert_string_equal("A", kiscrm_record_text(got, KISCRM_CUSTOMER_VALUE_CLASS));
	assert_string_equal("growing", kiscrm_record_text(got, KISCRM_CUSTOMER_LIFECYCLE));
	assert_int_equal(19783, kiscrm_record_int(got, KISCRM_CUSTOMER_CREATED));
	assert_int_equal(1, kiscrm_record_is_null(got, KISCRM_CUSTOMER_OWNER_ID));
	assert_int_equal(1, kiscrm_record_is_null(got, KISCRM_CUSTOMER_FIRST_CONTRACT));
	assert_int_equal(1, kiscrm_record_is_null(got, KISCRM_CUSTOMER_REVENUE_BAND));
	kiscrm_record_free(got);
	check_text(db, KISCRM_KIND_CUSTOMER, id, KISCRM_CUSTOMER_NAME, "北京金蝶软件有限公司");

	/* update with another Chinese name, full-width brackets kept byte for byte */
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_CUSTOMER_NAME, "金蝶软件（中国）有限公司"));
	assert_rc(KISCRM_OK, kiscrm_record_set_null(r, KISCRM_CUSTOMER_SHORT_NAME));
	assert_rc(KISCRM_OK, kiscrm_record_update(db, r));
	check_text(db, KISCRM_KIND_CUSTOMER, id, KISCRM_CUSTOMER_NAME, "金蝶软件（中国）有限公司");
	check_text(db, KISCRM_KIND_CUSTOMER, id, KISCRM_CUSTOMER_SHORT_NAME, NULL);

	/* required name */
	kiscrm_record *noname = NULL;
	assert_rc(KISCRM_OK, kiscrm_record_new(&noname, KISCRM_KIND_CUSTOMER));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(noname, KISCRM_CUSTOMER_REGION, "east"));
	assert_rc(KISCRM_EINVALID, kiscrm_record_insert(db, noname));
	assert_msg_has("name");
	kiscrm_record_free(noname);

	/* an owner that does not exist */
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_CUSTOMER_OWNER_ID, 321));
	assert_rc(KISCRM_ENOTFOUND, kiscrm_record_update(db, r));
	assert_msg_has("321");
	assert_msg_has("owner_id");

	/* delete */
	assert_rc(KISCRM_OK, kiscrm_record_delete(db, KISCRM_KIND_CUSTOMER, id, 0));
	assert_false(kc_test_exists(db, KISCRM_KIND_CUSTOMER, id));
	assert_rc(KISCRM_ENOTFOUND, kiscrm_record_delete(db, KISCRM_KIND_CUSTOMER, id, 0));
	kiscrm_record_free(r);
}

/* The stored name_key equals kiscrm_customer_normalize_name() of the stored name. */
static void check_name_key(kiscrm_db *db, kiscrm_id id, const char *expected)
{
	kiscrm_buf key = KISCRM_BUF_INIT;
	kiscrm_record *r = kc_test_get(db, KISCRM_KIND_CUSTOMER, id);
	assert_rc(KISCRM_OK, kiscrm_customer_normalize_name(&key, kiscrm_record_text(r, KISCRM_CUSTOMER_NAME)));
	assert_string_equal(expected, key.ptr);
	assert_non_null(kiscrm_record_text(r, KISCRM_CUSTOMER_NAME_KEY));
	assert_string_equal(expected, kiscrm_record_text(r, KISCRM_CUSTOMER_NAME_KEY));
	kiscrm_buf_dispose(&key);
	kiscrm_record_free(r);
}

static void test_customer_name_key(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_record *r = NULL;

	/* derived on insert; a name_key given by the caller is replaced */
	assert_rc(KISCRM_OK, kiscrm_record_new(&r, KISCRM_KIND_CUSTOMER));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_CUSTOMER_NAME, "北京 金蝶软件（有限公司）"));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_CUSTOMER_NAME_KEY, "我自己写的"));
	assert_rc(KISCRM_OK, kiscrm_record_insert(db, r));
	kiscrm_id id = kiscrm_record_id(r);
	check_name_key(db, id, "北京金蝶软件");
	/* the name itself is kept as given */
	check_text(db, KISCRM_KIND_CUSTOMER, id, KISCRM_CUSTOMER_NAME, "北京 金蝶软件（有限公司）");

	/* derived again on update: "ACME Inc." → "acmeinc" without the word "inc" → "acme" */
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_CUSTOMER_NAME, "ACME Inc."));
	assert_rc(KISCRM_OK, kiscrm_record_update(db, r));
	check_name_key(db, id, "acme");

	/* clearing the key on update brings it back */
	assert_rc(KISCRM_OK, kiscrm_record_set_null(r, KISCRM_CUSTOMER_NAME_KEY));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_CUSTOMER_STATUS, "active"));
	assert_rc(KISCRM_OK, kiscrm_record_update(db, r));
	check_name_key(db, id, "acme");
	kiscrm_record_free(r);

	/* a key set through an update of another field is replaced too */
	assert_rc(KISCRM_OK, kc_test_update_text(db, KISCRM_KIND_CUSTOMER, id, KISCRM_CUSTOMER_NAME_KEY, "xyz"));
	check_name_key(db, id, "acme");

	/* full-width letters and the ideographic space: "ＡＢＣ　贸易有限责任公司" → "abc贸易" */
	kiscrm_id id2 = kc_test_customer(db, "ＡＢＣ　贸易有限责任公司");
	check_name_key(db, id2, "abc贸易");
	/* a name that is only a legal form keeps it, so the key is never empty */
	kiscrm_id id3 = kc_test_customer(db, "有限公司");
	check_name_key(db, id3, "有限公司");
}

static void test_customer_value_lists(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_id id = kc_test_customer(db, "上海用友");

	static const char *const classes[] = { "A", "B", "C" };
	for (size_t i = 0; i < 3; i++) {
		assert_rc(KISCRM_OK, kc_test_update_text(db, KISCRM_KIND_CUSTOMER, id, KISCRM_CUSTOMER_VALUE_CLASS, classes[i]));
		check_text(db, KISCRM_KIND_CUSTOMER, id, KISCRM_CUSTOMER_VALUE_CLASS, classes[i]);
	}
	static const char *const bad_classes[] = { "D", "a", "AA", "甲" };
	for (size_t i = 0; i < 4; i++) {
		assert_rc(KISCRM_EINVALID, kc_test_update_text(db, KISCRM_KIND_CUSTOMER, id, KISCRM_CUSTOMER_VALUE_CLASS, bad_classes[i]));
		assert_string_equal("value_class", kiscrm_error_last()->field);
		assert_string_equal(bad_classes[i], kiscrm_error_last()->value);
		assert_msg_has(bad_classes[i]);
	}
	check_text(db, KISCRM_KIND_CUSTOMER, id, KISCRM_CUSTOMER_VALUE_CLASS, "C");

	static const char *const stages[] = { "prospect", "new", "growing", "mature", "declining", "lost" };
	for (size_t i = 0; i < 6; i++) {
		assert_rc(KISCRM_OK, kc_test_update_text(db, KISCRM_KIND_CUSTOMER, id, KISCRM_CUSTOMER_LIFECYCLE, stages[i]));
		check_text(db, KISCRM_KIND_CUSTOMER, id, KISCRM_CUSTOMER_LIFECYCLE, stages[i]);
	}
	static const char *const bad_stages[] = { "dead", "Prospect", "成长期" };
	for (size_t i = 0; i < 3; i++) {
		assert_rc(KISCRM_EINVALID, kc_test_update_text(db, KISCRM_KIND_CUSTOMER, id, KISCRM_CUSTOMER_LIFECYCLE, bad_stages[i]));
		assert_string_equal("lifecycle", kiscrm_error_last()->field);
		assert_msg_has(bad_stages[i]);
	}
	check_text(db, KISCRM_KIND_CUSTOMER, id, KISCRM_CUSTOMER_LIFECYCLE, "lost");

	assert_rc(KISCRM_OK, kc_test_update_int(db, KISCRM_KIND_CUSTOMER, id, KISCRM_CUSTOMER_KEY_ACCOUNT, 1));
	assert_rc(KISCRM_OK, kc_test_update_int(db, KISCRM_KIND_CUSTOMER, id, KISCRM_CUSTOMER_KEY_ACCOUNT, 0));
	assert_rc(KISCRM_EINVALID, kc_test_update_int(db, KISCRM_KIND_CUSTOMER, id, KISCRM_CUSTOMER_KEY_ACCOUNT, 2));
	assert_string_equal("key_account", kiscrm_error_last()->field);
	assert_msg_has("key_account");
	assert_rc(KISCRM_EINVALID, kc_test_update_int(db, KISCRM_KIND_CUSTOMER, id, KISCRM_CUSTOMER_KEY_ACCOUNT, -1));
	{
		kiscrm_record *r = kc_test_get(db, KISCRM_KIND_CUSTOMER, id);
		assert_int_equal(0, kiscrm_record_int(r, KISCRM_CUSTOMER_KEY_ACCOUNT));
		assert_int_equal(0, kiscrm_record_is_null(r, KISCRM_CUSTOMER_KEY_ACCOUNT));
		kiscrm_record_free(r);
	}

	/* the same checks on insert: nothing is stored */
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_CUSTOMER);
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_CUSTOMER_NAME, "某某"));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_CUSTOMER_VALUE_CLASS, "Z"));
	assert_rc(KISCRM_EINVALID, kiscrm_record_insert(db, r));
	assert_msg_has("'Z'");
	kiscrm_record_free(r);
	assert_int_equal(1, count_of(db, KISCRM_KIND_CUSTOMER, 0));
}

/* --- contacts ------------------------------------------------------------------------ */

static void test_contact_rules(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_id c = kc_test_customer(db, "北京金蝶软件有限公司");
	kiscrm_record *r = NULL;

	/* the customer must exist */
	assert_rc(KISCRM_OK, kiscrm_record_new(&r, KISCRM_KIND_CONTACT));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_CONTACT_NAME, "陈经理"));
	assert_rc(KISCRM_EINVALID, kiscrm_record_insert(db, r)); /* no customer at all */
	assert_msg_has("customer_id");
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_CONTACT_CUSTOMER_ID, 404));
	assert_rc(KISCRM_ENOTFOUND, kiscrm_record_insert(db, r));
	assert_msg_has("404");
	assert_string_equal("customer_id", kiscrm_error_last()->field);
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_CONTACT_CUSTOMER_ID, c));
	assert_rc(KISCRM_OK, kiscrm_record_set_null(r, KISCRM_CONTACT_NAME));
	assert_rc(KISCRM_EINVALID, kiscrm_record_insert(db, r)); /* name is required */
	assert_msg_has("name");
	assert_int_equal(0, count_of(db, KISCRM_KIND_CONTACT, 0));

	/* value lists */
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_CONTACT_NAME, "陈经理"));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_CONTACT_TITLE, "财务总监"));
	assert_rc(KISCRM_OK, kiscrm_record_insert(db, r));
	kiscrm_id k = kiscrm_record_id(r);
	kiscrm_record_free(r);

	static const char *const roles[] = { "decision_maker", "influencer", "user",
					     "technical_evaluator", "gatekeeper", "coach" };
	for (size_t i = 0; i < 6; i++) {
		assert_rc(KISCRM_OK, kc_test_update_text(db, KISCRM_KIND_CONTACT, k, KISCRM_CONTACT_CHAIN_ROLE, roles[i]));
		check_text(db, KISCRM_KIND_CONTACT, k, KISCRM_CONTACT_CHAIN_ROLE, roles[i]);
	}
	static const char *const bad_roles[] = { "boss", "决策者", "Coach" };
	for (size_t i = 0; i < 3; i++) {
		assert_rc(KISCRM_EINVALID, kc_test_update_text(db, KISCRM_KIND_CONTACT, k, KISCRM_CONTACT_CHAIN_ROLE, bad_roles[i]));
		assert_string_equal("chain_role", kiscrm_error_last()->field);
		assert_string_equal(bad_roles[i], kiscrm_error_last()->value);
		assert_msg_has(bad_roles[i]);
	}
	check_text(db, KISCRM_KIND_CONTACT, k, KISCRM_CONTACT_CHAIN_ROLE, "coach");

	static const char *const attitudes[] = { "supporter", "neutral", "opponent" };
	for (size_t i = 0; i < 3; i++) {
		assert_rc(KISCRM_OK, kc_test_update_text(db, KISCRM_KIND_CONTACT, k, KISCRM_CONTACT_ATTITUDE, attitudes[i]));
		check_text(db, KISCRM_KIND_CONTACT, k, KISCRM_CONTACT_ATTITUDE, attitudes[i]);
	}
	assert_rc(KISCRM_EINVALID, kc_test_update_text(db, KISCRM_KIND_CONTACT, k, KISCRM_CONTACT_ATTITUDE, "hostile"));
	assert_string_equal("attitude", kiscrm_error_last()->field);
	assert_msg_has("hostile");
	check_text(db, KISCRM_KIND_CONTACT, k, KISCRM_CONTACT_ATTITUDE, "opponent");
	check_text(db, KISCRM_KIND_CONTACT, k, KISCRM_CONTACT_TITLE, "财务总监");

	/* moving a contact to a customer that does not exist */
	assert_rc(KISCRM_ENOTFOUND, kc_test_update_int(db, KISCRM_KIND_CONTACT, k, KISCRM_CONTACT_CUSTOMER_ID, 405));
	assert_msg_has("405");
}

static void test_contact_reports_to(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_id a = kc_test_customer(db, "北京金蝶软件有限公司");
	kiscrm_id b = kc_test_customer(db, "上海用友");
	kiscrm_id a1 = add_contact(db, a, "总经理", 0);
	kiscrm_id a2 = add_contact(db, a, "财务总监", a1);
	kiscrm_id a3 = add_contact(db, a, "会计", a2);
	kiscrm_id b1 = add_contact(db, b, "采购经理", 0);

	/* across customers: refused on insert and on update */
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_CONTACT);
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_CONTACT_CUSTOMER_ID, b));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_CONTACT_NAME, "采购员"));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_CONTACT_REPORTS_TO, a1));
	assert_rc(KISCRM_ECONFLICT, kiscrm_record_insert(db, r));
	assert_msg_has("reports_to");
	assert_int_equal(0, kiscrm_record_id(r));
	/* a contact that does not exist */
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_CONTACT_REPORTS_TO, 606));
	assert_rc(KISCRM_ENOTFOUND, kiscrm_record_insert(db, r));
	assert_msg_has("606");
	kiscrm_record_free(r);
	assert_rc(KISCRM_ECONFLICT, kc_test_update_int(db, KISCRM_KIND_CONTACT, b1, KISCRM_CONTACT_REPORTS_TO, a3));
	/* moving a2 to customer b while it reports to a1 of customer a */
	assert_rc(KISCRM_ECONFLICT, kc_test_update_int(db, KISCRM_KIND_CONTACT, a2, KISCRM_CONTACT_CUSTOMER_ID, b));

	/* cycles: a1 → a3 → a2 → a1, a2 → a3 → a2, a1 → a1 */
	assert_rc(KISCRM_ECONFLICT, kc_test_update_int(db, KISCRM_KIND_CONTACT, a1, KISCRM_CONTACT_REPORTS_TO, a3));
	assert_msg_has("reports_to");
	assert_rc(KISCRM_ECONFLICT, kc_test_update_int(db, KISCRM_KIND_CONTACT, a2, KISCRM_CONTACT_REPORTS_TO, a3));
	assert_rc(KISCRM_ECONFLICT, kc_test_update_int(db, KISCRM_KIND_CONTACT, a1, KISCRM_CONTACT_REPORTS_TO, a1));

	/* nothing changed */
	kiscrm_record *x = kc_test_get(db, KISCRM_KIND_CONTACT, a1);
	assert_int_equal(1, kiscrm_record_is_null(x, KISCRM_CONTACT_REPORTS_TO));
	kiscrm_record_free(x);
	x = kc_test_get(db, KISCRM_KIND_CONTACT, a2);
	assert_int_equal(a1, kiscrm_record_int(x, KISCRM_CONTACT_REPORTS_TO));
	assert_int_equal(a, kiscrm_record_int(x, KISCRM_CONTACT_CUSTOMER_ID));
	kiscrm_record_free(x);
	x = kc_test_get(db, KISCRM_KIND_CONTACT, b1);
	assert_int_equal(1, kiscrm_record_is_null(x, KISCRM_CONTACT_REPORTS_TO));
	kiscrm_record_free(x);

	/* a3 reporting straight to a1 is fine, and then a2 may report to a3 */
	assert_rc(KISCRM_OK, kc_test_update_int(db, KISCRM_KIND_CONTACT, a3, KISCRM_CONTACT_REPORTS_TO, a1));
	assert_rc(KISCRM_OK, kc_test_update_int(db, KISCRM_KIND_CONTACT, a2, KISCRM_CONTACT_REPORTS_TO, a3));
	x = kc_test_get(db, KISCRM_KIND_CONTACT, a2);
	assert_int_equal(a3, kiscrm_record_int(x, KISCRM_CONTACT_REPORTS_TO));
	kiscrm_record_free(x);
}

/* --- custom attributes ---------------------------------------------------------------- */

static void test_attributes(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_id c = kc_test_customer(db, "北京金蝶软件有限公司");
	kiscrm_id d = kc_test_customer(db, "上海用友");
	kiscrm_buf b = KISCRM_BUF_INIT;

	/* set, get, replace */
	assert_rc(KISCRM_OK, kiscrm_customer_attr_set(db, c, "等级", "金牌"));
	check_attr(db, c, "等级", "金牌");
	assert_rc(KISCRM_OK, kiscrm_customer_attr_set(db, c, "等级", "白金"));
	check_attr(db, c, "等级", "白金");
	assert_int_equal(1, count_of(db, KISCRM_KIND_CUSTOMER_ATTR, c));
	assert_rc(KISCRM_OK, kiscrm_customer_attr_set(db, c, "erp_id", "E-1"));
	assert_rc(KISCRM_OK, kiscrm_customer_attr_set(db, c, "empty", ""));
	check_attr(db, c, "erp_id", "E-1");
	assert_int_equal(3, count_of(db, KISCRM_KIND_CUSTOMER_ATTR, c));
	/* an empty value is a value */
	assert_rc(KISCRM_OK, kiscrm_customer_attr_get(&b, db, c, "empty"));
	assert_int_equal(0, b.size);
	kiscrm_buf_dispose(&b);
	/* get appends to the buffer */
	assert_rc(KISCRM_OK, kiscrm_customer_attr_get(&b, db, c, "erp_id"));
	assert_rc(KISCRM_OK, kiscrm_customer_attr_get(&b, db, c, "等级"));
	assert_string_equal("E-1白金", b.ptr);
	kiscrm_buf_dispose(&b);

	/* the same key on another customer is separate */
	assert_rc(KISCRM_OK, kiscrm_customer_attr_set(db, d, "等级", "银牌"));
	check_attr(db, d, "等级", "银牌");
	check_attr(db, c, "等级", "白金");

	/* NULL value deletes; deleting an absent attribute is fine */
	assert_rc(KISCRM_OK, kiscrm_customer_attr_set(db, c, "erp_id", NULL));
	assert_rc(KISCRM_ENOTFOUND, kiscrm_customer_attr_get(&b, db, c, "erp_id"));
	assert_msg_has("erp_id");
	assert_int_equal(0, b.size);
	assert_rc(KISCRM_OK, kiscrm_customer_attr_set(db, c, "erp_id", NULL));
	assert_int_equal(2, count_of(db, KISCRM_KIND_CUSTOMER_ATTR, c));
	assert_int_equal(1, count_of(db, KISCRM_KIND_CUSTOMER_ATTR, d));

	/* unknown customer */
	assert_rc(KISCRM_ENOTFOUND, kiscrm_customer_attr_set(db, 9999, "等级", "金牌"));
	assert_msg_has("9999");
	assert_rc(KISCRM_ENOTFOUND, kiscrm_customer_attr_get(&b, db, 9999, "等级"));
	assert_int_equal(3, count_of(db, KISCRM_KIND_CUSTOMER_ATTR, 0));

	/* bad arguments */
	assert_rc(KISCRM_EINVALID, kiscrm_customer_attr_set(db, c, "", "x"));
	assert_rc(KISCRM_EINVALID, kiscrm_customer_attr_set(db, c, NULL, "x"));
	assert_rc(KISCRM_EINVALID, kiscrm_customer_attr_set(NULL, c, "k", "x"));
	assert_rc(KISCRM_EINVALID, kiscrm_customer_attr_set(db, c, "k", "bad \xC3"));
	assert_rc(KISCRM_EINVALID, kiscrm_customer_attr_get(NULL, db, c, "等级"));
	assert_rc(KISCRM_EINVALID, kiscrm_customer_attr_get(&b, db, c, NULL));
	assert_rc(KISCRM_EINVALID, kiscrm_customer_attr_get(&b, NULL, c, "等级"));
	assert_int_equal(3, count_of(db, KISCRM_KIND_CUSTOMER_ATTR, 0));

	/* a duplicate key per customer through the record API */
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_CUSTOMER_ATTR);
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_CUSTOMER_ATTR_CUSTOMER_ID, c));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_CUSTOMER_ATTR_KEY, "等级"));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_CUSTOMER_ATTR_VALUE, "铜牌"));
	assert_rc(KISCRM_EEXISTS, kiscrm_record_insert(db, r));
	assert_msg_has("等级");
	check_attr(db, c, "等级", "白金");
	/* a new key goes in; renaming it onto an existing key is refused */
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_CUSTOMER_ATTR_KEY, "行业细分"));
	assert_rc(KISCRM_OK, kiscrm_record_insert(db, r));
	check_attr(db, c, "行业细分", "铜牌");
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_CUSTOMER_ATTR_KEY, "等级"));
	assert_rc(KISCRM_EEXISTS, kiscrm_record_update(db, r));
	/* updating it under its own key is not a clash */
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_CUSTOMER_ATTR_KEY, "行业细分"));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_CUSTOMER_ATTR_VALUE, "软件"));
	assert_rc(KISCRM_OK, kiscrm_record_update(db, r));
	check_attr(db, c, "行业细分", "软件");
	/* a record for a customer that does not exist */
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_CUSTOMER_ATTR_CUSTOMER_ID, 9999));
	assert_rc(KISCRM_ENOTFOUND, kiscrm_record_update(db, r));
	kiscrm_record_free(r);
	assert_int_equal(4, count_of(db, KISCRM_KIND_CUSTOMER_ATTR, 0));
}

/* --- duplicates ---------------------------------------------------------------------- */

static void check_dup_row(const kiscrm_table *t, size_t row, int64_t group, kiscrm_id id,
			  const char *name, const char *key)
{
	assert_int_equal(group, kiscrm_table_int(t, row, 0));
	assert_int_equal(id, kiscrm_table_int(t, row, 1));
	assert_string_equal(name, kiscrm_table_text(t, row, 2));
	assert_string_equal(key, kiscrm_table_text(t, row, 3));
}

static void test_duplicates(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_table *t = NULL;

	/* empty database: the columns, no rows */
	assert_rc(KISCRM_OK, kiscrm_customer_duplicates(&t, db));
	assert_int_equal(4, kiscrm_table_column_count(t));
	assert_string_equal("group", kiscrm_table_column_name(t, 0));
	assert_string_equal("customer_id", kiscrm_table_column_name(t, 1));
	assert_string_equal("name", kiscrm_table_column_name(t, 2));
	assert_string_equal("name_key", kiscrm_table_column_name(t, 3));
	assert_int_equal(KISCRM_TYPE_INT, kiscrm_table_column_type(t, 0));
	assert_int_equal(KISCRM_TYPE_INT, kiscrm_table_column_type(t, 1));
	assert_int_equal(KISCRM_TYPE_TEXT, kiscrm_table_column_type(t, 2));
	assert_int_equal(KISCRM_TYPE_TEXT, kiscrm_table_column_type(t, 3));
	assert_int_equal(0, kiscrm_table_row_count(t));
	kiscrm_table_free(t);

	/* keys:  c1 北京金蝶软件有限公司   → 北京金蝶软件
	 *        c2 Acme Co., Ltd.         → acme
	 *        c3 上海用友               → 上海用友
	 *        c4 北京金蝶软件 有限公司  → 北京金蝶软件
	 *        c5 ACME Inc.              → acme
	 *        c6 上海用友软件有限公司   → 上海用友软件 (not 上海用友: no duplicate)
	 * Groups in order of lowest id: {c1, c4} (lowest 1st), then {c2, c5} — although
	 * "acme" sorts before "北京…" bytewise. c3 and c6 have no duplicate. */
	kiscrm_id c1 = kc_test_customer(db, "北京金蝶软件有限公司");
	kiscrm_id c2 = kc_test_customer(db, "Acme Co., Ltd.");
	kiscrm_id c3 = kc_test_customer(db, "上海用友");
	kiscrm_id c4 = kc_test_customer(db, "北京金蝶软件 有限公司");
	kiscrm_id c5 = kc_test_customer(db, "ACME Inc.");
	kiscrm_id c6 = kc_test_customer(db, "上海用友软件有限公司");
	(void)c3;
	(void)c6;

	assert_rc(KISCRM_OK, kiscrm_customer_duplicates(&t, db));
	assert_int_equal(4, kiscrm_table_row_count(t));
	check_dup_row(t, 0, 1, c1, "北京金蝶软件有限公司", "北京金蝶软件");
	check_dup_row(t, 1, 1, c4, "北京金蝶软件 有限公司", "北京金蝶软件");
	check_dup_row(t, 2, 2, c2, "Acme Co., Ltd.", "acme");
	check_dup_row(t, 3, 2, c5, "ACME Inc.", "acme");
	kiscrm_table_free(t);

	/* renaming c6 to a third spelling of 上海用友 makes a third group {c3, c6} */
	assert_rc(KISCRM_OK, kc_test_update_text(db, KISCRM_KIND_CUSTOMER, c6, KISCRM_CUSTOMER_NAME, "上海用友有限公司"));
	assert_rc(KISCRM_OK, kiscrm_customer_duplicates(&t, db));
	assert_int_equal(6, kiscrm_table_row_count(t));
	check_dup_row(t, 0, 1, c1, "北京金蝶软件有限公司", "北京金蝶软件");
	check_dup_row(t, 1, 1, c4, "北京金蝶软件 有限公司", "北京金蝶软件");
	check_dup_row(t, 2, 2, c2, "Acme Co., Ltd.", "acme");
	check_dup_row(t, 3, 2, c5, "ACME Inc.", "acme");
	check_dup_row(t, 4, 3, c3, "上海用友", "上海用友");
	check_dup_row(t, 5, 3, c6, "上海用友有限公司", "上海用友");
	kiscrm_table_free(t);

	/* deleting c1 leaves c4 alone: the acme group becomes group 1 */
	assert_rc(KISCRM_OK, kiscrm_record_delete(db, KISCRM_KIND_CUSTOMER, c1, 0));
	assert_rc(KISCRM_OK, kiscrm_customer_duplicates(&t, db));
	assert_int_equal(4, kiscrm_table_row_count(t));
	check_dup_row(t, 0, 1, c2, "Acme Co., Ltd.", "acme");
	check_dup_row(t, 1, 1, c5, "ACME Inc.", "acme");
	check_dup_row(t, 2, 2, c3, "上海用友", "上海用友");
	check_dup_row(t, 3, 2, c6, "上海用友有限公司", "上海用友");
	kiscrm_table_free(t);

	assert_rc(KISCRM_EINVALID, kiscrm_customer_duplicates(NULL, db));
	assert_rc(KISCRM_EINVALID, kiscrm_customer_duplicates(&t, NULL));
}

/* --- merge ----------------------------------------------------------------------------- */

static void test_merge(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_record *r = NULL;

	/* keep: name, industry it, employees 100; region, short name, key account NULL
	 * dup:  name, industry retail, employees 999, region north, short name 金蝶, key 1 */
	kiscrm_id keep = kc_test_customer(db, "北京金蝶软件有限公司");
	r = kc_test_get(db, KISCRM_KIND_CUSTOMER, keep);
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_CUSTOMER_INDUSTRY, "it"));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_CUSTOMER_EMPLOYEES, 100));
	assert_rc(KISCRM_OK, kiscrm_record_update(db, r));
	kiscrm_record_free(r);
	kiscrm_id dup = kc_test_customer(db, "北京金蝶软件 有限公司");
	r = kc_test_get(db, KISCRM_KIND_CUSTOMER, dup);
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_CUSTOMER_INDUSTRY, "retail"));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_CUSTOMER_EMPLOYEES, 999));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_CUSTOMER_REGION, "north"));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_CUSTOMER_SHORT_NAME, "金蝶"));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_CUSTOMER_KEY_ACCOUNT, 1));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_CUSTOMER_CREATED, 19783));
	assert_rc(KISCRM_OK, kiscrm_record_update(db, r));
	kiscrm_record_free(r);
	kiscrm_id other = kc_test_customer(db, "上海用友");

	kiscrm_id k1 = add_contact(db, keep, "张总", 0);
	kiscrm_id k2 = add_contact(db, dup, "李总", 0);
	kiscrm_id k3 = add_contact(db, dup, "王会计", k2);
	kiscrm_id k4 = add_contact(db, other, "赵经理", 0);
	assert_rc(KISCRM_OK, kiscrm_customer_attr_set(db, keep, "等级", "金牌"));
	assert_rc(KISCRM_OK, kiscrm_customer_attr_set(db, dup, "等级", "银牌"));
	assert_rc(KISCRM_OK, kiscrm_customer_attr_set(db, dup, "erp_id", "E-42"));
	assert_rc(KISCRM_OK, kiscrm_customer_attr_set(db, other, "等级", "铜牌"));

	/* errors change nothing */
	assert_rc(KISCRM_EINVALID, kiscrm_customer_merge(db, keep, keep));
	assert_rc(KISCRM_ENOTFOUND, kiscrm_customer_merge(db, keep, 8888));
	assert_msg_has("8888");
	assert_rc(KISCRM_ENOTFOUND, kiscrm_customer_merge(db, 8888, dup));
	assert_msg_has("8888");
	assert_rc(KISCRM_EINVALID, kiscrm_customer_merge(NULL, keep, dup));
	assert_true(kc_test_exists(db, KISCRM_KIND_CUSTOMER, dup));
	assert_int_equal(2, count_of(db, KISCRM_KIND_CONTACT, dup));
	assert_int_equal(2, count_of(db, KISCRM_KIND_CUSTOMER_ATTR, dup));

	assert_rc(KISCRM_OK, kiscrm_customer_merge(db, keep, dup));

	/* the duplicate is gone */
	assert_false(kc_test_exists(db, KISCRM_KIND_CUSTOMER, dup));
	assert_int_equal(2, count_of(db, KISCRM_KIND_CUSTOMER, 0));
	/* the survivor keeps its own values and gets the duplicate's where it had none */
	r = kc_test_get(db, KISCRM_KIND_CUSTOMER, keep);
	assert_string_equal("北京金蝶软件有限公司", kiscrm_record_text(r, KISCRM_CUSTOMER_NAME));
	assert_string_equal("北京金蝶软件", kiscrm_record_text(r, KISCRM_CUSTOMER_NAME_KEY));
	assert_string_equal("it", kiscrm_record_text(r, KISCRM_CUSTOMER_INDUSTRY));
	assert_int_equal(100, kiscrm_record_int(r, KISCRM_CUSTOMER_EMPLOYEES));
	assert_string_equal("north", kiscrm_record_text(r, KISCRM_CUSTOMER_REGION));
	assert_string_equal("金蝶", kiscrm_record_text(r, KISCRM_CUSTOMER_SHORT_NAME));
	assert_int_equal(1, kiscrm_record_int(r, KISCRM_CUSTOMER_KEY_ACCOUNT));
	assert_int_equal(19783, kiscrm_record_int(r, KISCRM_CUSTOMER_CREATED));
	assert_int_equal(1, kiscrm_record_is_null(r, KISCRM_CUSTOMER_VALUE_CLASS));
	kiscrm_record_free(r);

	/* every contact of the duplicate moved, the contact tree intact */
	assert_int_equal(3, count_of(db, KISCRM_KIND_CONTACT, keep));
	assert_int_equal(0, count_of(db, KISCRM_KIND_CONTACT, dup));
	r = kc_test_get(db, KISCRM_KIND_CONTACT, k1);
	assert_int_equal(keep, kiscrm_record_int(r, KISCRM_CONTACT_CUSTOMER_ID));
	kiscrm_record_free(r);
	r = kc_test_get(db, KISCRM_KIND_CONTACT, k2);
	assert_int_equal(keep, kiscrm_record_int(r, KISCRM_CONTACT_CUSTOMER_ID));
	assert_string_equal("李总", kiscrm_record_text(r, KISCRM_CONTACT_NAME));
	kiscrm_record_free(r);
	r = kc_test_get(db, KISCRM_KIND_CONTACT, k3);
	assert_int_equal(keep, kiscrm_record_int(r, KISCRM_CONTACT_CUSTOMER_ID));
	assert_int_equal(k2, kiscrm_record_int(r, KISCRM_CONTACT_REPORTS_TO));
	kiscrm_record_free(r);
	r = kc_test_get(db, KISCRM_KIND_CONTACT, k4);
	assert_int_equal(other, kiscrm_record_int(r, KISCRM_CONTACT_CUSTOMER_ID));
	kiscrm_record_free(r);

	/* attributes: the survivor's 等级 wins, erp_id moved; the other customer untouched */
	check_attr(db, keep, "等级", "金牌");
	check_attr(db, keep, "erp_id", "E-42");
	check_attr(db, other, "等级", "铜牌");
	assert_int_equal(2, count_of(db, KISCRM_KIND_CUSTOMER_ATTR, keep));
	assert_int_equal(3, count_of(db, KISCRM_KIND_CUSTOMER_ATTR, 0));

	/* no duplicates are left */
	kiscrm_table *t = NULL;
	assert_rc(KISCRM_OK, kiscrm_customer_duplicates(&t, db));
	assert_int_equal(0, kiscrm_table_row_count(t));
	kiscrm_table_free(t);

	/* merging a customer that was merged away */
	assert_rc(KISCRM_ENOTFOUND, kiscrm_customer_merge(db, keep, dup));
}

/* --- deleting --------------------------------------------------------------------------- */

static void test_delete_customer(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_id c = kc_test_customer(db, "北京金蝶软件有限公司");
	kiscrm_id other = kc_test_customer(db, "上海用友");
	kiscrm_id only_attr = kc_test_customer(db, "深圳某某");
	kiscrm_id k1 = add_contact(db, c, "张总", 0);
	kiscrm_id k2 = add_contact(db, c, "李秘书", k1);
	kiscrm_id k3 = add_contact(db, other, "赵经理", 0);
	assert_rc(KISCRM_OK, kiscrm_customer_attr_set(db, c, "等级", "金牌"));
	assert_rc(KISCRM_OK, kiscrm_customer_attr_set(db, other, "等级", "银牌"));
	assert_rc(KISCRM_OK, kiscrm_customer_attr_set(db, only_attr, "erp_id", "E-7"));

	/* refused without CASCADE: contacts, or only an attribute, refer to it */
	assert_rc(KISCRM_ECONFLICT, kiscrm_record_delete(db, KISCRM_KIND_CUSTOMER, c, 0));
	assert_msg_has("CASCADE");
	assert_true(kc_test_exists(db, KISCRM_KIND_CUSTOMER, c));
	assert_int_equal(2, count_of(db, KISCRM_KIND_CONTACT, c));
	assert_int_equal(1, count_of(db, KISCRM_KIND_CUSTOMER_ATTR, c));
	assert_rc(KISCRM_ECONFLICT, kiscrm_record_delete(db, KISCRM_KIND_CUSTOMER, only_attr, 0));
	assert_msg_has("customer_attr");
	check_attr(db, only_attr, "erp_id", "E-7");

	/* with CASCADE: its contacts (k2 reports to k1) and attributes go, nothing else */
	assert_rc(KISCRM_OK, kiscrm_record_delete(db, KISCRM_KIND_CUSTOMER, c, KISCRM_DELETE_CASCADE));
	assert_false(kc_test_exists(db, KISCRM_KIND_CUSTOMER, c));
	assert_false(kc_test_exists(db, KISCRM_KIND_CONTACT, k1));
	assert_false(kc_test_exists(db, KISCRM_KIND_CONTACT, k2));
	assert_true(kc_test_exists(db, KISCRM_KIND_CONTACT, k3));
	assert_int_equal(0, count_of(db, KISCRM_KIND_CUSTOMER_ATTR, c));
	check_attr(db, other, "等级", "银牌");
	assert_int_equal(1, count_of(db, KISCRM_KIND_CONTACT, 0));
	assert_int_equal(2, count_of(db, KISCRM_KIND_CUSTOMER_ATTR, 0));

	assert_rc(KISCRM_OK, kiscrm_record_delete(db, KISCRM_KIND_CUSTOMER, only_attr, KISCRM_DELETE_CASCADE));
	assert_int_equal(1, count_of(db, KISCRM_KIND_CUSTOMER_ATTR, 0));
	assert_int_equal(1, count_of(db, KISCRM_KIND_CUSTOMER, 0));

	/* deleting a single contact that another reports to: refused, then cleared by CASCADE */
	kiscrm_id k4 = add_contact(db, other, "钱助理", k3);
	assert_rc(KISCRM_ECONFLICT, kiscrm_record_delete(db, KISCRM_KIND_CONTACT, k3, 0));
	assert_rc(KISCRM_OK, kiscrm_record_delete(db, KISCRM_KIND_CONTACT, k3, KISCRM_DELETE_CASCADE));
	kiscrm_record *r = kc_test_get(db, KISCRM_KIND_CONTACT, k4);
	assert_int_equal(1, kiscrm_record_is_null(r, KISCRM_CONTACT_REPORTS_TO));
	kiscrm_record_free(r);
}

#define DB_TEST(f) cmocka_unit_test_setup_teardown(f, kc_test_db_setup, kc_test_db_teardown)

#define DB_TESTS                                     \
	{                                            \
		DB_TEST(test_customer_crud),         \
		DB_TEST(test_customer_name_key),     \
		DB_TEST(test_customer_value_lists),  \
		DB_TEST(test_contact_rules),         \
		DB_TEST(test_contact_reports_to),    \
		DB_TEST(test_attributes),            \
		DB_TEST(test_duplicates),            \
		DB_TEST(test_merge),                 \
		DB_TEST(test_delete_customer),       \
	}

int main(void)
{
	const struct CMUnitTest tests[] = DB_TESTS;
	return kc_test_run_both(tests) ? 1 : 0;
}
