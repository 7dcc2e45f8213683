/* The audit log (issue 13, item 5): every insert, update, delete and merge writes who,
 * when, what and each changed field's old and new value, in the same transaction as the
 * change; entries cannot be changed or deleted and do not cascade; a partner sees the
 * entries of its own rows only. Every expectation below is worked out by hand from the
 * calls made. Runs on the memory backend and on SQLite. */
#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>

/* The history of a record as lines "action|actor_id|job|changes" (empty cells empty). */
static char *history(kiscrm_db *db, int kind, kiscrm_id id)
{
	kiscrm_table *t;
	assert_rc(KISCRM_OK, kiscrm_audit_history(&t, db, kind, id));
	size_t size = 1;
	char *out = calloc(1, size);
	int action = kiscrm_table_column_index(t, "action"), actor = kiscrm_table_column_index(t, "actor_id");
	int job = kiscrm_table_column_index(t, "job"), changes = kiscrm_table_column_index(t, "changes");
	for (size_t r = 0; r < kiscrm_table_row_count(t); r++) {
		char line[1024], who[24] = "";
		if (!kiscrm_table_is_null(t, r, (size_t)actor))
			snprintf(who, sizeof(who), "%lld", (long long)kiscrm_table_int(t, r, (size_t)actor));
		const char *j = kiscrm_table_text(t, r, (size_t)job), *c = kiscrm_table_text(t, r, (size_t)changes);
		snprintf(line, sizeof(line), "%s|%s|%s|%s\n", kiscrm_table_text(t, r, (size_t)action), who,
			 j ? j : "", c ? c : "");
		out = realloc(out, size + strlen(line));
		strcat(out, line);
		size += strlen(line);
	}
	kiscrm_table_free(t);
	return out;
}

#define assert_history(db, kind, id, expected)                                                \
	do {                                                                                  \
		char *h_ = history((db), (kind), (id));                                       \
		assert_string_equal((expected), h_);                                          \
		free(h_);                                                                     \
	} while (0)

static int64_t entries(kiscrm_db *db)
{
	int64_t n;
	assert_rc(KISCRM_OK, kiscrm_record_count(db, KISCRM_KIND_AUDIT_ENTRY, NULL, &n));
	return n;
}

/* An insert records the fact; an update the fields it changed; an update that changes
 * nothing nothing; a delete every value it removed — money with two decimals, dates ISO,
 * Chinese as written, NULL as null. The actor is the handle's. */
static void test_insert_update_delete(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_id d = kc_test_department(db, "销售部", 0);
	kiscrm_id s = kc_test_staff(db, "张伟", d, "sales_rep");
	assert_rc(KISCRM_OK, kiscrm_db_set_actor(db, s));
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_CONTRACT);
	kiscrm_id c = kc_test_customer(db, "深圳市蓝海科技有限公司");
	kiscrm_record_set_int(r, KISCRM_CONTRACT_CUSTOMER_ID, c);
	kiscrm_record_set_int(r, KISCRM_CONTRACT_OWNER_ID, s);
	kiscrm_record_set_from_text(r, KISCRM_CONTRACT_SIGNED, "2026-11-02", 2);
	kiscrm_record_set_from_text(r, KISCRM_CONTRACT_AMOUNT, "100000.00", 2);
	kiscrm_id k = kc_test_insert(db, r);
	char expected[512];
	snprintf(expected, sizeof(expected), "insert|%lld||\n", (long long)s);
	assert_history(db, KISCRM_KIND_CONTRACT, k, expected);

	/* amount 100000.00 → 120000.50 and a note added: two fields, old and new */
	assert_rc(KISCRM_OK, kiscrm_record_get(&r, db, KISCRM_KIND_CONTRACT, k));
	kiscrm_record_set_from_text(r, KISCRM_CONTRACT_AMOUNT, "120000.50", 2);
	kiscrm_record_set_text(r, KISCRM_CONTRACT_NUMBER, "合同-001");
	assert_rc(KISCRM_OK, kiscrm_record_update(db, r));
	/* the same values again: no entry */
	kiscrm_record_set_from_text(r, KISCRM_CONTRACT_AMOUNT, "120000.50", 2);
	assert_rc(KISCRM_OK, kiscrm_record_update(db, r));
	kiscrm_record_free(r);
	snprintf(expected, sizeof(expected),
		 "insert|%lld||\n"
		 "update|%lld||{\"number\":[null,\"合同-001\"],\"amount\":[\"100000.00\",\"120000.50\"]}\n",
		 (long long)s, (long long)s);
	assert_history(db, KISCRM_KIND_CONTRACT, k, expected);

	/* the delete keeps what it removed; the history outlives the record */
	kiscrm_id d2 = kc_test_department(db, "华南区", d);
	assert_rc(KISCRM_OK, kiscrm_db_set_actor(db, 0));
	assert_rc(KISCRM_OK, kiscrm_record_delete(db, KISCRM_KIND_DEPARTMENT, d2, 0));
	snprintf(expected, sizeof(expected),
		 "insert|%lld||\n"
		 "delete|||{\"name\":[\"华南区\",null],\"parent_id\":[\"%lld\",null]}\n",
		 (long long)s, (long long)d);
	assert_history(db, KISCRM_KIND_DEPARTMENT, d2, expected);
}

