/**
 * @file kiscrm/qualification.h
 * @brief Qualification standards (任职资格): the evidence, exam, experience and training
 *        records of a person, the standards (YAML, `qualification.yaml`, default from
 *        data/qualification.yaml) and the assessment of a person against one.
 */
#ifndef KISCRM_QUALIFICATION_H
#define KISCRM_QUALIFICATION_H

#include "common.h"
#include "types.h"
#include "report.h"

KISCRM_BEGIN_DECL

/** Fields of an evidence record of a qualification behaviour item (::KISCRM_KIND_EVIDENCE). */
typedef enum kiscrm_evidence_field {
	KISCRM_EVIDENCE_ID = KISCRM_FIELD_ID(KISCRM_KIND_EVIDENCE, 0),           /**< INT id. */
	KISCRM_EVIDENCE_STAFF_ID = KISCRM_FIELD_ID(KISCRM_KIND_EVIDENCE, 1),     /**< INT → staff, required (owned). */
	KISCRM_EVIDENCE_STANDARD = KISCRM_FIELD_ID(KISCRM_KIND_EVIDENCE, 2),     /**< TEXT standard key (NULL: valid for every standard). */
	KISCRM_EVIDENCE_UNIT = KISCRM_FIELD_ID(KISCRM_KIND_EVIDENCE, 3),         /**< TEXT, required: behaviour unit key. */
	KISCRM_EVIDENCE_ITEM = KISCRM_FIELD_ID(KISCRM_KIND_EVIDENCE, 4),         /**< TEXT, required: item key within the unit. */
	KISCRM_EVIDENCE_DATE = KISCRM_FIELD_ID(KISCRM_KIND_EVIDENCE, 5),         /**< DATE it was filed or confirmed. */
	KISCRM_EVIDENCE_METHOD = KISCRM_FIELD_ID(KISCRM_KIND_EVIDENCE, 6),       /**< TEXT: evidence method key (report, record, confirmation …). */
	KISCRM_EVIDENCE_CONFIRMED_BY = KISCRM_FIELD_ID(KISCRM_KIND_EVIDENCE, 7), /**< INT → staff who confirmed it. */
	KISCRM_EVIDENCE_NOTE = KISCRM_FIELD_ID(KISCRM_KIND_EVIDENCE, 8)          /**< TEXT: e.g. the document filed. */
} kiscrm_evidence_field;

/** Fields of an exam result (::KISCRM_KIND_EXAM_RESULT). */
typedef enum kiscrm_exam_result_field {
	KISCRM_EXAM_RESULT_ID = KISCRM_FIELD_ID(KISCRM_KIND_EXAM_RESULT, 0),       /**< INT id. */
	KISCRM_EXAM_RESULT_STAFF_ID = KISCRM_FIELD_ID(KISCRM_KIND_EXAM_RESULT, 1), /**< INT → staff, required (owned). */
	KISCRM_EXAM_RESULT_SUBJECT = KISCRM_FIELD_ID(KISCRM_KIND_EXAM_RESULT, 2),  /**< TEXT, required: knowledge subject key. */
	KISCRM_EXAM_RESULT_SCORE = KISCRM_FIELD_ID(KISCRM_KIND_EXAM_RESULT, 3),    /**< RATE, required: marks obtained. */
	KISCRM_EXAM_RESULT_DATE = KISCRM_FIELD_ID(KISCRM_KIND_EXAM_RESULT, 4)      /**< DATE of the exam. */
} kiscrm_exam_result_field;

/** Fields of a work-experience record (::KISCRM_KIND_EXPERIENCE). */
typedef enum kiscrm_experience_field {
	KISCRM_EXPERIENCE_ID = KISCRM_FIELD_ID(KISCRM_KIND_EXPERIENCE, 0),       /**< INT id. */
	KISCRM_EXPERIENCE_STAFF_ID = KISCRM_FIELD_ID(KISCRM_KIND_EXPERIENCE, 1), /**< INT → staff, required (owned). */
	KISCRM_EXPERIENCE_KIND = KISCRM_FIELD_ID(KISCRM_KIND_EXPERIENCE, 2),     /**< TEXT, required: experience kind key of the standard. */
	KISCRM_EXPERIENCE_YEARS = KISCRM_FIELD_ID(KISCRM_KIND_EXPERIENCE, 3),    /**< RATE, required: years (records of one kind add up). */
	KISCRM_EXPERIENCE_NOTE = KISCRM_FIELD_ID(KISCRM_KIND_EXPERIENCE, 4)      /**< TEXT: employer, position … */
} kiscrm_experience_field;

