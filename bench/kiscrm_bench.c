/*
 * kiscrm-bench: the benchmark of libkiscrm against the raw-SQLite ceiling.
 *
 * It generates a deterministic data set (seeded PRNG; every record is a function of the
 * seed and its index, so the library loader and the raw loader produce the same rows
 * without keeping them), loads it through the public API, and times each main job twice
 * in the same run: through the public API and by hand-written prepared-statement SQL on
 * the same schema (the schema the library created: tables named after kinds, columns
 * after fields). The same jobs then run on the in-memory backend.
 *
 * Output: one line per job, `job backend n seconds rate ratio_vs_sqlite`, where
 * ratio_vs_sqlite is the job's time divided by the time of the hand-written SQL (1.00 on
 * the raw lines; lower is better), and a JSON summary (--json FILE, also printed after a
 * line "JSON").
 *
 * Report functions are looked up with dlsym() at run time, so that the same program also
 * measures an older libkiscrm that lacks some report: a missing one is skipped with a note.
 */
#include <kiscrm/budget.h>
#include <kiscrm/config.h>
#include <kiscrm/date.h>
#include <kiscrm/db.h>
#include <kiscrm/errors.h>
#include <kiscrm/forecast.h>
#include <kiscrm/report.h>
#include <kiscrm/money_flow.h>
#include <kiscrm/org.h>
#include <kiscrm/customer.h>
#include <kiscrm/pipeline.h>
#include <kiscrm/record.h>
#include <kiscrm/report.h>
#include <kiscrm/table.h>
#include <kiscrm/target.h>

#include <sqlite3.h>

#ifdef KISCRM_BENCH_PG
#include "pg_raw.h"
#endif

#include <dlfcn.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define DAY 86400
#define MAX_STAGES 16
#define MAX_JOBS 64

/* ---- parameters and helpers ------------------------------------------------------- */

typedef struct {
	long n;           /* opportunities */
	long customers;
	long contracts;
	long staff;
	long depts;
	uint64_t seed;
	kiscrm_date as_of;
	const char *dir;
	const char *json;
	int skip_memory;
	int keep;
	long kpi_max_n; /* the KPI job runs only up to this size (it scales with staff × data) */
	long memory_n;  /* opportunities of the in-memory run (loads there are quadratic, see README) */
	const char *pg; /* --pg CONNINFO: measure the PostgreSQL backend instead */
} params;

