/* Filters of version 2: conditions on any field (kiscrm_filter_cond), on both backends.
 *
 * The fixture (amounts in yuan; the currency has 2 decimals, so 1.00 = 100 fen):
 *   department East; staff Alice, Bob (East); customer Acme;
 *   opportunity 12 (stored with that id): Acme, Alice, diagnosis, 100000.00;
 *   opportunity 13: Acme, Bob, design, 100000.00;
 *   collection plans of opportunity 12: P1 due 2025-03-31 5000.00 "预付款",
 *                                       P2 due 2025-06-30 15000.00 (no note);
 *   collection plan of opportunity 13:  P3 due 2025-04-30 8000.00 "验收后付款";
 *   contract K1 (Acme, Alice, signed 2025-01-10, 30000.00) with plans
 *                                       P4 due 2025-02-28 10000.00 "advance",
 *                                       P5 due 2025-05-31 20000.00 "on acceptance". */
#include "helpers.h"
#include "storage/record.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define YUAN(y) ((kiscrm_money)(y) * 100)

static kiscrm_date D(int y, int m, int d)
{
	kiscrm_date out = KISCRM_DATE_NONE;
	assert_rc(KISCRM_OK, kiscrm_date_from_ymd(&out, y, m, d));
	return out;
}

typedef struct {
	kiscrm_db *db;
	kiscrm_id alice, bob, acme, o12, o13, k1, p1, p2, p3, p4, p5;
} world;

static kiscrm_id add_opportunity(kiscrm_db *db, kiscrm_id id, kiscrm_id cust, kiscrm_id owner,
				 const char *stage)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_OPPORTUNITY);
	kc_record_set_id(r, id);
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_NAME, "ERP rollout"));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_CUSTOMER_ID, cust));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_OWNER_ID, owner));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_BUSINESS_LINE, "direct"));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_PRODUCT_LINE, "standard"));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_AMOUNT, YUAN(100000)));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_EXPECTED_CLOSE, D(2025, 9, 30)));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_CREATED, D(2024, 11, 1)));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_STAGE, stage));
	return kc_test_insert(db, r);
}

static kiscrm_id add_plan(kiscrm_db *db, kiscrm_id contract, kiscrm_id opp, kiscrm_date due,
			  kiscrm_money amount, const char *note)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_COLLECTION_PLAN);
	if (contract)
		assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_COLLECTION_PLAN_CONTRACT_ID, contract));
	if (opp)
		assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_COLLECTION_PLAN_OPPORTUNITY_ID, opp));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_COLLECTION_PLAN_DUE, due));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_COLLECTION_PLAN_AMOUNT, amount));
	if (note)
		assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_COLLECTION_PLAN_NOTE, note));
	return kc_test_insert(db, r);
}

static void build(world *w)
{
	kiscrm_db *db = w->db;
	kiscrm_id east = kc_test_department(db, "East", 0);
	w->alice = kc_test_staff(db, "Alice", east, "sales_rep");
	w->bob = kc_test_staff(db, "Bob", east, "sales_rep");
	w->acme = kc_test_customer(db, "Acme Ltd");
	w->o12 = add_opportunity(db, 12, w->acme, w->alice, "diagnosis");
	w->o13 = add_opportunity(db, 13, w->acme, w->bob, "design");
	assert_int_equal(12, w->o12);
	w->p1 = add_plan(db, 0, w->o12, D(2025, 3, 31), YUAN(5000), "预付款");
	w->p2 = add_plan(db, 0, w->o12, D(2025, 6, 30), YUAN(15000), NULL);
	w->p3 = add_plan(db, 0, w->o13, D(2025, 4, 30), YUAN(8000), "验收后付款");
	kiscrm_record *k = kc_test_rec(KISCRM_KIND_CONTRACT);
	assert_rc(KISCRM_OK, kiscrm_record_set_int(k, KISCRM_CONTRACT_CUSTOMER_ID, w->acme));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(k, KISCRM_CONTRACT_OWNER_ID, w->alice));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(k, KISCRM_CONTRACT_SIGNED, D(2025, 1, 10)));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(k, KISCRM_CONTRACT_AMOUNT, YUAN(30000)));
	w->k1 = kc_test_insert(db, k);
	w->p4 = add_plan(db, w->k1, 0, D(2025, 2, 28), YUAN(10000), "advance");
	w->p5 = add_plan(db, w->k1, 0, D(2025, 5, 31), YUAN(20000), "on acceptance");
}

