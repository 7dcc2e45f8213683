/* Backend conformance: every case is written once against the vtable and run against each
 * backend (memory, SQLite in memory, SQLite on a file, and PostgreSQL in a fresh schema
 * per test when KISCRM_TEST_PG is set). A group setup picks the backend;
 * each test gets a fresh, opened backend from its own setup. A few cases at the end are
 * specific to the in-memory backend and run in its group only. */
#include "helpers.h"
#include "failing_backend.h"
#include "kiscrm/sys/backend.h"
#include "backends/postgres/postgres.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- the test schema: two kinds covering every stored type and an indexed field ---- */

enum { K_ACCOUNT = 1, K_DEAL = 2 };
enum { A_ID, A_NAME, A_REGION, A_EMPLOYEES, A_NFIELDS };
enum { D_ID, D_ACCOUNT, D_TITLE, D_AMOUNT, D_CLOSE, D_PROB, D_NOTE, D_NFIELDS };

static const kiscrm_field_def account_fields[] = {
	{ "id", KISCRM_TYPE_INT, 0, 0 },
	{ "name", KISCRM_TYPE_TEXT, KISCRM_FIELD_INDEXED | KISCRM_FIELD_REQUIRED, 0 },
	{ "region", KISCRM_TYPE_TEXT, 0, 0 },
	{ "employees", KISCRM_TYPE_INT, 0, 0 },
};

static const kiscrm_field_def deal_fields[] = {
	{ "id", KISCRM_TYPE_INT, 0, 0 },
	{ "account_id", KISCRM_TYPE_INT, KISCRM_FIELD_INDEXED, K_ACCOUNT },
	{ "title", KISCRM_TYPE_TEXT, 0, 0 },
	{ "amount", KISCRM_TYPE_MONEY, 0, 0 },
	{ "close_date", KISCRM_TYPE_DATE, 0, 0 },
	{ "probability", KISCRM_TYPE_RATE, 0, 0 },
	{ "note", KISCRM_TYPE_TEXT, 0, 0 },
};

static const kiscrm_kind_def account_kind = { K_ACCOUNT, "bt_account", A_NFIELDS, account_fields };
static const kiscrm_kind_def deal_kind = { K_DEAL, "bt_deal", D_NFIELDS, deal_fields };
static const kiscrm_kind_def *const test_kinds[] = { &account_kind, &deal_kind };
static const kiscrm_schema test_schema = { 1, 2, test_kinds };

/* ---- backend choice (group) and fixture (test) ---- */

enum backend_choice { BK_MEMORY, BK_SQLITE_MEM, BK_SQLITE_FILE, BK_POSTGRES };
static enum backend_choice g_choice;

typedef struct fixture {
	kiscrm_backend *b;
	char path[256]; /* database file of BK_SQLITE_FILE, else empty */
	char conn[1024]; /* connection string of BK_POSTGRES (its own schema), else empty */
} fixture;

static int new_backend(kiscrm_backend **out, const fixture *f)
{
	switch (g_choice) {
	case BK_MEMORY:
		return kiscrm_backend_memory_new(out);
	case BK_SQLITE_MEM:
		return kiscrm_backend_sqlite_new(out, NULL, 0);
	case BK_POSTGRES:
		return kc_backend_postgres_new(out, f->conn);
	default:
		return kiscrm_backend_sqlite_new(out, f->path, 0);
	}
}