/** Fields of a training attended (::KISCRM_KIND_TRAINING). */
typedef enum kiscrm_training_field {
	KISCRM_TRAINING_ID = KISCRM_FIELD_ID(KISCRM_KIND_TRAINING, 0),       /**< INT id. */
	KISCRM_TRAINING_STAFF_ID = KISCRM_FIELD_ID(KISCRM_KIND_TRAINING, 1), /**< INT → staff, required (owned). */
	KISCRM_TRAINING_SUBJECT = KISCRM_FIELD_ID(KISCRM_KIND_TRAINING, 2),  /**< TEXT, required: training subject key. */
	KISCRM_TRAINING_DATE = KISCRM_FIELD_ID(KISCRM_KIND_TRAINING, 3),     /**< DATE attended. */
	KISCRM_TRAINING_HOURS = KISCRM_FIELD_ID(KISCRM_KIND_TRAINING, 4)     /**< RATE: hours. */
} kiscrm_training_field;

/**
 * A set of qualification standards (任职资格标准), loaded from YAML:
 *
 *     standards:
 *       - key: marketing_l2
 *         zh: 营销专业任职资格认证标准 第二级
 *         en: Marketing qualification, level 2
 *         role: sales_rep            # role key it is for (optional)
 *         level: 2
 *         behaviour:                 # 行为标准: units, each with required items
 *           - key: product_presentation
 *             zh: …
 *             en: …
 *             items:                 # every item needs at least one evidence record
 *               - { key: research, zh: …, en: … }
 *             methods: [report, slides, office_confirmation]  # accepted evidence methods
 *             method_text: 提供相关报告、宣讲胶片，办事处证实          # as in the standard
 *         knowledge:                 # 知识: best exam result per subject ≥ pass mark
 *           - { key: product, zh: …, en: …, pass: 60 }
 *         knowledge_method: …        # 认证方法 of the knowledge part (display only)
 *         experience:                # 经验
 *           method_text: …           # 认证方法 (display only)
 *           items:                   # each with `years` or `count`
 *             - { key: marketing, zh: …, en: …, years: 0.5, main: true }
 *             - { key: successful_project, zh: …, en: …, count: 1 }
 *             - { key: other_department, zh: …, en: …, years: 1 }
 *             - { key: external_marketing, zh: …, en: …, years: 1 }
 *         requirements:              # job description (职位说明书)
 *           education: college       # a key of the education ladder
 *           sales_years: 2           # staff fields sales_years, industry_years,
 *           industry_years: 1        # management_years (absent: not required)
 *           training:                # training subjects, each attended at least once
 *             - { key: selling_skills, zh: 销售技巧, en: Selling skills }
 *     education: [secondary, college, bachelor, master, doctor]   # ladder, lowest first
 *
 * Behaviour items may carry `text` (the standard's wording) and `method` (their own
 * evidence method text). An evidence record counts for its unit and item when its
 * `standard` is NULL or the standard's key, its `date` is NULL or not after as_of, and its
 * `method` is NULL or one of the unit's `methods`.
 *
 * Experience, as the marketing standard's 认证方法 says: the years of a person's experience
 * records of one kind add up. With a `main` item (at most one, with `years`):
 * - the main item reaching its bound passes, the other kinds may be missing or short
 *   ("如果本公司市场部经验条件合格,其他二类经验没有或有欠缺,也可达标");
 * - the other kinds are for reference ("其他经验作为参考") and never make a main item
 *   below its bound pass ("原则上不能少于上述时间的下限");
 * - a main item below its bound but above zero, with at least one other kind strictly
 *   above its own bound, is ::KISCRM_QUAL_ASSESSOR: "如果稍低于下限,在其他二类经验超出要求的
 *   标准的条件下,考评员或者认证小组可以根据具体情况确定是否达标" — how far below is "slightly"
 *   is the assessor's judgement, so the library sets no tolerance;
 * - otherwise (no main experience at all, or no other kind above its bound) it fails.
 * Without a main item every item with `years` must reach its bound. An item with `count`
 * (成功项目经验, successful project experience) is a requirement of its own: at least that
 * many experience records of its kind (one per project; their years are the projects'
 * durations and are not compared), on a row of its own, with no borderline.
 *
 * The keys `tolerance` (of `experience`) and `substitutes` (of an item) of earlier
 * versions are refused with ::KISCRM_ECONFIG naming the file, line and key: the rules
 * they configured are not the standard's, and ignoring them would silently change results.
 */
typedef struct kiscrm_qual_standards kiscrm_qual_standards;

/**
 * Outcome of a row of kiscrm_qualification_assess(), the value of its `outcome` column.
 * Values are only ever appended. ::KISCRM_QUAL_FAIL and ::KISCRM_QUAL_PASS equal the
 * row's `passed` column; `passed` is 0 for ::KISCRM_QUAL_ASSESSOR, so that a program
 * reading only `passed` never takes a case left to the assessor for a pass.
 */
