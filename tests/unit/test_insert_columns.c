/* kiscrm_record_insert_columns() (src/storage/insert_columns.c): a batch of records given
 * column by column comes out exactly as the same records inserted one by one — values,
 * NULLs, Chinese text, derived fields and the opportunity's creation entry — in one
 * transaction: a refused row names itself and its field and leaves nothing behind, inside
 * a caller's transaction too; bad columns are refused before any row is read. Runs on the
 * memory backend, SQLite and (with KISCRM_TEST_PG) PostgreSQL. */
#include "helpers.h"
#include "storage/check_memo.h"

#include <stdlib.h>
#include <string.h>

typedef struct fx {
	kiscrm_db *db;
	kiscrm_id dept, zhang, li, cust;
} fx;

static int setup(void **state)
{
	fx *f = kc_test_fx_open(sizeof(*f), NULL);
	if (!f)
		return -1;
	f->dept = kc_test_department(f->db, "销售一部", 0);
	f->zhang = kc_test_staff(f->db, "张三", f->dept, "sales_rep");
	f->li = kc_test_staff(f->db, "李四", f->dept, "sales_rep");
	f->cust = kc_test_customer(f->db, "北京甲科技有限公司");
	*state = f;
	return 0;
}

#define NROWS 3

/* Three opportunities: names, owners, amounts (the second NULL), expected closes and
 * stages, of which the third's customer is NULL through a NULL text-less int column. */
static const char *const names[NROWS] = { "商机一", "Opportunity two", "商机三" };
static const char *const stages[NROWS] = { "opportunity", "diagnosis", "opportunity" };
static const int64_t amounts[NROWS] = { 123456, 0, 99 };
static const unsigned char amount_nulls[NROWS] = { 0, 1, 0 };
static const unsigned char cust_nulls[NROWS] = { 0, 0, 1 };

static void columns_of(const fx *f, kiscrm_column *c, int64_t *owners, int64_t *custs, int64_t *closes)
{
	for (int r = 0; r < NROWS; r++) {
		owners[r] = r == 1 ? f->li : f->zhang;
		custs[r] = f->cust;
		kiscrm_date d = 0;
		assert_rc(KISCRM_OK, kiscrm_date_from_ymd(&d, 2026, 6, 28 + r));
		closes[r] = d;
	}
	memset(c, 0, 6 * sizeof(*c));
	c[0] = (kiscrm_column){ KISCRM_OPPORTUNITY_NAME, NULL, NULL, names, NULL };
	c[1] = (kiscrm_column){ KISCRM_OPPORTUNITY_OWNER_ID, owners, NULL, NULL, NULL };
	c[2] = (kiscrm_column){ KISCRM_OPPORTUNITY_AMOUNT, amounts, NULL, NULL, amount_nulls };
	c[3] = (kiscrm_column){ KISCRM_OPPORTUNITY_EXPECTED_CLOSE, closes, NULL, NULL, NULL };
	c[4] = (kiscrm_column){ KISCRM_OPPORTUNITY_STAGE, NULL, NULL, stages, NULL };
	c[5] = (kiscrm_column){ KISCRM_OPPORTUNITY_CUSTOMER_ID, custs, NULL, NULL, cust_nulls };
}

/* The batch stores what three single inserts store: every field of every record equal
 * (ids aside), NULLs where marked, and a creation entry in the history for each. */
