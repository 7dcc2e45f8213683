/* A partner's principal sees its own world and nothing else (issue 13, item 3).
 *
 * One database holds three worlds: partner P's (伙伴甲), partner Q's and the company's own
 * direct business, with the company-internal kinds (targets, KPI scores, market activities,
 * competitors, work lists, snapshots). Every row that is not P's carries a canary — a name
 * with 金丝雀 or an amount whose digits are 987654 — that must never appear in what P is
 * shown.
 *
 * (a) Metamorphic: a second database receives, verbatim through the backend, exactly the
 *     rows P sees; every report, export, iterator, count, get and record-level read run
 *     as P on the first database gives byte for byte what it gives on the second, run
 *     without a principal. A foreign row that influenced any number would make them
 *     differ.
 * (b) Canaries: no output, error message or field of an error of the calls as P contains
 *     a canary.
 * (c) Coverage: tools/check-bad-input-coverage runs on this file too (see meson.build), so
 *     every exported function must be called here or listed as reading no stored record;
 *     the reports are walked through the registry, so a new report is covered by itself.
 *
 * Then the write side: what a partner's principal may write, and the bad input of
 * kiscrm_db_set_principal(). Everything runs on the memory backend and on SQLite. */
#include "helpers.h"
#include "kiscrm/sys/backend.h"
#include "kiscrm/sys/kpi_metric.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* ---- canaries --------------------------------------------------------------------- */

static const char *const canaries[] = { "金丝雀", "987654", "987,654", NULL };
static int planted; /* canary-carrying records put in the foreign worlds */
static int calls_checked, calls_showing_p, calls_failing;

static void assert_no_canary(const char *what, const char *text)
{
	for (int i = 0; text && canaries[i]; i++)
		if (strstr(text, canaries[i]))
			fail_msg("%s shows the canary '%s' to partner P:\n%s", what, canaries[i], text);
}

static void assert_error_clean(const char *what)
{
	const kiscrm_error *e = kiscrm_error_last();
	assert_no_canary(what, e->message);
	assert_no_canary(what, e->field);
	assert_no_canary(what, e->value);
}

/* ---- building the worlds ----------------------------------------------------------- */

/* Inserts a record given as "field=value|field=value" (values as kiscrm_record_set_from_text
 * reads them); returns its id. */
static kiscrm_id add(kiscrm_db *db, int kind, const char *spec)
{
	kiscrm_record *r = kc_test_rec(kind);
	char buf[1024];
	snprintf(buf, sizeof(buf), "%s", spec);
	for (char *item = strtok(buf, "|"); item; item = strtok(NULL, "|")) {
		char *eq = strchr(item, '=');
		assert_non_null(eq);
		*eq = '\0';
		int f = kiscrm_kind_field_find(kind, item);
		if (f < 0)
			fail_msg("%s has no field %s", kiscrm_kind_name(kind), item);
		assert_rc(KISCRM_OK, kiscrm_record_set_from_text(r, f, eq + 1, 2));
	}
	for (int i = 0; canaries[i]; i++)
		if (strstr(spec, canaries[i])) {
			planted++;
			break;
		}
	int rc = kiscrm_record_insert(db, r);
	if (rc != KISCRM_OK)
		fail_msg("insert %s {%s}: %s", kiscrm_kind_name(kind), spec, kiscrm_error_last()->message);
	kiscrm_id id = kiscrm_record_id(r);
	kiscrm_record_free(r);
	return id;
}

/* The ids of one world's records. */
typedef struct world {
	kiscrm_id partner, dept, staff, customer, contact, lead, opp, contract, request;
} world;

/* One world of business: a department and a person (the partner's own, or the company's),
 * a customer with a contact, a lead, an opportunity moved one stage, a contract with a plan,
 * a collection and a milestone, an activity, a key-account event, a presales request, a
 * service request with an event and a survey; for a partner also its target and a
 * registration. @name marks every text, @amt every amount (a canary for foreign worlds). */
static world build_world(kiscrm_db *db, kiscrm_id partner, const char *name, const char *amt, int canary)
{
	world w = { partner, 0, 0, 0, 0, 0, 0, 0, 0 };
	char s[512], p[32] = "";
	if (partner)
		snprintf(p, sizeof(p), "|partner_id=%lld", (long long)partner);
	snprintf(s, sizeof(s), "name=%s销售部%s", name, p);
	w.dept = add(db, KISCRM_KIND_DEPARTMENT, s);
	snprintf(s, sizeof(s), "name=%s张伟|department_id=%lld|role=sales_rep", name, (long long)w.dept);
	w.staff = add(db, KISCRM_KIND_STAFF, s);
	snprintf(s, sizeof(s), "name=%s科技有限公司|region=central|industry=manufacturing|owner_id=%lld%s", name,
		 (long long)w.staff, p);
	w.customer = add(db, KISCRM_KIND_CUSTOMER, s);
	snprintf(s, sizeof(s), "customer_id=%lld|name=%s李总|phone=13800000000", (long long)w.customer, name);
	w.contact = add(db, KISCRM_KIND_CONTACT, s);
	snprintf(s, sizeof(s), "%s税号", name);
	assert_rc(KISCRM_OK, kiscrm_customer_attr_set(db, w.customer, "tax_id", s));
	snprintf(s, sizeof(s), "name=%s线索|company=%s线索公司|owner_id=%lld%s", name, name, (long long)w.staff, p);
	w.lead = add(db, KISCRM_KIND_LEAD, s);
	snprintf(s, sizeof(s), "name=%s财务软件项目|customer_id=%lld|owner_id=%lld|stage=opportunity|amount=%s|"
		 "created=2026-09-01|expected_close=2026-12-20|product_line=professional", name,
		 (long long)w.customer, (long long)w.staff, amt);
	w.opp = add(db, KISCRM_KIND_OPPORTUNITY, s);
	assert_rc(KISCRM_OK, kiscrm_opportunity_move(db, w.opp, "diagnosis", kc_test_time("2026-09-15T02:00:00Z"), 0));
	snprintf(s, sizeof(s), "customer_id=%lld|opportunity_id=%lld|number=%s-HT-1|signed=2026-10-10|amount=%s|"
		 "owner_id=%lld", (long long)w.customer, (long long)w.opp, canary ? "金丝雀" : "JIA", amt, (long long)w.staff);
	w.contract = add(db, KISCRM_KIND_CONTRACT, s);
	snprintf(s, sizeof(s), "contract_id=%lld|due=2026-11-30|amount=%s", (long long)w.contract, amt);
	add(db, KISCRM_KIND_COLLECTION_PLAN, s);
	snprintf(s, sizeof(s), "contract_id=%lld|received=2026-11-05|amount=%s", (long long)w.contract, amt);
	add(db, KISCRM_KIND_COLLECTION, s);
	snprintf(s, sizeof(s), "contract_id=%lld|type=delivery|planned=2026-12-15|note=%s验收", (long long)w.contract, name);
	add(db, KISCRM_KIND_MILESTONE, s);
	snprintf(s, sizeof(s), "type=visit|subject=%s拜访|owner_id=%lld|customer_id=%lld|start=2026-11-10T02:00:00Z|"
		 "status=done|done_at=2026-11-10T03:00:00Z|outcome=%s", name, (long long)w.staff, (long long)w.customer, name);
	add(db, KISCRM_KIND_ACTIVITY, s);
	snprintf(s, sizeof(s), "customer_id=%lld|type=major_event|date=2026-10-01|note=%s上市", (long long)w.customer, name);
	add(db, KISCRM_KIND_KEY_ACCOUNT_EVENT, s);
	snprintf(s, sizeof(s), "opportunity_id=%lld|help=demo|requested=2026-11-01|outcome=%s演示", (long long)w.opp, name);
	add(db, KISCRM_KIND_PRESALES_REQUEST, s);
	snprintf(s, sizeof(s), "customer_id=%lld|subject=%s无法登录|opened=2026-11-20T01:00:00Z|priority=high",
		 (long long)w.customer, name);
	w.request = add(db, KISCRM_KIND_SERVICE_REQUEST, s);
	snprintf(s, sizeof(s), "request_id=%lld|type=responded|at=2026-11-20T02:00:00Z|note=%s", (long long)w.request, name);
	add(db, KISCRM_KIND_SERVICE_EVENT, s);
	snprintf(s, sizeof(s), "customer_id=%lld|date=2026-11-21|score=4|note=%s", (long long)w.customer, name);
	add(db, KISCRM_KIND_SATISFACTION_SURVEY, s);
	if (partner) {
		snprintf(s, sizeof(s), "partner_id=%lld|metric=contract_amount|start=2026-10-01|end=2027-01-01|amount=%s",
			 (long long)partner, amt);
		add(db, KISCRM_KIND_PARTNER_TARGET, s);
		snprintf(s, sizeof(s), "partner_id=%lld|customer_name=%s科技有限公司|product_line=professional|"
			 "amount=%s|status=submitted|submitted=2026-11-01T01:00:00Z", (long long)partner, name, amt);
		add(db, KISCRM_KIND_REGISTRATION, s);
	}
	planted += canary; /* the attribute */
	return w;
}

