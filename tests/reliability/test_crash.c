/* Crash safety: a process killed with SIGKILL at a random point of a large transaction
 * leaves the database intact and exactly as before or exactly as after that transaction.
 *
 * The helper (crash_helper.c) writes 20,000 opportunities in one transaction — by
 * kiscrm_record_insert inside kiscrm_db_begin/commit, or by kiscrm_csv_import_data — or
 * saves a rolling-budget snapshot (kiscrm_budget_snapshot). This program starts it, waits
 * until its transaction is open, sleeps a random time within the transaction's measured
 * duration (a little beyond it, so that some runs commit), kills it, and then checks with
 * SQLite directly (not through the library under test):
 *   - PRAGMA integrity_check is "ok";
 *   - imports: the opportunities' count, sum of amounts and a checksum of their ids, and
 *     the stage-history count, equal the state before the batch, or the state before
 *     plus exactly the batch (its N rows with their known amounts, the old rows untouched);
 *   - snapshots: the week's snapshot and lines are absent or equal, line for line in
 *     count, sums and a checksum, to the same snapshot made without interruption on an
 *     identical database; no orphan lines.
 * The database is then reopened through kiscrm_db_open(), which must succeed.
 * Iterations stop early when the time budget (45 s) is spent; at least 10 kills must have
 * been made. The seed is printed (set KISCRM_CRASH_SEED to replay). */
#include "crash_shared.h"
#include "kiscrm.h"

#include <errno.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BATCH_N 20000L
#define SNAP_N 20000L
#define IMPORT_ROUNDS 12
#define CSV_ROUNDS 8
#define SNAPSHOT_ROUNDS 10
#define TIME_BUDGET_S 45.0
#define MIN_KILLS 10

static const char *g_helper;
static char g_dir[256];
static int g_failures;
static int g_kills, g_interrupted, g_completed;
static double g_start;

#define CHECK(cond, ...)                                                                 \
	do {                                                                             \
		if (!(cond)) {                                                           \
			fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);             \
			fprintf(stderr, __VA_ARGS__);                                    \
			fputc('\n', stderr);                                             \
			g_failures++;                                                    \
		}                                                                        \
	} while (0)

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_s(double s)
{
	struct timespec ts;

	if (s <= 0)
		return;
	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* --- running the helper ------------------------------------------------------------- */

typedef struct child {
	pid_t pid;
	int fd; /* read end of the helper's stdout */
} child;

static int spawn(child *c, char *const argv[])
{
	int p[2];

	if (pipe(p) < 0)
		return -1;
	c->pid = fork();
	if (c->pid < 0)
		return -1;
	if (c->pid == 0) {
		dup2(p[1], STDOUT_FILENO);
		close(p[0]);
		close(p[1]);
		execv(g_helper, argv);
		_exit(127);
	}
	close(p[1]);
	c->fd = p[0];
	return 0;
}

/* Reads the helper's markers until @want is seen or the pipe ends; 1 if seen. */
static int wait_marker(child *c, char want)
{
	char ch;
	ssize_t n;

	while ((n = read(c->fd, &ch, 1)) == 1 || (n < 0 && errno == EINTR))
		if (n == 1 && ch == want)
			return 1;
	return 0;
}

/* Ends the helper (killing it if still alive) and returns 1 if it committed. */
static int finish(child *c, int kill_it)
{
	int status = 0, committed;

	if (kill_it)
		kill(c->pid, SIGKILL);
	while (waitpid(c->pid, &status, 0) < 0 && errno == EINTR)
		;
	committed = wait_marker(c, 'C');
	close(c->fd);
	if (!kill_it || !WIFSIGNALED(status))
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "helper ended with status 0x%x", status);
	return committed;
}

/* Runs the helper to completion; returns its transaction's duration in seconds. */
static double run_full(char *const argv[])
{
	child c;
	double t0;

	if (spawn(&c, argv) < 0) {
		CHECK(0, "cannot start %s: %s", g_helper, strerror(errno));
		return 0;
	}
	wait_marker(&c, 'B');
	t0 = now_s();
	CHECK(finish(&c, 0), "helper %s %s did not commit", argv[1], argv[2]);
	return now_s() - t0;
}

