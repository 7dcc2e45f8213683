/* The SQLite backend driven through its vtable with a small schema of its own, plus raw
 * sqlite3 connections to look at (and tamper with) the file behind its back. */
#include "helpers.h"

#include "kiscrm/sys/backend.h"
#include "backends/sqlite/sqlite.h" /* the bulk-load test hooks */

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- test schema ------------------------------------------------------------------ */

enum { K_ACCOUNT = 1, K_CONTACT = 2, K_NOTE = 3 };
enum { A_ID, A_NAME, A_CREDIT, A_SINCE, A_SCORE, A_OWNER, A_CITY };

static const kiscrm_field_def account_fields_v2[] = {
	{ "id", KISCRM_TYPE_INT, 0, 0 },
	{ "name", KISCRM_TYPE_TEXT, KISCRM_FIELD_INDEXED, 0 },
	{ "credit", KISCRM_TYPE_MONEY, 0, 0 },
	{ "since", KISCRM_TYPE_DATE, 0, 0 },
	{ "score", KISCRM_TYPE_RATE, 0, 0 },
	{ "owner", KISCRM_TYPE_INT, 0, 0 },
	{ "city", KISCRM_TYPE_TEXT, 0, 0 }, /* added in version 2 */
};
static const kiscrm_field_def contact_fields[] = {
	{ "id", KISCRM_TYPE_INT, 0, 0 },
	{ "account_id", KISCRM_TYPE_INT, KISCRM_FIELD_INDEXED, K_ACCOUNT },
	{ "name", KISCRM_TYPE_TEXT, 0, 0 },
	{ "updated", KISCRM_TYPE_TIME, 0, 0 },
};
static const kiscrm_field_def note_fields[] = {
	{ "id", KISCRM_TYPE_INT, 0, 0 },
	{ "body", KISCRM_TYPE_TEXT, 0, 0 },
};

/* Version 1 has the first six account fields. */
static const kiscrm_kind_def account_v1 = { K_ACCOUNT, "account", 6, account_fields_v2 };
static const kiscrm_kind_def account_v2 = { K_ACCOUNT, "account", 7, account_fields_v2 };
static const kiscrm_kind_def contact = { K_CONTACT, "contact", 4, contact_fields };
/* "order" is an SQL keyword: names must be quoted. */
static const kiscrm_kind_def note = { K_NOTE, "order", 2, note_fields };
/* A kind the schemas do not contain. */
static const kiscrm_kind_def stranger = { 9, "stranger", 2, note_fields };

static const kiscrm_kind_def *const kinds_v1[] = { &account_v1, &contact };
static const kiscrm_kind_def *const kinds_v2[] = { &account_v2, &contact, &note };
static const kiscrm_schema schema_v1 = { 1, 2, kinds_v1 };
static const kiscrm_schema schema_v2 = { 2, 3, kinds_v2 };

#define KINGDEE "北京金蝶软件有限公司"

/* ---- fixture ---------------------------------------------------------------------- */

typedef struct fixture {
	char dir[64];
	char path[128];
	kiscrm_backend *b;
} fixture;

static void path_in(const fixture *f, char *out, size_t size, const char *suffix)
{
	snprintf(out, size, "%s%s", f->path, suffix);
}

static int setup_files(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/kiscrm_sqlite_XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/crm.db", f->dir);
	*state = f;
	return 0;
}

static int setup_v1(void **state)
{
	setup_files(state);
	fixture *f = *state;
	assert_rc(KISCRM_OK, kiscrm_backend_sqlite_new(&f->b, f->path, 0));
	assert_rc(KISCRM_OK, f->b->open(f->b, &schema_v1));
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	char p[160];
	if (f->b)
		f->b->free(f->b);
	remove(f->path);
	path_in(f, p, sizeof(p), "-wal");
	remove(p);
	path_in(f, p, sizeof(p), "-shm");
	remove(p);
	path_in(f, p, sizeof(p), "-journal");
	remove(p);
	rmdir(f->dir);
	free(f);
	return 0;
}

/* ---- rows ------------------------------------------------------------------------- */

static kiscrm_value v_int(int type, int64_t i)
{
	kiscrm_value v;
	v.type = type;
	v.u.i = i;
	return v;
}

static kiscrm_value v_text(const char *s)
{
	kiscrm_value v;
	v.type = s ? KISCRM_TYPE_TEXT : KISCRM_TYPE_NULL;
	v.u.s = s;
	return v;
}

static kiscrm_value v_rate(double r)
{
	kiscrm_value v;
	v.type = KISCRM_TYPE_RATE;
	v.u.r = r;
	return v;
}

static kiscrm_value v_null(void)
{
	return v_int(KISCRM_TYPE_NULL, 0);
}

static void account_row(kiscrm_value *row, int64_t id, const char *name, int64_t credit,
			int64_t since, double score, int64_t owner)
{
	row[A_ID] = v_int(KISCRM_TYPE_INT, id);
	row[A_NAME] = v_text(name);
	row[A_CREDIT] = v_int(KISCRM_TYPE_MONEY, credit);
	row[A_SINCE] = v_int(KISCRM_TYPE_DATE, since);
	row[A_SCORE] = v_rate(score);
	row[A_OWNER] = owner ? v_int(KISCRM_TYPE_INT, owner) : v_null();
	row[A_CITY] = v_null();
}

static kiscrm_id add_account(kiscrm_backend *b, int64_t id, const char *name, int64_t credit,
			     int64_t since, double score, int64_t owner)
{
	kiscrm_value row[7];
	kiscrm_id out = -1;
	account_row(row, id, name, credit, since, score, owner);
	assert_rc(KISCRM_OK, b->insert(b, &account_v1, row, &out));
	return out;
}

/* Copies of the rows a callback saw. */
#define MAX_ROWS 80
typedef struct seen_value {
	int type;
	int64_t i;
	double r;
	char s[128];
} seen_value;

typedef struct collector {
	int n;
	int stop_at; /* 1-based row at which to return stop_rc; 0: never */
	int stop_rc;
	int nfields;
	seen_value rows[MAX_ROWS][8];
} collector;

static int collect(void *payload, const kiscrm_value *row)
{
	collector *c = payload;
	assert_true(c->n < MAX_ROWS);
	for (int i = 0; i < c->nfields; i++) {
		seen_value *s = &c->rows[c->n][i];
		s->type = row[i].type;
		if (row[i].type == KISCRM_TYPE_TEXT)
			snprintf(s->s, sizeof(s->s), "%s", row[i].u.s);
		else if (row[i].type == KISCRM_TYPE_RATE)
			s->r = row[i].u.r;
		else
			s->i = row[i].u.i;
	}
	c->n++;
	if (c->stop_at && c->n == c->stop_at)
		return c->stop_rc;
	return 0;
}

static collector *new_collector(int nfields)
{
	collector *c = calloc(1, sizeof(*c));
	assert_non_null(c);
	c->nfields = nfields;
	return c;
}

static void assert_error_mentions(const char *needle)
{
	const char *msg = kiscrm_error_last()->message;
	if (!strstr(msg, needle))
		fail_msg("error message '%s' does not mention '%s'", msg, needle);
}

/* Runs a one-condition scan of accounts and checks the ids that come back. */
static void expect_ids(kiscrm_backend *b, const kiscrm_query *q, const int64_t *ids, int n)
{
	collector *c = new_collector(6);
	assert_rc(KISCRM_OK, b->scan(b, &account_v1, q, collect, c));
	if (c->n != n)
		fail_msg("expected %d rows, got %d", n, c->n);
	for (int i = 0; i < n; i++)
		assert_int_equal(ids[i], c->rows[i][A_ID].i);
	int64_t count = -1;
	assert_rc(KISCRM_OK, b->count(b, &account_v1, q, &count));
	assert_int_equal(n, count);
	free(c);
}

