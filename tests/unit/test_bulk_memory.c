/* The transaction's memory of what it inserted (src/storage/txn_known.c): a child written
 * in the same transaction as its parent is checked and inherits its partner without a
 * read, and must come out exactly as when the parent was committed earlier — including
 * every refusal: a parent deleted or rolled back earlier is missing, a parent's partner
 * changed by an update is the one inherited, a partner's principal sees only its own, and
 * an opportunity's resale flag follows the contracts written before it.
 * Every case runs on the memory backend, SQLite and (with KISCRM_TEST_PG) PostgreSQL. */
#include "helpers.h"
#include "kiscrm/sys/backend.h" /* kiscrm_backend_error: a simulated lock */
#include "failing_backend.h"       /* its read counters */

#include <stdio.h>

typedef struct fx {
	kiscrm_db *db;
	kiscrm_id partner;  /* a second-tier partner */
	kiscrm_id dept, staff;          /* the company's */
	kiscrm_id p_dept, p_staff;      /* the partner's own */
	kiscrm_id direct, via_partner;  /* customers: the company's, the partner's */
} fx;

static int setup(void **state)
{
	fx *f = kc_test_fx_open(sizeof(*f), NULL);
	if (!f)
		return -1;
	f->partner = kc_test_partner(f->db, "伙伴甲");
	f->dept = kc_test_department(f->db, "Sales", 0);
	f->staff = kc_test_staff(f->db, "Alice", f->dept, "sales_rep");
	kiscrm_record *d = kc_test_rec(KISCRM_KIND_DEPARTMENT);
	assert_rc(KISCRM_OK, kiscrm_record_set_text(d, KISCRM_DEPARTMENT_NAME, "伙伴甲销售部"));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(d, KISCRM_DEPARTMENT_PARTNER_ID, f->partner));
	f->p_dept = kc_test_insert(f->db, d);
	f->p_staff = kc_test_staff(f->db, "张伟", f->p_dept, "sales_rep");
	f->direct = kc_test_partner_customer(f->db, "Acme", 0);
	f->via_partner = kc_test_partner_customer(f->db, "伙伴甲的客户", f->partner);
	*state = f;
	return 0;
}

/* An opportunity of @customer (stored with its creation entry in the stage history). */
static int insert_opp(kiscrm_db *db, kiscrm_id customer, kiscrm_id owner, kiscrm_id *id)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_OPPORTUNITY);
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_NAME, "ERP rollout"));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_CUSTOMER_ID, customer));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_OWNER_ID, owner));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_STAGE, "opportunity"));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_CREATED, kc_test_day("2026-10-01")));
	int rc = kiscrm_record_insert(db, r);
	*id = kiscrm_record_id(r);
	kiscrm_record_free(r);
	return rc;
}

/* A stage-history row of @opp (its pipeline left to be read from the opportunity). */
static int insert_history(kiscrm_db *db, kiscrm_id opp, kiscrm_id *id)
{
	kiscrm_record *h = kc_test_rec(KISCRM_KIND_STAGE_HISTORY);
	assert_rc(KISCRM_OK, kiscrm_record_set_int(h, KISCRM_STAGE_HISTORY_OPPORTUNITY_ID, opp));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(h, KISCRM_STAGE_HISTORY_FROM_STAGE, "opportunity"));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(h, KISCRM_STAGE_HISTORY_TO_STAGE, "diagnosis"));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(h, KISCRM_STAGE_HISTORY_AT,
						   kc_test_time("2026-10-02T01:00:00Z")));
	int rc = kiscrm_record_insert(db, h);
	if (id)
		*id = kiscrm_record_id(h);
	kiscrm_record_free(h);
	return rc;
}

static int64_t history_partner(kiscrm_db *db, kiscrm_id h)
{
	return kc_test_stored_int(db, KISCRM_KIND_STAGE_HISTORY, h, KISCRM_STAGE_HISTORY_PARTNER_ID);
}

