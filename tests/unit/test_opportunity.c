/* Opportunities: fields derived from the stage and the amount (doc/domain.md §4–5), stage
 * moves and their history, exit criteria, re-opening, the manual probability override,
 * bulk history appends and cascade deletes. Every test runs on the memory backend and on
 * SQLite, with the default pipelines.yaml / analysis.yaml (default pipeline: opportunity
 * 10% pipeline, diagnosis 30% pipeline, design 60% best_case, commercial 80% commit,
 * won 100% closed, lost 0% omitted; large ≥ 500000.00, medium ≥ 100000.00). */
#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Day numbers and times worked out by hand: 1970-01-01 → 2024-01-01 is 54 years with
 * 13 leap days (1972 … 2020), 54 × 365 + 13 = 19723 days; March 1st adds 31 + 29 = 60. */
#define D_2024_01_01 19723
#define D_2024_03_01 19783                     /* 19723 + 60 */
#define D_2024_03_05 19787                     /* 19783 + 4 */
#define T_2024_03_01 ((kiscrm_time)19783 * 86400) /* 1709251200 */
#define HOUR 3600

/* --- fixtures ------------------------------------------------------------------------ */

/* The database plus the people and the customer every test uses. */
typedef struct {
	kiscrm_db *db;
	kiscrm_id sales, east;  /* departments: East is below Sales */
	kiscrm_id alice, bob;   /* alice: sales_rep in East; bob: supervisor in Sales */
	kiscrm_id acme;         /* customer */
} fx;

static int db_setup(void **state)
{
	fx *f = kc_test_fx_open(sizeof(*f), NULL);
	if (!f)
		return -1;
	f->sales = kc_test_department(f->db, "Sales", 0);
	f->east = kc_test_department(f->db, "East", f->sales);
	f->alice = kc_test_staff(f->db, "Alice", f->east, "sales_rep");
	f->bob = kc_test_staff(f->db, "Bob", f->sales, "supervisor");
	f->acme = kc_test_customer(f->db, "Acme");
	*state = f;
	return 0;
}

/* A new opportunity record of alice's (not stored). */
static kiscrm_record *opp_rec(const fx *f, const char *stage)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_OPPORTUNITY);
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_NAME, "ERP rollout"));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_OWNER_ID, f->alice));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_STAGE, stage));
	return r;
}

/* Stored opportunity with customer, amount and expected close (all exit criteria). */
static kiscrm_id add_full(const fx *f, const char *stage, kiscrm_money amount)
{
	kiscrm_record *r = opp_rec(f, stage);
	kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_CUSTOMER_ID, f->acme);
	kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_AMOUNT, amount);
	kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_EXPECTED_CLOSE, D_2024_03_05);
	kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_CREATED, D_2024_01_01);
	return kc_test_insert(f->db, r);
}

/* Checks stage, probability, manual flag, category and status of a stored opportunity. */
static void check_opp(const fx *f, kiscrm_id id, const char *stage, int prob, int manual,
		      const char *cat, const char *status)
{
	kiscrm_record *r = kc_test_get(f->db, KISCRM_KIND_OPPORTUNITY, id);
	kc_test_assert_text(r, KISCRM_OPPORTUNITY_STAGE, stage);
	assert_int_equal(kiscrm_record_int(r, KISCRM_OPPORTUNITY_PROBABILITY), prob);
	assert_int_equal(kiscrm_record_int(r, KISCRM_OPPORTUNITY_PROBABILITY_MANUAL), manual);
	kc_test_assert_text(r, KISCRM_OPPORTUNITY_FORECAST_CATEGORY, cat);
	kc_test_assert_text(r, KISCRM_OPPORTUNITY_STATUS, status);
	kiscrm_record_free(r);
}

/* History entries of one opportunity, in id order (copies, up to 16). */
typedef struct {
	size_t n;
	kiscrm_record *e[16];
} hist;

static void hist_load(hist *h, const fx *f, kiscrm_id opp)
{
	kiscrm_iter *it = NULL;
	const kiscrm_record *r;
	int rc;

	memset(h, 0, sizeof(*h));
	assert_rc(KISCRM_OK, kiscrm_iter_new(&it, f->db, KISCRM_KIND_STAGE_HISTORY, NULL));
	while ((rc = kiscrm_iter_next(&r, it)) == KISCRM_OK) {
		if (kiscrm_record_int(r, KISCRM_STAGE_HISTORY_OPPORTUNITY_ID) != opp)
			continue;
		assert_true(h->n < 16);
		assert_rc(KISCRM_OK, kiscrm_record_dup(&h->e[h->n++], r));
	}
	assert_rc(KISCRM_ITEROVER, rc);
	kiscrm_iter_free(it);
}