static int setup(void **state)
{
	world *w = kc_test_fx_open(sizeof(world), NULL);
	if (!w)
		return -1;
	build(w);
	*state = w;
	return 0;
}

static kiscrm_filter_cond cond_int(int field, int op, int type, int64_t v)
{
	kiscrm_filter_cond c = { field, op, type, { .i = v } };
	return c;
}

static kiscrm_filter_cond cond_text(int field, int op, const char *s)
{
	kiscrm_filter_cond c = { field, op, KISCRM_TYPE_TEXT, { .s = s } };
	return c;
}

/* The ids the filter yields, in order, must be exactly expected[0..n). */
static void check_ids(kiscrm_db *db, int kind, const kiscrm_filter *f, const kiscrm_id *expected, size_t n)
{
	kiscrm_iter *it = NULL;
	const kiscrm_record *rec;
	size_t got = 0;
	int rc;
	assert_rc(KISCRM_OK, kiscrm_iter_new(&it, db, kind, f));
	while ((rc = kiscrm_iter_next(&rec, it)) == KISCRM_OK) {
		if (got >= n)
			fail_msg("more records than the %zu expected (id %lld)", n, (long long)kiscrm_record_id(rec));
		assert_int_equal(expected[got], kiscrm_record_id(rec));
		got++;
	}
	assert_rc(KISCRM_ITEROVER, rc);
	assert_int_equal(n, got);
	kiscrm_iter_free(it);
}

static void check_conds(kiscrm_db *db, int kind, const kiscrm_filter_cond *conds, size_t ncond,
			const kiscrm_id *expected, size_t n)
{
	kiscrm_filter f = KISCRM_FILTER_INIT;
	f.ncond = ncond;
	f.conds = conds;
	check_ids(db, kind, &f, expected, n);
}

/* "The collection plans of opportunity 12": P1 and P2, not P3 (opportunity 13) nor the
 * contract's P4 and P5. */
static void test_plans_of_opportunity_12(void **state)
{
	world *w = *state;
	kiscrm_filter_cond c = cond_int(KISCRM_COLLECTION_PLAN_OPPORTUNITY_ID, KISCRM_OP_EQ, KISCRM_TYPE_INT, 12);
	kiscrm_id e[] = { w->p1, w->p2 };
	check_conds(w->db, KISCRM_KIND_COLLECTION_PLAN, &c, 1, e, 2);
	/* and the contract's plans by contract id */
	kiscrm_filter_cond k = cond_int(KISCRM_COLLECTION_PLAN_CONTRACT_ID, KISCRM_OP_EQ, KISCRM_TYPE_INT, w->k1);
	kiscrm_id ek[] = { w->p4, w->p5 };
	check_conds(w->db, KISCRM_KIND_COLLECTION_PLAN, &k, 1, ek, 2);
	/* an opportunity without plans */
	kiscrm_filter_cond none = cond_int(KISCRM_COLLECTION_PLAN_OPPORTUNITY_ID, KISCRM_OP_EQ, KISCRM_TYPE_INT, 99);
	check_conds(w->db, KISCRM_KIND_COLLECTION_PLAN, &none, 1, NULL, 0);
}

/* Due in [2025-03-01, 2025-06-01): P1 (03-31), P3 (04-30), P5 (05-31); P4 (02-28) is
 * before, P2 (06-30) after. Due on or before 2025-03-31: P1 (the bound itself) and P4. */
