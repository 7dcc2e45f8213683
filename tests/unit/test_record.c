/* The record store: the record API, kind introspection, opening databases, CRUD,
 * iterators and filters, transactions, and storage failures injected through
 * failing_backend.h. Every database-level test runs on the memory backend and on SQLite. */
#include "helpers.h"
#include "failing_backend.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEC 2 /* money decimals of the default configuration */

/* --- fixtures: one fresh database per test on the group's backend ------------------- */

/* A database whose backend (of the group's kind) is wrapped by the failing backend. */
static kiscrm_db *open_failing(kiscrm_backend **fb)
{
	kiscrm_backend *inner = NULL;
	kiscrm_db *db = NULL;
	kiscrm_db_options o = KISCRM_DB_OPTIONS_INIT;
	inner = kc_test_backend_new(); /* of the group's kind */
	assert_rc(KISCRM_OK, kc_failing_backend_new(fb, inner, -1));
	o.custom_backend = *fb;
	assert_rc(KISCRM_OK, kiscrm_db_open(&db, &o));
	return db;
}

/* --- small builders ------------------------------------------------------------------ */

/* active < 0 leaves the field NULL. */
static kiscrm_id add_staff(kiscrm_db *db, const char *name, kiscrm_id dept, const char *role,
			   int active)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_STAFF);
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_STAFF_NAME, name));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_STAFF_DEPARTMENT_ID, dept));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_STAFF_ROLE, role));
	if (active >= 0)
		assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_STAFF_ACTIVE, active));
	return kc_test_insert(db, r);
}

/* owner 0 and NULL texts leave those fields NULL; key_account < 0 leaves it NULL. */
static kiscrm_id add_customer(kiscrm_db *db, const char *name, kiscrm_id owner, const char *region,
			      const char *industry, int key_account)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_CUSTOMER);
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_CUSTOMER_NAME, name));
	if (owner)
		assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_CUSTOMER_OWNER_ID, owner));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_CUSTOMER_REGION, region));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_CUSTOMER_INDUSTRY, industry));
	if (key_account >= 0)
		assert_rc(KISCRM_OK,
			  kiscrm_record_set_int(r, KISCRM_CUSTOMER_KEY_ACCOUNT, key_account));
	return kc_test_insert(db, r);
}

static kiscrm_id add_contact(kiscrm_db *db, kiscrm_id customer, const char *name)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_CONTACT);
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_CONTACT_CUSTOMER_ID, customer));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_CONTACT_NAME, name));
	return kc_test_insert(db, r);
}

/* Ids the iterator yields for a kind and filter, checked against @p expected; the count
 * of the same filter must be their number. */
static void check_ids(kiscrm_db *db, int kind, const kiscrm_filter *f, const kiscrm_id *expected,
		      size_t n)
{
	kiscrm_iter *it = NULL;
	const kiscrm_record *r = NULL;
	kiscrm_id got[64];
	size_t m = 0;
	int rc;
	int64_t count = -1;
	assert_rc(KISCRM_OK, kiscrm_record_count(db, kind, f, &count));
	assert_int_equal(n, count);
	assert_rc(KISCRM_OK, kiscrm_iter_new(&it, db, kind, f));
	while ((rc = kiscrm_iter_next(&r, it)) == KISCRM_OK) {
		assert_true(m < 64);
		assert_int_equal(kind, kiscrm_record_kind(r));
		got[m++] = kiscrm_record_id(r);
	}
	assert_rc(KISCRM_ITEROVER, rc);
	kiscrm_iter_free(it);
	int same = n == m;
	for (size_t i = 0; same && i < n; i++)
		same = expected[i] == got[i];
	if (!same) {
		char e[256] = "", g[256] = "";
		for (size_t i = 0; i < n; i++)
			snprintf(e + strlen(e), sizeof(e) - strlen(e), " %lld", (long long)expected[i]);
		for (size_t i = 0; i < m; i++)
			snprintf(g + strlen(g), sizeof(g) - strlen(g), " %lld", (long long)got[i]);
		fail_msg("%s: expected ids [%s ], got [%s ]", kiscrm_kind_name(kind), e, g);
	}
}

/* Every field of every record of every kind (all kinds the library has) as text (malloc'd): two snapshots are equal
 * exactly when the stored data is. NULL is written "~", a value "=text". */
static void append(char **s, size_t *len, const char *text, size_t n)
{
	char *p = realloc(*s, *len + n + 1);
	assert_non_null(p);
	memcpy(p + *len, text, n);
	*len += n;
	p[*len] = '\0';
	*s = p;
}

static char *snapshot(kiscrm_db *db)
{
	char *s = NULL;
	size_t len = 0;
	append(&s, &len, "", 0);
	for (int kind = 1; kiscrm_kind_name(kind); kind++) {
		kiscrm_iter *it = NULL;
		const kiscrm_record *r = NULL;
		int rc;
		assert_rc(KISCRM_OK, kiscrm_iter_new(&it, db, kind, NULL));
		while ((rc = kiscrm_iter_next(&r, it)) == KISCRM_OK) {
			append(&s, &len, kiscrm_kind_name(kind), strlen(kiscrm_kind_name(kind)));
			for (int i = 0; i < kiscrm_kind_field_count(kind); i++) {
				int f = kiscrm_kind_field_id(kind, i);
				kiscrm_buf cell = KISCRM_BUF_INIT;
				assert_rc(KISCRM_OK, kiscrm_record_field_to_text(&cell, r, f, DEC));
				append(&s, &len, kiscrm_record_is_null(r, f) ? "|~" : "|=", 2);
				append(&s, &len, cell.ptr ? cell.ptr : "", cell.size);
				kiscrm_buf_dispose(&cell);
			}
			append(&s, &len, "\n", 1);
		}
		assert_rc(KISCRM_ITEROVER, rc);
		kiscrm_iter_free(it);
	}
	return s;
}

/* --- record API (no database) --------------------------------------------------------- */

static void test_record_new_free_dup(void **state)
{
	kiscrm_record *r = NULL, *copy = NULL;
	(void)state;

	assert_rc(KISCRM_EINVALID, kiscrm_record_new(NULL, KISCRM_KIND_CUSTOMER));
	assert_rc(KISCRM_EINVALID, kiscrm_record_new(&r, 0));
	assert_rc(KISCRM_EINVALID, kiscrm_record_new(&r, 1000));
	assert_rc(KISCRM_EINVALID, kiscrm_record_new(&r, -1));

	assert_rc(KISCRM_OK, kiscrm_record_new(&r, KISCRM_KIND_CUSTOMER));
	assert_int_equal(KISCRM_KIND_CUSTOMER, kiscrm_record_kind(r));
	assert_int_equal(0, kiscrm_record_id(r));
	for (int i = 0; i < kiscrm_kind_field_count(KISCRM_KIND_CUSTOMER); i++)
		assert_int_equal(1, kiscrm_record_is_null(r, KISCRM_FIELD_ID(KISCRM_KIND_CUSTOMER, i)));
	/* out of range reads as NULL */
	assert_int_equal(1, kiscrm_record_is_null(r, KISCRM_FIELD_ID(KISCRM_KIND_CUSTOMER, 17)));
	assert_int_equal(1, kiscrm_record_is_null(r, 17));
	assert_int_equal(1, kiscrm_record_is_null(r, -1));
	assert_int_equal(1, kiscrm_record_is_null(NULL, 1));
	assert_int_equal(0, kiscrm_record_kind(NULL));
	assert_int_equal(0, kiscrm_record_id(NULL));

	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_CUSTOMER_NAME, "北京金蝶软件有限公司"));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_CUSTOMER_EMPLOYEES, 350));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_CUSTOMER_CREATED, 19783));

	assert_rc(KISCRM_EINVALID, kiscrm_record_dup(NULL, r));
	assert_rc(KISCRM_EINVALID, kiscrm_record_dup(&copy, NULL));
	assert_rc(KISCRM_OK, kiscrm_record_dup(&copy, r));
	assert_int_equal(KISCRM_KIND_CUSTOMER, kiscrm_record_kind(copy));
	assert_string_equal("北京金蝶软件有限公司", kiscrm_record_text(copy, KISCRM_CUSTOMER_NAME));
	assert_int_equal(350, kiscrm_record_int(copy, KISCRM_CUSTOMER_EMPLOYEES));
	assert_int_equal(19783, kiscrm_record_int(copy, KISCRM_CUSTOMER_CREATED));
	assert_int_equal(1, kiscrm_record_is_null(copy, KISCRM_CUSTOMER_REGION));

	/* the copy is independent: changing it leaves the original alone */
	assert_rc(KISCRM_OK, kiscrm_record_set_text(copy, KISCRM_CUSTOMER_NAME, "上海用友"));
	assert_rc(KISCRM_OK, kiscrm_record_set_null(copy, KISCRM_CUSTOMER_EMPLOYEES));
	assert_string_equal("北京金蝶软件有限公司", kiscrm_record_text(r, KISCRM_CUSTOMER_NAME));
	assert_int_equal(350, kiscrm_record_int(r, KISCRM_CUSTOMER_EMPLOYEES));
	assert_int_equal(1, kiscrm_record_is_null(copy, KISCRM_CUSTOMER_EMPLOYEES));
	assert_int_equal(0, kiscrm_record_int(copy, KISCRM_CUSTOMER_EMPLOYEES));

	/* setting NULL text clears the field */
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_CUSTOMER_NAME, NULL));
	assert_int_equal(1, kiscrm_record_is_null(r, KISCRM_CUSTOMER_NAME));
	assert_null(kiscrm_record_text(r, KISCRM_CUSTOMER_NAME));

	kiscrm_record_free(copy);
	kiscrm_record_free(r);
	kiscrm_record_free(NULL);
}

static void test_record_type_errors(void **state)
{
	kiscrm_record *r = NULL;
	(void)state;
	assert_rc(KISCRM_OK, kiscrm_record_new(&r, KISCRM_KIND_STAFF));

	/* INT setter on a TEXT field */
	assert_rc(KISCRM_EINVALID, kiscrm_record_set_int(r, KISCRM_STAFF_NAME, 5));
	assert_msg_has("staff.name");
	assert_string_equal("name", kiscrm_error_last()->field);
	assert_int_equal(1, kiscrm_record_is_null(r, KISCRM_STAFF_NAME));
	/* TEXT setter on an INT field, on a DATE field */
	assert_rc(KISCRM_EINVALID, kiscrm_record_set_text(r, KISCRM_STAFF_DEPARTMENT_ID, "3"));
	assert_msg_has("department_id");
	assert_rc(KISCRM_EINVALID, kiscrm_record_set_text(r, KISCRM_STAFF_HIRE_DATE, "2024-01-01"));
	/* RATE setter on INT, INT setter on RATE */
	assert_rc(KISCRM_EINVALID, kiscrm_record_set_rate(r, KISCRM_STAFF_ACTIVE, 1.0));
	assert_msg_has("active");
	assert_rc(KISCRM_EINVALID, kiscrm_record_set_int(r, KISCRM_STAFF_SALES_YEARS, 3));
	assert_msg_has("sales_years");
	/* DATE accepts the integer setter */
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_STAFF_HIRE_DATE, -1));
	assert_int_equal(-1, kiscrm_record_int(r, KISCRM_STAFF_HIRE_DATE));

	/* typed getters on fields of another type read as empty */
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_STAFF_NAME, "张三"));
	assert_rc(KISCRM_OK, kiscrm_record_set_rate(r, KISCRM_STAFF_SALES_YEARS, 2.5));
	assert_int_equal(0, kiscrm_record_int(r, KISCRM_STAFF_NAME));
	assert_null(kiscrm_record_text(r, KISCRM_STAFF_SALES_YEARS));
	assert_true(kiscrm_record_rate(r, KISCRM_STAFF_NAME) == 0.0);
	assert_true(kiscrm_record_rate(r, KISCRM_STAFF_SALES_YEARS) == 2.5);
	assert_true(kiscrm_record_rate(r, KISCRM_STAFF_INDUSTRY_YEARS) == 0.0);

	/* unknown fields */
	assert_rc(KISCRM_EINVALID, kiscrm_record_set_int(r, 13, 1));
	assert_msg_has("13");
	assert_rc(KISCRM_EINVALID, kiscrm_record_set_int(r, -1, 1));
	assert_rc(KISCRM_EINVALID, kiscrm_record_set_text(r, 99, "x"));
	assert_rc(KISCRM_EINVALID, kiscrm_record_set_rate(r, 13, 1.0));
	assert_rc(KISCRM_EINVALID, kiscrm_record_set_null(r, 13));
	assert_rc(KISCRM_EINVALID, kiscrm_record_set_from_text(r, 13, "1", DEC));
	/* NULL record */
	assert_rc(KISCRM_EINVALID, kiscrm_record_set_int(NULL, 1, 1));
	assert_rc(KISCRM_EINVALID, kiscrm_record_set_text(NULL, 1, "x"));
	assert_rc(KISCRM_EINVALID, kiscrm_record_set_rate(NULL, 1, 1.0));
	assert_rc(KISCRM_EINVALID, kiscrm_record_set_null(NULL, 1));
	assert_rc(KISCRM_EINVALID, kiscrm_record_set_from_text(NULL, 1, "x", DEC));
	assert_null(kiscrm_record_text(NULL, 1));
	assert_int_equal(0, kiscrm_record_int(NULL, 1));

	kiscrm_record_free(r);
}

