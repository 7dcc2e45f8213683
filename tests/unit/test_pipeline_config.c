/* Pipelines and analysis settings: the built-in defaults against doc/domain.md §5 and §9, the
 * public accessors, a partial analysis.yaml, and every bad fixture directory of
 * tests/data/pipelines/ with the error position worked out by hand from the fixture. */
#include "helpers.h"

#include <stdio.h>
#include <string.h>

#include "config/config_internal.h"
#include "config/pipeline_config.h"

static int ends_with(const char *s, const char *suffix)
{
	size_t a = s ? strlen(s) : 0, b = strlen(suffix);
	return s && a >= b && strcmp(s + a - b, suffix) == 0;
}

/* Checks the last error: code, file, position, field, value and a part of the message. */
static void check_error(const char *file_suffix, int line, int column, const char *field,
			const char *value, const char *msg_part)
{
	const kiscrm_error *e = kiscrm_error_last();

	assert_int_equal(e->code, KISCRM_ECONFIG);
	if (!ends_with(e->file, file_suffix))
		fail_msg("error file '%s' does not end with '%s'", e->file, file_suffix);
	assert_int_equal(e->line, line);
	assert_int_equal(e->column, column);
	assert_non_null(e->field);
	assert_string_equal(e->field, field);
	if (value) {
		assert_non_null(e->value);
		assert_string_equal(e->value, value);
	} else {
		assert_null(e->value);
	}
	if (!strstr(e->message, msg_part))
		fail_msg("message '%s' does not mention '%s'", e->message, msg_part);
}

static void load_bad(const char *name)
{
	char dir[1024];
	kiscrm_config *cfg = (kiscrm_config *)1;

	snprintf(dir, sizeof(dir), "%s/pipelines/%s", kc_test_data_dir(), name);
	assert_rc(KISCRM_ECONFIG, kiscrm_config_load(&cfg, dir));
	assert_null(cfg);
}

/* --- the defaults ---------------------------------------------------------------------- */

typedef struct {
	const char *key, *zh;
	int prob;
	const char *cat;
	int terminal;
	const char *exits[3];
} stage_spec;

static void check_stages(const kiscrm_config *cfg, size_t p, const stage_spec *spec, size_t n)
{
	assert_int_equal(kiscrm_config_stage_count(cfg, p), n);
	for (size_t s = 0; s < n; s++) {
		size_t nexit = 0;
		assert_string_equal(kiscrm_config_stage_key(cfg, p, s), spec[s].key);
		assert_string_equal(kiscrm_config_stage_name(cfg, p, s, "zh"), spec[s].zh);
		assert_non_null(kiscrm_config_stage_name(cfg, p, s, "en"));
		assert_int_equal(kiscrm_config_stage_probability(cfg, p, s), spec[s].prob);
		assert_string_equal(kiscrm_config_stage_forecast_category(cfg, p, s), spec[s].cat);
		assert_int_equal(kiscrm_config_stage_terminal(cfg, p, s), spec[s].terminal);
		assert_int_equal(kiscrm_config_stage_find(cfg, p, spec[s].key), (int)s);
		while (nexit < 3 && spec[s].exits[nexit])
			nexit++;
		assert_int_equal(kiscrm_config_stage_exit_count(cfg, p, s), nexit);
		for (size_t i = 0; i < nexit; i++)
			assert_string_equal(kiscrm_config_stage_exit_field(cfg, p, s, i),
					    spec[s].exits[i]);
		assert_null(kiscrm_config_stage_exit_field(cfg, p, s, nexit));
	}
}