/* Copies the last error's code and message, to compare two refusals. */
typedef struct refusal {
	int rc;
	char message[512];
	char field[64];
} refusal;

static refusal refusal_of(int rc)
{
	refusal r = { rc, "", "" };
	const kiscrm_error *e = kiscrm_error_last();
	snprintf(r.message, sizeof(r.message), "%s", e->message ? e->message : "");
	snprintf(r.field, sizeof(r.field), "%s", e->field ? e->field : "");
	return r;
}

/* The message of a refusal with the ids replaced by what the other case used. */
static void assert_same_refusal(const refusal *a, const refusal *b, kiscrm_id id_a, kiscrm_id id_b)
{
	char expect[600], ida[24], idb[24];
	assert_int_equal(a->rc, b->rc);
	assert_string_equal(a->field, b->field);
	snprintf(ida, sizeof(ida), "%lld", (long long)id_a);
	snprintf(idb, sizeof(idb), "%lld", (long long)id_b);
	const char *at = strstr(a->message, ida);
	assert_non_null(at);
	snprintf(expect, sizeof(expect), "%.*s%s%s", (int)(at - a->message), a->message, idb, at + strlen(ida));
	assert_string_equal(expect, b->message);
}

/* Opportunity and history in one transaction inherit exactly what they inherit when the
 * opportunity was committed before: the partner's customer gives the partner, the
 * company's customer none. */
static void test_children_in_same_transaction(void **state)
{
	fx *f = *state;
	kiscrm_db *db = f->db;
	const kiscrm_id customers[2] = { f->via_partner, f->direct };
	for (int i = 0; i < 2; i++) {
		kiscrm_id early, late, h_early, h_late, h_late2;
		assert_rc(KISCRM_OK, insert_opp(db, customers[i], f->staff, &early));
		assert_rc(KISCRM_OK, kiscrm_db_begin(db));
		assert_rc(KISCRM_OK, insert_history(db, early, &h_early));
		assert_rc(KISCRM_OK, insert_opp(db, customers[i], f->staff, &late));
		assert_rc(KISCRM_OK, insert_history(db, late, &h_late));
		assert_rc(KISCRM_OK, insert_history(db, late, &h_late2));
		assert_rc(KISCRM_OK, kiscrm_db_commit(db));
		int64_t want = i == 0 ? f->partner : -1;
		assert_int_equal(want, kc_test_stored_int(db, KISCRM_KIND_OPPORTUNITY, late, KISCRM_OPPORTUNITY_PARTNER_ID));
		assert_int_equal(want, history_partner(db, h_early));
		assert_int_equal(want, history_partner(db, h_late));
		assert_int_equal(want, history_partner(db, h_late2));
	}
}

/* A parent inserted and deleted in the transaction is missing to a child, with the very
 * refusal a parent that never existed gets. */
static void test_deleted_parent_is_missing(void **state)
{
	fx *f = *state;
	kiscrm_db *db = f->db;
	kiscrm_id opp, h, never = 999999;
	assert_rc(KISCRM_OK, kiscrm_db_begin(db));
	assert_rc(KISCRM_OK, insert_opp(db, f->direct, f->staff, &opp));
	assert_rc(KISCRM_OK, kiscrm_record_delete(db, KISCRM_KIND_OPPORTUNITY, opp, KISCRM_DELETE_CASCADE));
	int rc = insert_history(db, opp, &h);
	refusal deleted = refusal_of(rc);
	assert_rc(KISCRM_ENOTFOUND, rc);
	assert_rc(KISCRM_OK, kiscrm_db_rollback(db)); /* a refused write fails its transaction */
	refusal missing = refusal_of(insert_history(db, never, &h));
	assert_same_refusal(&missing, &deleted, never, opp);
	assert_msg_has("does not exist");
	assert_int_equal(0, kc_test_exists(db, KISCRM_KIND_OPPORTUNITY, opp));
}

