/* Qualification standards (任职资格): loading, and assessing people against the default
 * standards (data/qualification.yaml) — the marketing level-2 standard with the sales
 * representative's job description, and the sales manager's job description — evidence
 * per behaviour item, exams against pass marks, experience by the standard's rules (main
 * bound, reference kinds, borderline left to the assessor, successful project experience
 * of its own), job-description requirements — with every fail explained. Both backends.
 * Every expected value below is worked out by hand from the seed standard and the job
 * descriptions, as the comments show. */
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

/* The default standard marketing_l2 (role sales_rep):
 * - behaviour: 6 units, 15 items;
 * - knowledge: product, marketing, business, pass mark 60 each;
 * - experience (第三部分:经验): marketing ≥ 0.5 years (main, 本公司市场部经验 ①);
 *   successful_project ≥ 1 record (本公司市场部经验 ② 成功项目经验, its own row);
 *   for reference other_department 1 and external_marketing 1 (其他二类经验);
 * - requirements (销售代表职位说明书): education ≥ college (大学专科), no years (所需工作
 *   经验 is empty), training selling_skills, product_knowledge, psychology (销售技巧,
 *   产品知识, 心理学).
 * Rows: 6 units, 3 subjects, experience, successful_project, education, training,
 * overall = 14.
 *
 * The default standard sales_manager (role sales_manager, 销售经理职位说明书): education ≥
 * bachelor (大学本科), sales_years ≥ 2, industry_years ≥ 1, training project_management,
 * legal, finance. Rows: education, sales_years, industry_years, training, overall = 5. */
#define MKT_ROWS 14
#define MGR_ROWS 5

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


static kiscrm_id person(kiscrm_db *db, kiscrm_id dept, const char *name, const char *role, const char *education,
			double sales, double industry)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_STAFF);
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_STAFF_NAME, name));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_STAFF_DEPARTMENT_ID, dept));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_STAFF_ROLE, role));
	if (education)
		assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_STAFF_EDUCATION, education));
	if (sales >= 0)
		assert_rc(KISCRM_OK, kiscrm_record_set_rate(r, KISCRM_STAFF_SALES_YEARS, sales));
	if (industry >= 0)
		assert_rc(KISCRM_OK, kiscrm_record_set_rate(r, KISCRM_STAFF_INDUSTRY_YEARS, industry));
	return kc_test_insert(db, r);
}

