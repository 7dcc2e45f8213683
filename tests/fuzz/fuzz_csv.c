/* Fuzz target: the CSV importer (kiscrm_csv_import_data) over memory, into a database on
 * the memory backend.
 *
 * Input: byte 0 chooses the kind (low 5 bits, modulo the kinds below) and the flags
 * (bit 5: KISCRM_IMPORT_KEEP_IDS, bit 6: KISCRM_IMPORT_RAW, bit 7: a "gbk" encoding);
 * the rest is the CSV text. The database holds a department (id 1), a staff member
 * (id 1), a customer (id 1) and an opportunity (id 1), so that references can resolve.
 * Each import runs inside an outer transaction that is rolled back afterwards, so every
 * input sees the same database. Invariants: no crash; the result is OK or an error with a
 * message; the error table, when given, has as many rows as the error says and is never
 * given on other errors; after the rollback the database is unchanged. */
#include "fuzz.h"

#include <string.h>

#include "kiscrm.h"

static const int kinds[] = {
	KISCRM_KIND_OPPORTUNITY, KISCRM_KIND_CUSTOMER, KISCRM_KIND_CONTACT, KISCRM_KIND_STAFF,
	KISCRM_KIND_DEPARTMENT, KISCRM_KIND_LEAD, KISCRM_KIND_CONTRACT,
	KISCRM_KIND_COLLECTION_PLAN, KISCRM_KIND_COLLECTION, KISCRM_KIND_STAGE_HISTORY,
	KISCRM_KIND_TARGET, KISCRM_KIND_CUSTOMER_ATTR,
};

static kiscrm_db *g_db;

static void must(int rc, const char *what)
{
	FUZZ_ASSERT(rc == KISCRM_OK, "setup %s: %d %s", what, rc, kiscrm_error_last()->message);
}

static kiscrm_record *rec(int kind)
{
	kiscrm_record *r = NULL;

	must(kiscrm_record_new(&r, kind), "record_new");
	return r;
}

static void put(kiscrm_record *r)
{
	must(kiscrm_record_insert(g_db, r), "insert");
	kiscrm_record_free(r);
}

static void cleanup(void)
{
	kiscrm_db_free(g_db);
	g_db = NULL;
}

static void setup(void)
{
	kiscrm_db_options o = KISCRM_DB_OPTIONS_INIT;
	kiscrm_record *r;

	o.backend = "memory";
	must(kiscrm_db_open(&g_db, &o), "open");
	must(kiscrm_db_set_today(g_db, 20416), "business date"); /* 2025-11-24 */
	r = rec(KISCRM_KIND_DEPARTMENT);
	kiscrm_record_set_text(r, KISCRM_DEPARTMENT_NAME, "Sales");
	put(r);
	r = rec(KISCRM_KIND_STAFF);
	kiscrm_record_set_text(r, KISCRM_STAFF_NAME, "Alice");
	kiscrm_record_set_int(r, KISCRM_STAFF_DEPARTMENT_ID, 1);
	kiscrm_record_set_text(r, KISCRM_STAFF_ROLE, "sales_rep");
	put(r);
	r = rec(KISCRM_KIND_CUSTOMER);
	kiscrm_record_set_text(r, KISCRM_CUSTOMER_NAME, "Acme");
	put(r);
	r = rec(KISCRM_KIND_OPPORTUNITY);
	kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_NAME, "ERP");
	kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_OWNER_ID, 1);
	kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_CUSTOMER_ID, 1);
	kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_STAGE, "opportunity");
	put(r);
	atexit(cleanup);
}

/* Number of records of a kind (the database must be the same after every input). */
static size_t count(int kind)
{
	kiscrm_iter *it = NULL;
	const kiscrm_record *r;
	size_t n = 0;

	must(kiscrm_iter_new(&it, g_db, kind, NULL), "iter");
	while (kiscrm_iter_next(&r, it) == KISCRM_OK)
		n++;
	kiscrm_iter_free(it);
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	kiscrm_import_options opts = KISCRM_IMPORT_OPTIONS_INIT;
	kiscrm_table *errors = NULL;
	size_t imported = 99, before;
	int kind, rc;

	if (size < 1)
		return 0;
	if (!g_db)
		setup();
	kind = kinds[(data[0] & 31) % (sizeof(kinds) / sizeof(kinds[0]))];
	opts.flags = (data[0] & 32 ? KISCRM_IMPORT_KEEP_IDS : 0) | (data[0] & 64 ? KISCRM_IMPORT_RAW : 0);
	opts.encoding = data[0] & 128 ? "gbk" : NULL;
	opts.max_errors = 5;
	before = count(kind);

	must(kiscrm_db_begin(g_db), "begin");
	rc = kiscrm_csv_import_data(&imported, &errors, g_db, kind, (const char *)data + 1, size - 1,
				    "fuzz.csv", &opts);
	if (rc == KISCRM_OK) {
		FUZZ_ASSERT(errors && kiscrm_table_row_count(errors) == 0, "OK with error rows");
	} else {
		FUZZ_ASSERT(imported == 0, "%zu imported on error %d", imported, rc);
		FUZZ_ASSERT(kiscrm_error_last()->message && kiscrm_error_last()->message[0],
			    "error %d without message", rc);
		if (rc == KISCRM_EIMPORT)
			FUZZ_ASSERT(errors && kiscrm_table_row_count(errors) > 0 &&
					    kiscrm_table_row_count(errors) <= opts.max_errors + 1,
				    "EIMPORT with %zu error rows",
				    errors ? kiscrm_table_row_count(errors) : 0);
		else
			FUZZ_ASSERT(!errors, "error table on error %d", rc);
	}
	if (errors) {
		/* Writing the error table exercises the quoting of arbitrary cell text. */
		kiscrm_buf b = KISCRM_BUF_INIT;

		kiscrm_table_write_csv(&b, errors);
		kiscrm_table_write_json(&b, errors);
		kiscrm_buf_dispose(&b);
	}
	kiscrm_table_free(errors);
	rc = kiscrm_db_rollback(g_db); /* ends the outer transaction */
	FUZZ_ASSERT(rc == KISCRM_OK, "rollback: %d %s", rc, kiscrm_error_last()->message);
	FUZZ_ASSERT(count(kind) == before, "database changed after rollback");
	return 0;
}
