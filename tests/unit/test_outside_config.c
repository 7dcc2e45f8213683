/* Records outside the loaded configuration (issue: the probability report read
 * stages[-1]). A database is written with the default configuration, then reopened with
 * a configuration in which the stage `commercial` is renamed `negotiation` — as a user
 * who edits pipelines.yaml would. Every report of the registry is then run on it:
 *
 *   - a report that places opportunities by their stage (funnel, funnel-diagnosis,
 *     stage-win-rates, probability, forecast, gap, sufficiency, year-end …) refuses with
 *     KISCRM_ECONFIG, and the message names the opportunity, its stage and the pipeline,
 *     and says what to do;
 *   - every other report runs as before (its figures do not depend on stages);
 *   - nothing reads out of bounds (CI runs this under ASan and UBSan).
 *
 * The same rule holds for a pipeline key the configuration no longer has. */
#include "helpers.h"
#include "storage/db.h"
#include "kiscrm/sys/backend.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct world {
	char dir[64];       /* the temporary directory */
	char cfg[96];       /* its copy of the configuration, with the stage renamed */
	char path[96];      /* the database file */
	kiscrm_id open_opp; /* open, at `commercial` */
	kiscrm_id won_opp;  /* won, passed through `commercial` */
	kiscrm_id rep, cust; /* their owner and customer */
} world;

/* Copies src to dst, replacing every `from` with `to` (both a line's text). */
static int copy_replacing(const char *src, const char *dst, const char *from, const char *to)
{
	FILE *in = fopen(src, "rb"), *out = fopen(dst, "wb");
	char line[1024];
	int rc = in && out ? 0 : -1;
	while (rc == 0 && fgets(line, sizeof(line), in)) {
		char *at = from ? strstr(line, from) : NULL;
		if (at) {
			fwrite(line, 1, (size_t)(at - line), out);
			fputs(to, out);
			fputs(at + strlen(from), out);
		} else {
			fputs(line, out);
		}
	}
	if (in)
		fclose(in);
	if (out && fclose(out) != 0)
		rc = -1;
	return rc;
}

static const char *const config_files[] = {
	"settings.yaml", "dimensions.yaml", "pipelines.yaml", "roles.yaml", "analysis.yaml",
	"labels.yaml", "kpi.yaml", "qualification.yaml", NULL,
};

static int make_config(world *w, const char *from, const char *to)
{
	for (size_t i = 0; config_files[i]; i++) {
		char src[512], dst[512];
		snprintf(src, sizeof(src), "%s/%s", kc_test_config_dir(), config_files[i]);
		snprintf(dst, sizeof(dst), "%s/%s", w->cfg, config_files[i]);
		if (copy_replacing(src, dst, strcmp(config_files[i], "pipelines.yaml") == 0 ? from : NULL, to) != 0)
			return -1;
	}
	return 0;
}

static kiscrm_db *open_file(const char *path, const char *cfg)
{
	kiscrm_db_options o = KISCRM_DB_OPTIONS_INIT;
	kiscrm_db *db = NULL;
	kiscrm_date today;
	o.backend = "sqlite";
	o.path = path;
	o.config_dir = cfg;
	assert_int_equal(KISCRM_OK, kiscrm_db_open(&db, &o));
	assert_int_equal(KISCRM_OK, kiscrm_date_parse(&today, KC_TEST_TODAY));
	assert_int_equal(KISCRM_OK, kiscrm_db_set_today(db, today));
	return db;
}

/* The same file as if its rows travelled over a network (as on PostgreSQL): the rule
 * then first asks the backend for the distinct (pipeline, stage) pairs and runs its
 * naming scans only when one breaks it, and the forecast engine reads only the window's
 * opportunities. With @distinct 0 the backend lacks that accelerator and the rule runs its
 * scans from the start. Every way names the same records. */
static kiscrm_db *open_file_remote(const char *path, const char *cfg, int distinct)
{
	kiscrm_backend *b = NULL;
	assert_int_equal(KISCRM_OK, kiscrm_backend_sqlite_new(&b, path, 0));
	assert_non_null(b->distinct);
	if (!distinct)
		b->distinct = NULL;
	kiscrm_db_options o = KISCRM_DB_OPTIONS_INIT;
	kiscrm_db *db = NULL;
	kiscrm_date today;
	o.custom_backend = b;
	o.config_dir = cfg;
	assert_int_equal(KISCRM_OK, kiscrm_db_open(&db, &o));
	db->remote_rows = 1;
	assert_int_equal(KISCRM_OK, kiscrm_date_parse(&today, KC_TEST_TODAY));
	assert_int_equal(KISCRM_OK, kiscrm_db_set_today(db, today));
	return db;
}