/* The company's own, internal records: none may reach a partner. */
static void build_internal(kiscrm_db *db, const world *company)
{
	char s[256];
	snprintf(s, sizeof(s), "owner_id=%lld|metric=contract_amount|period=3|start=2026-10-01|amount=987654.01",
		 (long long)company->staff);
	add(db, KISCRM_KIND_TARGET, s);
	snprintf(s, sizeof(s), "staff_id=%lld|indicator=金丝雀指标|period=3|start=2026-10-01|score=98.7654",
		 (long long)company->staff);
	add(db, KISCRM_KIND_KPI_SCORE, s);
	kiscrm_id c = add(db, KISCRM_KIND_CAMPAIGN, "name=金丝雀研讨会|type=forum|start=2026-11-12|budget=987654.02");
	snprintf(s, sizeof(s), "campaign_id=%lld|date=2026-11-12|amount=987654.03|item=金丝雀场地", (long long)c);
	add(db, KISCRM_KIND_CAMPAIGN_COST, s);
	add(db, KISCRM_KIND_COMPETITOR, "name=金丝雀对手");
	snprintf(s, sizeof(s), "list=problem|title=金丝雀事项|owner_id=%lld|due=2026-12-01", (long long)company->staff);
	add(db, KISCRM_KIND_WORK_ITEM, s);
}

/* ---- databases whose backend the test holds --------------------------------------- */

/* The schema the core gives a backend at open, caught on the way so that rows can be
 * copied in verbatim (no hook, no derivation: the bytes P was shown). */
static const kiscrm_schema *caught_schema;
static int (*real_open)(kiscrm_backend *, const kiscrm_schema *);
static int catching_open(kiscrm_backend *b, const kiscrm_schema *s)
{
	caught_schema = s;
	return real_open(b, s);
}

/* A database on the group's backend (SQLite in @path, in memory, or PostgreSQL in a fresh
 * schema) whose backend the test keeps, to copy rows in verbatim or read them behind the
 * core's back. */
static kiscrm_db *open_held(kiscrm_backend **held, const char *path)
{
	kiscrm_backend *b = NULL;
	if (strcmp(kc_test_backend(), "sqlite") == 0)
		assert_rc(KISCRM_OK, kiscrm_backend_sqlite_new(&b, path, 0));
	else if (strcmp(kc_test_backend(), "memory") == 0)
		assert_rc(KISCRM_OK, kiscrm_backend_memory_new(&b));
	else
		b = kc_test_backend_new();
	real_open = b->open;
	b->open = catching_open;
	kiscrm_db_options o;
	assert_rc(KISCRM_OK, kiscrm_db_options_init(&o, KISCRM_DB_OPTIONS_VERSION));
	o.custom_backend = b;
	o.config_dir = kc_test_config_dir();
	kiscrm_db *db;
	assert_rc(KISCRM_OK, kiscrm_db_open(&db, &o));
	assert_rc(KISCRM_OK, kiscrm_db_set_today(db, kc_test_day(KC_TEST_TODAY)));
	*held = b;
	return db;
}

typedef struct fixture {
	kiscrm_db *db; /* the whole database; bound to partner P by the tests */
	kiscrm_backend *backend; /* its backend, owned by db */
	world p, q, company;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	if (!f)
		return -1;
	f->db = open_held(&f->backend, NULL);
	planted = 0;
	kiscrm_id pa = add(f->db, KISCRM_KIND_PARTNER, "name=伙伴甲科技|level=core|region=central");
	kiscrm_id pb = add(f->db, KISCRM_KIND_PARTNER, "name=金丝雀伙伴乙|level=standard|region=central");
	f->company = build_world(f->db, 0, "金丝雀直销", "987654.32", 1);
	f->p = build_world(f->db, pa, "伙伴甲", "120000.00", 0);
	f->q = build_world(f->db, pb, "金丝雀乙", "987654.33", 1);
	build_internal(f->db, &f->company);
	*state = f;
	return 0;
}

static void row_of(kiscrm_value *row, const kiscrm_kind_def *def, const kiscrm_record *r)
{
	for (int i = 0; i < def->nfields; i++) {
		int f = KISCRM_FIELD_ID(def->kind, i);
		kiscrm_value *v = &row[i];
		if (kiscrm_record_is_null(r, f)) {
			v->type = KISCRM_TYPE_NULL;
			continue;
		}
		v->type = def->fields[i].type;
		if (v->type == KISCRM_TYPE_TEXT)
			v->u.s = kiscrm_record_text(r, f);
		else if (v->type == KISCRM_TYPE_RATE)
			v->u.r = kiscrm_record_rate(r, f);
		else
			v->u.i = kiscrm_record_int(r, f);
	}
}

/* The copy is a database of the group's backend — on SQLite a file, not a private
 * in-memory database, so that the copy also goes through SQLite's file path. */
static kiscrm_db *copy_of_view(kiscrm_db *view, const char *dir)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/only-p.db", dir);
	kiscrm_backend *b;
	kiscrm_db *copy = open_held(&b, path);
	assert_rc(KISCRM_OK, b->begin(b));
	for (int k = 0; k < caught_schema->nkinds; k++) {
		const kiscrm_kind_def *def = caught_schema->kinds[k];
		kiscrm_iter *it;
		const kiscrm_record *r;
		kiscrm_value row[64];
		assert_true(def->nfields <= 64);
		assert_rc(KISCRM_OK, kiscrm_iter_new(&it, view, def->kind, NULL));
		while (kiscrm_iter_next(&r, it) == KISCRM_OK) {
			kiscrm_id id;
			row_of(row, def, r);
			assert_rc(KISCRM_OK, b->insert(b, def, row, &id));
		}
		kiscrm_iter_free(it);
	}
	assert_rc(KISCRM_OK, b->commit(b));
	return copy;
}

/* ---- comparing one call on both ------------------------------------------------------ */