/* A failed write leaves no entry: the entry is in the change's transaction. */
static void test_failed_write_leaves_no_entry(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_id c = kc_test_customer(db, "甲公司");
	int64_t before = entries(db);
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_CONTACT);
	kiscrm_record_set_int(r, KISCRM_CONTACT_CUSTOMER_ID, c + 100); /* no such customer */
	kiscrm_record_set_text(r, KISCRM_CONTACT_NAME, "李四");
	assert_rc(KISCRM_ENOTFOUND, kiscrm_record_insert(db, r));
	kiscrm_record_free(r);
	/* a transaction rolled back takes its entries with it */
	assert_rc(KISCRM_OK, kiscrm_db_begin(db));
	kc_test_customer(db, "乙公司");
	assert_int_equal(before + 1, entries(db));
	assert_rc(KISCRM_OK, kiscrm_db_rollback(db));
	assert_int_equal(before, entries(db));
}

/* Entries are the library's: not added, changed or deleted through the API, and never
 * cascaded into or blocking a delete. */
static void test_entries_are_immutable(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_id c = kc_test_customer(db, "丙公司");
	int64_t before = entries(db);
	assert_int_equal(1, before);

	kiscrm_record *r = kc_test_rec(KISCRM_KIND_AUDIT_ENTRY);
	kiscrm_record_set_text(r, KISCRM_AUDIT_ENTRY_ACTION, "insert");
	kiscrm_record_set_text(r, KISCRM_AUDIT_ENTRY_KIND, "customer");
	kiscrm_record_set_int(r, KISCRM_AUDIT_ENTRY_RECORD_ID, 99);
	assert_rc(KISCRM_EINVALID, kiscrm_record_insert(db, r));
	assert_msg_has("written by the library alone");
	kiscrm_record_free(r);

	assert_rc(KISCRM_OK, kiscrm_record_get(&r, db, KISCRM_KIND_AUDIT_ENTRY, 1));
	kiscrm_record_set_text(r, KISCRM_AUDIT_ENTRY_ACTION, "delete");
	assert_rc(KISCRM_EINVALID, kiscrm_record_update(db, r));
	kiscrm_record_free(r);
	assert_rc(KISCRM_EINVALID, kiscrm_record_delete(db, KISCRM_KIND_AUDIT_ENTRY, 1, KISCRM_DELETE_CASCADE));
	assert_msg_has("append-only");
	const char *csv = "action,kind,record_id\ninsert,customer,5\n";
	size_t n = 0;
	kiscrm_table *errors = NULL;
	assert_int_not_equal(KISCRM_OK, kiscrm_csv_import_data(&n, &errors, db, KISCRM_KIND_AUDIT_ENTRY, csv,
								strlen(csv), "audit.csv", NULL));
	kiscrm_table_free(errors);
	assert_int_equal(before, entries(db));

	/* deleting the customer neither touches nor is refused by its entry */
	assert_rc(KISCRM_OK, kiscrm_record_delete(db, KISCRM_KIND_CUSTOMER, c, 0));
	assert_int_equal(before + 1, entries(db));
	char *h = history(db, KISCRM_KIND_CUSTOMER, c);
	assert_non_null(strstr(h, "insert|||\ndelete|||{\"name\":[\"丙公司\",null]"));
	free(h);
}

/* The audit entries of a merge (hand-worked): keep K 北京金蝶软件有限公司 (industry it, no
 * region), duplicate D 北京金蝶软件 有限公司 (region north) with one contact. The merge moves
 * the contact (customer_id D → K), fills K's empty region from D, deletes D and notes the
 * merge on D; every entry names the job "merge" and the actor. */