static void test_same_as_one_by_one(void **state)
{
	fx *f = *state;
	kiscrm_column c[6];
	int64_t owners[NROWS], custs[NROWS], closes[NROWS];
	columns_of(f, c, owners, custs, closes);
	size_t stored = 99;
	assert_rc(KISCRM_OK, kiscrm_record_insert_columns(f->db, KISCRM_KIND_OPPORTUNITY, c, 6, NROWS, 0, &stored));
	assert_int_equal(NROWS, stored);
	/* the same three, one by one */
	for (int r = 0; r < NROWS; r++) {
		kiscrm_record *rec = kc_test_rec(KISCRM_KIND_OPPORTUNITY);
		assert_rc(KISCRM_OK, kiscrm_record_set_text(rec, KISCRM_OPPORTUNITY_NAME, names[r]));
		assert_rc(KISCRM_OK, kiscrm_record_set_int(rec, KISCRM_OPPORTUNITY_OWNER_ID, owners[r]));
		if (!amount_nulls[r])
			assert_rc(KISCRM_OK, kiscrm_record_set_int(rec, KISCRM_OPPORTUNITY_AMOUNT, amounts[r]));
		assert_rc(KISCRM_OK, kiscrm_record_set_int(rec, KISCRM_OPPORTUNITY_EXPECTED_CLOSE, closes[r]));
		assert_rc(KISCRM_OK, kiscrm_record_set_text(rec, KISCRM_OPPORTUNITY_STAGE, stages[r]));
		if (!cust_nulls[r])
			assert_rc(KISCRM_OK, kiscrm_record_set_int(rec, KISCRM_OPPORTUNITY_CUSTOMER_ID, custs[r]));
		kc_test_insert(f->db, rec);
	}
	assert_int_equal(2 * NROWS, kc_test_count(f->db, KISCRM_KIND_OPPORTUNITY, NULL));
	assert_int_equal(2 * NROWS, kc_test_count(f->db, KISCRM_KIND_STAGE_HISTORY, NULL));
	int nfields = kiscrm_kind_field_count(KISCRM_KIND_OPPORTUNITY);
	for (int r = 0; r < NROWS; r++) {
		kiscrm_record *batch = kc_test_get(f->db, KISCRM_KIND_OPPORTUNITY, r + 1);
		kiscrm_record *single = kc_test_get(f->db, KISCRM_KIND_OPPORTUNITY, r + 1 + NROWS);
		for (int i = 1; i < nfields; i++) {
			kiscrm_field fld = kiscrm_kind_field_id(KISCRM_KIND_OPPORTUNITY, i);
			kiscrm_buf a = KISCRM_BUF_INIT, b = KISCRM_BUF_INIT;
			assert_rc(KISCRM_OK, kiscrm_record_field_to_text(&a, batch, fld, 2));
			assert_rc(KISCRM_OK, kiscrm_record_field_to_text(&b, single, fld, 2));
			assert_string_equal(b.ptr ? b.ptr : "", a.ptr ? a.ptr : "");
			kiscrm_buf_dispose(&a);
			kiscrm_buf_dispose(&b);
		}
		kiscrm_record_free(batch);
		kiscrm_record_free(single);
	}
	/* by hand: row 1 has no amount, row 2 no customer, row 0 its Chinese name */
	kiscrm_record *r1 = kc_test_get(f->db, KISCRM_KIND_OPPORTUNITY, 2);
	assert_true(kiscrm_record_is_null(r1, KISCRM_OPPORTUNITY_AMOUNT));
	assert_int_equal(f->li, kiscrm_record_int(r1, KISCRM_OPPORTUNITY_OWNER_ID));
	kiscrm_record_free(r1);
	kiscrm_record *r2 = kc_test_get(f->db, KISCRM_KIND_OPPORTUNITY, 3);
	assert_true(kiscrm_record_is_null(r2, KISCRM_OPPORTUNITY_CUSTOMER_ID));
	assert_int_equal(99, kiscrm_record_int(r2, KISCRM_OPPORTUNITY_AMOUNT));
	kiscrm_record_free(r2);
	kiscrm_record *r0 = kc_test_get(f->db, KISCRM_KIND_OPPORTUNITY, 1);
	kc_test_assert_text(r0, KISCRM_OPPORTUNITY_NAME, "商机一");
	kiscrm_record_free(r0);
}

/* A refused row (the third's owner does not exist) names its row and field; nothing of
 * the batch stays, and *out_stored says how far it got. */