static void test_record_id_not_settable(void **state)
{
	kiscrm_record *r = NULL;
	(void)state;
	assert_rc(KISCRM_OK, kiscrm_record_new(&r, KISCRM_KIND_DEPARTMENT));
	assert_rc(KISCRM_EINVALID, kiscrm_record_set_int(r, KISCRM_DEPARTMENT_ID, 7));
	assert_msg_has("id");
	assert_rc(KISCRM_EINVALID, kiscrm_record_set_null(r, KISCRM_DEPARTMENT_ID));
	assert_rc(KISCRM_EINVALID, kiscrm_record_set_from_text(r, KISCRM_DEPARTMENT_ID, "7", DEC));
	assert_rc(KISCRM_EINVALID, kiscrm_record_set_text(r, KISCRM_DEPARTMENT_ID, "7"));
	assert_int_equal(0, kiscrm_record_id(r));
	assert_int_equal(1, kiscrm_record_is_null(r, KISCRM_DEPARTMENT_ID));
	kiscrm_record_free(r);
}

static void test_record_invalid_utf8(void **state)
{
	kiscrm_record *r = NULL;
	(void)state;
	assert_rc(KISCRM_OK, kiscrm_record_new(&r, KISCRM_KIND_CUSTOMER));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_CUSTOMER_NAME, "金蝶"));
	/* a lone continuation byte, a truncated 3-byte sequence (金 is E9 87 91), an overlong '/' */
	assert_rc(KISCRM_EINVALID, kiscrm_record_set_text(r, KISCRM_CUSTOMER_NAME, "ab\x80"));
	assert_msg_has("customer.name");
	assert_msg_has("UTF-8");
	assert_rc(KISCRM_EINVALID, kiscrm_record_set_text(r, KISCRM_CUSTOMER_NAME, "\xE9\x87"));
	assert_rc(KISCRM_EINVALID, kiscrm_record_set_text(r, KISCRM_CUSTOMER_NAME, "\xC0\xAF"));
	assert_rc(KISCRM_EINVALID,
		  kiscrm_record_set_from_text(r, KISCRM_CUSTOMER_NAME, "\xFF\xFE", DEC));
	/* the previous value survives every refused change */
	assert_string_equal("金蝶", kiscrm_record_text(r, KISCRM_CUSTOMER_NAME));
	kiscrm_record_free(r);
}

static void test_record_rate_not_finite(void **state)
{
	kiscrm_record *r = NULL;
	(void)state;
	assert_rc(KISCRM_OK, kiscrm_record_new(&r, KISCRM_KIND_STAFF));
	assert_rc(KISCRM_OK, kiscrm_record_set_rate(r, KISCRM_STAFF_SALES_YEARS, 4.5));
	assert_rc(KISCRM_EINVALID, kiscrm_record_set_rate(r, KISCRM_STAFF_SALES_YEARS, NAN));
	assert_msg_has("sales_years");
	assert_rc(KISCRM_EINVALID, kiscrm_record_set_rate(r, KISCRM_STAFF_SALES_YEARS, INFINITY));
	assert_rc(KISCRM_EINVALID, kiscrm_record_set_rate(r, KISCRM_STAFF_SALES_YEARS, -INFINITY));
	/* the same through text */
	assert_rc(KISCRM_EINVALID, kiscrm_record_set_from_text(r, KISCRM_STAFF_SALES_YEARS, "nan", DEC));
	assert_rc(KISCRM_EINVALID, kiscrm_record_set_from_text(r, KISCRM_STAFF_SALES_YEARS, "inf", DEC));
	assert_true(kiscrm_record_rate(r, KISCRM_STAFF_SALES_YEARS) == 4.5);
	kiscrm_record_free(r);
}

/* Asserts that set_from_text fails with @p code and names the field and the value. */
static void check_from_text_error(kiscrm_record *r, int field, const char *text, int code)
{
	const char *name = kiscrm_kind_field_name(kiscrm_record_kind(r), field);
	assert_rc(code, kiscrm_record_set_from_text(r, field, text, DEC));
	const kiscrm_error *e = kiscrm_error_last();
	assert_int_equal(code, e->code);
	assert_non_null(e->field);
	assert_string_equal(name, e->field);
	assert_non_null(e->value);
	assert_string_equal(text, e->value);
	assert_msg_has(name);
	assert_msg_has(text);
}

static void test_record_set_from_text(void **state)
{
	kiscrm_record *c = NULL, *s = NULL;
	(void)state;
	assert_rc(KISCRM_OK, kiscrm_record_new(&c, KISCRM_KIND_CUSTOMER));
	assert_rc(KISCRM_OK, kiscrm_record_new(&s, KISCRM_KIND_STAFF));

	/* TEXT: as is */
	assert_rc(KISCRM_OK, kiscrm_record_set_from_text(c, KISCRM_CUSTOMER_NAME, "金蝶 Kingdee", DEC));
	assert_string_equal("金蝶 Kingdee", kiscrm_record_text(c, KISCRM_CUSTOMER_NAME));

	/* INT */
	assert_rc(KISCRM_OK, kiscrm_record_set_from_text(c, KISCRM_CUSTOMER_EMPLOYEES, "1200", DEC));
	assert_int_equal(1200, kiscrm_record_int(c, KISCRM_CUSTOMER_EMPLOYEES));
	assert_rc(KISCRM_OK, kiscrm_record_set_from_text(c, KISCRM_CUSTOMER_EMPLOYEES, "-7", DEC));
	assert_int_equal(-7, kiscrm_record_int(c, KISCRM_CUSTOMER_EMPLOYEES));
	assert_rc(KISCRM_OK, kiscrm_record_set_from_text(c, KISCRM_CUSTOMER_EMPLOYEES,
							"9223372036854775807", DEC));
	assert_int_equal(INT64_MAX, kiscrm_record_int(c, KISCRM_CUSTOMER_EMPLOYEES));
	check_from_text_error(c, KISCRM_CUSTOMER_EMPLOYEES, "12x", KISCRM_EINVALID);
	check_from_text_error(c, KISCRM_CUSTOMER_EMPLOYEES, "1.5", KISCRM_EINVALID);
	check_from_text_error(c, KISCRM_CUSTOMER_EMPLOYEES, "abc", KISCRM_EINVALID);
	/* 2^63 does not fit an int64 */
	check_from_text_error(c, KISCRM_CUSTOMER_EMPLOYEES, "9223372036854775808", KISCRM_EOVERFLOW);
	assert_int_equal(INT64_MAX, kiscrm_record_int(c, KISCRM_CUSTOMER_EMPLOYEES));

	/* DATE: 1970-01-01 .. 2024-01-01 is 54 years with 13 leap days (1972 … 2020):
	 * 54*365 + 13 = 19723; + 31 (Jan) + 29 (Feb 2024) = 19783 for 2024-03-01. */
	assert_rc(KISCRM_OK, kiscrm_record_set_from_text(c, KISCRM_CUSTOMER_CREATED, "2024-03-01", DEC));
	assert_int_equal(19783, kiscrm_record_int(c, KISCRM_CUSTOMER_CREATED));
	assert_rc(KISCRM_OK, kiscrm_record_set_from_text(c, KISCRM_CUSTOMER_CREATED, "1969-12-31", DEC));
	assert_int_equal(-1, kiscrm_record_int(c, KISCRM_CUSTOMER_CREATED));
	check_from_text_error(c, KISCRM_CUSTOMER_CREATED, "2024-02-30", KISCRM_EINVALID);
	check_from_text_error(c, KISCRM_CUSTOMER_CREATED, "2024/03/01", KISCRM_EINVALID);
	check_from_text_error(c, KISCRM_CUSTOMER_CREATED, "明天", KISCRM_EINVALID);
	assert_int_equal(-1, kiscrm_record_int(c, KISCRM_CUSTOMER_CREATED));

	/* RATE */
	assert_rc(KISCRM_OK, kiscrm_record_set_from_text(s, KISCRM_STAFF_SALES_YEARS, "2.5", DEC));
	assert_true(kiscrm_record_rate(s, KISCRM_STAFF_SALES_YEARS) == 2.5);
	assert_rc(KISCRM_OK, kiscrm_record_set_from_text(s, KISCRM_STAFF_SALES_YEARS, "0.125", DEC));
	assert_true(kiscrm_record_rate(s, KISCRM_STAFF_SALES_YEARS) == 0.125);
	check_from_text_error(s, KISCRM_STAFF_SALES_YEARS, "three", KISCRM_EINVALID);
	check_from_text_error(s, KISCRM_STAFF_SALES_YEARS, "2.5y", KISCRM_EINVALID);
	assert_true(kiscrm_record_rate(s, KISCRM_STAFF_SALES_YEARS) == 0.125);

	/* empty text sets NULL, for every type */
	assert_rc(KISCRM_OK, kiscrm_record_set_from_text(c, KISCRM_CUSTOMER_NAME, "", DEC));
	assert_rc(KISCRM_OK, kiscrm_record_set_from_text(c, KISCRM_CUSTOMER_EMPLOYEES, "", DEC));
	assert_rc(KISCRM_OK, kiscrm_record_set_from_text(c, KISCRM_CUSTOMER_CREATED, "", DEC));
	assert_rc(KISCRM_OK, kiscrm_record_set_from_text(s, KISCRM_STAFF_SALES_YEARS, "", DEC));
	assert_int_equal(1, kiscrm_record_is_null(c, KISCRM_CUSTOMER_NAME));
	assert_int_equal(1, kiscrm_record_is_null(c, KISCRM_CUSTOMER_EMPLOYEES));
	assert_int_equal(1, kiscrm_record_is_null(c, KISCRM_CUSTOMER_CREATED));
	assert_int_equal(1, kiscrm_record_is_null(s, KISCRM_STAFF_SALES_YEARS));

	kiscrm_record_free(c);
	kiscrm_record_free(s);
}

/* text → field → text gives the same text back, and a second record read from that text
 * holds the same value. */
static void check_round_trip(int kind, int field, const char *text)
{
	kiscrm_record *a = NULL, *b = NULL;
	kiscrm_buf t1 = KISCRM_BUF_INIT, t2 = KISCRM_BUF_INIT;
	assert_rc(KISCRM_OK, kiscrm_record_new(&a, kind));
	assert_rc(KISCRM_OK, kiscrm_record_new(&b, kind));
	assert_rc(KISCRM_OK, kiscrm_record_set_from_text(a, field, text, DEC));
	assert_rc(KISCRM_OK, kiscrm_record_field_to_text(&t1, a, field, DEC));
	assert_non_null(t1.ptr);
	assert_int_equal(strlen(text), t1.size);
	assert_memory_equal(text, t1.ptr, t1.size);
	assert_rc(KISCRM_OK, kiscrm_record_set_from_text(b, field, t1.ptr, DEC));
	assert_rc(KISCRM_OK, kiscrm_record_field_to_text(&t2, b, field, DEC));
	assert_string_equal(t1.ptr, t2.ptr);
	kiscrm_buf_dispose(&t1);
	kiscrm_buf_dispose(&t2);
	kiscrm_record_free(a);
	kiscrm_record_free(b);
}