static void test_default_pipeline(void **state)
{
	(void)state;
	/* doc/domain.md §5; customer_id before leaving opportunity, amount and expected_close
	 * before leaving diagnosis. */
	static const stage_spec spec[] = {
		{ "opportunity", "商机(提问)阶段", 10, "pipeline", KISCRM_STAGE_OPEN, { "customer_id" } },
		{ "diagnosis", "需求(诊断)阶段", 30, "pipeline", KISCRM_STAGE_OPEN,
		  { "amount", "expected_close" } },
		{ "design", "方案(设计)阶段", 60, "best_case", KISCRM_STAGE_OPEN, { NULL } },
		{ "commercial", "商务(实现)阶段", 80, "commit", KISCRM_STAGE_OPEN, { NULL } },
		{ "won", "赢单", 100, "closed", KISCRM_STAGE_WON, { NULL } },
		{ "lost", "输单", 0, "omitted", KISCRM_STAGE_LOST, { NULL } },
	};
	kiscrm_config *cfg = NULL;

	assert_rc(KISCRM_OK, kiscrm_config_load_default(&cfg));
	assert_int_equal(kiscrm_config_pipeline_count(cfg), 2);
	assert_string_equal(kiscrm_config_pipeline_key(cfg, 0), "default");
	assert_int_equal(kiscrm_config_pipeline_find(cfg, NULL), 0);
	assert_int_equal(kiscrm_config_pipeline_find(cfg, "default"), 0);
	const kc_pipeline *p = kc_config_pipeline(cfg, 0);
	assert_non_null(p);
	assert_string_equal(p->zh, "默认销售流程");
	assert_null(p->business_line);
	check_stages(cfg, 0, spec, sizeof(spec) / sizeof(spec[0]));
	for (size_t s = 0; s < p->nstages; s++)
		assert_int_equal(p->stages[s].order, s);
	kiscrm_config_free(cfg);
}

static void test_service_pipeline(void **state)
{
	(void)state;
	static const stage_spec spec[] = {
		{ "opportunity", "服务商机", 20, "pipeline", KISCRM_STAGE_OPEN, { "customer_id" } },
		{ "proposal", "服务方案报价", 60, "commit", KISCRM_STAGE_OPEN,
		  { "amount", "expected_close" } },
		{ "won", "赢单", 100, "closed", KISCRM_STAGE_WON, { NULL } },
		{ "lost", "输单", 0, "omitted", KISCRM_STAGE_LOST, { NULL } },
	};
	kiscrm_config *cfg = NULL;

	/* the files of data/ read from disk give the same as the compiled-in defaults */
	assert_rc(KISCRM_OK, kiscrm_config_load(&cfg, kc_test_config_dir()));
	assert_int_equal(kiscrm_config_pipeline_find(cfg, "service"), 1);
	assert_string_equal(kiscrm_config_pipeline_key(cfg, 1), "service");
	assert_string_equal(kc_config_pipeline(cfg, 1)->business_line, "service");
	check_stages(cfg, 1, spec, sizeof(spec) / sizeof(spec[0]));
	kiscrm_config_free(cfg);
}

static void test_accessors_out_of_range(void **state)
{
	(void)state;
	kiscrm_config *cfg = NULL;

	assert_rc(KISCRM_OK, kiscrm_config_load_default(&cfg));
	assert_rc(KISCRM_ENOTFOUND, kiscrm_config_pipeline_find(cfg, "retail"));
	assert_non_null(strstr(kiscrm_error_last()->message, "'retail'"));
	assert_null(kiscrm_config_pipeline_key(cfg, 2));
	assert_int_equal(kiscrm_config_stage_count(cfg, 2), 0);
	assert_null(kiscrm_config_stage_key(cfg, 0, 6));
	assert_null(kiscrm_config_stage_name(cfg, 0, 6, "zh"));
	assert_int_equal(kiscrm_config_stage_probability(cfg, 0, 6), -1);
	assert_null(kiscrm_config_stage_forecast_category(cfg, 0, 6));
	assert_int_equal(kiscrm_config_stage_terminal(cfg, 0, 6), KISCRM_STAGE_OPEN);
	assert_int_equal(kiscrm_config_stage_exit_count(cfg, 0, 6), 0);
	assert_null(kiscrm_config_stage_exit_field(cfg, 0, 6, 0));
	assert_rc(KISCRM_ENOTFOUND, kiscrm_config_stage_find(cfg, 0, "proposal"));
	assert_non_null(strstr(kiscrm_error_last()->message, "'proposal'"));
	assert_rc(KISCRM_ENOTFOUND, kiscrm_config_stage_find(cfg, 5, "won"));
	assert_rc(KISCRM_EINVALID, kiscrm_config_stage_find(cfg, 0, NULL));
	assert_rc(KISCRM_EINVALID, kiscrm_config_stage_find(NULL, 0, "won"));
	assert_null(kc_config_pipeline(cfg, 2));
	kiscrm_config_free(cfg);

	/* a NULL configuration has nothing, but NULL still finds the default index */
	assert_int_equal(kiscrm_config_pipeline_count(NULL), 0);
	assert_null(kiscrm_config_pipeline_key(NULL, 0));
	assert_int_equal(kiscrm_config_pipeline_find(NULL, NULL), 0);
	assert_rc(KISCRM_EINVALID, kiscrm_config_pipeline_find(NULL, "default"));
	assert_null(kc_config_analysis(NULL));
}

