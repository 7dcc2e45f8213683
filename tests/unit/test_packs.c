/* The meeting packs (kiscrm/doc.h): a weekly pack over a small company built here, whose
 * figures are worked out by hand below; the renderers' cell formats, the 120-column text
 * layout, the HTML against its golden file, the files, and the errors.
 *
 * The company, as of Monday 2026-11-23 (last week: 2026-11-16 … 2026-11-22):
 *   销售一部: 张伟 and 李娜 (sales reps); customers 甲公司 (张伟) and 乙公司 (李娜).
 *   opp 1  甲公司 KIS专业版  张伟  100,000.00  created 10-01, won  11-18  产品匹配
 *   opp 2  乙公司 云星辰     李娜   30,000.00  created 10-05, lost 11-19  客户反馈
 *   opp 3  甲公司 二次开发   张伟   50,000.00  created 10-10, open, expected 12-10
 *   contract HT-1 (甲公司, 张伟) signed 09-01, 80,000.00; instalment due 10-01 80,000.00;
 *     20,000.00 received 10-15 → receivable 60,000.00, all of it overdue (due before the
 *     meeting day).
 *   target: 张伟, contracts, Q4 2026 (from 10-01), 400,000.00.
 *   stage probability of the first stage (opportunity): 10 %.
 * So last week: won 1 for 100,000.00, lost 1 worth 30,000.00; the largest overdue
 * contract is HT-1 with 60,000.00 overdue of 60,000.00 receivable.
 *
 * The HTML of the weekly pack is compared with tests/golden/pack_weekly.html (the golden
 * file is rendering only; run with KISCRM_UPDATE_GOLDEN=1 to rewrite it after a deliberate
 * change, and read the diff). */
#include "helpers.h"
#include "packs/doc_internal.h"
#include "packs/render.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

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
	return kc_test_insert(db, r);
}

static void company(kiscrm_db *db)
{
	char s[512];
	kiscrm_id d = kc_test_department(db, "销售一部", 0);
	kiscrm_id zhang = kc_test_staff(db, "张伟", d, "sales_rep"), li = kc_test_staff(db, "李娜", d, "sales_rep");
	snprintf(s, sizeof(s), "name=甲公司|owner_id=%lld", (long long)zhang);
	kiscrm_id jia = add(db, KISCRM_KIND_CUSTOMER, s);
	snprintf(s, sizeof(s), "name=乙公司|owner_id=%lld", (long long)li);
	kiscrm_id yi = add(db, KISCRM_KIND_CUSTOMER, s);
	static const struct {
		const char *name, *amount, *created, *close, *category, *reason;
		int jia, zhang;
	} opps[] = {
		{ "甲公司 KIS专业版", "100000.00", "2026-10-01", "2026-11-30", "product_fit", "方案贴合", 1, 1 },
		{ "乙公司 云星辰", "30000.00", "2026-10-05", "2026-11-30", "customer_feedback", "价格高于竞争对手", 0, 0 },
		{ "甲公司 二次开发", "50000.00", "2026-10-10", "2026-12-10", NULL, NULL, 1, 1 },
	};
	kiscrm_id o[3];
	for (int i = 0; i < 3; i++) {
		snprintf(s, sizeof(s),
			 "name=%s|customer_id=%lld|owner_id=%lld|stage=opportunity|amount=%s|created=%s|expected_close=%s|"
			 "product_line=professional",
			 opps[i].name, (long long)(opps[i].jia ? jia : yi), (long long)(opps[i].zhang ? zhang : li),
			 opps[i].amount, opps[i].created, opps[i].close);
		o[i] = add(db, KISCRM_KIND_OPPORTUNITY, s);
		if (opps[i].category) {
			assert_rc(KISCRM_OK, kc_test_update_text(db, KISCRM_KIND_OPPORTUNITY, o[i],
								 KISCRM_OPPORTUNITY_REASON_CATEGORY, opps[i].category));
			assert_rc(KISCRM_OK, kc_test_update_text(db, KISCRM_KIND_OPPORTUNITY, o[i],
								 KISCRM_OPPORTUNITY_REASON, opps[i].reason));
		}
	}
	assert_rc(KISCRM_OK, kiscrm_opportunity_move(db, o[0], "won", kc_test_time("2026-11-18T02:00:00Z"), 0));
	assert_rc(KISCRM_OK, kiscrm_opportunity_move(db, o[1], "lost", kc_test_time("2026-11-19T02:00:00Z"), 0));
	snprintf(s, sizeof(s), "number=HT-1|customer_id=%lld|signed=2026-09-01|amount=80000.00|owner_id=%lld",
		 (long long)jia, (long long)zhang);
	kiscrm_id c = add(db, KISCRM_KIND_CONTRACT, s);
	snprintf(s, sizeof(s), "contract_id=%lld|due=2026-10-01|amount=80000.00", (long long)c);
	add(db, KISCRM_KIND_COLLECTION_PLAN, s);
	snprintf(s, sizeof(s), "contract_id=%lld|received=2026-10-15|amount=20000.00", (long long)c);
	add(db, KISCRM_KIND_COLLECTION, s);
	snprintf(s, sizeof(s), "metric=contract_amount|period=3|start=2026-10-01|owner_id=%lld|amount=400000.00",
		 (long long)zhang);
	add(db, KISCRM_KIND_TARGET, s);
}