static void expect_one(kiscrm_backend *b, int field, int op, kiscrm_value v,
		       const int64_t *ids, int n)
{
	kiscrm_cond cond = { field, op, v };
	kiscrm_query q = { 1, &cond, 0 };
	expect_ids(b, &q, ids, n);
}

/* Raw helpers on the file. */
static sqlite3 *raw_open(const char *path)
{
	sqlite3 *db = NULL;
	assert_int_equal(SQLITE_OK, sqlite3_open(path, &db));
	return db;
}

static int64_t raw_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	assert_int_equal(SQLITE_OK, sqlite3_prepare_v2(db, sql, -1, &st, NULL));
	assert_int_equal(SQLITE_ROW, sqlite3_step(st));
	int64_t v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void raw_exec(sqlite3 *db, const char *sql)
{
	char *err = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("raw sql '%s' failed: %s", sql, err);
}

static unsigned char *read_file(const char *path, long *size)
{
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	*size = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	unsigned char *data = malloc((size_t)*size + 1);
	assert_non_null(data);
	assert_int_equal(*size, (long)fread(data, 1, (size_t)*size, fp));
	fclose(fp);
	return data;
}

/* ---- creation --------------------------------------------------------------------- */

static void test_new_bad_args(void **state)
{
	(void)state;
	kiscrm_backend *b = (kiscrm_backend *)&b;
	assert_rc(KISCRM_EINVALID, kiscrm_backend_sqlite_new(NULL, ":memory:", 0));
	assert_rc(KISCRM_EINVALID, kiscrm_backend_sqlite_new(&b, ":memory:", -5));
	assert_null(b);
	assert_error_mentions("-5");
}

static void test_new_unopenable_path(void **state)
{
	(void)state;
	kiscrm_backend *b = NULL;
	const char *path = "/nonexistent-kiscrm-dir/sub/crm.db";
	assert_rc(KISCRM_ESTORAGE, kiscrm_backend_sqlite_new(&b, path, 0));
	assert_null(b);
	assert_error_mentions(path);
}

static void test_new_not_a_database(void **state)
{
	fixture *f = *state;
	FILE *fp = fopen(f->path, "wb");
	assert_non_null(fp);
	for (int i = 0; i < 200; i++)
		fputs("this is not sqlite ", fp);
	fclose(fp);
	assert_rc(KISCRM_ESTORAGE, kiscrm_backend_sqlite_new(&f->b, f->path, 0));
	assert_null(f->b);
	assert_error_mentions(f->path);
	assert_error_mentions("not a database");
}

static void test_memory_database(void **state)
{
	(void)state;
	kiscrm_backend *b = NULL;
	assert_rc(KISCRM_OK, kiscrm_backend_sqlite_new(&b, NULL, 0));
	assert_int_equal(KISCRM_BACKEND_VERSION, b->version);
	assert_non_null(b->count);
	assert_rc(KISCRM_OK, b->open(b, &schema_v1));
	assert_int_equal(1, add_account(b, 0, "a", 1, 2, 0.5, 0));
	int64_t n = 0;
	assert_rc(KISCRM_OK, b->count(b, &account_v1, NULL, &n));
	assert_int_equal(1, n);
	b->free(b);
}

static void test_not_opened_and_bad_schema(void **state)
{
	(void)state;
	kiscrm_backend *b = NULL;
	int64_t n;
	kiscrm_value row[7];
	account_row(row, 0, "x", 0, 0, 0, 0);
	assert_rc(KISCRM_OK, kiscrm_backend_sqlite_new(&b, ":memory:", 0));
	assert_rc(KISCRM_EINVALID, b->insert(b, &account_v1, row, NULL));
	assert_error_mentions("not opened");
	assert_rc(KISCRM_EINVALID, b->count(b, &account_v1, NULL, &n));
	assert_rc(KISCRM_EINVALID, b->open(b, NULL));

	/* Field 0 must be the INT id. */
	static const kiscrm_field_def bad_fields[] = { { "name", KISCRM_TYPE_TEXT, 0, 0 } };
	static const kiscrm_kind_def bad_kind = { 5, "bad", 1, bad_fields };
	static const kiscrm_kind_def *const bad_kinds[] = { &bad_kind };
	static const kiscrm_schema bad_schema = { 1, 1, bad_kinds };
	assert_rc(KISCRM_EINVALID, b->open(b, &bad_schema));
	assert_error_mentions("'bad'");

	/* A quote in a name would break the quoted identifiers. */
	static const kiscrm_field_def quote_fields[] = {
		{ "id", KISCRM_TYPE_INT, 0, 0 }, { "na\"me", KISCRM_TYPE_TEXT, 0, 0 } };
	static const kiscrm_kind_def quote_kind = { 5, "quoted", 2, quote_fields };
	static const kiscrm_kind_def *const quote_kinds[] = { &quote_kind };
	static const kiscrm_schema quote_schema = { 1, 1, quote_kinds };
	assert_rc(KISCRM_EINVALID, b->open(b, &quote_schema));
	assert_error_mentions("na\"me");
	b->free(b);
}

/* ---- records ---------------------------------------------------------------------- */

static void test_crud_round_trip(void **state)
{
	fixture *f = *state;
	kiscrm_backend *b = f->b;
	/* A fresh table starts its ids at 1. 123456789012 fen does not fit 32 bits;
	 * date -1 is 1969-12-31; 0.25 is exact in binary. */
	assert_int_equal(1, add_account(b, 0, KINGDEE, 123456789012LL, -1, 0.25, 0));
	assert_int_equal(2, add_account(b, 0, "Acme", -500, 19000, 1.0, 1));

	collector *c = new_collector(6);
	assert_rc(KISCRM_OK, b->get(b, &account_v1, 1, collect, c));
	assert_int_equal(1, c->n);
	assert_int_equal(KISCRM_TYPE_INT, c->rows[0][A_ID].type);
	assert_int_equal(1, c->rows[0][A_ID].i);
	assert_int_equal(KISCRM_TYPE_TEXT, c->rows[0][A_NAME].type);
	assert_memory_equal(KINGDEE, c->rows[0][A_NAME].s, sizeof(KINGDEE)); /* with NUL */
	assert_int_equal(30, strlen(c->rows[0][A_NAME].s)); /* 10 CJK chars x 3 bytes */
	assert_int_equal(KISCRM_TYPE_MONEY, c->rows[0][A_CREDIT].type);
	assert_int_equal(123456789012LL, c->rows[0][A_CREDIT].i);
	assert_int_equal(KISCRM_TYPE_DATE, c->rows[0][A_SINCE].type);
	assert_int_equal(-1, c->rows[0][A_SINCE].i);
	assert_int_equal(KISCRM_TYPE_RATE, c->rows[0][A_SCORE].type);
	assert_true(c->rows[0][A_SCORE].r == 0.25);
	assert_int_equal(KISCRM_TYPE_NULL, c->rows[0][A_OWNER].type);

	/* Update replaces the whole row. */
	kiscrm_value row[7];
	account_row(row, 1, "Kingdee", 7, 8, 0.5, 2);
	assert_rc(KISCRM_OK, b->update(b, &account_v1, row));
	c->n = 0;
	assert_rc(KISCRM_OK, b->get(b, &account_v1, 1, collect, c));
	assert_string_equal("Kingdee", c->rows[0][A_NAME].s);
	assert_int_equal(7, c->rows[0][A_CREDIT].i);
	assert_int_equal(8, c->rows[0][A_SINCE].i);
	assert_true(c->rows[0][A_SCORE].r == 0.5);
	assert_int_equal(KISCRM_TYPE_INT, c->rows[0][A_OWNER].type);
	assert_int_equal(2, c->rows[0][A_OWNER].i);

	/* An identical update still finds the row. */
	assert_rc(KISCRM_OK, b->update(b, &account_v1, row));

	account_row(row, 99, "nobody", 0, 0, 0, 0);
	assert_rc(KISCRM_ENOTFOUND, b->update(b, &account_v1, row));
	assert_error_mentions("99");

	assert_rc(KISCRM_OK, b->remove(b, &account_v1, 1));
	assert_rc(KISCRM_ENOTFOUND, b->get(b, &account_v1, 1, collect, c));
	assert_error_mentions("1");
	assert_rc(KISCRM_ENOTFOUND, b->remove(b, &account_v1, 1));
	assert_rc(KISCRM_ENOTFOUND, b->remove(b, &account_v1, 12345));
	assert_error_mentions("12345");
	free(c);
}

