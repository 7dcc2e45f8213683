/**
 * @file kiscrm/version.h
 * @brief Library version, at compile time and at run time.
 */
#ifndef KISCRM_VERSION_H
#define KISCRM_VERSION_H

#include "common.h"

KISCRM_BEGIN_DECL

/** Major version of the headers; changes only with an incompatible ABI. */
#define KISCRM_VERSION_MAJOR 0
/** Minor version of the headers; grows when API is added. */
#define KISCRM_VERSION_MINOR 1
/** Patch version of the headers. */
#define KISCRM_VERSION_PATCH 0
/** Version of the headers as a string. */
#define KISCRM_VERSION_STRING "0.1.0"

/**
 * Version of the library actually loaded.
 * @param[out] major may be NULL
 * @param[out] minor may be NULL
 * @param[out] patch may be NULL
 */
KISCRM_API void kiscrm_version(int *major, int *minor, int *patch);

/**
 * @return version of the loaded library as static text, e.g. "0.1.0".
 */
KISCRM_API const char *kiscrm_version_string(void);

/**
 * @return highest database schema version this library reads and writes.
 */
KISCRM_API int kiscrm_schema_version(void);

KISCRM_END_DECL

#endif