static void test_date_range(void **state)
{
	world *w = *state;
	kiscrm_filter_cond c[2] = {
		cond_int(KISCRM_COLLECTION_PLAN_DUE, KISCRM_OP_GE, KISCRM_TYPE_DATE, D(2025, 3, 1)),
		cond_int(KISCRM_COLLECTION_PLAN_DUE, KISCRM_OP_LT, KISCRM_TYPE_DATE, D(2025, 6, 1)),
	};
	kiscrm_id e[] = { w->p1, w->p3, w->p5 };
	check_conds(w->db, KISCRM_KIND_COLLECTION_PLAN, c, 2, e, 3);
	kiscrm_filter_cond le = cond_int(KISCRM_COLLECTION_PLAN_DUE, KISCRM_OP_LE, KISCRM_TYPE_DATE, D(2025, 3, 31));
	kiscrm_id e2[] = { w->p1, w->p4 };
	check_conds(w->db, KISCRM_KIND_COLLECTION_PLAN, &le, 1, e2, 2);
}

/* Amounts 5000, 15000, 8000, 10000, 20000: in [10000.00, 15000.00] are P2 and P4; above
 * 15000.00 only P5; not 8000.00: all but P3. */
static void test_amount_range(void **state)
{
	world *w = *state;
	kiscrm_filter_cond c[2] = {
		cond_int(KISCRM_COLLECTION_PLAN_AMOUNT, KISCRM_OP_GE, KISCRM_TYPE_MONEY, YUAN(10000)),
		cond_int(KISCRM_COLLECTION_PLAN_AMOUNT, KISCRM_OP_LE, KISCRM_TYPE_MONEY, YUAN(15000)),
	};
	kiscrm_id e[] = { w->p2, w->p4 };
	check_conds(w->db, KISCRM_KIND_COLLECTION_PLAN, c, 2, e, 2);
	kiscrm_filter_cond gt = cond_int(KISCRM_COLLECTION_PLAN_AMOUNT, KISCRM_OP_GT, KISCRM_TYPE_MONEY, YUAN(15000));
	kiscrm_id e2[] = { w->p5 };
	check_conds(w->db, KISCRM_KIND_COLLECTION_PLAN, &gt, 1, e2, 1);
	kiscrm_filter_cond ne = cond_int(KISCRM_COLLECTION_PLAN_AMOUNT, KISCRM_OP_NE, KISCRM_TYPE_MONEY, YUAN(8000));
	kiscrm_id e3[] = { w->p1, w->p2, w->p4, w->p5 };
	check_conds(w->db, KISCRM_KIND_COLLECTION_PLAN, &ne, 1, e3, 4);
}

/* Notes: "预付款", NULL, "验收后付款", "advance", "on acceptance". "付款" is in P1 and P3;
 * "accept" only in P5; notes that are NULL: P2; that are set: all others. */
static void test_contains_and_null(void **state)
{
	world *w = *state;
	kiscrm_filter_cond c = cond_text(KISCRM_COLLECTION_PLAN_NOTE, KISCRM_OP_CONTAINS, "付款");
	kiscrm_id e[] = { w->p1, w->p3 };
	check_conds(w->db, KISCRM_KIND_COLLECTION_PLAN, &c, 1, e, 2);
	kiscrm_filter_cond a = cond_text(KISCRM_COLLECTION_PLAN_NOTE, KISCRM_OP_CONTAINS, "accept");
	kiscrm_id e2[] = { w->p5 };
	check_conds(w->db, KISCRM_KIND_COLLECTION_PLAN, &a, 1, e2, 1);
	kiscrm_filter_cond eq = cond_text(KISCRM_COLLECTION_PLAN_NOTE, KISCRM_OP_EQ, "advance");
	kiscrm_id e3[] = { w->p4 };
	check_conds(w->db, KISCRM_KIND_COLLECTION_PLAN, &eq, 1, e3, 1);
	kiscrm_filter_cond isnull = cond_int(KISCRM_COLLECTION_PLAN_NOTE, KISCRM_OP_EQ, KISCRM_TYPE_NULL, 0);
	kiscrm_id e4[] = { w->p2 };
	check_conds(w->db, KISCRM_KIND_COLLECTION_PLAN, &isnull, 1, e4, 1);
	kiscrm_filter_cond notnull = cond_int(KISCRM_COLLECTION_PLAN_NOTE, KISCRM_OP_NE, KISCRM_TYPE_NULL, 0);
	kiscrm_id e5[] = { w->p1, w->p3, w->p4, w->p5 };
	check_conds(w->db, KISCRM_KIND_COLLECTION_PLAN, &notnull, 1, e5, 4);
}

