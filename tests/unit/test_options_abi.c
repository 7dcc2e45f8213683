/* Versioned structs at the ABI boundary: every public function that takes an options
 * struct (or a filter, target dimensions, a KPI context or metric) must read only the
 * bytes the caller's version knows, and every _init function must write only those.
 *
 * A caller built against version 1 owns exactly the bytes up to the end of version 1's
 * last field (its trailing padding is not the library's to read: a field appended later
 * may live there — kiscrm_db_options 2 put `file_mode` in version 1's padding). Each
 * case copies such a version-1 image to the very end of a readable page followed by a
 * PROT_NONE page and calls the function on it: a read or write past the caller's bytes
 * faults. The image then starts where it must to end at the page boundary, which may be
 * less aligned than the struct: the library reads callers' structs with memcpy.
 *
 * Each case also runs with an ordinary, fully sized struct (the same result is expected)
 * and with versions 0 and 99 (KISCRM_EVERSION naming the struct). */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */
/* Every fill and call function shares one signature; most use only some arguments. */
#pragma GCC diagnostic ignored "-Wunused-parameter"

#include "helpers.h"
#include "kiscrm/sys/backend.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define FIELD_END(type, field) (offsetof(type, field) + sizeof(((type *)0)->field))

/* Bytes version 1 of each struct knows: the end of its last version-1 field. Written
 * out here, independently of the library's own table, and never changed. */
#define V1_DB_OPTIONS FIELD_END(kiscrm_db_options, busy_timeout_ms)
#define V1_REPORT_OPTIONS FIELD_END(kiscrm_report_options, department_id)
#define V1_FORECAST_OPTIONS FIELD_END(kiscrm_forecast_options, probability_source)
#define V1_PREDICT_OPTIONS FIELD_END(kiscrm_predict_options, tag_min_count)
#define V1_IMPORT_OPTIONS FIELD_END(kiscrm_import_options, flags)
#define V1_FILTER FIELD_END(kiscrm_filter, active)
#define V1_TARGET_DIMS FIELD_END(kiscrm_target_dims, owner_id)
#define V1_KPI_CONTEXT FIELD_END(kiscrm_kpi_context, indicator)
#define V1_KPI_METRIC FIELD_END(kiscrm_kpi_metric, user)
#define V1_BACKEND FIELD_END(kiscrm_backend, free)
#define V1_CSV_WRITE_OPTIONS FIELD_END(kiscrm_csv_write_options, flags)

/* ---- the guarded page ---------------------------------------------------------------- */

typedef struct guard {
	unsigned char *base; /* two pages: the first readable, the second PROT_NONE */
	size_t page;
} guard;

