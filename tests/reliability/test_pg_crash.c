/* Crash safety on PostgreSQL: a client killed with SIGKILL in the middle of a large
 * import leaves nothing of it on the server, and the database stays usable.
 *
 * This program runs itself as the client (`test_pg_crash --child CONNINFO BATCH N`): it
 * opens the database through the library, begins one transaction and inserts N
 * opportunities with kiscrm_record_insert (the insert path the backend pipelines), printing
 * "B" when the transaction is open, "P" after every PROGRESS_EVERY rows and "C" once it
 * has committed. The parent
 *   1. runs one small import to completion, to prove the checks see committed rows;
 *   2. ROUNDS times, starts a large import, waits for a random number of "P" markers (so
 *      that thousands of rows have reached the server, some of them still in flight),
 *      kills the client, waits until the server has ended the client's session, and
 *      checks with plain libpq (not the library under test) that none of the batch's rows
 *      exist, nothing else changed, and no lock of the dead session is left;
 *   3. writes through the library again (one more opportunity, committed) and reads it.
 * Skipped (exit 77) when KISCRM_TEST_PG is not set; tools/with-postgres sets it. The
 * database gets a schema of its own, dropped at the end. */
#include "crash_shared.h"
#include "rel_common.h"

#include <errno.h>
#include <libpq-fe.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SMALL_N 500L
#define BIG_N 2000000L /* never reached: the client is killed long before */
#define PROGRESS_EVERY 1000L
#define ROUNDS 4
#define MAX_PROGRESS 8
/* How long the server may take to notice the dead client and roll back. */
#define SESSION_END_TIMEOUT_S 60.0

static int failures;
static const char *g_self;
static char g_conn[1024];
static char g_schema[64];
static char g_app[64];
static PGconn *g_admin;

/* ---- the client ------------------------------------------------------------------- */

static void say(char c)
{
	putchar(c);
	fflush(stdout);
}

static int open_db(kiscrm_db **out, const char *conninfo)
{
	kiscrm_db_options o = KISCRM_DB_OPTIONS_INIT;
	o.backend = "postgresql";
	o.path = conninfo;
	int rc = kiscrm_db_open(out, &o);
	return rc ? rc : kiscrm_db_set_today(*out, REL_TODAY);
}

static int child_import(const char *conninfo, long batch, long n)
{
	kiscrm_db *db = NULL;
	rel_fixture fx;
	char name[64];
	int rc = open_db(&db, conninfo);
	if (rc || (rc = rel_fixture_find(&fx, db)) < 0 || (rc = kiscrm_db_begin(db)) < 0) {
		rel_report("client: open", rc);
		kiscrm_db_free(db);
		return 1;
	}
	say('B');
	for (long j = 0; j < n && rc >= 0; j++) {
		snprintf(name, sizeof(name), "b%ld-%ld", batch, j);
		rc = rel_insert_opportunity(NULL, db, &fx, name, crash_amount(batch, j),
					    KISCRM_DATE_NONE, name);
		if ((j + 1) % PROGRESS_EVERY == 0)
			say('P');
	}
	if (rc >= 0)
		rc = kiscrm_db_commit(db);
	else
		kiscrm_db_rollback(db);
	if (rc < 0) {
		rel_report("client: import", rc);
		kiscrm_db_free(db);
		return 1;
	}
	say('C');
	kiscrm_db_free(db);
	return 0;
}

/* ---- the parent: running the client ------------------------------------------------ */

typedef struct child {
	pid_t pid;
	int fd;
} child;

