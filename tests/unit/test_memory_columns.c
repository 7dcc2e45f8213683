/* The memory backend's column store (src/backends/memory): adaptive column widths and
 * their widening, NULLs at every width, interned text and its reuse, slots reused after
 * changes, rollback over widened columns, writes from inside a scan (also to rows a scan
 * block has read ahead), the block reader against the row reader, conditions tested
 * on the columns against the reference evaluator, ids near the bound. The conformance
 * suite (test_backend.c) proves the behaviour; these cases look at the layout too,
 * through the backend's private header. */
#include "helpers.h"
#include "kiscrm/sys/backend.h"
#include "backends/memory/memory_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { F_ID, F_NUM, F_TEXT, F_RATE, F_DATE, F_TAG, F_NFIELDS };

static const kiscrm_field_def fields[] = {
	{ "id", KISCRM_TYPE_INT, 0, 0 },
	{ "num", KISCRM_TYPE_INT, KISCRM_FIELD_INDEXED, 0 },
	{ "text", KISCRM_TYPE_TEXT, KISCRM_FIELD_INDEXED, 0 },
	{ "rate", KISCRM_TYPE_RATE, 0, 0 },
	{ "day", KISCRM_TYPE_DATE, 0, 0 },
	{ "tag", KISCRM_TYPE_TEXT, 0, 0 },
};
static const kiscrm_kind_def kind = { 1, "mc_thing", F_NFIELDS, fields };
static const kiscrm_kind_def *const kinds[] = { &kind };
static const kiscrm_schema schema = { 1, 1, kinds };

static int setup(void **state)
{
	kiscrm_backend *b = NULL;

	if (kiscrm_backend_memory_new(&b) != KISCRM_OK || b->open(b, &schema) != KISCRM_OK)
		return -1;
	*state = b;
	return 0;
}

static int teardown(void **state)
{
	kiscrm_backend *b = *state;

	b->free(b);
	return 0;
}

static mem_table *table_of(kiscrm_backend *b)
{
	return &mem_of(b)->tables[0];
}

/* ---- rows: written from a small description, read back into one ---- */

typedef struct row {
	int has_num, has_rate, has_day;
	int64_t num;
	double rate;
	int64_t day;
	const char *text, *tag; /* NULL: NULL */
} row;

static void to_values(kiscrm_id id, const row *r, kiscrm_value *v)
{
	memset(v, 0, F_NFIELDS * sizeof(*v));
	v[F_ID].type = KISCRM_TYPE_INT;
	v[F_ID].u.i = id;
	if (r->has_num)
		v[F_NUM].type = KISCRM_TYPE_INT, v[F_NUM].u.i = r->num;
	if (r->text)
		v[F_TEXT].type = KISCRM_TYPE_TEXT, v[F_TEXT].u.s = r->text;
	if (r->has_rate)
		v[F_RATE].type = KISCRM_TYPE_RATE, v[F_RATE].u.r = r->rate;
	if (r->has_day)
		v[F_DATE].type = KISCRM_TYPE_DATE, v[F_DATE].u.i = r->day;
	if (r->tag)
		v[F_TAG].type = KISCRM_TYPE_TEXT, v[F_TAG].u.s = r->tag;
}

static kiscrm_id put(kiscrm_backend *b, kiscrm_id id, const row *r)
{
	kiscrm_value v[F_NFIELDS];
	kiscrm_id out = 0;

	to_values(id, r, v);
	assert_rc(KISCRM_OK, b->insert(b, &kind, v, &out));
	return out;
}

static void change(kiscrm_backend *b, kiscrm_id id, const row *r)
{
	kiscrm_value v[F_NFIELDS];

	to_values(id, r, v);
	assert_rc(KISCRM_OK, b->update(b, &kind, v));
}

