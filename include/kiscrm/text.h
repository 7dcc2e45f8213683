/**
 * @file kiscrm/text.h
 * @brief UTF-8 validation and terminal display width.
 */
#ifndef KISCRM_TEXT_H
#define KISCRM_TEXT_H

#include "common.h"

KISCRM_BEGIN_DECL

/**
 * Checks that @p len bytes of @p s are well-formed UTF-8 (no overlong forms, no
 * surrogates, nothing above U+10FFFF).
 * @param s the bytes (may contain no NUL within @p len)
 * @param len number of bytes
 * @param[out] bad_offset offset of the first invalid byte on failure, may be NULL
 * @return ::KISCRM_OK or ::KISCRM_EINVALID.
 */
KISCRM_API int kiscrm_utf8_validate(const char *s, size_t len, size_t *bad_offset);

/**
 * Number of terminal columns needed to show a NUL-terminated UTF-8 string: East Asian
 * wide and full-width characters (CJK ideographs, kana, hangul, full-width forms) count 2,
 * combining marks and zero-width characters 0, everything else 1.
 * @param s NUL-terminated UTF-8 text
 * @return the width, or ::KISCRM_EINVALID if @p s is NULL or not valid UTF-8.
 */
KISCRM_API int kiscrm_utf8_width(const char *s);

KISCRM_END_DECL

#endif
