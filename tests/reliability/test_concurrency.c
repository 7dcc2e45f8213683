/* Concurrency: several processes, each with several threads, every thread with its own
 * kiscrm_db handle, write to one SQLite file at once. Nothing may be lost and no error
 * may escape except the documented busy condition.
 *
 * Workload of each worker (PROCS processes × THREADS threads), ROUNDS times:
 *   1. insert an opportunity of its own (amount worker·1000 + round + 1, stage
 *      "opportunity", customer, amount and expected close set so that it can move on);
 *   2. move it to "diagnosis", then to "design" (kiscrm_opportunity_move, each its own
 *      transaction that also appends to the stage history);
 *   3. add 1 to the amount of ONE shared counter opportunity in an explicit transaction
 *      (kiscrm_db_begin, kiscrm_record_get, kiscrm_record_update, kiscrm_db_commit): the
 *      classic read-modify-write that loses updates when writers are not serialised.
 *
 * Retry policy (what an application must do, and the only tolerated error): when a call
 * returns KISCRM_EBUSY — another connection held the write lock for longer than the busy
 * timeout — the whole unit of work is retried from its start (for an explicit
 * transaction: roll back, which ends it, then begin again and re-read) after a randomised back-off
 * of 1 ms doubling to at most 32 ms, up to MAX_ATTEMPTS times. Nothing of a unit that
 * returned KISCRM_EBUSY is stored (see kiscrm_db_commit()), so retrying cannot double
 * it. Half of the handles use a short busy timeout (5 ms) so that the retry path is
 * really taken; the others use the library's default (5000 ms). Any other error, or
 * exhausting the attempts, fails the test.
 *
 * At the end, checked exactly with SQLite directly:
 *   - opportunities = 1 counter + PROCS·THREADS·ROUNDS, their amounts' sum as derived in
 *     expected_sum();
 *   - every worker opportunity is in stage "design";
 *   - stage-history entries = one creation entry per opportunity + 2 moves per worker
 *     opportunity;
 *   - the counter's amount = PROCS·THREADS·ROUNDS (no lost update);
 *   - PRAGMA integrity_check is "ok". */
#include "rel_common.h"

#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PROCS 3
#define THREADS 3
#define ROUNDS 100
#define WORKERS (PROCS * THREADS)
#define MAX_ATTEMPTS 10000
#define SHORT_BUSY_MS 5

static char g_path[300];
static rel_fixture g_fx;
static kiscrm_id g_counter;

typedef struct worker {
	int index;          /* 0 … WORKERS−1 */
	unsigned int seed;
	long busy_retries;  /* KISCRM_EBUSY seen and retried */
	int failed;         /* another error escaped */
} worker;

static void backoff(worker *w, int attempt)
{
	int max_ms = attempt < 5 ? 1 << attempt : 32;
	struct timespec ts;
	long us = 1000 + (long)(rand_r(&w->seed) % (unsigned int)(max_ms * 1000));

	ts.tv_sec = 0;
	ts.tv_nsec = us * 1000;
	nanosleep(&ts, NULL);
}

/* Reports an error that is not KISCRM_EBUSY; returns 1 when the unit must be retried. */
static int must_retry(worker *w, int rc, const char *what, int attempt)
{
	if (rc == KISCRM_EBUSY && attempt + 1 < MAX_ATTEMPTS) {
		w->busy_retries++;
		backoff(w, attempt);
		return 1;
	}
	fprintf(stderr, "worker %d: %s: %d (%s) %s\n", w->index, what, rc, kiscrm_strerror(rc),
		kiscrm_error_last()->message);
	w->failed = 1;
	return 0;
}

static int insert_own(worker *w, kiscrm_db *db, int round, kiscrm_id *id)
{
	char name[64];
	int rc;

	snprintf(name, sizeof(name), "w%d-r%d", w->index, round);
	for (int attempt = 0;; attempt++) {
		rc = rel_insert_opportunity(id, db, &g_fx, name,
					    (kiscrm_money)w->index * 1000 + round + 1, 20600, name);
		if (rc == KISCRM_OK)
			return 0;
		if (!must_retry(w, rc, "insert", attempt))
			return -1;
	}
}