static void hist_free(hist *h)
{
	for (size_t i = 0; i < h->n; i++)
		kiscrm_record_free(h->e[i]);
	h->n = 0;
}

/* Checks entry @i: from, to, at, by (0: NULL). */
static void check_entry(const hist *h, size_t i, const char *from, const char *to, kiscrm_time at,
			kiscrm_id by)
{
	assert_true(i < h->n);
	kc_test_assert_text(h->e[i], KISCRM_STAGE_HISTORY_FROM_STAGE, from);
	kc_test_assert_text(h->e[i], KISCRM_STAGE_HISTORY_TO_STAGE, to);
	assert_int_equal(kiscrm_record_int(h->e[i], KISCRM_STAGE_HISTORY_AT), at);
	if (by)
		assert_int_equal(kiscrm_record_int(h->e[i], KISCRM_STAGE_HISTORY_BY_ID), by);
	else
		assert_true(kiscrm_record_is_null(h->e[i], KISCRM_STAGE_HISTORY_BY_ID));
}

static size_t hist_count(const fx *f, kiscrm_id opp)
{
	hist h;
	hist_load(&h, f, opp);
	size_t n = h.n;
	hist_free(&h);
	return n;
}

/* --- derivations --------------------------------------------------------------------- */

static void test_derive_from_stage(void **state)
{
	fx *f = *state;
	kiscrm_record *r;

	/* No pipeline: the default one; opportunity stage → 10%, pipeline, open. */
	kiscrm_id a = kc_test_insert(f->db, opp_rec(f, "opportunity"));
	r = kc_test_get(f->db, KISCRM_KIND_OPPORTUNITY, a);
	kc_test_assert_text(r, KISCRM_OPPORTUNITY_PIPELINE, "default");
	assert_true(kiscrm_record_is_null(r, KISCRM_OPPORTUNITY_CLOSED));
	assert_true(kiscrm_record_is_null(r, KISCRM_OPPORTUNITY_SIZE_CLASS)); /* no amount */
	kiscrm_record_free(r);
	check_opp(f, a, "opportunity", 10, 0, "pipeline", "open");

	check_opp(f, kc_test_insert(f->db, opp_rec(f, "diagnosis")), "diagnosis", 30, 0, "pipeline", "open");
	check_opp(f, kc_test_insert(f->db, opp_rec(f, "design")), "design", 60, 0, "best_case", "open");
	check_opp(f, kc_test_insert(f->db, opp_rec(f, "commercial")), "commercial", 80, 0, "commit", "open");

	/* A status set by hand is replaced by the stage's; a probability without the manual
	 * flag too. */
	r = opp_rec(f, "commercial");
	kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_STATUS, "won");
	kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_PROBABILITY, 33);
	check_opp(f, kc_test_insert(f->db, r), "commercial", 80, 0, "commit", "open");

	/* Won on insert: closed = the created date. */
	r = opp_rec(f, "won");
	kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_CREATED, D_2024_03_01);
	kiscrm_id w = kc_test_insert(f->db, r);
	check_opp(f, w, "won", 100, 0, "closed", "won");
	r = kc_test_get(f->db, KISCRM_KIND_OPPORTUNITY, w);
	assert_int_equal(kiscrm_record_int(r, KISCRM_OPPORTUNITY_CLOSED), D_2024_03_01);
	kiscrm_record_free(r);

	/* Lost and marked abandoned by hand: kept. */
	r = opp_rec(f, "lost");
	kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_STATUS, "abandoned");
	kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_CLOSED, D_2024_03_05);
	kiscrm_id l = kc_test_insert(f->db, r);
	check_opp(f, l, "lost", 0, 0, "omitted", "abandoned");
	r = kc_test_get(f->db, KISCRM_KIND_OPPORTUNITY, l);
	assert_int_equal(kiscrm_record_int(r, KISCRM_OPPORTUNITY_CLOSED), D_2024_03_05);
	kiscrm_record_free(r);

	/* The service pipeline: proposal → 60%, commit. */
	r = opp_rec(f, "proposal");
	kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_PIPELINE, "service");
	check_opp(f, kc_test_insert(f->db, r), "proposal", 60, 0, "commit", "open");

	/* A manual probability is kept. */
	r = opp_rec(f, "opportunity");
	kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_PROBABILITY, 25);
	kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_PROBABILITY_MANUAL, 1);
	check_opp(f, kc_test_insert(f->db, r), "opportunity", 25, 1, "pipeline", "open");
}

