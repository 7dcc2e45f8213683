/* Company-name normalisation for duplicate detection (see kiscrm_customer_normalize_name). */
#ifndef KC_NORMALIZE_H
#define KC_NORMALIZE_H

#include "kiscrm/types.h"

/* Appends the normalised key of @p name to @p out. Returns KISCRM_OK, KISCRM_EINVALID
 * (NULL or invalid UTF-8, error set) or KISCRM_ENOMEM; on failure @p out is unchanged.
 * The key is empty only when the name holds nothing but spaces and dropped punctuation;
 * a name that is only a legal form ("有限公司") keeps it as its key. */
int kc_normalize_company_name(const char *name, kiscrm_buf *out);

#endif