static int expect_cb(void *payload, const kiscrm_value *v)
{
	const row *r = payload;

	if (r->has_num) {
		assert_int_equal(v[F_NUM].type, KISCRM_TYPE_INT);
		assert_true(v[F_NUM].u.i == r->num);
	} else {
		assert_int_equal(v[F_NUM].type, KISCRM_TYPE_NULL);
	}
	if (r->has_rate) {
		assert_int_equal(v[F_RATE].type, KISCRM_TYPE_RATE);
		assert_memory_equal(&v[F_RATE].u.r, &r->rate, sizeof(double)); /* bit for bit */
	} else {
		assert_int_equal(v[F_RATE].type, KISCRM_TYPE_NULL);
	}
	if (r->has_day) {
		assert_int_equal(v[F_DATE].type, KISCRM_TYPE_DATE);
		assert_true(v[F_DATE].u.i == r->day);
	} else {
		assert_int_equal(v[F_DATE].type, KISCRM_TYPE_NULL);
	}
	assert_str_or_null(r->text, v[F_TEXT].type == KISCRM_TYPE_TEXT ? v[F_TEXT].u.s : NULL);
	assert_str_or_null(r->tag, v[F_TAG].type == KISCRM_TYPE_TEXT ? v[F_TAG].u.s : NULL);
	return 0;
}

static void expect(kiscrm_backend *b, kiscrm_id id, const row *r)
{
	assert_rc(KISCRM_OK, b->get(b, &kind, id, expect_cb, (void *)(uintptr_t)r));
}

static int64_t count(kiscrm_backend *b)
{
	int64_t n = -1;

	assert_rc(KISCRM_OK, b->count(b, &kind, NULL, &n));
	return n;
}

/* ---- widths ---- */

/* A column at one byte receives ever larger values, the widths' own NULL markers and a
 * NULL: it widens step by step and every earlier row still reads back exactly. */
static void test_width_promotion(void **state)
{
	kiscrm_backend *b = *state;
	static const struct {
		int64_t v;
		unsigned width;
	} steps[] = {
		{ 5, 1 }, { 127, 1 }, { -127, 1 }, { 300, 2 }, { INT8_MIN, 2 }, { 70000, 4 },
		{ INT16_MIN, 4 }, { INT32_MAX, 4 }, { INT64_C(1) << 40, 8 }, { -7, 8 },
		{ INT32_MIN, 8 }, { INT64_MIN, 8 }, { INT64_MAX, 8 },
	};
	const size_t n = sizeof(steps) / sizeof(steps[0]);
	row r[sizeof(steps) / sizeof(steps[0]) + 1];

	assert_int_equal(table_of(b)->cols[F_NUM].width, 0); /* nothing stored yet */
	for (size_t i = 0; i <= n; i++) {
		memset(&r[i], 0, sizeof(r[i]));
		r[i].has_num = i < n; /* the last one is NULL */
		r[i].num = i < n ? steps[i].v : 0;
		assert_int_equal(put(b, 0, &r[i]), (kiscrm_id)i + 1);
		if (i < n)
			assert_int_equal(table_of(b)->cols[F_NUM].width, steps[i].width);
		for (size_t j = 0; j <= i; j++)
			expect(b, (kiscrm_id)j + 1, &r[j]);
	}
	/* fields never set take no memory */
	assert_int_equal(table_of(b)->cols[F_DATE].width, 0);
	assert_null(table_of(b)->cols[F_DATE].data);
}

/* NULL at every width: a row of NULLs among rows of values, and the other way round. */
static void test_all_null_row(void **state)
{
	kiscrm_backend *b = *state;
	row none = { 0 };
	row full = { 1, 1, 1, -(INT64_C(1) << 50), -0.0, 20000, "x", "y" };

	put(b, 0, &none);
	expect(b, 1, &none);
	put(b, 0, &full);
	put(b, 0, &none);
	expect(b, 1, &none);
	expect(b, 2, &full);
	expect(b, 3, &none);
	assert_int_equal(table_of(b)->cols[F_NUM].width, 8);
	assert_int_equal(table_of(b)->cols[F_DATE].width, 2);
	assert_int_equal(count(b), 3);
}