/* What a call gave: its code and its output, or its error. */
typedef struct outcome {
	int rc;
	char *text;
} outcome;

static outcome take(int rc, kiscrm_buf *buf)
{
	outcome o = { rc, NULL };
	const kiscrm_error *e = kiscrm_error_last();
	if (rc != KISCRM_OK) {
		size_t n = strlen(e->message ? e->message : "") + 64;
		o.text = malloc(n);
		snprintf(o.text, n, "error %d: %s", rc, e->message ? e->message : "");
	} else {
		o.text = strdup(buf && buf->ptr ? buf->ptr : "");
	}
	if (buf)
		kiscrm_buf_dispose(buf);
	return o;
}

static void same(const char *what, outcome as_p, outcome only_p)
{
	assert_no_canary(what, as_p.text);
	/* a positive control: the comparisons are of P's data, not of empty tables */
	if (strstr(as_p.text, "伙伴甲") || strstr(as_p.text, "120000") || strstr(as_p.text, "120,000"))
		calls_showing_p++;
	calls_failing += as_p.rc != KISCRM_OK;
	if (as_p.rc != only_p.rc || strcmp(as_p.text, only_p.text) != 0)
		fail_msg("%s differs for partner P:\n--- as P on the whole database (rc %d)\n%s\n"
			 "--- on the database of P's rows (rc %d)\n%s", what, as_p.rc, as_p.text, only_p.rc,
			 only_p.text);
	free(as_p.text);
	free(only_p.text);
	calls_checked++;
}

static outcome table_outcome(int rc, kiscrm_table *t)
{
	kiscrm_buf b = { 0 };
	if (rc == KISCRM_OK)
		rc = kiscrm_table_write_csv(&b, t);
	kiscrm_table_free(t);
	return take(rc, &b);
}

/* A call returning a table, made on both databases. */
#define SAME_TABLE(what, call_with_db)                                                       \
	do {                                                                                 \
		kiscrm_table *t_ = NULL;                                                     \
		kiscrm_db *db_ = as_p;                                                       \
		int rc_ = call_with_db;                                                      \
		assert_error_clean(what);                                                    \
		outcome a_ = table_outcome(rc_, t_);                                         \
		t_ = NULL;                                                                   \
		db_ = only_p;                                                                \
		rc_ = call_with_db;                                                          \
		same(what, a_, table_outcome(rc_, t_));                                      \
	} while (0)

/* A call filling a kiscrm_buf, made on both databases. */
#define SAME_BUF(what, call_with_db)                                                         \
	do {                                                                                 \
		kiscrm_buf b_ = { 0 };                                                       \
		kiscrm_db *db_ = as_p;                                                       \
		int rc_ = call_with_db;                                                      \
		assert_error_clean(what);                                                    \
		outcome a_ = take(rc_, &b_);                                                 \
		db_ = only_p;                                                                \
		rc_ = call_with_db;                                                          \
		same(what, a_, take(rc_, &b_));                                              \
	} while (0)

/* A call giving a number, made on both databases. */
#define SAME_NUMBER(what, type, call_with_db)                                                \
	do {                                                                                 \
		char n_[2][64];                                                              \
		kiscrm_db *dbs_[2] = { as_p, only_p };                                       \
		outcome o_[2];                                                               \
		for (int i_ = 0; i_ < 2; i_++) {                                             \
			type v_ = 0;                                                         \
			kiscrm_db *db_ = dbs_[i_];                                           \
			int rc_ = call_with_db;                                              \
			if (i_ == 0)                                                         \
				assert_error_clean(what);                                    \
			snprintf(n_[i_], sizeof(n_[i_]), "%lld", (long long)v_);            \
			o_[i_] = take(rc_, NULL);                                            \
			if (rc_ == KISCRM_OK) {                                              \
				free(o_[i_].text);                                           \
				o_[i_].text = strdup(n_[i_]);                                \
			}                                                                    \
		}                                                                            \
		same(what, o_[0], o_[1]);                                                    \
	} while (0)

/* ---- (a) and (b): every read as P ------------------------------------------------- */

static void compare_reports(kiscrm_db *as_p, kiscrm_db *only_p, kiscrm_id p_staff)
{
	/* all time in English; this quarter in Chinese; this year for P's person */
	static const int periods[] = { 0, KISCRM_PERIOD_QUARTER, KISCRM_PERIOD_YEAR };
	static const char *const langs[] = { "en", "zh", "zh" };
	for (size_t i = 0; i < kiscrm_report_count(); i++) {
		const char *name = kiscrm_report_name(i);
		for (int v = 0; v < 3; v++) {
			kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
			o.period = periods[v];
			o.lang = langs[v];
			o.owner_id = v == 2 ? p_staff : 0;
			char what[96];
			snprintf(what, sizeof(what), "report %s (variant %d)", name, v);
			SAME_TABLE(what, kiscrm_report_run(&t_, db_, name, &o));
		}
	}
}

static void compare_records(kiscrm_db *as_p, kiscrm_db *only_p)
{
	for (int k = 1; kiscrm_kind_name(k); k++) {
		char what[96];
		snprintf(what, sizeof(what), "export of %s", kiscrm_kind_name(k));
		SAME_BUF(what, kiscrm_csv_export(&b_, db_, k, NULL, NULL));
		snprintf(what, sizeof(what), "count of %s", kiscrm_kind_name(k));
		SAME_NUMBER(what, int64_t, kiscrm_record_count(db_, k, NULL, &v_));
		/* every id a foreign record may have: "not found", worded as for a missing one */
		kiscrm_record *rec;
		for (kiscrm_id id = 1; id <= 4; id++) {
			snprintf(what, sizeof(what), "get %s %lld", kiscrm_kind_name(k), (long long)id);
			SAME_NUMBER(what, kiscrm_id, (kiscrm_record_get(&rec, db_, k, id) == KISCRM_OK
							     ? (v_ = kiscrm_record_id(rec), kiscrm_record_free(rec), 0)
							     : kiscrm_error_last()->code));
		}
		/* the iterator, record by record, as text */
		kiscrm_db *dbs[2] = { as_p, only_p };
		outcome o[2];
		for (int d = 0; d < 2; d++) {
			kiscrm_iter *it;
			const kiscrm_record *r;
			kiscrm_buf b = { 0 };
			int rc = kiscrm_iter_new(&it, dbs[d], k, NULL);
			while (rc == KISCRM_OK && (rc = kiscrm_iter_next(&r, it)) == KISCRM_OK) {
				for (int f = 0; f < kiscrm_kind_field_count(k); f++) {
					kiscrm_buf cb = { 0 };
					assert_rc(KISCRM_OK, kiscrm_record_field_to_text(&cb, r, KISCRM_FIELD_ID(k, f), 2));
					const char *cell = cb.ptr ? cb.ptr : "";
					size_t n = strlen(cell);
					char *grown = realloc(b.ptr, b.size + n + 2);
					assert_non_null(grown);
					b.ptr = grown;
					memcpy(b.ptr + b.size, cell, n);
					b.size += n;
					b.ptr[b.size++] = f + 1 < kiscrm_kind_field_count(k) ? ',' : '\n';
					b.ptr[b.size] = '\0';
					kiscrm_buf_dispose(&cb);
				}
			}
			kiscrm_iter_free(it);
			o[d] = take(rc == KISCRM_ITEROVER ? KISCRM_OK : rc, NULL);
			free(o[d].text);
			o[d].text = strdup(b.ptr ? b.ptr : "");
			free(b.ptr);
		}
		snprintf(what, sizeof(what), "iteration of %s", kiscrm_kind_name(k));
		same(what, o[0], o[1]);
	}
}