/* Starts the helper, kills it after a random time in [0, 1.15 × @duration] from the
 * opening of its transaction; returns 1 if it committed before. */
static int run_killed(char *const argv[], double duration)
{
	child c;
	double delay = duration * 1.3 * ((double)rand() / RAND_MAX);
	int committed;

	if (spawn(&c, argv) < 0) {
		CHECK(0, "cannot start %s: %s", g_helper, strerror(errno));
		return 0;
	}
	if (!wait_marker(&c, 'B')) {
		finish(&c, 0);
		CHECK(0, "helper %s ended before starting its transaction", argv[1]);
		return 0;
	}
	sleep_s(delay);
	committed = finish(&c, 1);
	g_kills++;
	return committed;
}

/* Counts what the database showed after a kill: the state before or after. */
static void count_outcome(int after)
{
	if (after)
		g_completed++;
	else
		g_interrupted++;
}

/* --- looking at the database with SQLite directly ------------------------------------- */

static sqlite3 *raw_open(const char *path)
{
	sqlite3 *db = NULL;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		CHECK(0, "sqlite3_open %s: %s", path, db ? sqlite3_errmsg(db) : "?");
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_busy_timeout(db, 5000);
	return db;
}

/* Runs @sql and returns its first row's columns as int64 (up to @n). */
static int query_ints(sqlite3 *db, const char *sql, int64_t *out, int n)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);

	if (rc != SQLITE_OK) {
		CHECK(0, "prepare '%s': %s", sql, sqlite3_errmsg(db));
		return -1;
	}
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		CHECK(0, "step '%s': %s", sql, sqlite3_errmsg(db));
		sqlite3_finalize(st);
		return -1;
	}
	for (int i = 0; i < n; i++)
		out[i] = sqlite3_column_int64(st, i);
	sqlite3_finalize(st);
	return 0;
}

static void check_integrity(sqlite3 *db, const char *what)
{
	sqlite3_stmt *st = NULL;
	const unsigned char *txt;

	if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK) {
		CHECK(0, "%s: integrity_check: %s", what, sqlite3_errmsg(db));
		return;
	}
	if (sqlite3_step(st) != SQLITE_ROW) {
		CHECK(0, "%s: integrity_check returned no row", what);
	} else {
		txt = sqlite3_column_text(st, 0);
		CHECK(txt && !strcmp((const char *)txt, "ok"), "%s: integrity_check says '%s'", what,
		      txt ? (const char *)txt : "(null)");
	}
	sqlite3_finalize(st);
}

/* The library must open the database again after any crash. */
static void check_reopen(const char *path)
{
	kiscrm_db_options o = KISCRM_DB_OPTIONS_INIT;
	kiscrm_db *db = NULL;
	int rc;

	o.path = path;
	rc = kiscrm_db_open(&db, &o);
	CHECK(rc == KISCRM_OK, "kiscrm_db_open after a crash: %d %s", rc,
	      kiscrm_error_last()->message);
	kiscrm_db_free(db);
}

/* --- imports ------------------------------------------------------------------------- */

typedef struct opp_state {
	int64_t count, sum, idsum, history;
} opp_state;

static int read_opp_state(opp_state *s, sqlite3 *db)
{
	int64_t v[3];

	/* The id checksum weights every id differently so that a different set with the same
	 * count and sum cannot match by chance. */
	if (query_ints(db, "SELECT count(*), coalesce(sum(amount), 0), "
			   "coalesce(sum(id * (id % 9973 + 1)), 0) FROM opportunity", v, 3) < 0)
		return -1;
	s->count = v[0];
	s->sum = v[1];
	s->idsum = v[2];
	return query_ints(db, "SELECT count(*) FROM stage_history", &s->history, 1);
}

