/* Read-modify-write races between processes on one SQLite file: every write path reads
 * inside its own transaction, so nothing another process committed is overwritten and a
 * decision (the stage a move leaves) is taken on the current state.
 *
 * (a) Lost updates. One process moves an opportunity back and forth between
 *     "diagnosis" and "design" MOVES times (kiscrm_opportunity_move); another adds 1.00
 *     (100 minor units) to its amount INCREMENTS times, each in its own transaction that
 *     reads the amount inside it (kiscrm_db_transact: get, set amount + 100, update).
 *     Expected, worked by hand: amount = 0 + 500 × 100 = 50,000 (500.00); the stage
 *     history has 1 creation entry + 1 move to diagnosis + MOVES moves = 502 entries.
 *     Before the fix, a move wrote back the amount it had read before its transaction.
 *
 * (b) Double close. ROUNDS times a fresh opportunity is put in stage "commercial" and
 *     two processes, released together, move it to "won" and to "lost". Exactly one
 *     succeeds; the other gets KISCRM_ECONFLICT saying the opportunity is already won or
 *     lost; the history has exactly one terminal entry. Before the fix both moves read
 *     "commercial" before their transactions and both succeeded.
 *
 * The increments run in kiscrm_db_transact; the moves are called on their own (see move()).
 * Figures
 * (rounds, conflicts, lost updates) are printed. */
#include "rel_common.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define MOVES 500
#define INCREMENTS 500
#define STEP 100 /* 1.00 in minor units */
#define ROUNDS 50
#define EXIT_CONFLICT 3

static char g_path[300];
static rel_fixture g_fx;
static int failures;

static const kiscrm_transact_options patient = { KISCRM_TRANSACT_OPTIONS_VERSION, 100, 2, 50 };

/* ---- (a) ------------------------------------------------------------------------- */

typedef struct {
	kiscrm_id id;
} bump_arg;

static int bump(kiscrm_db *db, void *payload)
{
	bump_arg *a = payload;
	kiscrm_record *r = NULL;
	int rc = kiscrm_record_get(&r, db, KISCRM_KIND_OPPORTUNITY, a->id);
	if (rc == 0 &&
	    (rc = kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_AMOUNT,
					kiscrm_record_int(r, KISCRM_OPPORTUNITY_AMOUNT) + STEP)) == 0)
		rc = kiscrm_record_update(db, r);
	kiscrm_record_free(r);
	return rc;
}

typedef struct {
	kiscrm_id id;
	const char *stage;
	kiscrm_time at;
} move_arg;

/* kiscrm_opportunity_move called on its own — NOT inside kiscrm_db_transact, whose
 * transaction would take the lock before the move reads and hide the defect under test.
 * The move is one transaction; on KISCRM_EBUSY nothing of it was stored and the call is
 * simply made again. */
static int move(kiscrm_db *db, const move_arg *m)
{
	int rc;
	for (int attempt = 0; attempt < 100; attempt++)
		if ((rc = kiscrm_opportunity_move(db, m->id, m->stage, m->at, 0)) != KISCRM_EBUSY)
			break;
	return rc;
}

/* Start barrier: every child opens its handle, writes one byte to ready and waits for
 * a byte on go, so that the racing work overlaps from its first call. */
typedef struct {
	int ready[2], go[2];
} barrier;

static int barrier_init(barrier *b)
{
	if (pipe(b->ready) == 0 && pipe(b->go) == 0)
		return 0;
	CHECK(0, "pipe: %s", strerror(errno));
	return -1;
}

static int barrier_wait(barrier *b)
{
	char c = 'r';
	return write(b->ready[1], &c, 1) == 1 && read(b->go[0], &c, 1) == 1 ? 0 : -1;
}