static void guard_open(guard *g)
{
	g->page = (size_t)sysconf(_SC_PAGESIZE);
	void *p = mmap(NULL, 2 * g->page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(p != MAP_FAILED);
	g->base = p;
	assert_int_equal(mprotect(g->base + g->page, g->page, PROT_NONE), 0);
}

static void guard_close(guard *g)
{
	munmap(g->base, 2 * g->page);
}

/* The first n bytes of src, placed so that they end exactly at the PROT_NONE page. */
static void *guarded_copy(guard *g, const void *src, size_t n)
{
	unsigned char *p = g->base + g->page - n;
	memset(g->base, 0xA5, g->page); /* what lies before the caller's struct is junk */
	memcpy(p, src, n);
	return p;
}

/* ---- the state the calls work on ---------------------------------------------------- */

typedef struct world {
	kiscrm_db *db;
	kiscrm_kpi_scheme *scheme;
	kiscrm_id opportunity;
	char dir[64];         /* a temporary directory for files */
	char csv[96];         /* a CSV file of one customer */
	char path[96];        /* the database file of the SQLite case */
	int serial;           /* makes names unique across calls */
	int broken;           /* a call found a wrong result besides its code (printed) */
} world;

/* The full struct of a case, version 1, with values the call accepts. */
typedef union any_options {
	kiscrm_db_options db;
	kiscrm_report_options report;
	kiscrm_forecast_options forecast;
	kiscrm_predict_options predict;
	kiscrm_import_options import;
	kiscrm_filter filter;
	kiscrm_target_dims dims;
	kiscrm_kpi_context ctx;
	kiscrm_kpi_metric metric;
	kiscrm_backend backend;
	kiscrm_csv_write_options csv;
} any_options;

typedef void (*fill_fn)(world *w, any_options *o);
/* Calls the function under test with the caller's struct @p opts; returns its code. */
typedef int (*call_fn)(world *w, const void *opts);

static void fill_db(world *w, any_options *o)
{
	kiscrm_db_options d = KISCRM_DB_OPTIONS_INIT;
	d.backend = "memory";
	o->db = d;
}

static void fill_report(world *w, any_options *o)
{
	kiscrm_report_options r = KISCRM_REPORT_OPTIONS_INIT;
	kiscrm_date_parse(&r.as_of, "2024-06-30");
	r.period = KISCRM_PERIOD_QUARTER;
	o->report = r;
}

static void fill_forecast(world *w, any_options *o)
{
	kiscrm_forecast_options f = KISCRM_FORECAST_OPTIONS_INIT;
	f.probability_source = KISCRM_PROBABILITY_CONFIGURED;
	o->forecast = f;
}

static void fill_predict(world *w, any_options *o)
{
	kiscrm_predict_options p = KISCRM_PREDICT_OPTIONS_INIT;
	p.start = KISCRM_PREDICT_ALL_HISTORY;
	o->predict = p;
}

static void fill_import(world *w, any_options *o)
{
	kiscrm_import_options i = KISCRM_IMPORT_OPTIONS_INIT;
	i.dry_run = 1; /* the same file is imported several times */
	o->import = i;
}

static void fill_filter(world *w, any_options *o)
{
	kiscrm_filter f = KISCRM_FILTER_INIT;
	o->filter = f;
}

static void fill_dims(world *w, any_options *o)
{
	kiscrm_target_dims d = KISCRM_TARGET_DIMS_INIT;
	o->dims = d;
}

static void fill_ctx(world *w, any_options *o)
{
	memset(&o->ctx, 0, sizeof(o->ctx));
	o->ctx.version = KISCRM_KPI_CONTEXT_VERSION;
	o->ctx.scope = KISCRM_KPI_SCOPE_COMPANY;
	kiscrm_date_parse(&o->ctx.from, "2024-01-01");
	kiscrm_date_parse(&o->ctx.to, "2024-04-01");
	o->ctx.as_of = o->ctx.to - 1;
}

static int metric_compute(kiscrm_kpi_value *out, kiscrm_db *db, const kiscrm_kpi_context *ctx, void *user)
{
	out->has_actual = 1;
	out->actual = 1.0;
	return KISCRM_OK;
}

static void fill_metric(world *w, any_options *o)
{
	memset(&o->metric, 0, sizeof(o->metric));
	o->metric.version = KISCRM_KPI_METRIC_VERSION;
	o->metric.key = "abi_probe";
	o->metric.zh = "探针";
	o->metric.en = "Probe";
	o->metric.unit = KISCRM_KPI_UNIT_COUNT;
	o->metric.compute = metric_compute;
}

/* ---- the calls ------------------------------------------------------------------------- */

static int free_table(int rc, kiscrm_table *t)
{
	kiscrm_table_free(t);
	return rc;
}

static int call_db_open(world *w, const void *o)
{
	kiscrm_db *db = NULL;
	int rc = kiscrm_db_open(&db, o);
	kiscrm_db_free(db);
	return rc;
}

/* SQLite with a version-1 struct: a new file gets the default mode 0600, whatever lies
 * in version 1's trailing padding — where version 2 keeps `file_mode`, here 0666 in the
 * ordinary struct (a version-1 caller's padding holds anything). */
static void fill_db_sqlite(world *w, any_options *o)
{
	kiscrm_db_options d = KISCRM_DB_OPTIONS_INIT;
	snprintf(w->path, sizeof(w->path), "%s/open%d.db", w->dir, w->serial++);
	d.path = w->path;
	d.file_mode = 0666;
	o->db = d;
}

static int call_db_open_sqlite(world *w, const void *o)
{
	kiscrm_db *db = NULL;
	int rc = kiscrm_db_open(&db, o);
	kiscrm_db_free(db);
	struct stat st;
	if (rc == KISCRM_OK && (stat(w->path, &st) != 0 || (st.st_mode & 0777) != 0600)) {
		print_error("%s was created %04o, not 0600\n", w->path, (unsigned)(st.st_mode & 0777));
		w->broken = 1;
	}
	return rc;
}

static int call_report_run_all(world *w, const void *o)
{
	/* every report of the registry by name; the code of the first that fails (all run:
	 * qualification-assessment, for one, needs an owner) */
	int first = KISCRM_OK;
	for (size_t i = 0; i < kiscrm_report_count(); i++) {
		kiscrm_table *t = NULL;
		int rc = kiscrm_report_run(&t, w->db, kiscrm_report_name(i), o);
		kiscrm_table_free(t);
		if (first == KISCRM_OK)
			first = rc;
	}
	return first;
}

#define REPORT_CALL(fn)                                                                     \
	static int call_##fn(world *w, const void *o)                                       \
	{                                                                                   \
		kiscrm_table *t = NULL;                                                     \
		int rc = kiscrm_##fn(&t, w->db, o); /* before t is read: argument order */  \
		return free_table(rc, t);                                                   \
	}
REPORT_CALL(report_rolling_budget)
REPORT_CALL(report_rolling_summary)
REPORT_CALL(report_rolling_gap)
REPORT_CALL(report_snapshot_diff)
REPORT_CALL(report_forecast_accuracy)
REPORT_CALL(report_gap)
REPORT_CALL(report_sufficiency)
REPORT_CALL(report_forecast)
REPORT_CALL(report_year_end)
REPORT_CALL(report_stage_probabilities)
REPORT_CALL(report_funnel)
REPORT_CALL(report_funnel_diagnosis)
REPORT_CALL(report_qualification)
REPORT_CALL(report_invalid_opportunities)
REPORT_CALL(report_structure)
REPORT_CALL(report_stqc)
REPORT_CALL(report_missing_analysis)
REPORT_CALL(report_win_loss)
REPORT_CALL(report_win_rate)
REPORT_CALL(report_stage_win_rates)
REPORT_CALL(report_kpi)
REPORT_CALL(report_qualification_assessment)
REPORT_CALL(report_receivables)
REPORT_CALL(report_ageing)
REPORT_CALL(report_probability)
REPORT_CALL(report_targets)
REPORT_CALL(report_target_check)

#define SCHEME_CALL(fn)                                                                     \
	static int call_##fn(world *w, const void *o)                                       \
	{                                                                                   \
		kiscrm_table *t = NULL;                                                     \
		int rc = kiscrm_##fn(&t, w->db, w->scheme, o);                              \
		return free_table(rc, t);                                                   \
	}
SCHEME_CALL(kpi_score)
SCHEME_CALL(kpi_score_departments)
SCHEME_CALL(kpi_rollup)

/* The reports that weigh the pipeline with the default report options pointing at a
 * version-1 forecast options struct (report options version 2: `forecast`). */
#define FORECAST_CALL(fn)                                                                   \
	static int call_##fn##_forecast(world *w, const void *o)                            \
	{                                                                                   \
		kiscrm_table *t = NULL;                                                     \
		any_options r;                                                              \
		fill_report(w, &r);                                                         \
		r.report.forecast = o;                                                      \
		int rc = kiscrm_##fn(&t, w->db, &r.report);                                 \
		return free_table(rc, t);                                                   \
	}
FORECAST_CALL(report_gap)
FORECAST_CALL(report_forecast)
FORECAST_CALL(report_year_end)

static int call_predict_probability(world *w, const void *o)
{
	double p = 0;
	return kiscrm_predict_probability(&p, w->db, w->opportunity, o);
}

static int call_predict_explain(world *w, const void *o)
{
	kiscrm_table *t = NULL;
	int rc = kiscrm_predict_explain(&t, w->db, w->opportunity, o);
	return free_table(rc, t);
}

static int call_predict_apply(world *w, const void *o)
{
	size_t n = 0;
	return kiscrm_predict_apply(&n, w->db, o);
}

static const char customer_csv[] = "name\nABI probe customer\n";

static int call_csv_import_data(world *w, const void *o)
{
	size_t n = 0;
	kiscrm_table *errors = NULL;
	int rc = kiscrm_csv_import_data(&n, &errors, w->db, KISCRM_KIND_CUSTOMER, customer_csv,
					strlen(customer_csv), "probe.csv", o);
	return free_table(rc, errors);
}

static int call_csv_import(world *w, const void *o)
{
	size_t n = 0;
	kiscrm_table *errors = NULL;
	int rc = kiscrm_csv_import(&n, &errors, w->db, KISCRM_KIND_CUSTOMER, w->csv, o);
	return free_table(rc, errors);
}

static int call_csv_export(world *w, const void *o)
{
	kiscrm_buf b = KISCRM_BUF_INIT;
	int rc = kiscrm_csv_export(&b, w->db, KISCRM_KIND_CUSTOMER, o, NULL);
	kiscrm_buf_dispose(&b);
	return rc;
}

static int call_csv_export_file(world *w, const void *o)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/export%d.csv", w->dir, w->serial++);
	return kiscrm_csv_export_file(w->db, KISCRM_KIND_CUSTOMER, path, o, NULL);
}