/* Returns 1 when the database holds the state after the batch, 0 before it. */
static int verify_import(const char *path, long batch, const opp_state *before, int committed,
			 opp_state *after_out)
{
	sqlite3 *db = raw_open(path);
	opp_state s;
	int64_t in_batch[2], old[3];
	char sql[256];
	char what[64];
	int after = 0;

	snprintf(what, sizeof(what), "batch %ld", batch);
	if (!db)
		return 0;
	check_integrity(db, what);
	if (read_opp_state(&s, db) < 0)
		goto out;
	snprintf(sql, sizeof(sql),
		 "SELECT count(*), coalesce(sum(amount), 0) FROM opportunity WHERE external_ref "
		 "LIKE 'b%ld-%%'", batch);
	if (query_ints(db, sql, in_batch, 2) < 0)
		goto out;
	snprintf(sql, sizeof(sql),
		 "SELECT count(*), coalesce(sum(amount), 0), coalesce(sum(id * (id %% 9973 + 1)), 0) "
		 "FROM opportunity WHERE external_ref IS NULL OR external_ref NOT LIKE 'b%ld-%%'",
		 batch);
	if (query_ints(db, sql, old, 3) < 0)
		goto out;

	if (s.count == before->count && s.sum == before->sum && s.idsum == before->idsum &&
	    s.history == before->history && in_batch[0] == 0) {
		CHECK(!committed, "%s: the helper committed but the database is as before", what);
	} else {
		after = 1;
		/* After: the old rows untouched, plus exactly the batch and one creation entry of
		 * the stage history per new opportunity. */
		CHECK(old[0] == before->count && old[1] == before->sum && old[2] == before->idsum,
		      "%s: old rows changed: count %lld/%lld sum %lld/%lld ids %lld/%lld", what,
		      (long long)old[0], (long long)before->count, (long long)old[1],
		      (long long)before->sum, (long long)old[2], (long long)before->idsum);
		CHECK(in_batch[0] == BATCH_N && in_batch[1] == crash_batch_sum(batch, BATCH_N),
		      "%s: partial batch: %lld rows (expected 0 or %ld), sum %lld (expected %lld)",
		      what, (long long)in_batch[0], BATCH_N, (long long)in_batch[1],
		      (long long)crash_batch_sum(batch, BATCH_N));
		CHECK(s.count == before->count + BATCH_N, "%s: %lld opportunities, expected %lld or %lld",
		      what, (long long)s.count, (long long)before->count,
		      (long long)(before->count + BATCH_N));
		CHECK(s.history == before->history + BATCH_N,
		      "%s: %lld stage-history entries, expected %lld or %lld", what,
		      (long long)s.history, (long long)before->history,
		      (long long)(before->history + BATCH_N));
	}
	*after_out = s;
out:
	sqlite3_close(db);
	check_reopen(path);
	return after;
}

static void import_phase(void)
{
	char path[300], batch_s[32], n_s[32];
	char *argv[6];
	opp_state st;
	double duration;
	sqlite3 *db;
	long batch = 0;

	snprintf(path, sizeof(path), "%s/import.db", g_dir);
	snprintf(n_s, sizeof(n_s), "%ld", BATCH_N);
	argv[0] = (char *)g_helper;
	argv[1] = "setup";
	argv[2] = path;
	argv[3] = NULL;
	run_full(argv);

	/* Calibration: one batch uninterrupted gives the transaction's duration. */
	db = raw_open(path);
	if (!db || read_opp_state(&st, db) < 0) {
		sqlite3_close(db);
		return;
	}
	sqlite3_close(db);
	argv[1] = "import";
	argv[3] = batch_s;
	argv[4] = n_s;
	argv[5] = NULL;
	snprintf(batch_s, sizeof(batch_s), "%ld", batch);
	duration = run_full(argv);
	verify_import(path, batch, &st, 1, &st);
	printf("import: one batch of %ld takes %.3f s\n", BATCH_N, duration);

	for (int round = 0; round < IMPORT_ROUNDS + CSV_ROUNDS; round++) {
		int committed, after;

		if (now_s() - g_start > TIME_BUDGET_S * 0.6)
			break;
		argv[1] = round < IMPORT_ROUNDS ? "import" : "csv";
		snprintf(batch_s, sizeof(batch_s), "%ld", ++batch);
		committed = run_killed(argv, duration);
		after = verify_import(path, batch, &st, committed, &st);
		count_outcome(after);
		printf("%s batch %ld: killed %s, %lld opportunities\n", argv[1], batch,
		       after ? "after the commit" : "before the commit", (long long)st.count);
	}
}