/* In the parent: waits until @n children are ready and releases them. */
static void barrier_release(barrier *b, int n)
{
	char c[8];
	ssize_t got = 0, r;
	while (got < n && (r = read(b->ready[0], c, (size_t)(n - got))) > 0)
		got += r;
	CHECK(got == n, "children not ready");
	CHECK(write(b->go[1], "gggggggg", (size_t)n) == n, "cannot release the children");
}

static void barrier_close(barrier *b)
{
	close(b->ready[0]);
	close(b->ready[1]);
	close(b->go[0]);
	close(b->go[1]);
}

static int child_open(kiscrm_db **db, barrier *b)
{
	int rc = rel_open(db, g_path, 0);
	if (rc)
		rel_report("open", rc);
	else if (barrier_wait(b))
		rc = KISCRM_ERROR;
	return rc;
}

static int mover(kiscrm_id id, kiscrm_time t0, barrier *b)
{
	kiscrm_db *db;
	int rc = child_open(&db, b);
	for (int i = 0; rc == 0 && i < MOVES; i++) {
		move_arg m = { id, i % 2 ? "diagnosis" : "design", t0 + 1 + i };
		if ((rc = move(db, &m)) != 0)
			rel_report("move", rc);
	}
	kiscrm_db_free(db);
	return rc ? 1 : 0;
}

static int bumper(kiscrm_id id, barrier *b)
{
	kiscrm_db *db;
	int rc = child_open(&db, b);
	bump_arg a = { id };
	for (int i = 0; rc == 0 && i < INCREMENTS; i++)
		if ((rc = kiscrm_db_transact(db, bump, &a, &patient)) != 0)
			rel_report("increment", rc);
	kiscrm_db_free(db);
	return rc ? 1 : 0;
}