static void test_record_field_to_text(void **state)
{
	kiscrm_record *r = NULL;
	kiscrm_buf buf = KISCRM_BUF_INIT;
	(void)state;
	check_round_trip(KISCRM_KIND_CUSTOMER, KISCRM_CUSTOMER_EMPLOYEES, "1200");
	check_round_trip(KISCRM_KIND_CUSTOMER, KISCRM_CUSTOMER_EMPLOYEES, "-7");
	check_round_trip(KISCRM_KIND_CUSTOMER, KISCRM_CUSTOMER_CREATED, "2024-03-01");
	check_round_trip(KISCRM_KIND_CUSTOMER, KISCRM_CUSTOMER_CREATED, "1969-12-31");
	check_round_trip(KISCRM_KIND_CONTACT, KISCRM_CONTACT_BIRTHDAY, "2000-02-29");
	check_round_trip(KISCRM_KIND_STAFF, KISCRM_STAFF_SALES_YEARS, "2.5");
	check_round_trip(KISCRM_KIND_STAFF, KISCRM_STAFF_SALES_YEARS, "0.125");
	check_round_trip(KISCRM_KIND_CUSTOMER, KISCRM_CUSTOMER_NAME, "北京金蝶软件有限公司");
	check_round_trip(KISCRM_KIND_CONTACT, KISCRM_CONTACT_NAME, "王小明 (Wang) 😀");

	/* a NULL field appends nothing; the buffer keeps what it had */
	assert_rc(KISCRM_OK, kiscrm_record_new(&r, KISCRM_KIND_CUSTOMER));
	assert_rc(KISCRM_OK, kiscrm_record_field_to_text(&buf, r, KISCRM_CUSTOMER_NAME, DEC));
	assert_int_equal(0, buf.size);
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_CUSTOMER_NAME, "甲"));
	assert_rc(KISCRM_OK, kiscrm_record_field_to_text(&buf, r, KISCRM_CUSTOMER_NAME, DEC));
	assert_rc(KISCRM_OK, kiscrm_record_field_to_text(&buf, r, KISCRM_CUSTOMER_REGION, DEC));
	assert_rc(KISCRM_OK, kiscrm_record_field_to_text(&buf, r, KISCRM_CUSTOMER_NAME, DEC));
	assert_string_equal("甲甲", buf.ptr); /* appended, not replaced */
	/* the id may be read (NULL before storing) */
	assert_rc(KISCRM_OK, kiscrm_record_field_to_text(&buf, r, KISCRM_CUSTOMER_ID, DEC));
	assert_string_equal("甲甲", buf.ptr);
	/* errors */
	assert_rc(KISCRM_EINVALID, kiscrm_record_field_to_text(&buf, r, 17, DEC));
	assert_rc(KISCRM_EINVALID, kiscrm_record_field_to_text(&buf, r, -1, DEC));
	assert_rc(KISCRM_EINVALID, kiscrm_record_field_to_text(NULL, r, KISCRM_CUSTOMER_NAME, DEC));
	assert_rc(KISCRM_EINVALID, kiscrm_record_field_to_text(&buf, NULL, KISCRM_CUSTOMER_NAME, DEC));
	assert_string_equal("甲甲", buf.ptr);
	kiscrm_buf_dispose(&buf);
	kiscrm_record_free(r);
}

/* --- field ids carry their kind ------------------------------------------------------ */

static void test_field_of_another_kind(void **state)
{
	kiscrm_record *customer = NULL;
	(void)state;
	assert_rc(KISCRM_OK, kiscrm_record_new(&customer, KISCRM_KIND_CUSTOMER));
	/* a contact's name at the position of the customer's short_name: refused, both named */
	assert_int_equal(KISCRM_FIELD_POSITION(KISCRM_CONTACT_NAME), KISCRM_FIELD_POSITION(KISCRM_CUSTOMER_SHORT_NAME));
	assert_rc(KISCRM_EINVALID, kiscrm_record_set_text(customer, KISCRM_CONTACT_NAME, "张三"));
	assert_msg_has("contact.name");
	assert_msg_has("customer");
	assert_true(kiscrm_record_is_null(customer, KISCRM_CUSTOMER_SHORT_NAME));
	assert_rc(KISCRM_EINVALID, kiscrm_record_set_int(customer, KISCRM_OPPORTUNITY_AMOUNT, 1));
	assert_msg_has("opportunity.amount");
	assert_rc(KISCRM_EINVALID, kiscrm_record_set_null(customer, KISCRM_CONTACT_NAME));
	assert_rc(KISCRM_EINVALID, kiscrm_record_set_from_text(customer, KISCRM_CONTACT_NAME, "x", 2));
	assert_rc(KISCRM_EINVALID, kiscrm_record_set_rate(customer, KISCRM_STAFF_SALES_YEARS, 1.0));
	/* a bare position is not a field id either */
	assert_rc(KISCRM_EINVALID, kiscrm_record_set_text(customer, 2, "金蝶"));
	/* getters read another kind's field as NULL and say why */
	assert_rc(KISCRM_OK, kiscrm_record_set_text(customer, KISCRM_CUSTOMER_SHORT_NAME, "金蝶"));
	assert_null(kiscrm_record_text(customer, KISCRM_CONTACT_NAME));
	assert_msg_has("contact.name");
	assert_true(kiscrm_record_is_null(customer, KISCRM_CONTACT_NAME));
	assert_int_equal(0, kiscrm_record_int(customer, KISCRM_CONTACT_NAME));
	assert_string_equal("金蝶", kiscrm_record_text(customer, KISCRM_CUSTOMER_SHORT_NAME));
	kiscrm_record_free(customer);
}

/* --- kind introspection ------------------------------------------------------------ */

static void test_kind_introspection(void **state)
{
	static const struct {
		int kind;
		const char *name;
		int nfields;
	} kinds[] = {
		{ KISCRM_KIND_DEPARTMENT, "department", 6 }, /* partner_id appended in schema 14 */
		{ KISCRM_KIND_STAFF, "staff", 14 },
		{ KISCRM_KIND_CUSTOMER, "customer", 19 }, /* last_activity appended in 0.2, partner_id in schema 14 */
		{ KISCRM_KIND_CUSTOMER_ATTR, "customer_attr", 5 },
		{ KISCRM_KIND_CONTACT, "contact", 13 }, /* opt_out appended in schema 8, partner_id in 14 */
		{ KISCRM_KIND_CAMPAIGN_TOUCH, "campaign_touch", 7 },
		{ KISCRM_KIND_ACTIVITY, "activity", 17 },
		{ KISCRM_KIND_ACTIVITY_EXCEPTION, "activity_exception", 8 },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		int k = kinds[i].kind;
		assert_string_equal(kinds[i].name, kiscrm_kind_name(k));
		assert_int_equal(k, kiscrm_kind_find(kinds[i].name));
		assert_int_equal(kinds[i].nfields, kiscrm_kind_field_count(k));
		/* field 0 is the INT id; every name finds its own id */
		assert_string_equal("id", kiscrm_kind_field_name(k, KISCRM_FIELD_ID(k, 0)));
		assert_int_equal(KISCRM_TYPE_INT, kiscrm_kind_field_type(k, KISCRM_FIELD_ID(k, 0)));
		for (int p = 0; p < kinds[i].nfields; p++) {
			int f = kiscrm_kind_field_id(k, p);
			assert_int_equal(KISCRM_FIELD_ID(k, p), f);
			const char *n = kiscrm_kind_field_name(k, f);
			assert_non_null(n);
			assert_int_equal(f, kiscrm_kind_field_find(k, n));
			assert_int_not_equal(KISCRM_TYPE_NULL, kiscrm_kind_field_type(k, f));
		}
		int past = KISCRM_FIELD_ID(k, kinds[i].nfields);
		assert_null(kiscrm_kind_field_name(k, past));
		assert_null(kiscrm_kind_field_name(k, -1));
		assert_int_equal(KISCRM_TYPE_NULL, kiscrm_kind_field_type(k, past));
		assert_int_equal(0, kiscrm_kind_field_ref(k, past));
		assert_rc(KISCRM_EINVALID, kiscrm_kind_field_id(k, kinds[i].nfields));
		assert_rc(KISCRM_EINVALID, kiscrm_kind_field_id(k, -1));
		/* positions are not ids: field 1 of the kind is KISCRM_FIELD_ID(k, 1), never 1 */
		assert_null(kiscrm_kind_field_name(k, 1));
	}
	/* unknown kinds */
	assert_null(kiscrm_kind_name(0));
	assert_null(kiscrm_kind_name(1000));
	assert_int_equal(0, kiscrm_kind_field_count(0));
	assert_int_equal(0, kiscrm_kind_field_count(1000));
	assert_null(kiscrm_kind_field_name(1000, 0));
	assert_int_equal(KISCRM_TYPE_NULL, kiscrm_kind_field_type(1000, 0));
	assert_rc(KISCRM_ENOTFOUND, kiscrm_kind_find("opportunity_x"));
	assert_msg_has("opportunity_x");
	assert_rc(KISCRM_ENOTFOUND, kiscrm_kind_find("Customer"));
	assert_rc(KISCRM_ENOTFOUND, kiscrm_kind_find(NULL));
	assert_true(kiscrm_kind_field_find(1000, "name") < 0);

	/* names of the header enums */
	assert_string_equal("parent_id", kiscrm_kind_field_name(KISCRM_KIND_DEPARTMENT, KISCRM_DEPARTMENT_PARENT_ID));
	assert_string_equal("department_id", kiscrm_kind_field_name(KISCRM_KIND_STAFF, KISCRM_STAFF_DEPARTMENT_ID));
	assert_string_equal("active", kiscrm_kind_field_name(KISCRM_KIND_STAFF, KISCRM_STAFF_ACTIVE));
	assert_string_equal("management_years", kiscrm_kind_field_name(KISCRM_KIND_STAFF, KISCRM_STAFF_MANAGEMENT_YEARS));
	assert_string_equal("name_key", kiscrm_kind_field_name(KISCRM_KIND_CUSTOMER, KISCRM_CUSTOMER_NAME_KEY));
	assert_string_equal("owner_id", kiscrm_kind_field_name(KISCRM_KIND_CUSTOMER, KISCRM_CUSTOMER_OWNER_ID));
	assert_string_equal("key_account", kiscrm_kind_field_name(KISCRM_KIND_CUSTOMER, KISCRM_CUSTOMER_KEY_ACCOUNT));
	assert_string_equal("created", kiscrm_kind_field_name(KISCRM_KIND_CUSTOMER, KISCRM_CUSTOMER_CREATED));
	assert_string_equal("key", kiscrm_kind_field_name(KISCRM_KIND_CUSTOMER_ATTR, KISCRM_CUSTOMER_ATTR_KEY));
	assert_string_equal("reports_to", kiscrm_kind_field_name(KISCRM_KIND_CONTACT, KISCRM_CONTACT_REPORTS_TO));
	assert_string_equal("attitude", kiscrm_kind_field_name(KISCRM_KIND_CONTACT, KISCRM_CONTACT_ATTITUDE));
	assert_int_equal(KISCRM_CUSTOMER_REGION, kiscrm_kind_field_find(KISCRM_KIND_CUSTOMER, "region"));
	assert_int_equal(KISCRM_CONTACT_CHAIN_ROLE, kiscrm_kind_field_find(KISCRM_KIND_CONTACT, "chain_role"));
	/* unknown field names */
	assert_rc(KISCRM_ENOTFOUND, kiscrm_kind_field_find(KISCRM_KIND_CUSTOMER, "owner"));
	assert_msg_has("owner");
	assert_rc(KISCRM_ENOTFOUND, kiscrm_kind_field_find(KISCRM_KIND_CUSTOMER, "Name"));
	assert_rc(KISCRM_ENOTFOUND, kiscrm_kind_field_find(KISCRM_KIND_CUSTOMER, ""));
	assert_rc(KISCRM_ENOTFOUND, kiscrm_kind_field_find(KISCRM_KIND_CUSTOMER, NULL));
	assert_rc(KISCRM_ENOTFOUND, kiscrm_kind_field_find(KISCRM_KIND_DEPARTMENT, "active"));

	/* types */
	assert_int_equal(KISCRM_TYPE_TEXT, kiscrm_kind_field_type(KISCRM_KIND_CUSTOMER, KISCRM_CUSTOMER_NAME));
	assert_int_equal(KISCRM_TYPE_INT, kiscrm_kind_field_type(KISCRM_KIND_CUSTOMER, KISCRM_CUSTOMER_EMPLOYEES));
	assert_int_equal(KISCRM_TYPE_DATE, kiscrm_kind_field_type(KISCRM_KIND_CUSTOMER, KISCRM_CUSTOMER_CREATED));
	assert_int_equal(KISCRM_TYPE_DATE, kiscrm_kind_field_type(KISCRM_KIND_STAFF, KISCRM_STAFF_HIRE_DATE));
	assert_int_equal(KISCRM_TYPE_RATE, kiscrm_kind_field_type(KISCRM_KIND_STAFF, KISCRM_STAFF_SALES_YEARS));
	assert_int_equal(KISCRM_TYPE_DATE, kiscrm_kind_field_type(KISCRM_KIND_CONTACT, KISCRM_CONTACT_BIRTHDAY));

	/* references */
	assert_int_equal(KISCRM_KIND_DEPARTMENT, kiscrm_kind_field_ref(KISCRM_KIND_DEPARTMENT, KISCRM_DEPARTMENT_PARENT_ID));
	assert_int_equal(KISCRM_KIND_STAFF, kiscrm_kind_field_ref(KISCRM_KIND_DEPARTMENT, KISCRM_DEPARTMENT_MANAGER_ID));
	assert_int_equal(KISCRM_KIND_DEPARTMENT, kiscrm_kind_field_ref(KISCRM_KIND_STAFF, KISCRM_STAFF_DEPARTMENT_ID));
	assert_int_equal(KISCRM_KIND_STAFF, kiscrm_kind_field_ref(KISCRM_KIND_STAFF, KISCRM_STAFF_MANAGER_ID));
	assert_int_equal(KISCRM_KIND_STAFF, kiscrm_kind_field_ref(KISCRM_KIND_CUSTOMER, KISCRM_CUSTOMER_OWNER_ID));
	assert_int_equal(KISCRM_KIND_CUSTOMER, kiscrm_kind_field_ref(KISCRM_KIND_CUSTOMER_ATTR, KISCRM_CUSTOMER_ATTR_CUSTOMER_ID));
	assert_int_equal(KISCRM_KIND_CUSTOMER, kiscrm_kind_field_ref(KISCRM_KIND_CONTACT, KISCRM_CONTACT_CUSTOMER_ID));
	assert_int_equal(KISCRM_KIND_CONTACT, kiscrm_kind_field_ref(KISCRM_KIND_CONTACT, KISCRM_CONTACT_REPORTS_TO));
	assert_int_equal(0, kiscrm_kind_field_ref(KISCRM_KIND_CUSTOMER, KISCRM_CUSTOMER_NAME));
	assert_int_equal(0, kiscrm_kind_field_ref(KISCRM_KIND_CUSTOMER, KISCRM_CUSTOMER_ID));
	assert_int_equal(0, kiscrm_kind_field_ref(KISCRM_KIND_STAFF, KISCRM_STAFF_ACTIVE));
}

