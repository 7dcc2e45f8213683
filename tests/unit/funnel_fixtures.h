/* Builders shared by test_funnel.c and test_winloss.c: small named scenarios of
 * opportunities with stage history at fixed times, on the memory backend and on SQLite. */
#ifndef KC_TEST_FUNNEL_FIXTURES_H
#define KC_TEST_FUNNEL_FIXTURES_H

#include "helpers.h"
#include "config/pipeline_config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FX_NULL_AMOUNT (-1)

static inline kiscrm_date fx_date(int y, int m, int d)
{
	kiscrm_date out;
	assert_rc(KISCRM_OK, kiscrm_date_from_ymd(&out, y, m, d));
	return out;
}

/* Midnight UTC of a day. */
static inline kiscrm_time fx_time(int y, int m, int d)
{
	return (kiscrm_time)fx_date(y, m, d) * 86400;
}

/* The thresholds and settings of analysis.yaml, changed in place by tests that need
 * exact values (each database has its own configuration). */
static inline kc_analysis *fx_analysis(kiscrm_db *db)
{
	return (kc_analysis *)kc_config_analysis(kiscrm_db_config(db));
}

static inline kiscrm_id fx_department(kiscrm_db *db, const char *name)
{
	return kc_test_department(db, name, 0);
}

static inline kiscrm_id fx_staff(kiscrm_db *db, kiscrm_id dept, const char *name)
{
	return kc_test_staff(db, name, dept, "sales_rep");
}

static inline kiscrm_id fx_customer(kiscrm_db *db, const char *name)
{
	return kc_test_customer(db, name);
}

static inline kiscrm_id fx_contact(kiscrm_db *db, kiscrm_id customer, const char *name)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_CONTACT);
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_CONTACT_CUSTOMER_ID, customer));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_CONTACT_NAME, name));
	return kc_test_insert(db, r);
}

/* An opportunity created on `created` in `stage` (its creation entry is written at
 * midnight of that day), with a customer (0: none), amount in minor units
 * (FX_NULL_AMOUNT: none) and an expected close 90 days after creation, so that it may
 * leave every stage. */
static inline kiscrm_id fx_opp(kiscrm_db *db, const char *name, kiscrm_id owner, kiscrm_id customer,
			       kiscrm_money amount, kiscrm_date created, const char *stage)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_OPPORTUNITY);
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_NAME, name));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_OWNER_ID, owner));
	if (customer)
		assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_CUSTOMER_ID, customer));
	if (amount != FX_NULL_AMOUNT)
		assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_AMOUNT, amount));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_EXPECTED_CLOSE, created + 90));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_CREATED, created));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_STAGE, stage));
	return kc_test_insert(db, r);
}

/* Moves an opportunity at midnight of a day. */
static inline void fx_move(kiscrm_db *db, kiscrm_id opp, const char *stage, int y, int m, int d)
{
	assert_rc(KISCRM_OK, kiscrm_opportunity_move(db, opp, stage, fx_time(y, m, d), 0));
}

/* Sets fields of a stored opportunity (INT-like with fx_set_int, NULL with set_null). */
static inline void fx_set_text(kiscrm_db *db, kiscrm_id opp, int field, const char *value)
{
	kiscrm_record *r = NULL;
	assert_rc(KISCRM_OK, kiscrm_record_get(&r, db, KISCRM_KIND_OPPORTUNITY, opp));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, field, value));
	assert_rc(KISCRM_OK, kiscrm_record_update(db, r));
	kiscrm_record_free(r);
}

static inline void fx_set_int(kiscrm_db *db, kiscrm_id opp, int field, int64_t value)
{
	kiscrm_record *r = NULL;
	assert_rc(KISCRM_OK, kiscrm_record_get(&r, db, KISCRM_KIND_OPPORTUNITY, opp));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, field, value));
	assert_rc(KISCRM_OK, kiscrm_record_update(db, r));
	kiscrm_record_free(r);
}

static inline void fx_set_null(kiscrm_db *db, kiscrm_id opp, int field)
{
	kiscrm_record *r = NULL;
	assert_rc(KISCRM_OK, kiscrm_record_get(&r, db, KISCRM_KIND_OPPORTUNITY, opp));
	assert_rc(KISCRM_OK, kiscrm_record_set_null(r, field));
	assert_rc(KISCRM_OK, kiscrm_record_update(db, r));
	kiscrm_record_free(r);
}

/* Index of a column, failing the test when absent. */
static inline size_t fx_col(const kiscrm_table *t, const char *name)
{
	int i = kiscrm_table_column_index(t, name);
	if (i < 0)
		fail_msg("table '%s' has no column '%s'", kiscrm_table_name(t), name);
	return (size_t)i;
}

static inline int64_t fx_int(const kiscrm_table *t, size_t row, const char *col)
{
	size_t c = fx_col(t, col);
	if (kiscrm_table_is_null(t, row, c))
		fail_msg("table '%s' row %zu column '%s' is NULL", kiscrm_table_name(t), row, col);
	return kiscrm_table_int(t, row, c);
}

static inline double fx_rate(const kiscrm_table *t, size_t row, const char *col)
{
	size_t c = fx_col(t, col);
	if (kiscrm_table_is_null(t, row, c))
		fail_msg("table '%s' row %zu column '%s' is NULL", kiscrm_table_name(t), row, col);
	return kiscrm_table_rate(t, row, c);
}

static inline const char *fx_text(const kiscrm_table *t, size_t row, const char *col)
{
	return kiscrm_table_text(t, row, fx_col(t, col));
}

static inline int fx_is_null(const kiscrm_table *t, size_t row, const char *col)
{
	return kiscrm_table_is_null(t, row, fx_col(t, col));
}

#define assert_text(expected, t, row, col) assert_str_or_null((expected), fx_text((t), (row), (col)))

#define assert_rate(expected, t, row, col) assert_float_equal((expected), fx_rate((t), (row), (col)), 1e-9)

#endif