static void test_explicit_ids(void **state)
{
	fixture *f = *state;
	kiscrm_backend *b = f->b;
	kiscrm_value row[7];
	kiscrm_id id = 0;
	assert_int_equal(10, add_account(b, 10, "ten", 0, 0, 0, 0));
	account_row(row, 10, "again", 0, 0, 0, 0);
	assert_rc(KISCRM_EEXISTS, b->insert(b, &account_v1, row, &id));
	assert_error_mentions("10");
	/* The next assigned id is above every id used: 10 + 1. */
	assert_int_equal(11, add_account(b, 0, "eleven", 0, 0, 0, 0));
	/* A NULL id also means "assign". */
	account_row(row, 0, "twelve", 0, 0, 0, 0);
	row[A_ID] = v_null();
	assert_rc(KISCRM_OK, b->insert(b, &account_v1, row, &id));
	assert_int_equal(12, id);
	/* out_id may be NULL. */
	account_row(row, 0, "thirteen", 0, 0, 0, 0);
	assert_rc(KISCRM_OK, b->insert(b, &account_v1, row, NULL));
	account_row(row, -4, "negative", 0, 0, 0, 0);
	assert_rc(KISCRM_EINVALID, b->insert(b, &account_v1, row, &id));
	assert_error_mentions("-4");
	/* Tables are separate: contact ids start at 1. */
	kiscrm_value crow[4] = { v_null(), v_int(KISCRM_TYPE_INT, 10), v_text("张三"),
				 v_int(KISCRM_TYPE_TIME, 1700000000) };
	assert_rc(KISCRM_OK, b->insert(b, &contact, crow, &id));
	assert_int_equal(1, id);
}

static void test_autoincrement_never_reuses(void **state)
{
	fixture *f = *state;
	kiscrm_backend *b = f->b;
	assert_int_equal(1, add_account(b, 0, "a", 0, 0, 0, 0));
	assert_int_equal(2, add_account(b, 0, "b", 0, 0, 0, 0));
	assert_int_equal(3, add_account(b, 0, "c", 0, 0, 0, 0));
	assert_rc(KISCRM_OK, b->remove(b, &account_v1, 3));
	/* 3 was the maximum and is gone, but was used: next is 4. */
	assert_int_equal(4, add_account(b, 0, "d", 0, 0, 0, 0));

	/* Still true after reopening the file. */
	b->free(b);
	assert_rc(KISCRM_OK, kiscrm_backend_sqlite_new(&f->b, f->path, 0));
	b = f->b;
	assert_rc(KISCRM_OK, b->open(b, &schema_v1));
	assert_rc(KISCRM_OK, b->remove(b, &account_v1, 4));
	assert_int_equal(5, add_account(b, 0, "e", 0, 0, 0, 0));
}

static void test_bad_rows_and_kinds(void **state)
{
	fixture *f = *state;
	kiscrm_backend *b = f->b;
	kiscrm_value row[7];
	kiscrm_id id;
	collector *c = new_collector(2);
	account_row(row, 0, "x", 0, 0, 0, 0);
	assert_rc(KISCRM_EINVALID, b->insert(b, &stranger, row, &id));
	assert_error_mentions("stranger");
	assert_rc(KISCRM_EINVALID, b->get(b, &stranger, 1, collect, c));
	assert_rc(KISCRM_EINVALID, b->scan(b, &stranger, NULL, collect, c));
	assert_rc(KISCRM_EINVALID, b->insert(b, &account_v1, NULL, &id));
	assert_rc(KISCRM_EINVALID, b->update(b, &account_v1, NULL));
	assert_rc(KISCRM_EINVALID, b->get(b, &account_v1, 1, NULL, c));
	assert_rc(KISCRM_EINVALID, b->scan(b, &account_v1, NULL, NULL, c));
	assert_rc(KISCRM_EINVALID, b->count(b, &account_v1, NULL, NULL));
	/* A number where the field is TEXT. */
	row[A_NAME] = v_int(KISCRM_TYPE_INT, 5);
	assert_rc(KISCRM_EINVALID, b->insert(b, &account_v1, row, &id));
	assert_error_mentions("'name'");
	/* Text where the field is MONEY. */
	account_row(row, 0, "x", 0, 0, 0, 0);
	row[A_CREDIT] = v_text("12.00");
	assert_rc(KISCRM_EINVALID, b->insert(b, &account_v1, row, &id));
	assert_error_mentions("'credit'");
	/* Nothing was stored by the failed inserts. */
	int64_t n = -1;
	assert_rc(KISCRM_OK, b->count(b, &account_v1, NULL, &n));
	assert_int_equal(0, n);
	free(c);
}

/* An insert lists only the fields its row sets (backends/sqlite/insert.c), keeping a
 * few statements by shape. Every one of the 32 shapes of the five account fields,
 * twice over (so that evicted shapes come back), each row read back field by field: a
 * value bound to the wrong parameter, or a statement of another shape reused, puts a
 * value in a column the row left NULL or loses one. */
static void test_insert_shapes(void **state)
{
	fixture *f = *state;
	kiscrm_backend *b = f->b;
	collector *c = new_collector(6);
	for (int round = 0; round < 2; round++)
		for (int set = 0; set < 32; set++) {
			int64_t n = round * 32 + set + 1; /* the row's id, its values derived from it */
			char name[16];
			snprintf(name, sizeof(name), "acct %lld", (long long)n);
			kiscrm_value row[7];
			row[A_ID] = v_int(KISCRM_TYPE_INT, round ? n : 0); /* the first round: assigned */
			row[A_NAME] = set & 1 ? v_text(name) : v_null();
			row[A_CREDIT] = set & 2 ? v_int(KISCRM_TYPE_MONEY, 100 * n) : v_null();
			row[A_SINCE] = set & 4 ? v_int(KISCRM_TYPE_DATE, 20000 + n) : v_null();
			row[A_SCORE] = set & 8 ? v_rate((double)n / 4) : v_null();
			row[A_OWNER] = set & 16 ? v_int(KISCRM_TYPE_INT, 1000 + n) : v_null();
			kiscrm_id id = -1;
			assert_rc(KISCRM_OK, b->insert(b, &account_v1, row, &id));
			assert_int_equal(n, id);
			c->n = 0;
			assert_rc(KISCRM_OK, b->get(b, &account_v1, n, collect, c));
			assert_int_equal(1, c->n);
			seen_value *v = c->rows[0];
			assert_int_equal(set & 1 ? KISCRM_TYPE_TEXT : KISCRM_TYPE_NULL, v[A_NAME].type);
			if (set & 1)
				assert_string_equal(name, v[A_NAME].s);
			assert_int_equal(set & 2 ? KISCRM_TYPE_MONEY : KISCRM_TYPE_NULL, v[A_CREDIT].type);
			assert_int_equal(set & 2 ? 100 * n : 0, v[A_CREDIT].i);
			assert_int_equal(set & 4 ? KISCRM_TYPE_DATE : KISCRM_TYPE_NULL, v[A_SINCE].type);
			assert_int_equal(set & 4 ? 20000 + n : 0, v[A_SINCE].i);
			assert_int_equal(set & 8 ? KISCRM_TYPE_RATE : KISCRM_TYPE_NULL, v[A_SCORE].type);
			if (set & 8)
				assert_true(v[A_SCORE].r == (double)n / 4);
			assert_int_equal(set & 16 ? KISCRM_TYPE_INT : KISCRM_TYPE_NULL, v[A_OWNER].type);
			assert_int_equal(set & 16 ? 1000 + n : 0, v[A_OWNER].i);
		}
	free(c);
}