static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("kiscrm-bench: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static void check_at(int rc, const char *what, int line)
{
	if (rc < 0)
		die("%s failed (line %d, rc %d): %s", what, line, rc, kiscrm_error_last()->message);
}
#define CHECK(x) check_at((x), #x, __LINE__)

static void sq_check_at(sqlite3 *db, int rc, const char *what, int line)
{
	if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
		die("SQLite: %s failed (line %d): %s", what, line, sqlite3_errmsg(db));
}
#define SQCHECK(db, x) sq_check_at((db), (x), #x, __LINE__)

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Bytes of heap in use: what the memory backend's rows cost. With glibc, mallinfo2's
 * allocated bytes (small blocks + mmapped ones) — exact, and unaffected by memory an
 * earlier phase freed and the process keeps (a resident-set difference taken after the
 * SQLite phase came out negative). Elsewhere the resident set size, 0 if unknown. */
static long rss_bytes(void)
{
#if defined(__GLIBC__) && defined(__GLIBC_PREREQ)
#if __GLIBC_PREREQ(2, 33)
	struct mallinfo2 mi = mallinfo2();
	return (long)(mi.uordblks + mi.hblkhd);
#endif
#endif
	FILE *f = fopen("/proc/self/statm", "r");
	long pages = 0, resident = 0;
	if (!f)
		return 0;
	if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
		resident = 0;
	fclose(f);
	return resident * sysconf(_SC_PAGESIZE);
}

/* splitmix64: small, fast, and the same on every platform. */
typedef struct {
	uint64_t s;
} rng;

static uint64_t rng_next(rng *r)
{
	uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static long below(rng *r, long n)
{
	return n > 0 ? (long)(rng_next(r) % (uint64_t)n) : 0;
}

/* A stream per (kind of record, index): records do not depend on generation order. */
static rng stream(const params *p, uint64_t kind, long i)
{
	rng r = { p->seed * 0xD1B54A32D192ED03ull ^ (kind << 56) ^ (uint64_t)(i + 1) * 0x9E3779B97F4A7C15ull };
	rng_next(&r);
	return r;
}

static void remove_db(const char *path)
{
	char b[4096];
	remove(path);
	snprintf(b, sizeof(b), "%s-wal", path);
	remove(b);
	snprintf(b, sizeof(b), "%s-shm", path);
	remove(b);
	snprintf(b, sizeof(b), "%s-journal", path);
	remove(b);
}

/* ---- the pipeline --------------------------------------------------------------- */

typedef struct {
	size_t n;
	const char *key[MAX_STAGES];
	int prob[MAX_STAGES];
	const char *cat[MAX_STAGES];
	int term[MAX_STAGES];
	int work[MAX_STAGES]; /* indices of the working stages, in order */
	int nwork;
	int won, lost;
	const char *pipeline;
	/* copies: the configuration the names come from is freed before the run ends */
	char pipeline_buf[64];
	char key_buf[MAX_STAGES][64];
	char cat_buf[MAX_STAGES][32];
} stages;

static const char *keep_copy(char *buf, size_t size, const char *s)
{
	if (!s)
		return NULL;
	if (strlen(s) >= size)
		die("configuration key '%s' is too long", s);
	memcpy(buf, s, strlen(s) + 1);
	return buf;
}

static void load_stages(stages *st, const kiscrm_config *cfg)
{
	memset(st, 0, sizeof(*st));
	st->pipeline = keep_copy(st->pipeline_buf, sizeof(st->pipeline_buf), kiscrm_config_pipeline_key(cfg, 0));
	st->n = kiscrm_config_stage_count(cfg, 0);
	if (!st->pipeline || st->n < 3 || st->n > MAX_STAGES)
		die("the default pipeline has %zu stages; 3 to %d are supported", st->n, MAX_STAGES);
	st->won = st->lost = -1;
	for (size_t s = 0; s < st->n; s++) {
		st->key[s] = keep_copy(st->key_buf[s], sizeof(st->key_buf[s]), kiscrm_config_stage_key(cfg, 0, s));
		st->prob[s] = kiscrm_config_stage_probability(cfg, 0, s);
		st->cat[s] = keep_copy(st->cat_buf[s], sizeof(st->cat_buf[s]),
				       kiscrm_config_stage_forecast_category(cfg, 0, s));
		st->term[s] = kiscrm_config_stage_terminal(cfg, 0, s);
		if (st->term[s] == KISCRM_STAGE_OPEN)
			st->work[st->nwork++] = (int)s;
		else if (st->term[s] == KISCRM_STAGE_WON && st->won < 0)
			st->won = (int)s;
		else if (st->term[s] == KISCRM_STAGE_LOST && st->lost < 0)
			st->lost = (int)s;
	}
	if (st->nwork < 1 || st->won < 0 || st->lost < 0)
		die("the default pipeline needs a working, a won and a lost stage");
}

/* ---- generated records ------------------------------------------------------------- */

static const char *const business_lines[] = { "direct", "distribution", "service" };
static const char *const product_lines[] = { "professional", "mini", "standard", "commerce", "new_products" };
static const char *const sources[] = { "grid", "market_activity", "telemarketing", "resale", "partner", "referral", "inbound" };
static const char *const regions[] = { "north", "east", "south", "central", "southwest", "northwest", "northeast" };
static const char *const industries[] = { "manufacturing", "retail", "software", "finance", "education", "healthcare" };

#define SIZE_LARGE_MIN 50000000 /* analysis.yaml large_min 500000.00, in fen */
#define SIZE_MEDIUM_MIN 10000000

typedef struct {
	long id;
	long customer, owner, dept;
	int bl, pl, src;
	kiscrm_money amount;
	kiscrm_date created, expected, closed; /* closed KISCRM_DATE_NONE when open */
	int path[4];                           /* stage indices: creation, then 3 moves */
	kiscrm_time at[4];
	int final;
	char name[32];
} opp_t;

static long dept_of_staff(const params *p, long s)
{
	long per = p->staff / p->depts;
	long d = (s - 1) / (per > 0 ? per : 1) + 1;
	return d > p->depts ? p->depts : d;
}

static int work_stage(const stages *st, int i)
{
	int k = i < st->nwork ? i : st->nwork - 1;
	return st->work[k > 0 ? k : 0];
}

/* Opportunity i (0-based): ~40 % open, ~35 % won, ~25 % lost, each with a creation entry
 * and three moves (one path goes backwards). */
static void gen_opp(const params *p, const stages *st, long i, opp_t *o)
{
	rng r = stream(p, 1, i);
	int kind;
	kiscrm_time t;

	o->id = i + 1;
	o->customer = 1 + below(&r, p->customers);
	o->owner = 1 + below(&r, p->staff);
	o->dept = dept_of_staff(p, o->owner);
	o->bl = (int)below(&r, 3);
	o->pl = (int)below(&r, 5);
	o->src = (int)below(&r, 7);
	o->amount = (kiscrm_money)(5000 + below(&r, 295000)) * 100;
	if (below(&r, 10) == 0)
		o->amount *= 8;
	o->created = p->as_of - 365 + (kiscrm_date)below(&r, 335);
	kind = (int)below(&r, 100);
	if (kind < 30) {
		o->path[0] = work_stage(st, 0), o->path[1] = work_stage(st, 1);
		o->path[2] = work_stage(st, 2), o->path[3] = work_stage(st, 3);
	} else if (kind < 40) {
		o->path[0] = work_stage(st, 0), o->path[1] = work_stage(st, 1);
		o->path[2] = work_stage(st, 0), o->path[3] = work_stage(st, 1);
	} else if (kind < 65) {
		o->path[0] = work_stage(st, 0), o->path[1] = work_stage(st, 1);
		o->path[2] = work_stage(st, 3), o->path[3] = st->won;
	} else if (kind < 75) {
		o->path[0] = work_stage(st, 0), o->path[1] = work_stage(st, 2);
		o->path[2] = work_stage(st, 3), o->path[3] = st->won;
	} else {
		o->path[0] = work_stage(st, 0), o->path[1] = work_stage(st, 1);
		o->path[2] = work_stage(st, 2), o->path[3] = st->lost;
	}
	/* The creation entry is at midnight of `created`, as the library writes it. */
	t = (kiscrm_time)o->created * DAY;
	o->at[0] = t;
	for (int k = 1; k < 4; k++) {
		t += (kiscrm_time)(1 + below(&r, 10)) * DAY + below(&r, 36000);
		o->at[k] = t;
	}
	o->final = o->path[3];
	if (st->term[o->final] != KISCRM_STAGE_OPEN) {
		o->closed = (kiscrm_date)(o->at[3] / DAY);
		o->expected = o->closed;
	} else {
		o->closed = KISCRM_DATE_NONE;
		o->expected = p->as_of - 28 + (kiscrm_date)below(&r, 224);
	}
	snprintf(o->name, sizeof(o->name), "Opportunity %07ld", o->id);
}

static const char *size_class(kiscrm_money a)
{
	return a >= SIZE_LARGE_MIN ? "large" : a >= SIZE_MEDIUM_MIN ? "medium" : "small";
}

static const char *status_of(const stages *st, int s)
{
	return st->term[s] == KISCRM_STAGE_WON ? "won" : st->term[s] == KISCRM_STAGE_LOST ? "lost" : "open";
}

/* ---- loading through the public API ------------------------------------------------ */

typedef struct {
	double opp_seconds;   /* opportunities + their history, commit included */
	double total_seconds; /* everything */
	long rows;            /* records written (final rows) */
	long rss_before, rss_after_opps, rss_after_history;
	double string_bytes;  /* average bytes of the TEXT values of a stored opportunity */
	long history;
	long contracts, plans, collections, targets;
} load_stats;

static kiscrm_record *new_rec(int kind)
{
	kiscrm_record *r;
	CHECK(kiscrm_record_new(&r, kind));
	return r;
}

static void insert(kiscrm_db *db, kiscrm_record *r)
{
	int rc = kiscrm_record_insert(db, r);
	if (rc < 0)
		die("inserting a %s failed (rc %d): %s", kiscrm_kind_name(kiscrm_record_kind(r)), rc,
		    kiscrm_error_last()->message);
}

static void load_org(kiscrm_db *db, const params *p, load_stats *ls)
{
	char b[64];
	long per = p->staff / p->depts;

	for (long d = 1; d <= p->depts; d++) {
		kiscrm_record *r = new_rec(KISCRM_KIND_DEPARTMENT);
		snprintf(b, sizeof(b), "Sales Dept %02ld", d);
		CHECK(kiscrm_record_set_text(r, KISCRM_DEPARTMENT_NAME, b));
		snprintf(b, sizeof(b), "D%02ld", d);
		CHECK(kiscrm_record_set_text(r, KISCRM_DEPARTMENT_CODE, b));
		insert(db, r);
		kiscrm_record_free(r);
		ls->rows++;
	}
	for (long s = 1; s <= p->staff; s++) {
		kiscrm_record *r = new_rec(KISCRM_KIND_STAFF);
		long d = dept_of_staff(p, s);
		long head = (d - 1) * (per > 0 ? per : 1) + 1;
		snprintf(b, sizeof(b), "Staff %04ld", s);
		CHECK(kiscrm_record_set_text(r, KISCRM_STAFF_NAME, b));
		CHECK(kiscrm_record_set_int(r, KISCRM_STAFF_DEPARTMENT_ID, d));
		CHECK(kiscrm_record_set_text(r, KISCRM_STAFF_ROLE, s == head ? "department_manager" : "sales_rep"));
		if (s != head && head < s)
			CHECK(kiscrm_record_set_int(r, KISCRM_STAFF_MANAGER_ID, head));
		CHECK(kiscrm_record_set_int(r, KISCRM_STAFF_ACTIVE, 1));
		CHECK(kiscrm_record_set_int(r, KISCRM_STAFF_HIRE_DATE, p->as_of - 1000 - s));
		insert(db, r);
		kiscrm_record_free(r);
		ls->rows++;
	}
	for (long c = 1; c <= p->customers; c++) {
		kiscrm_record *r = new_rec(KISCRM_KIND_CUSTOMER);
		rng g = stream(p, 2, c);
		snprintf(b, sizeof(b), "Customer %06ld Trading Co., Ltd.", c);
		CHECK(kiscrm_record_set_text(r, KISCRM_CUSTOMER_NAME, b));
		CHECK(kiscrm_record_set_text(r, KISCRM_CUSTOMER_REGION, regions[below(&g, 7)]));
		CHECK(kiscrm_record_set_text(r, KISCRM_CUSTOMER_INDUSTRY, industries[below(&g, 6)]));
		CHECK(kiscrm_record_set_int(r, KISCRM_CUSTOMER_OWNER_ID, 1 + below(&g, p->staff)));
		CHECK(kiscrm_record_set_int(r, KISCRM_CUSTOMER_CREATED, p->as_of - 730 + (kiscrm_date)below(&g, 730)));
		insert(db, r);
		kiscrm_record_free(r);
		ls->rows++;
	}
}

static size_t text_bytes(const kiscrm_record *r)
{
	size_t n = 0;
	int kind = kiscrm_record_kind(r);
	for (int i = 0; i < kiscrm_kind_field_count(kind); i++) {
		int f = kiscrm_kind_field_id(kind, i);
		const char *t = kiscrm_kind_field_type(kind, f) == KISCRM_TYPE_TEXT ? kiscrm_record_text(r, f) : NULL;
		if (t)
			n += strlen(t) + 1;
	}
	return n;
}

static void put_history(kiscrm_db *db, const opp_t *o, const stages *st, int k)
{
	kiscrm_record *h = new_rec(KISCRM_KIND_STAGE_HISTORY);
	CHECK(kiscrm_record_set_int(h, KISCRM_STAGE_HISTORY_OPPORTUNITY_ID, o->id));
	if (k > 0) {
		CHECK(kiscrm_record_set_text(h, KISCRM_STAGE_HISTORY_FROM_STAGE, st->key[o->path[k - 1]]));
		CHECK(kiscrm_record_set_int(h, KISCRM_STAGE_HISTORY_BY_ID, o->owner));
	}
	CHECK(kiscrm_record_set_text(h, KISCRM_STAGE_HISTORY_TO_STAGE, st->key[o->path[k]]));
	CHECK(kiscrm_record_set_int(h, KISCRM_STAGE_HISTORY_AT, o->at[k]));
	CHECK(kiscrm_record_set_int(h, KISCRM_STAGE_HISTORY_AMOUNT, o->amount));
	CHECK(kiscrm_record_set_text(h, KISCRM_STAGE_HISTORY_PIPELINE, st->pipeline));
	insert(db, h);
	kiscrm_record_free(h);
}

/*
 * Opportunities with their final stage, then their history. They are stored with
 * KISCRM_INSERT_RAW (no automatic creation entry), since the generated history carries the
 * real one (creation in the first stage, then the moves). Two passes (all opportunities,
 * then all history) so that the memory measurement separates the two.
 */
static void load_opportunities(kiscrm_db *db, const params *p, const stages *st, load_stats *ls)
{
	opp_t o;
	double strings = 0;

	ls->rss_before = rss_bytes();
	for (long i = 0; i < p->n; i++) {
		kiscrm_record *r = new_rec(KISCRM_KIND_OPPORTUNITY);
		gen_opp(p, st, i, &o);
		CHECK(kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_NAME, o.name));
		CHECK(kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_CUSTOMER_ID, o.customer));
		CHECK(kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_OWNER_ID, o.owner));
		CHECK(kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_DEPARTMENT_ID, o.dept));
		CHECK(kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_BUSINESS_LINE, business_lines[o.bl]));
		CHECK(kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_PRODUCT_LINE, product_lines[o.pl]));
		CHECK(kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_AMOUNT, o.amount));
		CHECK(kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_EXPECTED_CLOSE, o.expected));
		CHECK(kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_PIPELINE, st->pipeline));
		CHECK(kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_STAGE, st->key[o.final]));
		CHECK(kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_SOURCE, sources[o.src]));
		CHECK(kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_CREATED, o.created));
		if (o.closed != KISCRM_DATE_NONE)
			CHECK(kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_CLOSED, o.closed));
		/* RAW: no creation entry; the generated history carries the real one */
		if (kiscrm_record_insert_flags(db, r, KISCRM_INSERT_RAW) < 0)
			die("inserting an opportunity failed: %s", kiscrm_error_last()->message);
		if (kiscrm_record_id(r) != o.id)
			die("opportunity %ld was stored with id %lld: the database was not empty", o.id,
			    (long long)kiscrm_record_id(r));
		strings += (double)text_bytes(r);
		kiscrm_record_free(r);
	}
	ls->rss_after_opps = rss_bytes();
	ls->string_bytes = p->n ? strings / (double)p->n : 0;
	for (long i = 0; i < p->n; i++) {
		gen_opp(p, st, i, &o);
		for (int k = 0; k < 4; k++)
			put_history(db, &o, st, k);
	}
	ls->rss_after_history = rss_bytes();
	ls->history = 4 * p->n;
	ls->rows += 5 * p->n;
}

/* Contract c (0-based) and its plans: linked to the c-th won opportunity while there are
 * some, else a contract without opportunity. */
typedef struct {
	long opp; /* 0: none */
	long customer, owner, dept;
	int bl, pl;
	kiscrm_date signed_on;
	kiscrm_money amount;
	kiscrm_date due[2];
	kiscrm_money part[2];
} contract_t;