static int64_t q1(const char *fmt, long long arg)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	char sql[256];
	int64_t v = -1;

	snprintf(sql, sizeof(sql), fmt, arg);
	if (sqlite3_open_v2(g_path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	else
		CHECK(0, "'%s': %s", sql, sqlite3_errmsg(db));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static int wait_child(pid_t pid)
{
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

/* Opens a handle, runs the setup of a scenario and closes the handle again: an SQLite
 * connection must not be open across fork(). */
static int prepare(kiscrm_id *id, const char *name, const char *stage, kiscrm_time at)
{
	kiscrm_db *db = NULL;
	int rc = rel_open(&db, g_path, 0);
	if (rc == 0 && (rc = rel_insert_opportunity(id, db, &g_fx, name, 0, 20700, name)) == 0)
		rc = kiscrm_opportunity_move(db, *id, stage, at, 0);
	if (rc)
		CHECK(0, "setup of %s: %d %s", name, rc, kiscrm_error_last()->message);
	kiscrm_db_free(db);
	fflush(stdout);
	return rc;
}

static void scenario_lost_updates(void)
{
	kiscrm_id id = 0;
	kiscrm_time t0 = (kiscrm_time)20600 * 86400;

	barrier bar;
	if (prepare(&id, "counted", "diagnosis", t0) || barrier_init(&bar))
		return;
	pid_t a = fork();
	if (a == 0)
		_exit(mover(id, t0, &bar));
	pid_t b = fork();
	if (b == 0)
		_exit(bumper(id, &bar));
	barrier_release(&bar, 2);
	barrier_close(&bar);
	CHECK(a > 0 && wait_child(a) == 0, "the moving process failed");
	CHECK(b > 0 && wait_child(b) == 0, "the incrementing process failed");

	int64_t amount = q1("SELECT amount FROM opportunity WHERE id = %lld", (long long)id);
	int64_t hist = q1("SELECT count(*) FROM stage_history WHERE opportunity_id = %lld", (long long)id);
	int64_t lost = (INCREMENTS * STEP - amount) / STEP;
	printf("(a) %d moves against %d increments of 1.00: amount %lld.%02lld, lost updates %lld\n",
	       MOVES, INCREMENTS, (long long)(amount / 100), (long long)(amount % 100), (long long)lost);
	CHECK(amount == 50000, "amount %lld, expected 50000: %lld increments lost", (long long)amount,
	      (long long)lost);
	CHECK(hist == 502, "%lld stage-history entries, expected 502", (long long)hist);
}

/* ---- (b) ------------------------------------------------------------------------- */

/* A racer: opens its handle, says it is ready, waits for the start signal, moves. Exit
 * 0 moved, EXIT_CONFLICT refused as already closed, 1 anything else. */
static int racer(kiscrm_id id, const char *stage, kiscrm_time at, barrier *b)
{
	kiscrm_db *db;
	if (child_open(&db, b))
		return 1;
	move_arg m = { id, stage, at };
	int rc = move(db, &m);
	int out = 0;
	if (rc == KISCRM_ECONFLICT) {
		const char *msg = kiscrm_error_last()->message;
		char want[64];
		snprintf(want, sizeof(want), "opportunity %lld is already ", (long long)id);
		out = strstr(msg, want) ? EXIT_CONFLICT : 1;
		if (out != EXIT_CONFLICT)
			fprintf(stderr, "unclear conflict message: %s\n", msg);
	} else if (rc) {
		rel_report(stage, rc);
		out = 1;
	}
	kiscrm_db_free(db);
	return out;
}

static void scenario_double_close(void)
{
	int conflicts = 0, won = 0, lost = 0, doubled = 0;

	for (int round = 0; round < ROUNDS; round++) {
		kiscrm_id id = 0;
		kiscrm_time t = (kiscrm_time)20600 * 86400 + round * 10;
		char name[32];
		barrier bar;

		snprintf(name, sizeof(name), "race-%d", round);
		if (prepare(&id, name, "commercial", t) || barrier_init(&bar))
			return;
		pid_t p[2];
		for (int k = 0; k < 2; k++)
			if ((p[k] = fork()) == 0)
				_exit(racer(id, k ? "lost" : "won", t + 1, &bar));
		barrier_release(&bar, 2);
		barrier_close(&bar);
		int st[2] = { wait_child(p[0]), wait_child(p[1]) };

		int ok = (st[0] == 0) + (st[1] == 0);
		int refused = (st[0] == EXIT_CONFLICT) + (st[1] == EXIT_CONFLICT);
		int64_t terminal = q1("SELECT count(*) FROM stage_history WHERE opportunity_id = %lld "
				      "AND to_stage IN ('won', 'lost')", (long long)id);
		CHECK(ok == 1 && refused == 1, "round %d: won exit %d, lost exit %d (want one 0, one %d)",
		      round, st[0], st[1], EXIT_CONFLICT);
		CHECK(terminal == 1, "round %d: %lld terminal history entries", round, (long long)terminal);
		conflicts += refused;
		doubled += terminal > 1;
		won += st[0] == 0;
		lost += st[1] == 0;
	}
	printf("(b) %d rounds of won against lost: %d won, %d lost, %d refused as already closed, "
	       "%d rounds with two terminal entries\n", ROUNDS, won, lost, conflicts, doubled);
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");
	char dir[256];
	kiscrm_db *db = NULL;
	int rc;

	snprintf(dir, sizeof(dir), "%s/kiscrm-race-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(g_path, sizeof(g_path), "%s/race.db", dir);
	if ((rc = rel_open(&db, g_path, 0)) != 0 || (rc = rel_fixture_create(&g_fx, db)) != 0) {
		rel_report("setup", rc);
		return 1;
	}
	kiscrm_db_free(db);
	scenario_lost_updates();
	scenario_double_close();

	static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };
	for (size_t s = 0; s < sizeof(suffixes) / sizeof(suffixes[0]); s++) {
		char p[400];
		snprintf(p, sizeof(p), "%s%s", g_path, suffixes[s]);
		unlink(p);
	}
	rmdir(dir);
	return failures ? 1 : 0;
}