/* RATE values come back bit for bit, NaN and negative zero included. */
static void test_rate_bits(void **state)
{
	kiscrm_backend *b = *state;
	row r[4] = { { 0 } };
	const double rates[4] = { 0.1, -0.0, NAN, 1e308 };

	for (int i = 0; i < 4; i++) {
		r[i].has_rate = 1;
		r[i].rate = rates[i];
		put(b, 0, &r[i]);
	}
	for (int i = 0; i < 4; i++)
		expect(b, i + 1, &r[i]);
}

/* ---- text ---- */

/* Chinese, emoji, the empty string and long text come back byte for byte, and queries
 * on the text field find them: short text by its interned code, long text as text. */
static int count_cb(void *payload, const kiscrm_value *v)
{
	(void)v;
	(*(int *)payload)++;
	return 0;
}

static int count_text(kiscrm_backend *b, int op, const char *text)
{
	kiscrm_cond c = { F_TEXT, op, { KISCRM_TYPE_TEXT, { .s = text } } };
	kiscrm_query q = { 1, &c, 0 };
	int n = 0;

	assert_rc(KISCRM_OK, b->scan(b, &kind, &q, count_cb, &n));
	return n;
}

static void test_text_round_trip(void **state)
{
	kiscrm_backend *b = *state;
	static char long_text[6000];
	const char *texts[] = { "华东区", "客户 😀 ✓", "", long_text, "华东区",
				"重点项目：华东区 – 第二期（二〇二六年）" };
	const int n = 6;
	row r[6] = { { 0 } };

	memset(long_text, 'z', sizeof(long_text) - 1);
	for (int i = 0; i < n; i++) {
		r[i].text = texts[i];
		r[i].tag = texts[n - 1 - i];
		put(b, 0, &r[i]);
	}
	for (int i = 0; i < n; i++)
		expect(b, i + 1, &r[i]);
	assert_int_equal(count_text(b, KISCRM_OP_EQ, "华东区"), 2);
	assert_int_equal(count_text(b, KISCRM_OP_NE, "华东区"), 4);
	assert_int_equal(count_text(b, KISCRM_OP_EQ, texts[5]), 1);
	assert_int_equal(count_text(b, KISCRM_OP_EQ, long_text), 1);
	assert_int_equal(count_text(b, KISCRM_OP_CONTAINS, "华东"), 3);
	/* byte order: only "" sorts before "a" (the z's and UTF-8 lead bytes after it) */
	assert_int_equal(count_text(b, KISCRM_OP_LT, "a"), 1);
	/* equal short strings are stored once: "华东区", "客户 😀 ✓" and "" */
	assert_int_equal(mem_of(b)->strs.used, 3);
}

/* Strings no row holds any more are freed and their codes reused, so a long run of
 * changes neither grows the strings nor widens TEXT columns. */
static void test_text_reuse(void **state)
{
	kiscrm_backend *b = *state;
	mem_strings *st = &mem_of(b)->strs;
	row r = { 0 };
	char buf[32];

	r.tag = "shared";
	r.text = "first";
	put(b, 0, &r);
	put(b, 0, &r);
	assert_int_equal(st->used, 2);
	for (int i = 0; i < 1000; i++) {
		snprintf(buf, sizeof(buf), "value %d", i);
		r.text = buf;
		change(b, 1, &r);
		expect(b, 1, &r);
	}
	/* "first" (still on row 2), "shared" and the latest value */
	assert_int_equal(st->used, 3);
	assert_true(st->n <= 4);
	assert_int_equal(table_of(b)->cols[F_TEXT].width, 1);
	assert_rc(KISCRM_OK, b->remove(b, &kind, 2));
	assert_int_equal(st->used, 2); /* "first" went with its last row */
	assert_rc(KISCRM_OK, b->remove(b, &kind, 1));
	assert_int_equal(st->used, 0);
	r.text = "again";
	r.tag = NULL;
	put(b, 0, &r);
	expect(b, 3, &r);
	assert_true(st->n <= 4);
	/* and the slots of the changed rows were reused too */
	assert_true(table_of(b)->nslots <= 4);
}

/* ---- transactions ---- */

/* A column widened inside a transaction keeps its width after rollback, and every row
 * reads back as it was at begin; rows inserted since are gone. */