/* --- opening databases --------------------------------------------------------------- */

static void test_db_open_defaults(void **state)
{
	kiscrm_db *db = NULL;
	kiscrm_record *r = NULL;
	(void)state;
	/* NULL options: a private in-memory SQLite database with the built-in configuration */
	assert_rc(KISCRM_OK, kiscrm_db_open(&db, NULL));
	assert_non_null(db);
	assert_non_null(kiscrm_db_config(db));
	assert_string_equal("CNY", kiscrm_config_currency(kiscrm_db_config(db)));
	kiscrm_id id = kc_test_department(db, "总部", 0);
	assert_rc(KISCRM_OK, kiscrm_record_get(&r, db, KISCRM_KIND_DEPARTMENT, id));
	assert_string_equal("总部", kiscrm_record_text(r, KISCRM_DEPARTMENT_NAME));
	kiscrm_record_free(r);
	kiscrm_db_free(db);

	/* a second default database is private: it does not see the first one's data */
	assert_rc(KISCRM_OK, kiscrm_db_open(&db, NULL));
	assert_int_equal(0, kc_test_count(db, KISCRM_KIND_DEPARTMENT, NULL));
	kiscrm_db_free(db);

	assert_rc(KISCRM_EINVALID, kiscrm_db_open(NULL, NULL));
	assert_null(kiscrm_db_config(NULL));
	kiscrm_db_free(NULL);
}

static void test_db_open_versions(void **state)
{
	kiscrm_db *db = (kiscrm_db *)&db; /* must be reset to NULL on failure */
	kiscrm_db_options o = KISCRM_DB_OPTIONS_INIT;
	(void)state;
	o.backend = "memory";
	o.version = 0;
	assert_rc(KISCRM_EVERSION, kiscrm_db_open(&db, &o));
	assert_null(db);
	assert_msg_has("0");
	o.version = 99;
	db = (kiscrm_db *)&db;
	assert_rc(KISCRM_EVERSION, kiscrm_db_open(&db, &o));
	assert_null(db);
	assert_msg_has("99");
	o.version = KISCRM_DB_OPTIONS_VERSION;
	assert_rc(KISCRM_OK, kiscrm_db_open(&db, &o));
	kiscrm_db_free(db);
}

static void test_db_open_unknown_backend(void **state)
{
	kiscrm_db *db = (kiscrm_db *)&db;
	kiscrm_db_options o = KISCRM_DB_OPTIONS_INIT;
	(void)state;
	o.backend = "postgres-ish";
	assert_rc(KISCRM_EINVALID, kiscrm_db_open(&db, &o));
	assert_null(db);
	assert_msg_has("postgres-ish");
	assert_non_null(kiscrm_error_last()->value);
	assert_string_equal("postgres-ish", kiscrm_error_last()->value);
	o.backend = "";
	assert_rc(KISCRM_EINVALID, kiscrm_db_open(&db, &o));
	o.backend = "SQLite"; /* names are exact */
	assert_rc(KISCRM_EINVALID, kiscrm_db_open(&db, &o));
	assert_msg_has("SQLite");
	/* the two built-in names work */
	o.backend = "sqlite";
	assert_rc(KISCRM_OK, kiscrm_db_open(&db, &o));
	kiscrm_db_free(db);
	o.backend = "memory";
	assert_rc(KISCRM_OK, kiscrm_db_open(&db, &o));
	kiscrm_db_free(db);
}

static void test_db_options_init(void **state)
{
	kiscrm_db_options o;
	(void)state;
	memset(&o, 0x5a, sizeof(o));
	assert_rc(KISCRM_OK, kiscrm_db_options_init(&o, KISCRM_DB_OPTIONS_VERSION));
	assert_int_equal(KISCRM_DB_OPTIONS_VERSION, o.version);
	assert_null(o.backend);
	assert_null(o.path);
	assert_null(o.config_dir);
	assert_null(o.custom_backend);
	assert_int_equal(0, o.busy_timeout_ms);
	assert_rc(KISCRM_EVERSION, kiscrm_db_options_init(&o, 0));
	assert_rc(KISCRM_EVERSION, kiscrm_db_options_init(&o, KISCRM_DB_OPTIONS_VERSION + 1));
	assert_rc(KISCRM_EINVALID, kiscrm_db_options_init(NULL, KISCRM_DB_OPTIONS_VERSION));
}

static int g_frees;

static void counting_free(kiscrm_backend *b)
{
	g_frees++;
	free(b);
}

static void test_db_custom_backend_lacking_slots(void **state)
{
	kiscrm_db *db = (kiscrm_db *)&db;
	kiscrm_db_options o = KISCRM_DB_OPTIONS_INIT;
	kiscrm_backend *b = malloc(sizeof(*b));
	(void)state;

	/* only `free` is set: refused, and freed because the database took ownership */
	assert_non_null(b);
	assert_rc(KISCRM_OK, kiscrm_backend_init(b, KISCRM_BACKEND_VERSION));
	b->free = counting_free;
	g_frees = 0;
	o.custom_backend = b;
	assert_rc(KISCRM_EINVALID, kiscrm_db_open(&db, &o));
	assert_null(db);
	assert_int_equal(1, g_frees);

	/* a real backend with one required slot removed: refused and freed (valgrind checks) */
	assert_rc(KISCRM_OK, kiscrm_backend_memory_new(&b));
	b->scan = NULL;
	o.custom_backend = b;
	assert_rc(KISCRM_EINVALID, kiscrm_db_open(&db, &o));
	assert_null(db);

	/* the optional count slot may be missing */
	assert_rc(KISCRM_OK, kiscrm_backend_memory_new(&b));
	b->count = NULL;
	o.custom_backend = b;
	assert_rc(KISCRM_OK, kiscrm_db_open(&db, &o));
	kc_test_department(db, "研发部", 0);
	assert_int_equal(1, kc_test_count(db, KISCRM_KIND_DEPARTMENT, NULL));
	kiscrm_db_free(db);

	/* a custom backend given with a bad options version is still freed */
	g_frees = 0;
	b = malloc(sizeof(*b));
	assert_non_null(b);
	assert_rc(KISCRM_OK, kiscrm_backend_init(b, KISCRM_BACKEND_VERSION));
	b->free = counting_free;
	o.custom_backend = b;
	o.version = 0;
	assert_rc(KISCRM_EVERSION, kiscrm_db_open(&db, &o));
	assert_int_equal(1, g_frees);
}

static void test_filter_init(void **state)
{
	kiscrm_filter f;
	(void)state;
	memset(&f, 0x5a, sizeof(f));
	assert_rc(KISCRM_OK, kiscrm_filter_init(&f, KISCRM_FILTER_VERSION));
	assert_int_equal(KISCRM_FILTER_VERSION, f.version);
	assert_int_equal(0, f.owner_id);
	assert_int_equal(0, f.department_id);
	assert_int_equal(0, f.customer_id);
	assert_null(f.region);
	assert_null(f.industry);
	assert_int_equal(-1, f.key_account);
	assert_null(f.name_contains);
	assert_int_equal(-1, f.active);
	assert_rc(KISCRM_EVERSION, kiscrm_filter_init(&f, 0));
	assert_rc(KISCRM_EVERSION, kiscrm_filter_init(&f, KISCRM_FILTER_VERSION + 1));
	assert_rc(KISCRM_EINVALID, kiscrm_filter_init(NULL, KISCRM_FILTER_VERSION));
}

/* --- CRUD ------------------------------------------------------------------------------ */