static int spawn(child *c, long batch, long n)
{
	char b[32], nn[32];
	int p[2];
	snprintf(b, sizeof(b), "%ld", batch);
	snprintf(nn, sizeof(nn), "%ld", n);
	if (pipe(p) < 0)
		return -1;
	if ((c->pid = fork()) < 0)
		return -1;
	if (c->pid == 0) {
		dup2(p[1], STDOUT_FILENO);
		close(p[0]);
		close(p[1]);
		execl(g_self, g_self, "--child", g_conn, b, nn, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	c->fd = p[0];
	return 0;
}

/* Reads markers until @count of @want were seen (1) or the pipe ends (0); sets *committed
 * when a "C" passes by. */
static int wait_markers(child *c, char want, int count, int *committed)
{
	char ch;
	ssize_t n;
	while ((n = read(c->fd, &ch, 1)) == 1 || (n < 0 && errno == EINTR)) {
		if (n != 1)
			continue;
		if (ch == 'C' && committed)
			*committed = 1;
		if (ch == want && --count == 0)
			return 1;
	}
	return 0;
}

static int reap(child *c)
{
	int status = 0;
	while (waitpid(c->pid, &status, 0) < 0 && errno == EINTR)
		;
	close(c->fd);
	return status;
}

/* ---- the parent: looking at the server with libpq ---------------------------------- */

static long long q1(const char *sql)
{
	PGresult *res = PQexec(g_admin, sql);
	long long v = -1;
	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1 && !PQgetisnull(res, 0, 0))
		v = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	else
		CHECK(0, "'%s': %s", sql, PQerrorMessage(g_admin));
	PQclear(res);
	return v;
}

static int admin_exec(const char *sql)
{
	PGresult *res = PQexec(g_admin, sql);
	int ok = PQresultStatus(res) == PGRES_COMMAND_OK;
	if (!ok)
		fprintf(stderr, "%s: %s", sql, PQerrorMessage(g_admin));
	PQclear(res);
	return ok ? 0 : -1;
}

typedef struct state {
	long long opps, amount_sum, history, batch_rows;
} state;

static state snapshot(long batch)
{
	state s;
	char sql[256];
	s.opps = q1("SELECT count(*) FROM opportunity");
	s.amount_sum = q1("SELECT coalesce(sum(amount), 0) FROM opportunity");
	s.history = q1("SELECT count(*) FROM stage_history");
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM opportunity WHERE external_ref LIKE 'b%ld-%%'",
		 batch);
	s.batch_rows = q1(sql);
	return s;
}

/* Sessions of killed clients still known to the server: it ends them (rolling their
 * transactions back) when it notices the closed socket, which may take a moment while
 * it is still busy with rows in flight. */
static long long client_sessions(void)
{
	char sql[256];
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM pg_stat_activity WHERE application_name = '%s'",
		 g_app);
	return q1(sql);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int wait_sessions_gone(void)
{
	double t0 = now_s();
	struct timespec tick = { 0, 50 * 1000 * 1000 };
	while (client_sessions() > 0) {
		if (now_s() - t0 > SESSION_END_TIMEOUT_S)
			return -1;
		nanosleep(&tick, NULL);
	}
	return 0;
}

/* The tables the import wrote can be written again at once: no lock of the dead session
 * survived (lock_timeout turns a wait into an error instead of a hang). */
static void check_unlocked(void)
{
	PGresult *res = PQexec(g_admin, "BEGIN; SET LOCAL lock_timeout = '2s'; "
				       "LOCK TABLE opportunity, stage_history IN EXCLUSIVE MODE; ROLLBACK");
	CHECK(PQresultStatus(res) == PGRES_COMMAND_OK, "tables still locked: %s",
	      PQerrorMessage(g_admin));
	PQclear(res);
}

static void kill_round(long batch)
{
	child c;
	state before = snapshot(batch);
	int progress = 2 + rand() % (MAX_PROGRESS - 1), committed = 0;
	if (spawn(&c, batch, BIG_N) < 0) {
		CHECK(0, "cannot start the client: %s", strerror(errno));
		return;
	}
	int seen = wait_markers(&c, 'B', 1, &committed) && wait_markers(&c, 'P', progress, &committed);
	CHECK(seen, "batch %ld: the client ended before %d progress markers", batch, progress);
	kill(c.pid, SIGKILL);
	int status = reap(&c);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
	      "batch %ld: the client ended with status 0x%x, not by the kill", batch, status);
	CHECK(!committed, "batch %ld: the client committed %ld rows?", batch, BIG_N);
	CHECK(wait_sessions_gone() == 0, "batch %ld: the server kept the dead client's session "
	      "for %.0f s", batch, SESSION_END_TIMEOUT_S);
	state after = snapshot(batch);
	CHECK(after.batch_rows == 0, "batch %ld: %lld of its rows survived the kill", batch,
	      after.batch_rows);
	CHECK(after.opps == before.opps && after.amount_sum == before.amount_sum &&
	      after.history == before.history,
	      "batch %ld: the tables changed: %lld/%lld opportunities, sum %lld/%lld, %lld/%lld "
	      "history rows (after/before)", batch, after.opps, before.opps, after.amount_sum,
	      before.amount_sum, after.history, before.history);
	check_unlocked();
	printf("batch %ld: killed after %ld+ rows, server rolled back: %lld opportunities as before\n",
	       batch, (long)progress * PROGRESS_EVERY, after.opps);
}