typedef enum kiscrm_qual_outcome {
	/** Not met; `reasons` says why. */
	KISCRM_QUAL_FAIL = 0,
	/** Met. */
	KISCRM_QUAL_PASS = 1,
	/** Borderline: the assessor or the certification group decides (评审人决定), as the
	 *  standard leaves a main experience slightly below its bound to them; `reasons`
	 *  gives the main experience and every reference kind against its bound. */
	KISCRM_QUAL_ASSESSOR = 2
} kiscrm_qual_outcome;

/**
 * Loads qualification standards from a YAML file.
 * @param[out] out the standards, owned by the caller (kiscrm_qual_standards_free())
 * @param path file path
 * @return ::KISCRM_OK, ::KISCRM_ECONFIG (with file, line, column, field and value),
 *         ::KISCRM_EINVALID, ::KISCRM_ENOMEM.
 */
KISCRM_API int kiscrm_qual_standard_load(kiscrm_qual_standards **out, const char *path);

/**
 * Loads `qualification.yaml` of a configuration directory, or the built-in default when
 * the directory has none: the marketing level-2 standard for the sales representative
 * (`marketing_l2`, first) and the sales manager's job-description requirements
 * (`sales_manager`).
 * @param[out] out the standards
 * @param dir configuration directory; NULL for the built-in default
 * @return as kiscrm_qual_standard_load(); ::KISCRM_ENOTFOUND when @p dir does not exist.
 */
KISCRM_API int kiscrm_qual_standard_load_dir(kiscrm_qual_standards **out, const char *dir);

/** Frees standards. @param std may be NULL. */
KISCRM_API void kiscrm_qual_standards_free(kiscrm_qual_standards *std);

/**
 * @return number of standards (0 for NULL).
 * @param std the standards
 */
KISCRM_API size_t kiscrm_qual_standard_count(const kiscrm_qual_standards *std);

/**
 * @return key of standard @p i (borrowed), NULL if out of range.
 * @param std the standards
 * @param i index in file order
 */
KISCRM_API const char *kiscrm_qual_standard_key(const kiscrm_qual_standards *std, size_t i);

/**
 * Assesses a person against one qualification standard as of a date (evidence, exams and
 * training dated after the date are ignored; undated ones count). The report
 * "qualification-assessment" runs it with the built-in standards.
 *
 * Rows (::KISCRM_ROW_DETAIL), in this order: one per behaviour unit, one per knowledge
 * subject, one for the experience measured in years (`experience`), one per experience
 * item with a count (e.g. `successful_project`), one per job-description requirement
 * (education, sales_years, industry_years, management_years, training), then a
 * ::KISCRM_ROW_TOTAL row `overall`. Columns:
 * - `part` TEXT: behaviour, knowledge, experience, requirement or overall;
 * - `key` TEXT: unit, subject, experience item or requirement key (`experience`,
 *   `overall`);
 * - `name` TEXT: display name in `opts->lang`;
 * - `required` TEXT: what the standard asks, e.g. "4 items", "60",
 *   "main: marketing 0.5; for reference: other_department 1, external_marketing 1", "1";
 * - `actual` TEXT: what the person has, e.g. "3 of 4 items", "72",
 *   "marketing 0.4, other_department 1.5, external_marketing 0", "0";
 * - `passed` INT: 1 when met, else 0 (failed or left to the assessor);
 * - `reasons` TEXT: for a fail, every reason separated by "; " — the missing items with
 *   their accepted evidence methods, an exam below the pass mark or missing, the
 *   main experience below its bound with every reference kind against its own ("≤" or
 *   ">"), the records of a counted experience missing, the education or years short, the
 *   trainings missing; for ::KISCRM_QUAL_ASSESSOR the same about experience and that the
 *   assessor decides; NULL for a pass. On the overall row, "failed: " and the keys of the
 *   failed rows, and "assessor decides: " and the keys of the rows left to the assessor;
 * - `outcome` INT: a ::kiscrm_qual_outcome. The overall row fails when any row fails,
 *   else is ::KISCRM_QUAL_ASSESSOR when any row is, else passes.
 * @param[out] out the table
 * @param db the database
 * @param std the standards
 * @param standard key of the standard to assess against
 * @param staff_id the person
 * @param opts `as_of` (::KISCRM_DATE_NONE: the business date, kiscrm_db_set_today(); an
 *        error when none is set) and `lang` ("zh" or "en"; NULL: "en"); NULL: defaults
 * @return ::KISCRM_OK, ::KISCRM_EINVALID (NULL), ::KISCRM_EVERSION, ::KISCRM_ENOTFOUND
 *         (unknown standard or person), ::KISCRM_ESTORAGE, ::KISCRM_ENOMEM.
 */
KISCRM_API int kiscrm_qualification_assess(kiscrm_table **out, kiscrm_db *db, const kiscrm_qual_standards *std,
					   const char *standard, kiscrm_id staff_id,
					   const kiscrm_report_options *opts);

KISCRM_END_DECL

#endif