static void fill_csv_write(world *w, any_options *o)
{
	kiscrm_csv_write_options c = KISCRM_CSV_WRITE_OPTIONS_INIT;
	c.flags = KISCRM_CSV_RAW_CELLS;
	o->csv = c;
}

/* The CSV writers with the writer options (version 2 appended `encoding`). */
static int call_csv_export_opts(world *w, const void *o)
{
	kiscrm_buf b = KISCRM_BUF_INIT;
	int rc = kiscrm_csv_export(&b, w->db, KISCRM_KIND_CUSTOMER, NULL, o);
	if (rc == KISCRM_OK && (!b.ptr || strncmp(b.ptr, "id,", 3) != 0))
		w->broken = 1; /* UTF-8 without a mark, as version 1 wrote */
	kiscrm_buf_dispose(&b);
	return rc;
}

static int call_csv_export_file_opts(world *w, const void *o)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/export%d.csv", w->dir, w->serial++);
	return kiscrm_csv_export_file(w->db, KISCRM_KIND_CUSTOMER, path, NULL, o);
}

static int call_table_write_csv_with(world *w, const void *o)
{
	kiscrm_table *t = NULL;
	kiscrm_buf b = KISCRM_BUF_INIT;
	int rc = kiscrm_table_new(&t, "abi");
	if (rc == KISCRM_OK)
		rc = kiscrm_table_add_column(t, "a", KISCRM_TYPE_TEXT);
	if (rc == KISCRM_OK)
		rc = kiscrm_table_write_csv_with(&b, t, o);
	kiscrm_buf_dispose(&b);
	return free_table(rc, t);
}