static void test_refused_row(void **state)
{
	fx *f = *state;
	kiscrm_column c[6];
	int64_t owners[NROWS], custs[NROWS], closes[NROWS];
	columns_of(f, c, owners, custs, closes);
	owners[2] = 424242;
	size_t stored = 99;
	assert_rc(KISCRM_ENOTFOUND,
		  kiscrm_record_insert_columns(f->db, KISCRM_KIND_OPPORTUNITY, c, 6, NROWS, 0, &stored));
	assert_int_equal(2, stored);
	const kiscrm_error *e = kiscrm_error_last();
	assert_non_null(strstr(e->message, "row 2: "));
	assert_string_equal("owner_id", e->field);
	assert_int_equal(0, kc_test_count(f->db, KISCRM_KIND_OPPORTUNITY, NULL));
	assert_int_equal(0, kc_test_count(f->db, KISCRM_KIND_STAGE_HISTORY, NULL));
	/* bad UTF-8 in a text column: refused the same way */
	static const char *const bad[NROWS] = { "好", "\xff\xfe", "好" };
	c[0].texts = bad;
	owners[2] = f->zhang;
	assert_rc(KISCRM_EINVALID, kiscrm_record_insert_columns(f->db, KISCRM_KIND_OPPORTUNITY, c, 6, NROWS, 0, &stored));
	assert_int_equal(1, stored);
	assert_non_null(strstr(kiscrm_error_last()->message, "row 1: "));
	assert_int_equal(0, kc_test_count(f->db, KISCRM_KIND_OPPORTUNITY, NULL));
}

/* What one row passed with is not asked again, and nothing else is taken for it: the
 * business line (a strict list) of rows 0 and 2 is one pointer, row 1's another text,
 * not configured, and refused; owners repeat by value, and a different id after them is
 * refused (the memo of a batch, src/storage/check_memo.h). After a refused row the same
 * columns with row 1 mended store all three. */
static void test_checked_once(void **state)
{
	fx *f = *state;
	kiscrm_column c[7];
	int64_t owners[NROWS], custs[NROWS], closes[NROWS];
	columns_of(f, c, owners, custs, closes);
	char unlisted[16] = "nosuch";
	const char *lines[NROWS] = { "direct", unlisted, NULL };
	lines[2] = lines[0];
	c[6] = (kiscrm_column){ KISCRM_OPPORTUNITY_BUSINESS_LINE, NULL, NULL, lines, NULL };
	size_t stored = 99;
	assert_rc(KISCRM_EINVALID, kiscrm_record_insert_columns(f->db, KISCRM_KIND_OPPORTUNITY, c, 7, NROWS, 0, &stored));
	assert_int_equal(1, stored);
	assert_non_null(strstr(kiscrm_error_last()->message, "row 1: "));
	assert_string_equal("business_line", kiscrm_error_last()->field);
	assert_string_equal("nosuch", kiscrm_error_last()->value);

	lines[1] = "direct";
	owners[0] = owners[1] = f->li;
	owners[2] = f->li + 1000;
	assert_rc(KISCRM_ENOTFOUND, kiscrm_record_insert_columns(f->db, KISCRM_KIND_OPPORTUNITY, c, 7, NROWS, 0, &stored));
	assert_int_equal(2, stored);
	assert_string_equal("owner_id", kiscrm_error_last()->field);
	assert_int_equal(0, kc_test_count(f->db, KISCRM_KIND_OPPORTUNITY, NULL));

	owners[2] = f->zhang;
	assert_rc(KISCRM_OK, kiscrm_record_insert_columns(f->db, KISCRM_KIND_OPPORTUNITY, c, 7, NROWS, 0, &stored));
	assert_int_equal(NROWS, stored);
	kiscrm_filter by_owner = KISCRM_FILTER_INIT;
	by_owner.owner_id = f->li;
	assert_int_equal(2, kc_test_count(f->db, KISCRM_KIND_OPPORTUNITY, &by_owner));
	by_owner.owner_id = f->zhang;
	assert_int_equal(1, kc_test_count(f->db, KISCRM_KIND_OPPORTUNITY, &by_owner));
}

/* Each row inherits the partner of the customer it names, though the batch asks about a
 * customer once while the rows after name it too (the reference check and the partner
 * inheritance share the answer, src/storage/check_memo.h): customers A (partner P1), A,
 * B (P2), A, C (direct) give partners P1, P1, P2, P1 and none. A customer that does not
 * exist after one that does is refused as its row, customer_id, and nothing stays. */