static int move(worker *w, kiscrm_db *db, kiscrm_id id, const char *stage, kiscrm_time at)
{
	int rc;

	for (int attempt = 0;; attempt++) {
		rc = kiscrm_opportunity_move(db, id, stage, at, 0);
		if (rc == KISCRM_OK)
			return 0;
		if (!must_retry(w, rc, "move", attempt))
			return -1;
	}
}

/* One read-modify-write of the shared counter in an explicit transaction. */
static int bump_once(kiscrm_db *db)
{
	kiscrm_record *r = NULL;
	int rc;

	if ((rc = kiscrm_db_begin(db)) < 0)
		return rc;
	if ((rc = kiscrm_record_get(&r, db, KISCRM_KIND_OPPORTUNITY, g_counter)) == KISCRM_OK &&
	    (rc = kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_AMOUNT,
					kiscrm_record_int(r, KISCRM_OPPORTUNITY_AMOUNT) + 1)) == KISCRM_OK)
		rc = kiscrm_record_update(db, r);
	kiscrm_record_free(r);
	if (rc < 0) {
		kiscrm_db_rollback(db); /* ends the transaction */
		return rc;
	}
	return kiscrm_db_commit(db);
}

static int bump(worker *w, kiscrm_db *db)
{
	int rc;

	for (int attempt = 0;; attempt++) {
		rc = bump_once(db);
		if (rc == KISCRM_OK)
			return 0;
		if (!must_retry(w, rc, "counter update", attempt))
			return -1;
	}
}

static void *worker_main(void *arg)
{
	worker *w = arg;
	kiscrm_db *db = NULL;
	int rc;

	for (int attempt = 0;; attempt++) {
		rc = rel_open(&db, g_path, w->index % 2 ? SHORT_BUSY_MS : 0);
		if (rc == KISCRM_OK)
			break;
		if (!must_retry(w, rc, "open", attempt))
			return NULL;
	}
	kiscrm_db_set_actor(db, g_fx.staff);
	for (int round = 0; round < ROUNDS && !w->failed; round++) {
		kiscrm_id id = 0;
		kiscrm_time t = (kiscrm_time)20600 * 86400 + round * 60;

		if (insert_own(w, db, round, &id) < 0 || move(w, db, id, "diagnosis", t + 1) < 0 ||
		    move(w, db, id, "design", t + 2) < 0 || bump(w, db) < 0)
			break;
	}
	kiscrm_db_free(db);
	return NULL;
}

/* A child process: THREADS workers; exit status 0 if no error escaped. Busy retries are
 * reported on stdout. */
static int run_process(int proc)
{
	pthread_t th[THREADS];
	worker w[THREADS];
	long retries = 0;
	int failed = 0;

	for (int t = 0; t < THREADS; t++) {
		memset(&w[t], 0, sizeof(w[t]));
		w[t].index = proc * THREADS + t;
		w[t].seed = (unsigned int)time(NULL) ^ (unsigned int)(w[t].index * 7919);
		if (pthread_create(&th[t], NULL, worker_main, &w[t]) != 0) {
			fprintf(stderr, "pthread_create failed\n");
			return 1;
		}
	}
	for (int t = 0; t < THREADS; t++) {
		pthread_join(th[t], NULL);
		retries += w[t].busy_retries;
		failed |= w[t].failed;
	}
	printf("process %d: %d threads done, %ld busy retries\n", proc, THREADS, retries);
	fflush(stdout);
	return failed;
}

/* Sum over workers w and rounds r of w·1000 + r + 1
 *   = ROUNDS·1000·(0 + … + WORKERS−1) + WORKERS·(1 + … + ROUNDS)
 *   = ROUNDS·1000·WORKERS(WORKERS−1)/2 + WORKERS·ROUNDS(ROUNDS+1)/2
 * With 9 workers and 100 rounds: 100·1000·36 + 9·5050 = 3,600,000 + 45,450 = 3,645,450. */
static int64_t expected_sum(void)
{
	return (int64_t)ROUNDS * 1000 * WORKERS * (WORKERS - 1) / 2 +
	       (int64_t)WORKERS * ROUNDS * (ROUNDS + 1) / 2;
}

