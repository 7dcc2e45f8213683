/**
 * @file kiscrm/date.h
 * @brief Calendar arithmetic: ISO-8601 text, weeks, months, quarters, fiscal years.
 *
 * A ::kiscrm_date counts days since 1970-01-01 in the proleptic Gregorian calendar;
 * a ::kiscrm_time counts seconds since 1970-01-01T00:00:00Z. Valid years are 1..9999.
 * Weekdays are numbered ISO-style: 1 = Monday … 7 = Sunday.
 */
#ifndef KISCRM_DATE_H
#define KISCRM_DATE_H

#include "common.h"

KISCRM_BEGIN_DECL

/** Periods used to bucket dates in reports. */
typedef enum kiscrm_period {
	KISCRM_PERIOD_WEEK = 1,    /**< A week starting on the configured weekday. */
	KISCRM_PERIOD_MONTH = 2,   /**< A calendar month. */
	KISCRM_PERIOD_QUARTER = 3, /**< A fiscal quarter (calendar quarter when the fiscal year starts in January). */
	KISCRM_PERIOD_YEAR = 4     /**< A fiscal year. */
} kiscrm_period;

/**
 * Builds a date from year, month and day.
 * @param[out] out the date
 * @param year 1..9999
 * @param month 1..12
 * @param day 1..days in that month
 * @return ::KISCRM_OK or ::KISCRM_EINVALID (message names the bad part).
 */
KISCRM_API int kiscrm_date_from_ymd(kiscrm_date *out, int year, int month, int day);

/**
 * Splits a date into year, month and day.
 * @param date the date
 * @param[out] year may be NULL
 * @param[out] month may be NULL
 * @param[out] day may be NULL
 */
KISCRM_API void kiscrm_date_to_ymd(kiscrm_date date, int *year, int *month, int *day);

/**
 * Parses an ISO-8601 calendar date "YYYY-MM-DD" (exactly that form).
 * @param[out] out the date
 * @param text NUL-terminated text
 * @return ::KISCRM_OK or ::KISCRM_EINVALID ("2026-02-30", "2026-2-3", garbage …).
 */
KISCRM_API int kiscrm_date_parse(kiscrm_date *out, const char *text);

/**
 * Formats a date as "YYYY-MM-DD".
 * @param[out] buf receives the text; 11 bytes suffice
 * @param size size of @p buf
 * @param date the date
 * @return the length (10) or ::KISCRM_EINVALID (buffer too small, year out of 1..9999).
 */
KISCRM_API int kiscrm_date_format(char *buf, size_t size, kiscrm_date date);

/**
 * @return days in a month (28..31), or 0 for an invalid month.
 * @param year year
 * @param month 1..12
 */
KISCRM_API int kiscrm_date_days_in_month(int year, int month);

/**
 * @return iSO weekday of a date: 1 = Monday … 7 = Sunday.
 * @param date the date
 */
KISCRM_API int kiscrm_date_weekday(kiscrm_date date);

/**
 * First day of the week containing @p date.
 * @param date the date
 * @param first_weekday weekday weeks start on, 1 (Monday, the default) … 7 (Sunday);
 *        values outside 1..7 are treated as 1
 * @return the start of the week (≤ @p date, at most 6 days before).
 */
KISCRM_API kiscrm_date kiscrm_date_week_start(kiscrm_date date, int first_weekday);

/**
 * ISO-8601 week number (weeks start on Monday; week 1 contains the year's first Thursday).
 * @param date the date
 * @param[out] iso_year the ISO week-numbering year, may be NULL
 * @param[out] week 1..53, may be NULL
 */
KISCRM_API void kiscrm_date_iso_week(kiscrm_date date, int *iso_year, int *week);

/**
 * @return first day of the calendar month of @p date.
 * @param date the date
 */
KISCRM_API kiscrm_date kiscrm_date_month_start(kiscrm_date date);

/**
 * Adds calendar months, clamping the day to the end of the target month
 * (2026-01-31 + 1 month = 2026-02-28).
 * @param date the date
 * @param months may be negative
 * @return the shifted date.
 */
KISCRM_API kiscrm_date kiscrm_date_add_months(kiscrm_date date, int months);

/**
 * First day of the fiscal year containing @p date.
 * @param date the date
 * @param fy_start_month month the fiscal year starts in, 1..12 (1 = calendar year;
 *        values outside 1..12 are treated as 1)
 * @return the first day of that fiscal year.
 */
KISCRM_API kiscrm_date kiscrm_date_fiscal_year_start(kiscrm_date date, int fy_start_month);

/**
 * The fiscal year of @p date, named by the calendar year in which it starts
 * (with an April start, 2027-03-31 is in fiscal year 2026).
 * @param date the date
 * @param fy_start_month 1..12
 * @return the fiscal year.
 */
KISCRM_API int kiscrm_date_fiscal_year(kiscrm_date date, int fy_start_month);

/**
 * Fiscal quarter 1..4 of @p date (calendar quarter when @p fy_start_month is 1).
 * @param date the date
 * @param fy_start_month 1..12
 * @return 1..4.
 */
KISCRM_API int kiscrm_date_fiscal_quarter(kiscrm_date date, int fy_start_month);

/**
 * First day of the period of kind @p period that contains @p date.
 * @param date the date
 * @param period a ::kiscrm_period (invalid values are treated as ::KISCRM_PERIOD_WEEK)
 * @param first_weekday weekday weeks start on, 1..7
 * @param fy_start_month month the fiscal year starts in, 1..12
 * @return the first day of the period.
 */
KISCRM_API kiscrm_date kiscrm_period_start(kiscrm_date date, int period, int first_weekday,
					   int fy_start_month);

/**
 * First day of the period following the one that starts at @p start.
 * @param start first day of a period (as returned by kiscrm_period_start())
 * @param period a ::kiscrm_period
 * @return @p start + 7 days, + 1 month, + 3 months or + 12 months.
 */
KISCRM_API kiscrm_date kiscrm_period_next(kiscrm_date start, int period);

/**
 * Parses a timestamp: "YYYY-MM-DDTHH:MM:SSZ", "YYYY-MM-DD HH:MM:SS" (read as UTC) or a
 * plain "YYYY-MM-DD" (midnight UTC).
 * @param[out] out the timestamp
 * @param text NUL-terminated text
 * @return ::KISCRM_OK or ::KISCRM_EINVALID.
 */
KISCRM_API int kiscrm_time_parse(kiscrm_time *out, const char *text);

/**
 * Formats a timestamp as "YYYY-MM-DDTHH:MM:SSZ".
 * @param[out] buf receives the text; 21 bytes suffice
 * @param size size of @p buf
 * @param t the timestamp
 * @return the length (20) or ::KISCRM_EINVALID.
 */
KISCRM_API int kiscrm_time_format(char *buf, size_t size, kiscrm_time t);

/**
 * @return the date (UTC) of a timestamp.
 * @param t the timestamp
 */
KISCRM_API kiscrm_date kiscrm_time_date(kiscrm_time t);

KISCRM_END_DECL

#endif
