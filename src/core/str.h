/* Copies of strings, and walking comma-separated lists. */
#ifndef KC_STR_H
#define KC_STR_H

/* A malloc'd copy of s (free with free()). NULL for NULL, without an error; NULL with
 * the OOM error set when memory runs out — so "s && !copy" is the failure test. */
char *kc_strdup(const char *s);
/* As kc_strdup into *out: KISCRM_OK (*out NULL for NULL) or KISCRM_ENOMEM (error set). */
int kc_strdup_to(char **out, const char *s);

#include <stddef.h>

/* Next item of a comma-separated list, blanks trimmed, empty items skipped: 1 with *item
 * and *len set (not NUL-terminated) and *cur moved past it; 0 at the end. */
int kc_next_item(const char **cur, const char **item, size_t *len);

#endif