static int setup(void **state)
{
	kiscrm_db *db = kc_test_db_open(NULL);
	if (!db)
		return -1;
	company(db);
	*state = db;
	return 0;
}

static int teardown(void **state)
{
	kiscrm_db_free(*state);
	return 0;
}

static kiscrm_doc *pack(kiscrm_db *db, const char *name, const char *lang)
{
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	o.as_of = kc_test_day("2026-11-23");
	o.lang = lang;
	kiscrm_doc *doc = NULL;
	assert_rc(KISCRM_OK, kiscrm_pack(&doc, db, name, &o));
	return doc;
}

/* The section whose title starts with @prefix. */
static size_t section(const kiscrm_doc *doc, const char *prefix)
{
	for (size_t s = 0; s < kiscrm_doc_section_count(doc); s++)
		if (strncmp(kiscrm_doc_section_title(doc, s), prefix, strlen(prefix)) == 0)
			return s;
	fail_msg("no section '%s'", prefix);
	return 0;
}

static const char *text_at(const kiscrm_table *t, size_t row, const char *column)
{
	int c = kiscrm_table_column_index(t, column);
	assert_true(c >= 0);
	return kiscrm_table_text(t, row, (size_t)c);
}

static int64_t int_at(const kiscrm_table *t, size_t row, const char *column)
{
	int c = kiscrm_table_column_index(t, column);
	assert_true(c >= 0);
	return kiscrm_table_int(t, row, (size_t)c);
}

