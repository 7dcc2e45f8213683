/* Qualification standards (任职资格): loading, and assessing people against the default
 * marketing level-2 standard (data/qualification.yaml) — evidence per behaviour item, exams
 * against pass marks, experience with substitution and compensation, job-description
 * requirements — with every fail explained. Both backends. */
#include "funnel_fixtures.h"

/* kiscrm_qualification_assess() as of a date, in English or in a language. */
static int assess_lang(kiscrm_table **out, kiscrm_db *db, const kiscrm_qual_standards *std,
		       const char *standard, kiscrm_id staff_id, kiscrm_date as_of, const char *lang)
{
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	o.as_of = as_of;
	o.lang = lang;
	return kiscrm_qualification_assess(out, db, std, standard, staff_id, &o);
}

static int assess(kiscrm_table **out, kiscrm_db *db, const kiscrm_qual_standards *std,
		  const char *standard, kiscrm_id staff_id, kiscrm_date as_of)
{
	return assess_lang(out, db, std, standard, staff_id, as_of, NULL);
}

#define D(y, m, d) fx_date((y), (m), (d))

/* The default standard marketing_l2:
 * - behaviour: 6 units, 17 items;
 * - knowledge: product, marketing, business, pass mark 60 each;
 * - experience: marketing ≥ 0.5 (main), other_department ≥ 1, external_marketing ≥ 1
 *   (substitutes for the main one); tolerance 0.1;
 * - requirements: education ≥ bachelor, sales_years ≥ 2, industry_years ≥ 1, training
 *   project_management, legal, finance.
 * Rows: 6 units, 3 subjects, experience, education, sales_years, industry_years, training,
 * overall = 15. */
static const struct {
	const char *unit, *item;
} items[] = {
	{ "product_presentation", "research" },  { "product_presentation", "slides" },
	{ "product_presentation", "presentation" }, { "product_presentation", "follow_up" },
	{ "market_planning", "planning" },       { "market_planning", "implementation" },
	{ "technical_solution", "research" },    { "technical_solution", "solution" },
	{ "project_operation", "project_planning" }, { "project_operation", "process_control" },
	{ "project_operation", "negotiation" },  { "project_operation", "contract_execution" },
	{ "customer_relationship", "pr_planning" }, { "customer_relationship", "pr_activities" },
	{ "work_reports", "rules" },
};
#define NITEMS (sizeof(items) / sizeof(items[0]))


static kiscrm_id person(kiscrm_db *db, kiscrm_id dept, const char *name, const char *education, double sales,
			double industry)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_STAFF);
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_STAFF_NAME, name));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_STAFF_DEPARTMENT_ID, dept));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_STAFF_ROLE, "sales_rep"));
	if (education)
		assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_STAFF_EDUCATION, education));
	if (sales >= 0)
		assert_rc(KISCRM_OK, kiscrm_record_set_rate(r, KISCRM_STAFF_SALES_YEARS, sales));
	if (industry >= 0)
		assert_rc(KISCRM_OK, kiscrm_record_set_rate(r, KISCRM_STAFF_INDUSTRY_YEARS, industry));
	return kc_test_insert(db, r);
}

static void evidence(kiscrm_db *db, kiscrm_id staff, const char *unit, const char *item, const char *method,
		     kiscrm_date date)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_EVIDENCE);
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_EVIDENCE_STAFF_ID, staff));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_EVIDENCE_UNIT, unit));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_EVIDENCE_ITEM, item));
	if (method)
		assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_EVIDENCE_METHOD, method));
	if (date != KISCRM_DATE_NONE)
		assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_EVIDENCE_DATE, date));
	kc_test_insert(db, r);
}

static void exam(kiscrm_db *db, kiscrm_id staff, const char *subject, double score)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_EXAM_RESULT);
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_EXAM_RESULT_STAFF_ID, staff));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_EXAM_RESULT_SUBJECT, subject));
	assert_rc(KISCRM_OK, kiscrm_record_set_rate(r, KISCRM_EXAM_RESULT_SCORE, score));
	kc_test_insert(db, r);
}