/* The record-level reads: each called with every id either world uses. */
static void compare_record_reads(kiscrm_db *as_p, kiscrm_db *only_p, const fixture *f)
{
	const world *ws[3] = { &f->p, &f->q, &f->company };
	kiscrm_date today = kc_test_day(KC_TEST_TODAY);
	kiscrm_report_options ro = KISCRM_REPORT_OPTIONS_INIT;
	ro.period = KISCRM_PERIOD_QUARTER;
	kiscrm_id *ids;
	double prob;
	kiscrm_kpi_value kv = KISCRM_KPI_VALUE_INIT;
	kiscrm_kpi_scheme *scheme;
	kiscrm_qual_standards *std;
	assert_rc(KISCRM_OK, kiscrm_kpi_scheme_load_default(&scheme, only_p));
	assert_rc(KISCRM_OK, kiscrm_qual_standard_load_dir(&std, kc_test_config_dir()));
	for (int w = 0; w < 3; w++) {
		const world *x = ws[w];
		char what[96];
		snprintf(what, sizeof(what), "history of opportunity %lld", (long long)x->opp);
		SAME_TABLE(what, kiscrm_audit_history(&t_, db_, KISCRM_KIND_OPPORTUNITY, x->opp));
		snprintf(what, sizeof(what), "timeline of customer %lld", (long long)x->customer);
		SAME_TABLE(what, kiscrm_customer_timeline(&t_, db_, x->customer));
		snprintf(what, sizeof(what), "receivable of customer %lld", (long long)x->customer);
		SAME_NUMBER(what, kiscrm_money, kiscrm_customer_receivable(&v_, db_, x->customer));
		snprintf(what, sizeof(what), "collected on contract %lld", (long long)x->contract);
		SAME_NUMBER(what, kiscrm_money, kiscrm_contract_collected(&v_, db_, x->contract));
		snprintf(what, sizeof(what), "receivable of contract %lld", (long long)x->contract);
		SAME_NUMBER(what, kiscrm_money, kiscrm_contract_receivable(&v_, db_, x->contract));
		snprintf(what, sizeof(what), "overdue of contract %lld", (long long)x->contract);
		SAME_NUMBER(what, kiscrm_money, kiscrm_contract_overdue(&v_, db_, x->contract, today));
		snprintf(what, sizeof(what), "attribute of customer %lld", (long long)x->customer);
		SAME_BUF(what, kiscrm_customer_attr_get(&b_, db_, x->customer, "tax_id"));
		snprintf(what, sizeof(what), "subtree of department %lld", (long long)x->dept);
		SAME_NUMBER(what, size_t, (kiscrm_department_subtree(&ids, &v_, db_, x->dept) == KISCRM_OK
						   ? (kiscrm_ids_free(ids), 0) : kiscrm_error_last()->code));
		snprintf(what, sizeof(what), "children of target %lld", (long long)w + 1);
		SAME_NUMBER(what, size_t, (kiscrm_target_children(&ids, &v_, db_, w + 1) == KISCRM_OK
						   ? (kiscrm_ids_free(ids), 0) : kiscrm_error_last()->code));
		snprintf(what, sizeof(what), "predicted probability of opportunity %lld", (long long)x->opp);
		SAME_NUMBER(what, int64_t, (kiscrm_predict_probability(&prob, db_, x->opp, NULL) == KISCRM_OK
						    ? (v_ = (int64_t)(prob * 1e6), 0) : kiscrm_error_last()->code));
		snprintf(what, sizeof(what), "SLA of request %lld", (long long)x->request);
		SAME_TABLE(what, kiscrm_service_sla(&t_, db_, kc_test_time("2026-11-23T00:00:00Z"), x->request));
		snprintf(what, sizeof(what), "probability of opportunity %lld", (long long)x->opp);
		SAME_TABLE(what, kiscrm_predict_explain(&t_, db_, x->opp, NULL));
		snprintf(what, sizeof(what), "KPI of staff %lld", (long long)x->staff);
		ro.owner_id = x->staff;
		SAME_TABLE(what, kiscrm_kpi_score(&t_, db_, scheme, &ro));
		snprintf(what, sizeof(what), "qualification of staff %lld", (long long)x->staff);
		SAME_TABLE(what, kiscrm_qualification_assess(&t_, db_, std, "marketing_l2", x->staff, &ro));
		snprintf(what, sizeof(what), "contract amount of staff %lld", (long long)x->staff);
		kiscrm_kpi_context ctx = { KISCRM_KPI_CONTEXT_VERSION, KISCRM_KPI_SCOPE_PERSON, x->staff, x->dept,
					   "sales_rep", kc_test_day("2026-10-01"), kc_test_day("2027-01-01"),
					   KISCRM_PERIOD_QUARTER, today, "default", NULL };
		SAME_NUMBER(what, kiscrm_money, (kiscrm_kpi_metric_compute(&kv, db_, "contract_amount", &ctx) == KISCRM_OK
						 ? (v_ = kv.actual_money, 0) : kiscrm_error_last()->code));
	}
	ro.owner_id = 0;
	kiscrm_activity_query aq = KISCRM_ACTIVITY_QUERY_INIT;
	aq.from = kc_test_time("2026-11-01T00:00:00Z");
	aq.to = kc_test_time("2026-12-01T00:00:00Z");
	kiscrm_mailing_options mo = KISCRM_MAILING_OPTIONS_INIT;
	SAME_TABLE("duplicate customers", kiscrm_customer_duplicates(&t_, db_));
	SAME_TABLE("mailing list", kiscrm_campaign_mailing_list(&t_, db_, &mo));
	SAME_TABLE("occurrences", kiscrm_activity_occurrences(&t_, db_, &aq));
	SAME_TABLE("overlaps", kiscrm_activity_overlaps(&t_, db_, &aq));
	SAME_BUF("iCalendar", kiscrm_activity_ical(&b_, db_, &aq, kc_test_time("2026-11-23T00:00:00Z")));
	SAME_TABLE("KPI by department", kiscrm_kpi_score_departments(&t_, db_, scheme, &ro));
	SAME_TABLE("KPI roll-up", kiscrm_kpi_rollup(&t_, db_, scheme, &ro));
	kiscrm_kpi_scheme_free(scheme);
	kiscrm_qual_standards_free(std);
}


/* ---- (c) coverage ------------------------------------------------------------------ */

/* Every report function, called directly as well as by name (the registry walk above):
 * tools/check-bad-input-coverage fails the build's tests when an exported function is
 * neither called in this file nor named in one of these tables. */