/* --- snapshots ----------------------------------------------------------------------- */

#define WEEKS 3

typedef struct snap_state {
	int64_t snapshots, lines, contract, weighted, collection, checksum;
} snap_state;

static int read_snap_state(snap_state *s, sqlite3 *db, kiscrm_date week)
{
	char sql[512];
	int64_t v[5];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM snapshot WHERE week = %d", (int)week);
	if (query_ints(db, sql, &s->snapshots, 1) < 0)
		return -1;
	snprintf(sql, sizeof(sql),
		 "SELECT count(*), coalesce(sum(contract_amount), 0), "
		 "coalesce(sum(weighted_amount), 0), coalesce(sum(collection_amount), 0), "
		 "coalesce(sum((coalesce(opportunity_id, 0) * 31 + coalesce(contract_id, 0) * 7 + "
		 "coalesce(week, 0)) %% 1000003 * (coalesce(contract_amount, 0) %% 977 + 1)), 0) "
		 "FROM snapshot_line WHERE snapshot_id IN (SELECT id FROM snapshot WHERE week = %d)",
		 (int)week);
	if (query_ints(db, sql, v, 5) < 0)
		return -1;
	s->lines = v[0];
	s->contract = v[1];
	s->weighted = v[2];
	s->collection = v[3];
	s->checksum = v[4];
	return 0;
}

static int snap_equal(const snap_state *a, const snap_state *b)
{
	return a->snapshots == b->snapshots && a->lines == b->lines && a->contract == b->contract &&
	       a->weighted == b->weighted && a->collection == b->collection &&
	       a->checksum == b->checksum;
}