static void test_weekly_figures(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_doc *doc = pack(db, "weekly", "zh");
	assert_string_equal("周例会 · 2026 年第 48 周", kiscrm_doc_title(doc));
	assert_string_equal("2026-11-23 起 · 数据截至 2026-11-23 · 金额单位：CNY", kiscrm_doc_subtitle(doc));
	/* 13 sections: budget, eight weeks, gap, funnel, diagnosis, won/lost, changes,
	 * ageing, largest overdue, care, service, milestones, KPI */
	assert_int_equal(13, kiscrm_doc_section_count(doc));

	size_t s = section(doc, "上周赢单与输单（2026-11-16 至 2026-11-22）");
	const kiscrm_table *t = kiscrm_doc_section_table(doc, s);
	assert_int_equal(2, kiscrm_table_row_count(t));
	assert_string_equal("赢单", text_at(t, 0, "结果"));
	assert_string_equal("甲公司 KIS专业版", text_at(t, 0, "项目"));
	assert_string_equal("张伟", text_at(t, 0, "负责人"));
	assert_int_equal(10000000, int_at(t, 0, "金额"));
	assert_string_equal("输单", text_at(t, 1, "结果"));
	assert_string_equal("李娜", text_at(t, 1, "负责人"));
	assert_int_equal(3000000, int_at(t, 1, "金额"));
	assert_string_equal("价格高于竞争对手", text_at(t, 1, "原因"));
	assert_int_equal(1, kiscrm_doc_section_note_count(doc, s));
	assert_string_equal("赢单 1 个，100,000.00 元；输单 1 个，30,000.00 元", kiscrm_doc_section_note(doc, s, 0));

	s = section(doc, "逾期金额最大的合同");
	t = kiscrm_doc_section_table(doc, s);
	assert_int_equal(1, kiscrm_table_row_count(t));
	assert_string_equal("HT-1", text_at(t, 0, "合同号"));
	assert_int_equal(6000000, int_at(t, 0, "应收"));
	assert_int_equal(6000000, int_at(t, 0, "逾期"));

	/* the gap by person: 张伟's quarter target; a horizontal bar chart of the gap */
	s = section(doc, "本季度目标缺口");
	t = kiscrm_doc_section_table(doc, s);
	assert_string_equal("张伟", text_at(t, 0, "人员"));
	assert_int_equal(40000000, int_at(t, 0, "季度目标"));
	/* achieved: opp 1 won 11-18, in Q4; weighted pipeline: opp 3 at the first stage,
	 * 10 % of 50,000.00; gap = 400,000.00 − 100,000.00 − 5,000.00 */
	assert_int_equal(10000000, int_at(t, 0, "已签约"));
	assert_int_equal(500000, int_at(t, 0, "加权预计"));
	assert_int_equal(29500000, int_at(t, 0, "缺口"));
	size_t label = 99, series[KISCRM_CHART_MAX_SERIES], n = 0;
	int line[KISCRM_CHART_MAX_SERIES];
	assert_int_equal(KISCRM_CHART_HBAR, kiscrm_doc_chart(doc, s, &label, series, line, &n));
	assert_int_equal(0, label);
	assert_int_equal(1, n);
	assert_string_equal("缺口", kiscrm_table_column_name(t, series[0]));
	assert_int_equal(KISCRM_DOC_GAP, kiscrm_doc_column_format(doc, s, series[0]));

	/* the eight weeks: expected bars against target lines */
	s = section(doc, "未来八周");
	assert_int_equal(KISCRM_CHART_BAR, kiscrm_doc_chart(doc, s, &label, series, line, &n));
	assert_int_equal(4, n);
	assert_int_equal(0, line[0]);
	assert_int_equal(1, line[2]);
	assert_int_equal(8, kiscrm_table_row_count(kiscrm_doc_section_table(doc, s)));
	kiscrm_doc_free(doc);
}

static void test_other_packs(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_doc *doc = pack(db, "monthly", "en");
	assert_string_equal("Monthly review · 2026-11", kiscrm_doc_title(doc));
	assert_string_equal("2026-11-01 to 2026-11-30 · as of 2026-11-23 · money in CNY", kiscrm_doc_subtitle(doc));
	assert_int_equal(8, kiscrm_doc_section_count(doc));
	size_t s = section(doc, "Targets against actual");
	assert_non_null(kiscrm_doc_section_table(doc, s));
	kiscrm_doc_free(doc);
	doc = pack(db, "quarterly", "zh");
	assert_string_equal("季度总结会 · 2026 财年第 4 季度", kiscrm_doc_title(doc));
	assert_int_equal(9, kiscrm_doc_section_count(doc));
	/* the quarter's target of 张伟 (the month has none) */
	s = section(doc, "目标与实际");
	const kiscrm_table *t = kiscrm_doc_section_table(doc, s);
	assert_int_equal(1, kiscrm_table_row_count(t));
	assert_int_equal(40000000, int_at(t, 0, "目标"));
	assert_string_equal("张伟", text_at(t, 0, "人员"));
	kiscrm_doc_free(doc);
}

/* Every line of the text render fits 120 display columns. */
static void assert_fits(const char *text)
{
	char *copy = strdup(text), *save = NULL;
	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		if (kiscrm_utf8_width(l) > 120)
			fail_msg("line wider than 120 columns (%d): %s", kiscrm_utf8_width(l), l);
	free(copy);
}