static void gen_contract(const params *p, long c, const opp_t *won, contract_t *k)
{
	rng r = stream(p, 3, c);
	if (won) {
		k->opp = won->id;
		k->customer = won->customer;
		k->owner = won->owner;
		k->dept = won->dept;
		k->bl = won->bl;
		k->pl = won->pl;
		k->signed_on = won->closed;
		k->amount = won->amount;
	} else {
		k->opp = 0;
		k->customer = 1 + below(&r, p->customers);
		k->owner = 1 + below(&r, p->staff);
		k->dept = dept_of_staff(p, k->owner);
		k->bl = (int)below(&r, 3);
		k->pl = (int)below(&r, 5);
		k->signed_on = p->as_of - 365 + (kiscrm_date)below(&r, 365);
		k->amount = (kiscrm_money)(5000 + below(&r, 295000)) * 100;
	}
	k->part[0] = k->amount * 4 / 10;
	k->part[1] = k->amount - k->part[0];
	k->due[0] = k->signed_on + 30;
	k->due[1] = k->signed_on + 120;
}

/* Collections of instalment j of contract c: paid in full some days after the due date,
 * paid half, or not yet. Returns how many (0..1) and fills date and amount. */
static int gen_collection(const params *p, long c, int j, const contract_t *k, kiscrm_date *on,
			  kiscrm_money *amount)
{
	rng r = stream(p, 4 + (uint64_t)j, c);
	long u = below(&r, 100);
	kiscrm_date late = (kiscrm_date)below(&r, 20);
	if (k->part[j] <= 0)
		return 0;
	if (k->due[j] + 20 <= p->as_of && u < 85) {
		*on = k->due[j] + late;
		*amount = k->part[j];
		return 1;
	}
	if (k->due[j] <= p->as_of && u < 92 && k->part[j] >= 2) {
		*on = k->due[j];
		*amount = k->part[j] / 2;
		return 1;
	}
	return 0;
}

/* Calls fn for every contract in order (c, the won opportunity or NULL). */
typedef void (*contract_fn)(void *payload, long c, const contract_t *k);

static void each_contract(const params *p, const stages *st, contract_fn fn, void *payload)
{
	long c = 0;
	opp_t o;
	contract_t k;
	for (long i = 0; i < p->n && c < p->contracts; i++) {
		gen_opp(p, st, i, &o);
		if (st->term[o.final] != KISCRM_STAGE_WON)
			continue;
		gen_contract(p, c, &o, &k);
		fn(payload, c++, &k);
	}
	for (; c < p->contracts; c++) {
		gen_contract(p, c, NULL, &k);
		fn(payload, c, &k);
	}
}

typedef struct {
	kiscrm_db *db;
	const params *p;
	load_stats *ls;
} api_ctx;

static void api_contract(void *payload, long c, const contract_t *k)
{
	api_ctx *x = payload;
	char b[32];
	kiscrm_record *r = new_rec(KISCRM_KIND_CONTRACT);
	kiscrm_id id;

	snprintf(b, sizeof(b), "HT%08ld", c + 1);
	CHECK(kiscrm_record_set_text(r, KISCRM_CONTRACT_NUMBER, b));
	CHECK(kiscrm_record_set_int(r, KISCRM_CONTRACT_CUSTOMER_ID, k->customer));
	if (k->opp)
		CHECK(kiscrm_record_set_int(r, KISCRM_CONTRACT_OPPORTUNITY_ID, k->opp));
	CHECK(kiscrm_record_set_int(r, KISCRM_CONTRACT_SIGNED, k->signed_on));
	CHECK(kiscrm_record_set_int(r, KISCRM_CONTRACT_AMOUNT, k->amount));
	CHECK(kiscrm_record_set_int(r, KISCRM_CONTRACT_OWNER_ID, k->owner));
	CHECK(kiscrm_record_set_int(r, KISCRM_CONTRACT_DEPARTMENT_ID, k->dept));
	CHECK(kiscrm_record_set_text(r, KISCRM_CONTRACT_BUSINESS_LINE, business_lines[k->bl]));
	CHECK(kiscrm_record_set_text(r, KISCRM_CONTRACT_PRODUCT_LINE, product_lines[k->pl]));
	CHECK(kiscrm_record_set_text(r, KISCRM_CONTRACT_APPROVAL, "approved"));
	insert(x->db, r);
	id = kiscrm_record_id(r);
	kiscrm_record_free(r);
	x->ls->contracts++;
	for (int j = 0; j < 2; j++) {
		kiscrm_date on;
		kiscrm_money amount;
		if (k->part[j] <= 0)
			continue;
		r = new_rec(KISCRM_KIND_COLLECTION_PLAN);
		CHECK(kiscrm_record_set_int(r, KISCRM_COLLECTION_PLAN_CONTRACT_ID, id));
		CHECK(kiscrm_record_set_int(r, KISCRM_COLLECTION_PLAN_DUE, k->due[j]));
		CHECK(kiscrm_record_set_int(r, KISCRM_COLLECTION_PLAN_AMOUNT, k->part[j]));
		insert(x->db, r);
		kiscrm_record_free(r);
		x->ls->plans++;
		if (!gen_collection(x->p, c, j, k, &on, &amount))
			continue;
		r = new_rec(KISCRM_KIND_COLLECTION);
		CHECK(kiscrm_record_set_int(r, KISCRM_COLLECTION_CONTRACT_ID, id));
		CHECK(kiscrm_record_set_int(r, KISCRM_COLLECTION_RECEIVED, on));
		CHECK(kiscrm_record_set_int(r, KISCRM_COLLECTION_AMOUNT, amount));
		insert(x->db, r);
		kiscrm_record_free(r);
		x->ls->collections++;
	}
}

/* Per person and fiscal quarter of the as-of year: contract and collection targets, at
 * the owner level; and the company's yearly contract target. Scaled to the data size. */
static void load_targets(kiscrm_db *db, const params *p, load_stats *ls)
{
	int y, m, d;
	kiscrm_date q[5];
	kiscrm_money company = 0;
	static const char *const metrics[] = { KISCRM_METRIC_CONTRACT_AMOUNT, KISCRM_METRIC_COLLECTION_AMOUNT };

	kiscrm_date_to_ymd(p->as_of, &y, &m, &d);
	for (int k = 0; k < 4; k++)
		CHECK(kiscrm_date_from_ymd(&q[k], y, 1 + 3 * k, 1));
	CHECK(kiscrm_date_from_ymd(&q[4], y + 1, 1, 1));
	for (long s = 1; s <= p->staff; s++) {
		rng r = stream(p, 7, s);
		for (int k = 0; k < 4; k++) {
			for (int mt = 0; mt < 2; mt++) {
				kiscrm_record *t = new_rec(KISCRM_KIND_TARGET);
				double yuan = (30e6 + (double)below(&r, 30000000)) * ((double)p->n / 1e6);
				kiscrm_money amount = (kiscrm_money)(yuan < 1000 ? 1000 : yuan) * 100;
				if (mt == 1)
					amount = amount * 8 / 10;
				else
					company += amount;
				CHECK(kiscrm_record_set_text(t, KISCRM_TARGET_METRIC, metrics[mt]));
				CHECK(kiscrm_record_set_int(t, KISCRM_TARGET_PERIOD, KISCRM_PERIOD_QUARTER));
				CHECK(kiscrm_record_set_int(t, KISCRM_TARGET_START, q[k]));
				CHECK(kiscrm_record_set_int(t, KISCRM_TARGET_OWNER_ID, s));
				CHECK(kiscrm_record_set_int(t, KISCRM_TARGET_AMOUNT, amount));
				insert(db, t);
				kiscrm_record_free(t);
				ls->targets++;
			}
		}
	}
	kiscrm_record *t = new_rec(KISCRM_KIND_TARGET);
	CHECK(kiscrm_record_set_text(t, KISCRM_TARGET_METRIC, KISCRM_METRIC_CONTRACT_AMOUNT));
	CHECK(kiscrm_record_set_int(t, KISCRM_TARGET_PERIOD, KISCRM_PERIOD_YEAR));
	CHECK(kiscrm_record_set_int(t, KISCRM_TARGET_START, q[0]));
	CHECK(kiscrm_record_set_int(t, KISCRM_TARGET_AMOUNT, company));
	insert(db, t);
	kiscrm_record_free(t);
	ls->targets++;
}

/* Loads the whole data set; each phase is one transaction. */
static void api_load(kiscrm_db *db, const params *p, const stages *st, load_stats *ls)
{
	double t0 = now(), t1;
	api_ctx x = { db, p, ls };

	CHECK(kiscrm_db_begin(db));
	load_org(db, p, ls);
	CHECK(kiscrm_db_commit(db));

	t1 = now();
	CHECK(kiscrm_db_begin(db));
	load_opportunities(db, p, st, ls);
	CHECK(kiscrm_db_commit(db));
	ls->opp_seconds = now() - t1;

	CHECK(kiscrm_db_begin(db));
	each_contract(p, st, api_contract, &x);
	load_targets(db, p, ls);
	CHECK(kiscrm_db_commit(db));
	ls->rows += ls->contracts + ls->plans + ls->collections + ls->targets;
	ls->total_seconds = now() - t0;
}

/* ---- the raw insert ceiling -------------------------------------------------------- */

/* The raw connections use the page cache the library's SQLite backend sets, so that both
 * sides run with the same settings (WAL, synchronous NORMAL, this cache). */
#define RAW_CACHE_PRAGMA "PRAGMA cache_size = -65536"


static void sq_exec(sqlite3 *db, const char *sql)
{
	char *err = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		die("SQLite: %s: %s", sql, err ? err : "?");
}

static void bind_text_or_null(sqlite3_stmt *s, int i, const char *t)
{
	if (t)
		sqlite3_bind_text(s, i, t, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, i);
}

/* The same opportunity and history rows (with what the library derives) inserted by
 * prepared statements into the library's schema in a second file: the ceiling. */