static void test_partner_per_row(void **state)
{
	fx *f = *state;
	kiscrm_id p1 = kc_test_partner(f->db, "东莞智联"), p2 = kc_test_partner(f->db, "佛山顺达");
	kiscrm_id a = kc_test_partner_customer(f->db, "甲公司", p1), b = kc_test_partner_customer(f->db, "乙公司", p2);
	kiscrm_id c = kc_test_partner_customer(f->db, "丙公司", 0);
	enum { N = 5 };
	static const char *const opp_names[N] = { "一", "二", "三", "四", "五" };
	int64_t custs[N] = { a, a, b, a, c }, owners[N] = { f->zhang, f->zhang, f->zhang, f->zhang, f->zhang };
	const kiscrm_id want[N] = { p1, p1, p2, p1, 0 };
	static const char *const opp_stages[N] = { "opportunity", "opportunity", "opportunity", "opportunity",
						   "opportunity" };
	kiscrm_column cols[4] = { { KISCRM_OPPORTUNITY_NAME, NULL, NULL, opp_names, NULL },
				  { KISCRM_OPPORTUNITY_CUSTOMER_ID, custs, NULL, NULL, NULL },
				  { KISCRM_OPPORTUNITY_OWNER_ID, owners, NULL, NULL, NULL },
				  { KISCRM_OPPORTUNITY_STAGE, NULL, NULL, opp_stages, NULL } };
	size_t stored = 0;
	assert_rc(KISCRM_OK, kiscrm_record_insert_columns(f->db, KISCRM_KIND_OPPORTUNITY, cols, 4, N, 0, &stored));
	assert_int_equal(N, stored);
	kiscrm_iter *it = NULL;
	const kiscrm_record *r = NULL;
	int seen = 0;
	assert_rc(KISCRM_OK, kiscrm_iter_new(&it, f->db, KISCRM_KIND_OPPORTUNITY, NULL));
	while (kiscrm_iter_next(&r, it) == KISCRM_OK) {
		const char *name = kiscrm_record_text(r, KISCRM_OPPORTUNITY_NAME);
		for (int i = 0; i < N; i++)
			if (strcmp(name, opp_names[i]) == 0) {
				assert_int_equal(want[i], kiscrm_record_is_null(r, KISCRM_OPPORTUNITY_PARTNER_ID)
								  ? 0
								  : kiscrm_record_int(r, KISCRM_OPPORTUNITY_PARTNER_ID));
				seen |= 1 << i;
			}
	}
	kiscrm_iter_free(it);
	assert_int_equal((1 << N) - 1, seen);

	custs[2] = c + 1000;
	assert_rc(KISCRM_ENOTFOUND, kiscrm_record_insert_columns(f->db, KISCRM_KIND_OPPORTUNITY, cols, 4, N, 0, &stored));
	assert_int_equal(2, stored);
	assert_non_null(strstr(kiscrm_error_last()->message, "row 2: "));
	assert_string_equal("customer_id", kiscrm_error_last()->field);
	assert_int_equal(N, kc_test_count(f->db, KISCRM_KIND_OPPORTUNITY, NULL));
}

/* The memo itself: a remembered record answers while no row of its kind is written (a
 * write of another kind leaves it); a partner learnt stays when the record is found to
 * exist again; texts answer by address; a kind definition not the handle's is refused. */
static void test_memo_forgets_on_write(void **state)
{
	fx *f = *state;
	const kiscrm_kind_def *def = kc_db_def(f->db, KISCRM_KIND_STAGE_HISTORY);
	int opp = KC_FI(KISCRM_STAGE_HISTORY_OPPORTUNITY_ID), stage = KC_FI(KISCRM_STAGE_HISTORY_TO_STAGE);
	kc_check_memo memo;
	assert_rc(KISCRM_OK, kc_check_memo_init(&memo, f->db, def));
	assert_null(kc_check_memo_ref(&memo, f->db, opp, 5));
	kc_check_memo_found(&memo, f->db, opp, 5, 7);
	const kc_ref_memo *m = kc_check_memo_ref(&memo, f->db, opp, 5);
	assert_non_null(m);
	assert_true(m->partner_known);
	assert_int_equal(7, m->partner);
	assert_null(kc_check_memo_ref(&memo, f->db, opp, 6));
	assert_null(kc_check_memo_ref(NULL, f->db, opp, 5));
	kc_check_memo_found(&memo, f->db, opp, 5, -1);
	assert_true(kc_check_memo_ref(&memo, f->db, opp, 5)->partner_known);
	kc_known_writing(&f->db->known, KISCRM_KIND_CONTRACT);
	assert_non_null(kc_check_memo_ref(&memo, f->db, opp, 5));
	kc_known_writing(&f->db->known, KISCRM_KIND_OPPORTUNITY);
	assert_null(kc_check_memo_ref(&memo, f->db, opp, 5));
	kc_check_memo_found(&memo, f->db, opp, 5, -1);
	assert_false(kc_check_memo_ref(&memo, f->db, opp, 5)->partner_known);

	static const char won[] = "won", lost[] = "lost";
	assert_false(kc_check_memo_text(&memo, stage, won));
	kc_check_memo_text_ok(&memo, stage, won);
	assert_true(kc_check_memo_text(&memo, stage, won));
	assert_false(kc_check_memo_text(&memo, stage, lost));
	assert_false(kc_check_memo_text(&memo, opp, won));
	kc_check_memo_dispose(&memo);

	kiscrm_kind_def copy = *def;
	assert_rc(KISCRM_EINVALID, kc_check_memo_init(&memo, f->db, &copy));
}