static void test_renderers(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_doc *doc = pack(db, "weekly", "zh");
	kiscrm_buf b = KISCRM_BUF_INIT;
	assert_rc(KISCRM_OK, kiscrm_doc_render(&b, doc, "text"));
	assert_fits(b.ptr);
	assert_non_null(strstr(b.ptr, "■ 上周赢单与输单"));
	kiscrm_buf_dispose(&b);

	assert_rc(KISCRM_OK, kiscrm_doc_render(&b, doc, "csv"));
	assert_non_null(strstr(b.ptr, "\n逾期金额最大的合同\n合同号,客户,负责人,签约日,应收,逾期\nHT-1,甲公司,张伟,2026-09-01,60000.00,60000.00\n"));
	kiscrm_buf_dispose(&b);

	assert_rc(KISCRM_OK, kiscrm_doc_render(&b, doc, "html"));
	assert_null(strstr(b.ptr, "<script"));
	assert_non_null(strstr(b.ptr, "<svg"));
	char path[1024];
	snprintf(path, sizeof(path), "%s/../golden/pack_weekly.html", kc_test_data_dir());
	if (getenv("KISCRM_UPDATE_GOLDEN")) {
		FILE *f = fopen(path, "wb");
		assert_non_null(f);
		fwrite(b.ptr, 1, b.size, f);
		fclose(f);
	}
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot read %s (KISCRM_UPDATE_GOLDEN=1 writes it)", path);
	char *golden = calloc(1, b.size + 2);
	size_t n = fread(golden, 1, b.size + 1, f);
	fclose(f);
	if (n != b.size || memcmp(golden, b.ptr, b.size) != 0)
		fail_msg("the weekly pack's HTML differs from %s on %s", path, kc_test_backend());
	free(golden);

	/* a file: the same bytes, written through a temporary file */
	char dir[] = "/tmp/kiscrm-packs-XXXXXX";
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/pack.html", dir);
	assert_rc(KISCRM_OK, kiscrm_doc_write_file(doc, path, "html"));
	f = fopen(path, "rb");
	assert_non_null(f);
	char *back = calloc(1, b.size + 2);
	assert_int_equal(b.size, fread(back, 1, b.size + 1, f));
	fclose(f);
	assert_memory_equal(b.ptr, back, b.size);
	free(back);
	unlink(path);
	snprintf(path, sizeof(path), "%s/pack.xlsx", dir);
	int rc = kiscrm_doc_write_file(doc, path, "xlsx");
	assert_true(rc == KISCRM_OK || rc == KISCRM_ENOTSUPPORTED);
	assert_int_equal(rc == KISCRM_OK ? 0 : -1, access(path, F_OK));
	unlink(path);
	assert_int_equal(0, rmdir(dir));
	kiscrm_buf_dispose(&b);
	kiscrm_doc_free(doc);
}