static void test_derive_size_and_department(void **state)
{
	fx *f = *state;
	/* 500000.00 = 50000000 minor units: large; one cent less: medium;
	 * 100000.00 = 10000000: medium; one cent less: small; 0: small. */
	static const struct {
		kiscrm_money amount;
		const char *size;
	} cases[] = {
		{ 50000000, "large" }, { 49999999, "medium" }, { 10000000, "medium" },
		{ 9999999, "small" },  { 0, "small" },         { 900000000, "large" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		kiscrm_record *r = opp_rec(f, "opportunity");
		kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_AMOUNT, cases[i].amount);
		kiscrm_id id = kc_test_insert(f->db, r);
		r = kc_test_get(f->db, KISCRM_KIND_OPPORTUNITY, id);
		kc_test_assert_text(r, KISCRM_OPPORTUNITY_SIZE_CLASS, cases[i].size);
		/* alice works in East */
		assert_int_equal(kiscrm_record_int(r, KISCRM_OPPORTUNITY_DEPARTMENT_ID), f->east);
		kiscrm_record_free(r);
	}

	/* A department given explicitly is kept. */
	kiscrm_record *r = opp_rec(f, "opportunity");
	kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_DEPARTMENT_ID, f->sales);
	kiscrm_id id = kc_test_insert(f->db, r);
	r = kc_test_get(f->db, KISCRM_KIND_OPPORTUNITY, id);
	assert_int_equal(kiscrm_record_int(r, KISCRM_OPPORTUNITY_DEPARTMENT_ID), f->sales);

	/* An update of the amount re-derives the size class. */
	kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_AMOUNT, 10000000);
	assert_rc(KISCRM_OK, kiscrm_record_update(f->db, r));
	kiscrm_record_free(r);
	r = kc_test_get(f->db, KISCRM_KIND_OPPORTUNITY, id);
	kc_test_assert_text(r, KISCRM_OPPORTUNITY_SIZE_CLASS, "medium");
	kiscrm_record_free(r);
}

/* Inserting @r must fail with @code, the error naming @field and @value. */
static void insert_fails(const fx *f, kiscrm_record *r, int code, const char *field,
			 const char *value)
{
	const kiscrm_error *e;
	assert_rc(code, kiscrm_record_insert(f->db, r));
	assert_int_equal(kiscrm_record_id(r), 0);
	e = kiscrm_error_last();
	if (field)
		assert_string_equal(e->field, field);
	if (value) {
		assert_string_equal(e->value, value);
		assert_msg_has(value);
	}
	kiscrm_record_free(r);
}

static void test_derive_errors(void **state)
{
	fx *f = *state;
	kiscrm_record *r;

	r = opp_rec(f, "opportunity");
	kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_PIPELINE, "nope");
	insert_fails(f, r, KISCRM_EINVALID, "pipeline", "nope");

	insert_fails(f, opp_rec(f, "negotiation"), KISCRM_EINVALID, "stage", "negotiation");

	/* design is a stage of the default pipeline, not of the service one */
	r = opp_rec(f, "design");
	kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_PIPELINE, "service");
	insert_fails(f, r, KISCRM_EINVALID, "stage", "design");

	r = opp_rec(f, "opportunity");
	kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_AMOUNT, -1);
	insert_fails(f, r, KISCRM_EINVALID, "amount", "-1");

	r = opp_rec(f, "lost");
	kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_REASON_CATEGORY, "bad_luck");
	insert_fails(f, r, KISCRM_EINVALID, "reason_category", "bad_luck");

	r = opp_rec(f, "opportunity");
	kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_SOURCE, "fax");
	insert_fails(f, r, KISCRM_EINVALID, "source", "fax");

	r = opp_rec(f, "opportunity");
	kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_STATUS, "sleeping");
	insert_fails(f, r, KISCRM_EINVALID, "status", "sleeping");

	/* abandoned is only for lost stages */
	r = opp_rec(f, "commercial");
	kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_STATUS, "abandoned");
	insert_fails(f, r, KISCRM_EINVALID, "status", "abandoned");

	r = opp_rec(f, "opportunity");
	kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_PROBABILITY_MANUAL, 1);
	kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_PROBABILITY, 101);
	insert_fails(f, r, KISCRM_EINVALID, "probability", "101");

	r = opp_rec(f, "opportunity");
	kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_PROBABILITY_MANUAL, 1);
	insert_fails(f, r, KISCRM_EINVALID, "probability", NULL);

	r = opp_rec(f, "opportunity");
	kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_PROBABILITY_MANUAL, 2);
	insert_fails(f, r, KISCRM_EINVALID, "probability_manual", "2");

	/* Nothing of the failures was stored, nor any history. */
	kiscrm_iter *it = NULL;
	const kiscrm_record *x;
	assert_rc(KISCRM_OK, kiscrm_iter_new(&it, f->db, KISCRM_KIND_OPPORTUNITY, NULL));
	assert_rc(KISCRM_ITEROVER, kiscrm_iter_next(&x, it));
	kiscrm_iter_free(it);
	assert_rc(KISCRM_OK, kiscrm_iter_new(&it, f->db, KISCRM_KIND_STAGE_HISTORY, NULL));
	assert_rc(KISCRM_ITEROVER, kiscrm_iter_next(&x, it));
	kiscrm_iter_free(it);

	/* Valid values of the same fields are accepted. */
	r = opp_rec(f, "lost");
	kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_REASON_CATEGORY, "product_fit");
	kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_SOURCE, "resale");
	kc_test_insert(f->db, r);
}

