/* Concurrency on PostgreSQL: CLIENTS threads, each with its own kiscrm_db handle (its own
 * connection), write to one database at once through kiscrm_db_transact(). Nothing may be
 * lost and no error may escape: serialization failures and deadlocks are KISCRM_EBUSY,
 * which kiscrm_db_transact() reruns. Skipped (exit 77) when KISCRM_TEST_PG is not set;
 * tools/with-postgres sets it.
 *
 * Workload of each client, ROUNDS times, every step one kiscrm_db_transact() unit:
 *   1. insert an opportunity of its own (amount client·1000 + round + 1);
 *   2. move it to "diagnosis", then to "design" (each move also appends stage history);
 *   3. add 1 to the amount of ONE shared counter opportunity (get, then update): the
 *      read-modify-write that loses updates when transactions are not serialisable.
 *
 * Checked exactly with SQL at the end (the same checks as test_concurrency.c on SQLite):
 * the number and amount sum of the clients' opportunities, all in "design", the stage
 * history count, and the counter equal to CLIENTS·ROUNDS (no lost update). The reruns
 * each unit needed are counted and printed. */
#include "rel_common.h"

#include <libpq-fe.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CLIENTS 20
#define ROUNDS 50
/* Far above what the workload needs: exhausting it is a failure worth seeing. */
#define MAX_ATTEMPTS 200

static char g_conn[1024];
static char g_schema[64];
static rel_fixture g_fx;
static kiscrm_id g_counter;
static int failures;

typedef struct client {
	int index;
	long units;     /* units of work committed */
	long reruns;    /* runs beyond the first, over all units */
	int max_runs;   /* most runs one unit needed */
	int failed;
	/* the unit of work being run */
	int runs;
	int round;
	kiscrm_id id;
	const char *stage;
	kiscrm_time at;
} client;

static int open_db(kiscrm_db **out)
{
	kiscrm_db_options o = KISCRM_DB_OPTIONS_INIT;
	o.backend = "postgresql";
	o.path = g_conn;
	int rc = kiscrm_db_open(out, &o);
	return rc ? rc : kiscrm_db_set_today(*out, REL_TODAY);
}

static int unit_insert(kiscrm_db *db, void *payload)
{
	client *c = payload;
	char name[64];
	c->runs++;
	snprintf(name, sizeof(name), "w%d-r%d", c->index, c->round);
	return rel_insert_opportunity(&c->id, db, &g_fx, name,
				      (kiscrm_money)c->index * 1000 + c->round + 1, 20600, name);
}

static int unit_move(kiscrm_db *db, void *payload)
{
	client *c = payload;
	c->runs++;
	return kiscrm_opportunity_move(db, c->id, c->stage, c->at, 0);
}

static int unit_bump(kiscrm_db *db, void *payload)
{
	client *c = payload;
	kiscrm_record *r = NULL;
	c->runs++;
	int rc = kiscrm_record_get(&r, db, KISCRM_KIND_OPPORTUNITY, g_counter);
	if (rc == KISCRM_OK)
		rc = kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_AMOUNT,
					   kiscrm_record_int(r, KISCRM_OPPORTUNITY_AMOUNT) + 1);
	if (rc == KISCRM_OK)
		rc = kiscrm_record_update(db, r);
	kiscrm_record_free(r);
	return rc;
}

static int run(client *c, kiscrm_db *db, kiscrm_transact_fn fn, const char *what)
{
	kiscrm_transact_options o = KISCRM_TRANSACT_OPTIONS_INIT;
	o.max_attempts = MAX_ATTEMPTS;
	c->runs = 0;
	int rc = kiscrm_db_transact(db, fn, c, &o);
	if (rc != KISCRM_OK) {
		fprintf(stderr, "client %d: %s: %d (%s) %s\n", c->index, what, rc, kiscrm_strerror(rc),
			kiscrm_error_last()->message);
		c->failed = 1;
		return -1;
	}
	c->units++;
	c->reruns += c->runs - 1;
	if (c->runs > c->max_runs)
		c->max_runs = c->runs;
	return 0;
}

static void *client_main(void *arg)
{
	client *c = arg;
	kiscrm_db *db = NULL;
	int rc = open_db(&db);
	if (rc) {
		fprintf(stderr, "client %d: open: %s\n", c->index, kiscrm_error_last()->message);
		c->failed = 1;
		return NULL;
	}
	kiscrm_db_set_actor(db, g_fx.staff);
	for (int round = 0; round < ROUNDS && !c->failed; round++) {
		kiscrm_time t = (kiscrm_time)20600 * 86400 + round * 60;
		c->round = round;
		if (run(c, db, unit_insert, "insert") < 0)
			break;
		c->stage = "diagnosis";
		c->at = t + 1;
		if (run(c, db, unit_move, "move to diagnosis") < 0)
			break;
		c->stage = "design";
		c->at = t + 2;
		if (run(c, db, unit_move, "move to design") < 0 || run(c, db, unit_bump, "bump") < 0)
			break;
	}
	kiscrm_db_free(db);
	return NULL;
}

/* ---- the database: a schema of its own, checked with SQL ---------------------------- */

static PGconn *g_admin;

static int admin_exec(const char *sql)
{
	PGresult *res = PQexec(g_admin, sql);
	int ok = PQresultStatus(res) == PGRES_COMMAND_OK;
	if (!ok)
		fprintf(stderr, "%s: %s", sql, PQerrorMessage(g_admin));
	PQclear(res);
	return ok ? 0 : -1;
}