typedef int (*report_fn)(kiscrm_table **, kiscrm_db *, const kiscrm_report_options *);
#define REPORT(n) { #n, kiscrm_report_##n }
static const struct {
	const char *name;
	report_fn fn;
} report_fns[] = {
	REPORT(ageing), REPORT(attribution), REPORT(campaign_roi), REPORT(care_compliance),
	REPORT(care_due), REPORT(care_people), REPORT(competitors), REPORT(complaints),
	REPORT(customer_value), REPORT(forecast), REPORT(forecast_accuracy), REPORT(funnel),
	REPORT(funnel_diagnosis), REPORT(gap), REPORT(grid), REPORT(idic),
	REPORT(invalid_opportunities), REPORT(key_projects), REPORT(kpi), REPORT(lifecycle),
	REPORT(lifecycle_movements), REPORT(milestones), REPORT(missing_analysis),
	REPORT(partner_layout), REPORT(partner_results), REPORT(presales_projects),
	REPORT(presales_queue), REPORT(probability), REPORT(qualification),
	REPORT(qualification_assessment), REPORT(receivables), REPORT(registration_conflicts),
	REPORT(registrations), REPORT(registrations_expiring), REPORT(renewal_rate),
	REPORT(rolling_budget), REPORT(rolling_gap), REPORT(rolling_summary), REPORT(satisfaction),
	REPORT(service_catalogue), REPORT(service_renewals), REPORT(service_sla),
	REPORT(snapshot_diff), REPORT(stage_probabilities), REPORT(stage_win_rates), REPORT(stqc),
	REPORT(structure), REPORT(sufficiency), REPORT(swot), REPORT(target_check), REPORT(targets),
	REPORT(top_customers), REPORT(value_movements), REPORT(win_loss), REPORT(win_rate),
	REPORT(work_review), REPORT(year_end),
};

/* The functions that read no stored record (configuration, dates, money, tables, CSV text,
 * versions, errors, record objects in memory, registries): no principal can change what
 * they give, so they have no isolation case. */
#define NOREAD(n) { #n, (void (*)(void))kiscrm_##n }
static const struct {
	const char *name;
	void (*fn)(void);
} no_read[] = {
	NOREAD(version), NOREAD(version_string), NOREAD(schema_version), NOREAD(error_last),
	NOREAD(error_clear), NOREAD(strerror), NOREAD(error_is_retryable), NOREAD(buf_dispose),
	NOREAD(config_activity_type_count), NOREAD(config_activity_type_find),
	NOREAD(config_activity_type_key), NOREAD(config_activity_type_name), NOREAD(config_currency),
	NOREAD(config_currency_decimals), NOREAD(config_dim_count), NOREAD(config_dim_find),
	NOREAD(config_dim_key), NOREAD(config_dim_name), NOREAD(config_dim_strict),
	NOREAD(config_dir), NOREAD(config_fiscal_year_start), NOREAD(config_free),
	NOREAD(config_load), NOREAD(config_load_default), NOREAD(config_pipeline_count),
	NOREAD(config_pipeline_find), NOREAD(config_pipeline_key),
	NOREAD(config_reason_category_count), NOREAD(config_reason_category_find),
	NOREAD(config_reason_category_key), NOREAD(config_reason_category_name),
	NOREAD(config_role_approves_budget), NOREAD(config_role_count), NOREAD(config_role_find),
	NOREAD(config_role_key), NOREAD(config_role_max_contract),
	NOREAD(config_role_max_discount_bp), NOREAD(config_role_max_discount_line_bp),
	NOREAD(config_role_name), NOREAD(config_stage_count), NOREAD(config_stage_exit_count),
	NOREAD(config_stage_exit_field), NOREAD(config_stage_find),
	NOREAD(config_stage_forecast_category), NOREAD(config_stage_key), NOREAD(config_stage_name),
	NOREAD(config_stage_probability), NOREAD(config_stage_terminal), NOREAD(config_week_start),
	NOREAD(csv_reader_field), NOREAD(csv_reader_field_count), NOREAD(csv_reader_free),
	NOREAD(csv_reader_line), NOREAD(csv_reader_new), NOREAD(csv_reader_next),
	NOREAD(csv_write_options_init), NOREAD(csv_write_row), NOREAD(customer_normalize_name),
	NOREAD(date_add_months), NOREAD(date_days_in_month), NOREAD(date_fiscal_quarter),
	NOREAD(date_fiscal_year), NOREAD(date_fiscal_year_start), NOREAD(date_format),
	NOREAD(date_from_ymd), NOREAD(date_iso_week), NOREAD(date_month_start), NOREAD(date_parse),
	NOREAD(date_to_ymd), NOREAD(date_week_start), NOREAD(date_weekday), NOREAD(db_config),
	NOREAD(db_today), NOREAD(db_keep_memory), NOREAD(forecast_options_init), NOREAD(group_parse), NOREAD(kind_field_id),
	NOREAD(kind_field_name), NOREAD(kind_field_ref), NOREAD(kind_field_type), NOREAD(kind_find),
	NOREAD(kpi_metric_at), NOREAD(kpi_metric_count), NOREAD(kpi_metric_find),
	NOREAD(kpi_register_metric), NOREAD(kpi_unregister_metric), NOREAD(kpi_scheme_free),
	NOREAD(kpi_scheme_indicator_count), NOREAD(kpi_scheme_indicator_key),
	NOREAD(kpi_scheme_indicator_weight), NOREAD(kpi_scheme_key), NOREAD(kpi_scheme_load),
	NOREAD(kpi_scheme_load_default), NOREAD(kpi_scheme_load_dir), NOREAD(kpi_scheme_load_text),
	NOREAD(money_format), NOREAD(money_parse), NOREAD(money_scale), NOREAD(money_split),
	NOREAD(period_next), NOREAD(period_start), NOREAD(predict_options_init),
	NOREAD(qual_standard_count), NOREAD(qual_standard_key), NOREAD(qual_standard_load),
	NOREAD(qual_standard_load_dir), NOREAD(qual_standards_free), NOREAD(query_match),
	NOREAD(record_dup), NOREAD(record_kind), NOREAD(record_new), NOREAD(record_set_null),
	NOREAD(record_set_rate), NOREAD(report_options_init), NOREAD(report_description),
	NOREAD(table_add_column), NOREAD(table_add_row), NOREAD(table_column_count),
	NOREAD(table_column_label), NOREAD(table_column_name), NOREAD(table_column_type),
	NOREAD(table_int), NOREAD(table_is_null), NOREAD(table_name), NOREAD(table_new),
	NOREAD(table_note), NOREAD(table_note_count), NOREAD(table_rate), NOREAD(table_row_count),
	NOREAD(table_row_kind), NOREAD(table_set_header_lang), NOREAD(table_set_int),
	NOREAD(table_set_money_decimals), NOREAD(table_set_null), NOREAD(table_set_rate),
	NOREAD(table_set_text), NOREAD(table_write_csv_with), NOREAD(table_write_json),
	NOREAD(table_write_text), NOREAD(target_dims_init), NOREAD(target_metric_is_money),
	NOREAD(target_set_year), NOREAD(target_split_count), NOREAD(target_split_dim_ids),
	NOREAD(target_split_dim_keys), NOREAD(target_split_time), NOREAD(time_date),
	NOREAD(time_format), NOREAD(time_parse), NOREAD(transact_options_init), NOREAD(utf8_validate),
	NOREAD(utf8_width), NOREAD(backend_error), NOREAD(backend_init), NOREAD(import_options_init),
	NOREAD(doc_write_file),
};

/* A meeting pack as P sees it: everything the document holds (through its accessors) and
 * its three renderings, as one text. */
