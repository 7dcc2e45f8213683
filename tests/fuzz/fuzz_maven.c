/* Fuzz target: `kiscrm import maven` (examples/kiscrm/maven_build.c) from the text of its
 * four files to the import into a database on the memory backend.
 *
 * Input: the four files accounts.csv, products.csv, sales_teams.csv and
 * sales_pipeline.csv in that order, separated by the byte 0x1E (ASCII record separator);
 * missing files are empty. The import runs inside an outer transaction that is rolled
 * back afterwards, so every input sees the same empty database. Invariants: no crash; a
 * refused input has a message that names one of the files; a built input either imports
 * or fails with a library message; after the rollback the database is empty again. */
#include "fuzz.h"

#include <string.h>

#include "kiscrm.h"
#include "../../examples/kiscrm/maven_build.h"

static kiscrm_db *g_db;
static const char *g_stages[4];

static void cleanup(void)
{
	kiscrm_db_free(g_db);
	g_db = NULL;
}

static void setup(void)
{
	kiscrm_db_options o = KISCRM_DB_OPTIONS_INIT;
	char err[256];
	o.backend = "memory";
	FUZZ_ASSERT(kiscrm_db_open(&g_db, &o) == KISCRM_OK, "open: %s", kiscrm_error_last()->message);
	FUZZ_ASSERT(kiscrm_db_set_today(g_db, 20416) == KISCRM_OK, "business date"); /* 2025-11-24 */
	FUZZ_ASSERT(maven_stage_keys(kiscrm_db_config(g_db), g_stages, err, sizeof(err)) == 0,
		    "stage keys: %s", err);
	atexit(cleanup);
}

static size_t count(int kind)
{
	kiscrm_iter *it = NULL;
	const kiscrm_record *r;
	size_t n = 0;
	FUZZ_ASSERT(kiscrm_iter_new(&it, g_db, kind, NULL) == KISCRM_OK, "iter");
	while (kiscrm_iter_next(&r, it) == KISCRM_OK)
		n++;
	kiscrm_iter_free(it);
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	maven_input in[MAVEN_NFILES];
	maven_csv csv;
	char err[1024] = "";
	const char *p = (const char *)data, *end = p + size;

	if (!g_db)
		setup();
	for (int f = 0; f < MAVEN_NFILES; f++) {
		const char *sep = f < MAVEN_NFILES - 1 ? memchr(p, 0x1E, (size_t)(end - p)) : NULL;
		const char *stop = sep ? sep : end;
		in[f] = (maven_input){ maven_file_names[f], p, (size_t)(stop - p) };
		p = sep ? sep + 1 : end;
	}
	if (maven_build(&csv, in, g_stages, err, sizeof(err)) != 0) {
		int named = 0;
		for (int f = 0; f < MAVEN_NFILES; f++)
			named |= strstr(err, maven_file_names[f]) != NULL;
		FUZZ_ASSERT(named || strstr(err, "out of memory"), "error names no file: %s", err);
		for (int k = 0; k < MAVEN_NKINDS; k++)
			FUZZ_ASSERT(csv.text[k].size == 0, "refused input left text");
		return 0;
	}
	size_t counts[MAVEN_NKINDS];
	const char *failed = NULL;
	kiscrm_table *errors = NULL;
	FUZZ_ASSERT(kiscrm_db_begin(g_db) == KISCRM_OK, "begin");
	int rc = maven_import(g_db, &csv, counts, &failed, &errors);
	if (rc != KISCRM_OK)
		FUZZ_ASSERT(failed && kiscrm_error_last()->message[0], "failure %d without a message", rc);
	kiscrm_table_free(errors);
	FUZZ_ASSERT(kiscrm_db_rollback(g_db) == KISCRM_OK, "rollback: %s", kiscrm_error_last()->message);
	FUZZ_ASSERT(count(KISCRM_KIND_OPPORTUNITY) == 0 && count(KISCRM_KIND_STAFF) == 0,
		    "database changed after rollback");
	maven_csv_dispose(&csv);
	return 0;
}