/* A rolled-back transaction leaves nothing remembered: its ids are missing after, and a
 * nested unit that rolled back fails the whole transaction as before. */
static void test_rolled_back_parent_is_missing(void **state)
{
	fx *f = *state;
	kiscrm_db *db = f->db;
	kiscrm_id opp, h, never = 999999;
	assert_rc(KISCRM_OK, kiscrm_db_begin(db));
	assert_rc(KISCRM_OK, insert_opp(db, f->via_partner, f->staff, &opp));
	assert_rc(KISCRM_OK, kiscrm_db_rollback(db));
	assert_int_equal(0, kc_test_exists(db, KISCRM_KIND_OPPORTUNITY, opp));
	assert_rc(KISCRM_OK, kiscrm_db_begin(db));
	refusal gone = refusal_of(insert_history(db, opp, &h));
	assert_rc(KISCRM_OK, kiscrm_db_rollback(db));
	refusal missing = refusal_of(insert_history(db, never, &h));
	assert_rc(KISCRM_ENOTFOUND, gone.rc);
	assert_same_refusal(&missing, &gone, never, opp);

	/* nested: the inner unit's rollback fails the outer one, whose rows all go */
	assert_rc(KISCRM_OK, kiscrm_db_begin(db));
	assert_rc(KISCRM_OK, kiscrm_db_begin(db));
	assert_rc(KISCRM_OK, insert_opp(db, f->via_partner, f->staff, &opp));
	assert_rc(KISCRM_OK, kiscrm_db_rollback(db));
	assert_rc(KISCRM_ECONFLICT, kiscrm_db_commit(db));
	assert_int_equal(0, kc_test_exists(db, KISCRM_KIND_OPPORTUNITY, opp));
	assert_rc(KISCRM_ENOTFOUND, insert_history(db, opp, &h));
}

/* A unit of work rerun by kiscrm_db_transact starts from nothing remembered: the first
 * run's opportunity is missing to the second run's history row. */
typedef struct rerun {
	fx *f;
	int runs;
	kiscrm_id first_opp;
	int second_rc;
} rerun;

static int busy_once(kiscrm_db *db, void *payload)
{
	rerun *r = payload;
	kiscrm_id opp, h;
	int rc;
	if (++r->runs == 1) {
		if ((rc = insert_opp(db, r->f->direct, r->f->staff, &opp)) != 0)
			return rc;
		r->first_opp = opp;
		return kiscrm_backend_error(KISCRM_EBUSY, "database is locked (injected in the work)");
	}
	r->second_rc = insert_history(db, r->first_opp, &h);
	return r->second_rc;
}

static void test_rerun_forgets(void **state)
{
	fx *f = *state;
	rerun r = { f, 0, 0, 0 };
	assert_rc(KISCRM_ENOTFOUND, kiscrm_db_transact(f->db, busy_once, &r, NULL));
	assert_int_equal(2, r.runs);
	assert_rc(KISCRM_ENOTFOUND, r.second_rc);
	assert_int_equal(0, kc_test_exists(f->db, KISCRM_KIND_OPPORTUNITY, r.first_opp));
}

/* An update of a parent inside the transaction changes what its children inherit. */
static void test_updated_parent_partner(void **state)
{
	fx *f = *state;
	kiscrm_db *db = f->db;
	kiscrm_id cust, opp, h;
	assert_rc(KISCRM_OK, kiscrm_db_begin(db));
	cust = kc_test_partner_customer(db, "Later a partner's", 0);
	assert_rc(KISCRM_OK, kc_test_update_int(db, KISCRM_KIND_CUSTOMER, cust, KISCRM_CUSTOMER_PARTNER_ID, f->partner));
	assert_rc(KISCRM_OK, insert_opp(db, cust, f->staff, &opp));
	assert_rc(KISCRM_OK, insert_history(db, opp, &h));
	assert_rc(KISCRM_OK, kiscrm_db_commit(db));
	assert_int_equal(f->partner, kc_test_stored_int(db, KISCRM_KIND_OPPORTUNITY, opp, KISCRM_OPPORTUNITY_PARTNER_ID));
	assert_int_equal(f->partner, history_partner(db, h));
}