static void remove_db_files(const char *path)
{
	char side[300];

	unlink(path);
	snprintf(side, sizeof(side), "%s-journal", path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", path);
	unlink(side);
}

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	if (g_choice == BK_SQLITE_FILE) {
		const char *tmp = getenv("TMPDIR");
		int fd;

		snprintf(f->path, sizeof(f->path), "%s/kiscrm-backend-XXXXXX",
			 tmp && *tmp ? tmp : "/tmp");
		fd = mkstemp(f->path);
		if (fd < 0) {
			free(f);
			return -1;
		}
		close(fd);
	}
	if (g_choice == BK_POSTGRES && kc_test_pg_fresh(f->conn, sizeof(f->conn)) != 0) {
		free(f);
		return -1;
	}
	if (new_backend(&f->b, f) != KISCRM_OK || f->b->open(f->b, &test_schema) != KISCRM_OK) {
		print_error("backend setup failed: %s\n", kiscrm_error_last()->message);
		if (f->b)
			f->b->free(f->b);
		if (f->path[0])
			remove_db_files(f->path);
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;

	if (f->b)
		f->b->free(f->b);
	if (f->path[0])
		remove_db_files(f->path);
	free(f);
	return 0;
}

static kiscrm_backend *B(void **state)
{
	return ((fixture *)*state)->b;
}

/* ---- values, row snapshots, id lists ---- */

static kiscrm_value vnull(void)
{
	kiscrm_value v;
	memset(&v, 0, sizeof(v));
	v.type = KISCRM_TYPE_NULL;
	return v;
}

static kiscrm_value vint(int type, int64_t i)
{
	kiscrm_value v = vnull();
	v.type = type;
	v.u.i = i;
	return v;
}

static kiscrm_value vtext(const char *s)
{
	kiscrm_value v = vnull();
	v.type = KISCRM_TYPE_TEXT;
	v.u.s = s;
	return v;
}

static kiscrm_value vrate(double r)
{
	kiscrm_value v = vnull();
	v.type = KISCRM_TYPE_RATE;
	v.u.r = r;
	return v;
}

#define INT(i) vint(KISCRM_TYPE_INT, (i))
#define MONEY(i) vint(KISCRM_TYPE_MONEY, (i))
#define DATE(i) vint(KISCRM_TYPE_DATE, (i))
#define NUL vnull()

#define MAXF 8

/* A deep copy of a row handed to a callback (the row itself is only borrowed). */
typedef struct snap {
	int n;
	int calls;
	kiscrm_value v[MAXF];
	char *s[MAXF];
} snap;

static void snap_clear(snap *s)
{
	for (int i = 0; i < MAXF; i++)
		free(s->s[i]);
	memset(s, 0, sizeof(*s));
}

/* Copies the first s->n values (the kind's width, preset by fetch). */
static int copy_cb(void *payload, const kiscrm_value *row)
{
	snap *s = payload;

	s->calls++;
	for (int i = 0; i < s->n; i++) {
		free(s->s[i]);
		s->s[i] = NULL;
		s->v[i] = row[i];
		if (row[i].type == KISCRM_TYPE_TEXT) {
			s->s[i] = strdup(row[i].u.s);
			s->v[i].u.s = s->s[i];
		}
	}
	return 0;
}

/* Fetches row id of kind into s (s->n set to the kind's width); returns the rc of get. */
static int fetch(kiscrm_backend *b, const kiscrm_kind_def *k, kiscrm_id id, snap *s)
{
	snap_clear(s);
	s->n = k->nfields;
	return b->get(b, k, id, copy_cb, s);
}

static void assert_value_eq(const kiscrm_value *want, const kiscrm_value *got, int field)
{
	if (want->type != got->type) {
		print_error("field %d: type %d, expected %d\n", field, got->type, want->type);
		fail();
	}
	switch (want->type) {
	case KISCRM_TYPE_NULL:
		break;
	case KISCRM_TYPE_TEXT:
		/* byte-exact, length included */
		assert_int_equal(strlen(want->u.s), strlen(got->u.s));
		assert_memory_equal(want->u.s, got->u.s, strlen(want->u.s));
		break;
	case KISCRM_TYPE_RATE:
		assert_true(want->u.r == got->u.r);
		break;
	default:
		assert_true(want->u.i == got->u.i);
		break;
	}
}

/* Asserts that row id of kind holds exactly want[] (want[0] may be NULL: id is checked). */
static void assert_row(kiscrm_backend *b, const kiscrm_kind_def *k, kiscrm_id id,
		       const kiscrm_value *want)
{
	snap s = { 0 };

	assert_rc(KISCRM_OK, fetch(b, k, id, &s));
	assert_int_equal(s.calls, 1);
	assert_int_equal(s.v[0].type, KISCRM_TYPE_INT);
	assert_true(s.v[0].u.i == id);
	for (int i = 1; i < k->nfields; i++)
		assert_value_eq(&want[i], &s.v[i], i);
	snap_clear(&s);
}

static void assert_absent(kiscrm_backend *b, const kiscrm_kind_def *k, kiscrm_id id)
{
	snap s = { 0 };

	assert_rc(KISCRM_ENOTFOUND, fetch(b, k, id, &s));
	assert_int_equal(s.calls, 0);
	snap_clear(&s);
}

typedef struct idlist {
	kiscrm_id ids[256];
	int n;
	int stop_at; /* stop after this many rows with stop_rc (0: never) */
	int stop_rc;
} idlist;

static int id_cb(void *payload, const kiscrm_value *row)
{
	idlist *l = payload;

	if (l->n < 256)
		l->ids[l->n] = row[0].u.i;
	l->n++;
	if (l->stop_at && l->n == l->stop_at)
		return l->stop_rc;
	return 0;
}

/* Scans with the given conditions and checks the ids (in order) and the count slot. */
static void expect_ids(kiscrm_backend *b, const kiscrm_kind_def *k, const kiscrm_cond *conds,
		       int ncond, const kiscrm_id *want, int nwant)
{
	kiscrm_query q = { ncond, conds, 0 };
	idlist l = { { 0 }, 0, 0, 0 };
	int64_t count = -1;

	assert_rc(KISCRM_OK, b->scan(b, k, &q, id_cb, &l));
	if (l.n != nwant) {
		print_error("scan gave %d rows, expected %d\n", l.n, nwant);
		fail();
	}
	for (int i = 0; i < nwant; i++)
		assert_true(l.ids[i] == want[i]);
	if (b->count) {
		assert_rc(KISCRM_OK, b->count(b, k, &q, &count));
		assert_true(count == nwant);
	}
}

static kiscrm_cond cond(int field, int op, kiscrm_value v)
{
	kiscrm_cond c;
	memset(&c, 0, sizeof(c));
	c.field = field;
	c.op = op;
	c.value = v;
	return c;
}

static kiscrm_id put(kiscrm_backend *b, const kiscrm_kind_def *k, const kiscrm_value *row)
{
	kiscrm_id id = -1;

	assert_rc(KISCRM_OK, b->insert(b, k, row, &id));
	return id;
}

static kiscrm_id put_account(kiscrm_backend *b, kiscrm_id id, const char *name,
			     const char *region, int64_t employees)
{
	kiscrm_value row[A_NFIELDS] = {
		id ? INT(id) : NUL, vtext(name), region ? vtext(region) : NUL,
		employees >= 0 ? INT(employees) : NUL,
	};
	return put(b, &account_kind, row);
}

static int64_t scan_count(kiscrm_backend *b, const kiscrm_kind_def *k)
{
	idlist l = { { 0 }, 0, 0, 0 };

	assert_rc(KISCRM_OK, b->scan(b, k, NULL, id_cb, &l));
	return l.n;
}

/* ---- conformance cases ---- */

static void test_insert_get(void **state)
{
	kiscrm_backend *b = B(state);
	kiscrm_value row[D_NFIELDS] = {
		NUL, INT(7), vtext("华东区 ERP 升级"), MONEY(12345678), DATE(19723),
		vrate(0.625), NUL,
	};
	kiscrm_id id = -1;

	assert_rc(KISCRM_OK, b->insert(b, &deal_kind, row, &id));
	assert_true(id == 1); /* first id of an empty kind */
	assert_row(b, &deal_kind, 1, row);

	/* id 0 also means "assign one" */
	row[0] = INT(0);
	row[2] = vtext("second");
	assert_rc(KISCRM_OK, b->insert(b, &deal_kind, row, &id));
	assert_true(id == 2);
	assert_row(b, &deal_kind, 2, row);
	assert_row(b, &deal_kind, 1, (kiscrm_value[D_NFIELDS]){
		NUL, INT(7), vtext("华东区 ERP 升级"), MONEY(12345678), DATE(19723),
		vrate(0.625), NUL });

	/* out_id may be NULL */
	assert_rc(KISCRM_OK, b->insert(b, &deal_kind, row, NULL));
	assert_row(b, &deal_kind, 3, row);
}

static void test_kinds_independent(void **state)
{
	kiscrm_backend *b = B(state);
	kiscrm_value deal[D_NFIELDS] = { NUL, NUL, NUL, NUL, NUL, NUL, NUL };

	/* each kind has its own id sequence and rows */
	assert_true(put_account(b, 0, "甲", NULL, -1) == 1);
	assert_true(put_account(b, 0, "乙", NULL, -1) == 2);
	assert_true(put(b, &deal_kind, deal) == 1);
	assert_int_equal(scan_count(b, &account_kind), 2);
	assert_int_equal(scan_count(b, &deal_kind), 1);
	assert_absent(b, &deal_kind, 2);
}

static void test_all_null_row(void **state)
{
	kiscrm_backend *b = B(state);
	kiscrm_value deal[D_NFIELDS] = { NUL, NUL, NUL, NUL, NUL, NUL, NUL };

	assert_true(put(b, &deal_kind, deal) == 1);
	assert_row(b, &deal_kind, 1, deal);
}

static void test_update(void **state)
{
	kiscrm_backend *b = B(state);
	kiscrm_value row[A_NFIELDS] = { INT(1), vtext("新名字 🚀"), NUL, INT(250) };

	assert_true(put_account(b, 0, "旧名字", "华北", 10) == 1);
	assert_true(put_account(b, 0, "other", "华南", 20) == 2);
	assert_rc(KISCRM_OK, b->update(b, &account_kind, row));
	assert_row(b, &account_kind, 1, row);
	/* the neighbour is untouched */
	assert_row(b, &account_kind, 2, (kiscrm_value[A_NFIELDS]){
		NUL, vtext("other"), vtext("华南"), INT(20) });
	/* an update never adds a row */
	assert_int_equal(scan_count(b, &account_kind), 2);

	row[0] = INT(99);
	assert_rc(KISCRM_ENOTFOUND, b->update(b, &account_kind, row));
	assert_absent(b, &account_kind, 99);
}

static void test_remove(void **state)
{
	kiscrm_backend *b = B(state);

	put_account(b, 0, "a", NULL, -1);
	put_account(b, 0, "b", NULL, -1);
	put_account(b, 0, "c", NULL, -1);
	assert_rc(KISCRM_OK, b->remove(b, &account_kind, 2));
	assert_absent(b, &account_kind, 2);
	assert_rc(KISCRM_ENOTFOUND, b->remove(b, &account_kind, 2));
	expect_ids(b, &account_kind, NULL, 0, (kiscrm_id[]){ 1, 3 }, 2);
}

static void test_not_found(void **state)
{
	kiscrm_backend *b = B(state);
	kiscrm_value row[A_NFIELDS] = { INT(5), vtext("x"), NUL, NUL };

	/* empty kind */
	assert_absent(b, &account_kind, 1);
	assert_rc(KISCRM_ENOTFOUND, b->remove(b, &account_kind, 1));
	assert_rc(KISCRM_ENOTFOUND, b->update(b, &account_kind, row));
	put_account(b, 0, "only", NULL, -1);
	/* ids that can never exist, and one far beyond the last */
	assert_absent(b, &account_kind, 0);
	assert_absent(b, &account_kind, -1);
	assert_absent(b, &account_kind, 2);
	assert_absent(b, &account_kind, INT64_MAX);
	assert_rc(KISCRM_ENOTFOUND, b->remove(b, &account_kind, 1000000));
	assert_int_equal(kiscrm_error_last()->code, KISCRM_ENOTFOUND);
}

static void test_explicit_ids(void **state)
{
	kiscrm_backend *b = B(state);
	kiscrm_value row[A_NFIELDS] = { INT(10), vtext("ten"), NUL, NUL };
	kiscrm_id id = -1;

	assert_rc(KISCRM_OK, b->insert(b, &account_kind, row, &id));
	assert_true(id == 10);
	/* taken: refused, and the stored row is unchanged */
	row[1] = vtext("imposter");
	assert_rc(KISCRM_EEXISTS, b->insert(b, &account_kind, row, &id));
	assert_row(b, &account_kind, 10, (kiscrm_value[A_NFIELDS]){ NUL, vtext("ten"), NUL, NUL });
	/* next assigned id follows the largest used: 10 + 1 */
	assert_true(put_account(b, 0, "auto", NULL, -1) == 11);
	/* a lower free id may be given explicitly; it does not move the counter back */
	assert_true(put_account(b, 5, "five", NULL, -1) == 5);
	assert_true(put_account(b, 0, "auto2", NULL, -1) == 12);
	expect_ids(b, &account_kind, NULL, 0, (kiscrm_id[]){ 5, 10, 11, 12 }, 4);
}

static void test_ids_never_reused(void **state)
{
	kiscrm_backend *b = B(state);

	assert_true(put_account(b, 0, "a", NULL, -1) == 1);
	assert_true(put_account(b, 0, "b", NULL, -1) == 2);
	assert_true(put_account(b, 0, "c", NULL, -1) == 3);
	/* removing the largest id does not free it */
	assert_rc(KISCRM_OK, b->remove(b, &account_kind, 3));
	assert_true(put_account(b, 0, "d", NULL, -1) == 4);
	/* nor does emptying the kind */
	for (kiscrm_id i = 1; i <= 4; i++)
		if (i != 3)
			assert_rc(KISCRM_OK, b->remove(b, &account_kind, i));
	assert_int_equal(scan_count(b, &account_kind), 0);
	assert_true(put_account(b, 0, "e", NULL, -1) == 5);
	/* an explicit id that was later removed still counts as used: 100 + 1 */
	assert_true(put_account(b, 100, "hundred", NULL, -1) == 100);
	assert_rc(KISCRM_OK, b->remove(b, &account_kind, 100));
	assert_true(put_account(b, 0, "f", NULL, -1) == 101);
}

/* Six deals covering NULLs, negatives, Chinese text and emoji (see the table below). */
static void load_deals(kiscrm_backend *b)
{
	/*  id acct title            amount  close  prob   note
	 *  1  1    华东区 软件升级  100000  19000  0.5    NULL
	 *  2  1    华北区 新购      250000  19010  0.25   紧急
	 *  3  2    Renewal 🚀       -5000   18990  0.75   ""
	 *  4  2    华东区 续费      100000  19020  NULL   O'Brien
	 *  5  NULL Trial            NULL    NULL   0.125  NULL
	 *  6  3    华南区           0       -1     1.0    华东区 */
	const kiscrm_value rows[6][D_NFIELDS] = {
		{ NUL, INT(1), vtext("华东区 软件升级"), MONEY(100000), DATE(19000), vrate(0.5), NUL },
		{ NUL, INT(1), vtext("华北区 新购"), MONEY(250000), DATE(19010), vrate(0.25),
		  vtext("紧急") },
		{ NUL, INT(2), vtext("Renewal 🚀"), MONEY(-5000), DATE(18990), vrate(0.75),
		  vtext("") },
		{ NUL, INT(2), vtext("华东区 续费"), MONEY(100000), DATE(19020), NUL,
		  vtext("O'Brien") },
		{ NUL, NUL, vtext("Trial"), NUL, NUL, vrate(0.125), NUL },
		{ NUL, INT(3), vtext("华南区"), MONEY(0), DATE(-1), vrate(1.0), vtext("华东区") },
	};

	for (int i = 0; i < 6; i++)
		assert_true(put(b, &deal_kind, rows[i]) == i + 1);
}

#define IDS(...) (kiscrm_id[]){ __VA_ARGS__ }, (int)(sizeof((kiscrm_id[]){ __VA_ARGS__ }) / sizeof(kiscrm_id))
#define ONE(f, op, v) (kiscrm_cond[]){ cond((f), (op), (v)) }, 1

static void test_query_eq_ne(void **state)
{
	kiscrm_backend *b = B(state);

	load_deals(b);
	expect_ids(b, &deal_kind, ONE(D_ACCOUNT, KISCRM_OP_EQ, INT(1)), IDS(1, 2));
	expect_ids(b, &deal_kind, ONE(D_ACCOUNT, KISCRM_OP_EQ, INT(4)), NULL, 0);
	/* EQ NULL is IS NULL */
	expect_ids(b, &deal_kind, ONE(D_ACCOUNT, KISCRM_OP_EQ, NUL), IDS(5));
	expect_ids(b, &deal_kind, ONE(D_NOTE, KISCRM_OP_EQ, NUL), IDS(1, 5));
	/* the empty string is not NULL */
	expect_ids(b, &deal_kind, ONE(D_NOTE, KISCRM_OP_EQ, vtext("")), IDS(3));
	expect_ids(b, &deal_kind, ONE(D_TITLE, KISCRM_OP_EQ, vtext("Trial")), IDS(5));
	expect_ids(b, &deal_kind, ONE(D_NOTE, KISCRM_OP_EQ, vtext("O'Brien")), IDS(4));
	expect_ids(b, &deal_kind, ONE(D_PROB, KISCRM_OP_EQ, vrate(0.125)), IDS(5));
	expect_ids(b, &deal_kind, ONE(D_AMOUNT, KISCRM_OP_EQ, MONEY(100000)), IDS(1, 4));
	expect_ids(b, &deal_kind, ONE(D_CLOSE, KISCRM_OP_EQ, DATE(-1)), IDS(6));
	expect_ids(b, &deal_kind, ONE(D_ID, KISCRM_OP_EQ, INT(3)), IDS(3));
	/* NE: a NULL field never matches (5 has no account) */
	expect_ids(b, &deal_kind, ONE(D_ACCOUNT, KISCRM_OP_NE, INT(1)), IDS(3, 4, 6));
	/* NE NULL is IS NOT NULL */
	expect_ids(b, &deal_kind, ONE(D_ACCOUNT, KISCRM_OP_NE, NUL), IDS(1, 2, 3, 4, 6));
	expect_ids(b, &deal_kind, ONE(D_NOTE, KISCRM_OP_NE, vtext("紧急")), IDS(3, 4, 6));
}

/* Ranges on an indexed field, narrow and wide: the SQLite backend serves a narrow range
 * from the index and a wide one (over a twelfth of the rows) by a scan in id order;
 * either way the rows are the same and come in id order. Deal i (1..60) has account
 * (7i mod 60) + 1, so id order and index order differ. */
static void test_query_index_ranges(void **state)
{
	kiscrm_backend *b = B(state);
	for (int i = 1; i <= 60; i++) {
		kiscrm_value row[D_NFIELDS] = { NUL, INT((7 * i) % 60 + 1), vtext("d"), NUL, NUL, NUL, NUL };
		assert_true(put(b, &deal_kind, row) == i);
	}
	/* accounts 10 and 11: 7i ≡ 9 and 10 (mod 60), i = 27 and 10 (7⁻¹ ≡ 43) */
	kiscrm_cond narrow[2] = { cond(D_ACCOUNT, KISCRM_OP_GE, INT(10)), cond(D_ACCOUNT, KISCRM_OP_LT, INT(12)) };
	expect_ids(b, &deal_kind, narrow, 2, IDS(10, 27));
	/* accounts 5..54: all but 7i mod 60 in {0..3, 54..59}, i.e. i in
	 * {60, 43, 26, 9, 42, 25, 8, 51, 34, 17} */
	static const kiscrm_id left_out[] = { 8, 9, 17, 25, 26, 34, 42, 43, 51, 60 };
	kiscrm_id want[50];
	int n = 0;
	for (kiscrm_id i = 1, k = 0; i <= 60; i++) {
		if (k < 10 && left_out[k] == i)
			k++;
		else
			want[n++] = i;
	}
	assert_int_equal(n, 50);
	kiscrm_cond wide[2] = { cond(D_ACCOUNT, KISCRM_OP_GE, INT(5)), cond(D_ACCOUNT, KISCRM_OP_LE, INT(54)) };
	expect_ids(b, &deal_kind, wide, 2, want, n);
	/* a wide range with an equality on the indexed field: the equality's index serves it */
	kiscrm_cond both[2] = { cond(D_ACCOUNT, KISCRM_OP_GE, INT(5)), cond(D_ACCOUNT, KISCRM_OP_EQ, INT(10)) };
	expect_ids(b, &deal_kind, both, 2, IDS(27));
}

static void test_query_ordering_ops(void **state)
{
	kiscrm_backend *b = B(state);

	load_deals(b);
	/* money: -5000 and 0 are below 100000; NULL (5) never matches */
	expect_ids(b, &deal_kind, ONE(D_AMOUNT, KISCRM_OP_LT, MONEY(100000)), IDS(3, 6));
	expect_ids(b, &deal_kind, ONE(D_AMOUNT, KISCRM_OP_LE, MONEY(100000)), IDS(1, 3, 4, 6));
	expect_ids(b, &deal_kind, ONE(D_AMOUNT, KISCRM_OP_GT, MONEY(100000)), IDS(2));
	expect_ids(b, &deal_kind, ONE(D_AMOUNT, KISCRM_OP_GE, MONEY(100000)), IDS(1, 2, 4));
	expect_ids(b, &deal_kind, ONE(D_AMOUNT, KISCRM_OP_LT, MONEY(0)), IDS(3));
	/* dates: 18990 and -1 are before 19000 */
	expect_ids(b, &deal_kind, ONE(D_CLOSE, KISCRM_OP_LT, DATE(19000)), IDS(3, 6));
	expect_ids(b, &deal_kind, ONE(D_CLOSE, KISCRM_OP_GE, DATE(19010)), IDS(2, 4));
	expect_ids(b, &deal_kind, ONE(D_CLOSE, KISCRM_OP_LE, DATE(19010)), IDS(1, 2, 3, 6));
	expect_ids(b, &deal_kind, ONE(D_CLOSE, KISCRM_OP_GT, DATE(19020)), NULL, 0);
	/* rates: 0.5, 0.75, 1.0 exceed 0.25; 4 is NULL */
	expect_ids(b, &deal_kind, ONE(D_PROB, KISCRM_OP_GT, vrate(0.25)), IDS(1, 3, 6));
	expect_ids(b, &deal_kind, ONE(D_PROB, KISCRM_OP_LE, vrate(0.25)), IDS(2, 5));
	expect_ids(b, &deal_kind, ONE(D_PROB, KISCRM_OP_LT, vrate(0.25)), IDS(5));
	expect_ids(b, &deal_kind, ONE(D_PROB, KISCRM_OP_GE, vrate(1.0)), IDS(6));
	/* ids */
	expect_ids(b, &deal_kind, ONE(D_ID, KISCRM_OP_GT, INT(4)), IDS(5, 6));
	expect_ids(b, &deal_kind, ONE(D_ID, KISCRM_OP_LE, INT(2)), IDS(1, 2));
	/* text compares bytes: "Renewal 🚀" < "T"; "Trial" > "T" (longer); UTF-8 Chinese
	 * starts with bytes >= 0xE4, above every ASCII letter */
	expect_ids(b, &deal_kind, ONE(D_TITLE, KISCRM_OP_LT, vtext("T")), IDS(3));
	expect_ids(b, &deal_kind, ONE(D_TITLE, KISCRM_OP_GE, vtext("T")), IDS(1, 2, 4, 5, 6));
	expect_ids(b, &deal_kind, ONE(D_TITLE, KISCRM_OP_GT, vtext("Trial")), IDS(1, 2, 4, 6));
	/* LT with a NULL operand matches nothing (SQL semantics) */
	expect_ids(b, &deal_kind, ONE(D_AMOUNT, KISCRM_OP_LT, NUL), NULL, 0);
}

static void test_query_contains(void **state)
{
	kiscrm_backend *b = B(state);

	load_deals(b);
	/* 6 has 华东区 in its note, not its title */
	expect_ids(b, &deal_kind, ONE(D_TITLE, KISCRM_OP_CONTAINS, vtext("华东区")), IDS(1, 4));
	expect_ids(b, &deal_kind, ONE(D_NOTE, KISCRM_OP_CONTAINS, vtext("华东")), IDS(6));
	expect_ids(b, &deal_kind, ONE(D_TITLE, KISCRM_OP_CONTAINS, vtext("区")), IDS(1, 2, 4, 6));
	expect_ids(b, &deal_kind, ONE(D_TITLE, KISCRM_OP_CONTAINS, vtext("🚀")), IDS(3));
	expect_ids(b, &deal_kind, ONE(D_TITLE, KISCRM_OP_CONTAINS, vtext("rial")), IDS(5));
	/* a byte substring, so case matters */
	expect_ids(b, &deal_kind, ONE(D_TITLE, KISCRM_OP_CONTAINS, vtext("trial")), NULL, 0);
	/* LIKE wildcards and quotes are plain characters */
	expect_ids(b, &deal_kind, ONE(D_TITLE, KISCRM_OP_CONTAINS, vtext("%")), NULL, 0);
	expect_ids(b, &deal_kind, ONE(D_TITLE, KISCRM_OP_CONTAINS, vtext("_")), NULL, 0);
	expect_ids(b, &deal_kind, ONE(D_NOTE, KISCRM_OP_CONTAINS, vtext("'")), IDS(4));
	expect_ids(b, &deal_kind, ONE(D_TITLE, KISCRM_OP_CONTAINS, vtext("不存在")), NULL, 0);
}

static void test_query_and(void **state)
{
	kiscrm_backend *b = B(state);
	kiscrm_cond c1[] = {
		cond(D_ACCOUNT, KISCRM_OP_EQ, INT(2)), cond(D_AMOUNT, KISCRM_OP_GE, MONEY(0)),
	};
	kiscrm_cond c2[] = {
		cond(D_TITLE, KISCRM_OP_CONTAINS, vtext("华东区")),
		cond(D_AMOUNT, KISCRM_OP_GT, MONEY(100000)),
	};
	kiscrm_cond c3[] = {
		cond(D_ACCOUNT, KISCRM_OP_NE, INT(1)), cond(D_PROB, KISCRM_OP_GE, vrate(0.75)),
		cond(D_CLOSE, KISCRM_OP_LT, DATE(19000)),
	};
	kiscrm_cond c4[] = {
		cond(D_AMOUNT, KISCRM_OP_GE, MONEY(0)), cond(D_AMOUNT, KISCRM_OP_LE, MONEY(100000)),
	};

	load_deals(b);
	/* account 2 is {3, 4}; of those only 4 has amount >= 0 */
	expect_ids(b, &deal_kind, c1, 2, IDS(4));
	/* 华东区 titles {1, 4} both have exactly 100000: none above */
	expect_ids(b, &deal_kind, c2, 2, NULL, 0);
	/* {3,4,6} ∩ prob >= 0.75 {3,6} ∩ close < 19000 {3,6} */
	expect_ids(b, &deal_kind, c3, 3, IDS(3, 6));
	/* a range on one field: 0 <= amount <= 100000 is {1, 4, 6} */
	expect_ids(b, &deal_kind, c4, 2, IDS(1, 4, 6));
	/* an empty query and a NULL query both give everything */
	expect_ids(b, &deal_kind, NULL, 0, IDS(1, 2, 3, 4, 5, 6));
}

static void test_null_query_scan(void **state)
{
	kiscrm_backend *b = B(state);
	idlist l = { { 0 }, 0, 0, 0 };
	int64_t n = -1;

	load_deals(b);
	assert_rc(KISCRM_OK, b->scan(b, &deal_kind, NULL, id_cb, &l));
	assert_int_equal(l.n, 6);
	if (b->count) {
		assert_rc(KISCRM_OK, b->count(b, &deal_kind, NULL, &n));
		assert_true(n == 6);
	}
	/* an empty kind scans to nothing */
	l.n = 0;
	assert_rc(KISCRM_OK, b->scan(b, &account_kind, NULL, id_cb, &l));
	assert_int_equal(l.n, 0);
}

static void test_ascending_order(void **state)
{
	kiscrm_backend *b = B(state);

	/* inserted out of order: 30, 10, 20, then assigned 31, then 15 */
	put_account(b, 30, "c", NULL, -1);
	put_account(b, 10, "a", NULL, -1);
	put_account(b, 20, "b", NULL, -1);
	assert_true(put_account(b, 0, "d", NULL, -1) == 31);
	put_account(b, 15, "e", NULL, -1);
	expect_ids(b, &account_kind, NULL, 0, IDS(10, 15, 20, 30, 31));
	/* also with a filter: names > "b" are c, d, e */
	expect_ids(b, &account_kind, ONE(A_NAME, KISCRM_OP_GT, vtext("b")), IDS(15, 30, 31));
}

static void test_scan_stop(void **state)
{
	kiscrm_backend *b = B(state);
	idlist l = { { 0 }, 0, 2, 42 };
	kiscrm_cond c = cond(D_ACCOUNT, KISCRM_OP_EQ, INT(2));
	kiscrm_query q = { 1, &c, 0 };

	load_deals(b);
	/* the callback's non-zero value stops the scan and comes back unchanged */
	assert_int_equal(b->scan(b, &deal_kind, NULL, id_cb, &l), 42);
	assert_int_equal(l.n, 2);
	assert_true(l.ids[0] == 1 && l.ids[1] == 2);

	/* a negative value (a library error code) too */
	memset(&l, 0, sizeof(l));
	l.stop_at = 1;
	l.stop_rc = KISCRM_EUSER;
	assert_int_equal(b->scan(b, &deal_kind, &q, id_cb, &l), KISCRM_EUSER);
	assert_int_equal(l.n, 1);
	assert_true(l.ids[0] == 3);
}

static void test_many_rows_indexed(void **state)
{
	kiscrm_backend *b = B(state);
	kiscrm_value row[D_NFIELDS] = { NUL, NUL, NUL, NUL, NUL, NUL, NUL };
	kiscrm_id want[20];

	/* 200 deals, account_id = id % 10: account 7 has ids 7, 17, …, 197 (20 rows) */
	assert_rc(KISCRM_OK, b->begin(b));
	for (int i = 1; i <= 200; i++) {
		row[D_ACCOUNT] = INT(i % 10);
		row[D_AMOUNT] = MONEY((int64_t)i * 100);
		assert_true(put(b, &deal_kind, row) == i);
	}
	assert_rc(KISCRM_OK, b->commit(b));
	for (int i = 0; i < 20; i++)
		want[i] = 7 + 10 * i;
	expect_ids(b, &deal_kind, ONE(D_ACCOUNT, KISCRM_OP_EQ, INT(7)), want, 20);
	/* amount > 19500 (i*100 > 19500): ids 196..200 */
	expect_ids(b, &deal_kind, ONE(D_AMOUNT, KISCRM_OP_GT, MONEY(19500)),
		   IDS(196, 197, 198, 199, 200));
}

/* Equality on the id alone and with more conditions; the core's existence check
 * (`id = X`, columns = 1) must see exactly the row of X. */
static void test_query_id_eq(void **state)
{
	kiscrm_backend *b = B(state);
	kiscrm_cond c[2];
	kiscrm_query q = { 1, c, 1 };
	idlist l = { { 0 }, 0, 0, 0 };

	load_deals(b);
	expect_ids(b, &deal_kind, ONE(D_ID, KISCRM_OP_EQ, INT(4)), IDS(4));
	expect_ids(b, &deal_kind, ONE(D_ID, KISCRM_OP_EQ, INT(7)), NULL, 0);
	expect_ids(b, &deal_kind, ONE(D_ID, KISCRM_OP_EQ, INT(0)), NULL, 0);
	expect_ids(b, &deal_kind, ONE(D_ID, KISCRM_OP_EQ, INT(-3)), NULL, 0);
	/* deal 4 has account 2: with account = 2 it matches, with account = 1 it does not */
	c[0] = cond(D_ID, KISCRM_OP_EQ, INT(4));
	c[1] = cond(D_ACCOUNT, KISCRM_OP_EQ, INT(2));
	expect_ids(b, &deal_kind, c, 2, IDS(4));
	c[1] = cond(D_ACCOUNT, KISCRM_OP_EQ, INT(1));
	expect_ids(b, &deal_kind, c, 2, NULL, 0);
	/* removed: gone from the id lookup too */
	assert_rc(KISCRM_OK, b->remove(b, &deal_kind, 4));
	c[0] = cond(D_ID, KISCRM_OP_EQ, INT(4));
	assert_rc(KISCRM_OK, b->scan(b, &deal_kind, &q, id_cb, &l));
	assert_int_equal(l.n, 0);
	c[0] = cond(D_ID, KISCRM_OP_EQ, INT(6));
	assert_rc(KISCRM_OK, b->scan(b, &deal_kind, &q, id_cb, &l));
	assert_int_equal(l.n, 1);
	assert_true(l.ids[0] == 6);
}

static void set_deal_account(kiscrm_backend *b, kiscrm_id id, kiscrm_value account)
{
	kiscrm_value row[D_NFIELDS] = { INT(id), account, vtext("t"), NUL, NUL, NUL, NUL };

	assert_rc(KISCRM_OK, b->update(b, &deal_kind, row));
}

/* Equality on an indexed field stays right while rows change key, go and come, with the
 * ids still ascending (a row moving to a key whose other rows have higher ids). */
static void test_query_indexed_changes(void **state)
{
	kiscrm_backend *b = B(state);
	kiscrm_cond c[2];

	load_deals(b); /* account 1: 1, 2; account 2: 3, 4; NULL: 5; account 3: 6 */
	expect_ids(b, &deal_kind, ONE(D_ACCOUNT, KISCRM_OP_EQ, INT(2)), IDS(3, 4));
	expect_ids(b, &deal_kind, ONE(D_ACCOUNT, KISCRM_OP_EQ, INT(9)), NULL, 0);
	/* 1 moves from account 1 to 2, 5 from NULL to 2, 4 from 2 to NULL */
	set_deal_account(b, 1, INT(2));
	set_deal_account(b, 5, INT(2));
	set_deal_account(b, 4, NUL);
	expect_ids(b, &deal_kind, ONE(D_ACCOUNT, KISCRM_OP_EQ, INT(2)), IDS(1, 3, 5));
	expect_ids(b, &deal_kind, ONE(D_ACCOUNT, KISCRM_OP_EQ, INT(1)), IDS(2));
	expect_ids(b, &deal_kind, ONE(D_ACCOUNT, KISCRM_OP_EQ, NUL), IDS(4));
	/* the same key again: nothing moves */
	set_deal_account(b, 3, INT(2));
	expect_ids(b, &deal_kind, ONE(D_ACCOUNT, KISCRM_OP_EQ, INT(2)), IDS(1, 3, 5));
	/* removed rows leave their key; the last row of a key takes the key with it */
	assert_rc(KISCRM_OK, b->remove(b, &deal_kind, 3));
	assert_rc(KISCRM_OK, b->remove(b, &deal_kind, 6));
	expect_ids(b, &deal_kind, ONE(D_ACCOUNT, KISCRM_OP_EQ, INT(2)), IDS(1, 5));
	expect_ids(b, &deal_kind, ONE(D_ACCOUNT, KISCRM_OP_EQ, INT(3)), NULL, 0);
	/* a new row with an explicit id below the others of its key */
	assert_true(put(b, &deal_kind, (kiscrm_value[D_NFIELDS]){ INT(3), INT(2), NUL, MONEY(7),
								    NUL, NUL, NUL }) == 3);
	expect_ids(b, &deal_kind, ONE(D_ACCOUNT, KISCRM_OP_EQ, INT(2)), IDS(1, 3, 5));
	/* with a second condition: of 1, 3, 5 only 3 has amount 7 (1 and 5 have NULL) */
	c[0] = cond(D_ACCOUNT, KISCRM_OP_EQ, INT(2));
	c[1] = cond(D_AMOUNT, KISCRM_OP_EQ, MONEY(7));
	expect_ids(b, &deal_kind, c, 2, IDS(3));
	/* and a contradiction on the indexed field itself */
	c[1] = cond(D_ACCOUNT, KISCRM_OP_EQ, INT(1));
	expect_ids(b, &deal_kind, c, 2, NULL, 0);
}

/* An indexed TEXT field: equal names share a key, other names (even with a common
 * prefix) do not. */
static void test_query_indexed_text(void **state)
{
	kiscrm_backend *b = B(state);
	kiscrm_value r2[A_NFIELDS] = { INT(2), vtext("华东 一"), NUL, NUL };

	put_account(b, 0, "华东", NULL, -1);   /* 1 */
	put_account(b, 0, "华东 二", NULL, -1); /* 2 */
	put_account(b, 0, "华东", "x", 3);      /* 3 */
	put_account(b, 0, "", NULL, -1);        /* 4 */
	expect_ids(b, &account_kind, ONE(A_NAME, KISCRM_OP_EQ, vtext("华东")), IDS(1, 3));
	expect_ids(b, &account_kind, ONE(A_NAME, KISCRM_OP_EQ, vtext("")), IDS(4));
	expect_ids(b, &account_kind, ONE(A_NAME, KISCRM_OP_EQ, vtext("华")), NULL, 0);
	assert_rc(KISCRM_OK, b->update(b, &account_kind, r2));
	r2[0] = INT(3);
	r2[1] = vtext("华东 二");
	assert_rc(KISCRM_OK, b->update(b, &account_kind, r2));
	expect_ids(b, &account_kind, ONE(A_NAME, KISCRM_OP_EQ, vtext("华东")), IDS(1));
	expect_ids(b, &account_kind, ONE(A_NAME, KISCRM_OP_EQ, vtext("华东 二")), IDS(3));
	expect_ids(b, &account_kind, ONE(A_NAME, KISCRM_OP_EQ, vtext("华东 一")), IDS(2));
}

/* Rollback restores what equality queries see; a second transaction over rows the first
 * one changed and committed rolls back to the committed state. */
static void test_rollback_indexed(void **state)
{
	kiscrm_backend *b = B(state);

	load_deals(b); /* account 1: 1, 2; account 2: 3, 4; NULL: 5; account 3: 6 */
	expect_ids(b, &deal_kind, ONE(D_ACCOUNT, KISCRM_OP_EQ, INT(1)), IDS(1, 2));
	assert_rc(KISCRM_OK, b->begin(b));
	set_deal_account(b, 3, INT(1));
	set_deal_account(b, 3, INT(3));
	set_deal_account(b, 5, INT(1));
	assert_rc(KISCRM_OK, b->remove(b, &deal_kind, 2));
	assert_true(put(b, &deal_kind, (kiscrm_value[D_NFIELDS]){ NUL, INT(1), NUL, NUL, NUL, NUL,
								    NUL }) == 7);
	expect_ids(b, &deal_kind, ONE(D_ACCOUNT, KISCRM_OP_EQ, INT(1)), IDS(1, 5, 7));
	expect_ids(b, &deal_kind, ONE(D_ACCOUNT, KISCRM_OP_EQ, INT(3)), IDS(3, 6));
	assert_rc(KISCRM_OK, b->rollback(b));
	expect_ids(b, &deal_kind, ONE(D_ACCOUNT, KISCRM_OP_EQ, INT(1)), IDS(1, 2));
	expect_ids(b, &deal_kind, ONE(D_ACCOUNT, KISCRM_OP_EQ, INT(2)), IDS(3, 4));
	expect_ids(b, &deal_kind, ONE(D_ACCOUNT, KISCRM_OP_EQ, INT(3)), IDS(6));
	expect_ids(b, &deal_kind, ONE(D_ACCOUNT, KISCRM_OP_EQ, NUL), IDS(5));
	expect_ids(b, &deal_kind, ONE(D_ID, KISCRM_OP_EQ, INT(7)), NULL, 0);

	/* commit a change of 1, then roll a second change of 1 back: account 3 stays */
	assert_rc(KISCRM_OK, b->begin(b));
	set_deal_account(b, 1, INT(3));
	assert_rc(KISCRM_OK, b->commit(b));
	assert_rc(KISCRM_OK, b->begin(b));
	set_deal_account(b, 1, INT(2));
	assert_rc(KISCRM_OK, b->remove(b, &deal_kind, 6));
	assert_rc(KISCRM_OK, b->rollback(b));
	expect_ids(b, &deal_kind, ONE(D_ACCOUNT, KISCRM_OP_EQ, INT(3)), IDS(1, 6));
	expect_ids(b, &deal_kind, ONE(D_ACCOUNT, KISCRM_OP_EQ, INT(2)), IDS(3, 4));
	assert_row(b, &deal_kind, 1, (kiscrm_value[D_NFIELDS]){ NUL, INT(3), vtext("t"), NUL, NUL,
								  NUL, NUL });
}

/* Many rows under few keys (the in-memory backend turns such lists into bitmaps):
 * deal i has account i % 3, except every 5th, which has account 1. */
static void test_query_indexed_big_keys(void **state)
{
	kiscrm_backend *b = B(state);
	kiscrm_value row[D_NFIELDS] = { NUL, NUL, NUL, NUL, NUL, NUL, NUL };
	kiscrm_cond c[2];
	int64_t n = -1;
	kiscrm_query q = { 1, c, 0 };

	assert_rc(KISCRM_OK, b->begin(b));
	for (int i = 1; i <= 3000; i++) {
		row[D_ACCOUNT] = INT(i % 5 == 0 ? 1 : i % 3);
		row[D_AMOUNT] = MONEY(i);
		assert_true(put(b, &deal_kind, row) == i);
	}
	assert_rc(KISCRM_OK, b->commit(b));
	/* account 0: multiples of 3 that are not multiples of 5: 1000 - 200 = 800 rows */
	c[0] = cond(D_ACCOUNT, KISCRM_OP_EQ, INT(0));
	assert_rc(KISCRM_OK, b->count(b, &deal_kind, &q, &n));
	assert_true(n == 800);
	/* account 1 and amount <= 12: i % 3 == 1 (1, 4, 7, 10) or i % 5 == 0 (5, 10) */
	c[1] = cond(D_AMOUNT, KISCRM_OP_LE, MONEY(12));
	c[0] = cond(D_ACCOUNT, KISCRM_OP_EQ, INT(1));
	expect_ids(b, &deal_kind, c, 2, IDS(1, 4, 5, 7, 10));
	/* in a transaction rolled back: 4 moves to account 0, 5 goes, 11 (account 2) moves in */
	assert_rc(KISCRM_OK, b->begin(b));
	set_deal_account(b, 4, INT(0));
	set_deal_account(b, 11, INT(1));
	assert_rc(KISCRM_OK, b->remove(b, &deal_kind, 5));
	/* account 1 and amount <= 12: 1, 7, 10 (4 moved away, 5 is gone, 11 came with a
	 * NULL amount) */
	q.ncond = 2;
	expect_ids(b, &deal_kind, c, 2, IDS(1, 7, 10));
	c[0] = cond(D_ACCOUNT, KISCRM_OP_EQ, INT(1));
	q.ncond = 1;
	assert_rc(KISCRM_OK, b->count(b, &deal_kind, &q, &n));
	/* account 1 had i % 3 == 1 and not i % 5 == 0: 1000 - 200, plus 600 multiples of 5:
	 * 1400; minus 4 and 5, plus 11: 1399 */
	assert_true(n == 1399);
	assert_rc(KISCRM_OK, b->rollback(b));
	assert_rc(KISCRM_OK, b->count(b, &deal_kind, &q, &n));
	assert_true(n == 1400);
	q.ncond = 2;
	expect_ids(b, &deal_kind, c, 2, IDS(1, 4, 5, 7, 10));
}

/* Three accounts the transaction tests start from. */
static const kiscrm_value tx_rows[3][A_NFIELDS] = {
	{ { KISCRM_TYPE_INT, { .i = 1 } }, { KISCRM_TYPE_TEXT, { .s = "甲公司" } },
	  { KISCRM_TYPE_TEXT, { .s = "华东" } }, { KISCRM_TYPE_INT, { .i = 10 } } },
	{ { KISCRM_TYPE_INT, { .i = 2 } }, { KISCRM_TYPE_TEXT, { .s = "乙公司 🚀😀" } },
	  { KISCRM_TYPE_TEXT, { .s = "华北" } }, { KISCRM_TYPE_INT, { .i = 20 } } },
	{ { KISCRM_TYPE_INT, { .i = 3 } }, { KISCRM_TYPE_TEXT, { .s = "丙" } },
	  { KISCRM_TYPE_NULL, { .i = 0 } }, { KISCRM_TYPE_NULL, { .i = 0 } } },
};

static void load_tx_rows(kiscrm_backend *b)
{
	for (int i = 0; i < 3; i++)
		assert_true(put(b, &account_kind, tx_rows[i]) == i + 1);
}

/* Inserts 4, updates 1 twice and 2 once, removes 3, inserts then removes 50. */
static void tx_changes(kiscrm_backend *b)
{
	kiscrm_value r1[A_NFIELDS] = { INT(1), vtext("甲公司 改名"), vtext("西南"), INT(11) };
	kiscrm_value r2[A_NFIELDS] = { INT(2), vtext("乙"), NUL, INT(99) };

	assert_true(put_account(b, 0, "丁 new", "华南", 4) == 4);
	assert_rc(KISCRM_OK, b->update(b, &account_kind, r1));
	r1[1] = vtext("甲公司 再改");
	assert_rc(KISCRM_OK, b->update(b, &account_kind, r1));
	assert_rc(KISCRM_OK, b->update(b, &account_kind, r2));
	assert_rc(KISCRM_OK, b->remove(b, &account_kind, 3));
	assert_true(put_account(b, 50, "fifty", NULL, -1) == 50);
	assert_rc(KISCRM_OK, b->remove(b, &account_kind, 50));
	/* changes are visible inside the transaction */
	assert_row(b, &account_kind, 1, r1);
	assert_absent(b, &account_kind, 3);
	expect_ids(b, &account_kind, NULL, 0, IDS(1, 2, 4));
}

static void test_rollback(void **state)
{
	kiscrm_backend *b = B(state);
	kiscrm_id id;

	load_tx_rows(b);
	assert_rc(KISCRM_OK, b->begin(b));
	tx_changes(b);
	assert_rc(KISCRM_OK, b->rollback(b));
	/* exactly the rows from before, text bytes included */
	for (int i = 0; i < 3; i++)
		assert_row(b, &account_kind, i + 1, tx_rows[i]);
	assert_absent(b, &account_kind, 4);
	assert_absent(b, &account_kind, 50);
	expect_ids(b, &account_kind, NULL, 0, IDS(1, 2, 3));
	/* the kind works normally afterwards; the new id is past the committed ones */
	id = put_account(b, 0, "after", NULL, -1);
	assert_true(id >= 4);
	assert_row(b, &account_kind, id, (kiscrm_value[A_NFIELDS]){ NUL, vtext("after"), NUL, NUL });
}

static void test_rollback_insert_only(void **state)
{
	kiscrm_backend *b = B(state);
	kiscrm_value deal[D_NFIELDS] = { NUL, INT(1), vtext("x"), MONEY(1), NUL, NUL, NUL };

	/* a transaction over two kinds on an empty database */
	assert_rc(KISCRM_OK, b->begin(b));
	put_account(b, 0, "a", NULL, -1);
	put(b, &deal_kind, deal);
	put(b, &deal_kind, deal);
	assert_rc(KISCRM_OK, b->rollback(b));
	assert_int_equal(scan_count(b, &account_kind), 0);
	assert_int_equal(scan_count(b, &deal_kind), 0);
	/* an empty transaction is fine both ways */
	assert_rc(KISCRM_OK, b->begin(b));
	assert_rc(KISCRM_OK, b->rollback(b));
	assert_rc(KISCRM_OK, b->begin(b));
	assert_rc(KISCRM_OK, b->commit(b));
}

/* Many inserts in one transaction, as an import makes them (the PostgreSQL backend then
 * reserves ids in blocks and queues the inserts without waiting): every id comes back at
 * once and distinct, reads, updates and deletes in the same transaction see the rows
 * inserted before them, an explicit id moves later assigned ids past it, and the
 * transaction commits or rolls back as a whole. */
static void test_bulk_in_transaction(void **state)
{
	kiscrm_backend *b = B(state);
	kiscrm_value deal[D_NFIELDS] = { NUL, NUL, NUL, MONEY(0), NUL, NUL, NUL };
	kiscrm_id last = 0, id;

	assert_rc(KISCRM_OK, b->begin(b));
	for (int i = 1; i <= 300; i++) {
		deal[D_ACCOUNT] = INT(put_account(b, 0, "acct", NULL, i));
		deal[D_AMOUNT] = MONEY(i);
		id = put(b, &deal_kind, deal);
		assert_true(id > last);
		last = id;
		if (i % 60 == 0) {
			/* the rows so far, all of them, before the commit */
			assert_int_equal(scan_count(b, &deal_kind), i);
			assert_int_equal(scan_count(b, &account_kind), i);
			assert_row(b, &deal_kind, id, deal);
			expect_ids(b, &deal_kind, ONE(D_AMOUNT, KISCRM_OP_EQ, MONEY(i)), &id, 1);
		}
	}
	/* change and remove rows inserted in this transaction */
	deal[D_AMOUNT] = MONEY(-5);
	deal[0] = INT(last);
	assert_rc(KISCRM_OK, b->update(b, &deal_kind, deal));
	deal[0] = NUL;
	deal[D_AMOUNT] = MONEY(0);
	assert_rc(KISCRM_OK, b->remove(b, &deal_kind, last - 1));
	/* an explicit id far ahead: the next assigned one is past it */
	deal[0] = INT(last + 1000);
	assert_true(put(b, &deal_kind, deal) == last + 1000);
	deal[0] = NUL;
	id = put(b, &deal_kind, deal);
	assert_true(id > last + 1000);
	assert_rc(KISCRM_OK, b->commit(b));
	assert_int_equal(scan_count(b, &deal_kind), 301);
	expect_ids(b, &deal_kind, ONE(D_AMOUNT, KISCRM_OP_EQ, MONEY(-5)), &last, 1);
	assert_absent(b, &deal_kind, last - 1);

	/* the same in a transaction rolled back: none of it stays */
	assert_rc(KISCRM_OK, b->begin(b));
	for (int i = 0; i < 200; i++)
		put(b, &deal_kind, deal);
	assert_rc(KISCRM_OK, b->rollback(b));
	assert_int_equal(scan_count(b, &deal_kind), 301);
	/* and the handle goes on */
	assert_rc(KISCRM_OK, b->begin(b));
	id = put(b, &deal_kind, deal);
	assert_rc(KISCRM_OK, b->commit(b));
	assert_true(id > last + 1000);
	assert_int_equal(scan_count(b, &deal_kind), 302);
}

static void test_commit(void **state)
{
	kiscrm_backend *b = B(state);

	load_tx_rows(b);
	assert_rc(KISCRM_OK, b->begin(b));
	tx_changes(b);
	assert_rc(KISCRM_OK, b->commit(b));
	assert_row(b, &account_kind, 1, (kiscrm_value[A_NFIELDS]){
		NUL, vtext("甲公司 再改"), vtext("西南"), INT(11) });
	assert_row(b, &account_kind, 2, (kiscrm_value[A_NFIELDS]){
		NUL, vtext("乙"), NUL, INT(99) });
	assert_row(b, &account_kind, 4, (kiscrm_value[A_NFIELDS]){
		NUL, vtext("丁 new"), vtext("华南"), INT(4) });
	assert_absent(b, &account_kind, 3);
	assert_absent(b, &account_kind, 50);
	/* 50 was used inside a committed transaction: the next id is 51 */
	assert_true(put_account(b, 0, "next", NULL, -1) == 51);

	/* a later rollback does not undo what was committed */
	assert_rc(KISCRM_OK, b->begin(b));
	assert_rc(KISCRM_OK, b->remove(b, &account_kind, 4));
	assert_rc(KISCRM_OK, b->rollback(b));
	assert_row(b, &account_kind, 4, (kiscrm_value[A_NFIELDS]){
		NUL, vtext("丁 new"), vtext("华南"), INT(4) });
	expect_ids(b, &account_kind, NULL, 0, IDS(1, 2, 4, 51));
}

static void test_money_extremes(void **state)
{
	kiscrm_backend *b = B(state);
	kiscrm_value lo[D_NFIELDS] = { NUL, NUL, NUL, MONEY(INT64_MIN), DATE(INT32_MIN + 1), NUL, NUL };
	kiscrm_value hi[D_NFIELDS] = { NUL, NUL, NUL, MONEY(INT64_MAX), DATE(INT32_MAX), NUL, NUL };
	kiscrm_value neg[D_NFIELDS] = { NUL, INT(INT64_MIN), NUL, MONEY(-1), NUL, vrate(-0.5), NUL };

	assert_true(put(b, &deal_kind, lo) == 1);
	assert_true(put(b, &deal_kind, hi) == 2);
	assert_true(put(b, &deal_kind, neg) == 3);
	assert_row(b, &deal_kind, 1, lo);
	assert_row(b, &deal_kind, 2, hi);
	assert_row(b, &deal_kind, 3, neg);
	/* and they compare as integers, not as doubles or text */
	expect_ids(b, &deal_kind, ONE(D_AMOUNT, KISCRM_OP_GE, MONEY(INT64_MAX)), IDS(2));
	expect_ids(b, &deal_kind, ONE(D_AMOUNT, KISCRM_OP_LT, MONEY(INT64_MAX)), IDS(1, 3));
	expect_ids(b, &deal_kind, ONE(D_AMOUNT, KISCRM_OP_LE, MONEY(INT64_MIN)), IDS(1));
	expect_ids(b, &deal_kind, ONE(D_AMOUNT, KISCRM_OP_GT, MONEY(INT64_MIN)), IDS(2, 3));
	expect_ids(b, &deal_kind, ONE(D_AMOUNT, KISCRM_OP_EQ, MONEY(INT64_MAX - 1)), NULL, 0);
	expect_ids(b, &deal_kind, ONE(D_ACCOUNT, KISCRM_OP_EQ, INT(INT64_MIN)), IDS(3));
	/* update keeps them exact too */
	hi[0] = INT(2);
	hi[D_AMOUNT] = MONEY(INT64_MAX - 1);
	assert_rc(KISCRM_OK, b->update(b, &deal_kind, hi));
	assert_row(b, &deal_kind, 2, hi);
}

static void test_text_bytes(void **state)
{
	kiscrm_backend *b = B(state);
	/* Chinese (3-byte UTF-8), emoji (4 bytes) incl. a ZWJ sequence, quotes, a long
	 * string, and an empty one */
	static const char *texts[] = {
		"北京金山软件有限公司（华东区）",
		"🚀🎉 Emoji 客户 👨‍👩‍👧",
		"quote ' double \" backslash \\ percent % underscore _",
		"",
		"tab\tnewline\nend",
	};
	char longtext[4501];

	/* "金山WPS" is 9 bytes (金 and 山 are 3 each); 500 whole copies */
	for (size_t i = 0; i < sizeof(longtext) - 1; i++)
		longtext[i] = "金山WPS"[i % 9];
	longtext[sizeof(longtext) - 1] = '\0';
	for (int i = 0; i < 5; i++) {
		kiscrm_value row[A_NFIELDS] = { NUL, vtext(texts[i]), vtext(texts[(i + 1) % 5]), NUL };

		assert_true(put(b, &account_kind, row) == i + 1);
		assert_row(b, &account_kind, i + 1, row);
	}
	assert_true(put_account(b, 0, longtext, NULL, -1) == 6);
	assert_row(b, &account_kind, 6, (kiscrm_value[A_NFIELDS]){ NUL, vtext(longtext), NUL, NUL });
	expect_ids(b, &account_kind, ONE(A_NAME, KISCRM_OP_EQ, vtext(texts[1])), IDS(2));
	expect_ids(b, &account_kind, ONE(A_NAME, KISCRM_OP_CONTAINS, vtext("👨‍👩‍👧")), IDS(2));
}

static void test_open_again(void **state)
{
	kiscrm_backend *b = B(state);

	put_account(b, 0, "kept", "华东", 3);
	/* opening the same schema again keeps the data and the id counter */
	assert_rc(KISCRM_OK, b->open(b, &test_schema));
	assert_row(b, &account_kind, 1, (kiscrm_value[A_NFIELDS]){
		NUL, vtext("kept"), vtext("华东"), INT(3) });
	assert_true(put_account(b, 0, "next", NULL, -1) == 2);
}

static void test_reopen_file(void **state)
{
	fixture *f = *state;
	kiscrm_backend *b = f->b;

	if (g_choice != BK_SQLITE_FILE && g_choice != BK_POSTGRES) {
		skip();
		return;
	}
	put_account(b, 0, "持久 🚀", "华东", 3);
	put_account(b, 0, "gone", NULL, -1);
	assert_rc(KISCRM_OK, b->remove(b, &account_kind, 2));
	b->free(b);
	f->b = NULL;
	assert_rc(KISCRM_OK, new_backend(&f->b, f));
	b = f->b;
	assert_rc(KISCRM_OK, b->open(b, &test_schema));
	assert_row(b, &account_kind, 1, (kiscrm_value[A_NFIELDS]){
		NUL, vtext("持久 🚀"), vtext("华东"), INT(3) });
	/* id 2 was used before the reopen: not given out again */
	assert_true(put_account(b, 0, "after", NULL, -1) == 3);
}

/* ---- the failing wrapper ---- */

static void assert_injected(int rc)
{
	assert_rc(KISCRM_ESTORAGE, rc);
	assert_int_equal(kiscrm_error_last()->code, KISCRM_ESTORAGE);
	assert_non_null(strstr(kiscrm_error_last()->message, "injected"));
}

static void test_failing_wrapper(void **state)
{
	fixture *f = *state;
	kiscrm_backend *w = NULL, *b;
	kiscrm_value row[A_NFIELDS] = { NUL, vtext("x"), NUL, NUL };
	kiscrm_value upd[A_NFIELDS] = { INT(1), vtext("changed"), NUL, NUL };
	kiscrm_id id = -1;

	/* ownership of the inner backend passes to the wrapper */
	assert_rc(KISCRM_OK, kc_failing_backend_new(&w, f->b, 2));
	f->b = w;
	b = w;
	assert_rc(KISCRM_OK, b->open(b, &test_schema));
	/* two mutating calls pass, the third fails without reaching the inner backend */
	assert_true(put(b, &account_kind, row) == 1);
	assert_true(put(b, &account_kind, row) == 2);
	assert_injected(b->insert(b, &account_kind, row, &id));
	assert_int_equal(kc_failing_backend_calls(b), 3);
	/* reads still work and show the two rows only */
	expect_ids(b, &account_kind, NULL, 0, IDS(1, 2));
	/* every later mutating call fails too */
	assert_injected(b->update(b, &account_kind, upd));
	assert_injected(b->remove(b, &account_kind, 1));
	assert_int_equal(kc_failing_backend_calls(b), 5);
	assert_row(b, &account_kind, 1, row);

	/* a failing commit: the caller rolls back and nothing of the transaction stays */
	kc_failing_backend_set(b, 1);
	assert_rc(KISCRM_OK, b->begin(b));
	assert_true(put(b, &account_kind, row) == 3);
	assert_injected(b->commit(b));
	assert_rc(KISCRM_OK, b->rollback(b));
	expect_ids(b, &account_kind, NULL, 0, IDS(1, 2));
	assert_int_equal(kc_failing_backend_calls(b), 7);

	/* -1: never fails again */
	kc_failing_backend_set(b, -1);
	assert_rc(KISCRM_OK, b->update(b, &account_kind, upd));
	assert_row(b, &account_kind, 1, upd);
	assert_rc(KISCRM_OK, b->remove(b, &account_kind, 2));
	assert_int_equal(kc_failing_backend_calls(b), 9);
}

static void test_failing_wrapper_zero(void **state)
{
	fixture *f = *state;
	kiscrm_backend *w = NULL;
	kiscrm_value row[A_NFIELDS] = { NUL, vtext("x"), NUL, NUL };

	/* 0: the very first mutating call fails */
	assert_rc(KISCRM_OK, kc_failing_backend_new(&w, f->b, 0));
	f->b = w;
	assert_injected(w->insert(w, &account_kind, row, NULL));
	assert_int_equal(kc_failing_backend_calls(w), 1);
	assert_int_equal(scan_count(w, &account_kind), 0);
	assert_rc(KISCRM_EINVALID, kc_failing_backend_new(NULL, w, 0));
	assert_rc(KISCRM_EINVALID, kc_failing_backend_new(&w, NULL, 0));
}

/* ---- in-memory backend only ---- */

static void test_mem_errors(void **state)
{
	kiscrm_backend *b = B(state);
	static const kiscrm_kind_def unknown = { 9, "bt_unknown", A_NFIELDS, account_fields };
	static const kiscrm_kind_def narrow = { K_ACCOUNT, "bt_account", 2, account_fields };
	kiscrm_value row[A_NFIELDS] = { NUL, vtext("x"), NUL, NUL };
	kiscrm_value bad[A_NFIELDS] = { NUL, INT(5), NUL, NUL };
	kiscrm_query q;
	kiscrm_cond c;
	idlist l = { { 0 }, 0, 0, 0 };

	assert_rc(KISCRM_EINVALID, kiscrm_backend_memory_new(NULL));
	assert_rc(KISCRM_EINVALID, b->insert(b, &unknown, row, NULL));
	assert_non_null(strstr(kiscrm_error_last()->message, "bt_unknown"));
	assert_rc(KISCRM_EINVALID, b->get(b, &unknown, 1, id_cb, &l));
	assert_rc(KISCRM_EINVALID, b->scan(b, &unknown, NULL, id_cb, &l));
	assert_rc(KISCRM_EINVALID, b->insert(b, &narrow, row, NULL));
	/* a value of the wrong type: the message names the field */
	assert_rc(KISCRM_EINVALID, b->insert(b, &account_kind, bad, NULL));
	assert_non_null(strstr(kiscrm_error_last()->message, "'name'"));
	bad[1] = vtext(NULL);
	assert_rc(KISCRM_EINVALID, b->insert(b, &account_kind, bad, NULL));
	assert_rc(KISCRM_EINVALID, b->insert(b, &account_kind, NULL, NULL));
	/* negative and unstorably large ids */
	row[0] = INT(-3);
	assert_rc(KISCRM_EINVALID, b->insert(b, &account_kind, row, NULL));
	assert_non_null(strstr(kiscrm_error_last()->message, "-3"));
	row[0] = INT(INT64_MAX);
	assert_rc(KISCRM_ENOTSUPPORTED, b->insert(b, &account_kind, row, NULL));
	assert_int_equal(scan_count(b, &account_kind), 0);
	/* bad queries are refused rather than silently matching nothing */
	q.ncond = 1;
	q.conds = &c;
	q.columns = 0;
	c = cond(99, KISCRM_OP_EQ, INT(1));
	assert_rc(KISCRM_EINVALID, b->scan(b, &account_kind, &q, id_cb, &l));
	assert_non_null(strstr(kiscrm_error_last()->message, "99"));
	c = cond(A_EMPLOYEES, 42, INT(1));
	assert_rc(KISCRM_EINVALID, b->scan(b, &account_kind, &q, id_cb, &l));
	c = cond(A_EMPLOYEES, KISCRM_OP_CONTAINS, INT(1));
	assert_rc(KISCRM_EINVALID, b->scan(b, &account_kind, &q, id_cb, &l));
	c = cond(A_EMPLOYEES, KISCRM_OP_EQ, vtext("1"));
	assert_rc(KISCRM_EINVALID, b->count(b, &account_kind, &q, &(int64_t){ 0 }));
	assert_rc(KISCRM_EINVALID, b->scan(b, &account_kind, NULL, NULL, NULL));
	/* transaction misuse */
	assert_rc(KISCRM_EINVALID, b->commit(b));
	assert_rc(KISCRM_EINVALID, b->rollback(b));
	assert_rc(KISCRM_OK, b->begin(b));
	assert_rc(KISCRM_EINVALID, b->begin(b));
	assert_rc(KISCRM_EINVALID, b->open(b, &test_schema));
	assert_rc(KISCRM_OK, b->rollback(b));
	assert_rc(KISCRM_EINVALID, b->open(b, NULL));
	assert_int_equal(l.n, 0);
}

static void test_mem_rollback_restores_counter(void **state)
{
	kiscrm_backend *b = B(state);

	load_tx_rows(b);
	assert_rc(KISCRM_OK, b->begin(b));
	tx_changes(b);
	assert_rc(KISCRM_OK, b->rollback(b));
	/* the ids 4 and 50 of the rolled-back transaction were never committed */
	assert_true(put_account(b, 0, "after", NULL, -1) == 4);
	/* a transaction left open is freed with the backend (no leak under valgrind) */
	assert_rc(KISCRM_OK, b->begin(b));
	put_account(b, 0, "pending", NULL, -1);
	assert_rc(KISCRM_OK, b->update(b, &account_kind, tx_rows[0]));
}

static void test_mem_migrate(void **state)
{
	kiscrm_backend *b = B(state);
	static const kiscrm_field_def wide_fields[] = {
		{ "id", KISCRM_TYPE_INT, 0, 0 },
		{ "name", KISCRM_TYPE_TEXT, KISCRM_FIELD_INDEXED, 0 },
		{ "region", KISCRM_TYPE_TEXT, 0, 0 },
		{ "employees", KISCRM_TYPE_INT, 0, 0 },
		{ "website", KISCRM_TYPE_TEXT, 0, 0 },
	};
	static const kiscrm_kind_def wide = { K_ACCOUNT, "bt_account", 5, wide_fields };
	static const kiscrm_kind_def *const kinds2[] = { &wide, &deal_kind };
	static const kiscrm_schema v2 = { 2, 2, kinds2 };
	kiscrm_value row[5] = { NUL, vtext("new"), NUL, NUL, vtext("https://例子.cn") };
	idlist l = { { 0 }, 0, 0, 0 };

	put_account(b, 0, "旧", "华东", 7);
	/* a newer schema appends a field: old rows get NULL there */
	assert_rc(KISCRM_OK, b->open(b, &v2));
	assert_row(b, &wide, 1, (kiscrm_value[5]){ NUL, vtext("旧"), vtext("华东"), INT(7), NUL });
	assert_true(put(b, &wide, row) == 2);
	assert_row(b, &wide, 2, row);
	/* the old definition no longer matches */
	assert_rc(KISCRM_EINVALID, b->get(b, &account_kind, 1, id_cb, &l));
	/* going back to the older schema is refused */
	assert_rc(KISCRM_EVERSION, b->open(b, &test_schema));
	assert_non_null(strstr(kiscrm_error_last()->message, "2"));
}

static void test_mem_many_rows(void **state)
{
	kiscrm_backend *b = B(state);
	kiscrm_value row[D_NFIELDS] = { NUL, NUL, vtext("标题"), NUL, NUL, NUL, NUL };
	int64_t n = -1;

	/* 100000 rows, every third removed: 100000 - 33333 (ids 3, 6, …, 99999) = 66667 */
	for (int64_t i = 1; i <= 100000; i++) {
		row[D_AMOUNT] = MONEY(i);
		assert_true(put(b, &deal_kind, row) == i);
	}
	for (int64_t i = 3; i <= 100000; i += 3)
		assert_rc(KISCRM_OK, b->remove(b, &deal_kind, i));
	assert_int_equal(scan_count(b, &deal_kind), 66667);
	assert_rc(KISCRM_OK, b->count(b, &deal_kind, NULL, &n));
	assert_true(n == 66667);
	/* amount <= 10: ids 1..10 minus 3, 6, 9 */
	expect_ids(b, &deal_kind, ONE(D_AMOUNT, KISCRM_OP_LE, MONEY(10)), IDS(1, 2, 4, 5, 7, 8, 10));
}

/* ---- groups ---- */

static int grp_memory(void **state)
{
	(void)state;
	g_choice = BK_MEMORY;
	return 0;
}

static int grp_sqlite_mem(void **state)
{
	(void)state;
	g_choice = BK_SQLITE_MEM;
	return 0;
}

static int grp_sqlite_file(void **state)
{
	(void)state;
	g_choice = BK_SQLITE_FILE;
	return 0;
}

/* PostgreSQL: an insert queued without waiting that the server refuses fails at the
 * latest at commit, naming its row, and the transaction is rolled back. Another handle
 * takes the id this handle will assign next (from its reserved block) and commits first. */
static void test_pg_bulk_error_at_commit(void **state)
{
	fixture *f = *state;
	kiscrm_backend *b = f->b, *other = NULL;
	kiscrm_value deal[D_NFIELDS] = { NUL, NUL, vtext("bulk"), MONEY(1), NUL, NUL, NUL };
	kiscrm_id id = 0;
	char want[64];

	assert_rc(KISCRM_OK, b->begin(b));
	for (int i = 0; i < 20; i++)
		id = put(b, &deal_kind, deal);
	assert_rc(KISCRM_OK, kc_backend_postgres_new(&other, f->conn));
	assert_rc(KISCRM_OK, other->open(other, &test_schema));
	deal[0] = INT(id + 1);
	assert_true(put(other, &deal_kind, deal) == id + 1);
	deal[0] = NUL;
	assert_true(put(b, &deal_kind, deal) == id + 1); /* queued: the conflict is not known yet */
	int rc = b->commit(b);
	assert_true(rc == KISCRM_EEXISTS || rc == KISCRM_EBUSY);
	snprintf(want, sizeof(want), "(id %lld", (long long)(id + 1));
	assert_non_null(strstr(kiscrm_error_last()->message, want));
	assert_non_null(strstr(kiscrm_error_last()->message, "bt_deal"));
	/* nothing of the transaction stayed; both handles go on */
	assert_int_equal(scan_count(other, &deal_kind), 1);
	assert_rc(KISCRM_OK, b->begin(b));
	id = put(b, &deal_kind, deal);
	assert_rc(KISCRM_OK, b->commit(b));
	assert_int_equal(scan_count(other, &deal_kind), 2);
	other->free(other);
}

static int grp_postgres(void **state)
{
	(void)state;
	g_choice = BK_POSTGRES;
	return 0;
}


/* ---- the optional distinct accelerator ---- */

#define FIELD_BIT(i) (UINT64_C(1) << (i))

typedef struct combos {
	char seen[16][64];
	int n;
	int bad_row; /* a field that should be NULL was not */
} combos;

static int combo_cb(void *payload, const kiscrm_value *row)
{
	combos *c = payload;
	if (row[A_ID].type != KISCRM_TYPE_NULL || row[A_NAME].type != KISCRM_TYPE_NULL || c->n >= 16)
		c->bad_row = 1;
	else
		snprintf(c->seen[c->n++], sizeof(c->seen[0]), "%s|%lld",
			 row[A_REGION].type == KISCRM_TYPE_TEXT ? row[A_REGION].u.s : "NULL",
			 row[A_EMPLOYEES].type == KISCRM_TYPE_INT ? (long long)row[A_EMPLOYEES].u.i : -1LL);
	return 0;
}

static int by_text(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The distinct combinations of the wanted fields (sorted here: they come in any order)
 * equal @want, for the given conditions. */
static void expect_combos(kiscrm_backend *b, uint64_t columns, const kiscrm_cond *conds, int ncond,
			  const char *const *want, int nwant)
{
	kiscrm_query q = { ncond, conds, columns };
	combos c;
	memset(&c, 0, sizeof(c));
	assert_rc(KISCRM_OK, b->distinct(b, &account_kind, &q, combo_cb, &c));
	assert_false(c.bad_row);
	qsort(c.seen, (size_t)c.n, sizeof(c.seen[0]), by_text);
	assert_int_equal(nwant, c.n);
	for (int i = 0; i < nwant; i++)
		assert_string_equal(want[i], c.seen[i]);
}

/* Six accounts, four (region, employees) pairs, NULL regions among them: the pairs, the
 * regions alone, the regions under a condition; no field wanted is refused. Backends
 * without the slot (memory) leave it NULL: the core then reads the rows itself. */
static void test_distinct(void **state)
{
	kiscrm_backend *b = B(state);
	if (b->version < 2 || !b->distinct) {
		assert_int_equal(BK_MEMORY, g_choice);
		skip();
	}
	put_account(b, 0, "甲", "华北", 10);
	put_account(b, 0, "乙", "华北", 10);
	put_account(b, 0, "丙", "华南", 10);
	put_account(b, 0, "丁", NULL, 10);
	put_account(b, 0, "戊", "华北", 20);
	put_account(b, 0, "己", NULL, 10);
	static const char *const pairs[] = { "NULL|10", "华北|10", "华北|20", "华南|10" };
	expect_combos(b, FIELD_BIT(A_REGION) | FIELD_BIT(A_EMPLOYEES), NULL, 0, pairs, 4);
	static const char *const regions[] = { "NULL|-1", "华北|-1", "华南|-1" };
	expect_combos(b, FIELD_BIT(0) | FIELD_BIT(A_REGION), NULL, 0, regions, 3);
	static const char *const of_20[] = { "华北|-1" };
	expect_combos(b, FIELD_BIT(A_REGION), ONE(A_EMPLOYEES, KISCRM_OP_EQ, INT(20)), of_20, 1);
	expect_combos(b, FIELD_BIT(A_REGION), ONE(A_EMPLOYEES, KISCRM_OP_GT, INT(20)), NULL, 0);
	kiscrm_query none = { 0, NULL, FIELD_BIT(0) };
	combos c;
	memset(&c, 0, sizeof(c));
	assert_rc(KISCRM_EINVALID, b->distinct(b, &account_kind, &none, combo_cb, &c));
	assert_int_equal(0, c.n);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
#define CONFORMANCE                                                                      \
	T(test_insert_get), T(test_kinds_independent), T(test_all_null_row), T(test_update), \
	T(test_remove), T(test_not_found), T(test_explicit_ids), T(test_ids_never_reused), \
	T(test_query_eq_ne), T(test_query_ordering_ops), T(test_query_index_ranges), T(test_query_contains),           \
	T(test_query_and), T(test_null_query_scan), T(test_ascending_order),               \
	T(test_scan_stop), T(test_many_rows_indexed), T(test_rollback),                    \
	T(test_rollback_insert_only), T(test_commit), T(test_money_extremes),              \
	T(test_text_bytes), T(test_open_again), T(test_reopen_file),                       \
	T(test_failing_wrapper), T(test_failing_wrapper_zero), T(test_query_id_eq),          \
	T(test_query_indexed_changes), T(test_query_indexed_text), T(test_rollback_indexed), \
	T(test_query_indexed_big_keys), T(test_bulk_in_transaction), T(test_distinct)

int main(void)
{
	const struct CMUnitTest memory[] = {
		CONFORMANCE,
		T(test_mem_errors), T(test_mem_rollback_restores_counter), T(test_mem_migrate),
		T(test_mem_many_rows),
	};
	const struct CMUnitTest sqlite_mem[] = { CONFORMANCE };
	const struct CMUnitTest sqlite_file[] = { CONFORMANCE };
	/* Migration and the wide workload are generic; PostgreSQL runs them too. */
	const struct CMUnitTest postgres[] = {
		CONFORMANCE, T(test_mem_migrate), T(test_mem_many_rows),
		T(test_pg_bulk_error_at_commit),
	};
	int failed = 0;

	failed += cmocka_run_group_tests_name("backend_memory", memory, grp_memory, NULL);
	failed += cmocka_run_group_tests_name("backend_sqlite_memory", sqlite_mem, grp_sqlite_mem,
					      NULL);
	failed += cmocka_run_group_tests_name("backend_sqlite_file", sqlite_file, grp_sqlite_file,
					      NULL);
	if (kc_test_pg_conninfo()) {
		failed += cmocka_run_group_tests_name("backend_postgresql", postgres, grp_postgres,
						      NULL);
		kc_test_pg_cleanup();
	}
	return failed ? 1 : 0;
}