static kiscrm_id opp(kiscrm_db *db, const char *name, kiscrm_id owner, kiscrm_id cust)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_OPPORTUNITY);
	kiscrm_date created, close;
	kiscrm_date_parse(&created, "2026-10-01");
	kiscrm_date_parse(&close, "2026-12-15");
	kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_NAME, name);
	kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_STAGE, "opportunity");
	kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_OWNER_ID, owner);
	kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_CUSTOMER_ID, cust);
	kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_AMOUNT, 10000000);
	kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_CREATED, created);
	kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_EXPECTED_CLOSE, close);
	return kc_test_insert(db, r);
}

static void move(kiscrm_db *db, kiscrm_id id, const char *stage, const char *day)
{
	kiscrm_time at;
	assert_int_equal(KISCRM_OK, kiscrm_time_parse(&at, day));
	assert_int_equal(KISCRM_OK, kiscrm_opportunity_move(db, id, stage, at, 0));
}

static int setup(void **state)
{
	world *w = calloc(1, sizeof(*w));
	if (!w)
		return -1;
	snprintf(w->dir, sizeof(w->dir), "/tmp/kiscrm-outside-XXXXXX");
	if (!mkdtemp(w->dir))
		return -1;
	snprintf(w->cfg, sizeof(w->cfg), "%s/cfg", w->dir);
	snprintf(w->path, sizeof(w->path), "%s/crm.db", w->dir);
	if (mkdir(w->cfg, 0700) != 0)
		return -1;
	kiscrm_db *db = open_file(w->path, NULL);
	kiscrm_id dept = kc_test_department(db, "销售一部", 0);
	kiscrm_id rep = kc_test_staff(db, "张三", dept, "sales_rep");
	kiscrm_id cust = kc_test_customer(db, "北京甲科技有限公司");
	w->rep = rep;
	w->cust = cust;
	w->open_opp = opp(db, "ERP 升级", rep, cust);
	move(db, w->open_opp, "commercial", "2026-10-10T09:00:00Z");
	w->won_opp = opp(db, "财务软件", rep, cust);
	move(db, w->won_opp, "commercial", "2026-10-05T09:00:00Z");
	move(db, w->won_opp, "won", "2026-10-20T09:00:00Z");
	kiscrm_db_free(db);
	*state = w;
	return 0;
}

static int teardown(void **state)
{
	world *w = *state;
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", w->dir);
	if (system(cmd) != 0)
		return -1;
	free(w);
	return 0;
}

/* The reports whose figures place open opportunities by their stage. */
static int places_by_stage(const char *name)
{
	static const char *const names[] = {
		"funnel", "funnel-diagnosis", "stage-win-rates", "stage-probabilities", "probability",
		"forecast", "gap", "sufficiency", "year-end",
		"kpi", /* its sufficiency and forecast indicators weigh the pipeline */
		NULL,
	};
	for (size_t i = 0; names[i]; i++)
		if (strcmp(names[i], name) == 0)
			return 1;
	return 0;
}

/* Every report: the stage-placing ones refuse, naming `who` and `key`; the others run. */
static void run_every_report(kiscrm_db *db, const char *who, const char *key)
{
	const char *id_text = who;
	for (size_t i = 0; i < kiscrm_report_count(); i++) {
		const char *name = kiscrm_report_name(i);
		kiscrm_table *t = NULL;
		kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
		o.period = KISCRM_PERIOD_YEAR; /* the KPI scorecard needs a window */
		if (strcmp(name, "qualification-assessment") == 0)
			o.owner_id = 1; /* a listing for one person */
		int rc = kiscrm_report_run(&t, db, name, &o);
		const char *msg = kiscrm_error_last()->message;
		if (places_by_stage(name)) {
			if (rc != KISCRM_ECONFIG)
				fail_msg("report %s returned %d (%s), expected KISCRM_ECONFIG", name, rc, msg);
			if (!strstr(msg, id_text) || !strstr(msg, key))
				fail_msg("report %s: the message does not name %s and '%s': %s", name, id_text, key, msg);
		} else if (rc != KISCRM_OK && rc != KISCRM_ENOTFOUND) {
			fail_msg("report %s failed: %d %s", name, rc, msg);
		}
		kiscrm_table_free(t);
	}
}