/* --- history ------------------------------------------------------------------------- */

static void test_creation_entry(void **state)
{
	fx *f = *state;
	hist h;

	/* created 2024-03-01, actor bob, amount 123.45: at = 2024-03-01T00:00:00Z */
	assert_rc(KISCRM_OK, kiscrm_db_set_actor(f->db, f->bob));
	kiscrm_record *r = opp_rec(f, "diagnosis");
	kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_CREATED, D_2024_03_01);
	kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_AMOUNT, 12345);
	kiscrm_id a = kc_test_insert(f->db, r);
	hist_load(&h, f, a);
	assert_int_equal(h.n, 1);
	check_entry(&h, 0, NULL, "diagnosis", T_2024_03_01, f->bob);
	assert_int_equal(kiscrm_record_int(h.e[0], KISCRM_STAGE_HISTORY_AMOUNT), 12345);
	kc_test_assert_text(h.e[0], KISCRM_STAGE_HISTORY_PIPELINE, "default");
	hist_free(&h);

	/* no created date, no actor: the database's business date (KC_TEST_TODAY, 2026-11-23)
	 * becomes the creation date and the entry is at its midnight, by NULL, amount NULL */
	assert_rc(KISCRM_OK, kiscrm_db_set_actor(f->db, 0));
	kiscrm_id b = kc_test_insert(f->db, opp_rec(f, "opportunity"));
	kiscrm_record *ob = kc_test_get(f->db, KISCRM_KIND_OPPORTUNITY, b);
	kiscrm_date today;
	assert_rc(KISCRM_OK, kiscrm_date_parse(&today, "2026-11-23"));
	assert_int_equal(today, kiscrm_record_int(ob, KISCRM_OPPORTUNITY_CREATED));
	kiscrm_record_free(ob);
	hist_load(&h, f, b);
	assert_int_equal(h.n, 1);
	assert_int_equal((kiscrm_time)today * 86400, kiscrm_record_int(h.e[0], KISCRM_STAGE_HISTORY_AT));
	assert_true(kiscrm_record_is_null(h.e[0], KISCRM_STAGE_HISTORY_BY_ID));
	assert_true(kiscrm_record_is_null(h.e[0], KISCRM_STAGE_HISTORY_AMOUNT));
	hist_free(&h);

	/* without a business date the library cannot know the day: refused, nothing stored */
	assert_rc(KISCRM_OK, kiscrm_db_set_today(f->db, KISCRM_DATE_NONE));
	kiscrm_record *c = opp_rec(f, "opportunity");
	assert_rc(KISCRM_EINVALID, kiscrm_record_insert(f->db, c));
	assert_msg_has("opportunity.created");
	kiscrm_record_free(c);
	int64_t n = 0;
	assert_rc(KISCRM_OK, kiscrm_record_count(f->db, KISCRM_KIND_OPPORTUNITY, NULL, &n));
	assert_int_equal(2, n);
}

/* KISCRM_INSERT_RAW stores the opportunity with its derived fields but no creation entry;
 * unknown flags are refused and store nothing. */
static void test_insert_raw(void **state)
{
	fx *f = *state;
	hist h;
	kiscrm_record *r = opp_rec(f, "design");
	assert_rc(KISCRM_EINVALID, kiscrm_record_insert_flags(f->db, r, 0x80));
	assert_int_equal(0, kiscrm_record_id(r));
	assert_rc(KISCRM_OK, kiscrm_record_insert_flags(f->db, r, KISCRM_INSERT_RAW));
	hist_load(&h, f, kiscrm_record_id(r));
	assert_int_equal(h.n, 0);
	hist_free(&h);
	/* derived as on a plain insert: design is 60 % best case */
	assert_int_equal(60, kiscrm_record_int(r, KISCRM_OPPORTUNITY_PROBABILITY));
	kc_test_assert_text(r, KISCRM_OPPORTUNITY_FORECAST_CATEGORY, "best_case");
	kiscrm_record_free(r);
}