/* Inside a caller's transaction the rows join it: stored at its commit, and after a
 * refused row its commit refuses and nothing is stored. */
static void test_in_caller_transaction(void **state)
{
	fx *f = *state;
	kiscrm_column c[6];
	int64_t owners[NROWS], custs[NROWS], closes[NROWS];
	columns_of(f, c, owners, custs, closes);
	assert_rc(KISCRM_OK, kiscrm_db_begin(f->db));
	assert_rc(KISCRM_OK, kiscrm_record_insert_columns(f->db, KISCRM_KIND_OPPORTUNITY, c, 6, NROWS, 0, NULL));
	assert_int_equal(NROWS, kc_test_count(f->db, KISCRM_KIND_OPPORTUNITY, NULL));
	assert_rc(KISCRM_OK, kiscrm_db_commit(f->db));
	assert_int_equal(NROWS, kc_test_count(f->db, KISCRM_KIND_OPPORTUNITY, NULL));

	owners[0] = 424242;
	assert_rc(KISCRM_OK, kiscrm_db_begin(f->db));
	assert_rc(KISCRM_ENOTFOUND, kiscrm_record_insert_columns(f->db, KISCRM_KIND_OPPORTUNITY, c, 6, NROWS, 0, NULL));
	assert_rc(KISCRM_ECONFLICT, kiscrm_db_commit(f->db));
	assert_int_equal(NROWS, kc_test_count(f->db, KISCRM_KIND_OPPORTUNITY, NULL));
}

/* KISCRM_INSERT_RAW: no creation entry, as with kiscrm_record_insert_flags(). */
static void test_raw(void **state)
{
	fx *f = *state;
	kiscrm_column c[6];
	int64_t owners[NROWS], custs[NROWS], closes[NROWS];
	columns_of(f, c, owners, custs, closes);
	assert_rc(KISCRM_OK, kiscrm_record_insert_columns(f->db, KISCRM_KIND_OPPORTUNITY, c, 6, NROWS,
							  KISCRM_INSERT_RAW, NULL));
	assert_int_equal(NROWS, kc_test_count(f->db, KISCRM_KIND_OPPORTUNITY, NULL));
	assert_int_equal(0, kc_test_count(f->db, KISCRM_KIND_STAGE_HISTORY, NULL));
}

/* Rows whose texts repeat, stop and come back: a text equal to the row before's keeps
 * the record's copy, a NULL one (by pointer or by the nulls array) clears it, and a field
 * no column gives (the size class, derived from each row's amount) is the row's own. */
