/* Errors of the PostgreSQL backend: a failed command as a kiscrm error, with the
 * server's message and SQLSTATE, and the retryable conditions mapped to KISCRM_EBUSY.
 * The lowest layer of the backend: everything that talks to the server reports here. */
#include "pg_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Serialization failures and deadlocks are the retryable condition of the library
 * (kiscrm_error_is_retryable), as is a lock wait cut short by lock_timeout. */
static int map_sqlstate(const char *state)
{
	if (!state)
		return KISCRM_ESTORAGE;
	if (!strcmp(state, "40001") || !strcmp(state, "40P01") || !strcmp(state, "55P03"))
		return KISCRM_EBUSY;
	if (!strcmp(state, "23505"))
		return KISCRM_EEXISTS;
	return KISCRM_ESTORAGE;
}

/* Reports a failed command: "<what>: <server's message> (SQLSTATE xxxxx)". */
int pg_fail_result(pg_backend *be, const PGresult *res, const char *fmt, ...)
{
	char what[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	if (!msg) {
		/* No result or no server message: libpq's own text (connection lost, out of
		 * memory), without its trailing newline. */
		msg = PQerrorMessage(be->conn);
	}
	size_t len = strlen(msg);
	while (len && (msg[len - 1] == '\n' || msg[len - 1] == ' '))
		len--;
	return kc_error_set(map_sqlstate(state), "%s: %.*s%s%s%s", what, (int)len, msg,
			    state ? " (SQLSTATE " : "", state ? state : "", state ? ")" : "");
}