static int call_csv_write_row(world *w, const void *o)
{
	const char *fields[] = { "a" };
	kiscrm_buf b = KISCRM_BUF_INIT;
	int rc = kiscrm_csv_write_row(&b, fields, 1, o);
	kiscrm_buf_dispose(&b);
	return rc;
}

static int call_iter_new(world *w, const void *o)
{
	kiscrm_iter *it = NULL;
	int rc = kiscrm_iter_new(&it, w->db, KISCRM_KIND_CUSTOMER, o);
	kiscrm_iter_free(it);
	return rc;
}

static int call_target_set_year(world *w, const void *o)
{
	kiscrm_id id = 0;
	return kiscrm_target_set_year(&id, w->db, KISCRM_METRIC_CONTRACT_AMOUNT, 2024, 100000, o);
}

static int call_kpi_metric_compute(world *w, const void *o)
{
	kiscrm_kpi_value v = KISCRM_KPI_VALUE_INIT;
	return kiscrm_kpi_metric_compute(&v, w->db, "new_opportunities", o);
}

static int call_kpi_register_metric(world *w, const void *o)
{
	int rc = kiscrm_kpi_register_metric(o);
	if (rc == KISCRM_OK && kiscrm_kpi_unregister_metric("abi_probe") != KISCRM_OK)
		w->broken = 1;
	return rc;
}