static void test_moves(void **state)
{
	fx *f = *state;
	const kiscrm_time t0 = T_2024_03_01;
	hist h;

	kiscrm_id id = add_full(f, "opportunity", 20000000);
	assert_rc(KISCRM_OK, kiscrm_db_set_actor(f->db, f->alice));

	/* forward one stage */
	assert_rc(KISCRM_OK, kiscrm_opportunity_move(f->db, id, "diagnosis", t0 + 1 * HOUR, 0));
	check_opp(f, id, "diagnosis", 30, 0, "pipeline", "open");
	/* skip design */
	assert_rc(KISCRM_OK, kiscrm_opportunity_move(f->db, id, "commercial", t0 + 2 * HOUR, 0));
	check_opp(f, id, "commercial", 80, 0, "commit", "open");
	/* backwards, by bob */
	assert_rc(KISCRM_OK, kiscrm_db_set_actor(f->db, f->bob));
	assert_rc(KISCRM_OK, kiscrm_opportunity_move(f->db, id, "design", t0 + 3 * HOUR, 0));
	check_opp(f, id, "design", 60, 0, "best_case", "open");
	/* won four days later: closed = 2024-03-05 */
	assert_rc(KISCRM_OK,
		  kiscrm_opportunity_move(f->db, id, "won", t0 + 4 * 86400 + 5 * HOUR, 0));
	check_opp(f, id, "won", 100, 0, "closed", "won");
	kiscrm_record *r = kc_test_get(f->db, KISCRM_KIND_OPPORTUNITY, id);
	assert_int_equal(kiscrm_record_int(r, KISCRM_OPPORTUNITY_CLOSED), D_2024_03_05);
	kiscrm_record_free(r);

	hist_load(&h, f, id);
	assert_int_equal(h.n, 5);
	check_entry(&h, 0, NULL, "opportunity", (kiscrm_time)D_2024_01_01 * 86400, 0);
	check_entry(&h, 1, "opportunity", "diagnosis", t0 + 1 * HOUR, f->alice);
	check_entry(&h, 2, "diagnosis", "commercial", t0 + 2 * HOUR, f->alice);
	check_entry(&h, 3, "commercial", "design", t0 + 3 * HOUR, f->bob);
	check_entry(&h, 4, "design", "won", t0 + 4 * 86400 + 5 * HOUR, f->bob);
	for (size_t i = 0; i < h.n; i++) {
		assert_int_equal(kiscrm_record_int(h.e[i], KISCRM_STAGE_HISTORY_AMOUNT), 20000000);
		kc_test_assert_text(h.e[i], KISCRM_STAGE_HISTORY_PIPELINE, "default");
	}
	hist_free(&h);

	/* moving to the current stage */
	assert_rc(KISCRM_ECONFLICT, kiscrm_opportunity_move(f->db, id, "won", t0, 0));
	assert_msg_has("'won'");
	/* leaving won needs the re-open flag, also towards lost */
	assert_rc(KISCRM_ECONFLICT, kiscrm_opportunity_move(f->db, id, "commercial", t0, 0));
	assert_msg_has("KISCRM_MOVE_REOPEN");
	assert_rc(KISCRM_ECONFLICT, kiscrm_opportunity_move(f->db, id, "lost", t0, 0));
	check_opp(f, id, "won", 100, 0, "closed", "won");
	assert_int_equal(hist_count(f, id), 5);

	/* re-open: open again, closed cleared */
	assert_rc(KISCRM_OK, kiscrm_opportunity_move(f->db, id, "commercial", t0 + 5 * 86400,
						     KISCRM_MOVE_REOPEN));
	check_opp(f, id, "commercial", 80, 0, "commit", "open");
	r = kc_test_get(f->db, KISCRM_KIND_OPPORTUNITY, id);
	assert_true(kiscrm_record_is_null(r, KISCRM_OPPORTUNITY_CLOSED));
	kiscrm_record_free(r);
	/* then lost, and abandoned by hand: a move to the other way clears it */
	assert_rc(KISCRM_OK, kiscrm_opportunity_move(f->db, id, "lost", t0 + 6 * 86400, 0));
	check_opp(f, id, "lost", 0, 0, "omitted", "lost");
	assert_int_equal(hist_count(f, id), 7);
}

static void test_move_errors(void **state)
{
	fx *f = *state;
	kiscrm_id id = add_full(f, "opportunity", 100);

	assert_rc(KISCRM_ENOTFOUND, kiscrm_opportunity_move(f->db, id, "negotiation", 0, 0));
	assert_msg_has("negotiation");
	/* proposal is in the service pipeline only */
	assert_rc(KISCRM_ENOTFOUND, kiscrm_opportunity_move(f->db, id, "proposal", 0, 0));
	assert_rc(KISCRM_ENOTFOUND, kiscrm_opportunity_move(f->db, 9999, "design", 0, 0));
	assert_msg_has("9999");
	assert_rc(KISCRM_EINVALID, kiscrm_opportunity_move(f->db, id, NULL, 0, 0));
	assert_rc(KISCRM_EINVALID, kiscrm_opportunity_move(f->db, id, "design", 0, 0x10));
	assert_rc(KISCRM_EINVALID, kiscrm_opportunity_move(NULL, id, "design", 0, 0));
	assert_rc(KISCRM_ECONFLICT, kiscrm_opportunity_move(f->db, id, "opportunity", 0, 0));
	check_opp(f, id, "opportunity", 10, 0, "pipeline", "open");
	assert_int_equal(hist_count(f, id), 1);
}