/* A partner's principal writes children of its own new parent in one transaction; the
 * company's parents written before stay invisible to it. */
static void test_partner_principal_children(void **state)
{
	fx *f = *state;
	kiscrm_db *db = f->db;
	kiscrm_id company_opp, opp, h1, h2;
	assert_rc(KISCRM_OK, insert_opp(db, f->direct, f->staff, &company_opp));
	kiscrm_principal p = KISCRM_PRINCIPAL_INIT;
	p.partner_id = f->partner;
	p.staff_id = f->p_staff;
	assert_rc(KISCRM_OK, kiscrm_db_set_principal(db, &p));
	assert_rc(KISCRM_OK, kiscrm_db_begin(db));
	kiscrm_id cust = kc_test_partner_customer(db, "伙伴甲新客户", 0);
	assert_rc(KISCRM_OK, insert_opp(db, cust, f->p_staff, &opp));
	assert_rc(KISCRM_OK, insert_history(db, opp, &h1));
	assert_rc(KISCRM_OK, insert_history(db, opp, &h2));
	assert_rc(KISCRM_OK, kiscrm_db_commit(db));
	assert_int_equal(f->partner, kc_test_stored_int(db, KISCRM_KIND_CUSTOMER, cust, KISCRM_CUSTOMER_PARTNER_ID));
	assert_int_equal(f->partner, kc_test_stored_int(db, KISCRM_KIND_OPPORTUNITY, opp, KISCRM_OPPORTUNITY_PARTNER_ID));
	assert_int_equal(f->partner, history_partner(db, h2));
	/* the company's opportunity is missing to it, inside a transaction or not */
	kiscrm_id h3;
	assert_rc(KISCRM_OK, kiscrm_db_begin(db));
	assert_rc(KISCRM_OK, insert_history(db, opp, &h3));
	refusal hidden = refusal_of(insert_history(db, company_opp, &h1));
	assert_rc(KISCRM_OK, kiscrm_db_rollback(db));
	assert_rc(KISCRM_ENOTFOUND, hidden.rc);
	refusal later = refusal_of(insert_history(db, company_opp, &h1));
	assert_same_refusal(&later, &hidden, company_opp, company_opp);
}

static int64_t resale_of(kiscrm_db *db, kiscrm_id opp)
{
	return kc_test_stored_int(db, KISCRM_KIND_OPPORTUNITY, opp, KISCRM_OPPORTUNITY_RESALE);
}

/* Resale is read once per customer in a transaction writing no contract: a contract
 * inserted, moved to a later date or deleted in the transaction changes it at once. */
static void test_resale_follows_contracts(void **state)
{
	fx *f = *state;
	kiscrm_db *db = f->db;
	kiscrm_id o1, o2, o3, o4;
	assert_rc(KISCRM_OK, kiscrm_db_begin(db));
	assert_rc(KISCRM_OK, insert_opp(db, f->direct, f->staff, &o1)); /* created 2026-10-01 */
	kiscrm_record *c = kc_test_rec(KISCRM_KIND_CONTRACT);
	assert_rc(KISCRM_OK, kiscrm_record_set_int(c, KISCRM_CONTRACT_CUSTOMER_ID, f->direct));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(c, KISCRM_CONTRACT_OWNER_ID, f->staff));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(c, KISCRM_CONTRACT_SIGNED, kc_test_day("2026-09-01")));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(c, KISCRM_CONTRACT_AMOUNT, 100000));
	kiscrm_id contract = kc_test_insert(db, c);
	assert_rc(KISCRM_OK, insert_opp(db, f->direct, f->staff, &o2));
	assert_rc(KISCRM_OK, kc_test_update_int(db, KISCRM_KIND_CONTRACT, contract, KISCRM_CONTRACT_SIGNED,
						kc_test_day("2026-12-01")));
	assert_rc(KISCRM_OK, insert_opp(db, f->direct, f->staff, &o3));
	assert_rc(KISCRM_OK, kc_test_update_int(db, KISCRM_KIND_CONTRACT, contract, KISCRM_CONTRACT_SIGNED,
						kc_test_day("2026-08-01")));
	assert_rc(KISCRM_OK, kiscrm_record_delete(db, KISCRM_KIND_CONTRACT, contract, 0));
	assert_rc(KISCRM_OK, insert_opp(db, f->direct, f->staff, &o4));
	assert_rc(KISCRM_OK, kiscrm_db_commit(db));
	assert_int_equal(0, resale_of(db, o1));
	assert_int_equal(1, resale_of(db, o2));
	assert_int_equal(0, resale_of(db, o3));
	assert_int_equal(0, resale_of(db, o4));
}