/* `commercial` renamed `negotiation`: opportunity 1 is open at a stage the pipeline does
 * not have; opportunity 2 is won (its history passes through the old stage). */
static void test_stage_renamed(void **state)
{
	world *w = *state;
	assert_int_equal(0, make_config(w, "key: commercial", "key: negotiation"));
	kiscrm_db *db[3] = { open_file(w->path, w->cfg), open_file_remote(w->path, w->cfg, 1),
			     open_file_remote(w->path, w->cfg, 0) };
	char who[32];
	snprintf(who, sizeof(who), "opportunity %lld is", (long long)w->open_opp);
	for (int h = 0; h < 3; h++)
		run_every_report(db[h], who, "'commercial'");
	/* moving it to a configured stage is the way out: then every report runs */
	move(db[0], w->open_opp, "negotiation", "2026-11-02T09:00:00Z");
	for (int h = 0; h < 3; h++)
		for (size_t i = 0; i < kiscrm_report_count(); i++) {
			kiscrm_table *t = NULL;
			kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
			o.period = KISCRM_PERIOD_YEAR;
			if (strcmp(kiscrm_report_name(i), "qualification-assessment") == 0)
				o.owner_id = 1;
			int rc = kiscrm_report_run(&t, db[h], kiscrm_report_name(i), &o);
			if (rc != KISCRM_OK && rc != KISCRM_ENOTFOUND)
				fail_msg("after the move, report %s failed: %s", kiscrm_report_name(i),
					 kiscrm_error_last()->message);
			kiscrm_table_free(t);
		}
	for (int h = 0; h < 3; h++)
		kiscrm_db_free(db[h]);
}

/* The default pipeline renamed `standard`: both opportunities are stored with pipeline
 * `default`, which the configuration no longer has. */
static void test_pipeline_renamed(void **state)
{
	world *w = *state;
	assert_int_equal(0, make_config(w, "key: default", "key: standard"));
	kiscrm_db *db[3] = { open_file(w->path, w->cfg), open_file_remote(w->path, w->cfg, 1),
			     open_file_remote(w->path, w->cfg, 0) };
	char who[48];
	snprintf(who, sizeof(who), "2 opportunities (ids %lld, %lld) are", (long long)w->open_opp,
		 (long long)w->won_opp);
	for (int h = 0; h < 3; h++) {
		run_every_report(db[h], who, "pipeline 'default'");
		kiscrm_db_free(db[h]);
	}
}

/* ---- the rule checked on the scan's rows names the offenders the queries name ------ */

static const kiscrm_schema *held_schema;
static int (*real_open)(kiscrm_backend *b, const kiscrm_schema *schema);

static int catching_open(kiscrm_backend *b, const kiscrm_schema *schema)
{
	held_schema = schema;
	return real_open(b, schema);
}

typedef struct unset {
	kiscrm_backend *b;
	const kiscrm_kind_def *def;
} unset;

/* Writes the row back without its pipeline, behind the core's back: data written before
 * pipelines were recorded (the library itself always fills the default one). */
static int unset_pipeline_cb(void *payload, const kiscrm_value *row)
{
	unset *u = payload;
	kiscrm_value copy[64];
	memcpy(copy, row, (size_t)u->def->nfields * sizeof(*row));
	copy[KISCRM_FIELD_POSITION(KISCRM_OPPORTUNITY_PIPELINE)] = (kiscrm_value){ KISCRM_TYPE_NULL, { .i = 0 } };
	return u->b->update(u->b, u->def, copy);
}

/* Five opportunities at the renamed stage: three in pipeline `default`, two without a
 * pipeline (which means the default one). The queries of the rule find the pipeline's
 * rows first, then the rows without one, so every report names the same three, in that
 * order, and the count of five — whether it runs the queries (funnel,
 * stage-probabilities) or checks the rows of its own scan (forecast, gap, sufficiency,
 * year-end, kpi). */