/* Conditions AND with the named criteria of version 1: Alice's opportunities are 12 only;
 * Acme's in stage design are 13 only; Alice's in design are none. */
static void test_with_named_criteria(void **state)
{
	world *w = *state;
	kiscrm_filter f = KISCRM_FILTER_INIT;
	kiscrm_filter_cond design = cond_text(KISCRM_OPPORTUNITY_STAGE, KISCRM_OP_EQ, "design");
	f.customer_id = w->acme;
	f.ncond = 1;
	f.conds = &design;
	kiscrm_id e[] = { w->o13 };
	check_ids(w->db, KISCRM_KIND_OPPORTUNITY, &f, e, 1);
	f.owner_id = w->alice;
	check_ids(w->db, KISCRM_KIND_OPPORTUNITY, &f, NULL, 0);
	f.ncond = 0;
	kiscrm_id e2[] = { w->o12 };
	check_ids(w->db, KISCRM_KIND_OPPORTUNITY, &f, e2, 1);
}

/* A caller built against version 1 has a struct without ncond/conds: init writes only its
 * bytes, and the iterator never reads past them. */
static void test_version_1_caller(void **state)
{
	world *w = *state;
	unsigned char *mem = malloc(sizeof(kiscrm_filter));
	assert_non_null(mem);
	memset(mem, 0xAB, sizeof(kiscrm_filter));
	kiscrm_filter *f = (kiscrm_filter *)mem;
	assert_rc(KISCRM_OK, kiscrm_filter_init(f, 1));
	for (size_t i = offsetof(kiscrm_filter, ncond); i < sizeof(kiscrm_filter); i++)
		assert_int_equal(0xAB, mem[i]);
	f->owner_id = w->bob;
	kiscrm_id e[] = { w->o13 };
	check_ids(w->db, KISCRM_KIND_OPPORTUNITY, f, e, 1); /* garbage ncond/conds ignored */
	free(mem);
}

/* A bad condition fails with KISCRM_EINVALID and a message naming kind, field and value. */
static void check_bad(kiscrm_db *db, int kind, kiscrm_filter_cond c, const char *const *needles)
{
	kiscrm_iter *it = (kiscrm_iter *)&it;
	kiscrm_filter f = KISCRM_FILTER_INIT;
	f.ncond = 1;
	f.conds = &c;
	assert_rc(KISCRM_EINVALID, kiscrm_iter_new(&it, db, kind, &f));
	for (; *needles; needles++)
		assert_msg_has(*needles);
}