static int pack_dump(kiscrm_buf *b, kiscrm_db *db, const char *name)
{
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	o.as_of = kc_test_day("2026-11-23");
	o.lang = "zh";
	kiscrm_doc *d = NULL;
	int rc = kiscrm_pack(&d, db, name, &o);
	if (rc < 0)
		return rc;
	kiscrm_buf t = KISCRM_BUF_INIT;
	char line[256];
	snprintf(line, sizeof(line), "%s|%s|%zu\n", kiscrm_doc_title(d), kiscrm_doc_subtitle(d),
		 kiscrm_doc_section_count(d));
	kiscrm_csv_write_row(b, (const char *const[]){ line }, 1, NULL);
	for (size_t s = 0; !rc && s < kiscrm_doc_section_count(d); s++) {
		const kiscrm_table *tab = kiscrm_doc_section_table(d, s);
		size_t label = 0, series[KISCRM_CHART_MAX_SERIES], n = 0;
		int as_line[KISCRM_CHART_MAX_SERIES];
		int kind = kiscrm_doc_chart(d, s, &label, series, as_line, &n);
		int fmt = tab && kiscrm_table_column_count(tab) ? kiscrm_doc_column_format(d, s, 0) : 0;
		snprintf(line, sizeof(line), "%s|chart %d %zu %zu|format %d", kiscrm_doc_section_title(d, s), kind, label, n, fmt);
		kiscrm_csv_write_row(b, (const char *const[]){ line }, 1, NULL);
		for (size_t i = 0; i < kiscrm_doc_section_note_count(d, s); i++)
			kiscrm_csv_write_row(b, (const char *const[]){ kiscrm_doc_section_note(d, s, i) }, 1, NULL);
	}
	static const char *const formats[] = { "text", "html", "csv" };
	for (size_t i = 0; !rc && i < 3; i++)
		rc = kiscrm_doc_render(b, d, formats[i]);
	kiscrm_buf_dispose(&t);
	kiscrm_doc_free(d);
	return rc;
}

static void compare_report_functions(kiscrm_db *as_p, kiscrm_db *only_p)
{
	static const char *const packs[] = { "weekly", "monthly", "quarterly" };
	for (size_t i = 0; i < 3; i++)
		SAME_BUF(packs[i], pack_dump(&b_, db_, packs[i]));
	/* one function per report of the registry */
	assert_int_equal(kiscrm_report_count(), sizeof(report_fns) / sizeof(report_fns[0]));
	for (size_t i = 0; i < sizeof(report_fns) / sizeof(report_fns[0]); i++) {
		kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
		o.period = KISCRM_PERIOD_YEAR;
		char what[96];
		snprintf(what, sizeof(what), "kiscrm_report_%s", report_fns[i].name);
		SAME_TABLE(what, report_fns[i].fn(&t_, db_, &o));
	}
	for (size_t i = 0; i < sizeof(no_read) / sizeof(no_read[0]); i++)
		assert_non_null(no_read[i].fn);
}

static void test_partner_sees_its_world_only(void **state)
{
	fixture *f = *state;
	kiscrm_db *as_p = f->db;
	kiscrm_principal p = KISCRM_PRINCIPAL_INIT;
	p.partner_id = f->p.partner;
	p.staff_id = f->p.staff;
	assert_rc(KISCRM_OK, kiscrm_db_set_principal(as_p, &p));

	char dir[] = "/tmp/kiscrm-isolation-XXXXXX";
	assert_non_null(mkdtemp(dir));
	kiscrm_db *only_p = copy_of_view(as_p, dir);
	/* The copy holds P's world and nothing else: counted by hand from build_world(). */
	int64_t n;
	assert_rc(KISCRM_OK, kiscrm_record_count(only_p, KISCRM_KIND_PARTNER, NULL, &n));
	assert_int_equal(1, n);
	assert_rc(KISCRM_OK, kiscrm_record_count(only_p, KISCRM_KIND_CUSTOMER, NULL, &n));
	assert_int_equal(1, n);
	assert_rc(KISCRM_OK, kiscrm_record_count(only_p, KISCRM_KIND_STAGE_HISTORY, NULL, &n));
	assert_int_equal(2, n); /* created, then moved to diagnosis */
	assert_rc(KISCRM_OK, kiscrm_record_count(only_p, KISCRM_KIND_TARGET, NULL, &n));
	assert_int_equal(0, n);
	assert_rc(KISCRM_OK, kiscrm_record_count(only_p, KISCRM_KIND_CAMPAIGN, NULL, &n));
	assert_int_equal(0, n);

	calls_checked = calls_showing_p = calls_failing = 0;
	compare_reports(as_p, only_p, f->p.staff);
	compare_records(as_p, only_p);
	compare_record_reads(as_p, only_p, f);
	compare_report_functions(as_p, only_p);
	print_message("isolation on %s: %d calls compared (%d show P's records, %d are errors), %zu reports, "
		      "%d canaries planted\n", kc_test_backend(), calls_checked, calls_showing_p, calls_failing,
		      kiscrm_report_count(), planted);
	assert_true(calls_showing_p * 5 > calls_checked);
	kiscrm_db_free(only_p);
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(0, system(cmd));
}

/* ---- the write side ------------------------------------------------------------------ */

static void bind(kiscrm_db *db, const world *w)
{
	kiscrm_principal p = KISCRM_PRINCIPAL_INIT;
	p.partner_id = w->partner;
	p.staff_id = w->staff;
	assert_rc(KISCRM_OK, kiscrm_db_set_principal(db, &p));
}

/* A partner's principal writes its own partner's rows only, and what it cannot see is
 * "not found" to its writes as to its reads. */