static double raw_load(const char *path, const params *p, const stages *st)
{
	sqlite3 *db;
	sqlite3_stmt *ins_o, *ins_h;
	opp_t o;
	double t0;

	SQCHECK(NULL, sqlite3_open(path, &db));
	sq_exec(db, "PRAGMA journal_mode = WAL");
	sq_exec(db, "PRAGMA synchronous = NORMAL");
	sq_exec(db, RAW_CACHE_PRAGMA);
	SQCHECK(db, sqlite3_prepare_v2(db,
		"INSERT INTO opportunity (name, customer_id, owner_id, department_id, business_line, "
		"product_line, amount, expected_close, pipeline, stage, probability, probability_manual, "
		"forecast_category, source, size_class, status, created, closed) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 0, ?12, ?13, ?14, ?15, ?16, ?17)",
		-1, &ins_o, NULL));
	SQCHECK(db, sqlite3_prepare_v2(db,
		"INSERT INTO stage_history (opportunity_id, from_stage, to_stage, at, by_id, amount, pipeline) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", -1, &ins_h, NULL));
	t0 = now();
	sq_exec(db, "BEGIN");
	for (long i = 0; i < p->n; i++) {
		gen_opp(p, st, i, &o);
		sqlite3_bind_text(ins_o, 1, o.name, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(ins_o, 2, o.customer);
		sqlite3_bind_int64(ins_o, 3, o.owner);
		sqlite3_bind_int64(ins_o, 4, o.dept);
		sqlite3_bind_text(ins_o, 5, business_lines[o.bl], -1, SQLITE_STATIC);
		sqlite3_bind_text(ins_o, 6, product_lines[o.pl], -1, SQLITE_STATIC);
		sqlite3_bind_int64(ins_o, 7, o.amount);
		sqlite3_bind_int64(ins_o, 8, o.expected);
		sqlite3_bind_text(ins_o, 9, st->pipeline, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins_o, 10, st->key[o.final], -1, SQLITE_STATIC);
		sqlite3_bind_int(ins_o, 11, st->prob[o.final]);
		bind_text_or_null(ins_o, 12, st->cat[o.final]);
		sqlite3_bind_text(ins_o, 13, sources[o.src], -1, SQLITE_STATIC);
		sqlite3_bind_text(ins_o, 14, size_class(o.amount), -1, SQLITE_STATIC);
		sqlite3_bind_text(ins_o, 15, status_of(st, o.final), -1, SQLITE_STATIC);
		sqlite3_bind_int64(ins_o, 16, o.created);
		if (o.closed != KISCRM_DATE_NONE)
			sqlite3_bind_int64(ins_o, 17, o.closed);
		else
			sqlite3_bind_null(ins_o, 17);
		SQCHECK(db, sqlite3_step(ins_o));
		sqlite3_reset(ins_o);
	}
	for (long i = 0; i < p->n; i++) {
		gen_opp(p, st, i, &o);
		for (int k = 0; k < 4; k++) {
			sqlite3_bind_int64(ins_h, 1, o.id);
			bind_text_or_null(ins_h, 2, k ? st->key[o.path[k - 1]] : NULL);
			sqlite3_bind_text(ins_h, 3, st->key[o.path[k]], -1, SQLITE_STATIC);
			sqlite3_bind_int64(ins_h, 4, o.at[k]);
			if (k)
				sqlite3_bind_int64(ins_h, 5, o.owner);
			else
				sqlite3_bind_null(ins_h, 5);
			sqlite3_bind_int64(ins_h, 6, o.amount);
			sqlite3_bind_text(ins_h, 7, st->pipeline, -1, SQLITE_STATIC);
			SQCHECK(db, sqlite3_step(ins_h));
			sqlite3_reset(ins_h);
		}
	}
	sq_exec(db, "COMMIT");
	t0 = now() - t0;
	sqlite3_finalize(ins_o);
	sqlite3_finalize(ins_h);
	sqlite3_close(db);
	return t0;
}

/* ---- results --------------------------------------------------------------------- */

typedef struct {
	char job[40];
	char backend[12];
	long n;
	double seconds; /* < 0: skipped */
	double rate;
	double ratio;   /* seconds / raw seconds; NAN when there is no raw figure */
	long rows;      /* rows of the result table (reports) */
	char note[200];
} job_result;

static job_result jobs[MAX_JOBS];
static int njobs;

static job_result *add_job(const char *job, const char *backend, long n, double seconds, double raw_seconds,
			   long rows, const char *note)
{
	job_result *j;
	if (njobs == MAX_JOBS)
		die("too many jobs");
	j = &jobs[njobs++];
	memset(j, 0, sizeof(*j));
	snprintf(j->job, sizeof(j->job), "%s", job);
	snprintf(j->backend, sizeof(j->backend), "%s", backend);
	j->n = n;
	j->seconds = seconds;
	j->rate = seconds > 0 ? (double)n / seconds : NAN;
	j->ratio = seconds >= 0 && raw_seconds > 0 ? seconds / raw_seconds : NAN;
	j->rows = rows;
	snprintf(j->note, sizeof(j->note), "%s", note ? note : "");
	if (seconds < 0)
		printf("%-22s %-7s %9ld %10s %12s %8s   # %s\n", job, backend, n, "skipped", "-", "-", j->note);
	else if (isnan(j->ratio))
		printf("%-22s %-7s %9ld %10.4f %12.0f %8s%s%s\n", job, backend, n, seconds, j->rate, "-",
		       j->note[0] ? "   # " : "", j->note);
	else
		printf("%-22s %-7s %9ld %10.4f %12.0f %8.3f%s%s\n", job, backend, n, seconds, j->rate,
		       j->ratio, j->note[0] ? "   # " : "", j->note);
	fflush(stdout);
	return j;
}

/* ---- timing helper ------------------------------------------------------------------ */

/* Runs fn until it took 0.3 s in total or 5 times (at least once) and returns the fastest
 * run: short jobs are noisy, long ones are not worth repeating. */
typedef long (*job_fn)(void *payload);

static double best_of(job_fn fn, void *payload, long *rows)
{
	double best = -1, spent = 0;
	for (int i = 0; i < 5 && (i == 0 || spent < 0.3); i++) {
		double t0 = now();
		*rows = fn(payload);
		t0 = now() - t0;
		spent += t0;
		if (best < 0 || t0 < best)
			best = t0;
	}
	return best;
}

/* ---- reports through the API ------------------------------------------------------- */

typedef int (*report_fn)(kiscrm_table **, kiscrm_db *, const kiscrm_report_options *);

static report_fn find_report(const char *symbol)
{
	static void *self;
	void *sym;
	report_fn fn;
	if (!self)
		self = dlopen(NULL, RTLD_NOW);
	sym = self ? dlsym(self, symbol) : NULL;
	if (!sym)
		return NULL;
	memcpy(&fn, &sym, sizeof(fn));
	return fn;
}

typedef struct {
	report_fn fn;
	kiscrm_db *db;
	const kiscrm_report_options *opts;
	int failed;
	char error[160];
} api_job;

static long run_api_report(void *payload)
{
	api_job *a = payload;
	kiscrm_table *t = NULL;
	long rows;
	int rc = a->fn(&t, a->db, a->opts);
	if (rc < 0) {
		a->failed = 1;
		snprintf(a->error, sizeof(a->error), "error %d: %s", rc, kiscrm_error_last()->message);
		return 0;
	}
	rows = (long)kiscrm_table_row_count(t);
	kiscrm_table_free(t);
	return rows;
}

/* ---- hand-written SQL ------------------------------------------------------------- */

typedef struct {
	char *p;
	size_t n, cap;
} sbuf;

static void sb_printf(sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int need;
	va_start(ap, fmt);
	need = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (need < 0)
		die("vsnprintf failed");
	if (b->n + (size_t)need + 1 > b->cap) {
		size_t cap = (b->n + (size_t)need + 1) * 2;
		char *q = realloc(b->p, cap);
		if (!q)
			die("out of memory");
		b->p = q;
		b->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(b->p + b->n, b->cap - b->n, fmt, ap);
	va_end(ap);
	b->n += (size_t)need;
}

typedef struct {
	sqlite3 *db;
	const params *p;
	const stages *st;
	kiscrm_date w;        /* first day of the as-of week */
	kiscrm_date from, to; /* fiscal quarter of as_of */
	char *funnel_sql, *budget_sql, *gap_sql, *suff_sql, *kpi_sql;
	int64_t checksum;     /* keeps the compiler from dropping work; printed in JSON */
#ifdef KISCRM_BENCH_PG
	pgr *pg;              /* set: the aggregates run on PostgreSQL (pg_raw.c) */
	char *pg_sql[5];      /* funnel, budget, gap, sufficiency, KPI, translated */
#endif
} raw_ctx;

static sqlite3_stmt *prep(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		die("SQLite: cannot prepare: %s\n%s", sqlite3_errmsg(db), sql);
	return s;
}

/* Reads every column of every row, as a consumer would. */
static long drain(raw_ctx *x, sqlite3_stmt *s)
{
	long rows = 0;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int nc = sqlite3_column_count(s);
		rows++;
		for (int c = 0; c < nc; c++) {
			switch (sqlite3_column_type(s, c)) {
			case SQLITE_INTEGER:
				x->checksum += sqlite3_column_int64(s, c);
				break;
			case SQLITE_FLOAT:
				x->checksum += (int64_t)sqlite3_column_double(s, c);
				break;
			case SQLITE_TEXT:
				x->checksum += sqlite3_column_bytes(s, c);
				break;
			default:
				break;
			}
		}
	}
	SQCHECK(x->db, rc);
	return rows;
}

static void build_sql(raw_ctx *x)
{
	const stages *st = x->st;
	sbuf b = { NULL, 0, 0 };

	/* Funnel: counts and amounts per stage; entries, conversions and stays from history. */
	sb_printf(&b, "WITH st(key, ord, term) AS (VALUES ");
	for (size_t s = 0; s < st->n; s++)
		sb_printf(&b, "%s('%s', %zu, %d)", s ? ", " : "", st->key[s], s, st->term[s]);
	sb_printf(&b, "),\n"
		"cur AS (SELECT stage, count(*) AS cnt, sum(amount) AS amt,\n"
		"        sum(CASE WHEN closed IS NOT NULL AND created IS NOT NULL THEN closed - created END) AS cyc,\n"
		"        count(CASE WHEN closed IS NOT NULL AND created IS NOT NULL THEN 1 END) AS ncyc\n"
		"        FROM opportunity WHERE pipeline = ?1 GROUP BY stage),\n"
		"h AS MATERIALIZED (SELECT x.opportunity_id AS o, x.at AS at, s.ord AS ord, s.term AS term,\n"
		"        lead(x.at) OVER w AS next_at,\n"
		"        max(CASE WHEN s.term <> 2 THEN s.ord END) OVER (w ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS later\n"
		"        FROM stage_history x JOIN st s ON s.key = x.to_stage WHERE x.pipeline = ?1\n"
		"        WINDOW w AS (PARTITION BY x.opportunity_id ORDER BY x.at, x.id)),\n"
		"ent AS (SELECT ord, count(DISTINCT o) AS entered,\n"
		"        count(DISTINCT CASE WHEN term = 0 AND later > ord THEN o END) AS converted FROM h GROUP BY ord),\n"
		"stay AS (SELECT ord, (coalesce(next_at, ?2) - at) / 86400.0 AS d FROM h\n"
		"        WHERE term = 0 AND coalesce(next_at, ?2) >= at),\n"
		"rk AS (SELECT ord, d, row_number() OVER (PARTITION BY ord ORDER BY d) AS rn,\n"
		"        count(*) OVER (PARTITION BY ord) AS cnt FROM stay),\n"
		"med AS (SELECT ord, avg(d) AS avg_d,\n"
		"        avg(CASE WHEN rn IN ((cnt + 1) / 2, (cnt + 2) / 2) THEN d END) AS med_d FROM rk GROUP BY ord)\n"
		"SELECT st.key, st.term, cur.cnt, cur.amt, ent.entered,\n"
		"       CASE WHEN st.term = 0 THEN ent.converted END,\n"
		"       CASE WHEN st.term = 0 AND ent.entered > 0 THEN 1.0 * ent.converted / ent.entered END,\n"
		"       med.avg_d, med.med_d, cur.cyc, cur.ncyc\n"
		"FROM st LEFT JOIN cur ON cur.stage = st.key LEFT JOIN ent ON ent.ord = st.ord\n"
		"LEFT JOIN med ON med.ord = st.ord ORDER BY st.ord");
	x->funnel_sql = b.p;

	/* Rolling budget: per project the eight weeks (contract, weighted, collection) and the
	 * past week's actuals; ?1 = W, ?2 = W + 56, ?3 = W - 7, ?4 = as_of. */
	b = (sbuf){ NULL, 0, 0 };
	sb_printf(&b,
		"WITH col AS (SELECT contract_id AS cid, sum(amount) AS got FROM collection\n"
		"        WHERE received <= ?4 GROUP BY contract_id),\n"
		"pl AS (SELECT p.contract_id AS cid, p.due AS due, p.amount AS amt,\n"
		"        sum(p.amount) OVER (PARTITION BY p.contract_id ORDER BY p.due, p.id) AS cum\n"
		"        FROM collection_plan p JOIN contract k ON k.id = p.contract_id\n"
		"        WHERE p.contract_id IS NOT NULL AND k.signed <= ?4),\n"
		"facts(kind, pid, wk, c, w, cl, pwc, pwcl) AS (\n"
		"  SELECT 0, id, max(0, (expected_close - ?1) / 7), amount, (amount * probability + 50) / 100, 0, 0, 0\n"
		"    FROM opportunity WHERE status = 'open' AND expected_close < ?2\n"
		"  UNION ALL SELECT 0, p.opportunity_id, max(0, (p.due - ?1) / 7), 0, 0, p.amount, 0, 0\n"
		"    FROM collection_plan p JOIN opportunity o ON o.id = p.opportunity_id\n"
		"    WHERE p.opportunity_id IS NOT NULL AND p.due < ?2 AND o.status = 'open' AND o.expected_close < ?2\n"
		"  UNION ALL SELECT 1, pl.cid, max(0, (pl.due - ?1) / 7), 0, 0,\n"
		"         max(0, min(pl.amt, pl.cum - coalesce(col.got, 0))), 0, 0\n"
		"    FROM pl LEFT JOIN col ON col.cid = pl.cid WHERE pl.due < ?2 AND pl.cum - coalesce(col.got, 0) > 0\n"
		"  UNION ALL SELECT 1, id, NULL, 0, 0, 0, amount, 0 FROM contract WHERE signed >= ?3 AND signed < ?1\n"
		"  UNION ALL SELECT 1, x.contract_id, NULL, 0, 0, 0, 0, x.amount\n"
		"    FROM collection x JOIN contract k ON k.id = x.contract_id\n"
		"    WHERE x.received >= ?3 AND x.received < ?1 AND k.signed <= ?4),\n"
		"proj AS (SELECT kind, pid");
	for (int k = 0; k < 8; k++)
		sb_printf(&b, ",\n  sum(CASE WHEN wk = %d THEN c ELSE 0 END) AS c%d, sum(CASE WHEN wk = %d THEN w ELSE 0 END) AS w%d,"
			  " sum(CASE WHEN wk = %d THEN cl ELSE 0 END) AS l%d", k, k, k, k, k, k);
	sb_printf(&b, ",\n  sum(pwc) AS pwc, sum(pwcl) AS pwcl FROM facts GROUP BY kind, pid)\n"
		"SELECT d.name, s.name, proj.kind, CASE proj.kind WHEN 0 THEN proj.pid ELSE k.opportunity_id END,\n"
		"  CASE proj.kind WHEN 1 THEN proj.pid END, coalesce(o.name, k.number), c.name,\n"
		"  coalesce(o.business_line, k.business_line), coalesce(o.product_line, k.product_line), o.stage,\n"
		"  coalesce(o.expected_close, k.signed), o.probability, proj.pwc, proj.pwcl");
	for (int k = 0; k < 8; k++)
		sb_printf(&b, ", c%d, w%d, l%d", k, k, k);
	sb_printf(&b, "\nFROM proj LEFT JOIN opportunity o ON proj.kind = 0 AND o.id = proj.pid\n"
		"  LEFT JOIN contract k ON proj.kind = 1 AND k.id = proj.pid\n"
		"  LEFT JOIN staff s ON s.id = coalesce(o.owner_id, k.owner_id)\n"
		"  LEFT JOIN department d ON d.id = coalesce(o.department_id, k.department_id)\n"
		"  LEFT JOIN customer c ON c.id = coalesce(o.customer_id, k.customer_id)\n"
		"ORDER BY d.name, s.name, proj.kind, proj.pid");
	x->budget_sql = b.p;

	/* Gap and sufficiency by person over the fiscal quarter [?1, ?2). */
	static const char *const facts =
		"  SELECT owner_id AS own, amount AS tgt, 0 AS ach, 0 AS ex, 0 AS pipe, 0 AS ctgt, 0 AS coll,\n"
		"         1 AS has_t, 0 AS has_ct, NULL AS src FROM target\n"
		"    WHERE metric = 'contract_amount' AND period = 3 AND start >= ?1 AND start < ?2 AND owner_id IS NOT NULL\n"
		"      AND department_id IS NULL AND business_line IS NULL AND product_line IS NULL\n"
		"  UNION ALL SELECT owner_id, 0, 0, 0, 0, amount, 0, 0, 1, NULL FROM target\n"
		"    WHERE metric = 'collection_amount' AND period = 3 AND start >= ?1 AND start < ?2 AND owner_id IS NOT NULL\n"
		"      AND department_id IS NULL AND business_line IS NULL AND product_line IS NULL\n"
		"  UNION ALL SELECT owner_id, 0, amount, 0, 0, 0, 0, 0, 0, NULL FROM contract WHERE signed >= ?1 AND signed < ?2\n"
		"  UNION ALL SELECT o.owner_id, 0, o.amount, 0, 0, 0, 0, 0, 0, NULL FROM opportunity o\n"
		"    WHERE o.status = 'won' AND o.closed >= ?1 AND o.closed < ?2\n"
		"      AND NOT EXISTS (SELECT 1 FROM contract k WHERE k.opportunity_id = o.id)\n"
		"  UNION ALL SELECT owner_id, 0, 0, (amount * probability + 50) / 100, amount, 0, 0, 0, 0, source\n"
		"    FROM opportunity WHERE status = 'open' AND expected_close >= ?1 AND expected_close < ?2\n";
	b = (sbuf){ NULL, 0, 0 };
	sb_printf(&b, "WITH f AS (\n%s"
		"  UNION ALL SELECT k.owner_id, 0, 0, 0, 0, 0, x.amount, 0, 0, NULL\n"
		"    FROM collection x JOIN contract k ON k.id = x.contract_id WHERE x.received >= ?1 AND x.received < ?2)\n"
		"SELECT s.name, f.own, sum(tgt), sum(ach), sum(ex), sum(pipe), sum(ctgt), sum(coll), max(has_t), max(has_ct)\n"
		"FROM f JOIN staff s ON s.id = f.own GROUP BY f.own ORDER BY s.name, f.own", facts);
	x->gap_sql = b.p;
	b = (sbuf){ NULL, 0, 0 };
	sb_printf(&b, "WITH f AS (\n%s)\n"
		"SELECT s.name, f.own, sum(tgt), sum(ach), sum(pipe), max(has_t),\n"
		"  count(CASE WHEN src = 'grid' THEN 1 END), count(CASE WHEN src = 'market_activity' THEN 1 END),\n"
		"  count(CASE WHEN src = 'telemarketing' THEN 1 END), count(CASE WHEN src = 'resale' THEN 1 END)\n"
		"FROM f JOIN staff s ON s.id = f.own GROUP BY f.own ORDER BY s.name, f.own", facts);
	x->suff_sql = b.p;

	/* KPI core: per active person, contracts signed, collections received, opportunities
	 * created and new customers in the quarter, with the quarter's targets. */
	b = (sbuf){ NULL, 0, 0 };
	sb_printf(&b, "WITH f(own, ca, ct, co, cot, nopp, ncust) AS (\n"
		"  SELECT owner_id, amount, 0, 0, 0, 0, 0 FROM contract WHERE signed >= ?1 AND signed < ?2\n"
		"  UNION ALL SELECT owner_id, 0, CASE metric WHEN 'contract_amount' THEN amount ELSE 0 END, 0,\n"
		"         CASE metric WHEN 'collection_amount' THEN amount ELSE 0 END, 0, 0 FROM target\n"
		"    WHERE period = 3 AND start >= ?1 AND start < ?2 AND owner_id IS NOT NULL\n"
		"  UNION ALL SELECT k.owner_id, 0, 0, x.amount, 0, 0, 0 FROM collection x JOIN contract k ON k.id = x.contract_id\n"
		"    WHERE x.received >= ?1 AND x.received < ?2\n"
		"  UNION ALL SELECT owner_id, 0, 0, 0, 0, 1, 0 FROM opportunity WHERE created >= ?1 AND created < ?2\n"
		"  UNION ALL SELECT owner_id, 0, 0, 0, 0, 0, 1 FROM customer WHERE created >= ?1 AND created < ?2)\n"
		"SELECT s.id, s.name, d.name, s.role, sum(ca), sum(ct), sum(co), sum(cot), sum(nopp), sum(ncust),\n"
		"  CASE WHEN sum(ct) > 0 THEN 1.0 * sum(ca) / sum(ct) END, CASE WHEN sum(cot) > 0 THEN 1.0 * sum(co) / sum(cot) END\n"
		"FROM staff s JOIN department d ON d.id = s.department_id LEFT JOIN f ON f.own = s.id\n"
		"WHERE coalesce(s.active, 1) = 1 GROUP BY s.id ORDER BY 11 DESC, s.name");
	x->kpi_sql = b.p;
}

static long raw_funnel(void *payload)
{
	raw_ctx *x = payload;
	sqlite3_stmt *s = prep(x->db, x->funnel_sql);
	long rows = 0;
	int64_t open_cnt = 0, open_amt = 0, won = 0, lost = 0, cyc = 0, ncyc = 0;
	int rc;
	sqlite3_bind_text(s, 1, x->st->pipeline, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)x->p->as_of * DAY);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int term = sqlite3_column_int(s, 1);
		int64_t cnt = sqlite3_column_int64(s, 2), amt = sqlite3_column_int64(s, 3);
		rows++;
		x->checksum += sqlite3_column_int64(s, 4) + sqlite3_column_int64(s, 5) +
			       (int64_t)(1000 * (sqlite3_column_double(s, 6) + sqlite3_column_double(s, 7) +
						 sqlite3_column_double(s, 8)));
		if (term == KISCRM_STAGE_OPEN) {
			open_cnt += cnt;
			open_amt += amt;
		} else if (term == KISCRM_STAGE_WON) {
			won += cnt;
			cyc += sqlite3_column_int64(s, 9);
			ncyc += sqlite3_column_int64(s, 10);
		} else {
			lost += cnt;
		}
	}
	SQCHECK(x->db, rc);
	sqlite3_finalize(s);
	/* The SUBTOTAL row: win rate, cycle, velocity. */
	{
		double win_rate = won + lost ? (double)won / (double)(won + lost) : 0;
		double cycle = ncyc ? (double)cyc / (double)ncyc : 0;
		double velocity = cycle > 0 ? (double)open_amt * win_rate / cycle : 0;
		x->checksum += open_cnt + (int64_t)velocity;
	}
	return rows + 1;
}

