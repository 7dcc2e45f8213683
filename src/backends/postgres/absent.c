/* The PostgreSQL backend in a build without libpq: the name stays known, so that the
 * error says what is missing instead of "unknown storage backend". */
#include "postgres.h"
#include "core/error.h"

int kc_backend_postgres_new(kiscrm_backend **out, const char *conninfo)
{
	(void)conninfo;
	if (out)
		*out = NULL;
	return kc_error_set(KISCRM_ENOTSUPPORTED,
			    "this libkiscrm was built without PostgreSQL support (libpq was not "
			    "found; rebuild with -Dpostgresql=enabled)");
}

long kc_backend_postgres_largest_result(const kiscrm_backend *b)
{
	(void)b;
	return 0;
}

long kc_backend_postgres_index_walks(const kiscrm_backend *b)
{
	(void)b;
	return 0;
}
