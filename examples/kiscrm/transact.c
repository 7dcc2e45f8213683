/* Write commands run their work through kiscrm_db_transact(): when another process holds
 * the database (a bulk import, other writers), the whole unit of work is rerun after a
 * jittered pause instead of showing "database is locked" to the user. */
#include "cli.h"

int cli_transact(cli *c, kiscrm_transact_fn fn, void *payload)
{
	/* Patient: a command line may wait behind a long import. Each attempt already
	 * waits up to the busy timeout (5 s) for the lock; 40 attempts with pauses of up to
	 * one second cover imports of several minutes. */
	kiscrm_transact_options o = KISCRM_TRANSACT_OPTIONS_INIT;
	o.max_attempts = 40;
	o.initial_backoff_ms = 10;
	o.max_backoff_ms = 1000;
	return kiscrm_db_transact(c->db, fn, payload, &o);
}