static long raw_budget(void *payload)
{
	raw_ctx *x = payload;
	sqlite3_stmt *s = prep(x->db, x->budget_sql);
	long rows = 0;
	int rc;
	char dept[128] = "", owner[128] = "";
	int64_t sub[26] = { 0 }, tot[26] = { 0 };
	sqlite3_bind_int64(s, 1, x->w);
	sqlite3_bind_int64(s, 2, x->w + 56);
	sqlite3_bind_int64(s, 3, x->w - 7);
	sqlite3_bind_int64(s, 4, x->p->as_of);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *d = (const char *)sqlite3_column_text(s, 0);
		const char *o = (const char *)sqlite3_column_text(s, 1);
		if (!d)
			d = "";
		if (!o)
			o = "";
		if (rows && (strcmp(d, dept) != 0 || strcmp(o, owner) != 0)) {
			rows++; /* the sub-total row of the group just closed */
			for (int i = 0; i < 26; i++)
				x->checksum += sub[i], sub[i] = 0;
		}
		snprintf(dept, sizeof(dept), "%s", d);
		snprintf(owner, sizeof(owner), "%s", o);
		rows++;
		for (int c = 2; c < 12; c++)
			if (sqlite3_column_type(s, c) == SQLITE_TEXT)
				x->checksum += sqlite3_column_bytes(s, c);
			else
				x->checksum += sqlite3_column_int64(s, c);
		for (int i = 0; i < 26; i++) {
			int64_t v = sqlite3_column_int64(s, 12 + i);
			sub[i] += v;
			tot[i] += v;
		}
	}
	SQCHECK(x->db, rc);
	sqlite3_finalize(s);
	for (int i = 0; i < 26; i++)
		x->checksum += sub[i] + tot[i];
	return rows + (rows ? 1 : 0) + 1;
}