static void test_exit_criteria(void **state)
{
	fx *f = *state;
	char expect[128];

	/* In diagnosis with a customer but neither amount nor expected close (created
	 * before the moves below: a move may not predate the creation entry). */
	kiscrm_record *r = opp_rec(f, "diagnosis");
	kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_CUSTOMER_ID, f->acme);
	kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_CREATED, D_2024_01_01);
	kiscrm_id id = kc_test_insert(f->db, r);

	assert_rc(KISCRM_EINVALID, kiscrm_opportunity_move(f->db, id, "design", T_2024_03_01, 0));
	snprintf(expect, sizeof(expect),
		 "opportunity %lld cannot leave stage 'diagnosis': amount, expected_close not set",
		 (long long)id);
	assert_msg_has(expect);
	assert_string_equal(kiscrm_error_last()->field, "amount");
	/* skipping design does not skip the check */
	assert_rc(KISCRM_EINVALID, kiscrm_opportunity_move(f->db, id, "won", T_2024_03_01, 0));
	assert_msg_has(expect);
	/* nothing changed */
	check_opp(f, id, "diagnosis", 30, 0, "pipeline", "open");
	assert_int_equal(hist_count(f, id), 1);

	/* One field set: only the other is named. */
	r = kc_test_get(f->db, KISCRM_KIND_OPPORTUNITY, id);
	kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_AMOUNT, 500);
	assert_rc(KISCRM_OK, kiscrm_record_update(f->db, r));
	kiscrm_record_free(r);
	assert_rc(KISCRM_EINVALID, kiscrm_opportunity_move(f->db, id, "design", T_2024_03_01, 0));
	snprintf(expect, sizeof(expect),
		 "opportunity %lld cannot leave stage 'diagnosis': expected_close not set",
		 (long long)id);
	assert_msg_has(expect);

	/* Backwards and to lost need nothing. */
	assert_rc(KISCRM_OK, kiscrm_opportunity_move(f->db, id, "opportunity", T_2024_03_01, 0));
	assert_rc(KISCRM_OK, kiscrm_opportunity_move(f->db, id, "lost", T_2024_03_01, 0));
	assert_int_equal(hist_count(f, id), 3);

	/* From the first stage without customer, amount, expected close, skipping to
	 * commercial: the criteria of both stages passed are named. */
	kiscrm_id b = kc_test_insert(f->db, opp_rec(f, "opportunity"));
	assert_rc(KISCRM_EINVALID, kiscrm_opportunity_move(f->db, b, "commercial", T_2024_03_01, 0));
	snprintf(expect, sizeof(expect),
		 "opportunity %lld cannot leave stages 'opportunity', 'diagnosis': customer_id, "
		 "amount, expected_close not set",
		 (long long)b);
	assert_msg_has(expect);
	check_opp(f, b, "opportunity", 10, 0, "pipeline", "open");
	assert_int_equal(hist_count(f, b), 1);
}

static void test_manual_probability(void **state)
{
	fx *f = *state;
	kiscrm_id id = add_full(f, "diagnosis", 100);

	assert_rc(KISCRM_OK, kiscrm_opportunity_set_probability(f->db, id, 45));
	check_opp(f, id, "diagnosis", 45, 1, "pipeline", "open");
	/* kept across moves, while the category follows the stage */
	assert_rc(KISCRM_OK, kiscrm_opportunity_move(f->db, id, "design", T_2024_03_01, 0));
	check_opp(f, id, "design", 45, 1, "best_case", "open");
	/* kept across an ordinary update */
	kiscrm_record *r = kc_test_get(f->db, KISCRM_KIND_OPPORTUNITY, id);
	kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_COMPETITORS, "SAP");
	assert_rc(KISCRM_OK, kiscrm_record_update(f->db, r));
	kiscrm_record_free(r);
	check_opp(f, id, "design", 45, 1, "best_case", "open");
	/* released: follows the stage again */
	assert_rc(KISCRM_OK, kiscrm_opportunity_set_probability(f->db, id, -1));
	check_opp(f, id, "design", 60, 0, "best_case", "open");
	assert_rc(KISCRM_OK, kiscrm_opportunity_move(f->db, id, "commercial", T_2024_03_01, 0));
	check_opp(f, id, "commercial", 80, 0, "commit", "open");
	/* bounds */
	assert_rc(KISCRM_OK, kiscrm_opportunity_set_probability(f->db, id, 0));
	check_opp(f, id, "commercial", 0, 1, "commit", "open");
	assert_rc(KISCRM_OK, kiscrm_opportunity_set_probability(f->db, id, 100));
	check_opp(f, id, "commercial", 100, 1, "commit", "open");
	assert_rc(KISCRM_EINVALID, kiscrm_opportunity_set_probability(f->db, id, 101));
	assert_msg_has("101");
	assert_rc(KISCRM_EINVALID, kiscrm_opportunity_set_probability(f->db, id, -2));
	assert_rc(KISCRM_ENOTFOUND, kiscrm_opportunity_set_probability(f->db, 9999, 50));
	assert_rc(KISCRM_EINVALID, kiscrm_opportunity_set_probability(NULL, id, 50));
	check_opp(f, id, "commercial", 100, 1, "commit", "open");
}

