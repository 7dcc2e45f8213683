/* Column labels of report tables (labels.yaml, kiscrm_table_column_label()) and headers
 * in a language (kiscrm_table_set_header_lang()). The first test runs every report of the
 * registry, ungrouped and grouped by every dimension, so that a report column added
 * without a Chinese and an English label fails here. */
#include "helpers.h"
#include "table/table_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	kiscrm_db *db;
	kiscrm_id staff;
} world;

static int setup(void **state)
{
	world *w = kc_test_fx_open(sizeof(world), NULL);
	if (!w)
		return -1;
	kiscrm_id dept = kc_test_department(w->db, "销售一部", 0);
	w->staff = kc_test_staff(w->db, "张三", dept, "sales_rep");
	kc_test_customer(w->db, "北京甲科技有限公司");
	/* snapshots of two weeks, for snapshot-diff (as of 2026-03-15 and the week before) */
	kiscrm_date d = KISCRM_DATE_NONE;
	kiscrm_date_parse(&d, "2026-03-15");
	if (kiscrm_budget_snapshot(NULL, w->db, d) < 0 || kiscrm_budget_snapshot(NULL, w->db, d - 7) < 0)
		return -1;
	*state = w;
	return 0;
}

/* Every column of t has a non-empty zh and en label; prints the ones that do not. */
static int unlabelled(const kiscrm_table *t, const char *report)
{
	int missing = 0;
	for (size_t c = 0; c < kiscrm_table_column_count(t); c++) {
		const char *zh = kc_table_column_label_exact(t, c, "zh"), *en = kc_table_column_label_exact(t, c, "en");
		if (!zh || !*zh || !en || !*en) {
			print_error("report %s: column '%s' lacks a %s label\n", report, kiscrm_table_column_name(t, c),
				    !zh || !*zh ? "zh" : "en");
			missing++;
		}
	}
	return missing;
}

static void test_every_report_column_has_labels(void **state)
{
	world *w = *state;
	static const int groups[][4] = {
		{ 0 },
		{ KISCRM_GROUP_BUSINESS_LINE, KISCRM_GROUP_PRODUCT_LINE, KISCRM_GROUP_DEPARTMENT, KISCRM_GROUP_OWNER },
		{ KISCRM_GROUP_REGION, KISCRM_GROUP_INDUSTRY, KISCRM_GROUP_SIZE_CLASS },
		{ KISCRM_GROUP_CUSTOMER, KISCRM_GROUP_MANAGER }, { KISCRM_GROUP_MANAGER_TREE },
	};
	static const size_t ngroups[] = { 0, 4, 3, 2, 1 };
	int missing = 0;
	size_t tables = 0;
	assert_true(kiscrm_report_count() >= 27);
	for (size_t i = 0; i < kiscrm_report_count(); i++) {
		const char *name = kiscrm_report_name(i);
		for (size_t g = 0; g < sizeof(ngroups) / sizeof(ngroups[0]); g++) {
			kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
			kiscrm_date_parse(&o.as_of, "2026-03-15");
			o.period = KISCRM_PERIOD_QUARTER;
			o.group_by = groups[g];
			o.ngroup = ngroups[g];
			if (strcmp(name, "qualification-assessment") == 0)
				o.owner_id = w->staff; /* one person's assessment */
			kiscrm_table *t = NULL;
			int rc = kiscrm_report_run(&t, w->db, name, &o);
			if (rc < 0 && g > 0)
				continue; /* a report that does not group */
			if (rc < 0)
				fail_msg("report %s: %s", name, kiscrm_error_last()->message);
			missing += unlabelled(t, name);
			tables++;
			kiscrm_table_free(t);
		}
	}
	assert_int_equal(0, missing);
	assert_true(tables >= kiscrm_report_count());
}