static void test_partner_writes(void **state)
{
	fixture *f = *state;
	kiscrm_db *db = f->db;
	bind(db, &f->p);
	char s[256];

	/* a new customer is P's without saying so; its contact inherits it */
	kiscrm_id c = add(db, KISCRM_KIND_CUSTOMER, "name=伙伴甲新客户");
	assert_int_equal(f->p.partner, kc_test_stored_int(db, KISCRM_KIND_CUSTOMER, c, KISCRM_CUSTOMER_PARTNER_ID));
	snprintf(s, sizeof(s), "customer_id=%lld|name=王经理", (long long)c);
	kiscrm_id ct = add(db, KISCRM_KIND_CONTACT, s);
	assert_int_equal(f->p.partner, kc_test_stored_int(db, KISCRM_KIND_CONTACT, ct, KISCRM_CONTACT_PARTNER_ID));

	/* Q's customer does not exist for P: not for a new contact, an update or a delete */
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_CONTACT);
	kiscrm_record_set_int(r, KISCRM_CONTACT_CUSTOMER_ID, f->q.customer);
	kiscrm_record_set_text(r, KISCRM_CONTACT_NAME, "探子");
	assert_rc(KISCRM_ENOTFOUND, kiscrm_record_insert(db, r));
	assert_error_clean("insert under Q's customer");
	kiscrm_record_free(r);
	kiscrm_record *mine;
	assert_rc(KISCRM_OK, kiscrm_record_get(&mine, db, KISCRM_KIND_OPPORTUNITY, f->p.opp));
	assert_rc(KISCRM_ENOTFOUND, kiscrm_record_get(&r, db, KISCRM_KIND_OPPORTUNITY, f->q.opp));
	assert_msg_has("does not exist");
	assert_error_clean("get of Q's opportunity");
	kiscrm_record_free(mine);
	assert_rc(KISCRM_ENOTFOUND, kiscrm_record_delete(db, KISCRM_KIND_OPPORTUNITY, f->q.opp, 0));
	assert_error_clean("delete of Q's opportunity");
	assert_rc(KISCRM_ENOTFOUND, kiscrm_record_delete(db, KISCRM_KIND_CUSTOMER, f->q.customer,
							 KISCRM_DELETE_CASCADE));
	assert_error_clean("delete of Q's customer");
	assert_rc(KISCRM_ENOTFOUND, kiscrm_opportunity_move(db, f->q.opp, "diagnosis",
							    kc_test_time("2026-11-23T01:00:00Z"), 0));
	assert_error_clean("move of Q's opportunity");
	/* ... nor does a partner Q to give a record to */
	snprintf(s, sizeof(s), "%lld", (long long)f->q.partner);
	r = kc_test_rec(KISCRM_KIND_LEAD);
	kiscrm_record_set_text(r, KISCRM_LEAD_NAME, "线索");
	kiscrm_record_set_int(r, KISCRM_LEAD_PARTNER_ID, f->q.partner);
	assert_rc(KISCRM_ENOTFOUND, kiscrm_record_insert(db, r));
	kiscrm_record_free(r);

	/* company-internal kinds cannot be written, and ids cannot be chosen (EEXISTS would
	 * tell that an id is taken by a row P cannot see) */
	r = kc_test_rec(KISCRM_KIND_COMPETITOR);
	kiscrm_record_set_text(r, KISCRM_COMPETITOR_NAME, "对手");
	assert_rc(KISCRM_EINVALID, kiscrm_record_insert(db, r));
	assert_msg_has("belong to the company");
	kiscrm_record_free(r);
	snprintf(s, sizeof(s), "id,name\n%lld,指定编号\n", (long long)f->q.customer);
	size_t n = 0;
	kiscrm_table *errors = NULL;
	kiscrm_import_options io;
	assert_rc(KISCRM_OK, kiscrm_import_options_init(&io, KISCRM_IMPORT_OPTIONS_VERSION));
	io.flags = KISCRM_IMPORT_KEEP_IDS;
	assert_int_not_equal(KISCRM_OK, kiscrm_csv_import_data(&n, &errors, db, KISCRM_KIND_CUSTOMER, s, strlen(s),
								"ids.csv", &io));
	assert_int_equal(0, n);
	assert_non_null(errors);
	assert_non_null(strstr(kiscrm_table_text(errors, 0, kiscrm_table_column_index(errors, "reason")),
			       "cannot choose ids"));
	kiscrm_table_free(errors);

	/* P's own records change as usual; deleting its customer removes its world only */
	assert_rc(KISCRM_OK, kiscrm_opportunity_move(db, f->p.opp, "design",
						     kc_test_time("2026-11-23T01:00:00Z"), 0));
	assert_rc(KISCRM_OK, kiscrm_record_delete(db, KISCRM_KIND_CUSTOMER, c, KISCRM_DELETE_CASCADE));
	assert_int_equal(0, kc_test_exists(db, KISCRM_KIND_CONTACT, ct));

	/* bound for good: no second principal, no other actor */
	kiscrm_principal again = KISCRM_PRINCIPAL_INIT;
	assert_rc(KISCRM_EINVALID, kiscrm_db_set_principal(db, &again));
	assert_rc(KISCRM_EINVALID, kiscrm_db_set_actor(db, f->company.staff));
	assert_rc(KISCRM_OK, kiscrm_db_set_actor(db, f->p.staff));
	kiscrm_principal got;
	assert_rc(KISCRM_OK, kiscrm_db_principal(db, &got));
	assert_int_equal(f->p.partner, got.partner_id);
	assert_int_equal(f->p.staff, got.staff_id);
	assert_string_equal("sales_rep", got.role); /* the staff record's */
}

/* Records inherit their partner from the parent they are written under, whoever writes. */
static void test_partner_inherited(void **state)
{
	fixture *f = *state;
	kiscrm_db *db = f->db;
	/* the history rows of P's opportunity and Q's are their partners' */
	assert_int_equal(f->p.partner, kc_test_stored_int(db, KISCRM_KIND_OPPORTUNITY, f->p.opp,
							  KISCRM_OPPORTUNITY_PARTNER_ID));
	assert_int_equal(f->p.partner, kc_test_stored_int(db, KISCRM_KIND_STAFF, f->p.staff, KISCRM_STAFF_PARTNER_ID));
	assert_int_equal(-1, kc_test_stored_int(db, KISCRM_KIND_STAFF, f->company.staff, KISCRM_STAFF_PARTNER_ID));
	kiscrm_filter flt;
	assert_rc(KISCRM_OK, kiscrm_filter_init(&flt, KISCRM_FILTER_VERSION));
	/* an opportunity of P's customer given to Q: refused, naming the field */
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_OPPORTUNITY);
	kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_NAME, "错配");
	kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_CUSTOMER_ID, f->p.customer);
	kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_OWNER_ID, f->p.staff);
	kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_STAGE, "opportunity");
	kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_PARTNER_ID, f->q.partner);
	assert_rc(KISCRM_EINVALID, kiscrm_record_insert(db, r));
	assert_string_equal("partner_id", kiscrm_error_last()->field);
	assert_msg_has("is not the partner of its customer_id");
	kiscrm_record_free(r);
}

/* Who may be a principal: a partner and a person that exist and belong together. */
static void test_principal_checks(void **state)
{
	fixture *f = *state;
	kiscrm_principal p = KISCRM_PRINCIPAL_INIT;
	p.partner_id = f->p.partner;
	p.staff_id = f->company.staff; /* the company's person as partner P */
	assert_rc(KISCRM_EINVALID, kiscrm_db_set_principal(f->db, &p));
	assert_msg_has("works for the company");
	p.partner_id = 0;
	p.staff_id = f->p.staff; /* P's person as the company */
	assert_rc(KISCRM_EINVALID, kiscrm_db_set_principal(f->db, &p));
	assert_msg_has("works for partner");
	p.partner_id = 4242;
	p.staff_id = 0;
	assert_rc(KISCRM_ENOTFOUND, kiscrm_db_set_principal(f->db, &p));
	assert_string_equal("partner_id", kiscrm_error_last()->field);
	/* nothing was bound by the failures: the company still sees Q */
	assert_int_equal(1, kc_test_exists(f->db, KISCRM_KIND_CUSTOMER, f->q.customer));
	/* a company principal sees everything and names the actor and role */
	p.partner_id = 0;
	p.staff_id = f->company.staff;
	p.role = "general_manager";
	assert_rc(KISCRM_OK, kiscrm_db_set_principal(f->db, &p));
	assert_int_equal(1, kc_test_exists(f->db, KISCRM_KIND_CUSTOMER, f->q.customer));
	kiscrm_principal got;
	assert_rc(KISCRM_OK, kiscrm_db_principal(f->db, &got));
	assert_string_equal("general_manager", got.role);
}


/* Everything the backend holds that is not partner P's, as text: read behind the core's
 * back, so no principal filters it. */
typedef struct dump {
	kiscrm_buf text;
	const kiscrm_kind_def *def;
	kiscrm_id skip_partner;
} dump;

static int dump_row(void *payload, const kiscrm_value *row)
{
	dump *d = payload;
	const kiscrm_kind_def *def = d->def;
	for (int i = 0; i < def->nfields; i++) {
		int mine = strcmp(def->fields[i].name, "partner_id") == 0 ||
			   (def->kind == KISCRM_KIND_PARTNER && i == 0);
		if (mine && row[i].type == KISCRM_TYPE_INT && row[i].u.i == d->skip_partner)
			return 0; /* P's own row: P may change it */
	}
	char cell[64];
	for (int i = 0; i < def->nfields; i++) {
		const kiscrm_value *v = &row[i];
		const char *text = cell;
		if (v->type == KISCRM_TYPE_NULL)
			text = "";
		else if (v->type == KISCRM_TYPE_TEXT)
			text = v->u.s;
		else if (v->type == KISCRM_TYPE_RATE)
			snprintf(cell, sizeof(cell), "%.6f", v->u.r);
		else
			snprintf(cell, sizeof(cell), "%lld", (long long)v->u.i);
		size_t n = strlen(text), need = d->text.size + n + 2;
		if (need > d->text.asize) {
			char *grown = realloc(d->text.ptr, need * 2);
			assert_non_null(grown);
			d->text.ptr = grown;
			d->text.asize = need * 2;
		}
		memcpy(d->text.ptr + d->text.size, text, n);
		d->text.size += n;
		d->text.ptr[d->text.size++] = i + 1 < def->nfields ? '|' : '\n';
		d->text.ptr[d->text.size] = '\0';
	}
	return 0;
}