static int failures;

static int64_t q1(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	int64_t v = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	else
		CHECK(0, "'%s': %s", sql, sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return v;
}

static void verify(void)
{
	sqlite3 *db = NULL;
	char sql[256];
	int64_t n = WORKERS * ROUNDS, v;
	const unsigned char *txt;
	sqlite3_stmt *st = NULL;

	if (sqlite3_open_v2(g_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		CHECK(0, "cannot open %s", g_path);
		sqlite3_close(db);
		return;
	}
	if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		txt = sqlite3_column_text(st, 0);
		CHECK(txt && !strcmp((const char *)txt, "ok"), "integrity_check: %s",
		      txt ? (const char *)txt : "(null)");
	} else {
		CHECK(0, "integrity_check failed: %s", sqlite3_errmsg(db));
	}
	sqlite3_finalize(st);

	v = q1(db, "SELECT count(*) FROM opportunity WHERE external_ref LIKE 'w%'");
	CHECK(v == n, "%lld worker opportunities, expected %lld", (long long)v, (long long)n);
	v = q1(db, "SELECT count(*) FROM opportunity");
	CHECK(v == n + 1, "%lld opportunities, expected %lld", (long long)v, (long long)(n + 1));
	v = q1(db, "SELECT sum(amount) FROM opportunity WHERE external_ref LIKE 'w%'");
	CHECK(v == expected_sum(), "sum of amounts %lld, expected %lld", (long long)v,
	      (long long)expected_sum());
	v = q1(db, "SELECT count(*) FROM opportunity WHERE external_ref LIKE 'w%' AND stage = 'design'");
	CHECK(v == n, "%lld worker opportunities in 'design', expected %lld", (long long)v, (long long)n);
	v = q1(db, "SELECT count(*) FROM stage_history");
	CHECK(v == (n + 1) + 2 * n, "%lld stage-history entries, expected %lld", (long long)v,
	      (long long)(3 * n + 1));
	snprintf(sql, sizeof(sql), "SELECT amount FROM opportunity WHERE id = %lld", (long long)g_counter);
	v = q1(db, sql);
	CHECK(v == n, "counter is %lld after %lld increments: lost updates", (long long)v, (long long)n);
	sqlite3_close(db);
}

static int setup(void)
{
	kiscrm_db *db = NULL;
	int rc;

	if ((rc = rel_open(&db, g_path, 0)) < 0)
		return rel_report("open", rc);
	if ((rc = rel_fixture_create(&g_fx, db)) < 0 ||
	    (rc = rel_insert_opportunity(&g_counter, db, &g_fx, "counter", 0, KISCRM_DATE_NONE,
					 "counter")) < 0) {
		rel_report("setup", rc);
		kiscrm_db_free(db);
		return rc;
	}
	/* The handle is closed before fork(): an SQLite connection must not cross it. */
	kiscrm_db_free(db);
	return 0;
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");
	char dir[256];
	pid_t pids[PROCS];
	int status;

	snprintf(dir, sizeof(dir), "%s/kiscrm-conc-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(g_path, sizeof(g_path), "%s/conc.db", dir);
	if (setup() < 0)
		return 1;

	fflush(stdout);
	for (int p = 0; p < PROCS; p++) {
		pids[p] = fork();
		if (pids[p] < 0) {
			perror("fork");
			return 1;
		}
		if (pids[p] == 0)
			_exit(run_process(p));
	}
	for (int p = 0; p < PROCS; p++) {
		while (waitpid(pids[p], &status, 0) < 0 && errno == EINTR)
			;
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "process %d: an error other than KISCRM_EBUSY escaped (status 0x%x)", p, status);
	}
	verify();

	{
		static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };
		char p[400];

		for (size_t s = 0; s < sizeof(suffixes) / sizeof(suffixes[0]); s++) {
			snprintf(p, sizeof(p), "%s%s", g_path, suffixes[s]);
			unlink(p);
		}
		rmdir(dir);
	}
	if (!failures)
		printf("%d workers × %d rounds: counts, sums, stages and counter exact\n", WORKERS, ROUNDS);
	return failures ? 1 : 0;
}