static void test_rollback_widened(void **state)
{
	kiscrm_backend *b = *state;
	row r[3] = { { 0 } };
	row big = { 1, 1, 0, INT64_C(1) << 40, 2.5, 0, "新", NULL };

	for (int i = 0; i < 3; i++) {
		r[i].has_num = 1;
		r[i].num = i - 1;
		r[i].text = i ? "a" : NULL;
		put(b, 0, &r[i]);
	}
	assert_int_equal(table_of(b)->cols[F_NUM].width, 1);
	assert_rc(KISCRM_OK, b->begin(b));
	change(b, 2, &big);
	put(b, 0, &big);
	assert_rc(KISCRM_OK, b->remove(b, &kind, 3));
	put(b, 3, &big); /* the removed id again, in the same transaction */
	change(b, 3, &r[0]);
	assert_int_equal(table_of(b)->cols[F_NUM].width, 8);
	assert_rc(KISCRM_OK, b->rollback(b));
	assert_int_equal(table_of(b)->cols[F_NUM].width, 8);
	for (int i = 0; i < 3; i++)
		expect(b, i + 1, &r[i]);
	assert_int_equal(count(b), 3);
	assert_int_equal(mem_of(b)->strs.used, 1); /* "新" went with the rolled back rows */
	/* the next id is the one before the transaction */
	assert_int_equal(put(b, 0, &big), 4);
	/* and after a commit the changes stay */
	assert_rc(KISCRM_OK, b->begin(b));
	change(b, 1, &big);
	assert_rc(KISCRM_OK, b->remove(b, &kind, 2));
	assert_rc(KISCRM_OK, b->commit(b));
	expect(b, 1, &big);
	assert_int_equal(count(b), 3);
	assert_int_equal(mem_map_get(table_of(b), 1) & MEM_LOGGED, 0);
}

/* A scan whose callback updates the row it is given, inside a transaction: each row is
 * visited once, in id order, and the indexed field follows. */
typedef struct bump {
	kiscrm_backend *b;
	kiscrm_id last;
	int visits;
} bump;

static int bump_cb(void *payload, const kiscrm_value *v)
{
	bump *k = payload;
	kiscrm_value w[F_NFIELDS];

	assert_true(v[F_ID].u.i > k->last);
	k->last = v[F_ID].u.i;
	k->visits++;
	memcpy(w, v, sizeof(w));
	w[F_NUM].u.i = v[F_NUM].u.i + 100000; /* widens the column mid-scan */
	w[F_TEXT].u.s = "moved";
	assert_rc(KISCRM_OK, k->b->update(k->b, &kind, w));
	return 0;
}

static void test_write_during_scan(void **state)
{
	kiscrm_backend *b = *state;
	row r = { 0 };
	bump k = { b, 0, 0 };
	kiscrm_cond c = { F_TEXT, KISCRM_OP_EQ, { KISCRM_TYPE_TEXT, { .s = "moved" } } };
	kiscrm_query q = { 1, &c, 0 };
	int64_t n = 0;

	r.has_num = 1;
	r.text = "start";
	for (int i = 0; i < 300; i++) {
		r.num = i;
		put(b, 0, &r);
	}
	assert_rc(KISCRM_OK, b->begin(b));
	assert_rc(KISCRM_OK, b->scan(b, &kind, NULL, bump_cb, &k));
	assert_rc(KISCRM_OK, b->commit(b));
	assert_int_equal(k.visits, 300);
	assert_rc(KISCRM_OK, b->count(b, &kind, &q, &n));
	assert_int_equal(n, 300);
	r.text = "moved";
	for (int i = 0; i < 300; i++) {
		r.num = i + 100000;
		expect(b, i + 1, &r);
	}
}

/* A scan reads a block of rows at a time (block.c); a callback that changes a row the
 * block has already read must still see the change when that row comes: the callback at
 * each row rewrites the next row's tag, in a scan of every row and in one through the
 * index of `text`, both over several blocks. */