static void test_merge_entries(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_id dept = kc_test_department(db, "总经办", 0);
	kiscrm_id gm = kc_test_staff(db, "王总", dept, "general_manager");
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_CUSTOMER);
	kiscrm_record_set_text(r, KISCRM_CUSTOMER_NAME, "北京金蝶软件有限公司");
	kiscrm_record_set_text(r, KISCRM_CUSTOMER_INDUSTRY, "it");
	kiscrm_id k = kc_test_insert(db, r);
	r = kc_test_rec(KISCRM_KIND_CUSTOMER);
	kiscrm_record_set_text(r, KISCRM_CUSTOMER_NAME, "北京金蝶软件 有限公司");
	kiscrm_record_set_text(r, KISCRM_CUSTOMER_REGION, "north");
	kiscrm_id dup = kc_test_insert(db, r);
	r = kc_test_rec(KISCRM_KIND_CONTACT);
	kiscrm_record_set_int(r, KISCRM_CONTACT_CUSTOMER_ID, dup);
	kiscrm_record_set_text(r, KISCRM_CONTACT_NAME, "赵会计");
	kiscrm_id ct = kc_test_insert(db, r);

	assert_rc(KISCRM_OK, kiscrm_db_set_actor(db, gm));
	assert_rc(KISCRM_OK, kiscrm_customer_merge(db, k, dup));
	char expected[1024];
	snprintf(expected, sizeof(expected),
		 "insert|||\n"
		 "update|%lld|merge|{\"customer_id\":[\"%lld\",\"%lld\"]}\n",
		 (long long)gm, (long long)dup, (long long)k);
	assert_history(db, KISCRM_KIND_CONTACT, ct, expected);
	snprintf(expected, sizeof(expected),
		 "insert|||\n"
		 "update|%lld|merge|{\"region\":[null,\"north\"]}\n",
		 (long long)gm);
	assert_history(db, KISCRM_KIND_CUSTOMER, k, expected);
	snprintf(expected, sizeof(expected),
		 "insert|||\n"
		 "delete|%lld|merge|{\"name\":[\"北京金蝶软件 有限公司\",null],\"name_key\":[\"北京金蝶软件\",null],"
		 "\"region\":[\"north\",null]}\n"
		 "merge|%lld|merge|{\"merged_into\":[\"%lld\",\"%lld\"]}\n",
		 (long long)gm, (long long)gm, (long long)dup, (long long)k);
	assert_history(db, KISCRM_KIND_CUSTOMER, dup, expected);
}

/* A stage move is dated by its time and the business date; an import names its job. */
static void test_when_and_job(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_id d = kc_test_department(db, "销售部", 0);
	kiscrm_id s = kc_test_staff(db, "钱七", d, "sales_rep");
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_OPPORTUNITY);
	kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_NAME, "ERP 项目");
	kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_CUSTOMER_ID, kc_test_customer(db, "孙九公司"));
	kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_OWNER_ID, s);
	kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_STAGE, "opportunity");
	kiscrm_record_set_from_text(r, KISCRM_OPPORTUNITY_CREATED, "2026-11-01", 2);
	kiscrm_id o = kc_test_insert(db, r);
	assert_rc(KISCRM_OK, kiscrm_db_set_actor(db, s));
	kiscrm_time at = kc_test_time("2026-11-20T06:30:00Z");
	assert_rc(KISCRM_OK, kiscrm_opportunity_move(db, o, "diagnosis", at, 0));
	kiscrm_table *t;
	assert_rc(KISCRM_OK, kiscrm_audit_history(&t, db, KISCRM_KIND_OPPORTUNITY, o));
	assert_int_equal(2, kiscrm_table_row_count(t));
	size_t day = (size_t)kiscrm_table_column_index(t, "day"), when = (size_t)kiscrm_table_column_index(t, "at");
	size_t actor = (size_t)kiscrm_table_column_index(t, "actor");
	assert_int_equal(kc_test_day(KC_TEST_TODAY), kiscrm_table_int(t, 1, day));
	assert_int_equal(at, kiscrm_table_int(t, 1, when));
	assert_true(kiscrm_table_is_null(t, 0, when)); /* the insert gave no time */
	assert_string_equal("钱七", kiscrm_table_text(t, 1, actor));
	assert_non_null(strstr(kiscrm_table_text(t, 1, (size_t)kiscrm_table_column_index(t, "changes")),
			       "\"stage\":[\"opportunity\",\"diagnosis\"]"));
	kiscrm_table_free(t);

	const char *csv = "name\n周八公司\n";
	size_t n;
	assert_rc(KISCRM_OK, kiscrm_csv_import_data(&n, NULL, db, KISCRM_KIND_CUSTOMER, csv, strlen(csv), "c.csv", NULL));
	kiscrm_id c = 0;
	kiscrm_iter *it;
	const kiscrm_record *got;
	assert_rc(KISCRM_OK, kiscrm_iter_new(&it, db, KISCRM_KIND_CUSTOMER, NULL));
	while (kiscrm_iter_next(&got, it) == KISCRM_OK)
		c = kiscrm_record_id(got);
	kiscrm_iter_free(it);
	char expected[64];
	snprintf(expected, sizeof(expected), "insert|%lld|import|\n", (long long)s);
	assert_history(db, KISCRM_KIND_CUSTOMER, c, expected);
}

