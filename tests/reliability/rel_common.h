/* Helpers shared by the reliability programs (crash safety, concurrency). They use the
 * public API only, so that what is proven is what applications get. */
#ifndef KC_REL_COMMON_H
#define KC_REL_COMMON_H

/* The business date (kiscrm_db_set_today) of the databases rel_open() opens: 2025-11-24. */
#define REL_TODAY 20416

#include "kiscrm.h"

#include <stdio.h>

/* The people and the customer every reliability scenario writes against. */
typedef struct rel_fixture {
	kiscrm_id department;
	kiscrm_id staff;
	kiscrm_id customer;
} rel_fixture;

/* Prints "<what>: <code> <last error message>" to stderr and returns rc. */
int rel_report(const char *what, int rc);

/* Opens the SQLite file @path with a busy timeout (0: the library's default). */
int rel_open(kiscrm_db **out, const char *path, int busy_timeout_ms);

/* Inserts one department, one staff member and one customer (one transaction). */
int rel_fixture_create(rel_fixture *fx, kiscrm_db *db);

/* Finds the fixture of rel_fixture_create() again (the lowest id of each kind). */
int rel_fixture_find(rel_fixture *fx, kiscrm_db *db);

/*
 * Inserts an opportunity of the fixture's staff and customer in stage "opportunity".
 * @expected_close may be KISCRM_DATE_NONE; @external_ref may be NULL. *id gets its id.
 */
int rel_insert_opportunity(kiscrm_id *id, kiscrm_db *db, const rel_fixture *fx, const char *name,
			   kiscrm_money amount, kiscrm_date expected_close, const char *external_ref);

/* A failed check in a reliability test: says where and counts it in the including
 * file's `static int failures`, so that a run reports every failure, not the first. */
#define CHECK(cond, ...)                                                                 \
	do {                                                                             \
		if (!(cond)) {                                                           \
			fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);             \
			fprintf(stderr, __VA_ARGS__);                                    \
			fputc('\n', stderr);                                             \
			failures++;                                                      \
		}                                                                        \
	} while (0)

#endif