typedef struct ahead {
	kiscrm_backend *b;
	kiscrm_id last;
	int visits, stale;
} ahead;

static int ahead_cb(void *payload, const kiscrm_value *v)
{
	ahead *k = payload;
	row next = { 1, 0, 0, 0, 0, 0, "start", "told" };

	if (k->last && (v[F_TAG].type != KISCRM_TYPE_TEXT || strcmp(v[F_TAG].u.s, "told") != 0))
		k->stale++;
	k->last = v[F_ID].u.i;
	k->visits++;
	next.num = v[F_ID].u.i + 1;
	if (v[F_ID].u.i < 200)
		change(k->b, v[F_ID].u.i + 1, &next);
	return 0;
}

static void test_write_ahead_during_scan(void **state)
{
	kiscrm_backend *b = *state;
	row r = { 1, 0, 0, 0, 0, 0, "start", "untold" };
	kiscrm_cond c = { F_TEXT, KISCRM_OP_EQ, { KISCRM_TYPE_TEXT, { .s = "start" } } };
	kiscrm_query q = { 1, &c, 0 };

	for (int pass = 0; pass < 2; pass++) {
		ahead k = { b, 0, 0, 0 };

		for (int i = 1; i <= 200; i++) {
			r.num = i;
			if (pass == 0)
				put(b, 0, &r);
			else
				change(b, i, &r);
		}
		assert_rc(KISCRM_OK, b->scan(b, &kind, pass ? &q : NULL, ahead_cb, &k));
		assert_int_equal(k.visits, 200);
		assert_int_equal(k.stale, 0);
	}
}

/* The block reader's values are the row reader's: at every width of the columns (1, 2,
 * 4 and 8 bytes, NULLs included), the rows a scan hands out under a few conditions are
 * exactly those whose row, read by id, the reference evaluator accepts, field for field. */
typedef struct scanned {
	kiscrm_backend *b;
	const kiscrm_query *q;
	kiscrm_id last;
	int n;
} scanned;

static int same_cb(void *payload, const kiscrm_value *v)
{
	scanned *s = payload;
	s->n++;
	s->last = v[F_ID].u.i;
	return 0;
}

static int row_equal_cb(void *payload, const kiscrm_value *v)
{
	const kiscrm_value *w = payload;

	for (int f = 0; f < F_NFIELDS; f++) {
		assert_int_equal(v[f].type, w[f].type);
		if (v[f].type == KISCRM_TYPE_TEXT)
			assert_string_equal(v[f].u.s, w[f].u.s);
		else if (v[f].type != KISCRM_TYPE_NULL)
			assert_memory_equal(&v[f].u, &w[f].u, sizeof(v[f].u));
	}
	return 0;
}

static int check_cb(void *payload, const kiscrm_value *v)
{
	scanned *s = payload;

	assert_true(v[F_ID].u.i > s->last);
	assert_true(kiscrm_query_match(&kind, s->q, v));
	assert_rc(KISCRM_OK, s->b->get(s->b, &kind, v[F_ID].u.i, row_equal_cb, (void *)v));
	s->last = v[F_ID].u.i;
	s->n++;
	return 0;
}

static int reference_cb(void *payload, const kiscrm_value *v)
{
	scanned *s = payload;
	s->n += kiscrm_query_match(&kind, s->q, v);
	return 0;
}