static void experience(kiscrm_db *db, kiscrm_id staff, const char *kind, double years)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_EXPERIENCE);
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_EXPERIENCE_STAFF_ID, staff));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_EXPERIENCE_KIND, kind));
	assert_rc(KISCRM_OK, kiscrm_record_set_rate(r, KISCRM_EXPERIENCE_YEARS, years));
	kc_test_insert(db, r);
}

static void training(kiscrm_db *db, kiscrm_id staff, const char *subject)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_TRAINING);
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_TRAINING_STAFF_ID, staff));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_TRAINING_SUBJECT, subject));
	kc_test_insert(db, r);
}

/* Everything of the standard except experience; `skip` leaves one item without evidence. */
static void complete(kiscrm_db *db, kiscrm_id staff, size_t skip)
{
	for (size_t i = 0; i < NITEMS; i++)
		if (i != skip)
			evidence(db, staff, items[i].unit, items[i].item, NULL, D(2024, 1, 10));
	exam(db, staff, "product", 75);
	exam(db, staff, "marketing", 60); /* exactly the pass mark */
	exam(db, staff, "business", 88);
	training(db, staff, "project_management");
	training(db, staff, "legal");
	training(db, staff, "finance");
}

static kiscrm_qual_standards *defaults(void)
{
	kiscrm_qual_standards *q = NULL;
	assert_rc(KISCRM_OK, kiscrm_qual_standard_load_dir(&q, NULL));
	assert_int_equal(1, kiscrm_qual_standard_count(q));
	assert_string_equal("marketing_l2", kiscrm_qual_standard_key(q, 0));
	return q;
}

static size_t row_of(const kiscrm_table *t, const char *part, const char *key)
{
	for (size_t r = 0; r < kiscrm_table_row_count(t); r++)
		if (strcmp(fx_text(t, r, "part"), part) == 0 && strcmp(fx_text(t, r, "key"), key) == 0)
			return r;
	fail_msg("no row %s/%s", part, key);
	return 0;
}

static int passed(const kiscrm_table *t, const char *part, const char *key)
{
	return (int)fx_int(t, row_of(t, part, key), "passed");
}

static const char *reasons(const kiscrm_table *t, const char *part, const char *key)
{
	return fx_text(t, row_of(t, part, key), "reasons");
}

#define assert_has(hay, needle)                                                                    \
	do {                                                                                       \
		const char *h_ = (hay);                                                            \
		if (!h_ || !strstr(h_, (needle)))                                                  \
			fail_msg("'%s' does not contain '%s'", h_ ? h_ : "(null)", (needle));     \
	} while (0)

/* Wang meets everything: marketing 0.6 ≥ 0.5; master ≥ bachelor; 3 ≥ 2 sales years;
 * industry 1 ≥ 1. Every row passes, no reasons. */
static void test_pass(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_qual_standards *q = defaults();
	kiscrm_id dept = fx_department(db, "Sales");
	kiscrm_id wang = person(db, dept, "Wang", "master", 3, 1);
	complete(db, wang, NITEMS);
	experience(db, wang, "marketing", 0.4);
	experience(db, wang, "marketing", 0.2); /* records of a kind add up: 0.6 */
	kiscrm_table *t = NULL;
	assert_rc(KISCRM_OK, assess(&t, db, q, "marketing_l2", wang, D(2024, 6, 30)));
	assert_string_equal("qualification-assessment", kiscrm_table_name(t));
	assert_int_equal(15, kiscrm_table_row_count(t));
	for (size_t r = 0; r < 15; r++) {
		if (!fx_int(t, r, "passed"))
			fail_msg("row %zu (%s) failed: %s", r, fx_text(t, r, "key"), fx_text(t, r, "reasons"));
		assert_null(fx_text(t, r, "reasons"));
	}
	assert_text("4 of 4 items", t, row_of(t, "behaviour", "product_presentation"), "actual");
	assert_text("60", t, row_of(t, "knowledge", "marketing"), "actual");
	assert_text("marketing 0.6, other_department 0, external_marketing 0", t, row_of(t, "experience", "experience"),
		    "actual");
	size_t last = kiscrm_table_row_count(t) - 1;
	assert_int_equal(KISCRM_ROW_TOTAL, kiscrm_table_row_kind(t, last));
	assert_text("overall", t, last, "part");
	assert_int_equal(1, fx_int(t, last, "passed"));
	kiscrm_table_free(t);

	/* zh display names, the standard's exact title on the overall row */
	assert_rc(KISCRM_OK, assess_lang(&t, db, q, "marketing_l2", wang, D(2024, 6, 30), "zh"));
	assert_text("第一单元:产品宣讲", t, 0, "name");
	assert_text("营销专业任职资格认证标准【产品线第二级】", t, 14, "name");
	kiscrm_table_free(t);

	/* by name, with owner_id */
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	o.as_of = D(2024, 6, 30);
	o.owner_id = wang;
	assert_rc(KISCRM_OK, kiscrm_report_qualification_assessment(&t, db, &o));
	assert_int_equal(1, fx_int(t, 14, "passed"));
	kiscrm_table_free(t);
	kiscrm_qual_standards_free(q);
}