/* A partner's principal sees the entries of its own rows only. */
static void test_partner_sees_own_entries(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_PARTNER);
	kiscrm_record_set_text(r, KISCRM_PARTNER_NAME, "伙伴甲");
	kiscrm_id p = kc_test_insert(db, r);
	r = kc_test_rec(KISCRM_KIND_CUSTOMER);
	kiscrm_record_set_text(r, KISCRM_CUSTOMER_NAME, "甲的客户");
	kiscrm_record_set_int(r, KISCRM_CUSTOMER_PARTNER_ID, p);
	kiscrm_id mine = kc_test_insert(db, r);
	kiscrm_id direct = kc_test_customer(db, "直销客户");
	kiscrm_principal pr = KISCRM_PRINCIPAL_INIT;
	pr.partner_id = p;
	assert_rc(KISCRM_OK, kiscrm_db_set_principal(db, &pr));
	assert_history(db, KISCRM_KIND_CUSTOMER, mine, "insert|||\n");
	assert_history(db, KISCRM_KIND_CUSTOMER, direct, "");
	assert_int_equal(1, entries(db));
}

/* Inserts in one transaction share entries: a run of consecutive ids of one kind written
 * alike is one entry record_id … last_id. By hand: customers A, B (ids a, a+1) and a
 * contact of A, then an update of A, then customer C (a+2): the update first writes the
 * pending run [a, a+1], then its own entry; C starts a new run. So 4 entries: the run,
 * the contact, the update, C — and every record still finds its own. */
static void test_runs_of_inserts(void **state)
{
	kiscrm_db *db = *state;
	int64_t before = entries(db);
	assert_rc(KISCRM_OK, kiscrm_db_begin(db));
	kiscrm_id a = kc_test_customer(db, "甲");
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_CONTACT);
	kiscrm_record_set_int(r, KISCRM_CONTACT_CUSTOMER_ID, a);
	kiscrm_record_set_text(r, KISCRM_CONTACT_NAME, "联系人");
	kiscrm_id ct = kc_test_insert(db, r);
	kiscrm_id b = kc_test_customer(db, "乙");
	assert_int_equal(a + 1, b);
	assert_rc(KISCRM_OK, kc_test_update_text(db, KISCRM_KIND_CUSTOMER, a, KISCRM_CUSTOMER_STATUS, "active"));
	kiscrm_id c = kc_test_customer(db, "丙");
	assert_rc(KISCRM_OK, kiscrm_db_commit(db));
	assert_int_equal(before + 4, entries(db));
	assert_history(db, KISCRM_KIND_CUSTOMER, a, "insert|||\nupdate|||{\"status\":[null,\"active\"]}\n");
	assert_history(db, KISCRM_KIND_CUSTOMER, b, "insert|||\n");
	assert_history(db, KISCRM_KIND_CUSTOMER, c, "insert|||\n");
	assert_history(db, KISCRM_KIND_CONTACT, ct, "insert|||\n");
	/* the run's entry names both ids */
	kiscrm_record *e;
	assert_rc(KISCRM_OK, kiscrm_record_get(&e, db, KISCRM_KIND_AUDIT_ENTRY, before + 1));
	assert_int_equal(a, kiscrm_record_int(e, KISCRM_AUDIT_ENTRY_RECORD_ID));
	assert_int_equal(b, kiscrm_record_int(e, KISCRM_AUDIT_ENTRY_LAST_ID));
	kiscrm_record_free(e);
	/* an import of 3 customers: one entry; the history of each finds it */
	const char *csv = "name\n一号\n二号\n三号\n";
	size_t n;
	assert_rc(KISCRM_OK, kiscrm_csv_import_data(&n, NULL, db, KISCRM_KIND_CUSTOMER, csv, strlen(csv), "c.csv", NULL));
	assert_int_equal(before + 5, entries(db));
	for (kiscrm_id id = c + 1; id <= c + 3; id++)
		assert_history(db, KISCRM_KIND_CUSTOMER, id, "insert||import|\n");
	assert_history(db, KISCRM_KIND_CUSTOMER, c + 4, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_insert_update_delete, kc_test_db_setup, kc_test_db_teardown),
		cmocka_unit_test_setup_teardown(test_failed_write_leaves_no_entry, kc_test_db_setup, kc_test_db_teardown),
		cmocka_unit_test_setup_teardown(test_entries_are_immutable, kc_test_db_setup, kc_test_db_teardown),
		cmocka_unit_test_setup_teardown(test_merge_entries, kc_test_db_setup, kc_test_db_teardown),
		cmocka_unit_test_setup_teardown(test_when_and_job, kc_test_db_setup, kc_test_db_teardown),
		cmocka_unit_test_setup_teardown(test_partner_sees_own_entries, kc_test_db_setup, kc_test_db_teardown),
		cmocka_unit_test_setup_teardown(test_runs_of_inserts, kc_test_db_setup, kc_test_db_teardown),
	};
	return kc_test_run_both(tests);
}