static void test_update_stage_refused(void **state)
{
	fx *f = *state;
	kiscrm_id id = add_full(f, "diagnosis", 100);
	kiscrm_record *r = kc_test_get(f->db, KISCRM_KIND_OPPORTUNITY, id);

	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_STAGE, "design"));
	assert_rc(KISCRM_ECONFLICT, kiscrm_record_update(f->db, r));
	assert_msg_has("kiscrm_opportunity_move");
	assert_string_equal(kiscrm_error_last()->value, "design");
	kiscrm_record_free(r);

	r = kc_test_get(f->db, KISCRM_KIND_OPPORTUNITY, id);
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_PIPELINE, "service"));
	assert_rc(KISCRM_ECONFLICT, kiscrm_record_update(f->db, r));
	assert_msg_has("service");
	kiscrm_record_free(r);

	check_opp(f, id, "diagnosis", 30, 0, "pipeline", "open");
	assert_int_equal(hist_count(f, id), 1);
}

static void test_history_append(void **state)
{
	fx *f = *state;
	const kiscrm_time t0 = T_2024_03_01;
	hist h;

	kiscrm_id id = add_full(f, "commercial", 777);
	/* a bulk load inside one transaction */
	assert_rc(KISCRM_OK, kiscrm_db_begin(f->db));
	assert_rc(KISCRM_OK, kiscrm_stage_history_append(f->db, id, NULL, "opportunity", t0, 0));
	assert_rc(KISCRM_OK,
		  kiscrm_stage_history_append(f->db, id, "opportunity", "design", t0 + HOUR, f->bob));
	assert_rc(KISCRM_OK, kiscrm_stage_history_append(f->db, id, "design", "commercial",
							 t0 + 2 * HOUR, f->alice));
	assert_rc(KISCRM_OK, kiscrm_db_commit(f->db));

	hist_load(&h, f, id);
	assert_int_equal(h.n, 4); /* the creation entry and three appended */
	check_entry(&h, 1, NULL, "opportunity", t0, 0);
	check_entry(&h, 2, "opportunity", "design", t0 + HOUR, f->bob);
	check_entry(&h, 3, "design", "commercial", t0 + 2 * HOUR, f->alice);
	assert_int_equal(kiscrm_record_int(h.e[3], KISCRM_STAGE_HISTORY_AMOUNT), 777);
	kc_test_assert_text(h.e[3], KISCRM_STAGE_HISTORY_PIPELINE, "default");
	hist_free(&h);
	/* the opportunity itself is unchanged */
	check_opp(f, id, "commercial", 80, 0, "commit", "open");

	/* errors */
	assert_rc(KISCRM_ENOTFOUND, kiscrm_stage_history_append(f->db, id, NULL, "proposal", t0, 0));
	assert_msg_has("proposal");
	assert_rc(KISCRM_ENOTFOUND,
		  kiscrm_stage_history_append(f->db, id, "nowhere", "design", t0, 0));
	assert_msg_has("nowhere");
	assert_rc(KISCRM_ENOTFOUND, kiscrm_stage_history_append(f->db, 9999, NULL, "design", t0, 0));
	assert_rc(KISCRM_EINVALID, kiscrm_stage_history_append(f->db, id, NULL, NULL, t0, 0));
	assert_rc(KISCRM_ENOTFOUND, kiscrm_stage_history_append(f->db, id, NULL, "design", t0, 9999));
	assert_int_equal(hist_count(f, id), 4);

	/* direct record inserts get the same stage check; entries cannot be edited */
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_STAGE_HISTORY);
	kiscrm_record_set_int(r, KISCRM_STAGE_HISTORY_OPPORTUNITY_ID, id);
	kiscrm_record_set_text(r, KISCRM_STAGE_HISTORY_TO_STAGE, "proposal");
	kiscrm_record_set_int(r, KISCRM_STAGE_HISTORY_AT, t0);
	assert_rc(KISCRM_EINVALID, kiscrm_record_insert(f->db, r));
	assert_msg_has("proposal");
	kiscrm_record_set_text(r, KISCRM_STAGE_HISTORY_TO_STAGE, "design");
	assert_rc(KISCRM_OK, kiscrm_record_insert(f->db, r));
	assert_rc(KISCRM_ECONFLICT, kiscrm_record_update(f->db, r));
	assert_msg_has("append-only");
	kiscrm_record_free(r);
}