/* A sales representative (the role of marketing_l2). */
static kiscrm_id rep(kiscrm_db *db, kiscrm_id dept, const char *name, const char *education)
{
	return person(db, dept, name, "sales_rep", education, -1, -1);
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

/* Everything of marketing_l2 except experience; `skip` leaves one item without evidence. */
static void complete(kiscrm_db *db, kiscrm_id staff, size_t skip)
{
	for (size_t i = 0; i < NITEMS; i++)
		if (i != skip)
			evidence(db, staff, items[i].unit, items[i].item, NULL, D(2024, 1, 10));
	exam(db, staff, "product", 75);
	exam(db, staff, "marketing", 60); /* exactly the pass mark */
	exam(db, staff, "business", 88);
	training(db, staff, "selling_skills");
	training(db, staff, "product_knowledge");
	training(db, staff, "psychology");
}

/* One successful project (成功项目经验): an experience record of that kind; its years are
 * the project's duration and are not compared with anything. */
static void project(kiscrm_db *db, kiscrm_id staff)
{
	experience(db, staff, "successful_project", 0.25);
}

static kiscrm_qual_standards *defaults(void)
{
	kiscrm_qual_standards *q = NULL;
	assert_rc(KISCRM_OK, kiscrm_qual_standard_load_dir(&q, NULL));
	assert_int_equal(2, kiscrm_qual_standard_count(q));
	assert_string_equal("marketing_l2", kiscrm_qual_standard_key(q, 0));
	assert_string_equal("sales_manager", kiscrm_qual_standard_key(q, 1));
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

static int outcome(const kiscrm_table *t, const char *part, const char *key)
{
	return (int)fx_int(t, row_of(t, part, key), "outcome");
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

/* Every row of @t passes, without reasons. */
static void assert_all_pass(const kiscrm_table *t)
{
	for (size_t r = 0; r < kiscrm_table_row_count(t); r++) {
		if (!fx_int(t, r, "passed") || fx_int(t, r, "outcome") != KISCRM_QUAL_PASS)
			fail_msg("row %zu (%s) did not pass: %s", r, fx_text(t, r, "key"), fx_text(t, r, "reasons"));
		assert_null(fx_text(t, r, "reasons"));
	}
}

/* Wang meets everything: evidence for all 15 items; exams 75, 60 (= pass mark), 88 ≥ 60;
 * marketing 0.4 + 0.2 = 0.6 ≥ 0.5; one successful project ≥ 1; master ≥ college; the
 * three trainings. 14 rows, every one passes, no reasons. */
static void test_pass(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_qual_standards *q = defaults();
	kiscrm_id dept = fx_department(db, "Sales");
	kiscrm_id wang = rep(db, dept, "Wang", "master");
	complete(db, wang, NITEMS);
	experience(db, wang, "marketing", 0.4);
	experience(db, wang, "marketing", 0.2); /* records of a kind add up: 0.6 */
	project(db, wang);
	kiscrm_table *t = NULL;
	assert_rc(KISCRM_OK, assess(&t, db, q, "marketing_l2", wang, D(2024, 6, 30)));
	assert_string_equal("qualification-assessment", kiscrm_table_name(t));
	assert_int_equal(MKT_ROWS, kiscrm_table_row_count(t));
	assert_all_pass(t);
	assert_text("4 of 4 items", t, row_of(t, "behaviour", "product_presentation"), "actual");
	assert_text("60", t, row_of(t, "knowledge", "marketing"), "actual");
	size_t e = row_of(t, "experience", "experience");
	assert_text("main: marketing 0.5; for reference: other_department 1, external_marketing 1", t, e, "required");
	assert_text("marketing 0.6, other_department 0, external_marketing 0", t, e, "actual");
	size_t p = row_of(t, "experience", "successful_project");
	assert_int_equal(e + 1, p);
	assert_text("1", t, p, "required");
	assert_text("1", t, p, "actual");
	size_t last = kiscrm_table_row_count(t) - 1;
	assert_int_equal(KISCRM_ROW_TOTAL, kiscrm_table_row_kind(t, last));
	assert_text("overall", t, last, "part");
	assert_int_equal(1, fx_int(t, last, "passed"));
	kiscrm_table_free(t);

	/* zh display names, the standard's exact title on the overall row */
	assert_rc(KISCRM_OK, assess_lang(&t, db, q, "marketing_l2", wang, D(2024, 6, 30), "zh"));
	assert_text("第一单元:产品宣讲", t, 0, "name");
	assert_text("本公司市场部经验:成功项目经验", t, row_of(t, "experience", "successful_project"), "name");
	assert_text("营销专业任职资格认证标准【产品线第二级】", t, MKT_ROWS - 1, "name");
	kiscrm_table_free(t);

	/* by name, with owner_id: a sales_rep is assessed against marketing_l2 */
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	o.as_of = D(2024, 6, 30);
	o.owner_id = wang;
	assert_rc(KISCRM_OK, kiscrm_report_qualification_assessment(&t, db, &o));
	assert_int_equal(MKT_ROWS, kiscrm_table_row_count(t));
	assert_text("marketing_l2", t, MKT_ROWS - 1, "required");
	assert_int_equal(1, fx_int(t, MKT_ROWS - 1, "passed"));
	kiscrm_table_free(t);
	kiscrm_qual_standards_free(q);
}

/* The sales representative's own requirements (销售代表职位说明书): 最低学历 大学专科, no
 * years (所需工作经验 is empty), trainings 销售技巧, 产品知识, 心理学.
 * - Ma: college (exactly the requirement), neither sales nor industry years recorded
 *   → education and training pass, and there is no sales_years or industry_years row
 *   (the sales manager's 2 and 1 years are not asked of her); overall passes.
 * - Xu: secondary < college; trainings selling_skills and psychology only → education
 *   fails "education secondary is below college", training fails "missing training
 *   product_knowledge (Product knowledge)"; overall "failed: education,training". */
static void test_sales_rep_requirements(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_qual_standards *q = defaults();
	kiscrm_id dept = fx_department(db, "Sales");
	kiscrm_table *t = NULL;

	kiscrm_id ma = rep(db, dept, "Ma", "college");
	complete(db, ma, NITEMS);
	experience(db, ma, "marketing", 1);
	project(db, ma);
	assert_rc(KISCRM_OK, assess(&t, db, q, "marketing_l2", ma, D(2024, 6, 30)));
	assert_int_equal(MKT_ROWS, kiscrm_table_row_count(t));
	assert_all_pass(t);
	assert_text("college", t, row_of(t, "requirement", "education"), "required");
	assert_text("selling_skills, product_knowledge, psychology", t, row_of(t, "requirement", "training"),
		    "required");
	for (size_t r = 0; r < kiscrm_table_row_count(t); r++)
		assert_true(strcmp(fx_text(t, r, "key"), "sales_years") != 0 &&
			    strcmp(fx_text(t, r, "key"), "industry_years") != 0);
	kiscrm_table_free(t);

	kiscrm_id xu = rep(db, dept, "Xu", "secondary");
	for (size_t i = 0; i < NITEMS; i++)
		evidence(db, xu, items[i].unit, items[i].item, NULL, D(2024, 1, 10));
	exam(db, xu, "product", 70);
	exam(db, xu, "marketing", 70);
	exam(db, xu, "business", 70);
	training(db, xu, "selling_skills");
	training(db, xu, "psychology");
	experience(db, xu, "marketing", 1);
	project(db, xu);
	assert_rc(KISCRM_OK, assess(&t, db, q, "marketing_l2", xu, D(2024, 6, 30)));
	assert_int_equal(KISCRM_QUAL_FAIL, outcome(t, "requirement", "education"));
	assert_text("education secondary is below college", t, row_of(t, "requirement", "education"), "reasons");
	assert_int_equal(KISCRM_QUAL_FAIL, outcome(t, "requirement", "training"));
	assert_text("missing training product_knowledge (Product knowledge)", t, row_of(t, "requirement", "training"),
		    "reasons");
	assert_text("selling_skills, psychology", t, row_of(t, "requirement", "training"), "actual");
	assert_int_equal(KISCRM_QUAL_FAIL, outcome(t, "overall", "overall"));
	assert_text("failed: education,training", t, MKT_ROWS - 1, "reasons");
	kiscrm_table_free(t);
	kiscrm_qual_standards_free(q);
}

/* The sales manager's requirements (销售经理职位说明书): 大学本科, 从事销售工作2年以上,
 * 1年以上IT行业经验, trainings 工程管理, 相关法律知识, 相关财务知识; nothing else.
 * - Liu: bachelor, sales 2 (exactly), industry 1 (exactly), all three trainings → 5
 *   rows (education, sales_years, industry_years, training, overall), all pass.
 * - Chen: college < bachelor; sales 1.5 < 2; industry 3 ≥ 1; trainings
 *   project_management, legal → fails education, sales_years, training: overall
 *   "failed: education,sales_years,training".
 * - The report by name picks the standard of the person's role: Liu (sales_manager) gets
 *   the 5 rows of sales_manager. */
static void test_sales_manager(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_qual_standards *q = defaults();
	kiscrm_id dept = fx_department(db, "Business development");
	kiscrm_table *t = NULL;

	kiscrm_id liu = person(db, dept, "Liu", "sales_manager", "bachelor", 2, 1);
	training(db, liu, "project_management");
	training(db, liu, "legal");
	training(db, liu, "finance");
	assert_rc(KISCRM_OK, assess(&t, db, q, "sales_manager", liu, D(2024, 6, 30)));
	assert_int_equal(MGR_ROWS, kiscrm_table_row_count(t));
	assert_all_pass(t);
	static const char *const keys[] = { "education", "sales_years", "industry_years", "training", "overall" };
	for (size_t r = 0; r < MGR_ROWS; r++)
		assert_text(keys[r], t, r, "key");
	assert_text("bachelor", t, 0, "required");
	assert_text("2", t, 1, "required");
	assert_text("1", t, 2, "required");
	assert_text("project_management, legal, finance", t, 3, "required");
	kiscrm_table_free(t);

	assert_rc(KISCRM_OK, assess_lang(&t, db, q, "sales_manager", liu, D(2024, 6, 30), "zh"));
	assert_text("销售经理任职资格(职位说明书)", t, MGR_ROWS - 1, "name");
	kiscrm_table_free(t);

	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	o.as_of = D(2024, 6, 30);
	o.owner_id = liu;
	assert_rc(KISCRM_OK, kiscrm_report_qualification_assessment(&t, db, &o));
	assert_int_equal(MGR_ROWS, kiscrm_table_row_count(t));
	assert_text("sales_manager", t, MGR_ROWS - 1, "required");
	assert_int_equal(KISCRM_QUAL_PASS, fx_int(t, MGR_ROWS - 1, "outcome"));
	kiscrm_table_free(t);

	kiscrm_id chen = person(db, dept, "Chen", "sales_manager", "college", 1.5, 3);
	training(db, chen, "project_management");
	training(db, chen, "legal");
	assert_rc(KISCRM_OK, assess(&t, db, q, "sales_manager", chen, D(2024, 6, 30)));
	assert_text("education college is below bachelor", t, row_of(t, "requirement", "education"), "reasons");
	assert_text("sales_years 1.5 < 2", t, row_of(t, "requirement", "sales_years"), "reasons");
	assert_int_equal(KISCRM_QUAL_PASS, outcome(t, "requirement", "industry_years"));
	assert_text("missing training finance (Financial knowledge)", t, row_of(t, "requirement", "training"),
		    "reasons");
	assert_int_equal(0, passed(t, "overall", "overall"));
	assert_text("failed: education,sales_years,training", t, MGR_ROWS - 1, "reasons");
	kiscrm_table_free(t);
	kiscrm_qual_standards_free(q);
}

/* The experience rules of the standard's 认证方法 (main marketing bound 0.5; reference
 * kinds other_department 1 and external_marketing 1; each person has one successful
 * project and everything else, so only the experience row decides):
 * - Zheng: marketing 0.5, exactly the bound, nothing else → pass ("不能少于上述时间的
 *   下限": 0.5 is not less; "其他二类经验没有…也可达标"), no reasons.
 * - Zhao: marketing 0.45 < 0.5 (just below), other_department 1.1 > 1 → assessor decides
 *   ("稍低于下限,在其他二类经验超出要求的标准的条件下,考评员或者认证小组…确定"): passed 0,
 *   outcome ASSESSOR; the overall row too, "assessor decides: experience".
 * - Sun: marketing 0.45, other_department 1 — reaches its bound but does not exceed it
 *   (超出) — and external_marketing 0 → fail, "no other experience exceeds its bound".
 * - Zhou: marketing 0.3, other_department 5 → assessor decides: how far below is
 *   "slightly" is the assessor's call, the library sets no tolerance (the old 0.1 failed
 *   this case by itself).
 * - Li: no marketing experience at all, external_marketing 1.2 > 1 → fail: none is not
 *   "slightly below", and other experience is for reference (其他经验作为参考), it no
 *   longer substitutes for the main item. */
static void test_experience_rules(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_qual_standards *q = defaults();
	kiscrm_id dept = fx_department(db, "Sales");
	kiscrm_table *t = NULL;
	const char *why;

	kiscrm_id zheng = rep(db, dept, "Zheng", "college");
	complete(db, zheng, NITEMS);
	project(db, zheng);
	experience(db, zheng, "marketing", 0.5);
	assert_rc(KISCRM_OK, assess(&t, db, q, "marketing_l2", zheng, D(2024, 6, 30)));
	assert_int_equal(1, passed(t, "experience", "experience"));
	assert_int_equal(KISCRM_QUAL_PASS, outcome(t, "experience", "experience"));
	assert_null(reasons(t, "experience", "experience"));
	assert_int_equal(KISCRM_QUAL_PASS, outcome(t, "overall", "overall"));
	kiscrm_table_free(t);

	kiscrm_id zhao = rep(db, dept, "Zhao", "college");
	complete(db, zhao, NITEMS);
	project(db, zhao);
	experience(db, zhao, "marketing", 0.45);
	experience(db, zhao, "other_department", 1.1);
	assert_rc(KISCRM_OK, assess(&t, db, q, "marketing_l2", zhao, D(2024, 6, 30)));
	assert_int_equal(0, passed(t, "experience", "experience"));
	assert_int_equal(KISCRM_QUAL_ASSESSOR, outcome(t, "experience", "experience"));
	assert_text("main experience marketing 0.45 < 0.5; for reference: other_department 1.1 > 1, "
		    "external_marketing 0 ≤ 1; below the bound with other experience above its own: the assessor "
		    "or certification group decides (评审人决定)",
		    t, row_of(t, "experience", "experience"), "reasons");
	assert_int_equal(0, passed(t, "overall", "overall"));
	assert_int_equal(KISCRM_QUAL_ASSESSOR, outcome(t, "overall", "overall"));
	assert_text("assessor decides: experience", t, row_of(t, "overall", "overall"), "reasons");
	kiscrm_table_free(t);

	kiscrm_id sun = rep(db, dept, "Sun", "college");
	complete(db, sun, NITEMS);
	project(db, sun);
	experience(db, sun, "marketing", 0.45);
	experience(db, sun, "other_department", 1);
	assert_rc(KISCRM_OK, assess(&t, db, q, "marketing_l2", sun, D(2024, 6, 30)));
	assert_int_equal(0, passed(t, "experience", "experience"));
	assert_int_equal(KISCRM_QUAL_FAIL, outcome(t, "experience", "experience"));
	why = reasons(t, "experience", "experience");
	assert_has(why, "main experience marketing 0.45 < 0.5");
	assert_has(why, "for reference: other_department 1 ≤ 1, external_marketing 0 ≤ 1");
	assert_has(why, "no other experience exceeds its bound");
	assert_int_equal(KISCRM_QUAL_FAIL, outcome(t, "overall", "overall"));
	assert_text("failed: experience", t, row_of(t, "overall", "overall"), "reasons");
	kiscrm_table_free(t);

	kiscrm_id zhou = rep(db, dept, "Zhou", "college");
	complete(db, zhou, NITEMS);
	project(db, zhou);
	experience(db, zhou, "marketing", 0.3);
	experience(db, zhou, "other_department", 5);
	assert_rc(KISCRM_OK, assess(&t, db, q, "marketing_l2", zhou, D(2024, 6, 30)));
	assert_int_equal(KISCRM_QUAL_ASSESSOR, outcome(t, "experience", "experience"));
	assert_has(reasons(t, "experience", "experience"), "other_department 5 > 1");
	kiscrm_table_free(t);

	kiscrm_id li = rep(db, dept, "Li", "college");
	complete(db, li, NITEMS);
	project(db, li);
	experience(db, li, "external_marketing", 1.2);
	assert_rc(KISCRM_OK, assess(&t, db, q, "marketing_l2", li, D(2024, 6, 30)));
	assert_int_equal(0, passed(t, "experience", "experience"));
	assert_int_equal(KISCRM_QUAL_FAIL, outcome(t, "experience", "experience"));
	why = reasons(t, "experience", "experience");
	assert_has(why, "main experience marketing 0 < 0.5");
	assert_has(why, "external_marketing 1.2 > 1");
	assert_has(why, "no main experience at all, which is not slightly below the bound");
	assert_text("marketing 0, other_department 0, external_marketing 1.2", t, row_of(t, "experience", "experience"),
		    "actual");
	kiscrm_table_free(t);
	kiscrm_qual_standards_free(q);
}

/* Successful project experience (成功项目经验) is a requirement of its own:
 * - Wu: marketing 2 ≥ 0.5 but no successful_project record → the experience row passes,
 *   successful_project fails "experience successful_project: 0 < 1 records", actual "0";
 *   overall "failed: successful_project".
 * - Feng: no project, marketing 0.45 with external_marketing 1.5 > 1 → successful_project
 *   fails and experience is the assessor's; a fail anywhere fails the whole: overall
 *   outcome FAIL, reasons "failed: successful_project; assessor decides: experience".
 * - Wu with two project records (0.25 years each): actual "2" ≥ 1 → passes; the project
 *   years are not marketing years (the experience row still reads marketing 2). */
static void test_successful_project(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_qual_standards *q = defaults();
	kiscrm_id dept = fx_department(db, "Sales");
	kiscrm_table *t = NULL;

	kiscrm_id wu = rep(db, dept, "Wu", "college");
	complete(db, wu, NITEMS);
	experience(db, wu, "marketing", 2);
	assert_rc(KISCRM_OK, assess(&t, db, q, "marketing_l2", wu, D(2024, 6, 30)));
	assert_int_equal(KISCRM_QUAL_PASS, outcome(t, "experience", "experience"));
	assert_int_equal(0, passed(t, "experience", "successful_project"));
	assert_int_equal(KISCRM_QUAL_FAIL, outcome(t, "experience", "successful_project"));
	assert_text("experience successful_project: 0 < 1 records", t, row_of(t, "experience", "successful_project"),
		    "reasons");
	assert_text("0", t, row_of(t, "experience", "successful_project"), "actual");
	assert_text("failed: successful_project", t, row_of(t, "overall", "overall"), "reasons");
	kiscrm_table_free(t);

	kiscrm_id feng = rep(db, dept, "Feng", "college");
	complete(db, feng, NITEMS);
	experience(db, feng, "marketing", 0.45);
	experience(db, feng, "external_marketing", 1.5);
	assert_rc(KISCRM_OK, assess(&t, db, q, "marketing_l2", feng, D(2024, 6, 30)));
	assert_int_equal(KISCRM_QUAL_ASSESSOR, outcome(t, "experience", "experience"));
	assert_int_equal(KISCRM_QUAL_FAIL, outcome(t, "experience", "successful_project"));
	assert_int_equal(KISCRM_QUAL_FAIL, outcome(t, "overall", "overall"));
	assert_text("failed: successful_project; assessor decides: experience", t, row_of(t, "overall", "overall"),
		    "reasons");
	kiscrm_table_free(t);

	project(db, wu);
	project(db, wu);
	assert_rc(KISCRM_OK, assess(&t, db, q, "marketing_l2", wu, D(2024, 6, 30)));
	assert_int_equal(KISCRM_QUAL_PASS, outcome(t, "experience", "successful_project"));
	assert_text("2", t, row_of(t, "experience", "successful_project"), "actual");
	assert_text("marketing 2, other_department 0, external_marketing 0", t, row_of(t, "experience", "experience"),
		    "actual");
	assert_int_equal(KISCRM_QUAL_PASS, outcome(t, "overall", "overall"));
	kiscrm_table_free(t);
	kiscrm_qual_standards_free(q);
}

/* Qian fails several ways, each explained:
 * - product_presentation/follow_up: its only evidence has a method the unit does not
 *   accept ("gossip"); slides: evidence dated after as_of → 2 of 4 items;
 * - technical_solution/solution: no evidence at all;
 * - marketing exam 55 < 60 (best of 40 and 55); business exam missing;
 * - education secondary < college; training psychology missing.
 * Experience: marketing 1 ≥ 0.5 and one successful project pass. */
static void test_fails_explained(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_qual_standards *q = defaults();
	kiscrm_id dept = fx_department(db, "Sales");
	kiscrm_id qian = rep(db, dept, "Qian", "secondary");
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
	training(db, qian, "selling_skills");
	training(db, qian, "product_knowledge");
	experience(db, qian, "marketing", 1);
	project(db, qian);

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
	assert_int_equal(1, passed(t, "experience", "successful_project"));
	assert_text("education secondary is below college", t, row_of(t, "requirement", "education"), "reasons");
	assert_text("missing training psychology (Psychology)", t, row_of(t, "requirement", "training"), "reasons");
	assert_text("selling_skills, product_knowledge", t, row_of(t, "requirement", "training"), "actual");

	size_t last = kiscrm_table_row_count(t) - 1;
	assert_int_equal(0, fx_int(t, last, "passed"));
	assert_int_equal(KISCRM_QUAL_FAIL, fx_int(t, last, "outcome"));
	assert_text("failed: product_presentation,technical_solution,marketing,business,education,training", t, last,
		    "reasons");
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
	o.owner_id = 9999;
	o.as_of = D(2024, 6, 30);
	assert_rc(KISCRM_ENOTFOUND, kiscrm_report_qualification_assessment(&t, db, &o));
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
	kiscrm_id p = person(db, dept, "Wu", "sales_rep", NULL, -1, -1);
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

/* A load error: ::KISCRM_ECONFIG at @line of tests/data/kpi/@file, with @value and a
 * message containing @msg. */
static void assert_load_error(const char *file, int line, const char *value, const char *msg)
{
	char path[1024];
	kiscrm_qual_standards *q = NULL;
	snprintf(path, sizeof(path), "%s/kpi/%s", kc_test_data_dir(), file);
	assert_rc(KISCRM_ECONFIG, kiscrm_qual_standard_load(&q, path));
	assert_null(q);
	assert_int_equal(line, kiscrm_error_last()->line);
	if (value)
		assert_string_equal(value, kiscrm_error_last()->value);
	assert_msg_has(msg);
	assert_non_null(strstr(kiscrm_error_last()->file, file));
}

static void test_load_errors(void **state)
{
	(void)state;
	kiscrm_qual_standards *q = NULL;
	assert_load_error("bad_standard.yaml", 7, "phd", "education 'phd' is not in the education ladder");
	/* keys of earlier versions: refused at the key, saying why */
	assert_load_error("removed_tolerance.yaml", 8, "tolerance", "key 'tolerance' is no longer supported");
	assert_msg_has("assessor decides");
	assert_load_error("removed_substitutes.yaml", 11, "substitutes", "key 'substitutes' is no longer supported");
	assert_msg_has("for reference only");
	assert_load_error("exp_years_and_count.yaml", 10, "count", "needs exactly one of 'years' and 'count'");
	assert_load_error("exp_main_count.yaml", 9, "true", "the main experience item needs 'years', not 'count'");
	assert_rc(KISCRM_ECONFIG, kiscrm_qual_standard_load(&q, "/nonexistent/q.yaml"));
	assert_msg_has("/nonexistent/q.yaml");
	assert_rc(KISCRM_EINVALID, kiscrm_qual_standard_load(NULL, "x.yaml"));
	assert_rc(KISCRM_ENOTFOUND, kiscrm_qual_standard_load_dir(&q, "/nonexistent-dir"));
	/* the configuration directory holds the default file */
	assert_rc(KISCRM_OK, kiscrm_qual_standard_load_dir(&q, kc_test_config_dir()));
	assert_string_equal("marketing_l2", kiscrm_qual_standard_key(q, 0));
	assert_string_equal("sales_manager", kiscrm_qual_standard_key(q, 1));
	assert_null(kiscrm_qual_standard_key(q, 2));
	kiscrm_qual_standards_free(q);
	kiscrm_qual_standards_free(NULL);
	assert_int_equal(0, kiscrm_qual_standard_count(NULL));
}

#define BOTH(name) cmocka_unit_test_setup_teardown(name, kc_test_db_setup, kc_test_db_teardown)

static const struct CMUnitTest tests[] = {
	BOTH(test_pass),
	BOTH(test_sales_rep_requirements),
	BOTH(test_sales_manager),
	BOTH(test_experience_rules),
	BOTH(test_successful_project),
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
