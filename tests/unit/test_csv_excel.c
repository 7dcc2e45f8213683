/* CSV files and Chinese Excel (issue 17, items 4 and 5):
 *  - the writers' encodings: UTF-8, UTF-8 with byte-order mark, GBK; a character GBK
 *    lacks is an error naming row and column, and nothing is written;
 *  - what Chinese Excel writes imports as the records of its English-key twin: GBK,
 *    Chinese headers (labels.yaml), Chinese names of regions, industries, lines and
 *    stages, 2026/1/5 dates, ￥1,234.50 amounts, 1,200 counts (¥ U+00A5 has no GBK code:
 *    it only comes in UTF-8 files, see test_excel_money);
 *  - a value in no configured list is refused (or, asked for, warned about);
 *  - the round trip: customers and a report exported as UTF-8-BOM and GBK files read back
 *    as the same data.
 * Expected values are worked out by hand from the fixtures (GBK codes from the GB 2312
 * table: 华 is row 27 cell 10 → BB AA, 中 row 54 cell 48 → D6 D0). Database tests run on
 * both backends. */
#include "helpers.h"
#include "config/field_values.h"
#include "core/parse.h"
#include <strings.h>

#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* --- helpers ------------------------------------------------------------------------ */

/* @utf8 in GBK, made with iconv: the fixtures of Chinese Excel files. Caller frees. */
static char *to_gbk(const char *utf8, size_t *len)
{
	iconv_t cd = iconv_open("GBK", "UTF-8");
	assert_true(cd != (iconv_t)-1);
	size_t inleft = strlen(utf8), outsize = 2 * inleft + 1, outleft = outsize;
	char *out = malloc(outsize), *o = out, *in = (char *)utf8;
	assert_non_null(out);
	assert_int_equal(0, (int)iconv(cd, &in, &inleft, &o, &outleft));
	iconv_close(cd);
	*len = outsize - outleft;
	return out;
}

static size_t import_text(kiscrm_db *db, int kind, const char *data, size_t len, const char *enc,
			  unsigned flags)
{
	kiscrm_import_options o = KISCRM_IMPORT_OPTIONS_INIT;
	kiscrm_table *errors = NULL;
	size_t n = 0;
	o.encoding = enc;
	o.flags = flags;
	int rc = kiscrm_csv_import_data(&n, &errors, db, kind, data, len, "excel.csv", &o);
	if (rc != KISCRM_OK && errors && kiscrm_table_row_count(errors))
		print_message("first bad row: %s\n", kiscrm_table_text(errors, 0, 3));
	assert_rc(KISCRM_OK, rc);
	kiscrm_table_free(errors);
	return n;
}

/* The UTF-8 export of a kind (caller disposes). */
static kiscrm_buf export_text(kiscrm_db *db, int kind, const char *encoding)
{
	kiscrm_buf b = KISCRM_BUF_INIT;
	kiscrm_csv_write_options o = KISCRM_CSV_WRITE_OPTIONS_INIT;
	o.encoding = encoding;
	assert_rc(KISCRM_OK, kiscrm_csv_export(&b, db, kind, NULL, &o));
	return b;
}

static char *read_file(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	char *buf = malloc(1 << 20);
	assert_non_null(buf);
	*len = fread(buf, 1, 1 << 20, fp);
	fclose(fp);
	return buf;
}

static int contains(const char *data, size_t len, const char *needle, size_t n)
{
	for (size_t i = 0; i + n <= len; i++)
		if (memcmp(data + i, needle, n) == 0)
			return 1;
	return 0;
}

static void write_file(const char *path, const char *data, size_t len)
{
	FILE *fp = fopen(path, "wb");
	assert_non_null(fp);
	assert_int_equal(len, fwrite(data, 1, len, fp));
	fclose(fp);
}

/* The department and salesman the opportunity fixtures name. */
static void org(kiscrm_db *db)
{
	kiscrm_id d = kc_test_department(db, "直销一部", 0);
	kc_test_staff(db, "张伟", d, "sales_rep");
}

/* --- parsing helpers (no database) --------------------------------------------------- */

