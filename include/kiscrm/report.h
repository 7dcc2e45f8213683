/**
 * @file kiscrm/report.h
 * @brief Reports: common options, group-by dimensions, and every report by name.
 *
 * Every report returns a ::kiscrm_table. Reports that group take any combination of the
 * ::kiscrm_group dimensions; each adds one TEXT column named after it (department and
 * owner show names, the other dimensions their configured keys) in front of the figures.
 * Rows come sorted by the group columns.
 */
#ifndef KISCRM_REPORT_H
#define KISCRM_REPORT_H

#include "common.h"
#include "types.h"

KISCRM_BEGIN_DECL

/** Group-by dimensions of reports. Values are only ever appended. */
typedef enum kiscrm_group {
	KISCRM_GROUP_BUSINESS_LINE = 1, /**< 业务线. */
	KISCRM_GROUP_PRODUCT_LINE = 2,  /**< 产品线. */
	KISCRM_GROUP_DEPARTMENT = 3,    /**< 部门 (the record's department). */
	KISCRM_GROUP_OWNER = 4,         /**< 人员: the owning staff member. */
	KISCRM_GROUP_REGION = 5,        /**< 地区, from the customer. */
	KISCRM_GROUP_INDUSTRY = 6,      /**< 行业, from the customer. */
	KISCRM_GROUP_SIZE_CLASS = 7     /**< 大中小单: large, medium, small. */
} kiscrm_group;

/** Options shared by all reports. Fields are only ever appended. */
typedef struct kiscrm_report_options {
	unsigned int version;     /**< ::KISCRM_REPORT_OPTIONS_VERSION. */
	kiscrm_date as_of;        /**< Reference date ("today" of the report); ::KISCRM_DATE_NONE: the
	                               database's business date (kiscrm_db_set_today(); an error when none is set). */
	kiscrm_date from;         /**< First day analysed; ::KISCRM_DATE_NONE: derived from `period`. */
	kiscrm_date to;           /**< Day after the last day analysed; ::KISCRM_DATE_NONE: derived from `period`. */
	int period;               /**< A ::kiscrm_period; when `from`/`to` are unset, the report covers the
	                               period containing `as_of`; 0: no period limit. */
	const int *group_by;      /**< ::kiscrm_group values, may be NULL. */
	size_t ngroup;            /**< Number of `group_by` entries (at most 4). */
	const char *pipeline;     /**< Pipeline key; NULL: the default pipeline. */
	const char *lang;         /**< "zh" or "en" for display names; NULL: "en". */
	kiscrm_id owner_id;       /**< Only this staff member's records (0: all). */
	kiscrm_id department_id;  /**< Only this department and those below it (0: all). */
	/* version 2 */
	const struct kiscrm_forecast_options *forecast; /**< Forecast options of the reports that
	                               weigh the pipeline (gap, forecast, year-end: which stage
	                               probabilities); NULL: the defaults. Version 2. */
} kiscrm_report_options;

/** Current version of ::kiscrm_report_options. */
#define KISCRM_REPORT_OPTIONS_VERSION 2
/** Initialiser with the defaults: as of today, no period limit, no grouping. */
#define KISCRM_REPORT_OPTIONS_INIT { KISCRM_REPORT_OPTIONS_VERSION, KISCRM_DATE_NONE, \
	KISCRM_DATE_NONE, KISCRM_DATE_NONE, 0, NULL, 0, NULL, NULL, 0, 0, NULL }

/**
 * Initialises report options with the defaults.
 * @param opts the struct
 * @param version ::KISCRM_REPORT_OPTIONS_VERSION
 * @return ::KISCRM_OK, ::KISCRM_EINVALID, ::KISCRM_EVERSION.
 */
KISCRM_API int kiscrm_report_options_init(kiscrm_report_options *opts, unsigned int version);

/**
 * @return number of reports that kiscrm_report_run() knows.
 */
KISCRM_API size_t kiscrm_report_count(void);
/**
 * @return name of report @p i (static), e.g. "funnel"; NULL if out of range.
 * @param i index
 */
KISCRM_API const char *kiscrm_report_name(size_t i);
/**
 * @return one-line English description of report @p i (static); NULL if out of range.
 * @param i index
 */
KISCRM_API const char *kiscrm_report_description(size_t i);

/**
 * Runs a report by name (for CLIs and bindings): the same as calling its own function.
 * @param[out] out the table, owned by the caller (kiscrm_table_free())
 * @param db the database
 * @param name a name of kiscrm_report_name()
 * @param opts options, NULL for the defaults
 * @return ::KISCRM_OK, ::KISCRM_ENOTFOUND (unknown report: the message lists the names),
 *         or the report's own errors.
 */
KISCRM_API int kiscrm_report_run(kiscrm_table **out, kiscrm_db *db, const char *name,
				 const kiscrm_report_options *opts);

/**
 * Parses a group-by dimension name: business_line, product_line, department, owner,
 * region, industry, size_class.
 * @param name the name
 * @return a ::kiscrm_group value, or ::KISCRM_EINVALID.
 */
KISCRM_API int kiscrm_group_parse(const char *name);

KISCRM_END_DECL

#endif
