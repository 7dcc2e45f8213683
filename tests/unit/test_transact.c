/* kiscrm_db_transact: whole-transaction retry on KISCRM_EBUSY, proven with the
 * fault-injecting backend (busy begins and commits), and its refusals. */
#include "helpers.h"
#include "failing_backend.h"
#include "kiscrm/sys/backend.h"

#include <stdlib.h>

typedef struct {
	kiscrm_db *db;
	kiscrm_backend *fb; /* the wrapper, owned by db */
} fx;

/* Fast pauses: the tests prove the reruns, not the timing. */
static const kiscrm_transact_options fast = { KISCRM_TRANSACT_OPTIONS_VERSION, 5, 1, 2 };

static int setup(void **state)
{
	fx *f = calloc(1, sizeof(*f));
	kiscrm_backend *inner = NULL;
	kiscrm_db_options o = KISCRM_DB_OPTIONS_INIT;

	if (!f || kiscrm_backend_memory_new(&inner) != KISCRM_OK ||
	    kc_failing_backend_new(&f->fb, inner, -1) != KISCRM_OK)
		return -1;
	o.custom_backend = f->fb;
	if (kiscrm_db_open(&f->db, &o) != KISCRM_OK)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	kiscrm_db_free(f->db);
	free(f);
	return 0;
}

/* The unit of work: inserts one customer; on its first `busy_runs` runs it then fails
 * with KISCRM_EBUSY as a statement inside a transaction could. */
typedef struct {
	int runs;
	int busy_runs;
	const char *name;
	int leave_open; /* opens a nested transaction and does not close it */
} work;

static int insert_customer(kiscrm_db *db, void *payload)
{
	work *w = payload;
	kiscrm_record *r = NULL;
	int rc;

	w->runs++;
	if ((rc = kiscrm_record_new(&r, KISCRM_KIND_CUSTOMER)) != 0)
		return rc;
	if ((rc = kiscrm_record_set_text(r, KISCRM_CUSTOMER_NAME, w->name)) == 0)
		rc = kiscrm_record_insert(db, r);
	kiscrm_record_free(r);
	if (rc == 0 && w->runs <= w->busy_runs)
		rc = kiscrm_backend_error(KISCRM_EBUSY, "database is locked (injected in the work)");
	if (rc == 0 && w->leave_open)
		rc = kiscrm_db_begin(db);
	return rc;
}

static size_t customers(fx *f)
{
	return kc_test_count(f->db, KISCRM_KIND_CUSTOMER, NULL);
}

static void test_busy_begin_then_success(void **state)
{
	fx *f = *state;
	work w = { 0, 0, "Acme", 0 };

	kc_failing_backend_busy(f->fb, 3, 0);
	assert_rc(KISCRM_OK, kiscrm_db_transact(f->db, insert_customer, &w, &fast));
	/* three busy begins, the fourth passed; the work ran once, after it */
	assert_int_equal(kc_failing_backend_begins(f->fb), 4);
	assert_int_equal(w.runs, 1);
	assert_int_equal(customers(f), 1);
}

static void test_busy_commit_reruns_whole_work(void **state)
{
	fx *f = *state;
	work w = { 0, 0, "Acme", 0 };

	kc_failing_backend_busy(f->fb, 0, 2);
	assert_rc(KISCRM_OK, kiscrm_db_transact(f->db, insert_customer, &w, &fast));
	/* two commits were busy: each run was rolled back and the work ran again */
	assert_int_equal(kc_failing_backend_commits(f->fb), 3);
	assert_int_equal(w.runs, 3);
	assert_int_equal(customers(f), 1);
}

static void test_busy_inside_work_reruns(void **state)
{
	fx *f = *state;
	work w = { 0, 2, "Acme", 0 };

	assert_rc(KISCRM_OK, kiscrm_db_transact(f->db, insert_customer, &w, &fast));
	/* the inserts of the two busy runs were rolled back */
	assert_int_equal(w.runs, 3);
	assert_int_equal(customers(f), 1);
}

static void test_other_errors_not_retried(void **state)
{
	fx *f = *state;
	work w = { 0, 0, NULL, 0 }; /* no name: the store refuses the customer */

	assert_rc(KISCRM_EINVALID, kiscrm_db_transact(f->db, insert_customer, &w, &fast));
	assert_msg_has("customer.name is required");
	assert_int_equal(w.runs, 1);
	assert_int_equal(kc_failing_backend_begins(f->fb), 1);

	/* a storage failure at commit is not retried either, and nothing is stored */
	work ok = { 0, 0, "Acme", 0 };
	kc_failing_backend_set(f->fb, 2); /* the insert and its audit entry pass, the commit fails */
	assert_rc(KISCRM_ESTORAGE, kiscrm_db_transact(f->db, insert_customer, &ok, &fast));
	assert_msg_has("injected storage failure on commit");
	assert_int_equal(ok.runs, 1);
	kc_failing_backend_set(f->fb, -1);
	assert_int_equal(customers(f), 0);
}