/* The import that is left alone commits, and the checks above see its rows. */
static void full_round(long batch)
{
	child c;
	int committed = 0;
	state before = snapshot(batch);
	if (spawn(&c, batch, SMALL_N) < 0) {
		CHECK(0, "cannot start the client: %s", strerror(errno));
		return;
	}
	wait_markers(&c, 'C', 1, &committed);
	int status = reap(&c);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0 && committed,
	      "batch %ld: the client failed (status 0x%x)", batch, status);
	state after = snapshot(batch);
	CHECK(after.batch_rows == SMALL_N && after.opps == before.opps + SMALL_N &&
	      after.amount_sum == before.amount_sum + crash_batch_sum(batch, SMALL_N),
	      "batch %ld: %lld rows of the batch, %lld opportunities (before %lld), sum %lld",
	      batch, after.batch_rows, after.opps, before.opps, after.amount_sum);
}

/* The library writes and reads the database after the kills. */
static void check_usable(void)
{
	kiscrm_db *db = NULL;
	rel_fixture fx;
	kiscrm_id id = 0;
	kiscrm_record *r = NULL;
	int rc = open_db(&db, g_conn);
	if (rc == 0 && (rc = rel_fixture_find(&fx, db)) == 0 && (rc = kiscrm_db_begin(db)) == 0) {
		rc = rel_insert_opportunity(&id, db, &fx, "after-kill", 4242, KISCRM_DATE_NONE,
					    "after-kill");
		rc = rc < 0 ? (kiscrm_db_rollback(db), rc) : kiscrm_db_commit(db);
	}
	if (rc == 0)
		rc = kiscrm_record_get(&r, db, KISCRM_KIND_OPPORTUNITY, id);
	CHECK(rc == 0, "the database is not usable after the kills: %d %s", rc,
	      kiscrm_error_last()->message);
	if (r)
		CHECK(kiscrm_record_int(r, KISCRM_OPPORTUNITY_AMOUNT) == 4242, "read back a wrong amount");
	kiscrm_record_free(r);
	kiscrm_db_free(db);
	CHECK(q1("SELECT count(*) FROM opportunity WHERE external_ref = 'after-kill'") == 1,
	      "the opportunity written after the kills is not on the server");
}

static int setup(void)
{
	kiscrm_db *db = NULL;
	rel_fixture fx;
	int rc = open_db(&db, g_conn);
	if (rc == 0)
		rc = rel_fixture_create(&fx, db);
	if (rc)
		rel_report("setup", rc);
	kiscrm_db_free(db);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc == 5 && strcmp(argv[1], "--child") == 0)
		return child_import(argv[2], atol(argv[3]), atol(argv[4]));
	const char *base = getenv("KISCRM_TEST_PG");
	if (!base || !*base) {
		printf("skipping: KISCRM_TEST_PG is not set (tools/with-postgres sets it)\n");
		return 77;
	}
	g_self = argv[0];
	g_admin = PQconnectdb(base);
	if (PQstatus(g_admin) != CONNECTION_OK) {
		fprintf(stderr, "cannot connect to KISCRM_TEST_PG: %s", PQerrorMessage(g_admin));
		return 1;
	}
	PQclear(PQexec(g_admin, "SET client_min_messages = warning"));
	snprintf(g_schema, sizeof(g_schema), "kc_crash_%ld", (long)getpid());
	snprintf(g_app, sizeof(g_app), "kc_crash_client_%ld", (long)getpid());
	char sql[256];
	snprintf(sql, sizeof(sql), "DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s", g_schema,
		 g_schema);
	if (admin_exec(sql) < 0)
		return 1;
	snprintf(sql, sizeof(sql), "SET search_path = %s", g_schema);
	if (admin_exec(sql) < 0)
		return 1;
	/* The clients name themselves, so that their sessions can be told apart. */
	int uri = !strncmp(base, "postgresql://", 13) || !strncmp(base, "postgres://", 11);
	if (uri)
		snprintf(g_conn, sizeof(g_conn), "%s%soptions=-csearch_path%%3D%s&application_name=%s",
			 base, strchr(base, '?') ? "&" : "?", g_schema, g_app);
	else
		snprintf(g_conn, sizeof(g_conn), "%s options='-csearch_path=%s' application_name=%s",
			 base, g_schema, g_app);
	const char *seed_env = getenv("KISCRM_CRASH_SEED");
	unsigned seed = seed_env ? (unsigned)strtoul(seed_env, NULL, 10) : (unsigned)time(NULL);
	srand(seed);
	printf("seed %u (set KISCRM_CRASH_SEED to replay)\n", seed);

	if (setup() == 0) {
		full_round(0);
		for (long b = 1; b <= ROUNDS; b++)
			kill_round(b);
		check_usable();
	} else {
		failures++;
	}
	snprintf(sql, sizeof(sql), "DROP SCHEMA IF EXISTS %s CASCADE", g_schema);
	admin_exec(sql);
	PQfinish(g_admin);
	if (!failures)
		printf("every killed import rolled back on the server; the database stays usable\n");
	return failures ? 1 : 0;
}