/* The renderers' cells, on a document made by hand. */
static void test_cells_and_split(void **state)
{
	(void)state;
	kiscrm_doc *doc = NULL;
	kiscrm_table *t = NULL;
	size_t s;
	assert_rc(KISCRM_OK, kc_doc_new(&doc, 1, 2));
	assert_rc(KISCRM_OK, kc_doc_set_title(doc, "标题", "副标题"));
	assert_rc(KISCRM_OK, kc_doc_add_section(doc, "宽表", &s));
	assert_rc(KISCRM_OK, kiscrm_table_new(&t, "wide"));
	assert_rc(KISCRM_OK, kiscrm_table_add_column(t, "人员", KISCRM_TYPE_TEXT));
	assert_rc(KISCRM_OK, kiscrm_table_add_column(t, "缺口", KISCRM_TYPE_MONEY));
	assert_rc(KISCRM_OK, kiscrm_table_add_column(t, "完成率", KISCRM_TYPE_RATE));
	char name[32];
	for (int i = 0; i < 10; i++) {
		snprintf(name, sizeof(name), "第%d列金额", i + 1);
		assert_rc(KISCRM_OK, kiscrm_table_add_column(t, name, KISCRM_TYPE_MONEY));
	}
	assert_int_equal(0, kiscrm_table_add_row(t, KISCRM_ROW_DETAIL));
	assert_rc(KISCRM_OK, kiscrm_table_set_text(t, 0, 0, "欧阳晓明"));
	assert_rc(KISCRM_OK, kiscrm_table_set_int(t, 0, 1, -123456));
	assert_rc(KISCRM_OK, kiscrm_table_set_rate(t, 0, 2, 0.25));
	for (size_t c = 3; c < 13; c++)
		assert_rc(KISCRM_OK, kiscrm_table_set_int(t, 0, c, INT64_C(123456789012)));
	assert_rc(KISCRM_OK, kc_doc_set_table(doc, s, t));
	kc_doc_set_format(doc, s, "缺口", KISCRM_DOC_GAP);
	assert_int_equal(KISCRM_DOC_PERCENT, kiscrm_doc_column_format(doc, s, 2));

	kiscrm_buf b = KISCRM_BUF_INIT;
	int surplus = 0;
	assert_rc(KISCRM_OK, kc_render_cell(&b, doc, s, 0, 1, &surplus));
	assert_string_equal("超额 1,234.56", b.ptr); /* -123456 minor units: a surplus of 1,234.56 */
	assert_int_equal(1, surplus);
	b.size = 0;
	assert_rc(KISCRM_OK, kc_render_cell(&b, doc, s, 0, 2, NULL));
	assert_string_equal("25.0%", b.ptr);
	kiscrm_buf_dispose(&b);

	/* 13 columns of 16 display columns each do not fit 120: the table is split into
	 * parts that each start with the person */
	assert_rc(KISCRM_OK, kiscrm_doc_render(&b, doc, "text"));
	assert_fits(b.ptr);
	size_t parts = 0;
	for (const char *p = b.ptr; (p = strstr(p, "\n  人员")); p++)
		parts++;
	assert_true(parts >= 2);
	assert_non_null(strstr(b.ptr, "1,234,567,890.12"));
	assert_non_null(strstr(b.ptr, "缺口 = 目标 − 实际"));
	kiscrm_buf_dispose(&b);
	kiscrm_doc_free(doc);
}

static void test_errors(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_doc *doc = NULL;
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	assert_rc(KISCRM_ENOTFOUND, kiscrm_pack(&doc, db, "daily", NULL));
	assert_msg_has("weekly, monthly, quarterly");
	o.lang = "fr";
	assert_rc(KISCRM_EINVALID, kiscrm_pack(&doc, db, "weekly", &o));
	/* no as_of and no business date: the library keeps no clock */
	assert_rc(KISCRM_OK, kiscrm_db_set_today(db, KISCRM_DATE_NONE));
	assert_rc(KISCRM_EINVALID, kiscrm_pack(&doc, db, "weekly", NULL));
	assert_null(doc);
	doc = pack(db, "weekly", NULL); /* English by default */
	assert_string_equal("Weekly meeting · 2026 week 48", kiscrm_doc_title(doc));
	kiscrm_buf b = KISCRM_BUF_INIT;
	assert_rc(KISCRM_EINVALID, kiscrm_doc_render(&b, doc, "xlsx"));
	assert_rc(KISCRM_EINVALID, kiscrm_doc_render(&b, doc, "pdf"));
	assert_null(b.ptr);
	assert_rc(KISCRM_EINVALID, kiscrm_doc_write_file(doc, "/nonexistent-dir/x.html", "pdf"));
	assert_true(kiscrm_doc_write_file(doc, "/nonexistent-dir/x.html", "html") < 0);
	assert_int_equal(-1, access("/nonexistent-dir/x.html", F_OK));
	assert_rc(KISCRM_EINVALID, kiscrm_doc_chart(doc, 99, NULL, NULL, NULL, NULL));
	assert_null(kiscrm_doc_section_title(doc, 99));
	kiscrm_doc_free(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_weekly_figures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_packs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_renderers, setup, teardown),
		cmocka_unit_test(test_cells_and_split),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
	};
	return kc_test_run_both(tests);
}