static void test_texts_repeat_and_stop(void **state)
{
	fx *f = *state;
	enum { N = 5 };
	static const char *const rnames[N] = { "甲", "乙", "丙", "丁", "戊" };
	static const char *const sources[N] = { "referral", "referral", NULL, "referral", "推荐" };
	static const unsigned char source_nulls[N] = { 0, 0, 0, 0, 1 };
	static const char *const rstages[N] = { "opportunity", "opportunity", "diagnosis", "diagnosis", "opportunity" };
	static const int64_t ramounts[N] = { 60000000, 60000000, 100, 0, 100 };
	static const unsigned char ramount_nulls[N] = { 0, 0, 0, 1, 0 };
	int64_t owners[N];
	for (int r = 0; r < N; r++)
		owners[r] = f->zhang;
	kiscrm_column c[5] = {
		{ KISCRM_OPPORTUNITY_NAME, NULL, NULL, rnames, NULL },
		{ KISCRM_OPPORTUNITY_OWNER_ID, owners, NULL, NULL, NULL },
		{ KISCRM_OPPORTUNITY_SOURCE, NULL, NULL, sources, source_nulls },
		{ KISCRM_OPPORTUNITY_STAGE, NULL, NULL, rstages, NULL },
		{ KISCRM_OPPORTUNITY_AMOUNT, ramounts, NULL, NULL, ramount_nulls },
	};
	assert_rc(KISCRM_OK, kiscrm_record_insert_columns(f->db, KISCRM_KIND_OPPORTUNITY, c, 5, N, 0, NULL));
	/* 600,000.00 is large (analysis.yaml: from 500,000.00), 1.00 small, none NULL */
	static const char *const size_class[N] = { "large", "large", "small", NULL, "small" };
	for (int r = 0; r < N; r++) {
		kiscrm_record *rec = kc_test_get(f->db, KISCRM_KIND_OPPORTUNITY, r + 1);
		kc_test_assert_text(rec, KISCRM_OPPORTUNITY_NAME, rnames[r]);
		kc_test_assert_text(rec, KISCRM_OPPORTUNITY_STAGE, rstages[r]);
		if (r == 2 || r == 4)
			assert_true(kiscrm_record_is_null(rec, KISCRM_OPPORTUNITY_SOURCE));
		else
			kc_test_assert_text(rec, KISCRM_OPPORTUNITY_SOURCE, "referral");
		if (size_class[r])
			kc_test_assert_text(rec, KISCRM_OPPORTUNITY_SIZE_CLASS, size_class[r]);
		else
			assert_true(kiscrm_record_is_null(rec, KISCRM_OPPORTUNITY_SIZE_CLASS));
		kiscrm_record_free(rec);
	}
}

/* The texts of the columns are the record's while each row is stored, not copied: a
 * column the store overrides (the forecast category is the stage's) is replaced by the
 * store's own text, in the row with the same text pointer after it too, and nothing the
 * caller gave is freed or kept — the columns here are heap buffers written over as soon
 * as the call returns, and the memory checkers watch the rest. */
static void test_overridden_column(void **state)
{
	fx *f = *state;
	enum { N = 4 };
	char *best = strdup("best_case"), *pipe = strdup("pipeline"), *name = strdup("借出的名字");
	assert_non_null(best);
	assert_non_null(pipe);
	assert_non_null(name);
	const char *rnames[N] = { name, name, "商机丙", name };
	const char *cats[N] = { best, best, pipe, best };
	static const char *const rstages[N] = { "opportunity", "opportunity", "design", "design" };
	int64_t owners[N] = { f->zhang, f->zhang, f->li, f->li };
	kiscrm_column c[4] = {
		{ KISCRM_OPPORTUNITY_NAME, NULL, NULL, rnames, NULL },
		{ KISCRM_OPPORTUNITY_OWNER_ID, owners, NULL, NULL, NULL },
		{ KISCRM_OPPORTUNITY_FORECAST_CATEGORY, NULL, NULL, cats, NULL },
		{ KISCRM_OPPORTUNITY_STAGE, NULL, NULL, rstages, NULL },
	};
	assert_rc(KISCRM_OK, kiscrm_record_insert_columns(f->db, KISCRM_KIND_OPPORTUNITY, c, 4, N, 0, NULL));
	memset(best, 'x', strlen(best));
	memset(name, 'y', strlen(name));
	/* opportunity → pipeline, design → best_case (data/pipelines.yaml) */
	static const char *const want[N] = { "pipeline", "pipeline", "best_case", "best_case" };
	static const char *const want_names[N] = { "借出的名字", "借出的名字", "商机丙", "借出的名字" };
	for (int r = 0; r < N; r++) {
		kiscrm_record *rec = kc_test_get(f->db, KISCRM_KIND_OPPORTUNITY, r + 1);
		kc_test_assert_text(rec, KISCRM_OPPORTUNITY_FORECAST_CATEGORY, want[r]);
		kc_test_assert_text(rec, KISCRM_OPPORTUNITY_NAME, want_names[r]);
		kc_test_assert_text(rec, KISCRM_OPPORTUNITY_STAGE, rstages[r]);
		kiscrm_record_free(rec);
	}
	/* invalid UTF-8 in a row after lent texts: refused, nothing stored, nothing freed twice */
	const char *bad[2] = { "fine", "\xe5\x95" };
	c[0].texts = bad;
	size_t stored = 99;
	assert_rc(KISCRM_EINVALID, kiscrm_record_insert_columns(f->db, KISCRM_KIND_OPPORTUNITY, c, 4, 2, 0, &stored));
	assert_int_equal(1, stored); /* how far it got; the transaction took the row back */
	assert_non_null(strstr(kiscrm_error_last()->message, "row 1: opportunity.name: invalid UTF-8 at byte 0"));
	assert_int_equal(N, kc_test_count(f->db, KISCRM_KIND_OPPORTUNITY, NULL));
	free(best);
	free(pipe);
	free(name);
}