static void test_crud(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_record *r = NULL, *got = NULL;
	kiscrm_id d1 = kc_test_department(db, "华北销售部", 0);

	assert_rc(KISCRM_OK, kiscrm_record_new(&r, KISCRM_KIND_STAFF));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_STAFF_NAME, "李雷"));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_STAFF_DEPARTMENT_ID, d1));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_STAFF_ROLE, "sales_rep"));
	assert_rc(KISCRM_OK, kiscrm_record_set_from_text(r, KISCRM_STAFF_HIRE_DATE, "2024-03-01", DEC));
	assert_rc(KISCRM_OK, kiscrm_record_set_rate(r, KISCRM_STAFF_SALES_YEARS, 2.5));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_STAFF_EMAIL, "lilei@example.com"));
	assert_rc(KISCRM_OK, kiscrm_record_insert(db, r));
	kiscrm_id s1 = kiscrm_record_id(r);
	assert_true(s1 > 0);

	assert_rc(KISCRM_OK, kiscrm_record_get(&got, db, KISCRM_KIND_STAFF, s1));
	assert_int_equal(KISCRM_KIND_STAFF, kiscrm_record_kind(got));
	assert_int_equal(s1, kiscrm_record_id(got));
	assert_string_equal("李雷", kiscrm_record_text(got, KISCRM_STAFF_NAME));
	assert_int_equal(d1, kiscrm_record_int(got, KISCRM_STAFF_DEPARTMENT_ID));
	assert_string_equal("sales_rep", kiscrm_record_text(got, KISCRM_STAFF_ROLE));
	assert_int_equal(19783, kiscrm_record_int(got, KISCRM_STAFF_HIRE_DATE));
	assert_true(kiscrm_record_rate(got, KISCRM_STAFF_SALES_YEARS) == 2.5);
	assert_string_equal("lilei@example.com", kiscrm_record_text(got, KISCRM_STAFF_EMAIL));
	assert_int_equal(1, kiscrm_record_is_null(got, KISCRM_STAFF_PHONE));
	assert_int_equal(1, kiscrm_record_is_null(got, KISCRM_STAFF_MANAGER_ID));
	assert_int_equal(1, kiscrm_record_is_null(got, KISCRM_STAFF_INDUSTRY_YEARS));
	kiscrm_record_free(got);

	/* a second record gets another id */
	kiscrm_id s2 = add_staff(db, "韩梅梅", d1, "supervisor", 1);
	assert_true(s2 > s1);

	/* update: change one field, clear another */
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_STAFF_NAME, "李雷 (Li Lei)"));
	assert_rc(KISCRM_OK, kiscrm_record_set_null(r, KISCRM_STAFF_EMAIL));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_STAFF_MANAGER_ID, s2));
	assert_rc(KISCRM_OK, kiscrm_record_update(db, r));
	assert_rc(KISCRM_OK, kiscrm_record_get(&got, db, KISCRM_KIND_STAFF, s1));
	assert_string_equal("李雷 (Li Lei)", kiscrm_record_text(got, KISCRM_STAFF_NAME));
	assert_int_equal(1, kiscrm_record_is_null(got, KISCRM_STAFF_EMAIL));
	assert_int_equal(s2, kiscrm_record_int(got, KISCRM_STAFF_MANAGER_ID));
	assert_true(kiscrm_record_rate(got, KISCRM_STAFF_SALES_YEARS) == 2.5);
	kiscrm_record_free(got);

	/* the other record is untouched */
	assert_rc(KISCRM_OK, kiscrm_record_get(&got, db, KISCRM_KIND_STAFF, s2));
	assert_string_equal("韩梅梅", kiscrm_record_text(got, KISCRM_STAFF_NAME));
	kiscrm_record_free(got);

	/* delete s1 (nobody refers to it); s2 is s1's manager, not the reverse */
	assert_rc(KISCRM_OK, kiscrm_record_delete(db, KISCRM_KIND_STAFF, s1, 0));
	got = (kiscrm_record *)&got;
	assert_rc(KISCRM_ENOTFOUND, kiscrm_record_get(&got, db, KISCRM_KIND_STAFF, s1));
	assert_rc(KISCRM_ENOTFOUND, kiscrm_record_delete(db, KISCRM_KIND_STAFF, s1, 0));
	assert_rc(KISCRM_ENOTFOUND, kiscrm_record_update(db, r));
	assert_int_equal(1, kc_test_count(db, KISCRM_KIND_STAFF, NULL));
	kiscrm_record_free(r);
}

static void test_crud_errors(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_record *r = NULL, *got = NULL;
	kiscrm_id d1 = kc_test_department(db, "市场部", 0);

	/* get */
	assert_rc(KISCRM_ENOTFOUND, kiscrm_record_get(&got, db, KISCRM_KIND_DEPARTMENT, 4242));
	assert_msg_has("4242");
	assert_rc(KISCRM_ENOTFOUND, kiscrm_record_get(&got, db, KISCRM_KIND_STAFF, d1));
	assert_rc(KISCRM_EINVALID, kiscrm_record_get(&got, db, 0, d1));
	assert_rc(KISCRM_EINVALID, kiscrm_record_get(&got, db, 1000, d1));
	assert_rc(KISCRM_EINVALID, kiscrm_record_get(NULL, db, KISCRM_KIND_DEPARTMENT, d1));
	assert_rc(KISCRM_EINVALID, kiscrm_record_get(&got, NULL, KISCRM_KIND_DEPARTMENT, d1));

	/* insert / update NULLs */
	assert_rc(KISCRM_OK, kiscrm_record_new(&r, KISCRM_KIND_DEPARTMENT));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_DEPARTMENT_NAME, "财务部"));
	assert_rc(KISCRM_EINVALID, kiscrm_record_insert(NULL, r));
	assert_rc(KISCRM_EINVALID, kiscrm_record_insert(db, NULL));
	assert_rc(KISCRM_EINVALID, kiscrm_record_update(NULL, r));
	assert_rc(KISCRM_EINVALID, kiscrm_record_update(db, NULL));
	/* updating a record never stored (id 0) */
	assert_rc(KISCRM_ENOTFOUND, kiscrm_record_update(db, r));
	assert_int_equal(1, kc_test_count(db, KISCRM_KIND_DEPARTMENT, NULL));

	/* inserting the same (now stored) record again: its id is taken */
	assert_rc(KISCRM_OK, kiscrm_record_insert(db, r));
	kiscrm_id d2 = kiscrm_record_id(r);
	assert_true(d2 > d1);
	assert_rc(KISCRM_EEXISTS, kiscrm_record_insert(db, r));
	assert_int_equal(2, kc_test_count(db, KISCRM_KIND_DEPARTMENT, NULL));
	kiscrm_record_free(r);

	/* delete */
	assert_rc(KISCRM_EINVALID, kiscrm_record_delete(NULL, KISCRM_KIND_DEPARTMENT, d1, 0));
	assert_rc(KISCRM_EINVALID, kiscrm_record_delete(db, 0, d1, 0));
	assert_rc(KISCRM_EINVALID, kiscrm_record_delete(db, KISCRM_KIND_DEPARTMENT, d1, 0x2));
	assert_rc(KISCRM_ENOTFOUND, kiscrm_record_delete(db, KISCRM_KIND_DEPARTMENT, 4242, 0));
	assert_msg_has("4242");
	assert_rc(KISCRM_ENOTFOUND,
		  kiscrm_record_delete(db, KISCRM_KIND_DEPARTMENT, 4242, KISCRM_DELETE_CASCADE));
	assert_int_equal(2, kc_test_count(db, KISCRM_KIND_DEPARTMENT, NULL));
}

static void test_required_field_missing(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_record *r = NULL;
	kiscrm_id d1 = kc_test_department(db, "销售一部", 0);

	/* a department without a name */
	assert_rc(KISCRM_OK, kiscrm_record_new(&r, KISCRM_KIND_DEPARTMENT));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_DEPARTMENT_CODE, "S2"));
	assert_rc(KISCRM_EINVALID, kiscrm_record_insert(db, r));
	assert_msg_has("name");
	assert_string_equal("name", kiscrm_error_last()->field);
	assert_int_equal(0, kiscrm_record_id(r));
	kiscrm_record_free(r);

	/* staff lacking each of its required fields in turn */
	static const int required[] = { KISCRM_STAFF_NAME, KISCRM_STAFF_DEPARTMENT_ID, KISCRM_STAFF_ROLE };
	for (size_t i = 0; i < 3; i++) {
		assert_rc(KISCRM_OK, kiscrm_record_new(&r, KISCRM_KIND_STAFF));
		assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_STAFF_NAME, "王五"));
		assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_STAFF_DEPARTMENT_ID, d1));
		assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_STAFF_ROLE, "sales_rep"));
		assert_rc(KISCRM_OK, kiscrm_record_set_null(r, required[i]));
		assert_rc(KISCRM_EINVALID, kiscrm_record_insert(db, r));
		const char *field = kiscrm_kind_field_name(KISCRM_KIND_STAFF, required[i]);
		assert_msg_has(field);
		assert_string_equal(field, kiscrm_error_last()->field);
		kiscrm_record_free(r);
	}
	assert_int_equal(0, kc_test_count(db, KISCRM_KIND_STAFF, NULL));

	/* clearing a required field on update is refused too, the stored record is kept */
	kiscrm_id s = add_staff(db, "赵六", d1, "sales_rep", -1);
	assert_rc(KISCRM_OK, kiscrm_record_get(&r, db, KISCRM_KIND_STAFF, s));
	assert_rc(KISCRM_OK, kiscrm_record_set_null(r, KISCRM_STAFF_NAME));
	assert_rc(KISCRM_EINVALID, kiscrm_record_update(db, r));
	assert_msg_has("name");
	kiscrm_record_free(r);
	assert_rc(KISCRM_OK, kiscrm_record_get(&r, db, KISCRM_KIND_STAFF, s));
	assert_string_equal("赵六", kiscrm_record_text(r, KISCRM_STAFF_NAME));
	kiscrm_record_free(r);
}

static void test_missing_reference(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_record *r = NULL;
	kiscrm_id d1 = kc_test_department(db, "销售二部", 0);

	assert_rc(KISCRM_OK, kiscrm_record_new(&r, KISCRM_KIND_STAFF));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_STAFF_NAME, "钱七"));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_STAFF_ROLE, "sales_rep"));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_STAFF_DEPARTMENT_ID, 987));
	assert_rc(KISCRM_ENOTFOUND, kiscrm_record_insert(db, r));
	assert_msg_has("987");
	assert_msg_has("department_id");
	assert_string_equal("department_id", kiscrm_error_last()->field);
	assert_string_equal("987", kiscrm_error_last()->value);
	assert_int_equal(0, kiscrm_record_id(r));
	assert_int_equal(0, kc_test_count(db, KISCRM_KIND_STAFF, NULL));

	/* a reference of the right id but to the wrong kind: staff 987 does not exist */
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_STAFF_DEPARTMENT_ID, d1));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_STAFF_MANAGER_ID, 987));
	assert_rc(KISCRM_ENOTFOUND, kiscrm_record_insert(db, r));
	assert_msg_has("manager_id");
	assert_msg_has("987");
	assert_int_equal(0, kc_test_count(db, KISCRM_KIND_STAFF, NULL));

	/* with the reference fixed the insert passes; pointing it away on update fails */
	assert_rc(KISCRM_OK, kiscrm_record_set_null(r, KISCRM_STAFF_MANAGER_ID));
	assert_rc(KISCRM_OK, kiscrm_record_insert(db, r));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_STAFF_DEPARTMENT_ID, 555));
	assert_rc(KISCRM_ENOTFOUND, kiscrm_record_update(db, r));
	assert_msg_has("555");
	kiscrm_id s = kiscrm_record_id(r);
	kiscrm_record_free(r);
	assert_rc(KISCRM_OK, kiscrm_record_get(&r, db, KISCRM_KIND_STAFF, s));
	assert_int_equal(d1, kiscrm_record_int(r, KISCRM_STAFF_DEPARTMENT_ID));
	kiscrm_record_free(r);
}

