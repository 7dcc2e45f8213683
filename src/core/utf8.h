/* Internal UTF-8 helpers shared by the text API, the table printer and the name
 * normaliser. */
#ifndef KC_UTF8_H
#define KC_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Decodes one code point from the first len bytes of s into *cp. Strict: overlong forms,
 * surrogates (U+D800..DFFF), values above U+10FFFF and truncated sequences are rejected.
 * NUL is decoded like any other code point (U+0000, 1 byte).
 * Returns the number of bytes consumed (1..4), or -1 (then *cp is untouched). */
int kc_utf8_decode(const char *s, size_t len, uint32_t *cp);

/* Terminal columns of one code point: 2 for East Asian wide/full-width, 0 for combining
 * marks and zero-width characters, 1 otherwise. */
int kc_codepoint_width(uint32_t cp);

#endif