/* The _init functions write the defaults of the version they are given: version 1 into
 * a version-1 struct must stay inside it. */
#define INIT_CALL(fn)                                                                       \
	static int call_##fn(world *w, const void *o)                                       \
	{                                                                                   \
		return kiscrm_##fn((void *)o, kc_options_version_of_image(o));              \
	}
static unsigned kc_options_version_of_image(const void *o)
{
	unsigned v;
	memcpy(&v, o, sizeof(v));
	return v;
}
INIT_CALL(db_options_init)
INIT_CALL(report_options_init)
INIT_CALL(forecast_options_init)
INIT_CALL(predict_options_init)
INIT_CALL(import_options_init)
INIT_CALL(filter_init)
INIT_CALL(target_dims_init)
INIT_CALL(backend_init)
INIT_CALL(csv_write_options_init)

static void fill_backend(world *w, any_options *o)
{
	memset(&o->backend, 0, sizeof(o->backend));
	o->backend.version = 1;
}

/* ---- the table ------------------------------------------------------------------------- */

typedef struct options_case {
	const char *function;
	const char *type; /* named by the KISCRM_EVERSION message */
	size_t v1_size;
	fill_fn fill;
	call_fn call;
} options_case;

#define CASE(fn, type, size, fill) { #fn, #type, size, fill, call_##fn }
#define REPORT_CASE(fn) CASE(fn, kiscrm_report_options, V1_REPORT_OPTIONS, fill_report)