static void test_blocks_match_rows(void **state)
{
	kiscrm_backend *b = *state;
	static const int64_t scale[] = { 1, 1000, 100000000, INT64_C(1) << 40 };
	static const char *const texts[] = { "open", "won", "赢单", "lost" };

	for (int w = 0; w < 4; w++) {
		for (int i = 0; i < 150; i++) {
			row r = { 0 };
			r.has_num = i % 7 != 3;
			r.num = ((i * 37) % 41 - 20) * scale[w];
			r.has_rate = i % 2;
			r.rate = i / 4.0;
			r.has_day = i % 5 != 0;
			r.day = (20000 + i % 11) * (w == 3 ? 1000 : 1);
			r.text = i % 9 == 4 ? NULL : texts[i % 4];
			r.tag = i % 3 ? texts[(i / 3) % 4] : NULL;
			put(b, 0, &r);
		}
		kiscrm_cond conds[][2] = {
			{ { F_NUM, KISCRM_OP_LT, { KISCRM_TYPE_INT, { .i = 3 * scale[w] } } },
			  { F_TEXT, KISCRM_OP_EQ, { KISCRM_TYPE_TEXT, { .s = "open" } } } },
			{ { F_DATE, KISCRM_OP_GE, { KISCRM_TYPE_DATE, { .i = (20005) * (w == 3 ? 1000 : 1) } } },
			  { F_TAG, KISCRM_OP_NE, { KISCRM_TYPE_TEXT, { .s = "won" } } } },
			{ { F_NUM, KISCRM_OP_EQ, { KISCRM_TYPE_NULL, { .i = 0 } } },
			  { F_RATE, KISCRM_OP_GT, { KISCRM_TYPE_RATE, { .r = 3.0 } } } },
		};
		for (size_t c = 0; c < sizeof(conds) / sizeof(conds[0]); c++) {
			for (int nc = 1; nc <= 2; nc++) {
				kiscrm_query q = { nc, conds[c], 0 };
				scanned got = { b, &q, 0, 0 }, want = { b, &q, 0, 0 }, all = { b, NULL, 0, 0 };

				assert_rc(KISCRM_OK, b->scan(b, &kind, &q, check_cb, &got));
				assert_rc(KISCRM_OK, b->scan(b, &kind, NULL, same_cb, &all));
				assert_int_equal(all.n, 150 * (w + 1));
				/* the reference: each row read by id, then matched */
				for (kiscrm_id id = 1; id <= all.last; id++)
					assert_rc(KISCRM_OK, b->get(b, &kind, id, reference_cb, &want));
				if (got.n != want.n || got.n == 0)
					fail_msg("width step %d, query %zu/%d: %d rows, the reference %d", w, c, nc,
						 got.n, want.n);
			}
		}
	}
	/* the widths the steps were meant to reach */
	assert_int_equal(table_of(b)->cols[F_NUM].width, 8);
	assert_int_equal(table_of(b)->cols[F_DATE].width, 4);
}

/* ---- conditions ---- */

/* Conditions are evaluated on the columns (string codes for text equality); every field,
 * operator and kind of value, NULLs, NaN and text no row holds included, must select
 * exactly the rows kiscrm_query_match() selects on the materialised rows. */
typedef struct all_rows {
	kiscrm_value v[64][F_NFIELDS];
	char text[64][2][16];
	int n;
} all_rows;

static int keep_cb(void *payload, const kiscrm_value *v)
{
	all_rows *a = payload;

	memcpy(a->v[a->n], v, sizeof(a->v[0]));
	for (int f = F_TEXT, k = 0; f <= F_TAG; f += F_TAG - F_TEXT, k++)
		if (v[f].type == KISCRM_TYPE_TEXT) {
			snprintf(a->text[a->n][k], sizeof(a->text[0][0]), "%s", v[f].u.s);
			a->v[a->n][f].u.s = a->text[a->n][k];
		}
	a->n++;
	return 0;
}