static void test_attempts_exhausted(void **state)
{
	fx *f = *state;
	work w = { 0, 0, "Acme", 0 };

	kc_failing_backend_busy(f->fb, 100, 0);
	assert_rc(KISCRM_EBUSY, kiscrm_db_transact(f->db, insert_customer, &w, &fast));
	assert_msg_has("gave up after 5 attempts");
	assert_msg_has("database is locked");
	assert_int_equal(kc_failing_backend_begins(f->fb), 5);
	assert_int_equal(w.runs, 0);

	/* max_attempts 1: never rerun */
	kiscrm_transact_options once = fast;
	once.max_attempts = 1;
	kc_failing_backend_busy(f->fb, 0, 1);
	assert_rc(KISCRM_EBUSY, kiscrm_db_transact(f->db, insert_customer, &w, &once));
	assert_msg_has("gave up after 1 attempt:");
	assert_int_equal(w.runs, 1);
	assert_int_equal(customers(f), 0);
	/* the handle is usable: no transaction was left open */
	kc_failing_backend_busy(f->fb, 0, 0);
	assert_rc(KISCRM_OK, kiscrm_db_transact(f->db, insert_customer, &w, NULL));
	assert_int_equal(customers(f), 1);
}

static void test_refusals(void **state)
{
	fx *f = *state;
	work w = { 0, 0, "Acme", 0 };
	kiscrm_transact_options o;

	/* inside an open transaction a rerun cannot repeat the caller's part */
	assert_rc(KISCRM_OK, kiscrm_db_begin(f->db));
	assert_rc(KISCRM_EINVALID, kiscrm_db_transact(f->db, insert_customer, &w, NULL));
	assert_msg_has("inside an open transaction");
	assert_rc(KISCRM_OK, kiscrm_db_commit(f->db));
	assert_int_equal(w.runs, 0);

	/* a unit of work that leaves a nested transaction open is rolled back */
	w.leave_open = 1;
	assert_rc(KISCRM_EINVALID, kiscrm_db_transact(f->db, insert_customer, &w, NULL));
	assert_msg_has("left a nested transaction open");
	assert_int_equal(customers(f), 0);
	w.leave_open = 0;
	assert_rc(KISCRM_OK, kiscrm_db_transact(f->db, insert_customer, &w, NULL));
	assert_int_equal(customers(f), 1);

	assert_rc(KISCRM_EINVALID, kiscrm_db_transact(NULL, insert_customer, &w, NULL));
	assert_rc(KISCRM_EINVALID, kiscrm_db_transact(f->db, NULL, &w, NULL));
	assert_rc(KISCRM_OK, kiscrm_transact_options_init(&o, KISCRM_TRANSACT_OPTIONS_VERSION));
	assert_int_equal(o.max_attempts, 0);
	o.max_backoff_ms = -1;
	assert_rc(KISCRM_EINVALID, kiscrm_db_transact(f->db, insert_customer, &w, &o));
	assert_string_equal(kiscrm_error_last()->field, "max_backoff_ms");
	o.max_backoff_ms = 0;
	o.version = KISCRM_TRANSACT_OPTIONS_VERSION + 1;
	assert_rc(KISCRM_EVERSION, kiscrm_db_transact(f->db, insert_customer, &w, &o));
	assert_rc(KISCRM_EVERSION, kiscrm_transact_options_init(&o, 0));
	assert_rc(KISCRM_EINVALID, kiscrm_transact_options_init(NULL, 1));
}

static void test_retryable_codes(void **state)
{
	(void)state;
	assert_int_equal(kiscrm_error_is_retryable(KISCRM_EBUSY), 1);
	for (int code = KISCRM_OK; code >= KISCRM_EUSER; code--)
		if (code != KISCRM_EBUSY)
			assert_int_equal(kiscrm_error_is_retryable(code), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_busy_begin_then_success, setup, teardown),
		cmocka_unit_test_setup_teardown(test_busy_commit_reruns_whole_work, setup, teardown),
		cmocka_unit_test_setup_teardown(test_busy_inside_work_reruns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_errors_not_retried, setup, teardown),
		cmocka_unit_test_setup_teardown(test_attempts_exhausted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
		cmocka_unit_test(test_retryable_codes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