static long raw_gap(void *payload)
{
	raw_ctx *x = payload;
	sqlite3_stmt *s = prep(x->db, x->gap_sql);
	long rows = 0;
	int rc;
	sqlite3_bind_int64(s, 1, x->from);
	sqlite3_bind_int64(s, 2, x->to);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t tgt = sqlite3_column_int64(s, 2), ach = sqlite3_column_int64(s, 3);
		int64_t ex = sqlite3_column_int64(s, 4), pipe = sqlite3_column_int64(s, 5);
		int64_t gap = tgt - ach - ex, rem = tgt - ach;
		int strategy = gap <= 0 ? 0 : ach + pipe < tgt ? (gap * 2 > tgt ? 1 : 2) : (pipe < 3 * rem ? 3 : 4);
		x->checksum += gap + strategy + sqlite3_column_int64(s, 6) - sqlite3_column_int64(s, 7) +
			       sqlite3_column_bytes(s, 0);
		rows++;
	}
	SQCHECK(x->db, rc);
	sqlite3_finalize(s);
	return rows;
}

static long raw_sufficiency(void *payload)
{
	raw_ctx *x = payload;
	sqlite3_stmt *s = prep(x->db, x->suff_sql);
	long rows = 0;
	int rc;
	sqlite3_bind_int64(s, 1, x->from);
	sqlite3_bind_int64(s, 2, x->to);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t tgt = sqlite3_column_int64(s, 2), ach = sqlite3_column_int64(s, 3);
		int64_t pipe = sqlite3_column_int64(s, 4), rem = tgt - ach;
		double ratio = rem > 0 ? (double)pipe / (double)rem : 0;
		int causes = 0;
		for (int c = 6; c < 10; c++)
			causes = causes * 2 + (sqlite3_column_int64(s, c) == 0);
		x->checksum += (int64_t)(ratio * 1000) + (ratio < 3.0 ? causes : 0) + sqlite3_column_bytes(s, 0);
		rows++;
	}
	SQCHECK(x->db, rc);
	sqlite3_finalize(s);
	return rows;
}

static long raw_kpi(void *payload)
{
	raw_ctx *x = payload;
	sqlite3_stmt *s = prep(x->db, x->kpi_sql);
	long rows;
	sqlite3_bind_int64(s, 1, x->from);
	sqlite3_bind_int64(s, 2, x->to);
	rows = drain(x, s);
	sqlite3_finalize(s);
	return rows;
}

/* ---- hand-written SQL on PostgreSQL ------------------------------------------------- */

#ifdef KISCRM_BENCH_PG
#define PG_FN(f) f

/* Runs translated aggregate @which with the bench's date parameters as text. */
static long pg_run_sql(raw_ctx *x, int which, int n, const int64_t *v, const char *first_text,
		       int subtotal_cols)
{
	char buf[4][32];
	const char *args[4];
	for (int i = 0; i < n; i++) {
		snprintf(buf[i], sizeof(buf[i]), "%lld", (long long)v[i]);
		args[i] = buf[i];
	}
	if (first_text)
		args[0] = first_text;
	return pgr_query(x->pg, x->pg_sql[which], n, args, subtotal_cols, &x->checksum);
}

static long pg_funnel(void *payload)
{
	raw_ctx *x = payload;
	int64_t v[2] = { 0, (int64_t)x->p->as_of * DAY };
	/* + the sub-total row, as raw_funnel() counts it */
	return pg_run_sql(x, 0, 2, v, x->st->pipeline, 0) + 1;
}

static long pg_budget(void *payload)
{
	raw_ctx *x = payload;
	int64_t v[4] = { x->w, x->w + 56, x->w - 7, x->p->as_of };
	return pg_run_sql(x, 1, 4, v, NULL, 2);
}

static long pg_gap(void *payload)
{
	raw_ctx *x = payload;
	int64_t v[2] = { x->from, x->to };
	return pg_run_sql(x, 2, 2, v, NULL, 0);
}

static long pg_sufficiency(void *payload)
{
	raw_ctx *x = payload;
	int64_t v[2] = { x->from, x->to };
	return pg_run_sql(x, 3, 2, v, NULL, 0);
}

static long pg_kpi(void *payload)
{
	raw_ctx *x = payload;
	int64_t v[2] = { x->from, x->to };
	return pg_run_sql(x, 4, 2, v, NULL, 0);
}
#else
#define PG_FN(f) NULL
#endif

/* ---- the jobs ---------------------------------------------------------------------- */

typedef struct {
	const char *job;
	const char *symbol;
	job_fn raw;
	job_fn raw_pg; /* the same aggregate on PostgreSQL (NULL: built without libpq) */
	int group; /* 0: none, 1: department + owner, 2: owner */
	int period;
} report_job;

static const report_job report_jobs[] = {
	{ "funnel", "kiscrm_report_funnel", raw_funnel, PG_FN(pg_funnel), 0, 0 },
	{ "rolling_budget", "kiscrm_report_rolling_budget", raw_budget, PG_FN(pg_budget), 1, 0 },
	/* the same figures without the project rows: what the raw aggregate computes */
	{ "rolling_summary", "kiscrm_report_rolling_summary", raw_budget, PG_FN(pg_budget), 1, 0 },
	{ "gap", "kiscrm_report_gap", raw_gap, PG_FN(pg_gap), 2, KISCRM_PERIOD_QUARTER },
	{ "sufficiency", "kiscrm_report_sufficiency", raw_sufficiency, PG_FN(pg_sufficiency), 2,
	  KISCRM_PERIOD_QUARTER },
	{ "kpi", "kiscrm_report_kpi", raw_kpi, PG_FN(pg_kpi), 0, KISCRM_PERIOD_QUARTER },
};
#define NREPORT_JOBS (sizeof(report_jobs) / sizeof(report_jobs[0]))

