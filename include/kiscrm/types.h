/**
 * @file kiscrm/types.h
 * @brief Forward declarations of every opaque handle of the library.
 */
#ifndef KISCRM_TYPES_H
#define KISCRM_TYPES_H

#include "common.h"

KISCRM_BEGIN_DECL

/** An open database: storage backend, configuration and caches. One per thread. */
typedef struct kiscrm_db kiscrm_db;
/** Loaded and validated configuration (dimensions, roles, calendar, pipelines …). */
typedef struct kiscrm_config kiscrm_config;
/** One record of any kind (customer, staff, opportunity …) held in memory. */
typedef struct kiscrm_record kiscrm_record;
/** A pull-style iterator over stored records. */
typedef struct kiscrm_iter kiscrm_iter;
/** A report: named, typed columns and rows. */
typedef struct kiscrm_table kiscrm_table;
/** A storage backend vtable (see kiscrm/sys/backend.h). */
typedef struct kiscrm_backend kiscrm_backend;

/**
 * A growable byte buffer the library fills and the caller disposes with
 * kiscrm_buf_dispose(). Initialise with ::KISCRM_BUF_INIT.
 */
typedef struct kiscrm_buf {
	char *ptr;    /**< NUL-terminated contents, or NULL when empty and never written. */
	size_t size;  /**< Bytes used, without the terminating NUL. */
	size_t asize; /**< Bytes allocated. */
} kiscrm_buf;

/** Initialiser for an empty ::kiscrm_buf. */
#define KISCRM_BUF_INIT { NULL, 0, 0 }

/**
 * Frees the memory of a buffer filled by the library and resets it to empty.
 * @param buf may be NULL.
 */
KISCRM_API void kiscrm_buf_dispose(kiscrm_buf *buf);

KISCRM_END_DECL

#endif