/* Chinese and other non-ASCII text is stored and read back byte for byte. */
static void test_chinese_text_byte_exact(void **state)
{
	kiscrm_db *db = *state;
	static const char *names[] = {
		"北京金蝶软件有限公司",
		"Ａｃｍｅ（中国）有限公司　分部", /* full-width forms and U+3000 are kept as given */
		"𠀀𪚥 emoji 😀 and é",          /* 4-byte sequences, a Latin-1 letter */
	};
	for (size_t i = 0; i < 3; i++) {
		kiscrm_record *r = NULL, *got = NULL;
		assert_rc(KISCRM_OK, kiscrm_record_new(&r, KISCRM_KIND_CUSTOMER));
		assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_CUSTOMER_NAME, names[i]));
		assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_CUSTOMER_SOURCE, names[i]));
		assert_rc(KISCRM_OK, kiscrm_record_insert(db, r));
		assert_rc(KISCRM_OK,
			  kiscrm_record_get(&got, db, KISCRM_KIND_CUSTOMER, kiscrm_record_id(r)));
		const char *n = kiscrm_record_text(got, KISCRM_CUSTOMER_NAME);
		assert_non_null(n);
		assert_int_equal(strlen(names[i]), strlen(n));
		assert_memory_equal(names[i], n, strlen(names[i]));
		assert_string_equal(names[i], kiscrm_record_text(got, KISCRM_CUSTOMER_SOURCE));
		kiscrm_record_free(got);
		kiscrm_record_free(r);
	}
}

/* --- iterators and filters ------------------------------------------------------------ */

/* The fixture of the filter tests:
 *   departments d1 华北销售部, d2 华东销售部
 *   staff s1 (d1, active NULL), s2 (d1, active 0), s3 (d2, active 1)
 *   customers c1 北京金蝶软件有限公司 owner s1, north, it, key 0
 *             c2 上海用友网络科技     owner s3, east, retail, key 1
 *             c3 Acme Co., Ltd.         owner s1, east, it, key 0
 *             c4 北京用友               no owner, north, manufacturing, key 1
 *   contacts  k1, k2 of c1; k3 of c2 */
typedef struct {
	kiscrm_id d1, d2, s1, s2, s3, c1, c2, c3, c4, k1, k2, k3;
} fixture;

static void build_fixture(kiscrm_db *db, fixture *x)
{
	x->d1 = kc_test_department(db, "华北销售部", 0);
	x->d2 = kc_test_department(db, "华东销售部", 0);
	x->s1 = add_staff(db, "张伟", x->d1, "sales_rep", -1);
	x->s2 = add_staff(db, "王芳", x->d1, "supervisor", 0);
	x->s3 = add_staff(db, "刘洋", x->d2, "sales_rep", 1);
	x->c1 = add_customer(db, "北京金蝶软件有限公司", x->s1, "north", "it", 0);
	x->c2 = add_customer(db, "上海用友网络科技", x->s3, "east", "retail", 1);
	x->c3 = add_customer(db, "Acme Co., Ltd.", x->s1, "east", "it", 0);
	x->c4 = add_customer(db, "北京用友", 0, "north", "manufacturing", 1);
	x->k1 = add_contact(db, x->c1, "陈静");
	x->k2 = add_contact(db, x->c1, "杨帆");
	x->k3 = add_contact(db, x->c2, "周杰");
}

static void test_iter_filters(void **state)
{
	kiscrm_db *db = *state;
	fixture x;
	kiscrm_filter f = KISCRM_FILTER_INIT;
	build_fixture(db, &x);

	/* no filter, and a filter that matches everything */
	{
		kiscrm_id all[] = { x.c1, x.c2, x.c3, x.c4 };
		check_ids(db, KISCRM_KIND_CUSTOMER, NULL, all, 4);
		check_ids(db, KISCRM_KIND_CUSTOMER, &f, all, 4);
	}
	/* owner_id */
	{
		kiscrm_id e[] = { x.c1, x.c3 };
		f.owner_id = x.s1;
		check_ids(db, KISCRM_KIND_CUSTOMER, &f, e, 2);
		f.owner_id = x.s2; /* owns nothing */
		check_ids(db, KISCRM_KIND_CUSTOMER, &f, NULL, 0);
		f.owner_id = 0;
	}
	/* department_id (staff) */
	{
		kiscrm_id e1[] = { x.s1, x.s2 }, e2[] = { x.s3 };
		f.department_id = x.d1;
		check_ids(db, KISCRM_KIND_STAFF, &f, e1, 2);
		f.department_id = x.d2;
		check_ids(db, KISCRM_KIND_STAFF, &f, e2, 1);
		f.department_id = 0;
	}
	/* customer_id (contacts) */
	{
		kiscrm_id e1[] = { x.k1, x.k2 }, e2[] = { x.k3 };
		f.customer_id = x.c1;
		check_ids(db, KISCRM_KIND_CONTACT, &f, e1, 2);
		f.customer_id = x.c2;
		check_ids(db, KISCRM_KIND_CONTACT, &f, e2, 1);
		f.customer_id = x.c3;
		check_ids(db, KISCRM_KIND_CONTACT, &f, NULL, 0);
		f.customer_id = 0;
	}
	/* region */
	{
		kiscrm_id e1[] = { x.c1, x.c4 }, e2[] = { x.c2, x.c3 };
		f.region = "north";
		check_ids(db, KISCRM_KIND_CUSTOMER, &f, e1, 2);
		f.region = "east";
		check_ids(db, KISCRM_KIND_CUSTOMER, &f, e2, 2);
		f.region = "nort"; /* equality, not prefix */
		check_ids(db, KISCRM_KIND_CUSTOMER, &f, NULL, 0);
		f.region = NULL;
	}
	/* industry */
	{
		kiscrm_id e1[] = { x.c1, x.c3 }, e2[] = { x.c4 };
		f.industry = "it";
		check_ids(db, KISCRM_KIND_CUSTOMER, &f, e1, 2);
		f.industry = "manufacturing";
		check_ids(db, KISCRM_KIND_CUSTOMER, &f, e2, 1);
		f.industry = NULL;
	}
	/* key_account */
	{
		kiscrm_id e1[] = { x.c2, x.c4 }, e0[] = { x.c1, x.c3 };
		f.key_account = 1;
		check_ids(db, KISCRM_KIND_CUSTOMER, &f, e1, 2);
		f.key_account = 0;
		check_ids(db, KISCRM_KIND_CUSTOMER, &f, e0, 2);
		f.key_account = -1;
	}
	/* name_contains, Chinese and ASCII, on customers, staff and contacts */
	{
		kiscrm_id yy[] = { x.c2, x.c4 }, bj[] = { x.c1, x.c4 }, kd[] = { x.c1 },
			  ac[] = { x.c3 }, w[] = { x.s1 }, j[] = { x.k1 };
		f.name_contains = "用友";
		check_ids(db, KISCRM_KIND_CUSTOMER, &f, yy, 2);
		f.name_contains = "北京";
		check_ids(db, KISCRM_KIND_CUSTOMER, &f, bj, 2);
		f.name_contains = "金蝶软件有限";
		check_ids(db, KISCRM_KIND_CUSTOMER, &f, kd, 1);
		f.name_contains = "Co., Ltd";
		check_ids(db, KISCRM_KIND_CUSTOMER, &f, ac, 1);
		f.name_contains = "acme"; /* byte substring: case matters */
		check_ids(db, KISCRM_KIND_CUSTOMER, &f, NULL, 0);
		f.name_contains = "伟";
		check_ids(db, KISCRM_KIND_STAFF, &f, w, 1);
		f.name_contains = "静";
		check_ids(db, KISCRM_KIND_CONTACT, &f, j, 1);
		f.name_contains = NULL;
	}
	/* active: NULL reads as active */
	{
		kiscrm_id a1[] = { x.s1, x.s3 }, a0[] = { x.s2 };
		f.active = 1;
		check_ids(db, KISCRM_KIND_STAFF, &f, a1, 2);
		f.active = 0;
		check_ids(db, KISCRM_KIND_STAFF, &f, a0, 1);
		f.active = -1;
	}
	/* criteria combine with AND */
	{
		kiscrm_id e[] = { x.c3 }, e2[] = { x.c4 };
		f.owner_id = x.s1;
		f.region = "east";
		check_ids(db, KISCRM_KIND_CUSTOMER, &f, e, 1);
		f.owner_id = 0;
		f.region = "north";
		f.key_account = 1;
		f.name_contains = "用友";
		check_ids(db, KISCRM_KIND_CUSTOMER, &f, e2, 1);
		f.industry = "it";
		check_ids(db, KISCRM_KIND_CUSTOMER, &f, NULL, 0);
	}
	{
		kiscrm_id e[] = { x.s2 };
		kiscrm_filter g = KISCRM_FILTER_INIT;
		g.department_id = x.d1;
		g.active = 0;
		check_ids(db, KISCRM_KIND_STAFF, &g, e, 1);
	}
}

/* A criterion on a field the kind lacks fails and names the field. */
static void check_bad_criterion(kiscrm_db *db, int kind, const kiscrm_filter *f, const char *field)
{
	kiscrm_iter *it = (kiscrm_iter *)&it;
	assert_rc(KISCRM_EINVALID, kiscrm_iter_new(&it, db, kind, f));
	assert_msg_has(field);
	assert_msg_has(kiscrm_kind_name(kind));
	int64_t n = -1;
	assert_rc(KISCRM_EINVALID, kiscrm_record_count(db, kind, f, &n));
	assert_msg_has(field);
	assert_int_equal(-1, n);
}

static void test_iter_bad_filters(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_iter *it = NULL;
	fixture x;
	build_fixture(db, &x);

	kiscrm_filter f = KISCRM_FILTER_INIT;
	f.owner_id = x.s1;
	check_bad_criterion(db, KISCRM_KIND_DEPARTMENT, &f, "owner_id");
	check_bad_criterion(db, KISCRM_KIND_CONTACT, &f, "owner_id");
	kiscrm_filter g = KISCRM_FILTER_INIT;
	g.active = 1;
	check_bad_criterion(db, KISCRM_KIND_CUSTOMER, &g, "active");
	g.active = 0;
	check_bad_criterion(db, KISCRM_KIND_DEPARTMENT, &g, "active");
	kiscrm_filter h = KISCRM_FILTER_INIT;
	h.region = "north";
	check_bad_criterion(db, KISCRM_KIND_STAFF, &h, "region");
	kiscrm_filter i = KISCRM_FILTER_INIT;
	i.name_contains = "x";
	check_bad_criterion(db, KISCRM_KIND_CUSTOMER_ATTR, &i, "name");
	kiscrm_filter j = KISCRM_FILTER_INIT;
	j.key_account = 1;
	check_bad_criterion(db, KISCRM_KIND_CONTACT, &j, "key_account");
	kiscrm_filter k = KISCRM_FILTER_INIT;
	k.customer_id = x.c1;
	check_bad_criterion(db, KISCRM_KIND_CUSTOMER, &k, "customer_id");
	kiscrm_filter l = KISCRM_FILTER_INIT;
	l.department_id = x.d1;
	check_bad_criterion(db, KISCRM_KIND_DEPARTMENT, &l, "department_id");
	kiscrm_filter m = KISCRM_FILTER_INIT;
	m.industry = "it";
	check_bad_criterion(db, KISCRM_KIND_CONTACT, &m, "industry");

	/* bad versions */
	kiscrm_filter v = KISCRM_FILTER_INIT;
	v.version = 0;
	assert_rc(KISCRM_EVERSION, kiscrm_iter_new(&it, db, KISCRM_KIND_CUSTOMER, &v));
	v.version = KISCRM_FILTER_VERSION + 1;
	assert_rc(KISCRM_EVERSION, kiscrm_iter_new(&it, db, KISCRM_KIND_CUSTOMER, &v));

	/* bad arguments */
	assert_rc(KISCRM_EINVALID, kiscrm_iter_new(&it, db, 0, NULL));
	assert_rc(KISCRM_EINVALID, kiscrm_iter_new(&it, db, 1000, NULL));
	assert_rc(KISCRM_EINVALID, kiscrm_iter_new(NULL, db, KISCRM_KIND_CUSTOMER, NULL));
	assert_rc(KISCRM_EINVALID, kiscrm_iter_new(&it, NULL, KISCRM_KIND_CUSTOMER, NULL));
	int64_t n = -1;
	assert_rc(KISCRM_EVERSION, kiscrm_record_count(db, KISCRM_KIND_CUSTOMER, &v, &n));
	assert_rc(KISCRM_EINVALID, kiscrm_record_count(db, 1000, NULL, &n));
	assert_rc(KISCRM_EINVALID, kiscrm_record_count(db, KISCRM_KIND_CUSTOMER, NULL, NULL));
	assert_rc(KISCRM_EINVALID, kiscrm_record_count(NULL, KISCRM_KIND_CUSTOMER, NULL, &n));
	assert_int_equal(-1, n);
}