/* Substitution and compensation of the main (marketing) experience:
 * - Li: marketing none, external_marketing 1.2 ≥ 1 → passes, substituted;
 * - Zhao: marketing 0.45 (short 0.05 ≤ tolerance 0.1), other_department 1.1 ≥ 1 + 0.05
 *   → passes, compensated;
 * - Sun: marketing 0.45, other_department 1.02 < 1.05 → fails;
 * - Zhou: marketing 0.3 (short 0.2 > 0.1), other_department 5 → fails. */
static void test_experience_rules(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_qual_standards *q = defaults();
	kiscrm_id dept = fx_department(db, "Sales");
	kiscrm_table *t = NULL;

	kiscrm_id li = person(db, dept, "Li", "bachelor", 2, 1);
	complete(db, li, NITEMS);
	experience(db, li, "external_marketing", 1.2);
	assert_rc(KISCRM_OK, assess(&t, db, q, "marketing_l2", li, D(2024, 6, 30)));
	assert_int_equal(1, passed(t, "experience", "experience"));
	assert_has(reasons(t, "experience", "experience"), "substituted by external_marketing 1.2 ≥ 1");
	assert_int_equal(1, passed(t, "overall", "overall"));
	kiscrm_table_free(t);

	kiscrm_id zhao = person(db, dept, "Zhao", "bachelor", 2, 1);
	complete(db, zhao, NITEMS);
	experience(db, zhao, "marketing", 0.45);
	experience(db, zhao, "other_department", 1.1);
	assert_rc(KISCRM_OK, assess(&t, db, q, "marketing_l2", zhao, D(2024, 6, 30)));
	assert_int_equal(1, passed(t, "experience", "experience"));
	assert_has(reasons(t, "experience", "experience"),
		   "marketing 0.45 < 0.5 within tolerance 0.1, compensated by other_department 1.1 ≥ 1 + 0.05");
	kiscrm_table_free(t);

	kiscrm_id sun = person(db, dept, "Sun", "bachelor", 2, 1);
	complete(db, sun, NITEMS);
	experience(db, sun, "marketing", 0.45);
	experience(db, sun, "other_department", 1.02);
	assert_rc(KISCRM_OK, assess(&t, db, q, "marketing_l2", sun, D(2024, 6, 30)));
	assert_int_equal(0, passed(t, "experience", "experience"));
	const char *why = reasons(t, "experience", "experience");
	assert_has(why, "main experience marketing 0.45 < 0.5");
	assert_has(why, "substitute external_marketing 0 < 1");
	assert_has(why, "no other experience exceeds its bar by 0.05");
	assert_int_equal(0, passed(t, "overall", "overall"));
	assert_text("failed: experience", t, row_of(t, "overall", "overall"), "reasons");
	kiscrm_table_free(t);

	kiscrm_id zhou = person(db, dept, "Zhou", "bachelor", 2, 1);
	complete(db, zhou, NITEMS);
	experience(db, zhou, "marketing", 0.3);
	experience(db, zhou, "other_department", 5);
	assert_rc(KISCRM_OK, assess(&t, db, q, "marketing_l2", zhou, D(2024, 6, 30)));
	assert_int_equal(0, passed(t, "experience", "experience"));
	assert_has(reasons(t, "experience", "experience"), "shortfall 0.2 exceeds the tolerance 0.1");
	kiscrm_table_free(t);
	kiscrm_qual_standards_free(q);
}