/* A kind of more than 64 fields (beyond the shape's bit set) lists them all: the first,
 * a middle and the last field set, the rest NULL, read back with a raw connection. */
#define WIDE_FIELDS 70
static void test_insert_wide_kind(void **state)
{
	fixture *f = *state;
	static char names[WIDE_FIELDS][8];
	static kiscrm_field_def fields[WIDE_FIELDS];
	fields[0] = (kiscrm_field_def){ "id", KISCRM_TYPE_INT, 0, 0 };
	for (int i = 1; i < WIDE_FIELDS; i++) {
		snprintf(names[i], sizeof(names[i]), "f%d", i);
		fields[i] = (kiscrm_field_def){ names[i], i % 2 ? KISCRM_TYPE_INT : KISCRM_TYPE_TEXT, 0, 0 };
	}
	static const kiscrm_kind_def wide = { 5, "wide", WIDE_FIELDS, fields };
	static const kiscrm_kind_def *const kinds[] = { &wide };
	static const kiscrm_schema schema = { 1, 1, kinds };
	kiscrm_backend *w = NULL;
	char path[160];
	path_in(f, path, sizeof(path), "-wide");
	assert_rc(KISCRM_OK, kiscrm_backend_sqlite_new(&w, path, 0));
	assert_rc(KISCRM_OK, w->open(w, &schema));
	kiscrm_value row[WIDE_FIELDS];
	for (int i = 0; i < WIDE_FIELDS; i++)
		row[i] = v_null();
	row[1] = v_int(KISCRM_TYPE_INT, 11);
	row[34] = v_text("middle");
	row[69] = v_int(KISCRM_TYPE_INT, 69);
	kiscrm_id id = -1;
	assert_rc(KISCRM_OK, w->insert(w, &wide, row, &id));
	assert_int_equal(1, id);
	row[1] = v_null();
	row[68] = v_text("late");
	assert_rc(KISCRM_OK, w->insert(w, &wide, row, &id));
	assert_int_equal(2, id);
	w->free(w);
	sqlite3 *raw = raw_open(path);
	assert_int_equal(11, raw_int(raw, "SELECT f1 FROM wide WHERE id = 1"));
	assert_int_equal(1, raw_int(raw, "SELECT f1 IS NULL FROM wide WHERE id = 2"));
	assert_int_equal(2, raw_int(raw, "SELECT count(*) FROM wide WHERE f34 = 'middle' AND f69 = 69"));
	assert_int_equal(1, raw_int(raw, "SELECT f68 IS NULL AND f2 IS NULL AND f67 IS NULL FROM wide WHERE id = 1"));
	assert_int_equal(1, raw_int(raw, "SELECT f68 = 'late' FROM wide WHERE id = 2"));
	sqlite3_close(raw);
	static const char *const suffixes[] = { "-wide", "-wide-wal", "-wide-shm" };
	for (int i = 0; i < 3; i++) {
		path_in(f, path, sizeof(path), suffixes[i]);
		remove(path);
	}
}

/* ---- queries ---------------------------------------------------------------------- */

/* ids inserted out of order: 30, 10, 20, 40, 50.
 *   id  name                     credit  since  score  owner
 *   30  北京金蝶软件有限公司      5000    100    0.5    1
 *   10  上海金蝶分公司            -200    50     0.25   NULL
 *   20  Acme                     5000    NULL   0.75   2
 *   40  NULL                     0       200    0.5    1
 *   50  acme                     9999    150    1.5    NULL */
static void load_query_data(kiscrm_backend *b)
{
	kiscrm_value row[7];
	kiscrm_id id;
	assert_int_equal(30, add_account(b, 30, KINGDEE, 5000, 100, 0.5, 1));
	assert_int_equal(10, add_account(b, 10, "上海金蝶分公司", -200, 50, 0.25, 0));
	account_row(row, 20, "Acme", 5000, 0, 0.75, 2);
	row[A_SINCE] = v_null();
	assert_rc(KISCRM_OK, b->insert(b, &account_v1, row, &id));
	assert_int_equal(40, add_account(b, 40, NULL, 0, 200, 0.5, 1));
	assert_int_equal(50, add_account(b, 50, "acme", 9999, 150, 1.5, 0));
}

static void test_scan_all_ascending(void **state)
{
	fixture *f = *state;
	load_query_data(f->b);
	static const int64_t all[] = { 10, 20, 30, 40, 50 };
	expect_ids(f->b, NULL, all, 5);
	kiscrm_query empty = { 0, NULL, 0 };
	expect_ids(f->b, &empty, all, 5);
}

static void test_scan_operators(void **state)
{
	fixture *f = *state;
	kiscrm_backend *b = f->b;
	load_query_data(b);
	kiscrm_value m5000 = v_int(KISCRM_TYPE_MONEY, 5000);

	static const int64_t eq[] = { 20, 30 };
	expect_one(b, A_CREDIT, KISCRM_OP_EQ, m5000, eq, 2);
	static const int64_t ne[] = { 10, 40, 50 };
	expect_one(b, A_CREDIT, KISCRM_OP_NE, m5000, ne, 3);
	static const int64_t lt[] = { 10, 40 }; /* -200, 0 */
	expect_one(b, A_CREDIT, KISCRM_OP_LT, m5000, lt, 2);
	static const int64_t le[] = { 10, 20, 30, 40 };
	expect_one(b, A_CREDIT, KISCRM_OP_LE, m5000, le, 4);
	static const int64_t gt[] = { 50 };
	expect_one(b, A_CREDIT, KISCRM_OP_GT, m5000, gt, 1);
	static const int64_t ge[] = { 20, 30, 50 };
	expect_one(b, A_CREDIT, KISCRM_OP_GE, m5000, ge, 3);

	/* Dates: since >= 100 → 30 (100), 40 (200), 50 (150); 20 has NULL. */
	static const int64_t since_ge[] = { 30, 40, 50 };
	expect_one(b, A_SINCE, KISCRM_OP_GE, v_int(KISCRM_TYPE_DATE, 100), since_ge, 3);
	/* NULL never satisfies <>: since <> 100 → 10, 40, 50. */
	static const int64_t since_ne[] = { 10, 40, 50 };
	expect_one(b, A_SINCE, KISCRM_OP_NE, v_int(KISCRM_TYPE_DATE, 100), since_ne, 3);

	/* Rates: score > 0.5 → 20 (0.75), 50 (1.5); score = 0.5 → 30, 40. */
	static const int64_t score_gt[] = { 20, 50 };
	expect_one(b, A_SCORE, KISCRM_OP_GT, v_rate(0.5), score_gt, 2);
	static const int64_t score_eq[] = { 30, 40 };
	expect_one(b, A_SCORE, KISCRM_OP_EQ, v_rate(0.5), score_eq, 2);

	/* Text compares bytewise: "Acme" < "acme" ('A' 0x41 < 'a' 0x61) and both are
	 * below the CJK names (lead bytes 0xE4, 0xE5). name < "a" → only "Acme". */
	static const int64_t name_lt[] = { 20 };
	expect_one(b, A_NAME, KISCRM_OP_LT, v_text("a"), name_lt, 1);
	static const int64_t name_eq[] = { 50 };
	expect_one(b, A_NAME, KISCRM_OP_EQ, v_text("acme"), name_eq, 1);
	static const int64_t name_eq_cjk[] = { 30 };
	expect_one(b, A_NAME, KISCRM_OP_EQ, v_text(KINGDEE), name_eq_cjk, 1);

	/* Ids are a field like any other. */
	static const int64_t id_le[] = { 10, 20 };
	expect_one(b, A_ID, KISCRM_OP_LE, v_int(KISCRM_TYPE_INT, 20), id_le, 2);
}