static long long q1(PGconn *db, const char *sql)
{
	PGresult *res = PQexec(db, sql);
	long long v = -1;
	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1 && !PQgetisnull(res, 0, 0))
		v = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	else
		CHECK(0, "'%s': %s", sql, PQerrorMessage(db));
	PQclear(res);
	return v;
}

static void verify(void)
{
	long long n = (long long)CLIENTS * ROUNDS, v;
	long long sum = (long long)ROUNDS * 1000 * CLIENTS * (CLIENTS - 1) / 2 +
			(long long)CLIENTS * ROUNDS * (ROUNDS + 1) / 2;
	char sql[256];
	PGconn *db = PQconnectdb(g_conn);
	if (PQstatus(db) != CONNECTION_OK) {
		CHECK(0, "cannot connect: %s", PQerrorMessage(db));
		PQfinish(db);
		return;
	}
	v = q1(db, "SELECT count(*) FROM opportunity WHERE external_ref LIKE 'w%'");
	CHECK(v == n, "%lld client opportunities, expected %lld", v, n);
	v = q1(db, "SELECT count(*) FROM opportunity");
	CHECK(v == n + 1, "%lld opportunities, expected %lld", v, n + 1);
	v = q1(db, "SELECT sum(amount) FROM opportunity WHERE external_ref LIKE 'w%'");
	CHECK(v == sum, "sum of amounts %lld, expected %lld", v, sum);
	v = q1(db, "SELECT count(*) FROM opportunity WHERE external_ref LIKE 'w%' AND stage = 'design'");
	CHECK(v == n, "%lld client opportunities in 'design', expected %lld", v, n);
	v = q1(db, "SELECT count(*) FROM stage_history");
	CHECK(v == 3 * n + 1, "%lld stage-history entries, expected %lld", v, 3 * n + 1);
	snprintf(sql, sizeof(sql), "SELECT amount FROM opportunity WHERE id = %lld", (long long)g_counter);
	v = q1(db, sql);
	CHECK(v == n, "counter is %lld after %lld increments: %lld lost updates", v, n, n - v);
	PQfinish(db);
}

static int setup(void)
{
	kiscrm_db *db = NULL;
	int rc = open_db(&db);
	if (rc)
		return rel_report("open", rc);
	if ((rc = rel_fixture_create(&g_fx, db)) < 0 ||
	    (rc = rel_insert_opportunity(&g_counter, db, &g_fx, "counter", 0, KISCRM_DATE_NONE,
					 "counter")) < 0)
		rel_report("setup", rc);
	kiscrm_db_free(db);
	return rc;
}

int main(void)
{
	const char *base = getenv("KISCRM_TEST_PG");
	if (!base || !*base) {
		printf("skipping: KISCRM_TEST_PG is not set (tools/with-postgres sets it)\n");
		return 77;
	}
	g_admin = PQconnectdb(base);
	if (PQstatus(g_admin) != CONNECTION_OK) {
		fprintf(stderr, "cannot connect to KISCRM_TEST_PG: %s", PQerrorMessage(g_admin));
		return 1;
	}
	PQclear(PQexec(g_admin, "SET client_min_messages = warning"));
	snprintf(g_schema, sizeof(g_schema), "kc_conc_%ld", (long)getpid());
	char sql[256];
	snprintf(sql, sizeof(sql), "DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s", g_schema,
		 g_schema);
	if (admin_exec(sql) < 0)
		return 1;
	int uri = !strncmp(base, "postgresql://", 13) || !strncmp(base, "postgres://", 11);
	if (uri)
		snprintf(g_conn, sizeof(g_conn), "%s%soptions=-csearch_path%%3D%s", base,
			 strchr(base, '?') ? "&" : "?", g_schema);
	else
		snprintf(g_conn, sizeof(g_conn), "%s options='-csearch_path=%s'", base, g_schema);

	if (setup() == 0) {
		pthread_t th[CLIENTS];
		client c[CLIENTS];
		struct timespec t0, t1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (int i = 0; i < CLIENTS; i++) {
			memset(&c[i], 0, sizeof(c[i]));
			c[i].index = i;
			if (pthread_create(&th[i], NULL, client_main, &c[i]) != 0) {
				fprintf(stderr, "pthread_create failed\n");
				return 1;
			}
		}
		long units = 0, reruns = 0;
		int max_runs = 0;
		for (int i = 0; i < CLIENTS; i++) {
			pthread_join(th[i], NULL);
			CHECK(!c[i].failed, "client %d: an error escaped kiscrm_db_transact", i);
			units += c[i].units;
			reruns += c[i].reruns;
			if (c[i].max_runs > max_runs)
				max_runs = c[i].max_runs;
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		printf("%d clients x %d rounds: %ld units committed, %ld reruns (KISCRM_EBUSY), at "
		       "most %d runs for one unit, %.1f s\n", CLIENTS, ROUNDS, units, reruns, max_runs,
		       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
		verify();
	} else {
		failures++;
	}
	snprintf(sql, sizeof(sql), "DROP SCHEMA IF EXISTS %s CASCADE", g_schema);
	admin_exec(sql);
	PQfinish(g_admin);
	if (!failures)
		printf("counts, sums, stages and counter exact: no lost update\n");
	return failures ? 1 : 0;
}