static void test_default_analysis(void **state)
{
	(void)state;
	static const char *const reasons[][2] = {
		{ "sales_process", "销售过程" },   { "resource_organisation", "资源组织" },
		{ "product_fit", "产品匹配" },      { "project_staff", "项目人员" },
		{ "customer_feedback", "客户反馈" },
	};
	kiscrm_config *cfg = NULL;

	assert_rc(KISCRM_OK, kiscrm_config_load_default(&cfg));
	const kc_analysis *a = kc_config_analysis(cfg);
	assert_non_null(a);
	/* 500000.00 and 100000.00 with 2 decimals */
	assert_int_equal(a->large_min, 50000000);
	assert_int_equal(a->medium_min, 10000000);
	assert_string_equal(a->review_large, "general_manager");
	assert_string_equal(a->review_medium, "department_manager");
	assert_string_equal(a->review_small, "supervisor");
	assert_int_equal(a->activity_days, 30);
	assert_true(a->thin_top_ratio == 1.0);
	assert_true(a->bottleneck_ratio == 1.5);
	assert_true(a->fat_top_conversion == 0.15);
	assert_true(a->bottom_heavy_share == 0.6);
	assert_true(a->sufficiency_threshold == 3.0);
	assert_int_equal(a->nreasons, 5);
	for (size_t i = 0; i < 5; i++) {
		assert_string_equal(a->reasons[i].key, reasons[i][0]);
		assert_string_equal(a->reasons[i].zh, reasons[i][1]);
		assert_non_null(a->reasons[i].en);
	}
	assert_int_equal(a->nageing, 4);
	assert_int_equal(a->ageing_bounds[0], 30);
	assert_int_equal(a->ageing_bounds[1], 60);
	assert_int_equal(a->ageing_bounds[2], 90);
	assert_int_equal(a->ageing_bounds[3], 180);
	assert_int_equal(a->predict_start, KISCRM_DATE_NONE);
	assert_int_equal(a->npredict_fields, 1);
	assert_string_equal(a->predict_fields[0], "stage");
	kiscrm_config_free(cfg);
}

static void test_partial_analysis(void **state)
{
	(void)state;
	char dir[1024];
	kiscrm_config *cfg = NULL;

	snprintf(dir, sizeof(dir), "%s/pipelines/custom", kc_test_data_dir());
	assert_rc(KISCRM_OK, kiscrm_config_load(&cfg, dir));
	const kc_analysis *a = kc_config_analysis(cfg);
	assert_true(a->sufficiency_threshold == 2.5);
	assert_int_equal(a->nageing, 2);
	assert_int_equal(a->ageing_bounds[0], 15);
	assert_int_equal(a->ageing_bounds[1], 45);
	/* 2023-01-01: 53 years of 365 days plus 13 leap days (1972 … 2020) = 19358 */
	assert_int_equal(a->predict_start, 19358);
	assert_int_equal(a->npredict_fields, 3);
	assert_string_equal(a->predict_fields[1], "product_line");
	assert_string_equal(a->predict_fields[2], "tags");
	/* left out: the defaults */
	assert_int_equal(a->large_min, 50000000);
	assert_int_equal(a->activity_days, 30);
	assert_int_equal(a->nreasons, 5);
	assert_string_equal(a->review_small, "supervisor");
	/* pipelines.yaml is not in the directory: the default */
	assert_int_equal(kiscrm_config_pipeline_count(cfg), 2);
	kiscrm_config_free(cfg);
}

/* --- bad pipelines.yaml ---------------------------------------------------------------- */