static void test_iter_iterover(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_iter *it = NULL;
	const kiscrm_record *r = NULL;

	/* empty kind: ITEROVER at once, and again on every later call */
	assert_rc(KISCRM_OK, kiscrm_iter_new(&it, db, KISCRM_KIND_CUSTOMER, NULL));
	assert_rc(KISCRM_ITEROVER, kiscrm_iter_next(&r, it));
	assert_null(r);
	assert_rc(KISCRM_ITEROVER, kiscrm_iter_next(&r, it));
	assert_rc(KISCRM_EINVALID, kiscrm_iter_next(NULL, it));
	assert_rc(KISCRM_EINVALID, kiscrm_iter_next(&r, NULL));
	kiscrm_iter_free(it);
	kiscrm_iter_free(NULL);

	kiscrm_id a = kc_test_department(db, "一部", 0);
	kiscrm_id b = kc_test_department(db, "二部", 0);
	kiscrm_id c = kc_test_department(db, "三部", 0);
	assert_rc(KISCRM_OK, kiscrm_iter_new(&it, db, KISCRM_KIND_DEPARTMENT, NULL));
	assert_rc(KISCRM_OK, kiscrm_iter_next(&r, it));
	assert_int_equal(a, kiscrm_record_id(r));
	assert_string_equal("一部", kiscrm_record_text(r, KISCRM_DEPARTMENT_NAME));
	/* b is deleted after the iterator was made: it is skipped */
	assert_rc(KISCRM_OK, kiscrm_record_delete(db, KISCRM_KIND_DEPARTMENT, b, 0));
	assert_rc(KISCRM_OK, kiscrm_iter_next(&r, it));
	assert_int_equal(c, kiscrm_record_id(r));
	assert_string_equal("三部", kiscrm_record_text(r, KISCRM_DEPARTMENT_NAME));
	assert_rc(KISCRM_ITEROVER, kiscrm_iter_next(&r, it));
	assert_rc(KISCRM_ITEROVER, kiscrm_iter_next(&r, it));
	kiscrm_iter_free(it);

	/* freeing an iterator before its end */
	assert_rc(KISCRM_OK, kiscrm_iter_new(&it, db, KISCRM_KIND_DEPARTMENT, NULL));
	assert_rc(KISCRM_OK, kiscrm_iter_next(&r, it));
	kiscrm_iter_free(it);
}

/* --- transactions ----------------------------------------------------------------------- */

static void test_tx_rollback(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_record *got = NULL;
	kiscrm_id keep = kc_test_department(db, "保留部", 0);

	assert_rc(KISCRM_OK, kiscrm_db_begin(db));
	kiscrm_id a = kc_test_department(db, "回滚部甲", 0);
	kiscrm_id b = kc_test_department(db, "回滚部乙", 0);
	assert_rc(KISCRM_OK, kiscrm_record_delete(db, KISCRM_KIND_DEPARTMENT, keep, 0));
	assert_int_equal(2, kc_test_count(db, KISCRM_KIND_DEPARTMENT, NULL)); /* visible inside */
	assert_rc(KISCRM_OK, kiscrm_db_rollback(db));

	assert_rc(KISCRM_ENOTFOUND, kiscrm_record_get(&got, db, KISCRM_KIND_DEPARTMENT, a));
	assert_rc(KISCRM_ENOTFOUND, kiscrm_record_get(&got, db, KISCRM_KIND_DEPARTMENT, b));
	assert_rc(KISCRM_OK, kiscrm_record_get(&got, db, KISCRM_KIND_DEPARTMENT, keep));
	assert_string_equal("保留部", kiscrm_record_text(got, KISCRM_DEPARTMENT_NAME));
	kiscrm_record_free(got);
	{
		kiscrm_id e[] = { keep };
		check_ids(db, KISCRM_KIND_DEPARTMENT, NULL, e, 1);
	}

	/* a committed transaction keeps its work */
	assert_rc(KISCRM_OK, kiscrm_db_begin(db));
	kiscrm_id c = kc_test_department(db, "提交部", 0);
	assert_rc(KISCRM_OK, kiscrm_db_commit(db));
	{
		kiscrm_id e[] = { keep, c };
		check_ids(db, KISCRM_KIND_DEPARTMENT, NULL, e, 2);
	}
}

static void test_tx_nested(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_record *got = NULL;

	/* inner and outer commit: everything stays */
	assert_rc(KISCRM_OK, kiscrm_db_begin(db));
	kiscrm_id a = kc_test_department(db, "外层", 0);
	assert_rc(KISCRM_OK, kiscrm_db_begin(db));
	kiscrm_id b = kc_test_department(db, "内层", 0);
	assert_rc(KISCRM_OK, kiscrm_db_commit(db));
	assert_rc(KISCRM_OK, kiscrm_db_commit(db));
	{
		kiscrm_id e[] = { a, b };
		check_ids(db, KISCRM_KIND_DEPARTMENT, NULL, e, 2);
	}

	/* inner rollback: the outer commit reports ECONFLICT and nothing of either remains */
	assert_rc(KISCRM_OK, kiscrm_db_begin(db));
	kiscrm_id c = kc_test_department(db, "外层二", 0);
	assert_rc(KISCRM_OK, kiscrm_db_begin(db));
	kiscrm_id d = kc_test_department(db, "内层二", 0);
	assert_rc(KISCRM_OK, kiscrm_db_rollback(db));
	kiscrm_id e2 = kc_test_department(db, "内层回滚之后", 0);
	assert_rc(KISCRM_ECONFLICT, kiscrm_db_commit(db));
	assert_rc(KISCRM_ENOTFOUND, kiscrm_record_get(&got, db, KISCRM_KIND_DEPARTMENT, c));
	assert_rc(KISCRM_ENOTFOUND, kiscrm_record_get(&got, db, KISCRM_KIND_DEPARTMENT, d));
	assert_rc(KISCRM_ENOTFOUND, kiscrm_record_get(&got, db, KISCRM_KIND_DEPARTMENT, e2));
	{
		kiscrm_id e[] = { a, b };
		check_ids(db, KISCRM_KIND_DEPARTMENT, NULL, e, 2);
	}
	/* the transaction is over */
	assert_rc(KISCRM_EINVALID, kiscrm_db_commit(db));
	assert_rc(KISCRM_EINVALID, kiscrm_db_rollback(db));

	/* inner rollback then outer rollback: OK, nothing remains */
	assert_rc(KISCRM_OK, kiscrm_db_begin(db));
	kiscrm_id f = kc_test_department(db, "三层甲", 0);
	assert_rc(KISCRM_OK, kiscrm_db_begin(db));
	assert_rc(KISCRM_OK, kiscrm_db_begin(db));
	kiscrm_id g = kc_test_department(db, "三层乙", 0);
	assert_rc(KISCRM_OK, kiscrm_db_commit(db));
	assert_rc(KISCRM_OK, kiscrm_db_rollback(db));
	assert_rc(KISCRM_OK, kiscrm_db_rollback(db));
	assert_rc(KISCRM_ENOTFOUND, kiscrm_record_get(&got, db, KISCRM_KIND_DEPARTMENT, f));
	assert_rc(KISCRM_ENOTFOUND, kiscrm_record_get(&got, db, KISCRM_KIND_DEPARTMENT, g));

	/* a fresh transaction after a failed one works normally */
	assert_rc(KISCRM_OK, kiscrm_db_begin(db));
	kiscrm_id h = kc_test_department(db, "新事务", 0);
	assert_rc(KISCRM_OK, kiscrm_db_commit(db));
	{
		kiscrm_id e[] = { a, b, h };
		check_ids(db, KISCRM_KIND_DEPARTMENT, NULL, e, 3);
	}

	/* a cascade delete (its own transaction) nests inside the caller's rollback */
	kiscrm_id cu = add_customer(db, "嵌套客户", 0, NULL, NULL, -1);
	add_contact(db, cu, "联系人");
	assert_rc(KISCRM_OK, kiscrm_db_begin(db));
	assert_rc(KISCRM_OK, kiscrm_record_delete(db, KISCRM_KIND_CUSTOMER, cu, KISCRM_DELETE_CASCADE));
	assert_int_equal(0, kc_test_count(db, KISCRM_KIND_CONTACT, NULL));
	assert_rc(KISCRM_OK, kiscrm_db_rollback(db));
	assert_int_equal(1, kc_test_count(db, KISCRM_KIND_CUSTOMER, NULL));
	assert_int_equal(1, kc_test_count(db, KISCRM_KIND_CONTACT, NULL));

	/* closing a database with an open transaction rolls it back (no leak, no crash) */
	assert_rc(KISCRM_OK, kiscrm_db_begin(db));
	kc_test_department(db, "未提交", 0);
}

static void test_tx_without_transaction(void **state)
{
	kiscrm_db *db = *state;
	assert_rc(KISCRM_EINVALID, kiscrm_db_commit(db));
	assert_msg_has("transaction");
	assert_rc(KISCRM_EINVALID, kiscrm_db_rollback(db));
	assert_msg_has("transaction");
	assert_rc(KISCRM_OK, kiscrm_db_begin(db));
	assert_rc(KISCRM_OK, kiscrm_db_commit(db));
	assert_rc(KISCRM_EINVALID, kiscrm_db_commit(db));
	assert_rc(KISCRM_OK, kiscrm_db_begin(db));
	assert_rc(KISCRM_OK, kiscrm_db_rollback(db));
	assert_rc(KISCRM_EINVALID, kiscrm_db_rollback(db));
	assert_rc(KISCRM_EINVALID, kiscrm_db_begin(NULL));
	assert_rc(KISCRM_EINVALID, kiscrm_db_commit(NULL));
	assert_rc(KISCRM_EINVALID, kiscrm_db_rollback(NULL));
	/* set_actor */
	assert_rc(KISCRM_OK, kiscrm_db_set_actor(db, 0));
	assert_rc(KISCRM_EINVALID, kiscrm_db_set_actor(db, -3));
	assert_rc(KISCRM_EINVALID, kiscrm_db_set_actor(NULL, 1));
}

/* --- injected storage failures ------------------------------------------------------------ */

static void test_fail_insert(void **state)
{
	kiscrm_backend *fb = NULL;
	kiscrm_db *db = open_failing(&fb);
	kiscrm_record *r = NULL;
	char *before = NULL, *after = NULL;
	(void)state;

	kiscrm_id d = kc_test_department(db, "存活部", 0);
	add_staff(db, "孙八", d, "sales_rep", 1);
	before = snapshot(db);

	kc_failing_backend_set(fb, 0);
	assert_rc(KISCRM_OK, kiscrm_record_new(&r, KISCRM_KIND_STAFF));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_STAFF_NAME, "周九"));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_STAFF_DEPARTMENT_ID, d));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_STAFF_ROLE, "sales_rep"));
	assert_rc(KISCRM_ESTORAGE, kiscrm_record_insert(db, r));
	assert_msg_has("injected");
	assert_int_equal(0, kiscrm_record_id(r));
	kc_failing_backend_set(fb, -1);
	after = snapshot(db);
	assert_string_equal(before, after);
	assert_int_equal(1, kc_test_count(db, KISCRM_KIND_STAFF, NULL));

	/* the same record goes in once storage works again */
	assert_rc(KISCRM_OK, kiscrm_record_insert(db, r));
	assert_int_equal(2, kc_test_count(db, KISCRM_KIND_STAFF, NULL));
	kiscrm_record_free(r);
	free(before);
	free(after);
	kiscrm_db_free(db);
}