/* Columns refused before any row: another kind's field, the id, a field twice, no array
 * of the field's type, NULL columns, unknown flags; zero rows store nothing. */
static void test_bad_columns(void **state)
{
	fx *f = *state;
	static const int64_t one[1] = { 1 };
	static const char *const text[1] = { "x" };
	size_t stored = 99;
	kiscrm_column c[2];
	memset(c, 0, sizeof(c));
	c[0] = (kiscrm_column){ KISCRM_CUSTOMER_NAME, NULL, NULL, text, NULL };
	assert_rc(KISCRM_EINVALID, kiscrm_record_insert_columns(f->db, KISCRM_KIND_OPPORTUNITY, c, 1, 1, 0, &stored));
	assert_int_equal(0, stored);
	assert_non_null(strstr(kiscrm_error_last()->message, "is not a field of opportunity"));
	c[0] = (kiscrm_column){ KISCRM_OPPORTUNITY_ID, one, NULL, NULL, NULL };
	assert_rc(KISCRM_EINVALID, kiscrm_record_insert_columns(f->db, KISCRM_KIND_OPPORTUNITY, c, 1, 1, 0, NULL));
	c[0] = (kiscrm_column){ KISCRM_OPPORTUNITY_NAME, NULL, NULL, text, NULL };
	c[1] = c[0];
	assert_rc(KISCRM_EINVALID, kiscrm_record_insert_columns(f->db, KISCRM_KIND_OPPORTUNITY, c, 2, 1, 0, NULL));
	assert_non_null(strstr(kiscrm_error_last()->message, "given twice"));
	c[0] = (kiscrm_column){ KISCRM_OPPORTUNITY_NAME, one, NULL, NULL, NULL };
	assert_rc(KISCRM_EINVALID, kiscrm_record_insert_columns(f->db, KISCRM_KIND_OPPORTUNITY, c, 1, 1, 0, NULL));
	assert_non_null(strstr(kiscrm_error_last()->message, "set `texts`"));
	assert_rc(KISCRM_EINVALID, kiscrm_record_insert_columns(f->db, KISCRM_KIND_OPPORTUNITY, NULL, 1, 1, 0, NULL));
	c[0] = (kiscrm_column){ KISCRM_OPPORTUNITY_NAME, NULL, NULL, text, NULL };
	assert_rc(KISCRM_EINVALID, kiscrm_record_insert_columns(f->db, KISCRM_KIND_OPPORTUNITY, c, 1, 1, 0x80, NULL));
	assert_rc(KISCRM_EINVALID, kiscrm_record_insert_columns(NULL, KISCRM_KIND_OPPORTUNITY, c, 1, 1, 0, NULL));
	assert_rc(KISCRM_OK, kiscrm_record_insert_columns(f->db, KISCRM_KIND_OPPORTUNITY, c, 1, 0, 0, &stored));
	assert_int_equal(0, stored);
	assert_int_equal(0, kc_test_count(f->db, KISCRM_KIND_OPPORTUNITY, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_same_as_one_by_one, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_refused_row, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_checked_once, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_partner_per_row, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_memo_forgets_on_write, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_in_caller_transaction, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_raw, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_texts_repeat_and_stop, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_overridden_column, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_bad_columns, setup, kc_test_fx_teardown),
	};
	return kc_test_run_both(tests);
}