static double raw_seconds[NREPORT_JOBS];

static void run_reports(kiscrm_db *db, const char *backend, const params *p, raw_ctx *raw)
{
	static const int dept_owner[] = { KISCRM_GROUP_DEPARTMENT, KISCRM_GROUP_OWNER };
	static const int owner[] = { KISCRM_GROUP_OWNER };

	for (size_t j = 0; j < NREPORT_JOBS; j++) {
		const report_job *rj = &report_jobs[j];
		kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
		api_job a = { NULL, db, &o, 0, "" };
		long rows = 0;
		double t;
		char note[200];

		job_fn raw_fn = rj->raw;
#ifdef KISCRM_BENCH_PG
		if (raw && raw->pg)
			raw_fn = rj->raw_pg;
#endif
		if (raw) {
			raw_seconds[j] = best_of(raw_fn, raw, &rows);
			snprintf(note, sizeof(note), "%ld rows", rows);
			add_job(rj->job, raw_fn == rj->raw ? "raw" : "pg_sql", p->n, raw_seconds[j],
				raw_seconds[j], rows, note);
		}
		o.as_of = p->as_of;
		o.period = rj->period;
		o.lang = "en";
		if (rj->group == 1) {
			o.group_by = dept_owner;
			o.ngroup = 2;
		} else if (rj->group == 2) {
			o.group_by = owner;
			o.ngroup = 1;
		}
		a.fn = find_report(rj->symbol);
		if (a.fn && rj->raw == raw_kpi && p->n > p->kpi_max_n) {
			snprintf(note, sizeof(note), "skipped above --kpi-max-n %ld: the KPI scorecards take "
				 "minutes at this size (see README)", p->kpi_max_n);
			add_job(rj->job, backend, p->n, -1, 0, 0, note);
			continue;
		}
		if (!a.fn) {
			snprintf(note, sizeof(note), "%s is not in the library yet", rj->symbol);
			add_job(rj->job, backend, p->n, -1, 0, 0, note);
			continue;
		}
		t = best_of(run_api_report, &a, &rows);
		if (a.failed) {
			add_job(rj->job, backend, p->n, -1, 0, 0, a.error);
			continue;
		}
		snprintf(note, sizeof(note), "%ld rows", rows);
		add_job(rj->job, backend, p->n, t, raw_seconds[j], rows, note);
	}
}

/* ---- JSON ------------------------------------------------------------------------ */

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void json_num(FILE *f, double v)
{
	if (isnan(v) || isinf(v))
		fputs("null", f);
	else
		fprintf(f, "%.6g", v);
}

typedef struct {
	double bytes_per_opp;      /* RSS delta of the opportunity pass / n, strings excluded */
	double string_bytes;       /* average TEXT bytes per opportunity */
	double bytes_per_history;  /* RSS delta of the history pass / rows */
	long rss_total;            /* RSS delta of the whole memory load */
	long n;                    /* opportunities of the memory run */
	int measured;
} mem_stats;

static void write_json(FILE *f, const params *p, const load_stats *ls, const mem_stats *ms, int64_t checksum)
{
	char asof[16];
	kiscrm_date_format(asof, sizeof(asof), p->as_of);
	fprintf(f, "{\n  \"n\": %ld,\n  \"seed\": %llu,\n  \"as_of\": \"%s\",\n", p->n,
		(unsigned long long)p->seed, asof);
	fprintf(f, "  \"data\": {\"opportunities\": %ld, \"stage_history\": %ld, \"customers\": %ld, "
		"\"staff\": %ld, \"departments\": %ld, \"contracts\": %ld, \"collection_plans\": %ld, "
		"\"collections\": %ld, \"targets\": %ld, \"rows\": %ld, \"load_seconds\": ",
		p->n, ls->history, p->customers, p->staff, p->depts, ls->contracts, ls->plans,
		ls->collections, ls->targets, ls->rows);
	json_num(f, ls->total_seconds);
	fputs("},\n  \"memory\": {\"measured\": ", f);
	fputs(ms->measured ? "true" : "false", f);
	fprintf(f, ", \"n\": %ld", ms->n);
	fputs(", \"bytes_per_opportunity_beyond_strings\": ", f);
	json_num(f, ms->measured ? ms->bytes_per_opp : NAN);
	fputs(", \"string_bytes_per_opportunity\": ", f);
	json_num(f, ms->measured ? ms->string_bytes : NAN);
	fputs(", \"bytes_per_history_row\": ", f);
	json_num(f, ms->measured ? ms->bytes_per_history : NAN);
	fprintf(f, ", \"rss_delta_bytes\": %ld},\n", ms->rss_total);
	fprintf(f, "  \"checksum\": %lld,\n  \"jobs\": [\n", (long long)checksum);
	for (int i = 0; i < njobs; i++) {
		const job_result *j = &jobs[i];
		fputs("    {\"job\": ", f);
		json_str(f, j->job);
		fputs(", \"backend\": ", f);
		json_str(f, j->backend);
		fprintf(f, ", \"n\": %ld, \"skipped\": %s, \"seconds\": ", j->n, j->seconds < 0 ? "true" : "false");
		json_num(f, j->seconds < 0 ? NAN : j->seconds);
		fputs(", \"rate\": ", f);
		json_num(f, j->seconds < 0 ? NAN : j->rate);
		fputs(", \"ratio_vs_sqlite\": ", f);
		json_num(f, j->ratio);
		fprintf(f, ", \"rows\": %ld, \"note\": ", j->rows);
		json_str(f, j->note);
		fprintf(f, "}%s\n", i + 1 < njobs ? "," : "");
	}
	fputs("  ]\n}\n", f);
}

/* ---- main ---------------------------------------------------------------------------- */

static void usage(void)
{
	fputs("usage: kiscrm-bench [--n OPPORTUNITIES] [--seed S] [--as-of YYYY-MM-DD] [--dir DIR]\n"
	      "                    [--json FILE] [--kpi-max-n N] [--memory-n N]\n"
	      "                    [--skip-memory] [--keep] [--pg CONNINFO]\n", stderr);
	exit(2);
}

static long arg_long(const char *v)
{
	char *end;
	long n;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || *end || n < 0)
		die("'%s' is not a non-negative number", v);
	return n;
}

static void scale(params *p)
{
	if (p->n < 100)
		die("--n %ld is too small (at least 100)", p->n);
	p->depts = 20;
	p->staff = 500;
	p->customers = p->n / 20 < 100 ? 100 : p->n / 20;
	if (p->customers > 50000 && p->n <= 1000000)
		p->customers = 50000;
	p->contracts = p->n * 3 / 10;
}

static kiscrm_db *open_db(const char *backend, const char *path)
{
	kiscrm_db_options o = KISCRM_DB_OPTIONS_INIT;
	kiscrm_db *db;
	o.backend = backend;
	o.path = path;
	CHECK(kiscrm_db_open(&db, &o));
	CHECK(kiscrm_db_set_today(db, 20416)); /* 2025-11-24: no clock inside the library */
	return db;
}

#ifdef KISCRM_BENCH_PG
/* A COPY value: the text, or \N for NULL. */
static const char *copy_text(const char *t)
{
	return t ? t : "\\N";
}

/* The same opportunity and history rows as raw_load(), by COPY into the library's tables
 * in a schema of their own: the PostgreSQL ceiling of a bulk load. */
static double pg_copy_load(pgr *x, const params *p, const stages *st)
{
	char line[512], closed[24], by[24];
	opp_t o;
	double t0 = now();
	pgr_exec(x, "BEGIN");
	pgr_copy_begin(x, "opportunity (name, customer_id, owner_id, department_id, business_line, "
		       "product_line, amount, expected_close, pipeline, stage, probability, "
		       "probability_manual, forecast_category, source, size_class, status, created, closed)");
	for (long i = 0; i < p->n; i++) {
		gen_opp(p, st, i, &o);
		if (o.closed != KISCRM_DATE_NONE)
			snprintf(closed, sizeof(closed), "%ld", (long)o.closed);
		else
			snprintf(closed, sizeof(closed), "\\N");
		int n = snprintf(line, sizeof(line), "%s\t%ld\t%ld\t%ld\t%s\t%s\t%lld\t%ld\t%s\t%s\t%d\t0\t%s\t%s\t%s\t%s\t%ld\t%s\n",
				 o.name, o.customer, o.owner, o.dept, business_lines[o.bl], product_lines[o.pl],
				 (long long)o.amount, (long)o.expected, st->pipeline, st->key[o.final],
				 st->prob[o.final], copy_text(st->cat[o.final]), sources[o.src],
				 size_class(o.amount), status_of(st, o.final), (long)o.created, closed);
		pgr_copy_line(x, line, (size_t)n);
	}
	pgr_copy_end(x);
	pgr_copy_begin(x, "stage_history (opportunity_id, from_stage, to_stage, \"at\", by_id, amount, pipeline)");
	for (long i = 0; i < p->n; i++) {
		gen_opp(p, st, i, &o);
		for (int k = 0; k < 4; k++) {
			if (k)
				snprintf(by, sizeof(by), "%ld", o.owner);
			else
				snprintf(by, sizeof(by), "\\N");
			int n = snprintf(line, sizeof(line), "%ld\t%s\t%s\t%lld\t%s\t%lld\t%s\n", o.id,
					 copy_text(k ? st->key[o.path[k - 1]] : NULL), st->key[o.path[k]],
					 (long long)o.at[k], by, (long long)o.amount, st->pipeline);
			pgr_copy_line(x, line, (size_t)n);
		}
	}
	pgr_copy_end(x);
	pgr_exec(x, "COMMIT");
	return now() - t0;
}

/* --pg: the PostgreSQL backend against COPY and hand-written SQL on the same server. Two
 * schemas: kc_bench_raw (COPY) and kc_bench_api (the library's load; the reports of both
 * sides read it). */