static void test_scan_null_conditions(void **state)
{
	fixture *f = *state;
	kiscrm_backend *b = f->b;
	load_query_data(b);
	static const int64_t owner_null[] = { 10, 50 };
	expect_one(b, A_OWNER, KISCRM_OP_EQ, v_null(), owner_null, 2);
	static const int64_t owner_set[] = { 20, 30, 40 };
	expect_one(b, A_OWNER, KISCRM_OP_NE, v_null(), owner_set, 3);
	static const int64_t name_null[] = { 40 };
	expect_one(b, A_NAME, KISCRM_OP_EQ, v_text(NULL), name_null, 1);
	/* Ordering against NULL matches nothing. */
	expect_one(b, A_CREDIT, KISCRM_OP_LT, v_null(), NULL, 0);
	expect_one(b, A_NAME, KISCRM_OP_CONTAINS, v_null(), NULL, 0);
}

static void test_scan_contains(void **state)
{
	fixture *f = *state;
	kiscrm_backend *b = f->b;
	load_query_data(b);
	/* "金蝶" is in 北京金蝶软件有限公司 (30) and 上海金蝶分公司 (10); NULL name (40) never
	 * matches. */
	static const int64_t kd[] = { 10, 30 };
	expect_one(b, A_NAME, KISCRM_OP_CONTAINS, v_text("金蝶"), kd, 2);
	static const int64_t bj[] = { 30 };
	expect_one(b, A_NAME, KISCRM_OP_CONTAINS, v_text("北京"), bj, 1);
	/* Case-sensitive bytes: "cm" is in "Acme" and "acme"; "AC" in neither. */
	static const int64_t cm[] = { 20, 50 };
	expect_one(b, A_NAME, KISCRM_OP_CONTAINS, v_text("cm"), cm, 2);
	expect_one(b, A_NAME, KISCRM_OP_CONTAINS, v_text("AC"), NULL, 0);
	/* The empty string is in every non-NULL name. */
	static const int64_t any[] = { 10, 20, 30, 50 };
	expect_one(b, A_NAME, KISCRM_OP_CONTAINS, v_text(""), any, 4);
	/* Wildcards are not special. */
	expect_one(b, A_NAME, KISCRM_OP_CONTAINS, v_text("%"), NULL, 0);
	/* CONTAINS on a non-TEXT field matches nothing (as kiscrm_query_match()). */
	expect_one(b, A_CREDIT, KISCRM_OP_CONTAINS, v_int(KISCRM_TYPE_MONEY, 5), NULL, 0);

	/* The matched CJK text comes back byte-exact. */
	kiscrm_cond cond = { A_NAME, KISCRM_OP_CONTAINS, v_text("软件") };
	kiscrm_query q = { 1, &cond, 0 };
	collector *c = new_collector(6);
	assert_rc(KISCRM_OK, b->scan(b, &account_v1, &q, collect, c));
	assert_int_equal(1, c->n);
	assert_memory_equal(KINGDEE, c->rows[0][A_NAME].s, sizeof(KINGDEE));
	free(c);
}

static void test_scan_conjunction(void **state)
{
	fixture *f = *state;
	load_query_data(f->b);
	/* credit >= 0 AND score = 0.5 AND name contains "金" → 30 only (40 has no name). */
	kiscrm_cond conds[3] = {
		{ A_CREDIT, KISCRM_OP_GE, v_int(KISCRM_TYPE_MONEY, 0) },
		{ A_SCORE, KISCRM_OP_EQ, v_rate(0.5) },
		{ A_NAME, KISCRM_OP_CONTAINS, v_text("金") },
	};
	kiscrm_query q = { 3, conds, 0 };
	static const int64_t ids[] = { 30 };
	expect_ids(f->b, &q, ids, 1);
	q.ncond = 2; /* without the name: 30, 40 */
	static const int64_t ids2[] = { 30, 40 };
	expect_ids(f->b, &q, ids2, 2);
}

static void test_scan_projection(void **state)
{
	fixture *f = *state;
	load_query_data(f->b);
	/* Bit 1 (name) and bit 4 (score) only; bit 0 is always there. */
	kiscrm_query q = { 0, NULL, (1u << A_NAME) | (1u << A_SCORE) };
	collector *c = new_collector(6);
	assert_rc(KISCRM_OK, f->b->scan(f->b, &account_v1, &q, collect, c));
	assert_int_equal(5, c->n);
	assert_int_equal(10, c->rows[0][A_ID].i);
	assert_int_equal(KISCRM_TYPE_TEXT, c->rows[0][A_NAME].type);
	assert_string_equal("上海金蝶分公司", c->rows[0][A_NAME].s);
	assert_true(c->rows[0][A_SCORE].r == 0.25);
	assert_int_equal(KISCRM_TYPE_NULL, c->rows[0][A_CREDIT].type);
	assert_int_equal(KISCRM_TYPE_NULL, c->rows[0][A_SINCE].type);
	/* Row 20 has an owner, but it was not asked for. */
	assert_int_equal(20, c->rows[1][A_ID].i);
	assert_int_equal(KISCRM_TYPE_NULL, c->rows[1][A_OWNER].type);

	/* Only the id. */
	q.columns = 1;
	c->n = 0;
	assert_rc(KISCRM_OK, f->b->scan(f->b, &account_v1, &q, collect, c));
	assert_int_equal(5, c->n);
	assert_int_equal(50, c->rows[4][A_ID].i);
	assert_int_equal(KISCRM_TYPE_NULL, c->rows[4][A_NAME].type);
	free(c);
}

static void test_scan_callback_stops(void **state)
{
	fixture *f = *state;
	load_query_data(f->b);
	collector *c = new_collector(6);
	c->stop_at = 2;
	c->stop_rc = 42;
	assert_int_equal(42, f->b->scan(f->b, &account_v1, NULL, collect, c));
	assert_int_equal(2, c->n);
	/* get passes the callback's value on too. */
	c->n = 0;
	c->stop_at = 1;
	c->stop_rc = KISCRM_EUSER;
	assert_int_equal(KISCRM_EUSER, f->b->get(f->b, &account_v1, 30, collect, c));
	/* The stopped statement was reset: the same scan runs again in full. */
	c->n = 0;
	c->stop_at = 0;
	assert_rc(KISCRM_OK, f->b->scan(f->b, &account_v1, NULL, collect, c));
	assert_int_equal(5, c->n);
	free(c);
}

static void test_scan_bad_queries(void **state)
{
	fixture *f = *state;
	collector *c = new_collector(6);
	kiscrm_cond cond = { 17, KISCRM_OP_EQ, v_int(KISCRM_TYPE_INT, 1) };
	kiscrm_query q = { 1, &cond, 0 };
	int64_t n;
	assert_rc(KISCRM_EINVALID, f->b->scan(f->b, &account_v1, &q, collect, c));
	assert_error_mentions("17");
	assert_rc(KISCRM_EINVALID, f->b->count(f->b, &account_v1, &q, &n));
	cond.field = A_CREDIT;
	cond.op = 99;
	assert_rc(KISCRM_EINVALID, f->b->scan(f->b, &account_v1, &q, collect, c));
	assert_error_mentions("99");
	kiscrm_query none = { 2, NULL, 0 };
	assert_rc(KISCRM_EINVALID, f->b->scan(f->b, &account_v1, &none, collect, c));
	none.ncond = -1;
	assert_rc(KISCRM_EINVALID, f->b->scan(f->b, &account_v1, &none, collect, c));
	assert_int_equal(0, c->n);
	free(c);
}

/* A callback that runs the same scan and a get of the same kind from inside a scan:
 * the cached statements must not be reset under the outer loop. */
typedef struct nested {
	kiscrm_backend *b;
	int outer;
	int inner_total;
} nested;

static int count_rows(void *payload, const kiscrm_value *row)
{
	(void)row;
	(*(int *)payload)++;
	return 0;
}