static void test_fail_commit(void **state)
{
	kiscrm_backend *fb = NULL;
	kiscrm_db *db = open_failing(&fb);
	char *before = NULL, *after = NULL;
	(void)state;

	kc_test_department(db, "存活部", 0);
	before = snapshot(db);

	/* two inserts pass, the commit writes their audit entry (one for the run of two ids:
	 * three mutating calls) and then fails: nothing is kept */
	assert_rc(KISCRM_OK, kiscrm_db_begin(db));
	kc_failing_backend_set(fb, 3);
	kc_test_department(db, "甲", 0);
	kc_test_department(db, "乙", 0);
	assert_rc(KISCRM_ESTORAGE, kiscrm_db_commit(db));
	kc_failing_backend_set(fb, -1);
	after = snapshot(db);
	assert_string_equal(before, after);
	/* the transaction is over and the handle usable */
	assert_rc(KISCRM_EINVALID, kiscrm_db_commit(db));
	kc_test_department(db, "丙", 0);
	assert_int_equal(2, kc_test_count(db, KISCRM_KIND_DEPARTMENT, NULL));
	free(before);
	free(after);
	kiscrm_db_free(db);
}

static void test_fail_cascade_delete(void **state)
{
	kiscrm_backend *fb = NULL;
	kiscrm_db *db = open_failing(&fb);
	kiscrm_record *got = NULL;
	(void)state;

	kiscrm_id d = kc_test_department(db, "销售部", 0);
	kiscrm_id s = add_staff(db, "吴十", d, "sales_rep", 1);
	kiscrm_id c = add_customer(db, "北京金蝶软件有限公司", s, "north", "it", 1);
	kiscrm_id other = add_customer(db, "上海用友", s, "east", "it", 0);
	add_contact(db, c, "联系人甲");
	add_contact(db, c, "联系人乙");
	add_contact(db, c, "联系人丙");
	kiscrm_id other_k = add_contact(db, other, "别家联系人");
	assert_rc(KISCRM_OK, kiscrm_customer_attr_set(db, c, "等级", "金牌"));
	assert_rc(KISCRM_OK, kiscrm_customer_attr_set(db, c, "erp_id", "E-1"));
	assert_rc(KISCRM_OK, kiscrm_customer_attr_set(db, other, "等级", "银牌"));

	char *before = snapshot(db);

	/* Deleting c with CASCADE makes 2 attribute removes + 3 contact removes + 1 customer
	 * remove, each followed by its audit entry, + 1 commit = 13 mutating calls. Failing any
	 * of them, including the commit, leaves everything as it was; with 13 allowed the
	 * delete succeeds. */
	int n;
	for (n = 0; n < 20; n++) {
		kc_failing_backend_set(fb, n);
		int rc = kiscrm_record_delete(db, KISCRM_KIND_CUSTOMER, c, KISCRM_DELETE_CASCADE);
		kc_failing_backend_set(fb, -1);
		if (rc == KISCRM_OK)
			break;
		assert_rc(KISCRM_ESTORAGE, rc);
		char *after = snapshot(db);
		if (strcmp(before, after) != 0)
			fail_msg("delete failing after %d writes changed the data", n);
		free(after);
		/* no transaction is left open */
		assert_rc(KISCRM_EINVALID, kiscrm_db_commit(db));
	}
	assert_int_equal(13, n);
	assert_rc(KISCRM_ENOTFOUND, kiscrm_record_get(&got, db, KISCRM_KIND_CUSTOMER, c));
	{
		kiscrm_id e[] = { other_k };
		check_ids(db, KISCRM_KIND_CONTACT, NULL, e, 1);
	}
	assert_int_equal(1, kc_test_count(db, KISCRM_KIND_CUSTOMER_ATTR, NULL));
	free(before);
	kiscrm_db_free(db);
}

static void test_fail_merge(void **state)
{
	kiscrm_backend *fb = NULL;
	kiscrm_db *db = open_failing(&fb);
	kiscrm_record *got = NULL;
	kiscrm_buf val = KISCRM_BUF_INIT;
	(void)state;

	kiscrm_id keep = add_customer(db, "北京金蝶软件有限公司", 0, NULL, "it", -1);
	kiscrm_id dup = add_customer(db, "北京金蝶软件 有限公司", 0, "north", NULL, 1);
	kiscrm_id k1 = add_contact(db, keep, "留存联系人");
	kiscrm_id k2 = add_contact(db, dup, "重复联系人甲");
	kiscrm_id k3 = add_contact(db, dup, "重复联系人乙");
	assert_rc(KISCRM_OK, kiscrm_customer_attr_set(db, keep, "等级", "金牌"));
	assert_rc(KISCRM_OK, kiscrm_customer_attr_set(db, dup, "等级", "银牌"));
	assert_rc(KISCRM_OK, kiscrm_customer_attr_set(db, dup, "erp_id", "E-42"));

	char *before = snapshot(db);

	/* Merging dup into keep: the clashing attribute 等级 is removed (1), erp_id moved (1),
	 * two contacts moved (2), keep updated (1: it gains dup's region and key_account), dup
	 * removed (1) — six writes, each with its audit entry (6) —, the merge's own entry (1)
	 * and the commit (1) = 14 writes. */
	int n;
	for (n = 0; n < 20; n++) {
		kc_failing_backend_set(fb, n);
		int rc = kiscrm_customer_merge(db, keep, dup);
		kc_failing_backend_set(fb, -1);
		if (rc == KISCRM_OK)
			break;
		assert_rc(KISCRM_ESTORAGE, rc);
		char *after = snapshot(db);
		if (strcmp(before, after) != 0)
			fail_msg("merge failing after %d writes changed the data", n);
		free(after);
		assert_rc(KISCRM_EINVALID, kiscrm_db_commit(db));
	}
	assert_int_equal(14, n);

	/* the successful merge: */
	assert_rc(KISCRM_ENOTFOUND, kiscrm_record_get(&got, db, KISCRM_KIND_CUSTOMER, dup));
	assert_rc(KISCRM_OK, kiscrm_record_get(&got, db, KISCRM_KIND_CUSTOMER, keep));
	assert_string_equal("北京金蝶软件有限公司", kiscrm_record_text(got, KISCRM_CUSTOMER_NAME));
	assert_string_equal("north", kiscrm_record_text(got, KISCRM_CUSTOMER_REGION));
	assert_string_equal("it", kiscrm_record_text(got, KISCRM_CUSTOMER_INDUSTRY));
	assert_int_equal(1, kiscrm_record_int(got, KISCRM_CUSTOMER_KEY_ACCOUNT));
	kiscrm_record_free(got);
	{
		kiscrm_filter f = KISCRM_FILTER_INIT;
		kiscrm_id e[] = { k1, k2, k3 };
		f.customer_id = keep;
		check_ids(db, KISCRM_KIND_CONTACT, &f, e, 3);
	}
	assert_rc(KISCRM_OK, kiscrm_customer_attr_get(&val, db, keep, "等级"));
	assert_string_equal("金牌", val.ptr);
	kiscrm_buf_dispose(&val);
	assert_rc(KISCRM_OK, kiscrm_customer_attr_get(&val, db, keep, "erp_id"));
	assert_string_equal("E-42", val.ptr);
	kiscrm_buf_dispose(&val);
	assert_int_equal(2, kc_test_count(db, KISCRM_KIND_CUSTOMER_ATTR, NULL));
	free(before);
	kiscrm_db_free(db);
}

/* An update writes only the fields set since the record was read: a field another
 * writer changed in the meantime keeps the other writer's value, and the record holds
 * the stored row afterwards. */
static void test_update_writes_only_set_fields(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_id id = kc_test_customer(db, "Acme");
	kiscrm_record *mine = kc_test_get(db, KISCRM_KIND_CUSTOMER, id);
	kiscrm_record *theirs = kc_test_get(db, KISCRM_KIND_CUSTOMER, id);

	/* the other writer sets the status and stores it */
	assert_rc(KISCRM_OK, kiscrm_record_set_text(theirs, KISCRM_CUSTOMER_STATUS, "active"));
	assert_rc(KISCRM_OK, kiscrm_record_update(db, theirs));
	/* my copy, read before that, still has no status; I set the employees only */
	assert_null(kiscrm_record_text(mine, KISCRM_CUSTOMER_STATUS));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(mine, KISCRM_CUSTOMER_EMPLOYEES, 120));
	assert_rc(KISCRM_OK, kiscrm_record_update(db, mine));
	/* both changes are stored, and my record now shows the other's too */
	kc_test_assert_text(mine, KISCRM_CUSTOMER_STATUS, "active");
	kiscrm_record *stored = kc_test_get(db, KISCRM_KIND_CUSTOMER, id);
	kc_test_assert_text(stored, KISCRM_CUSTOMER_STATUS, "active");
	assert_int_equal(kiscrm_record_int(stored, KISCRM_CUSTOMER_EMPLOYEES), 120);
	kiscrm_record_free(stored);

	/* a field set to NULL is written as NULL; a copy keeps what was set in the original */
	kiscrm_record *copy = NULL;
	assert_rc(KISCRM_OK, kiscrm_record_set_null(theirs, KISCRM_CUSTOMER_STATUS));
	assert_rc(KISCRM_OK, kiscrm_record_dup(&copy, theirs));
	assert_rc(KISCRM_OK, kiscrm_record_update(db, copy));
	stored = kc_test_get(db, KISCRM_KIND_CUSTOMER, id);
	assert_null(kiscrm_record_text(stored, KISCRM_CUSTOMER_STATUS));
	assert_int_equal(kiscrm_record_int(stored, KISCRM_CUSTOMER_EMPLOYEES), 120);
	kiscrm_record_free(stored);
	kiscrm_record_free(copy);
	kiscrm_record_free(mine);
	kiscrm_record_free(theirs);
}

#define DB_TEST(f) cmocka_unit_test_setup_teardown(f, kc_test_db_setup, kc_test_db_teardown)

#define DB_TESTS                                          \
	{                                                 \
		DB_TEST(test_crud),                       \
		DB_TEST(test_update_writes_only_set_fields), \
		DB_TEST(test_crud_errors),                \
		DB_TEST(test_required_field_missing),     \
		DB_TEST(test_missing_reference),          \
		DB_TEST(test_chinese_text_byte_exact),    \
		DB_TEST(test_iter_filters),               \
		DB_TEST(test_iter_bad_filters),           \
		DB_TEST(test_iter_iterover),              \
		DB_TEST(test_tx_rollback),                \
		DB_TEST(test_tx_nested),                  \
		DB_TEST(test_tx_without_transaction),     \
		cmocka_unit_test(test_fail_insert),       \
		cmocka_unit_test(test_fail_commit),       \
		cmocka_unit_test(test_fail_cascade_delete), \
		cmocka_unit_test(test_fail_merge),        \
	}

int main(void)
{
	const struct CMUnitTest api[] = {
		cmocka_unit_test(test_record_new_free_dup),
		cmocka_unit_test(test_record_type_errors),
		cmocka_unit_test(test_record_id_not_settable),
		cmocka_unit_test(test_record_invalid_utf8),
		cmocka_unit_test(test_record_rate_not_finite),
		cmocka_unit_test(test_record_set_from_text),
		cmocka_unit_test(test_record_field_to_text),
		cmocka_unit_test(test_kind_introspection),
		cmocka_unit_test(test_field_of_another_kind),
		cmocka_unit_test(test_db_open_defaults),
		cmocka_unit_test(test_db_open_versions),
		cmocka_unit_test(test_db_open_unknown_backend),
		cmocka_unit_test(test_db_options_init),
		cmocka_unit_test(test_db_custom_backend_lacking_slots),
		cmocka_unit_test(test_filter_init),
	};
	const struct CMUnitTest tests[] = DB_TESTS;
	int failed = 0;
	failed += cmocka_run_group_tests_name("record_api", api, NULL, NULL);
	failed += kc_test_run_both(tests);
	return failed ? 1 : 0;
}