/* ---- a transaction that reads one kind's rows one by one reads it whole ---- */

#define SWEEP_AFTER 1024 /* KC_SWEEP_AFTER */
#define NCUST 1100       /* more customers than SWEEP_AFTER */

/* A database of the group's backend behind the counting wrapper, with the fixture's
 * partner, department and staff, and NCUST customers (odd ones the partner's), committed:
 * the transaction under test starts knowing nothing. */
static kiscrm_db *counted_db(kiscrm_backend **fb, kiscrm_id *partner, kiscrm_id *staff, kiscrm_id *cust)
{
	kiscrm_db_options o = KISCRM_DB_OPTIONS_INIT;
	kiscrm_db *db = NULL;
	assert_rc(KISCRM_OK, kc_failing_backend_new(fb, kc_test_backend_new(), -1));
	o.custom_backend = *fb;
	assert_rc(KISCRM_OK, kiscrm_db_open(&db, &o));
	*partner = kc_test_partner(db, "伙伴甲");
	*staff = kc_test_staff(db, "Alice", kc_test_department(db, "Sales", 0), "sales_rep");
	assert_rc(KISCRM_OK, kiscrm_db_begin(db));
	for (int i = 0; i < NCUST; i++) {
		char name[32];
		snprintf(name, sizeof(name), "客户 %d", i);
		cust[i] = kc_test_partner_customer(db, name, i % 2 ? *partner : 0);
	}
	assert_rc(KISCRM_OK, kiscrm_db_commit(db));
	return db;
}

static void reads_of(kiscrm_backend *fb, int kind, int *by_id, int *scans, int *counts)
{
	assert_int_equal(0, kc_failing_backend_reads(fb, kind, by_id, scans, counts));
}

/* NCUST opportunities, one per customer, in one transaction. Each customer is read by id
 * once (reference check and partner together) until the SWEEP_AFTER-th read; that read
 * is followed by one count and one scan of all customers (ids and partners), and the
 * other NCUST - SWEEP_AFTER customers, and a second opportunity of the first, are not
 * read at all. Every opportunity inherits its customer's partner, swept or read. */
