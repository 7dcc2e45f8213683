/* kiscrm-bench's shared declarations: parameters, the generated data set (gen.c) and
 * small helpers. */
#ifndef KISCRM_BENCH_H
#define KISCRM_BENCH_H

#include <kiscrm/common.h>
#include <kiscrm/config.h>
#include <kiscrm/date.h>

#include <stddef.h>
#include <stdint.h>

#define DAY 86400
#define MAX_STAGES 16

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
	int reps;       /* repetitions of every timed job; the best one counts */
	int skip_limits; /* no C limit (its packed columns take ~70 B per opportunity) */
	int skip_sql;    /* no SQL forms and no raw load: the API alone (sizes where SQL takes hours) */
	/* --load-only FORM: one load of the opportunities ("sqlite", or a SQL form of the
	 * load), timed and printed, and nothing else: a run to profile (perf record). */
	const char *load_only;
	int rows_only;   /* --rows-only: such a load stops after its last row (no index
			    builds, no commit), so a profile holds the rows alone */
	int memory_only; /* --memory-only: the memory backend's phase alone, in a process of
			    its own (bench/run's second run) */
	const char *only_job; /* --job NAME: the reports other than NAME are not run (a run
				 to profile one report) */
} params;

/* Prints the message and exits with status 2: the bench has no partial results. */
#if defined(__GNUC__)
#define BENCH_NORETURN_PRINTF __attribute__((format(printf, 1, 2), noreturn))
#else
#define BENCH_NORETURN_PRINTF
#endif
void die(const char *fmt, ...) BENCH_NORETURN_PRINTF;
void check_at(int rc, const char *what, int line);
#define CHECK(x) check_at((x), #x, __LINE__)
/* A timed job: its context in, the rows of its result out. */
typedef long (*job_fn)(void *payload);

/* Seconds of a monotonic clock. */
double now(void);

/* splitmix64: small, fast, and the same on every platform. */
typedef struct {
	uint64_t s;
} rng;
long below(rng *r, long n);
/* A stream per (kind of record, index): records do not depend on generation order. */
rng stream(const params *p, uint64_t kind, long i);

/* ---- the pipeline (the default one of the configuration) ---- */
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
void load_stages(stages *st, const kiscrm_config *cfg);

/* ---- generated records ---- */
extern const char *const business_lines[3];
extern const char *const product_lines[5];
extern const char *const sources[7];
extern const char *const regions[7];
extern const char *const industries[6];

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

long dept_of_staff(const params *p, long s);
/* Opportunity i (0-based): ~40 % open, ~35 % won, ~25 % lost, each with a creation entry
 * and three moves (one path goes backwards). */
void gen_opp(const params *p, const stages *st, long i, opp_t *o);
const char *size_class(kiscrm_money a);
const char *status_of(const stages *st, int s);

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
void gen_contract(const params *p, long c, const opp_t *won, contract_t *k);
/* Collections of instalment j of contract c: paid in full some days after the due date,
 * paid half, or not yet. Returns how many (0..1) and fills date and amount. */
int gen_collection(const params *p, long c, int j, const contract_t *k, kiscrm_date *on,
		   kiscrm_money *amount);
/* Calls fn for every contract in order (c, the won opportunity or NULL). */
typedef void (*contract_fn)(void *payload, long c, const contract_t *k);
void each_contract(const params *p, const stages *st, contract_fn fn, void *payload);

/* Targets: per person and calendar quarter of the as-of year, a contract_amount target
 * (metric 0) and a collection_amount one (metric 1), scaled to the data size. */
void quarter_starts(const params *p, kiscrm_date q[4]);
void gen_targets(const params *p, long s, kiscrm_money amount[4][2]);

#endif