static int nested_cb(void *payload, const kiscrm_value *row)
{
	nested *n = payload;
	int inner = 0, got = 0;
	n->outer++;
	assert_rc(KISCRM_OK, n->b->scan(n->b, &account_v1, NULL, count_rows, &inner));
	assert_rc(KISCRM_OK, n->b->get(n->b, &account_v1, row[0].u.i, count_rows, &got));
	assert_int_equal(1, got);
	n->inner_total += inner;
	return 0;
}

static int nested_get_cb(void *payload, const kiscrm_value *row)
{
	nested *n = payload;
	int got = 0;
	n->outer++;
	/* get inside get of the same kind; 10 is another row. */
	assert_rc(KISCRM_OK, n->b->get(n->b, &account_v1, 10, count_rows, &got));
	assert_int_equal(1, got);
	assert_int_equal(30, row[0].u.i);
	return 0;
}

static void test_scan_nested(void **state)
{
	fixture *f = *state;
	load_query_data(f->b);
	nested n = { f->b, 0, 0 };
	assert_rc(KISCRM_OK, f->b->scan(f->b, &account_v1, NULL, nested_cb, &n));
	/* 5 outer rows, each seeing all 5 rows again: 25. */
	assert_int_equal(5, n.outer);
	assert_int_equal(25, n.inner_total);
	n.outer = 0;
	assert_rc(KISCRM_OK, f->b->get(f->b, &account_v1, 30, nested_get_cb, &n));
	assert_int_equal(1, n.outer);
}

static void test_scan_many_shapes(void **state)
{
	fixture *f = *state;
	load_query_data(f->b);
	/* k copies of "id >= 0" for k = 1..80 give 80 different SQL texts, more than the
	 * statement cache holds; every one still counts all 5 rows. Two rounds exercise
	 * both eviction and hits. */
	kiscrm_cond conds[80];
	for (int i = 0; i < 80; i++) {
		conds[i].field = A_ID;
		conds[i].op = KISCRM_OP_GE;
		conds[i].value = v_int(KISCRM_TYPE_INT, 0);
	}
	for (int round = 0; round < 2; round++) {
		for (int k = 1; k <= 80; k++) {
			kiscrm_query q = { k, conds, 0 };
			int64_t n = -1;
			int rows = 0;
			assert_rc(KISCRM_OK, f->b->count(f->b, &account_v1, &q, &n));
			assert_int_equal(5, n);
			assert_rc(KISCRM_OK, f->b->scan(f->b, &account_v1, &q, count_rows, &rows));
			assert_int_equal(5, rows);
		}
	}
}

/* ---- transactions ----------------------------------------------------------------- */

static void test_rollback_restores(void **state)
{
	fixture *f = *state;
	kiscrm_backend *b = f->b;
	load_query_data(b);
	kiscrm_value row[7];
	assert_rc(KISCRM_OK, b->begin(b));
	assert_int_equal(51, add_account(b, 0, "new", 1, 1, 1, 0));
	account_row(row, 30, "changed", 1, 1, 1, 0);
	assert_rc(KISCRM_OK, b->update(b, &account_v1, row));
	assert_rc(KISCRM_OK, b->remove(b, &account_v1, 10));
	assert_rc(KISCRM_OK, b->rollback(b));

	static const int64_t all[] = { 10, 20, 30, 40, 50 };
	expect_ids(b, NULL, all, 5);
	collector *c = new_collector(6);
	assert_rc(KISCRM_OK, b->get(b, &account_v1, 30, collect, c));
	assert_string_equal(KINGDEE, c->rows[0][A_NAME].s);
	assert_int_equal(5000, c->rows[0][A_CREDIT].i);
	free(c);

	/* Committed work stays. */
	assert_rc(KISCRM_OK, b->begin(b));
	assert_rc(KISCRM_OK, b->remove(b, &account_v1, 40));
	assert_rc(KISCRM_OK, b->commit(b));
	static const int64_t after[] = { 10, 20, 30, 50 };
	expect_ids(b, NULL, after, 4);

	/* Rollback without a transaction is harmless; commit without one fails. */
	assert_rc(KISCRM_OK, b->rollback(b));
	assert_rc(KISCRM_ESTORAGE, b->commit(b));
	assert_error_mentions("commit");
}

static void test_wal_mode(void **state)
{
	fixture *f = *state;
	sqlite3 *db = raw_open(f->path);
	sqlite3_stmt *st;
	assert_int_equal(SQLITE_OK, sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL));
	assert_int_equal(SQLITE_ROW, sqlite3_step(st));
	assert_string_equal("wal", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	/* Also stamped: version 1 and our marker; indexes named <table>_<field>. */
	assert_int_equal(1, raw_int(db, "PRAGMA user_version"));
	assert_int_equal(1, raw_int(db, "SELECT count(*) FROM kiscrm_meta WHERE key = "
				    "'application' AND value = 'libkiscrm'"));
	assert_int_equal(1, raw_int(db, "SELECT count(*) FROM sqlite_master WHERE type = "
				    "'index' AND name = 'account_name' AND tbl_name = 'account'"));
	assert_int_equal(1, raw_int(db, "SELECT count(*) FROM sqlite_master WHERE type = "
				    "'index' AND name = 'contact_account_id'"));
	sqlite3_close(db);
}

static void test_busy(void **state)
{
	fixture *f = *state;
	f->b->free(f->b);
	assert_rc(KISCRM_OK, kiscrm_backend_sqlite_new(&f->b, f->path, 50));
	kiscrm_backend *b = f->b;
	assert_rc(KISCRM_OK, b->open(b, &schema_v1));
	assert_int_equal(1, add_account(b, 0, "before", 0, 0, 0, 0));

	sqlite3 *db = raw_open(f->path);
	raw_exec(db, "BEGIN IMMEDIATE");
	kiscrm_value row[7];
	kiscrm_id id;
	account_row(row, 0, "blocked", 0, 0, 0, 0);
	assert_rc(KISCRM_EBUSY, b->insert(b, &account_v1, row, &id));
	assert_error_mentions("insert into account");
	assert_rc(KISCRM_EBUSY, b->begin(b));
	/* Readers are not blocked by a writer in WAL mode. */
	int64_t n = -1;
	assert_rc(KISCRM_OK, b->count(b, &account_v1, NULL, &n));
	assert_int_equal(1, n);
	raw_exec(db, "COMMIT");
	sqlite3_close(db);

	/* Once the lock is gone the same insert works. */
	assert_rc(KISCRM_OK, b->insert(b, &account_v1, row, &id));
	assert_int_equal(2, id);
}

/* ---- schema versions -------------------------------------------------------------- */

static void test_migration_v1_to_v2(void **state)
{
	fixture *f = *state;
	kiscrm_backend *b = f->b;
	assert_int_equal(1, add_account(b, 0, KINGDEE, 800, 10, 0.5, 0));
	b->free(b);

	assert_rc(KISCRM_OK, kiscrm_backend_sqlite_new(&f->b, f->path, 0));
	b = f->b;
	assert_rc(KISCRM_OK, b->open(b, &schema_v2));
	collector *c = new_collector(7);
	assert_rc(KISCRM_OK, b->get(b, &account_v2, 1, collect, c));
	assert_string_equal(KINGDEE, c->rows[0][A_NAME].s);
	assert_int_equal(800, c->rows[0][A_CREDIT].i);
	assert_int_equal(KISCRM_TYPE_NULL, c->rows[0][A_CITY].type);

	/* The new column and the new kind work. */
	kiscrm_value row[7];
	kiscrm_id id;
	account_row(row, 1, KINGDEE, 800, 10, 0.5, 0);
	row[A_CITY] = v_text("深圳");
	assert_rc(KISCRM_OK, b->update(b, &account_v2, row));
	c->n = 0;
	assert_rc(KISCRM_OK, b->get(b, &account_v2, 1, collect, c));
	assert_string_equal("深圳", c->rows[0][A_CITY].s);
	kiscrm_value nrow[2] = { v_null(), v_text("first order") };
	assert_rc(KISCRM_OK, b->insert(b, &note, nrow, &id));
	assert_int_equal(1, id);
	free(c);

	sqlite3 *db = raw_open(f->path);
	assert_int_equal(2, raw_int(db, "PRAGMA user_version"));
	assert_int_equal(1, raw_int(db, "SELECT count(*) FROM \"order\""));
	sqlite3_close(db);

	/* Opening again at version 2 changes nothing and keeps working. */
	b->free(b);
	assert_rc(KISCRM_OK, kiscrm_backend_sqlite_new(&f->b, f->path, 0));
	assert_rc(KISCRM_OK, f->b->open(f->b, &schema_v2));
	int64_t n = -1;
	assert_rc(KISCRM_OK, f->b->count(f->b, &note, NULL, &n));
	assert_int_equal(1, n);
}