static void run_postgres(params *p)
{
	stages st;
	load_stats ls;
	mem_stats ms = { 0, 0, 0, 0, 0, 0 };
	raw_ctx raw;
	char note[200];

	printf("# kiscrm-bench on PostgreSQL: %ld opportunities (~%ld history rows), %ld customers, "
	       "%ld contracts, %ld staff in %ld departments, seed %llu\n", p->n, 4 * p->n,
	       p->customers, p->contracts, p->staff, p->depts, (unsigned long long)p->seed);
	printf("# ratio = seconds / seconds of COPY or of the hand-written SQL on the same server\n");
	printf("%-22s %-10s %9s %10s %12s %8s\n", "job", "backend", "n", "seconds", "rate", "ratio");

	pgr *rawdb = pgr_open(p->pg, "kc_bench_raw", 1);
	kiscrm_db *db = open_db("postgresql", pgr_conninfo(rawdb));
	load_stages(&st, kiscrm_db_config(db));
	kiscrm_db_free(db);
	double copy_s = pg_copy_load(rawdb, p, &st);
	add_job("load_opportunities", "pg_copy", p->n, copy_s, copy_s, 5 * p->n,
		"COPY of the same 1 + 4 history rows each");
	if (!p->keep)
		pgr_drop_schema(rawdb);
	pgr_close(rawdb);

	pgr *apidb = pgr_open(p->pg, "kc_bench_api", 1);
	memset(&ls, 0, sizeof(ls));
	db = open_db("postgresql", pgr_conninfo(apidb));
	api_load(db, p, &st, &ls);
	snprintf(note, sizeof(note), "whole data set: %ld rows in %.1f s", ls.rows, ls.total_seconds);
	add_job("load_opportunities", "postgresql", p->n, ls.opp_seconds, copy_s, 5 * p->n, note);
	/* Fresh statistics for the planner on both sides (the library's SQL and the hand
	 * written aggregates read the same tables). */
	pgr_exec(apidb, "ANALYZE");

	memset(&raw, 0, sizeof(raw));
	raw.p = p;
	raw.st = &st;
	raw.w = kiscrm_date_week_start(p->as_of, kiscrm_config_week_start(kiscrm_db_config(db)));
	{
		int fy = kiscrm_config_fiscal_year_start(kiscrm_db_config(db));
		raw.from = kiscrm_period_start(p->as_of, KISCRM_PERIOD_QUARTER,
					       kiscrm_config_week_start(kiscrm_db_config(db)), fy);
		raw.to = kiscrm_period_next(raw.from, KISCRM_PERIOD_QUARTER);
	}
	build_sql(&raw);
	raw.pg = apidb;
	raw.pg_sql[0] = pgr_translate(raw.funnel_sql);
	raw.pg_sql[1] = pgr_translate(raw.budget_sql);
	raw.pg_sql[2] = pgr_translate(raw.gap_sql);
	raw.pg_sql[3] = pgr_translate(raw.suff_sql);
	raw.pg_sql[4] = pgr_translate(raw.kpi_sql);
	run_reports(db, "postgresql", p, &raw);
	kiscrm_db_free(db);
	if (!p->keep)
		pgr_drop_schema(apidb);
	pgr_close(apidb);

	printf("JSON\n");
	write_json(stdout, p, &ls, &ms, raw.checksum);
	if (p->json) {
		FILE *f = fopen(p->json, "w");
		if (!f)
			die("cannot write %s: %s", p->json, strerror(errno));
		write_json(f, p, &ls, &ms, raw.checksum);
		if (fclose(f) != 0)
			die("cannot write %s: %s", p->json, strerror(errno));
	}
	free(raw.funnel_sql);
	free(raw.budget_sql);
	free(raw.gap_sql);
	free(raw.suff_sql);
	free(raw.kpi_sql);
	for (int i = 0; i < 5; i++)
		free(raw.pg_sql[i]);
}
#endif

int main(int argc, char **argv)
{
	params p = { 1000000, 0, 0, 0, 0, 42, 0, ".", NULL, 0, 0, 20000, 100000, NULL };
	char api_path[4096], raw_path[4096];
	stages st;
	load_stats ls, lm;
	mem_stats ms = { 0, 0, 0, 0, 0, 0 };
	raw_ctx raw;
	kiscrm_db *db;
	double raw_load_s;
	char note[200];

	CHECK(kiscrm_date_from_ymd(&p.as_of, 2026, 6, 15));
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--n") == 0 && v)
			p.n = arg_long(v), i++;
		else if (strcmp(a, "--seed") == 0 && v)
			p.seed = (uint64_t)arg_long(v), i++;
		else if (strcmp(a, "--as-of") == 0 && v) {
			if (kiscrm_date_parse(&p.as_of, v) < 0)
				die("--as-of '%s' is not a date YYYY-MM-DD", v);
			i++;
		} else if (strcmp(a, "--dir") == 0 && v)
			p.dir = v, i++;
		else if (strcmp(a, "--json") == 0 && v)
			p.json = v, i++;
		else if (strcmp(a, "--kpi-max-n") == 0 && v)
			p.kpi_max_n = arg_long(v), i++;
		else if (strcmp(a, "--memory-n") == 0 && v)
			p.memory_n = arg_long(v), i++;
		else if (strcmp(a, "--skip-memory") == 0)
			p.skip_memory = 1;
		else if (strcmp(a, "--keep") == 0)
			p.keep = 1;
		else if (strcmp(a, "--pg") == 0 && v)
			p.pg = v, i++;
		else
			usage();
	}
	scale(&p);
	if (p.pg) {
#ifdef KISCRM_BENCH_PG
		run_postgres(&p);
		return 0;
#else
		die("--pg: this kiscrm-bench was built without libpq");
#endif
	}
	snprintf(api_path, sizeof(api_path), "%s/bench-api.db", p.dir);
	snprintf(raw_path, sizeof(raw_path), "%s/bench-raw.db", p.dir);
	remove_db(api_path);
	remove_db(raw_path);

	printf("# kiscrm-bench: %ld opportunities (~%ld history rows), %ld customers, %ld contracts, "
	       "%ld staff in %ld departments, seed %llu\n", p.n, 4 * p.n, p.customers, p.contracts,
	       p.staff, p.depts, (unsigned long long)p.seed);
	printf("# ratio_vs_sqlite = seconds / seconds of the hand-written SQL (lower is better)\n");
	printf("%-22s %-7s %9s %10s %12s %8s\n", "job", "backend", "n", "seconds", "rate", "ratio");

	/* 1. the raw insert ceiling, into the library's schema in a second file */
	db = open_db("sqlite", raw_path);
	load_stages(&st, kiscrm_db_config(db));
	kiscrm_db_free(db);
	raw_load_s = raw_load(raw_path, &p, &st);
	add_job("load_opportunities", "raw", p.n, raw_load_s, raw_load_s, 5 * p.n, "1 + 4 history rows each");
	if (!p.keep)
		remove_db(raw_path);

	/* 2. the same through the API, with the rest of the data set */
	memset(&ls, 0, sizeof(ls));
	db = open_db("sqlite", api_path);
	api_load(db, &p, &st, &ls);
	snprintf(note, sizeof(note), "whole data set: %ld rows in %.1f s", ls.rows, ls.total_seconds);
	add_job("load_opportunities", "sqlite", p.n, ls.opp_seconds, raw_load_s, 5 * p.n, note);

	/* 3. reports, hand-written SQL on the library's file vs the API */
	memset(&raw, 0, sizeof(raw));
	raw.p = &p;
	raw.st = &st;
	raw.w = kiscrm_date_week_start(p.as_of, kiscrm_config_week_start(kiscrm_db_config(db)));
	{
		int y, m, d, fy = kiscrm_config_fiscal_year_start(kiscrm_db_config(db));
		raw.from = kiscrm_period_start(p.as_of, KISCRM_PERIOD_QUARTER,
					       kiscrm_config_week_start(kiscrm_db_config(db)), fy);
		raw.to = kiscrm_period_next(raw.from, KISCRM_PERIOD_QUARTER);
		kiscrm_date_to_ymd(raw.from, &y, &m, &d);
	}
	build_sql(&raw);
	SQCHECK(NULL, sqlite3_open_v2(api_path, &raw.db, SQLITE_OPEN_READONLY, NULL));
	sq_exec(raw.db, RAW_CACHE_PRAGMA);
	run_reports(db, "sqlite", &p, &raw);
	sqlite3_close(raw.db);
	kiscrm_db_free(db);

	/* 4. the in-memory backend */
	if (!p.skip_memory) {
		long rss0 = rss_bytes();
		params pm = p;
		if (pm.memory_n > 0 && pm.memory_n < pm.n) {
			/* A smaller data set of its own: the ratios to the raw SQL of the full size
			 * do not apply (they are left out). */
			pm.n = pm.memory_n;
			scale(&pm);
			memset(raw_seconds, 0, sizeof(raw_seconds));
			raw_load_s = 0;
		}
		memset(&lm, 0, sizeof(lm));
		db = open_db("memory", NULL);
		api_load(db, &pm, &st, &lm);
		ms.measured = 1;
		ms.string_bytes = lm.string_bytes;
		ms.n = pm.n;
		ms.bytes_per_opp = (double)(lm.rss_after_opps - lm.rss_before) / (double)pm.n - lm.string_bytes;
		ms.bytes_per_history = (double)(lm.rss_after_history - lm.rss_after_opps) / (double)lm.history;
		ms.rss_total = rss_bytes() - rss0;
		snprintf(note, sizeof(note), "%.0f B/opportunity beyond %.0f B of strings; %.0f B/history row",
			 ms.bytes_per_opp, ms.string_bytes, ms.bytes_per_history);
		add_job("load_opportunities", "memory", pm.n, lm.opp_seconds, raw_load_s, 5 * pm.n, note);
		run_reports(db, "memory", &pm, NULL);
		kiscrm_db_free(db);
	}
	if (!p.keep)
		remove_db(api_path);

	printf("JSON\n");
	write_json(stdout, &p, &ls, &ms, raw.checksum);
	if (p.json) {
		FILE *f = fopen(p.json, "w");
		if (!f)
			die("cannot write %s: %s", p.json, strerror(errno));
		write_json(f, &p, &ls, &ms, raw.checksum);
		if (fclose(f) != 0)
			die("cannot write %s: %s", p.json, strerror(errno));
	}
	free(raw.funnel_sql);
	free(raw.budget_sql);
	free(raw.gap_sql);
	free(raw.suff_sql);
	free(raw.kpi_sql);
	return 0;
}
