/* kiscrm_db_transact: a unit of work in a transaction, rerun whole on a retryable error
 * (KISCRM_EBUSY) after a jittered exponential pause. The pauses use a generator seeded
 * from addresses and a per-thread counter: no clock is read, and writers that collided
 * (other threads, other processes with their own address layout) draw different pauses. */
#include "db.h"
#include "core/error.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#ifdef _WIN32
#include <windows.h>
#endif

#define DEFAULT_ATTEMPTS 20
#define DEFAULT_INITIAL_MS 5
#define DEFAULT_MAX_MS 500

static _Thread_local uint64_t tl_calls;

int kiscrm_transact_options_init(kiscrm_transact_options *opts, unsigned int version)
{
	if (!opts)
		return kc_error_set(KISCRM_EINVALID, "options pointer is NULL");
	if (version < 1 || version > KISCRM_TRANSACT_OPTIONS_VERSION)
		return kc_error_set(KISCRM_EVERSION,
				    "kiscrm_transact_options version %u not supported (1..%d)", version,
				    KISCRM_TRANSACT_OPTIONS_VERSION);
	kiscrm_transact_options def = KISCRM_TRANSACT_OPTIONS_INIT;
	def.version = version;
	*opts = def;
	return KISCRM_OK;
}

/* The caller's options with defaults for zeros, checked. */
static int resolve(kiscrm_transact_options *o, const kiscrm_transact_options *opts)
{
	kiscrm_transact_options def = KISCRM_TRANSACT_OPTIONS_INIT;
	*o = def;
	if (opts) {
		if (opts->version < 1 || opts->version > KISCRM_TRANSACT_OPTIONS_VERSION)
			return kc_error_set(KISCRM_EVERSION,
					    "kiscrm_transact_options version %u not supported (1..%d)",
					    opts->version, KISCRM_TRANSACT_OPTIONS_VERSION);
		/* Version 1 is the only one so far: every field is known. */
		*o = *opts;
	}
	const struct {
		const char *name;
		int *v;
		int def;
	} f[] = { { "max_attempts", &o->max_attempts, DEFAULT_ATTEMPTS },
		  { "initial_backoff_ms", &o->initial_backoff_ms, DEFAULT_INITIAL_MS },
		  { "max_backoff_ms", &o->max_backoff_ms, DEFAULT_MAX_MS } };
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		if (*f[i].v < 0) {
			char v[16];
			snprintf(v, sizeof(v), "%d", *f[i].v);
			return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, f[i].name, v,
					       "kiscrm_transact_options.%s is negative (%s)", f[i].name, v);
		}
		if (*f[i].v == 0)
			*f[i].v = f[i].def;
	}
	if (o->max_backoff_ms < o->initial_backoff_ms)
		o->max_backoff_ms = o->initial_backoff_ms;
	return KISCRM_OK;
}

/* splitmix64: small, and good enough to spread pauses. */
static uint64_t next_random(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void pause_ms(long ms)
{
#ifdef _WIN32
	Sleep((DWORD)ms);
#else
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L }, rem;
	while (nanosleep(&ts, &rem) != 0 && errno == EINTR)
		ts = rem;
#endif
}

/* Pause before run @attempt (2, 3 …): a random time between half the bound and the
 * bound, the bound doubling from initial_backoff_ms up to max_backoff_ms. */
static void backoff(const kiscrm_transact_options *o, int attempt, uint64_t *rng)
{
	long bound = o->initial_backoff_ms;
	for (int i = 2; i < attempt && bound < o->max_backoff_ms; i++)
		bound *= 2;
	if (bound > o->max_backoff_ms)
		bound = o->max_backoff_ms;
	long half = bound / 2;
	pause_ms(half + (long)(next_random(rng) % (uint64_t)(bound - half + 1)));
}

/* Ends a failed run: closes what fn left open and rolls the transaction back, keeping
 * rc and its message. */
static int abandon(kiscrm_db *db, int rc)
{
	while (db->tx_depth > 1)
		kiscrm_db_rollback(db);
	return db->tx_depth == 1 ? kc_tx_end(db, rc) : rc;
}

/* One run: begin, fn, commit. */
static int run_once(kiscrm_db *db, kiscrm_transact_fn fn, void *payload)
{
	int rc = kiscrm_db_begin(db);
	if (rc)
		return rc;
	rc = fn(db, payload);
	if (rc > 0)
		rc = kc_error_set(KISCRM_EINVALID,
				  "kiscrm_db_transact: the unit of work returned %d; it must return "
				  "KISCRM_OK or a negative error code", rc);
	if (rc == 0 && db->tx_depth != 1)
		rc = kc_error_set(KISCRM_EINVALID,
				  "kiscrm_db_transact: the unit of work %s; it must close every "
				  "transaction it opens and leave the outer one to kiscrm_db_transact",
				  db->tx_depth == 0 ? "ended the transaction itself"
						    : "left a nested transaction open");
	if (rc)
		return abandon(db, rc);
	return kiscrm_db_commit(db); /* a failed commit rolls back and ends the transaction */
}

int kiscrm_db_transact(kiscrm_db *db, kiscrm_transact_fn fn, void *payload,
		       const kiscrm_transact_options *opts)
{
	kiscrm_transact_options o;
	int rc = kc_check_db(db);
	if (rc || (rc = resolve(&o, opts)) != 0)
		return rc;
	if (!fn)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_db_transact: the unit of work is NULL");
	if (db->tx_depth > 0)
		return kc_error_set(KISCRM_EINVALID,
				    "kiscrm_db_transact called inside an open transaction: a rerun "
				    "cannot repeat what the caller did before it; commit or roll back "
				    "first, or put the whole unit of work in the function");
	uint64_t rng = (uint64_t)(uintptr_t)db ^ ((uint64_t)(uintptr_t)&o << 17) ^
		       (++tl_calls * 0xd1b54a32d192ed03ULL);
	for (int attempt = 1;; attempt++) {
		rc = run_once(db, fn, payload);
		if (rc == 0 || !kiscrm_error_is_retryable(rc))
			return rc;
		if (attempt >= o.max_attempts) {
			char msg[1024];
			snprintf(msg, sizeof(msg), "%s", kiscrm_error_last()->message);
			return kc_error_set(rc, "gave up after %d attempt%s: %s", attempt,
					    attempt == 1 ? "" : "s", msg);
		}
		backoff(&o, attempt + 1, &rng);
	}
}