/* A few labels worked out from data/labels.yaml and the default configuration. */
static void test_labels_in_both_languages(void **state)
{
	world *w = *state;
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	int by_owner[] = { KISCRM_GROUP_OWNER };
	o.group_by = by_owner;
	o.ngroup = 1;
	kiscrm_date_parse(&o.as_of, "2026-03-15");
	kiscrm_table *t = NULL;
	assert_rc(KISCRM_OK, kiscrm_report_run(&t, w->db, "gap", &o));
	assert_string_equal("负责人", kiscrm_table_column_label(t, 0, "zh"));
	assert_string_equal("Owner", kiscrm_table_column_label(t, 0, "en"));
	assert_string_equal("Owner", kiscrm_table_column_label(t, 0, NULL)); /* English by default */
	int gap = kiscrm_table_column_index(t, "gap");
	assert_true(gap > 0);
	assert_string_equal("缺口", kiscrm_table_column_label(t, (size_t)gap, "zh"));
	assert_null(kiscrm_table_column_label(t, 999, "zh"));
	kiscrm_table_free(t);

	/* a report's own label before the general one: `amount` of receivables is the
	 * contract amount, of the funnel the pipeline amount */
	o.ngroup = 0;
	assert_rc(KISCRM_OK, kiscrm_report_run(&t, w->db, "receivables", &o));
	assert_string_equal("合同金额", kiscrm_table_column_label(t, (size_t)kiscrm_table_column_index(t, "amount"), "zh"));
	kiscrm_table_free(t);
	assert_rc(KISCRM_OK, kiscrm_report_run(&t, w->db, "funnel", &o));
	assert_string_equal("商机金额", kiscrm_table_column_label(t, (size_t)kiscrm_table_column_index(t, "amount"), "zh"));
	assert_string_equal("赢单率", kiscrm_table_column_label(t, (size_t)kiscrm_table_column_index(t, "win_rate"), "zh"));
	kiscrm_table_free(t);

	/* columns named at run time: ageing buckets (analysis.yaml bounds 30, 60, 90, 180)
	 * and the diagnosis count of a stage (pipelines.yaml names) */
	assert_rc(KISCRM_OK, kiscrm_report_run(&t, w->db, "ageing", &o));
	assert_string_equal("逾期31-60天", kiscrm_table_column_label(t, (size_t)kiscrm_table_column_index(t, "31-60"), "zh"));
	assert_string_equal("Over 180 days overdue",
			    kiscrm_table_column_label(t, (size_t)kiscrm_table_column_index(t, ">180"), "en"));
	kiscrm_table_free(t);
	assert_rc(KISCRM_OK, kiscrm_report_run(&t, w->db, "funnel-diagnosis", &o));
	assert_string_equal("需求(诊断)阶段数量",
			    kiscrm_table_column_label(t, (size_t)kiscrm_table_column_index(t, "count_diagnosis"), "zh"));
	kiscrm_table_free(t);
}

/* A table of your own has no labels: the name stands in. */
static void test_plain_table_falls_back_to_names(void **state)
{
	(void)state;
	kiscrm_table *t = NULL;
	assert_rc(KISCRM_OK, kiscrm_table_new(&t, "mine"));
	assert_rc(KISCRM_OK, kiscrm_table_add_column(t, "owner", KISCRM_TYPE_TEXT));
	assert_string_equal("owner", kiscrm_table_column_label(t, 0, "zh"));
	assert_null(kc_table_column_label_exact(t, 0, "zh"));
	kiscrm_table_free(t);
}

/* Headers of CSV and text output in a language; JSON keeps the names. */
static void test_header_lang(void **state)
{
	world *w = *state;
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	kiscrm_date_parse(&o.as_of, "2026-03-15");
	kiscrm_table *t = NULL;
	kiscrm_buf out = KISCRM_BUF_INIT;
	assert_rc(KISCRM_OK, kiscrm_report_run(&t, w->db, "win-rate", &o));
	assert_rc(KISCRM_OK, kiscrm_table_write_csv(&out, t));
	assert_true(strncmp(out.ptr, "won_count,lost_count,won_amount,win_rate\r\n", 42) == 0 ||
		    strncmp(out.ptr, "won_count,lost_count,won_amount,win_rate\n", 41) == 0);
	kiscrm_buf_dispose(&out);
	assert_rc(KISCRM_OK, kiscrm_table_set_header_lang(t, "zh"));
	assert_rc(KISCRM_OK, kiscrm_table_write_csv(&out, t));
	assert_true(strncmp(out.ptr, "赢单数,输单数,赢单金额,赢单率", strlen("赢单数,输单数,赢单金额,赢单率")) == 0);
	kiscrm_buf_dispose(&out);
	assert_rc(KISCRM_OK, kiscrm_table_write_text(&out, t));
	assert_non_null(strstr(out.ptr, "赢单金额"));
	kiscrm_buf_dispose(&out);
	assert_rc(KISCRM_OK, kiscrm_table_write_json(&out, t));
	assert_non_null(strstr(out.ptr, "\"name\":\"won_amount\""));
	assert_null(strstr(out.ptr, "赢单"));
	kiscrm_buf_dispose(&out);
	assert_rc(KISCRM_OK, kiscrm_table_set_header_lang(t, "en"));
	assert_rc(KISCRM_OK, kiscrm_table_write_csv(&out, t));
	assert_true(strncmp(out.ptr, "Won,Lost,Won amount,Win rate", 28) == 0);
	kiscrm_buf_dispose(&out);
	assert_rc(KISCRM_EINVALID, kiscrm_table_set_header_lang(t, "fr"));
	assert_msg_has("fr");
	assert_rc(KISCRM_OK, kiscrm_table_set_header_lang(t, NULL));
	assert_rc(KISCRM_OK, kiscrm_table_write_csv(&out, t));
	assert_true(strncmp(out.ptr, "won_count", 9) == 0);
	kiscrm_buf_dispose(&out);
	kiscrm_table_free(t);
	assert_rc(KISCRM_EINVALID, kiscrm_table_set_header_lang(NULL, "zh"));
}