static void test_bad_pipelines(void **state)
{
	(void)state;

	load_bad("dup_pipeline");
	/* Line 8 "  - key: a": "  - " and "key: " are 9 characters → column 10. */
	check_error("/dup_pipeline/pipelines.yaml", 8, 10, "pipelines[1].key", "a",
		    "duplicate pipeline key 'a'");

	load_bad("dup_stage");
	/* Line 9 "      - key: open": "      - " (8) and "key: " (5) → column 14. */
	check_error("/dup_stage/pipelines.yaml", 9, 14, "pipelines[0].stages[1].key", "open",
		    "duplicate stage key 'open'");

	load_bad("bad_probability");
	/* Line 7 "        probability: 150": 8 spaces and "probability: " (13) → column 22. */
	check_error("/bad_probability/pipelines.yaml", 7, 22,
		    "pipelines[0].stages[0].probability", "150", "150 is out of range (0..100)");

	load_bad("no_won");
	/* Reported at the stage list, whose first "-" is on line 5 after 6 spaces. */
	check_error("/no_won/pipelines.yaml", 5, 7, "pipelines[0].stages", NULL,
		    "pipeline 'a' has no won stage");

	load_bad("no_lost");
	check_error("/no_lost/pipelines.yaml", 5, 7, "pipelines[0].stages", NULL,
		    "pipeline 'a' has no lost stage");

	load_bad("terminal_order");
	/* Line 14 "      - key: late" → column 14 as above. */
	check_error("/terminal_order/pipelines.yaml", 14, 14, "pipelines[0].stages[2].key",
		    "late", "working stage 'late' follows terminal stage 'won'");

	load_bad("bad_category");
	/* Line 8 "        forecast_category: maybe": 8 + 19 characters → column 28. */
	check_error("/bad_category/pipelines.yaml", 8, 28,
		    "pipelines[0].stages[0].forecast_category", "maybe",
		    "'maybe' is not one of: pipeline, best_case, commit, closed, omitted");

	load_bad("bad_exit_field");
	/* Line 9 "        exit_criteria: [customer_id, budget]": "[" at 8 + 15 + 1 = 24,
	 * customer_id at 25..35, ", " at 36..37, budget at 38. */
	check_error("/bad_exit_field/pipelines.yaml", 9, 38,
		    "pipelines[0].stages[0].exit_criteria[1]", "budget",
		    "'budget' is not an opportunity field");
}

/* --- bad analysis.yaml ----------------------------------------------------------------- */

static void test_bad_analysis(void **state)
{
	(void)state;

	load_bad("bad_role");
	/* Line 2 "  large: ceo": 2 + 7 characters → column 10. */
	check_error("/bad_role/analysis.yaml", 2, 10, "supervision.large", "ceo",
		    "'ceo' is not a role of roles.yaml");

	load_bad("bad_reason");
	/* Line 4 "    name: Sales": the key at column 5. */
	check_error("/bad_reason/analysis.yaml", 4, 5, "reason_categories[0].name", "name",
		    "unknown key 'name'");

	load_bad("dup_reason");
	/* Line 4 "  - key: price" → column 10. */
	check_error("/dup_reason/analysis.yaml", 4, 10, "reason_categories[1].key", "price",
		    "duplicate reason category 'price'");

	load_bad("bad_ageing");
	/* "ageing_bounds: [30, 90, 60]": "[" at 16, 30 at 17, 90 at 21, 60 at 25. */
	check_error("/bad_ageing/analysis.yaml", 1, 25, "ageing_bounds[2]", "60",
		    "ageing bound 60 is not above the one before it (90)");

	load_bad("bad_ageing_zero");
	/* "ageing_bounds: [0, 30]": 0 at column 17. */
	check_error("/bad_ageing_zero/analysis.yaml", 1, 17, "ageing_bounds[0]", "0",
		    "0 is out of range");

	load_bad("bad_threshold");
	/* Line 2 "  fat_top_conversion: 1.5": 2 + 20 characters → column 23. */
	check_error("/bad_threshold/analysis.yaml", 2, 23, "funnel_diagnosis.fat_top_conversion",
		    "1.5", "fat_top_conversion 1.5 is out of range");

	load_bad("bad_size");
	/* Line 3 "  medium_min: 200000.00": 2 + 12 characters → column 15. */
	check_error("/bad_size/analysis.yaml", 3, 15, "size_classes.medium_min", "200000.00",
		    "medium_min must be below large_min");

	load_bad("bad_sufficiency");
	/* "sufficiency_threshold: 0": 23 characters → column 24. */
	check_error("/bad_sufficiency/analysis.yaml", 1, 24, "sufficiency_threshold", "0",
		    "sufficiency_threshold 0 is out of range");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_pipeline),
		cmocka_unit_test(test_service_pipeline),
		cmocka_unit_test(test_accessors_out_of_range),
		cmocka_unit_test(test_default_analysis),
		cmocka_unit_test(test_partial_analysis),
		cmocka_unit_test(test_bad_pipelines),
		cmocka_unit_test(test_bad_analysis),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