static void test_excel_dates(void **state)
{
	(void)state;
	kiscrm_date d, want;
	assert_rc(KISCRM_OK, kc_date_parse_excel(&d, "2026/12/20"));
	assert_rc(KISCRM_OK, kiscrm_date_parse(&want, "2026-12-20"));
	assert_int_equal(want, d);
	assert_rc(KISCRM_OK, kc_date_parse_excel(&d, "2026/1/5"));
	assert_rc(KISCRM_OK, kiscrm_date_parse(&want, "2026-01-05"));
	assert_int_equal(want, d);
	assert_rc(KISCRM_OK, kc_date_parse_excel(&d, "2026/01/05"));
	assert_int_equal(want, d);
	assert_rc(KISCRM_OK, kc_date_parse_excel(&d, "2026-01-05")); /* ISO stays */
	assert_int_equal(want, d);
	/* 2024 is a leap year, 2026 is not */
	assert_rc(KISCRM_OK, kc_date_parse_excel(&d, "2024/2/29"));
	assert_rc(KISCRM_EINVALID, kc_date_parse_excel(&d, "2026/2/29"));
	assert_msg_has("'2026/2/29'");
	assert_rc(KISCRM_EINVALID, kc_date_parse_excel(&d, "2026/13/1"));
	assert_msg_has("month 13");
	const char *bad[] = { "2026/1/5/", "26/1/5", "2026/001/5", "2026/1/", "2026//5", "2026/1-5",
			      "2026/1/5 10:00", "/", "2026/a/5" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_rc(KISCRM_EINVALID, kc_date_parse_excel(&d, bad[i]));
		assert_msg_has(bad[i]);
	}
}