/* A table keeps its labels after the database that made it is closed. */
static void test_labels_outlive_database(void **state)
{
	(void)state;
	kiscrm_db *db = kc_test_db_open(NULL);
	assert_non_null(db);
	kiscrm_table *t = NULL;
	assert_rc(KISCRM_OK, kiscrm_report_run(&t, db, "structure", NULL));
	kiscrm_db_free(db);
	assert_string_equal("占比", kiscrm_table_column_label(t, (size_t)kiscrm_table_column_index(t, "share"), "zh"));
	kiscrm_table_free(t);
}

static void config_dir(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/config/%s", kc_test_data_dir(), name);
}

/* labels.yaml of a configuration directory replaces the default as a whole. */
static void test_labels_from_config_dir(void **state)
{
	(void)state;
	char dir[1024];
	config_dir(dir, sizeof(dir), "labels_override");
	kiscrm_db *db = kc_test_db_open(dir);
	assert_non_null(db);
	kiscrm_table *t = NULL;
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	int by_owner[] = { KISCRM_GROUP_OWNER };
	o.group_by = by_owner;
	o.ngroup = 1;
	assert_rc(KISCRM_OK, kiscrm_report_run(&t, db, "funnel", &o));
	assert_string_equal("销售", kiscrm_table_column_label(t, 0, "zh"));
	assert_string_equal("漏斗金额", kiscrm_table_column_label(t, (size_t)kiscrm_table_column_index(t, "amount"), "zh"));
	/* not in that file: no label */
	assert_string_equal("win_rate", kiscrm_table_column_label(t, (size_t)kiscrm_table_column_index(t, "win_rate"), "zh"));
	kiscrm_table_free(t);
	assert_rc(KISCRM_OK, kiscrm_report_run(&t, db, "receivables", NULL));
	assert_string_equal("Amount", kiscrm_table_column_label(t, (size_t)kiscrm_table_column_index(t, "amount"), "en"));
	kiscrm_table_free(t);
	kiscrm_db_free(db);
}

/* A bad labels.yaml stops loading with file, line and the key at fault. */
static void test_bad_labels_yaml(void **state)
{
	(void)state;
	char dir[1024];
	kiscrm_config *cfg = NULL;
	config_dir(dir, sizeof(dir), "labels_missing_en");
	assert_rc(KISCRM_ECONFIG, kiscrm_config_load(&cfg, dir));
	assert_null(cfg);
	const kiscrm_error *e = kiscrm_error_last();
	assert_non_null(e->file);
	assert_non_null(strstr(e->file, "labels_missing_en/labels.yaml"));
	assert_int_equal(5, e->line); /* the mapping of `gap` */
	assert_msg_has("en");
	config_dir(dir, sizeof(dir), "labels_unknown_key");
	assert_rc(KISCRM_ECONFIG, kiscrm_config_load(&cfg, dir));
	e = kiscrm_error_last();
	assert_non_null(strstr(e->file, "labels_unknown_key/labels.yaml"));
	assert_int_equal(5, e->line);
	assert_msg_has("fr");
}

/* Reason categories of the default analysis.yaml: sales_process, resource_organisation,
 * product_fit, project_staff, customer_feedback. */
static void test_reason_category_names(void **state)
{
	(void)state;
	kiscrm_config *cfg = NULL;
	assert_rc(KISCRM_OK, kiscrm_config_load_default(&cfg));
	assert_int_equal(5, kiscrm_config_reason_category_count(cfg));
	assert_string_equal("resource_organisation", kiscrm_config_reason_category_key(cfg, 1));
	assert_string_equal("资源组织", kiscrm_config_reason_category_name(cfg, 1, "zh"));
	assert_string_equal("Resource organisation", kiscrm_config_reason_category_name(cfg, 1, "en"));
	assert_int_equal(2, kiscrm_config_reason_category_find(cfg, "product_fit"));
	assert_rc(KISCRM_ENOTFOUND, kiscrm_config_reason_category_find(cfg, "luck"));
	assert_msg_has("luck");
	assert_null(kiscrm_config_reason_category_key(cfg, 5));
	kiscrm_config_free(cfg);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, kc_test_fx_teardown)
	const struct CMUnitTest tests[] = {
		T(test_every_report_column_has_labels),
		T(test_labels_in_both_languages),
		T(test_header_lang),
		cmocka_unit_test(test_plain_table_falls_back_to_names),
		cmocka_unit_test(test_labels_outlive_database),
		cmocka_unit_test(test_labels_from_config_dir),
		cmocka_unit_test(test_bad_labels_yaml),
		cmocka_unit_test(test_reason_category_names),
	};
	return kc_test_run_both(tests);
}
