/* The PostgreSQL backend's constructor, for kiscrm_db_open() and the tests. Always
 * declared: a build without libpq links absent.c, whose constructor says so. */
#ifndef KC_POSTGRES_H
#define KC_POSTGRES_H

#include "kiscrm/sys/backend.h"

/* Connects to the PostgreSQL database named by @conninfo (a libpq connection string:
 * "postgresql://…" or "key=value …"; NULL or "": libpq's defaults and PG* variables).
 * Returns KISCRM_OK, KISCRM_ESTORAGE (cannot connect, database encoding not UTF8: the
 * message says why), KISCRM_ENOMEM, or KISCRM_ENOTSUPPORTED in a build without libpq. */
int kc_backend_postgres_new(kiscrm_backend **out, const char *conninfo);

/* Test hook: the most rows one result of a scan of @b held so far (a scan reads at most
 * one row more than a batch at once: KISCRM_PG_BATCH, 10,000 by default); 0 in a build
 * without libpq. */
long kc_backend_postgres_largest_result(const kiscrm_backend *b);

/* Test hook: how many distinct-values calls of @b walked the index of grouped fields
 * (loose.c) instead of asking SELECT DISTINCT; 0 in a build without libpq. */
long kc_backend_postgres_index_walks(const kiscrm_backend *b);

#endif