static void test_newer_database_refused(void **state)
{
	fixture *f = *state;
	add_account(f->b, 0, "kept", 1, 2, 0.5, 0);
	f->b->free(f->b);
	f->b = NULL;
	sqlite3 *db = raw_open(f->path);
	raw_exec(db, "PRAGMA user_version = 99");
	sqlite3_close(db); /* the last connection checkpoints the WAL into the file */

	long size_before, size_after;
	unsigned char *before = read_file(f->path, &size_before);
	kiscrm_backend *b = NULL;
	assert_rc(KISCRM_OK, kiscrm_backend_sqlite_new(&b, f->path, 0));
	assert_rc(KISCRM_EVERSION, b->open(b, &schema_v2));
	assert_error_mentions(f->path);
	assert_error_mentions("99");
	assert_error_mentions("upgrade libkiscrm");
	/* Nothing works on a refused database. */
	kiscrm_value row[7];
	account_row(row, 0, "x", 0, 0, 0, 0);
	assert_rc(KISCRM_EINVALID, b->insert(b, &account_v2, row, NULL));
	b->free(b);

	unsigned char *after = read_file(f->path, &size_after);
	assert_int_equal(size_before, size_after);
	assert_memory_equal(before, after, (size_t)size_before);
	free(before);
	free(after);
	db = raw_open(f->path);
	assert_int_equal(99, raw_int(db, "PRAGMA user_version"));
	assert_int_equal(1, raw_int(db, "SELECT count(*) FROM account WHERE name = 'kept'"));
	sqlite3_close(db);
}

static void test_foreign_database_refused(void **state)
{
	fixture *f = *state;
	sqlite3 *db = raw_open(f->path);
	raw_exec(db, "CREATE TABLE invoice (no INTEGER, total REAL)");
	sqlite3_close(db);
	assert_rc(KISCRM_OK, kiscrm_backend_sqlite_new(&f->b, f->path, 0));
	assert_rc(KISCRM_EINVALID, f->b->open(f->b, &schema_v1));
	assert_error_mentions("not a libkiscrm database");
	assert_error_mentions("invoice");
	assert_error_mentions(f->path);
	f->b->free(f->b);
	f->b = NULL;
	/* Untouched: still version 0, still only the foreign table. */
	db = raw_open(f->path);
	assert_int_equal(0, raw_int(db, "PRAGMA user_version"));
	assert_int_equal(1, raw_int(db, "SELECT count(*) FROM sqlite_master"));
	/* A versioned file without our marker is refused as well. */
	raw_exec(db, "PRAGMA user_version = 1");
	sqlite3_close(db);
	assert_rc(KISCRM_OK, kiscrm_backend_sqlite_new(&f->b, f->path, 0));
	assert_rc(KISCRM_EINVALID, f->b->open(f->b, &schema_v1));
	assert_error_mentions("not a libkiscrm database");
}

/* ---- deferred indexes of bulk loads (bulk.c) ------------------------------------------ */

/* Contacts n of a load: account 1 + n % 4, so a quarter of them under each account. */
static void add_contacts(kiscrm_backend *b, int from, int count)
{
	for (int n = from; n < from + count; n++) {
		kiscrm_value row[4] = { v_null(), v_int(KISCRM_TYPE_INT, 1 + n % 4), v_text("c"),
					v_int(KISCRM_TYPE_TIME, n) };
		assert_rc(KISCRM_OK, b->insert(b, &contact, row, NULL));
	}
}

static int64_t contacts_of(kiscrm_backend *b, int64_t account)
{
	kiscrm_cond c = { 1, KISCRM_OP_EQ, v_int(KISCRM_TYPE_INT, account) };
	kiscrm_query q = { 1, &c, 0 };
	int64_t n = -1;
	assert_rc(KISCRM_OK, b->count(b, &contact, &q, &n));
	return n;
}

static char *raw_text(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	assert_int_equal(SQLITE_OK, sqlite3_prepare_v2(db, sql, -1, &st, NULL));
	assert_int_equal(SQLITE_ROW, sqlite3_step(st));
	char *v = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	assert_non_null(v);
	return v;
}

#define INDEX_SQL "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = 'contact_account_id'"

/* Deferring is considered after 50 inserts, then at every doubling (100, 200 …), and
 * happens when the transaction's rows are at least half of the table.
 *   - 100 contacts without a transaction: never deferred (a DROP would stick).
 *   - 200 more in one: at 50 the table has 150 rows (> 100), at 100 it has 200 (<= 200):
 *     deferred. Another connection still sees the index (it reads the last commit).
 *   - COMMIT builds it again, with the schema's own definition, consistent with the rows
 *     (integrity_check), and queries use it: account 2 has 25 + 50 = 75 contacts. */
static void test_bulk_defers_indexes(void **state)
{
	fixture *f = *state;
	sqlite3 *raw = raw_open(f->path);
	char *before = raw_text(raw, INDEX_SQL);
	assert_rc(KISCRM_OK, kc_backend_sqlite_defer_after(f->b, 50));
	add_contacts(f->b, 0, 100);
	assert_int_equal(0, kc_backend_sqlite_deferred(f->b, "contact"));
	assert_rc(KISCRM_OK, f->b->begin(f->b));
	add_contacts(f->b, 100, 99);
	assert_int_equal(0, kc_backend_sqlite_deferred(f->b, "contact"));
	add_contacts(f->b, 199, 101);
	assert_int_equal(1, kc_backend_sqlite_deferred(f->b, "contact"));
	assert_int_equal(0, kc_backend_sqlite_deferred(f->b, "account")); /* untouched */
	assert_int_equal(1, raw_int(raw, "SELECT count(*) FROM sqlite_master WHERE name = 'contact_account_id'"));
	assert_rc(KISCRM_OK, f->b->commit(f->b));
	assert_int_equal(0, kc_backend_sqlite_deferred(f->b, "contact"));
	assert_int_equal(0, kc_backend_sqlite_index_builds(f->b)); /* built at commit, not by a read */
	char *after = raw_text(raw, INDEX_SQL);
	assert_string_equal(before, after);
	char *ok = raw_text(raw, "PRAGMA integrity_check");
	assert_string_equal("ok", ok);
	sqlite3_stmt *st;
	char plan[512] = "";
	assert_int_equal(SQLITE_OK, sqlite3_prepare_v2(raw, "EXPLAIN QUERY PLAN SELECT id FROM contact WHERE "
							  "account_id = 2", -1, &st, NULL));
	while (sqlite3_step(st) == SQLITE_ROW) /* id, parent, notused, detail */
		snprintf(plan + strlen(plan), sizeof(plan) - strlen(plan), "%s;", sqlite3_column_text(st, 3));
	sqlite3_finalize(st);
	if (!strstr(plan, "USING COVERING INDEX contact_account_id") && !strstr(plan, "USING INDEX contact_account_id"))
		fail_msg("the query does not use the index: %s", plan);
	assert_int_equal(75, contacts_of(f->b, 2));
	assert_int_equal(300, raw_int(raw, "SELECT count(*) FROM contact"));
	free(before);
	free(after);
	free(ok);
	sqlite3_close(raw);
}