static const options_case cases[] = {
	CASE(db_open, kiscrm_db_options, V1_DB_OPTIONS, fill_db),
	CASE(db_open_sqlite, kiscrm_db_options, V1_DB_OPTIONS, fill_db_sqlite),
	CASE(db_options_init, kiscrm_db_options, V1_DB_OPTIONS, fill_db),
	CASE(report_options_init, kiscrm_report_options, V1_REPORT_OPTIONS, fill_report),
	CASE(report_run_all, kiscrm_report_options, V1_REPORT_OPTIONS, fill_report),
	REPORT_CASE(report_rolling_budget),
	REPORT_CASE(report_rolling_summary),
	REPORT_CASE(report_rolling_gap),
	REPORT_CASE(report_snapshot_diff),
	REPORT_CASE(report_forecast_accuracy),
	REPORT_CASE(report_gap),
	REPORT_CASE(report_sufficiency),
	REPORT_CASE(report_forecast),
	REPORT_CASE(report_year_end),
	REPORT_CASE(report_stage_probabilities),
	REPORT_CASE(report_funnel),
	REPORT_CASE(report_funnel_diagnosis),
	REPORT_CASE(report_qualification),
	REPORT_CASE(report_invalid_opportunities),
	REPORT_CASE(report_structure),
	REPORT_CASE(report_stqc),
	REPORT_CASE(report_missing_analysis),
	REPORT_CASE(report_win_loss),
	REPORT_CASE(report_win_rate),
	REPORT_CASE(report_stage_win_rates),
	REPORT_CASE(report_kpi),
	REPORT_CASE(report_qualification_assessment),
	REPORT_CASE(report_receivables),
	REPORT_CASE(report_ageing),
	REPORT_CASE(report_probability),
	REPORT_CASE(report_targets),
	REPORT_CASE(report_target_check),
	REPORT_CASE(kpi_score),
	REPORT_CASE(kpi_score_departments),
	REPORT_CASE(kpi_rollup),
	CASE(forecast_options_init, kiscrm_forecast_options, V1_FORECAST_OPTIONS, fill_forecast),
	CASE(report_gap_forecast, kiscrm_forecast_options, V1_FORECAST_OPTIONS, fill_forecast),
	CASE(report_forecast_forecast, kiscrm_forecast_options, V1_FORECAST_OPTIONS, fill_forecast),
	CASE(report_year_end_forecast, kiscrm_forecast_options, V1_FORECAST_OPTIONS, fill_forecast),
	CASE(predict_options_init, kiscrm_predict_options, V1_PREDICT_OPTIONS, fill_predict),
	CASE(predict_probability, kiscrm_predict_options, V1_PREDICT_OPTIONS, fill_predict),
	CASE(predict_explain, kiscrm_predict_options, V1_PREDICT_OPTIONS, fill_predict),
	CASE(predict_apply, kiscrm_predict_options, V1_PREDICT_OPTIONS, fill_predict),
	CASE(import_options_init, kiscrm_import_options, V1_IMPORT_OPTIONS, fill_import),
	CASE(csv_import_data, kiscrm_import_options, V1_IMPORT_OPTIONS, fill_import),
	CASE(csv_import, kiscrm_import_options, V1_IMPORT_OPTIONS, fill_import),
	CASE(filter_init, kiscrm_filter, V1_FILTER, fill_filter),
	CASE(csv_export, kiscrm_filter, V1_FILTER, fill_filter),
	CASE(csv_export_file, kiscrm_filter, V1_FILTER, fill_filter),
	CASE(iter_new, kiscrm_filter, V1_FILTER, fill_filter),
	CASE(target_dims_init, kiscrm_target_dims, V1_TARGET_DIMS, fill_dims),
	CASE(target_set_year, kiscrm_target_dims, V1_TARGET_DIMS, fill_dims),
	CASE(kpi_metric_compute, kiscrm_kpi_context, V1_KPI_CONTEXT, fill_ctx),
	CASE(kpi_register_metric, kiscrm_kpi_metric, V1_KPI_METRIC, fill_metric),
	CASE(backend_init, kiscrm_backend, V1_BACKEND, fill_backend),
	CASE(csv_write_options_init, kiscrm_csv_write_options, V1_CSV_WRITE_OPTIONS, fill_csv_write),
	CASE(csv_export_opts, kiscrm_csv_write_options, V1_CSV_WRITE_OPTIONS, fill_csv_write),
	CASE(csv_export_file_opts, kiscrm_csv_write_options, V1_CSV_WRITE_OPTIONS, fill_csv_write),
	CASE(table_write_csv_with, kiscrm_csv_write_options, V1_CSV_WRITE_OPTIONS, fill_csv_write),
	CASE(csv_write_row, kiscrm_csv_write_options, V1_CSV_WRITE_OPTIONS, fill_csv_write),
};

/* ---- the test ---------------------------------------------------------------------------- */

