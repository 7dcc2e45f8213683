/**
 * @file kiscrm/common.h
 * @brief Basic types, export macros and error codes shared by every header.
 */
#ifndef KISCRM_COMMON_H
#define KISCRM_COMMON_H

#include <stddef.h>
#include <stdint.h>

/** @cond INTERNAL */
#ifdef __cplusplus
#define KISCRM_BEGIN_DECL extern "C" {
#define KISCRM_END_DECL }
#else
#define KISCRM_BEGIN_DECL
#define KISCRM_END_DECL
#endif

#if defined(_WIN32) && !defined(KISCRM_STATIC)
#ifdef KISCRM_BUILDING
#define KISCRM_API __declspec(dllexport)
#else
#define KISCRM_API __declspec(dllimport)
#endif
#elif defined(__GNUC__)
#define KISCRM_API __attribute__((visibility("default")))
#else
#define KISCRM_API
#endif
/** @endcond */

KISCRM_BEGIN_DECL

/** Record identifier. Positive for stored records; 0 means "none" / "not yet stored". */
typedef int64_t kiscrm_id;
/** Largest id a caller may give a new record (kiscrm_record_insert() with an explicit id,
 *  CSV import with ::KISCRM_IMPORT_KEEP_IDS): 10^15 − 1, fifteen digits. Larger ids are
 *  refused (::KISCRM_EINVALID naming the field and value). Ids survive spreadsheets
 *  (15 significant digits) and JSON numbers, and the ids the database assigns after the
 *  largest one used keep far from the 64-bit limit (SQLite fails every later insert of
 *  a table whose largest id is 2^63 − 1). The in-memory backend stores smaller ids only. */
#define KISCRM_ID_MAX INT64_C(999999999999999)

/** Money in minor units of the currency (fen, cents). Never floating point. */
typedef int64_t kiscrm_money;

/** Calendar date as days since 1970-01-01 (may be negative). */
typedef int32_t kiscrm_date;

/** Timestamp as seconds since 1970-01-01T00:00:00Z. */
typedef int64_t kiscrm_time;

/** Marker for "no date" where a date is optional. */
#define KISCRM_DATE_NONE INT32_MIN

/**
 * Return codes. Values are explicit and only ever appended; 0 is success and every
 * failure is negative.
 */
typedef enum kiscrm_error_code {
	KISCRM_OK = 0,            /**< Success. */
	KISCRM_ERROR = -1,        /**< Generic error. */
	KISCRM_ENOTFOUND = -2,    /**< The requested record or item does not exist. */
	KISCRM_EEXISTS = -3,      /**< A record with the same key already exists. */
	KISCRM_EINVALID = -4,     /**< An argument or a field value is invalid. */
	KISCRM_ECONFIG = -5,      /**< A configuration file is invalid. */
	KISCRM_ECONFLICT = -6,    /**< The change conflicts with existing data (references, state). */
	KISCRM_ESTORAGE = -7,     /**< The storage backend failed. */
	KISCRM_EBUSY = -8,        /**< The database is locked by another writer (or a transaction
	                               could not be serialised): the one retryable code. Nothing of
	                               the transaction that got it is stored; rerun the whole
	                               transaction (kiscrm_db_transact() does, see
	                               doc/transactions.md). */
	KISCRM_ENOMEM = -9,       /**< Out of memory. */
	KISCRM_ITEROVER = -10,    /**< An iterator has no more items (not an error). */
	KISCRM_EVERSION = -11,    /**< Version mismatch (options struct, database schema). */
	KISCRM_ENOTSUPPORTED = -12, /**< The operation is not supported by this backend or build. */
	KISCRM_EOVERFLOW = -13,   /**< A number does not fit its type (money, counts). */
	KISCRM_EIMPORT = -14,     /**< An import file has bad rows; nothing was written. */
	KISCRM_EUSER = -15        /**< Reserved for callbacks that want to stop an iteration. */
} kiscrm_error_code;

/** Value types of record fields and report columns. Values are only ever appended. */
typedef enum kiscrm_type {
	KISCRM_TYPE_NULL = 0,  /**< No value. */
	KISCRM_TYPE_INT = 1,   /**< 64-bit integer (counts, ids, flags). */
	KISCRM_TYPE_TEXT = 2,  /**< UTF-8 text. */
	KISCRM_TYPE_MONEY = 3, /**< kiscrm_money, minor units. */
	KISCRM_TYPE_DATE = 4,  /**< kiscrm_date, days since epoch. */
	KISCRM_TYPE_RATE = 5,  /**< double (rates, ratios, probabilities, scores). */
	KISCRM_TYPE_TIME = 6   /**< kiscrm_time, seconds since epoch. */
} kiscrm_type;

KISCRM_END_DECL

#endif
