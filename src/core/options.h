/* Versioned structs of the public API (options, filters, target dimensions, KPI contexts
 * and metrics, backends). Fields are only ever appended, so a caller built against an
 * older header passes a shorter struct: the library must read (and, in the _init
 * functions, write) only the bytes the caller's version knows. Every entry point that
 * takes such a struct goes through these helpers instead of copying `*opts`.
 *
 * The bytes a version knows end with its last field, not at sizeof(): a field appended
 * in version 2 may sit in what was version 1's trailing padding, and a version-1
 * caller's padding is indeterminate. The caller's pointer may be less aligned than the
 * struct (it ends where the caller's struct ends), so it is read with memcpy only. */
#ifndef KC_OPTIONS_H
#define KC_OPTIONS_H

#include <stddef.h>

/* Bytes up to the end of @field: the size a version whose last field is @field knows. */
#define KC_FIELD_END(type, field) (offsetof(type, field) + sizeof(((type *)0)->field))

/* A versioned public struct: its name (for messages), the bytes each version knows and
 * the current defaults. One per struct, in options.c. */
typedef struct kc_versioned {
	const char *name;               /* "kiscrm_report_options" */
	const size_t *size_by_version;  /* [v - 1]: bytes version v knows */
	unsigned int max_version;       /* the version of this library's header */
	const void *defaults;           /* a current-version struct with the defaults */
	size_t size;                    /* sizeof the current struct */
} kc_versioned;

extern const kc_versioned kc_db_options_v, kc_report_options_v, kc_forecast_options_v,
	kc_predict_options_v, kc_import_options_v, kc_filter_v, kc_target_dims_v,
	kc_kpi_context_v, kc_kpi_metric_v, kc_backend_v, kc_activity_query_v, kc_mailing_options_v,
	kc_csv_write_options_v;

/* KISCRM_EVERSION naming the struct and the version unless 1 <= version <= max. */
int kc_options_check_version(const kc_versioned *t, unsigned int version);

/* Reads the version of a caller's struct (its first field) without assuming alignment. */
unsigned int kc_options_version_of(const void *src);

/* The whole of @dst (a current-version struct) = the defaults overlaid with the bytes
 * the caller's version of @src knows; dst's version becomes the current one, so it can
 * be passed on inside the library. @src NULL: the defaults. */
int kc_options_copy(void *dst, const void *src, const kc_versioned *t);

/* The _init functions: writes the defaults of @version into the caller's struct, only
 * the bytes that version knows. */
int kc_options_init(void *dst, unsigned int version, const kc_versioned *t);

#endif