static void test_offenders_named_alike(void **state)
{
	world *w = *state;
	kiscrm_db *db = open_file(w->path, NULL);
	kiscrm_id extra[4];
	for (int i = 0; i < 4; i++) {
		extra[i] = opp(db, "追加商机", w->rep, w->cust);
		move(db, extra[i], "commercial", "2026-10-11T09:00:00Z");
	}
	kiscrm_db_free(db);

	kiscrm_backend *b = NULL;
	assert_int_equal(KISCRM_OK, kiscrm_backend_sqlite_new(&b, w->path, 0));
	real_open = b->open;
	b->open = catching_open;
	kiscrm_db_options o = KISCRM_DB_OPTIONS_INIT;
	o.custom_backend = b;
	o.config_dir = kc_test_config_dir();
	assert_int_equal(KISCRM_OK, kiscrm_db_open(&db, &o));
	unset u = { b, NULL };
	for (int k = 0; k < held_schema->nkinds; k++)
		if (held_schema->kinds[k]->kind == KISCRM_KIND_OPPORTUNITY)
			u.def = held_schema->kinds[k];
	assert_non_null(u.def);
	assert_int_equal(KISCRM_OK, b->get(b, u.def, extra[0], unset_pipeline_cb, &u));
	assert_int_equal(KISCRM_OK, b->get(b, u.def, extra[2], unset_pipeline_cb, &u));
	kiscrm_db_free(db);

	assert_int_equal(0, make_config(w, "key: commercial", "key: negotiation"));
	db = open_file(w->path, w->cfg);
	char who[96];
	/* pipeline `default`: the open one and extra 1 and 3; then extra 0 and 2 */
	snprintf(who, sizeof(who), "5 opportunities (ids %lld, %lld, %lld …) are", (long long)w->open_opp,
		 (long long)extra[1], (long long)extra[3]);
	run_every_report(db, who, "'commercial'");
	kiscrm_db_free(db);
}

/* ---- the rule remembered by a handle while the opportunities do not change ---------- */

static int sufficiency(kiscrm_db *db)
{
	kiscrm_table *t = NULL;
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	o.period = KISCRM_PERIOD_YEAR;
	int rc = kiscrm_report_sufficiency(&t, db, &o);
	kiscrm_table_free(t);
	return rc;
}

typedef struct restage {
	kiscrm_db *db;
	const char *stage;
} restage;

/* Writes the row back at another stage through the write chokepoint, as data imported
 * before a configuration changed would be (the record API refuses an unknown stage). */
static int restage_cb(void *payload, const kiscrm_value *row)
{
	restage *u = payload;
	const kiscrm_kind_def *def = kc_db_def(u->db, KISCRM_KIND_OPPORTUNITY);
	kiscrm_value copy[64];
	memcpy(copy, row, (size_t)def->nfields * sizeof(*row));
	copy[KISCRM_FIELD_POSITION(KISCRM_OPPORTUNITY_STAGE)].u.s = u->stage;
	return kc_db_update(u->db, def, copy);
}

static void set_stage(kiscrm_db *db, kiscrm_id id, const char *stage)
{
	restage u = { db, stage };
	assert_int_equal(KISCRM_OK, kc_db_get(db, kc_db_def(db, KISCRM_KIND_OPPORTUNITY), id, restage_cb, &u));
}

/* A handle that found every opportunity at a configured stage remembers it, and checks
 * again once the opportunities may have changed: after a commit by another connection
 * (handle B, whose configuration renames `commercial` to `negotiation`, moves an
 * opportunity there), after its own write, and after a rollback that undoes a write
 * which made the rule hold. Each time the next report refuses as it must. */