static void test_bad_conditions(void **state)
{
	world *w = *state;
	kiscrm_db *db = w->db;
	int nf = kiscrm_kind_field_count(KISCRM_KIND_COLLECTION_PLAN);
	/* field out of range, both sides */
	check_bad(db, KISCRM_KIND_COLLECTION_PLAN, cond_int(-1, KISCRM_OP_EQ, KISCRM_TYPE_INT, 1),
		  (const char *const[]){ "collection_plan", "no field -1", NULL });
	char msg[32];
	snprintf(msg, sizeof(msg), "no field %d", nf);
	check_bad(db, KISCRM_KIND_COLLECTION_PLAN, cond_int(nf, KISCRM_OP_EQ, KISCRM_TYPE_INT, 1),
		  (const char *const[]){ "collection_plan", msg, NULL });
	/* wrong-type values: an INT for a money field, text for a date, money for text */
	check_bad(db, KISCRM_KIND_COLLECTION_PLAN,
		  cond_int(KISCRM_COLLECTION_PLAN_AMOUNT, KISCRM_OP_GE, KISCRM_TYPE_INT, 100),
		  (const char *const[]){ "collection_plan.amount", "100", "int", "money", NULL });
	check_bad(db, KISCRM_KIND_COLLECTION_PLAN, cond_text(KISCRM_COLLECTION_PLAN_DUE, KISCRM_OP_EQ, "2025-03-31"),
		  (const char *const[]){ "collection_plan.due", "2025-03-31", "text", "date", NULL });
	check_bad(db, KISCRM_KIND_COLLECTION_PLAN,
		  cond_int(KISCRM_COLLECTION_PLAN_NOTE, KISCRM_OP_EQ, KISCRM_TYPE_MONEY, 5),
		  (const char *const[]){ "collection_plan.note", "money", "text", NULL });
	check_bad(db, KISCRM_KIND_COLLECTION_PLAN, cond_int(KISCRM_COLLECTION_PLAN_DUE, KISCRM_OP_EQ, 42, 1),
		  (const char *const[]){ "collection_plan.due", "unknown", NULL });
	/* operators: unknown, contains on a non-text field, NULL with an order */
	check_bad(db, KISCRM_KIND_COLLECTION_PLAN,
		  cond_int(KISCRM_COLLECTION_PLAN_AMOUNT, 99, KISCRM_TYPE_MONEY, 1),
		  (const char *const[]){ "collection_plan.amount", "unknown operator 99", NULL });
	check_bad(db, KISCRM_KIND_COLLECTION_PLAN,
		  cond_int(KISCRM_COLLECTION_PLAN_AMOUNT, KISCRM_OP_CONTAINS, KISCRM_TYPE_MONEY, 1),
		  (const char *const[]){ "collection_plan.amount", "contains", NULL });
	check_bad(db, KISCRM_KIND_COLLECTION_PLAN,
		  cond_int(KISCRM_COLLECTION_PLAN_DUE, KISCRM_OP_LT, KISCRM_TYPE_NULL, 0),
		  (const char *const[]){ "collection_plan.due", "NULL", "<", NULL });
	/* text: a NULL pointer, invalid UTF-8 */
	check_bad(db, KISCRM_KIND_COLLECTION_PLAN, cond_text(KISCRM_COLLECTION_PLAN_NOTE, KISCRM_OP_EQ, NULL),
		  (const char *const[]){ "collection_plan.note", "NULL pointer", NULL });
	check_bad(db, KISCRM_KIND_COLLECTION_PLAN, cond_text(KISCRM_COLLECTION_PLAN_NOTE, KISCRM_OP_EQ, "a\xff"),
		  (const char *const[]){ "collection_plan.note", "UTF-8", NULL });
	/* a rate that is not a number */
	kiscrm_filter_cond nan_c = { KISCRM_EXPERIENCE_YEARS, KISCRM_OP_GT, KISCRM_TYPE_RATE, { .r = NAN } };
	check_bad(db, KISCRM_KIND_EXPERIENCE, nan_c, (const char *const[]){ "experience.years", "finite", NULL });
	/* conditions announced but missing */
	kiscrm_iter *it = NULL;
	kiscrm_filter f = KISCRM_FILTER_INIT;
	f.ncond = 2;
	assert_rc(KISCRM_EINVALID, kiscrm_iter_new(&it, db, KISCRM_KIND_COLLECTION_PLAN, &f));
	assert_msg_has("conds is NULL");
	/* the second of two conditions is named by its position */
	kiscrm_filter_cond two[2] = {
		cond_int(KISCRM_COLLECTION_PLAN_OPPORTUNITY_ID, KISCRM_OP_EQ, KISCRM_TYPE_INT, 12),
		cond_text(KISCRM_COLLECTION_PLAN_AMOUNT, KISCRM_OP_EQ, "5000"),
	};
	f.conds = two;
	assert_rc(KISCRM_EINVALID, kiscrm_iter_new(&it, db, KISCRM_KIND_COLLECTION_PLAN, &f));
	assert_msg_has("condition 1");
	assert_null(it);
}

/* --- the conditions reach the backend's scan (which uses its indexes) -------------- */

typedef struct {
	kiscrm_backend base;
	kiscrm_backend *inner;
	int last_ncond; /* conditions of the last scan */
} spy_backend;