static void test_parents_swept(void **state)
{
	(void)state;
	kiscrm_backend *fb;
	kiscrm_id partner, staff, cust[NCUST], opp[NCUST], again;
	kiscrm_db *db = counted_db(&fb, &partner, &staff, cust);
	int by_id0, scans0, counts0, by_id, scans, counts;
	reads_of(fb, KISCRM_KIND_CUSTOMER, &by_id0, &scans0, &counts0);
	assert_rc(KISCRM_OK, kiscrm_db_begin(db));
	for (int i = 0; i < NCUST; i++)
		assert_rc(KISCRM_OK, insert_opp(db, cust[i], staff, &opp[i]));
	assert_rc(KISCRM_OK, insert_opp(db, cust[0], staff, &again));
	assert_rc(KISCRM_OK, kiscrm_db_commit(db));
	reads_of(fb, KISCRM_KIND_CUSTOMER, &by_id, &scans, &counts);
	assert_int_equal(SWEEP_AFTER, by_id - by_id0);
	assert_int_equal(SWEEP_AFTER + 1, scans - scans0);
	assert_int_equal(1, counts - counts0);
	for (int i = 0; i < NCUST; i++)
		assert_int_equal(i % 2 ? partner : -1, /* -1: NULL, a direct opportunity */
				 kc_test_stored_int(db, KISCRM_KIND_OPPORTUNITY, opp[i], KISCRM_OPPORTUNITY_PARTNER_ID));
	/* a customer deleted after the sweep is missing, like any deleted parent */
	assert_rc(KISCRM_OK, kiscrm_db_begin(db));
	for (int i = 0; i < SWEEP_AFTER; i++)
		assert_rc(KISCRM_OK, insert_opp(db, cust[i], staff, &again));
	assert_rc(KISCRM_OK, kiscrm_record_delete(db, KISCRM_KIND_CUSTOMER, cust[NCUST - 2], KISCRM_DELETE_CASCADE));
	assert_int_equal(KISCRM_ENOTFOUND, insert_opp(db, cust[NCUST - 2], staff, &again));
	assert_rc(KISCRM_OK, kiscrm_db_rollback(db));
	kiscrm_db_free(db);
}

/* Resale in a transaction loading opportunities while no contract exists: each customer's
 * first contract is looked for (one scan of contracts per customer) SWEEP_AFTER times;
 * the next asks once whether any contract exists (one scan, stopped at the first row) and
 * then nothing more. A contract written in the transaction ends that: the next customer
 * is asked about again, and an opportunity created after its signing is resale. */
static void test_resale_without_contracts(void **state)
{
	(void)state;
	kiscrm_backend *fb;
	kiscrm_id partner, staff, cust[NCUST], opp;
	kiscrm_db *db = counted_db(&fb, &partner, &staff, cust);
	int by_id0, scans0, counts0, by_id, scans, counts;
	reads_of(fb, KISCRM_KIND_CONTRACT, &by_id0, &scans0, &counts0);
	assert_rc(KISCRM_OK, kiscrm_db_begin(db));
	for (int i = 0; i < NCUST; i++) {
		assert_rc(KISCRM_OK, insert_opp(db, cust[i], staff, &opp));
		assert_int_equal(0, resale_of(db, opp));
	}
	reads_of(fb, KISCRM_KIND_CONTRACT, &by_id, &scans, &counts);
	assert_int_equal(SWEEP_AFTER + 1, scans - scans0);
	kiscrm_record *c = kc_test_rec(KISCRM_KIND_CONTRACT);
	assert_rc(KISCRM_OK, kiscrm_record_set_int(c, KISCRM_CONTRACT_CUSTOMER_ID, cust[2]));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(c, KISCRM_CONTRACT_OWNER_ID, staff));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(c, KISCRM_CONTRACT_SIGNED, kc_test_day("2026-09-01")));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(c, KISCRM_CONTRACT_AMOUNT, 100000));
	kc_test_insert(db, c);
	assert_rc(KISCRM_OK, insert_opp(db, cust[2], staff, &opp)); /* created 2026-10-01 */
	assert_int_equal(1, resale_of(db, opp));
	assert_rc(KISCRM_OK, insert_opp(db, cust[4], staff, &opp));
	assert_int_equal(0, resale_of(db, opp));
	assert_rc(KISCRM_OK, kiscrm_db_commit(db));
	kiscrm_db_free(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_children_in_same_transaction, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_deleted_parent_is_missing, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_rolled_back_parent_is_missing, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_rerun_forgets, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_updated_parent_partner, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_partner_principal_children, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_resale_follows_contracts, setup, kc_test_fx_teardown),
		cmocka_unit_test(test_parents_swept),
		cmocka_unit_test(test_resale_without_contracts),
	};
	return kc_test_run_both(tests);
}