/* Qian fails several ways, each explained:
 * - product_presentation/follow_up: its only evidence has a method the unit does not
 *   accept ("gossip"); slides: evidence dated after as_of → 2 of 4 items;
 * - technical_solution/solution: no evidence at all;
 * - marketing exam 55 < 60 (best of 40 and 55); business exam missing;
 * - education college < bachelor; sales_years not recorded; industry 0.5 < 1;
 * - training finance missing.
 * Experience: marketing 1 ≥ 0.5 passes. */
static void test_fails_explained(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_qual_standards *q = defaults();
	kiscrm_id dept = fx_department(db, "Sales");
	kiscrm_id qian = person(db, dept, "Qian", "college", -1, 0.5);
	for (size_t i = 0; i < NITEMS; i++) {
		if (i == 1 || i == 3 || i == 7)
			continue;
		evidence(db, qian, items[i].unit, items[i].item, i == 0 ? "report" : NULL, KISCRM_DATE_NONE);
	}
	evidence(db, qian, "product_presentation", "follow_up", "gossip", D(2024, 1, 1));
	evidence(db, qian, "product_presentation", "slides", "slides", D(2024, 7, 1));
	exam(db, qian, "product", 80);
	exam(db, qian, "marketing", 40);
	exam(db, qian, "marketing", 55);
	training(db, qian, "project_management");
	training(db, qian, "legal");
	experience(db, qian, "marketing", 1);

	kiscrm_table *t = NULL;
	assert_rc(KISCRM_OK, assess(&t, db, q, "marketing_l2", qian, D(2024, 6, 30)));
	assert_int_equal(0, passed(t, "behaviour", "product_presentation"));
	assert_text("2 of 4 items", t, row_of(t, "behaviour", "product_presentation"), "actual");
	const char *why = reasons(t, "behaviour", "product_presentation");
	assert_has(why, "no evidence for item slides (Slides), evidence method: 提供相关报告、宣讲胶片,主管证实");
	assert_has(why, "no evidence for item follow_up");
	assert_int_equal(0, passed(t, "behaviour", "technical_solution"));
	assert_has(reasons(t, "behaviour", "technical_solution"), "no evidence for item solution");
	assert_int_equal(1, passed(t, "behaviour", "market_planning"));

	assert_int_equal(1, passed(t, "knowledge", "product"));
	assert_int_equal(0, passed(t, "knowledge", "marketing"));
	assert_text("exam marketing: 55 < pass mark 60", t, row_of(t, "knowledge", "marketing"), "reasons");
	assert_int_equal(0, passed(t, "knowledge", "business"));
	assert_text("no exam result for business", t, row_of(t, "knowledge", "business"), "reasons");

	assert_int_equal(1, passed(t, "experience", "experience"));
	assert_text("education college is below bachelor", t, row_of(t, "requirement", "education"), "reasons");
	assert_text("sales_years not recorded", t, row_of(t, "requirement", "sales_years"), "reasons");
	assert_text("industry_years 0.5 < 1", t, row_of(t, "requirement", "industry_years"), "reasons");
	assert_text("missing training finance (Financial knowledge)", t, row_of(t, "requirement", "training"),
		    "reasons");
	assert_text("project_management, legal", t, row_of(t, "requirement", "training"), "actual");

	size_t last = kiscrm_table_row_count(t) - 1;
	assert_int_equal(0, fx_int(t, last, "passed"));
	assert_text("failed: product_presentation,technical_solution,marketing,business,education,sales_years,"
		    "industry_years,training",
		    t, last, "reasons");
	kiscrm_table_free(t);

	/* as of a later date the slides evidence counts: 3 of 4 items */
	assert_rc(KISCRM_OK, assess(&t, db, q, "marketing_l2", qian, D(2024, 7, 1)));
	assert_text("3 of 4 items", t, row_of(t, "behaviour", "product_presentation"), "actual");
	kiscrm_table_free(t);

	/* errors */
	assert_rc(KISCRM_ENOTFOUND, assess(&t, db, q, "marketing_l9", qian, D(2024, 6, 30)));
	assert_msg_has("marketing_l9");
	assert_rc(KISCRM_ENOTFOUND, assess(&t, db, q, "marketing_l2", 9999, D(2024, 6, 30)));
	assert_rc(KISCRM_EINVALID, assess(&t, db, NULL, "marketing_l2", qian, D(2024, 6, 30)));
	assert_rc(KISCRM_EINVALID, assess(NULL, db, q, "marketing_l2", qian, D(2024, 6, 30)));
	assert_rc(KISCRM_EINVALID, assess(&t, db, q, NULL, qian, D(2024, 6, 30)));
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	assert_rc(KISCRM_EINVALID, kiscrm_report_qualification_assessment(&t, db, &o));
	assert_msg_has("owner_id");
	kiscrm_qual_standards_free(q);
}