static void test_excel_money(void **state)
{
	(void)state;
	kiscrm_money m = 0;
	assert_rc(KISCRM_OK, kc_money_parse_excel(&m, "\xEF\xBF\xA5" "1,234,567.89", 2)); /* ￥ */
	assert_int_equal(123456789, m);
	assert_rc(KISCRM_OK, kc_money_parse_excel(&m, "\xC2\xA5" "12", 2)); /* ¥ */
	assert_int_equal(1200, m);
	assert_rc(KISCRM_OK, kc_money_parse_excel(&m, "-\xEF\xBF\xA5" "12.50", 2));
	assert_int_equal(-1250, m);
	assert_rc(KISCRM_OK, kc_money_parse_excel(&m, "\xEF\xBF\xA5" "-12.50", 2));
	assert_int_equal(-1250, m);
	assert_rc(KISCRM_OK, kc_money_parse_excel(&m, "\xEF\xBF\xA5 1,000", 2));
	assert_int_equal(100000, m);
	assert_rc(KISCRM_OK, kc_money_parse_excel(&m, "36,800.5", 2)); /* no sign at all */
	assert_int_equal(3680050, m);
	/* never rounded: a third decimal of yuan is an error */
	assert_rc(KISCRM_EINVALID, kc_money_parse_excel(&m, "\xEF\xBF\xA5" "1.234", 2));
	assert_msg_has("more than 2 decimals");
	assert_msg_has("\xEF\xBF\xA5" "1.234");
	const char *bad[] = { "\xEF\xBF\xA5", "\xEF\xBF\xA5" "1,23", "-\xEF\xBF\xA5-1", "1\xEF\xBF\xA5",
			      "\xEF\xBF", "$12", "\xEF\xBF\xA5\xEF\xBF\xA5" "1" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_rc(KISCRM_EINVALID, kc_money_parse_excel(&m, bad[i], 2));
}

static void test_grouped_integers(void **state)
{
	(void)state;
	int64_t v = 0;
	assert_rc(KISCRM_OK, kc_int_parse_grouped(&v, "1,234,567"));
	assert_int_equal(1234567, v);
	assert_rc(KISCRM_OK, kc_int_parse_grouped(&v, "-1,200"));
	assert_int_equal(-1200, v);
	assert_rc(KISCRM_OK, kc_int_parse_grouped(&v, "1234"));
	assert_int_equal(1234, v);
	assert_rc(KISCRM_OK, kc_int_parse_grouped(&v, "-9,223,372,036,854,775,808"));
	assert_true(v == INT64_MIN);
	assert_rc(KISCRM_EOVERFLOW, kc_int_parse_grouped(&v, "9,223,372,036,854,775,808"));
	const char *bad[] = { "12,34", "1,2345", "1234,567", ",123", "1,", "1.5", " 1", "" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_rc(KISCRM_EINVALID, kc_int_parse_grouped(&v, bad[i]));
}

/* --- writing ------------------------------------------------------------------------- */

static void test_table_encodings(void **state)
{
	(void)state;
	kiscrm_table *t;
	assert_rc(KISCRM_OK, kiscrm_table_new(&t, "t"));
	assert_rc(KISCRM_OK, kiscrm_table_add_column(t, "region", KISCRM_TYPE_TEXT));
	assert_rc(KISCRM_OK, kiscrm_table_add_column(t, "n", KISCRM_TYPE_INT));
	assert_int_equal(0, kiscrm_table_add_row(t, KISCRM_ROW_DETAIL));
	assert_rc(KISCRM_OK, kiscrm_table_set_text(t, 0, 0, "华中"));
	assert_rc(KISCRM_OK, kiscrm_table_set_int(t, 0, 1, 7));

	kiscrm_csv_write_options o = KISCRM_CSV_WRITE_OPTIONS_INIT;
	kiscrm_buf b = KISCRM_BUF_INIT;
	assert_rc(KISCRM_OK, kiscrm_table_write_csv_with(&b, t, &o));
	assert_string_equal("region,n\n华中,7\n", b.ptr);
	b.size = 0;
	o.encoding = "utf-8-bom";
	assert_rc(KISCRM_OK, kiscrm_table_write_csv_with(&b, t, &o));
	assert_string_equal("\xEF\xBB\xBF" "region,n\n华中,7\n", b.ptr);
	b.size = 0;
	o.encoding = "GBK"; /* case is ignored */
	assert_rc(KISCRM_OK, kiscrm_table_write_csv_with(&b, t, &o));
	assert_int_equal(16, b.size); /* 9 + 4 + 3 bytes */
	assert_memory_equal("region,n\n\xBB\xAA\xD6\xD0,7\n", b.ptr, 16);

	/* A second row GBK cannot hold: an error naming row 2, column region; the buffer as
	 * it was (it still holds "before"). */
	assert_int_equal(1, kiscrm_table_add_row(t, KISCRM_ROW_DETAIL));
	assert_rc(KISCRM_OK, kiscrm_table_set_text(t, 1, 0, "x\xF0\xA0\x80\x80y")); /* 𠀀 U+20000 */
	b.size = 0;
	assert_rc(KISCRM_OK, kiscrm_table_write_csv(&b, t)); /* something to keep */
	size_t before = b.size;
	assert_rc(KISCRM_EINVALID, kiscrm_table_write_csv_with(&b, t, &o));
	assert_int_equal(before, b.size);
	assert_msg_has("row 2 (line 3), column 'region'");
	assert_msg_has("U+20000");
	assert_int_equal(3, kiscrm_error_last()->line);
	assert_int_equal(1, kiscrm_error_last()->column);
	assert_string_equal("region", kiscrm_error_last()->field);
	assert_string_equal("x\xF0\xA0\x80\x80y", kiscrm_error_last()->value);
	o.encoding = "latin1";
	assert_rc(KISCRM_EINVALID, kiscrm_table_write_csv_with(&b, t, &o));
	assert_msg_has("latin1");
	/* kiscrm_csv_write_row writes UTF-8 only */
	const char *cells[] = { "a" };
	o.encoding = "gbk";
	assert_rc(KISCRM_EINVALID, kiscrm_csv_write_row(&b, cells, 1, &o));
	kiscrm_buf_dispose(&b);
	kiscrm_table_free(t);
}

/* A caller built against version 1 of the options (no encoding field) still works. */
static void test_options_version1(void **state)
{
	(void)state;
	kiscrm_csv_write_options o;
	assert_rc(KISCRM_OK, kiscrm_csv_write_options_init(&o, KISCRM_CSV_WRITE_OPTIONS_VERSION));
	assert_null(o.encoding);
	assert_int_equal(2, o.version);
	struct {
		unsigned version, flags;
	} v1 = { 1, KISCRM_CSV_RAW_CELLS };
	kiscrm_table *t;
	assert_rc(KISCRM_OK, kiscrm_table_new(&t, "t"));
	assert_rc(KISCRM_OK, kiscrm_table_add_column(t, "a", KISCRM_TYPE_TEXT));
	assert_int_equal(0, kiscrm_table_add_row(t, KISCRM_ROW_DETAIL));
	assert_rc(KISCRM_OK, kiscrm_table_set_text(t, 0, 0, "=1"));
	kiscrm_buf b = KISCRM_BUF_INIT;
	assert_rc(KISCRM_OK, kiscrm_table_write_csv_with(&b, t, (const kiscrm_csv_write_options *)(void *)&v1));
	assert_string_equal("a\n=1\n", b.ptr); /* raw, UTF-8 */
	kiscrm_buf_dispose(&b);
	kiscrm_table_free(t);
}

/* --- importing what Chinese Excel writes ----------------------------------------------- */

static const char customers_en[] =
	"name,region,industry,employees,created\n"
	"华中精密机械有限公司,central,manufacturing,1200,2026-01-05\n"
	"上海东方贸易有限公司,east,trade,35,2026-12-20\n";
static const char customers_zh[] =
	"客户名称,区域,行业,员工人数,创建日期\n"
	"华中精密机械有限公司,华中,制造业,\"1,200\",2026/1/5\n"
	"上海东方贸易有限公司,East China,商贸,35,2026/12/20\n";
static const char opportunities_en[] =
	"name,customer,owner,business_line,product_line,amount,expected_close,stage,created\n"
	"华中精密 KIS专业版,华中精密机械有限公司,张伟,direct,professional,128000.00,2026-12-15,diagnosis,2026-10-08\n"
	"东方贸易 KIS标准版,上海东方贸易有限公司,张伟,service,standard,36800.50,2027-01-31,opportunity,2026-11-02\n";
static const char opportunities_zh[] =
	"商机名称,客户,负责人,业务线,产品线,商机金额,预计成交日期,阶段,创建日期\n"
	"华中精密 KIS专业版,华中精密机械有限公司,张伟,直销,专业版,\"￥128,000.00\",2026/12/15,需求(诊断)阶段,2026/10/8\n"
	"东方贸易 KIS标准版,上海东方贸易有限公司,张伟,服务,标准版,\"￥36,800.50\",2027/1/31,opportunity (questioning),2026/11/2\n";

static void test_chinese_twin(void **state)
{
	kiscrm_db *en = *state;
	kiscrm_db *zh = kc_test_db_open(NULL);
	assert_non_null(zh);
	org(en);
	org(zh);
	assert_int_equal(2, import_text(en, KISCRM_KIND_CUSTOMER, customers_en, strlen(customers_en), NULL, 0));
	assert_int_equal(2, import_text(en, KISCRM_KIND_OPPORTUNITY, opportunities_en,
					strlen(opportunities_en), NULL, 0));
	size_t len;
	char *gbk = to_gbk(customers_zh, &len);
	assert_int_equal(2, import_text(zh, KISCRM_KIND_CUSTOMER, gbk, len, "gbk", 0));
	free(gbk);
	gbk = to_gbk(opportunities_zh, &len);
	assert_int_equal(2, import_text(zh, KISCRM_KIND_OPPORTUNITY, gbk, len, "gbk", 0));
	free(gbk);

	/* By hand: the keys, 1200 people, ¥128,000.00 = 12,800,000 fen, the stage key. */
	kiscrm_record *r = kc_test_get(zh, KISCRM_KIND_CUSTOMER, 1);
	kc_test_assert_text(r, KISCRM_CUSTOMER_REGION, "central");
	kc_test_assert_text(r, KISCRM_CUSTOMER_INDUSTRY, "manufacturing");
	assert_int_equal(1200, kiscrm_record_int(r, KISCRM_CUSTOMER_EMPLOYEES));
	assert_int_equal(kc_test_day("2026-01-05"), kiscrm_record_int(r, KISCRM_CUSTOMER_CREATED));
	kiscrm_record_free(r);
	r = kc_test_get(zh, KISCRM_KIND_CUSTOMER, 2);
	kc_test_assert_text(r, KISCRM_CUSTOMER_REGION, "east"); /* English name, case ignored */
	kiscrm_record_free(r);
	r = kc_test_get(zh, KISCRM_KIND_OPPORTUNITY, 1);
	assert_int_equal(12800000, kiscrm_record_int(r, KISCRM_OPPORTUNITY_AMOUNT));
	kc_test_assert_text(r, KISCRM_OPPORTUNITY_STAGE, "diagnosis");
	kc_test_assert_text(r, KISCRM_OPPORTUNITY_BUSINESS_LINE, "direct");
	kc_test_assert_text(r, KISCRM_OPPORTUNITY_PRODUCT_LINE, "professional");
	kiscrm_record_free(r);
	r = kc_test_get(zh, KISCRM_KIND_OPPORTUNITY, 2);
	assert_int_equal(3680050, kiscrm_record_int(r, KISCRM_OPPORTUNITY_AMOUNT));
	kc_test_assert_text(r, KISCRM_OPPORTUNITY_STAGE, "opportunity");
	assert_int_equal(kc_test_day("2027-01-31"), kiscrm_record_int(r, KISCRM_OPPORTUNITY_EXPECTED_CLOSE));
	kiscrm_record_free(r);

	/* And every field of every record equals the English twin's. */
	int kinds[] = { KISCRM_KIND_CUSTOMER, KISCRM_KIND_OPPORTUNITY };
	for (size_t k = 0; k < 2; k++) {
		kiscrm_buf a = export_text(en, kinds[k], NULL), b = export_text(zh, kinds[k], NULL);
		assert_string_equal(a.ptr, b.ptr);
		kiscrm_buf_dispose(&a);
		kiscrm_buf_dispose(&b);
	}
	kiscrm_db_free(zh);
}

/* Customers and a report as UTF-8-BOM and GBK files: the customer files import into an
 * empty database as the same records, the report files read back as the same cells. */
static void test_excel_round_trip(void **state)
{
	kiscrm_db *db = *state;
	org(db);
	import_text(db, KISCRM_KIND_CUSTOMER, customers_en, strlen(customers_en), NULL, 0);
	import_text(db, KISCRM_KIND_OPPORTUNITY, opportunities_en, strlen(opportunities_en), NULL, 0);
	kiscrm_buf original = export_text(db, KISCRM_KIND_CUSTOMER, NULL);

	char dir[] = "/tmp/kiscrm-excel-XXXXXX", path[128];
	assert_non_null(mkdtemp(dir));
	const char *encodings[] = { "utf-8-bom", "gbk" };
	for (size_t e = 0; e < 2; e++) {
		kiscrm_csv_write_options o = KISCRM_CSV_WRITE_OPTIONS_INIT;
		o.encoding = encodings[e];
		snprintf(path, sizeof(path), "%s/customers-%s.csv", dir, encodings[e]);
		assert_rc(KISCRM_OK, kiscrm_csv_export_file(db, KISCRM_KIND_CUSTOMER, path, NULL, &o));
		size_t len;
		char *data = read_file(path, &len);
		if (e == 0)
			assert_memory_equal("\xEF\xBB\xBF" "id,name", data, 10);
		else /* 华中精密… in GBK right after "1," */
			assert_true(contains(data, len, "\n1,\xBB\xAA\xD6\xD0", 7));
		kiscrm_db *copy = kc_test_db_open(NULL);
		assert_non_null(copy);
		assert_int_equal(2, import_text(copy, KISCRM_KIND_CUSTOMER, data, len,
						e == 0 ? "utf-8" : "gbk",
						KISCRM_IMPORT_KEEP_IDS | KISCRM_IMPORT_RAW));
		kiscrm_buf again = export_text(copy, KISCRM_KIND_CUSTOMER, NULL);
		assert_string_equal(original.ptr, again.ptr);
		kiscrm_buf_dispose(&again);
		kiscrm_db_free(copy);
		free(data);
		unlink(path);
	}

	/* The funnel report with Chinese headers, written in both encodings. */
	kiscrm_report_options ro = KISCRM_REPORT_OPTIONS_INIT;
	ro.as_of = kc_test_day("2026-11-23");
	kiscrm_table *t;
	assert_rc(KISCRM_OK, kiscrm_report_run(&t, db, "funnel", &ro));
	assert_rc(KISCRM_OK, kiscrm_table_set_header_lang(t, "zh"));
	kiscrm_buf utf8 = KISCRM_BUF_INIT;
	assert_rc(KISCRM_OK, kiscrm_table_write_csv(&utf8, t));
	for (size_t e = 0; e < 2; e++) {
		kiscrm_csv_write_options o = KISCRM_CSV_WRITE_OPTIONS_INIT;
		kiscrm_buf b = KISCRM_BUF_INIT;
		o.encoding = encodings[e];
		assert_rc(KISCRM_OK, kiscrm_table_write_csv_with(&b, t, &o));
		snprintf(path, sizeof(path), "%s/funnel-%s.csv", dir, encodings[e]);
		write_file(path, b.ptr, b.size);
		kiscrm_buf_dispose(&b);
		size_t len;
		char *data = read_file(path, &len);
		kiscrm_csv_reader *a, *c;
		assert_rc(KISCRM_OK, kiscrm_csv_reader_new(&a, utf8.ptr, utf8.size, "utf8", NULL));
		assert_rc(KISCRM_OK, kiscrm_csv_reader_new(&c, data, len, path, e == 0 ? NULL : "gbk"));
		size_t records = 0;
		int rc;
		while ((rc = kiscrm_csv_reader_next(a)) == KISCRM_OK) {
			assert_rc(KISCRM_OK, kiscrm_csv_reader_next(c));
			assert_int_equal(kiscrm_csv_reader_field_count(a), kiscrm_csv_reader_field_count(c));
			for (size_t i = 0; i < kiscrm_csv_reader_field_count(a); i++)
				assert_string_equal(kiscrm_csv_reader_field(a, i), kiscrm_csv_reader_field(c, i));
			records++;
		}
		assert_int_equal(KISCRM_ITEROVER, rc);
		assert_int_equal(KISCRM_ITEROVER, kiscrm_csv_reader_next(c));
		/* the header and a row per stage of the default pipeline at least */
		assert_true(records > 4);
		kiscrm_csv_reader_free(a);
		kiscrm_csv_reader_free(c);
		free(data);
		unlink(path);
	}
	kiscrm_buf_dispose(&utf8);
	kiscrm_table_free(t);

	/* A customer GBK cannot name: the export fails naming row 3 and column name, and the
	 * file already there keeps its bytes. */
	kc_test_customer(db, "笑脸\xF0\x9F\x98\x80贸易"); /* 😀 U+1F600 */
	kiscrm_csv_write_options o = KISCRM_CSV_WRITE_OPTIONS_INIT;
	o.encoding = "gbk";
	snprintf(path, sizeof(path), "%s/customers.csv", dir);
	write_file(path, "old", 3);
	assert_rc(KISCRM_EINVALID, kiscrm_csv_export_file(db, KISCRM_KIND_CUSTOMER, path, NULL, &o));
	assert_msg_has("row 3 (line 4), column 'name'");
	assert_msg_has("U+1F600");
	assert_string_equal(path, kiscrm_error_last()->file);
	size_t len;
	char *data = read_file(path, &len);
	assert_int_equal(3, len);
	assert_memory_equal("old", data, 3);
	free(data);
	kiscrm_buf b = KISCRM_BUF_INIT;
	assert_rc(KISCRM_EINVALID, kiscrm_csv_export(&b, db, KISCRM_KIND_CUSTOMER, NULL, &o));
	assert_int_equal(0, b.size);
	kiscrm_buf_dispose(&b);
	unlink(path);
	rmdir(dir);
	kiscrm_buf_dispose(&original);
}

/* --- configured lists ------------------------------------------------------------------- */

static void test_unlisted_values(void **state)
{
	kiscrm_db *db = *state;
	static const char mars[] = "客户名称,区域\n火星贸易,火星\n";
	kiscrm_import_options o = KISCRM_IMPORT_OPTIONS_INIT;
	kiscrm_table *errors = NULL;
	size_t n = 9;
	assert_rc(KISCRM_EIMPORT, kiscrm_csv_import_data(&n, &errors, db, KISCRM_KIND_CUSTOMER, mars,
							 strlen(mars), "mars.csv", &o));
	assert_int_equal(0, n);
	assert_msg_has("mars.csv:2: column '区域', value '火星'");
	assert_msg_has("neither a key nor a display name");
	assert_int_equal(1, kiscrm_table_row_count(errors));
	assert_int_equal(2, kiscrm_table_int(errors, 0, 0));
	assert_string_equal("区域", kiscrm_table_text(errors, 0, 1));
	assert_string_equal("火星", kiscrm_table_text(errors, 0, 2));
	assert_string_equal("error", kiscrm_table_text(errors, 0, 4));
	kiscrm_table_free(errors);
	assert_int_equal(0, kc_test_count(db, KISCRM_KIND_CUSTOMER, NULL));

	/* asked for: stored as written, reported as a warning */
	o.flags = KISCRM_IMPORT_WARN_UNLISTED;
	assert_rc(KISCRM_OK, kiscrm_csv_import_data(&n, &errors, db, KISCRM_KIND_CUSTOMER, mars,
						    strlen(mars), "mars.csv", &o));
	assert_int_equal(1, n);
	assert_int_equal(1, kiscrm_table_row_count(errors));
	assert_string_equal("warning", kiscrm_table_text(errors, 0, 4));
	kiscrm_table_free(errors);
	kiscrm_record *r = kc_test_get(db, KISCRM_KIND_CUSTOMER, 1);
	kc_test_assert_text(r, KISCRM_CUSTOMER_REGION, "火星");
	kiscrm_record_free(r);

	/* a strict list (business lines) refuses all the same */
	org(db);
	static const char line[] = "name,customer_id,owner,business_line,stage\n单,1,张伟,零售线,opportunity\n";
	assert_rc(KISCRM_EIMPORT, kiscrm_csv_import_data(&n, &errors, db, KISCRM_KIND_OPPORTUNITY, line,
							 strlen(line), "line.csv", &o));
	assert_string_equal("error", kiscrm_table_text(errors, 0, 4));
	assert_string_equal("business_line", kiscrm_table_text(errors, 0, 1));
	kiscrm_table_free(errors);

	/* RAW takes values as exported: no translation, an unlisted value of a list that is
	 * not strict is kept (it was stored before). */
	static const char raw[] = "name,region\n原样,华中\n另一,火星\n";
	o.flags = KISCRM_IMPORT_RAW;
	assert_rc(KISCRM_OK, kiscrm_csv_import_data(&n, NULL, db, KISCRM_KIND_CUSTOMER, raw, strlen(raw),
						    "raw.csv", &o));
	r = kc_test_get(db, KISCRM_KIND_CUSTOMER, 2);
	kc_test_assert_text(r, KISCRM_CUSTOMER_REGION, "华中");
	kiscrm_record_free(r);

	/* An unknown stage name is the store's error, naming the column as written. */
	static const char stage[] = "name,customer_id,owner,阶段\n单,1,张伟,签约阶段X\n";
	o.flags = 0;
	assert_rc(KISCRM_EIMPORT, kiscrm_csv_import_data(&n, &errors, db, KISCRM_KIND_OPPORTUNITY, stage,
							 strlen(stage), "stage.csv", &o));
	assert_string_equal("阶段", kiscrm_table_text(errors, 0, 1));
	assert_string_equal("签约阶段X", kiscrm_table_text(errors, 0, 2));
	kiscrm_table_free(errors);
}

static void test_bad_excel_cells(void **state)
{
	kiscrm_db *db = *state;
	org(db);
	kc_test_customer(db, "甲");
	static const char bad[] =
		"name,customer,owner,amount,expected_close,stage\n"
		"a,甲,张伟,￥1.234,2026/1/5,opportunity\n"    /* a third decimal */
		"b,甲,张伟,￥1,2026/2/30,opportunity\n"       /* no 30 February */
		"c,甲,张伟,￥1,2026/1/5,opportunity\n";       /* fine */
	kiscrm_import_options o = KISCRM_IMPORT_OPTIONS_INIT;
	kiscrm_table *errors = NULL;
	size_t n;
	assert_rc(KISCRM_EIMPORT, kiscrm_csv_import_data(&n, &errors, db, KISCRM_KIND_OPPORTUNITY, bad,
							 strlen(bad), "bad.csv", &o));
	assert_int_equal(2, kiscrm_table_row_count(errors));
	assert_int_equal(2, kiscrm_table_int(errors, 0, 0));
	assert_string_equal("amount", kiscrm_table_text(errors, 0, 1));
	assert_string_equal("￥1.234", kiscrm_table_text(errors, 0, 2));
	assert_non_null(strstr(kiscrm_table_text(errors, 0, 3), "opportunity.amount: money value '￥1.234' has more than 2 decimals"));
	assert_int_equal(3, kiscrm_table_int(errors, 1, 0));
	assert_string_equal("expected_close", kiscrm_table_text(errors, 1, 1));
	assert_non_null(strstr(kiscrm_table_text(errors, 1, 3), "day 30 out of range 1..28"));
	kiscrm_table_free(errors);
	assert_int_equal(0, kc_test_count(db, KISCRM_KIND_OPPORTUNITY, NULL));

	/* a header that is no field's name or label */
	static const char unknown[] = "客户名字\n甲\n";
	assert_rc(KISCRM_EIMPORT, kiscrm_csv_import_data(&n, &errors, db, KISCRM_KIND_CUSTOMER, unknown,
							 strlen(unknown), "u.csv", &o));
	assert_msg_has("unknown column '客户名字'");
	kiscrm_table_free(errors);
}

/* Every field of the kinds people keep in spreadsheets has a Chinese and an English
 * display name, and within a kind no two columns share one — else a header naming it
 * would be ambiguous. Natural-key columns (owner for owner_id) count as columns. */
static void test_field_labels(void **state)
{
	kiscrm_db *db = *state;
	const kiscrm_config *cfg = kiscrm_db_config(db);
	static const char *const kinds[] = { "customer", "contact", "lead", "opportunity", "contract",
					      "collection_plan", "collection", "staff", "department" };
	static const char *const named[] = { "department", "staff", "customer", "contact", "lead",
					      "opportunity", "contract" }; /* csv.h natural keys */
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		int kind = kiscrm_kind_find(kinds[k]);
		assert_true(kind > 0);
		char cols[64][64];
		size_t n = 0;
		for (int f = 0; f < kiscrm_kind_field_count(kind); f++) {
			kiscrm_field id = kiscrm_kind_field_id(kind, f);
			const char *name = kiscrm_kind_field_name(kind, id);
			snprintf(cols[n++], sizeof(cols[0]), "%s", name);
			int ref = kiscrm_kind_field_ref(kind, id);
			size_t len = strlen(name);
			int nameable = 0;
			for (size_t j = 0; ref && j < sizeof(named) / sizeof(named[0]); j++)
				nameable |= strcmp(kiscrm_kind_name(ref), named[j]) == 0;
			if (nameable && len > 3 && strcmp(name + len - 3, "_id") == 0)
				snprintf(cols[n++], sizeof(cols[0]), "%.*s", (int)(len - 3), name);
		}
		for (size_t i = 0; i < n; i++) {
			const char *zh = kc_config_field_label(cfg, kinds[k], cols[i], "zh");
			const char *en = kc_config_field_label(cfg, kinds[k], cols[i], "en");
			if (!zh || !en)
				fail_msg("%s.%s has no %s label", kinds[k], cols[i], zh ? "en" : "zh");
			for (size_t j = 0; j < i; j++) {
				if (strcmp(zh, kc_config_field_label(cfg, kinds[k], cols[j], "zh")) == 0 ||
				    strcasecmp(en, kc_config_field_label(cfg, kinds[k], cols[j], "en")) == 0)
					fail_msg("%s: %s and %s share a label", kinds[k], cols[j], cols[i]);
			}
		}
	}
	/* by hand: the label of the issue */
	assert_string_equal("客户名称", kc_config_field_label(cfg, "customer", "name", "zh"));
}

int main(void)
{
	const struct CMUnitTest pure[] = {
		cmocka_unit_test(test_excel_dates),
		cmocka_unit_test(test_excel_money),
		cmocka_unit_test(test_grouped_integers),
		cmocka_unit_test(test_table_encodings),
		cmocka_unit_test(test_options_version1),
	};
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_chinese_twin, kc_test_db_setup, kc_test_db_teardown),
		cmocka_unit_test_setup_teardown(test_excel_round_trip, kc_test_db_setup, kc_test_db_teardown),
		cmocka_unit_test_setup_teardown(test_unlisted_values, kc_test_db_setup, kc_test_db_teardown),
		cmocka_unit_test_setup_teardown(test_bad_excel_cells, kc_test_db_setup, kc_test_db_teardown),
		cmocka_unit_test_setup_teardown(test_field_labels, kc_test_db_setup, kc_test_db_teardown),
	};
	int failed = cmocka_run_group_tests_name("csv_excel_pure", pure, NULL, NULL);
	return failed + kc_test_run_both(tests);
}