static void test_rule_remembered(void **state)
{
	world *w = *state;
	assert_int_equal(0, make_config(w, "key: commercial", "key: negotiation"));
	kiscrm_db *a = open_file(w->path, NULL), *b = open_file(w->path, w->cfg);
	assert_int_equal(KISCRM_OK, sufficiency(a));
	assert_int_equal(1, a->stages_hold);
	assert_int_equal(KISCRM_OK, sufficiency(a));
	/* another connection's commit */
	move(b, w->open_opp, "negotiation", "2026-11-02T09:00:00Z");
	assert_int_equal(KISCRM_ECONFIG, sufficiency(a));
	assert_non_null(strstr(kiscrm_error_last()->message, "'negotiation'"));
	move(a, w->open_opp, "commercial", "2026-11-03T09:00:00Z");
	assert_int_equal(KISCRM_OK, sufficiency(a));
	/* this handle's own write */
	set_stage(a, w->open_opp, "zzz");
	assert_int_equal(KISCRM_ECONFIG, sufficiency(a));
	/* a rollback: the fix is undone after the rule was found to hold with it */
	assert_int_equal(KISCRM_OK, kiscrm_db_begin(a));
	set_stage(a, w->open_opp, "design");
	assert_int_equal(KISCRM_OK, sufficiency(a));
	assert_int_equal(KISCRM_OK, kiscrm_db_rollback(a));
	assert_int_equal(KISCRM_ECONFIG, sufficiency(a));
	assert_non_null(strstr(kiscrm_error_last()->message, "'zzz'"));
	kiscrm_db_free(a);
	kiscrm_db_free(b);
}

/* The stamps themselves: a write of a kind changes that kind's stamp only; a rollback
 * changes every stamp; on SQLite another connection's commit changes them; a PostgreSQL
 * handle cannot tell (its other clients write unseen) and remembers nothing. */
static void test_stamps(void **state)
{
	world *w = *state;
	kiscrm_db *dbs[2] = { kc_test_db_open(NULL), open_file(w->path, NULL) };
	kiscrm_db *other = open_file(w->path, NULL);
	for (int i = 0; i < 2; i++) {
		kiscrm_db *db = dbs[i];
		kc_stamp s0, s1, c0, c1;
		assert_int_equal(1, kc_db_stamp(db, KISCRM_KIND_OPPORTUNITY, &s0));
		assert_int_equal(1, kc_db_stamp(db, KISCRM_KIND_CUSTOMER, &c0));
		kiscrm_id cust = kc_test_customer(db, "丙公司");
		assert_int_equal(1, kc_db_stamp(db, KISCRM_KIND_OPPORTUNITY, &s1));
		assert_true(kc_stamp_equal(&s0, &s1));
		assert_int_equal(1, kc_db_stamp(db, KISCRM_KIND_CUSTOMER, &c1));
		assert_false(kc_stamp_equal(&c0, &c1));
		opp(db, "新商机", i ? w->rep : kc_test_staff(db, "李四", kc_test_department(db, "二部", 0), "sales_rep"),
		    cust);
		assert_int_equal(1, kc_db_stamp(db, KISCRM_KIND_OPPORTUNITY, &s1));
		assert_false(kc_stamp_equal(&s0, &s1));
		assert_int_equal(KISCRM_OK, kiscrm_db_begin(db));
		assert_int_equal(KISCRM_OK, kiscrm_db_rollback(db));
		assert_int_equal(1, kc_db_stamp(db, KISCRM_KIND_CUSTOMER, &c0));
		assert_false(kc_stamp_equal(&c0, &c1));
	}
	/* SQLite: another connection commits a customer */
	kc_stamp before, after;
	assert_int_equal(1, kc_db_stamp(dbs[1], KISCRM_KIND_OPPORTUNITY, &before));
	kc_test_customer(other, "丁公司");
	assert_int_equal(1, kc_db_stamp(dbs[1], KISCRM_KIND_OPPORTUNITY, &after));
	assert_false(kc_stamp_equal(&before, &after));
	for (int i = 0; i < 2; i++)
		kiscrm_db_free(dbs[i]);
	kiscrm_db_free(other);
	char conninfo[512];
	if (kc_test_pg_conninfo() && kc_test_pg_fresh(conninfo, sizeof(conninfo)) == 0) {
		kiscrm_db_options o = KISCRM_DB_OPTIONS_INIT;
		kiscrm_db *pg = NULL;
		o.backend = "postgresql";
		o.path = conninfo;
		assert_int_equal(KISCRM_OK, kiscrm_db_open(&pg, &o));
		assert_int_equal(0, kc_db_stamp(pg, KISCRM_KIND_OPPORTUNITY, &before));
		kiscrm_db_free(pg);
		kc_test_pg_cleanup();
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_stage_renamed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pipeline_renamed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_offenders_named_alike, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rule_remembered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stamps, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