/* Without a main item every item must reach its bar: sales 2 ≥ 2, industry 0.5 < 1. */
static void test_all_experience(void **state)
{
	kiscrm_db *db = *state;
	char path[1024];
	kiscrm_qual_standards *q = NULL;
	snprintf(path, sizeof(path), "%s/kpi/all_experience.yaml", kc_test_data_dir());
	assert_rc(KISCRM_OK, kiscrm_qual_standard_load(&q, path));
	kiscrm_id dept = fx_department(db, "Sales");
	kiscrm_id p = person(db, dept, "Wu", NULL, -1, -1);
	experience(db, p, "sales", 2);
	experience(db, p, "industry", 0.5);
	kiscrm_table *t = NULL;
	assert_rc(KISCRM_OK, assess(&t, db, q, "all_exp", p, D(2024, 6, 30)));
	assert_int_equal(2, kiscrm_table_row_count(t));
	assert_int_equal(0, passed(t, "experience", "experience"));
	assert_text("experience industry 0.5 < 1", t, 0, "reasons");
	assert_text("all: sales 2, industry 1", t, 0, "required");
	assert_int_equal(0, fx_int(t, 1, "passed"));
	kiscrm_table_free(t);
	kiscrm_qual_standards_free(q);
}

static void test_load_errors(void **state)
{
	(void)state;
	char path[1024];
	kiscrm_qual_standards *q = NULL;
	snprintf(path, sizeof(path), "%s/kpi/bad_standard.yaml", kc_test_data_dir());
	assert_rc(KISCRM_ECONFIG, kiscrm_qual_standard_load(&q, path));
	assert_null(q);
	assert_int_equal(7, kiscrm_error_last()->line);
	assert_string_equal("phd", kiscrm_error_last()->value);
	assert_msg_has("education 'phd' is not in the education ladder");
	assert_non_null(strstr(kiscrm_error_last()->file, "bad_standard.yaml"));
	assert_rc(KISCRM_ECONFIG, kiscrm_qual_standard_load(&q, "/nonexistent/q.yaml"));
	assert_msg_has("/nonexistent/q.yaml");
	assert_rc(KISCRM_EINVALID, kiscrm_qual_standard_load(NULL, path));
	assert_rc(KISCRM_ENOTFOUND, kiscrm_qual_standard_load_dir(&q, "/nonexistent-dir"));
	/* the configuration directory holds the default file */
	assert_rc(KISCRM_OK, kiscrm_qual_standard_load_dir(&q, kc_test_config_dir()));
	assert_string_equal("marketing_l2", kiscrm_qual_standard_key(q, 0));
	assert_null(kiscrm_qual_standard_key(q, 1));
	kiscrm_qual_standards_free(q);
	kiscrm_qual_standards_free(NULL);
	assert_int_equal(0, kiscrm_qual_standard_count(NULL));
}

#define BOTH(name) cmocka_unit_test_setup_teardown(name, kc_test_db_setup, kc_test_db_teardown)

static const struct CMUnitTest tests[] = {
	BOTH(test_pass),
	BOTH(test_experience_rules),
	BOTH(test_fails_explained),
	BOTH(test_all_experience),
};

static const struct CMUnitTest plain[] = {
	cmocka_unit_test(test_load_errors),
};

int main(void)
{
	int failed = kc_test_run_both(tests);
	failed += cmocka_run_group_tests_name("standards", plain, NULL, NULL);
	return failed;
}