static int spy_open(kiscrm_backend *b, const kiscrm_schema *s) { spy_backend *x = (spy_backend *)b; return x->inner->open(x->inner, s); }
static int spy_begin(kiscrm_backend *b) { spy_backend *x = (spy_backend *)b; return x->inner->begin(x->inner); }
static int spy_commit(kiscrm_backend *b) { spy_backend *x = (spy_backend *)b; return x->inner->commit(x->inner); }
static int spy_rollback(kiscrm_backend *b) { spy_backend *x = (spy_backend *)b; return x->inner->rollback(x->inner); }
static int spy_insert(kiscrm_backend *b, const kiscrm_kind_def *k, const kiscrm_value *row, kiscrm_id *id)
{
	spy_backend *x = (spy_backend *)b;
	return x->inner->insert(x->inner, k, row, id);
}
static int spy_update(kiscrm_backend *b, const kiscrm_kind_def *k, const kiscrm_value *row)
{
	spy_backend *x = (spy_backend *)b;
	return x->inner->update(x->inner, k, row);
}
static int spy_remove(kiscrm_backend *b, const kiscrm_kind_def *k, kiscrm_id id)
{
	spy_backend *x = (spy_backend *)b;
	return x->inner->remove(x->inner, k, id);
}
static int spy_get(kiscrm_backend *b, const kiscrm_kind_def *k, kiscrm_id id, kiscrm_row_cb cb, void *p)
{
	spy_backend *x = (spy_backend *)b;
	return x->inner->get(x->inner, k, id, cb, p);
}
static int spy_scan(kiscrm_backend *b, const kiscrm_kind_def *k, const kiscrm_query *q, kiscrm_row_cb cb, void *p)
{
	spy_backend *x = (spy_backend *)b;
	x->last_ncond = q ? q->ncond : 0;
	return x->inner->scan(x->inner, k, q, cb, p);
}
static void spy_free(kiscrm_backend *b)
{
	spy_backend *x = (spy_backend *)b;
	x->inner->free(x->inner);
	free(x);
}

static void test_conditions_reach_backend(void **state)
{
	(void)state;
	spy_backend *spy = calloc(1, sizeof(*spy));
	assert_non_null(spy);
	assert_rc(KISCRM_OK, kiscrm_backend_init(&spy->base, KISCRM_BACKEND_VERSION));
	assert_rc(KISCRM_OK, kiscrm_backend_memory_new(&spy->inner));
	spy->base.open = spy_open;
	spy->base.begin = spy_begin;
	spy->base.commit = spy_commit;
	spy->base.rollback = spy_rollback;
	spy->base.insert = spy_insert;
	spy->base.update = spy_update;
	spy->base.remove = spy_remove;
	spy->base.get = spy_get;
	spy->base.scan = spy_scan;
	spy->base.free = spy_free;
	kiscrm_db_options o = KISCRM_DB_OPTIONS_INIT;
	o.custom_backend = &spy->base;
	world w;
	memset(&w, 0, sizeof(w));
	assert_rc(KISCRM_OK, kiscrm_db_open(&w.db, &o));
	build(&w);
	kiscrm_filter_cond c[2] = {
		cond_int(KISCRM_COLLECTION_PLAN_OPPORTUNITY_ID, KISCRM_OP_EQ, KISCRM_TYPE_INT, 12),
		cond_int(KISCRM_COLLECTION_PLAN_AMOUNT, KISCRM_OP_GT, KISCRM_TYPE_MONEY, YUAN(5000)),
	};
	kiscrm_id e[] = { w.p2 };
	check_conds(w.db, KISCRM_KIND_COLLECTION_PLAN, c, 2, e, 1);
	assert_int_equal(2, spy->last_ncond);
	kiscrm_db_free(w.db);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, kc_test_fx_teardown)
	const struct CMUnitTest tests[] = {
		T(test_plans_of_opportunity_12),
		T(test_date_range),
		T(test_amount_range),
		T(test_contains_and_null),
		T(test_with_named_criteria),
		T(test_version_1_caller),
		T(test_bad_conditions),
	};
	const struct CMUnitTest once[] = {
		cmocka_unit_test(test_conditions_reach_backend),
	};
	return kc_test_run_both(tests) + cmocka_run_group_tests_name("spy", once, NULL, NULL);
}