static void snapshot_phase(void)
{
	char path[300], ref[300], asof_s[WEEKS][32], n_s[32], first_s[32];
	char *argv[6];
	kiscrm_date base, as_of[WEEKS], week[WEEKS];
	snap_state refst[WEEKS], none = { 0, 0, 0, 0, 0, 0 };
	int present[WEEKS] = { 0 };
	double duration = 0;
	sqlite3 *db;

	/* Weeks two apart, so that no snapshot sees the one of the week before it (which would
	 * add the past week's plan and make the result depend on the order). */
	kiscrm_date_from_ymd(&base, 2026, 6, 3);
	for (int w = 0; w < WEEKS; w++) {
		as_of[w] = base + 14 * w;
		week[w] = kiscrm_date_week_start(as_of[w], 1);
		snprintf(asof_s[w], sizeof(asof_s[w]), "%d", (int)as_of[w]);
	}
	snprintf(path, sizeof(path), "%s/snapshot.db", g_dir);
	snprintf(ref, sizeof(ref), "%s/reference.db", g_dir);
	snprintf(n_s, sizeof(n_s), "%ld", SNAP_N);
	snprintf(first_s, sizeof(first_s), "%d", (int)(base - 10));
	argv[0] = (char *)g_helper;
	argv[1] = "setup-snapshot";
	argv[3] = n_s;
	argv[4] = first_s;
	argv[5] = NULL;
	argv[2] = path;
	run_full(argv);
	argv[2] = ref;
	run_full(argv);

	/* The reference: each week's snapshot made without interruption. */
	argv[1] = "snapshot";
	argv[2] = ref;
	argv[4] = NULL;
	for (int w = 0; w < WEEKS; w++) {
		argv[3] = asof_s[w];
		duration += run_full(argv) / WEEKS;
	}
	db = raw_open(ref);
	if (!db)
		return;
	for (int w = 0; w < WEEKS; w++) {
		read_snap_state(&refst[w], db, week[w]);
		CHECK(refst[w].snapshots == 1 && refst[w].lines > 0,
		      "reference snapshot of week %d: %lld snapshots, %lld lines", (int)week[w],
		      (long long)refst[w].snapshots, (long long)refst[w].lines);
	}
	sqlite3_close(db);
	printf("snapshot: %lld lines, takes %.3f s\n", (long long)refst[0].lines, duration);

	argv[2] = path;
	for (int round = 0; round < SNAPSHOT_ROUNDS; round++) {
		int w = round % WEEKS, committed, after = 0;
		snap_state s;
		int64_t total[2], expect_lines = 0, expect_snaps = 0;

		if (now_s() - g_start > TIME_BUDGET_S)
			break;
		argv[3] = asof_s[w];
		committed = run_killed(argv, duration);
		if (!(db = raw_open(path)))
			return;
		check_integrity(db, "snapshot");
		if (read_snap_state(&s, db, week[w]) == 0) {
			if (snap_equal(&s, &refst[w]))
				present[w] = after = 1;
			else
				CHECK(!present[w] && !committed && snap_equal(&s, &none),
				      "snapshot of week %d is neither before nor after: %lld snapshots, "
				      "%lld lines (reference %lld), contract %lld (reference %lld)",
				      (int)week[w], (long long)s.snapshots, (long long)s.lines,
				      (long long)refst[w].lines, (long long)s.contract,
				      (long long)refst[w].contract);
		}
		/* No orphan or leftover lines anywhere. */
		for (int k = 0; k < WEEKS; k++)
			if (present[k]) {
				expect_lines += refst[k].lines;
				expect_snaps++;
			}
		if (query_ints(db, "SELECT (SELECT count(*) FROM snapshot), "
				   "(SELECT count(*) FROM snapshot_line)", total, 2) == 0)
			CHECK(total[0] == expect_snaps && total[1] == expect_lines,
			      "%lld snapshots with %lld lines, expected %lld with %lld",
			      (long long)total[0], (long long)total[1], (long long)expect_snaps,
			      (long long)expect_lines);
		sqlite3_close(db);
		check_reopen(path);
		count_outcome(after);
		printf("snapshot of week %d: killed %s\n", (int)week[w],
		       after ? "after the commit (or it existed already)" : "before the commit");
	}
}

static void remove_dir(void)
{
	static const char *const files[] = { "import.db", "snapshot.db", "reference.db" };
	static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };
	char p[400];

	for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++)
		for (size_t s = 0; s < sizeof(suffixes) / sizeof(suffixes[0]); s++) {
			snprintf(p, sizeof(p), "%s/%s%s", g_dir, files[f], suffixes[s]);
			unlink(p);
		}
	rmdir(g_dir);
}

int main(int argc, char **argv)
{
	const char *tmp = getenv("TMPDIR");
	const char *seed_env = getenv("KISCRM_CRASH_SEED");
	unsigned int seed = seed_env ? (unsigned int)strtoul(seed_env, NULL, 10)
				     : (unsigned int)time(NULL) ^ (unsigned int)getpid();

	if (argc != 2) {
		fprintf(stderr, "usage: test_crash PATH-OF-crash_helper\n");
		return 2;
	}
	g_helper = argv[1];
	srand(seed);
	printf("seed %u (KISCRM_CRASH_SEED=%u replays it)\n", seed, seed);
	snprintf(g_dir, sizeof(g_dir), "%s/kiscrm-crash-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(g_dir)) {
		perror("mkdtemp");
		return 1;
	}
	g_start = now_s();
	import_phase();
	snapshot_phase();
	remove_dir();

	printf("%d kills: %d left the state before the transaction, %d the state after; %.1f s\n",
	       g_kills, g_interrupted, g_completed, now_s() - g_start);
	CHECK(g_kills >= MIN_KILLS, "only %d kills within the time budget", g_kills);
	CHECK(g_interrupted > 0, "no kill interrupted a transaction");
	fflush(stdout);
	if (g_failures)
		fprintf(stderr, "%d check(s) failed (seed %u)\n", g_failures, seed);
	return g_failures ? 1 : 0;
}