static char *dump_foreign(const fixture *f)
{
	dump d = { { NULL, 0, 0 }, NULL, f->p.partner };
	for (int k = 0; k < caught_schema->nkinds; k++) {
		d.def = caught_schema->kinds[k];
		assert_rc(KISCRM_OK, f->backend->scan(f->backend, d.def, NULL, dump_row, &d));
	}
	return d.text.ptr;
}

static int delete_q_customer(kiscrm_db *db, void *payload)
{
	const fixture *f = payload;
	return kiscrm_record_delete(db, KISCRM_KIND_CUSTOMER, f->q.customer, KISCRM_DELETE_CASCADE);
}

/* Every writing function, called by P on what is not P's, changes nothing that is not P's:
 * the foreign ids are "not found", the company's kinds refused, and the functions that
 * work on all records the principal sees (predictions, presales assignment) leave the
 * rest alone. The backend's rows other than P's are the same bytes before and after. */
static void test_partner_cannot_write_foreign(void **state)
{
	fixture *f = *state;
	kiscrm_db *db = f->db;
	kiscrm_record *q_contact = kc_test_get(db, KISCRM_KIND_CONTACT, f->q.contact);
	char *before = dump_foreign(f);
	bind(db, &f->p);
	kiscrm_time at = kc_test_time("2026-11-23T03:00:00Z");
	kiscrm_date due[1] = { kc_test_day("2026-12-31") };
	kiscrm_money amounts[1] = { 100 };
	kiscrm_id out;
	size_t n;
#define NOT_FOUND(call)                                                                      \
	do {                                                                                 \
		assert_rc(KISCRM_ENOTFOUND, call);                                           \
		assert_error_clean(#call);                                                   \
	} while (0)
	kiscrm_record_set_text(q_contact, KISCRM_CONTACT_NAME, "改名");
	NOT_FOUND(kiscrm_record_update(db, q_contact));
	NOT_FOUND(kiscrm_customer_merge(db, f->p.customer, f->q.customer));
	NOT_FOUND(kiscrm_customer_merge(db, f->q.customer, f->p.customer));
	NOT_FOUND(kiscrm_lead_qualify(&out, db, f->q.lead, 0, at));
	NOT_FOUND(kiscrm_stage_history_append(db, f->q.opp, "diagnosis", "design", at, 0));
	NOT_FOUND(kiscrm_opportunity_set_probability(db, f->q.opp, 50));
	NOT_FOUND(kiscrm_service_request_reopen(db, f->q.request, at, 0));
	NOT_FOUND(kiscrm_contract_plan_instalments(db, f->q.contract, due, amounts, 1, KISCRM_PLAN_ALLOW_LESS));
	NOT_FOUND(kiscrm_opportunity_plan_instalments(db, f->q.opp, due, amounts, 1, KISCRM_PLAN_ALLOW_LESS));
	NOT_FOUND(kiscrm_customer_attr_set(db, f->q.customer, "tax_id", "改"));
	NOT_FOUND(kiscrm_record_delete(db, KISCRM_KIND_CONTRACT, f->company.contract, KISCRM_DELETE_CASCADE));
	NOT_FOUND(kiscrm_db_transact(db, delete_q_customer, f, NULL));
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_CONTACT);
	kiscrm_record_set_int(r, KISCRM_CONTACT_CUSTOMER_ID, f->company.customer);
	kiscrm_record_set_text(r, KISCRM_CONTACT_NAME, "探子");
	NOT_FOUND(kiscrm_record_insert_flags(db, r, KISCRM_INSERT_RAW));
	kiscrm_record_free(r);
	{ /* the same as a batch of columns */
		int64_t cust[1] = { f->company.customer };
		static const char *const name[1] = { "探子" };
		kiscrm_column c[2] = { { KISCRM_CONTACT_CUSTOMER_ID, cust, NULL, NULL, NULL },
				       { KISCRM_CONTACT_NAME, NULL, NULL, name, NULL } };
		NOT_FOUND(kiscrm_record_insert_columns(db, KISCRM_KIND_CONTACT, c, 2, 1, 0, NULL));
	}
	/* an import naming a foreign customer: every row refused, nothing written */
	char path[] = "/tmp/kiscrm-isolation-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	char csv[128];
	int len = snprintf(csv, sizeof(csv), "customer_id,name\n%lld,探子\n", (long long)f->q.customer);
	assert_int_equal(len, write(fd, csv, (size_t)len));
	close(fd);
	kiscrm_table *errors = NULL;
	assert_int_not_equal(KISCRM_OK, kiscrm_csv_import(&n, &errors, db, KISCRM_KIND_CONTACT, path, NULL));
	kiscrm_table_free(errors);
	/* the company's kinds: refused */
	assert_rc(KISCRM_EINVALID, kiscrm_budget_snapshot(&out, db, kc_test_day(KC_TEST_TODAY)));
	assert_rc(KISCRM_EINVALID, kiscrm_customer_value_classify(db, NULL, &n));
	/* quotes and approvals are the company's: P finds none, nor the company's contract */
	NOT_FOUND(kiscrm_contract_submit(NULL, db, f->company.contract, 1));
	NOT_FOUND(kiscrm_quote_submit(NULL, db, 1, 1));
	NOT_FOUND(kiscrm_approval_decide(db, 1, "approved", NULL, NULL, 1));
	/* the functions over everything P sees run, on P's records only */
	assert_rc(KISCRM_OK, kiscrm_predict_apply(&n, db, NULL));
	assert_rc(KISCRM_OK, kiscrm_presales_assign(db, &n));
	/* an export file of P's view carries no canary */
	assert_rc(KISCRM_OK, kiscrm_csv_export_file(db, KISCRM_KIND_CUSTOMER, path, NULL, NULL));
	FILE *fp = fopen(path, "rb");
	char text[4096] = "";
	size_t got = fread(text, 1, sizeof(text) - 1, fp);
	fclose(fp);
	text[got] = '\0';
	assert_non_null(strstr(text, "伙伴甲科技有限公司"));
	assert_no_canary("export file", text);
	unlink(path);
	/* and a transaction as P: begin, a refused write, rollback, commit of nothing */
	assert_rc(KISCRM_OK, kiscrm_db_begin(db));
	assert_rc(KISCRM_ENOTFOUND, kiscrm_record_delete(db, KISCRM_KIND_LEAD, f->q.lead, 0));
	assert_rc(KISCRM_OK, kiscrm_db_rollback(db));
	assert_rc(KISCRM_OK, kiscrm_db_begin(db));
	assert_rc(KISCRM_OK, kiscrm_db_commit(db));

	char *after = dump_foreign(f);
	assert_string_equal(before, after);
	free(before);
	free(after);
	kiscrm_record_free(q_contact);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_partner_sees_its_world_only, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_partner_writes, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_partner_cannot_write_foreign, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_partner_inherited, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_principal_checks, setup, kc_test_fx_teardown),
	};
	return kc_test_run_both(tests);
}