/* Whether the transaction's rows are half of the table is judged by the span of its ids,
 * read from the two ends of the primary key rather than by counting every row: contacts 1
 * and 10,000 and then 100 more in one transaction (ids 10,001 … 10,100) are 102 rows, but
 * their ids span 10,050 at the 50th insert (> 100) and 10,100 at the 100th (> 200): the
 * index is kept, as for a table of mostly older rows. Without the older rows the same 100
 * inserts span 100 ids (<= 200): deferred. */
static void test_bulk_judges_by_id_span(void **state)
{
	fixture *f = *state;
	assert_rc(KISCRM_OK, kc_backend_sqlite_defer_after(f->b, 50));
	for (int64_t id = 1; id <= 10000; id += 9999) {
		kiscrm_value row[4] = { v_int(KISCRM_TYPE_INT, id), v_int(KISCRM_TYPE_INT, 1), v_text("c"),
					v_int(KISCRM_TYPE_TIME, 0) };
		assert_rc(KISCRM_OK, f->b->insert(f->b, &contact, row, NULL));
	}
	assert_rc(KISCRM_OK, f->b->begin(f->b));
	add_contacts(f->b, 0, 100);
	assert_int_equal(0, kc_backend_sqlite_deferred(f->b, "contact"));
	assert_rc(KISCRM_OK, f->b->rollback(f->b));
	assert_rc(KISCRM_OK, f->b->remove(f->b, &contact, 1));
	assert_rc(KISCRM_OK, f->b->remove(f->b, &contact, 10000));
	assert_rc(KISCRM_OK, f->b->begin(f->b));
	add_contacts(f->b, 0, 100);
	assert_int_equal(1, kc_backend_sqlite_deferred(f->b, "contact"));
	assert_rc(KISCRM_OK, f->b->commit(f->b));
	assert_int_equal(0, kc_backend_sqlite_deferred(f->b, "contact"));
	assert_int_equal(25, contacts_of(f->b, 2));
}

/* A rollback brings the dropped index back with the old rows; a load into a table of
 * mostly older rows keeps its indexes (100 into 1,000: 1,050 > 100, 1,100 > 200). */
static void test_bulk_rollback_and_big_tables(void **state)
{
	fixture *f = *state;
	sqlite3 *raw = raw_open(f->path);
	assert_rc(KISCRM_OK, kc_backend_sqlite_defer_after(f->b, 50));
	assert_rc(KISCRM_OK, f->b->begin(f->b));
	add_contacts(f->b, 0, 1000);
	assert_int_equal(1, kc_backend_sqlite_deferred(f->b, "contact"));
	assert_rc(KISCRM_OK, f->b->rollback(f->b));
	assert_int_equal(0, kc_backend_sqlite_deferred(f->b, "contact"));
	assert_int_equal(0, raw_int(raw, "SELECT count(*) FROM contact"));
	assert_int_equal(1, raw_int(raw, "SELECT count(*) FROM sqlite_master WHERE name = 'contact_account_id'"));
	assert_rc(KISCRM_OK, f->b->begin(f->b));
	add_contacts(f->b, 0, 1000);
	assert_rc(KISCRM_OK, f->b->commit(f->b));
	assert_rc(KISCRM_OK, f->b->begin(f->b));
	add_contacts(f->b, 1000, 100);
	assert_int_equal(0, kc_backend_sqlite_deferred(f->b, "contact"));
	assert_rc(KISCRM_OK, f->b->commit(f->b));
	assert_int_equal(275, contacts_of(f->b, 2));
	char *ok = raw_text(raw, "PRAGMA integrity_check");
	assert_string_equal("ok", ok);
	free(ok);
	sqlite3_close(raw);
}

/* A filtered read while the index is deferred builds it first (the read is exact and
 * needs no scan of every row) and the table keeps it for the rest of the transaction. */
static void test_bulk_read_builds_indexes(void **state)
{
	fixture *f = *state;
	assert_rc(KISCRM_OK, kc_backend_sqlite_defer_after(f->b, 50));
	assert_rc(KISCRM_OK, f->b->begin(f->b));
	add_contacts(f->b, 0, 200);
	assert_int_equal(1, kc_backend_sqlite_deferred(f->b, "contact"));
	assert_int_equal(50, contacts_of(f->b, 2));
	assert_int_equal(0, kc_backend_sqlite_deferred(f->b, "contact"));
	assert_int_equal(1, kc_backend_sqlite_index_builds(f->b));
	add_contacts(f->b, 200, 800);
	assert_int_equal(0, kc_backend_sqlite_deferred(f->b, "contact"));
	assert_rc(KISCRM_OK, f->b->commit(f->b));
	assert_int_equal(1, kc_backend_sqlite_index_builds(f->b));
	assert_int_equal(250, contacts_of(f->b, 2));
	assert_int_equal(KISCRM_EINVALID, kc_backend_sqlite_defer_after(f->b, 0));
	assert_int_equal(-1, kc_backend_sqlite_deferred(f->b, "nothing"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_bad_args),
		cmocka_unit_test(test_new_unopenable_path),
		cmocka_unit_test_setup_teardown(test_new_not_a_database, setup_files, teardown),
		cmocka_unit_test(test_memory_database),
		cmocka_unit_test(test_not_opened_and_bad_schema),
		cmocka_unit_test_setup_teardown(test_crud_round_trip, setup_v1, teardown),
		cmocka_unit_test_setup_teardown(test_explicit_ids, setup_v1, teardown),
		cmocka_unit_test_setup_teardown(test_autoincrement_never_reuses, setup_v1, teardown),
		cmocka_unit_test_setup_teardown(test_bad_rows_and_kinds, setup_v1, teardown),
		cmocka_unit_test_setup_teardown(test_scan_all_ascending, setup_v1, teardown),
		cmocka_unit_test_setup_teardown(test_scan_operators, setup_v1, teardown),
		cmocka_unit_test_setup_teardown(test_scan_null_conditions, setup_v1, teardown),
		cmocka_unit_test_setup_teardown(test_scan_contains, setup_v1, teardown),
		cmocka_unit_test_setup_teardown(test_scan_conjunction, setup_v1, teardown),
		cmocka_unit_test_setup_teardown(test_scan_projection, setup_v1, teardown),
		cmocka_unit_test_setup_teardown(test_scan_callback_stops, setup_v1, teardown),
		cmocka_unit_test_setup_teardown(test_scan_bad_queries, setup_v1, teardown),
		cmocka_unit_test_setup_teardown(test_scan_nested, setup_v1, teardown),
		cmocka_unit_test_setup_teardown(test_scan_many_shapes, setup_v1, teardown),
		cmocka_unit_test_setup_teardown(test_rollback_restores, setup_v1, teardown),
		cmocka_unit_test_setup_teardown(test_wal_mode, setup_v1, teardown),
		cmocka_unit_test_setup_teardown(test_busy, setup_v1, teardown),
		cmocka_unit_test_setup_teardown(test_migration_v1_to_v2, setup_v1, teardown),
		cmocka_unit_test_setup_teardown(test_newer_database_refused, setup_v1, teardown),
		cmocka_unit_test_setup_teardown(test_foreign_database_refused, setup_files, teardown),
		cmocka_unit_test_setup_teardown(test_insert_shapes, setup_v1, teardown),
		cmocka_unit_test_setup_teardown(test_insert_wide_kind, setup_v1, teardown),
		cmocka_unit_test_setup_teardown(test_bulk_defers_indexes, setup_v1, teardown),
		cmocka_unit_test_setup_teardown(test_bulk_rollback_and_big_tables, setup_v1, teardown),
		cmocka_unit_test_setup_teardown(test_bulk_judges_by_id_span, setup_v1, teardown),
		cmocka_unit_test_setup_teardown(test_bulk_read_builds_indexes, setup_v1, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