static void test_conditions_match_reference(void **state)
{
	kiscrm_backend *b = *state;
	static const char *const texts[] = { "open", "won", "赢单", "", "lost" };
	static const double rates[] = { 0.5, -1.0, NAN, 0.0 };
	static all_rows a;

	for (int i = 0; i < 60; i++) {
		row r = { 0 };

		r.has_num = i % 7 != 0;
		r.num = (i * 37) % 23 - 11 + (i % 5 == 0 ? INT64_C(1) << 35 : 0);
		r.has_rate = i % 3 != 0;
		r.rate = rates[i % 4];
		r.has_day = i % 4 != 1;
		r.day = 20000 + i % 9;
		r.text = i % 6 == 5 ? NULL : texts[i % 5];
		r.tag = i % 2 ? texts[(i / 2) % 5] : NULL;
		put(b, 0, &r);
	}
	assert_rc(KISCRM_OK, b->remove(b, &kind, 30));
	a.n = 0;
	assert_rc(KISCRM_OK, b->scan(b, &kind, NULL, keep_cb, &a));
	assert_int_equal(a.n, 59);
	/* probe values: those of a few rows, NULL, and text no row holds */
	for (int p = 0; p < 6; p++) {
		for (int f = 0; f < F_NFIELDS; f++) {
			for (int op = KISCRM_OP_EQ; op <= KISCRM_OP_CONTAINS; op++) {
				kiscrm_cond c = { f, op, a.v[(p * 11) % a.n][f] };
				kiscrm_query q = { 1, &c, 0 };
				int64_t got = -1, want = 0;

				if (op == KISCRM_OP_CONTAINS && fields[f].type != KISCRM_TYPE_TEXT)
					continue;
				if (p == 4)
					c.value.type = KISCRM_TYPE_NULL;
				if (p == 5 && fields[f].type == KISCRM_TYPE_TEXT)
					c.value.u.s = "none such";
				else if (p == 5)
					continue;
				for (int i = 0; i < a.n; i++)
					want += kiscrm_query_match(&kind, &q, a.v[i]);
				assert_rc(KISCRM_OK, b->count(b, &kind, &q, &got));
				if (got != want)
					fail_msg("field %d op %d probe %d: %lld rows, expected %lld", f, op,
						 p, (long long)got, (long long)want);
			}
		}
	}
	/* the strings the conditions interned for the scan are gone again */
	assert_int_equal(mem_of(b)->strs.used, 5);
}

/* ---- ids ---- */

typedef struct collect {
	kiscrm_id ids[4];
	int n;
} collect;

static int collect_cb(void *payload, const kiscrm_value *v)
{
	collect *c = payload;

	assert_true(c->n < 4);
	c->ids[c->n++] = v[F_ID].u.i;
	return 0;
}

static void test_ids_near_bound(void **state)
{
	kiscrm_backend *b = *state;
	row r = { 1, 0, 0, 42, 0, 0, "edge", NULL };
	kiscrm_value v[F_NFIELDS];
	collect c = { { 0 }, 0 };

	assert_int_equal(put(b, MEM_ID_MAX, &r), MEM_ID_MAX);
	assert_int_equal(put(b, 1, &r), 1);
	assert_int_equal(put(b, MEM_ID_MAX - 1, &r), MEM_ID_MAX - 1);
	expect(b, MEM_ID_MAX, &r);
	to_values(MEM_ID_MAX + 1, &r, v);
	assert_rc(KISCRM_ENOTSUPPORTED, b->insert(b, &kind, v, NULL));
	v[F_ID].u.i = 0; /* the next id would be above the bound too */
	assert_rc(KISCRM_ENOTSUPPORTED, b->insert(b, &kind, v, NULL));
	/* three rows, three slots (and slot 0): a large id costs a page of the map, not a
	 * vector up to it */
	assert_int_equal(table_of(b)->nslots, 4);
	assert_rc(KISCRM_OK, b->scan(b, &kind, NULL, collect_cb, &c));
	assert_int_equal(c.n, 3);
	assert_int_equal(c.ids[0], 1);
	assert_int_equal(c.ids[1], MEM_ID_MAX - 1);
	assert_int_equal(c.ids[2], MEM_ID_MAX);
	assert_rc(KISCRM_OK, b->remove(b, &kind, MEM_ID_MAX));
	assert_rc(KISCRM_ENOTFOUND, b->get(b, &kind, MEM_ID_MAX, expect_cb, &r));
	assert_int_equal(count(b), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_width_promotion, setup, teardown),
		cmocka_unit_test_setup_teardown(test_all_null_row, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rate_bits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_text_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_text_reuse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rollback_widened, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_during_scan, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_ahead_during_scan, setup, teardown),
		cmocka_unit_test_setup_teardown(test_blocks_match_rows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_conditions_match_reference, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ids_near_bound, setup, teardown),
	};

	return cmocka_run_group_tests_name("memory_columns", tests, NULL, NULL);
}