static void test_cascade_delete(void **state)
{
	fx *f = *state;
	kiscrm_id keep = add_full(f, "opportunity", 1);
	kiscrm_id id = add_full(f, "opportunity", 1);

	assert_rc(KISCRM_OK, kiscrm_opportunity_move(f->db, id, "diagnosis", T_2024_03_01, 0));
	assert_rc(KISCRM_OK, kiscrm_opportunity_move(f->db, id, "design", T_2024_03_01 + 1, 0));
	assert_int_equal(hist_count(f, id), 3);

	/* without cascade the history blocks the delete */
	assert_rc(KISCRM_ECONFLICT, kiscrm_record_delete(f->db, KISCRM_KIND_OPPORTUNITY, id, 0));
	assert_int_equal(hist_count(f, id), 3);
	assert_rc(KISCRM_OK, kiscrm_record_delete(f->db, KISCRM_KIND_OPPORTUNITY, id,
						  KISCRM_DELETE_CASCADE));
	assert_int_equal(hist_count(f, id), 0);
	assert_int_equal(hist_count(f, keep), 1);
}

/* A move dated before the opportunity's created date, or before its previous move, is
 * refused with the opportunity, the date and the earlier one named; a move at the same
 * time as the previous one is fine. Nothing is written by a refused move. */
static void test_move_out_of_order(void **state)
{
	fx *f = *state;
	char expect[160];
	/* created 2024-01-01; 2023-12-31 23:00 is the evening before */
	kiscrm_id id = add_full(f, "opportunity", 1000);
	kiscrm_time before_created = (kiscrm_time)D_2024_01_01 * 86400 - 3600;

	assert_rc(KISCRM_EINVALID, kiscrm_opportunity_move(f->db, id, "diagnosis", before_created, 0));
	snprintf(expect, sizeof(expect),
		 "opportunity %lld: a move dated 2023-12-31T23:00:00Z is before the opportunity was "
		 "created (2024-01-01)", (long long)id);
	assert_msg_has(expect);
	assert_string_equal(kiscrm_error_last()->field, "at");
	assert_string_equal(kiscrm_error_last()->value, "2023-12-31T23:00:00Z");
	/* the created day itself is fine */
	assert_rc(KISCRM_OK, kiscrm_opportunity_move(f->db, id, "diagnosis",
						     (kiscrm_time)D_2024_01_01 * 86400, 0));
	assert_rc(KISCRM_OK, kiscrm_opportunity_move(f->db, id, "design", T_2024_03_01, 0));
	/* one second before the move to design */
	assert_rc(KISCRM_EINVALID, kiscrm_opportunity_move(f->db, id, "commercial", T_2024_03_01 - 1, 0));
	snprintf(expect, sizeof(expect),
		 "opportunity %lld: a move dated 2024-02-29T23:59:59Z is before its previous move "
		 "(to 'design' at 2024-03-01T00:00:00Z)", (long long)id);
	assert_msg_has(expect);
	check_opp(f, id, "design", 60, 0, "best_case", "open");
	assert_int_equal(hist_count(f, id), 3);
	/* the same second as the previous move is in order */
	assert_rc(KISCRM_OK, kiscrm_opportunity_move(f->db, id, "commercial", T_2024_03_01, 0));
	assert_int_equal(hist_count(f, id), 4);
}

#define DB_TEST(f) cmocka_unit_test_setup_teardown(f, db_setup, kc_test_fx_teardown)

#define DB_TESTS                                           \
	{                                                  \
		DB_TEST(test_derive_from_stage),           \
		DB_TEST(test_derive_size_and_department),  \
		DB_TEST(test_derive_errors),               \
		DB_TEST(test_creation_entry),              \
		DB_TEST(test_insert_raw),                  \
		DB_TEST(test_moves),                       \
		DB_TEST(test_move_errors),                 \
		DB_TEST(test_exit_criteria),               \
		DB_TEST(test_move_out_of_order),           \
		DB_TEST(test_manual_probability),          \
		DB_TEST(test_update_stage_refused),        \
		DB_TEST(test_history_append),              \
		DB_TEST(test_cascade_delete),              \
	}

int main(void)
{
	const struct CMUnitTest tests[] = DB_TESTS;
	return kc_test_run_both(tests) ? 1 : 0;
}
