/* The process the crash test kills: one large write in one transaction.
 *
 *   crash_helper setup DB                    department, staff, customer
 *   crash_helper setup-snapshot DB N FIRST   the above + N open opportunities expected from
 *                                            day FIRST on, one per day modulo 120 days
 *   crash_helper import DB BATCH N           N opportunities by kiscrm_record_insert in one
 *                                            kiscrm_db_begin/commit
 *   crash_helper csv DB BATCH N              the same N opportunities by kiscrm_csv_import_data
 *   crash_helper snapshot DB AS_OF           kiscrm_budget_snapshot of the week of AS_OF
 *
 * It prints "B\n" on stdout when the write has started (the transaction is open) and
 * "C\n" when it has committed, so that the test kills it in the middle and knows whether
 * it finished. Opportunity j of batch b is named and referenced "b<b>-<j>" with the
 * amount crash_amount(b, j) of crash_shared.h. */
#include "crash_shared.h"
#include "rel_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void say(const char *what)
{
	fputs(what, stdout);
	fflush(stdout);
}

static int do_setup(kiscrm_db *db)
{
	rel_fixture fx;

	return rel_fixture_create(&fx, db);
}

static int do_setup_snapshot(kiscrm_db *db, long n, kiscrm_date first)
{
	rel_fixture fx;
	char name[64];
	int rc;

	if ((rc = rel_fixture_create(&fx, db)) < 0 || (rc = kiscrm_db_begin(db)) < 0)
		return rc;
	for (long j = 0; j < n; j++) {
		snprintf(name, sizeof(name), "s-%ld", j);
		rc = rel_insert_opportunity(NULL, db, &fx, name, crash_amount(0, j),
					    (kiscrm_date)(first + j % 120), name);
		if (rc < 0) {
			kiscrm_db_rollback(db);
			return rc;
		}
	}
	return kiscrm_db_commit(db);
}

static int do_import(kiscrm_db *db, long batch, long n)
{
	rel_fixture fx;
	char name[64];
	int rc;

	if ((rc = rel_fixture_find(&fx, db)) < 0 || (rc = kiscrm_db_begin(db)) < 0)
		return rc;
	say("B\n");
	for (long j = 0; j < n; j++) {
		snprintf(name, sizeof(name), "b%ld-%ld", batch, j);
		rc = rel_insert_opportunity(NULL, db, &fx, name, crash_amount(batch, j),
					    KISCRM_DATE_NONE, name);
		if (rc < 0) {
			kiscrm_db_rollback(db);
			return rc;
		}
	}
	return kiscrm_db_commit(db);
}

static int do_csv(kiscrm_db *db, long batch, long n)
{
	rel_fixture fx;
	size_t cap = 128 + (size_t)n * 96, len;
	char *text = malloc(cap);
	size_t imported = 0;
	int rc;

	if (!text)
		return KISCRM_ENOMEM;
	if ((rc = rel_fixture_find(&fx, db)) < 0) {
		free(text);
		return rc;
	}
	len = (size_t)snprintf(text, cap, "name,owner_id,customer_id,stage,amount,external_ref\n");
	for (long j = 0; j < n; j++) {
		kiscrm_money a = crash_amount(batch, j);

		len += (size_t)snprintf(text + len, cap - len,
					"b%ld-%ld,%lld,%lld,opportunity,%lld.%02lld,b%ld-%ld\n", batch, j,
					(long long)fx.staff, (long long)fx.customer,
					(long long)(a / 100), (long long)(a % 100), batch, j);
	}
	say("B\n");
	rc = kiscrm_csv_import_data(&imported, NULL, db, KISCRM_KIND_OPPORTUNITY, text, len,
				    "crash.csv", NULL);
	free(text);
	if (rc == KISCRM_OK && imported != (size_t)n) {
		fprintf(stderr, "csv import stored %zu records, expected %ld\n", imported, n);
		return KISCRM_ERROR;
	}
	return rc;
}

static int do_snapshot(kiscrm_db *db, kiscrm_date as_of)
{
	kiscrm_id id = 0;

	say("B\n");
	return kiscrm_budget_snapshot(&id, db, as_of);
}

int main(int argc, char **argv)
{
	kiscrm_db *db = NULL;
	const char *mode, *path;
	int rc;

	if (argc < 3) {
		fprintf(stderr, "usage: crash_helper MODE DB [ARGS]\n");
		return 2;
	}
	mode = argv[1];
	path = argv[2];
	if ((rc = rel_open(&db, path, 0)) < 0)
		return rel_report("open", rc), 1;

	if (!strncmp(mode, "setup", 5))
		say("B\n");
	if (!strcmp(mode, "setup"))
		rc = do_setup(db);
	else if (!strcmp(mode, "setup-snapshot") && argc == 5)
		rc = do_setup_snapshot(db, atol(argv[3]), (kiscrm_date)atol(argv[4]));
	else if (!strcmp(mode, "import") && argc == 5)
		rc = do_import(db, atol(argv[3]), atol(argv[4]));
	else if (!strcmp(mode, "csv") && argc == 5)
		rc = do_csv(db, atol(argv[3]), atol(argv[4]));
	else if (!strcmp(mode, "snapshot") && argc == 4)
		rc = do_snapshot(db, (kiscrm_date)atol(argv[3]));
	else {
		fprintf(stderr, "crash_helper: bad mode or arguments '%s'\n", mode);
		kiscrm_db_free(db);
		return 2;
	}
	if (rc < 0) {
		rel_report(mode, rc);
		kiscrm_db_free(db);
		return 1;
	}
	say("C\n");
	kiscrm_db_free(db);
	return 0;
}