static void world_open(world *w)
{
	memset(w, 0, sizeof(*w));
	umask(022); /* the usual lax umask: the 0600 of new databases must not come from it */
	w->db = kc_test_db_open(NULL);
	assert_non_null(w->db);
	assert_rc(KISCRM_OK, kiscrm_kpi_scheme_load_default(&w->scheme, w->db));
	/* one open opportunity for the predictions */
	kiscrm_id dept = kc_test_department(w->db, "Sales", 0);
	kiscrm_id staff = kc_test_staff(w->db, "Li", dept, "general_manager");
	kiscrm_id cust = kc_test_customer(w->db, "Acme");
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_OPPORTUNITY);
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_NAME, "Deal"));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_CUSTOMER_ID, cust));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_OWNER_ID, staff));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_DEPARTMENT_ID, dept));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_STAGE, "commercial"));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_AMOUNT, 1000000));
	kiscrm_date day;
	assert_rc(KISCRM_OK, kiscrm_date_parse(&day, "2024-02-01"));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_CREATED, day));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_EXPECTED_CLOSE, day + 120));
	w->opportunity = kc_test_insert(w->db, r);
	snprintf(w->dir, sizeof(w->dir), "/tmp/kiscrm-abi-XXXXXX");
	assert_non_null(mkdtemp(w->dir));
	snprintf(w->csv, sizeof(w->csv), "%s/customers.csv", w->dir);
	FILE *fp = fopen(w->csv, "w");
	assert_non_null(fp);
	fputs(customer_csv, fp);
	fclose(fp);
}

static void world_close(world *w)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", w->dir);
	assert_int_equal(system(cmd), 0);
	kiscrm_kpi_scheme_free(w->scheme);
	kiscrm_db_free(w->db);
}

/* One case, in a child process (a fault must not hide the other cases): 0 when it passes,
 * else prints why and returns 1. No cmocka assertions here: they would unwind the child's
 * copy of the test runner. */
static int run_case(world *w, guard *g, const options_case *c)
{
	any_options full;
	/* an ordinary struct of the caller's size: the expected result */
	c->fill(w, &full);
	full.db.version = 1; /* every struct opens with its version */
	int expected = c->call(w, &full);
	print_message("kiscrm_%s (%s, version 1: %zu bytes): %d\n", c->function, c->type, c->v1_size,
		      expected);

	/* the same bytes ending at the guarded page */
	c->fill(w, &full);
	full.db.version = 1;
	int rc = c->call(w, guarded_copy(g, &full, c->v1_size));
	if (rc != expected) {
		print_error("kiscrm_%s: %d with a version-1 struct at a page end, %d otherwise (%s)\n",
			    c->function, rc, expected, kiscrm_error_last()->message);
		return 1;
	}

	/* versions it does not know */
	for (unsigned v = 0; v <= 99; v += 99) {
		c->fill(w, &full);
		full.db.version = v;
		rc = c->call(w, &full);
		const char *m = kiscrm_error_last()->message;
		if (rc != KISCRM_EVERSION || !strstr(m, c->type)) {
			print_error("kiscrm_%s: version %u gave %d, not KISCRM_EVERSION naming %s (%s)\n",
				    c->function, v, rc, c->type, m);
			return 1;
		}
	}
	return w->broken;
}

static void test_version1_structs_at_a_page_end(void **state)
{
	world w;
	guard g;
	world_open(&w);
	guard_open(&g);
	int failed = 0;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fflush(NULL);
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			/* a fault kills the child, as it would the caller (cmocka catches it otherwise) */
			signal(SIGSEGV, SIG_DFL);
			signal(SIGBUS, SIG_DFL);
			_exit(run_case(&w, &g, &cases[i]));
		}
		int status = 0;
		assert_int_equal(waitpid(pid, &status, 0), pid);
		if (WIFSIGNALED(status))
			print_error("kiscrm_%s: killed by signal %d (read or wrote past the caller's "
				    "struct)\n", cases[i].function, WTERMSIG(status));
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			failed++;
	}
	guard_close(&g);
	world_close(&w);
	assert_int_equal(failed, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version1_structs_at_a_page_end),
	};
	return cmocka_run_group_tests(tests, kc_test_group_memory, NULL);
}
