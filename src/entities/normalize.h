/* Name normalisation for duplicate detection: company names (see
 * kiscrm_customer_normalize_name), person names and phone numbers (invitation lists). */
#ifndef KC_NORMALIZE_H
#define KC_NORMALIZE_H

#include "kiscrm/types.h"

/* Appends the normalised key of @p name to @p out. Returns KISCRM_OK, KISCRM_EINVALID
 * (NULL or invalid UTF-8, error set) or KISCRM_ENOMEM; on failure @p out is unchanged.
 * The key is empty only when the name holds nothing but spaces and dropped punctuation;
 * a name that is only a legal form ("有限公司") keeps it as its key. */
int kc_normalize_company_name(const char *name, kiscrm_buf *out);

/* Appends the key of a person's name (invitation lists): folded like company names,
 * without spaces, dots and middle dots ("张 三" = "张三", "Li Lei" = "lilei"). A byte that
 * is not valid UTF-8 is kept as it is. KISCRM_OK or KISCRM_ENOMEM. */
int kc_normalize_person_name(const char *name, kiscrm_buf *out);

/* Appends the key of a phone number: its digits (full-width ones folded), without a
 * leading 0086, or 86 before 11 more digits ("+86 138-0000-0000" = "13800000000").
 * KISCRM_OK or KISCRM_ENOMEM. */
int kc_normalize_phone(const char *phone, kiscrm_buf *out);

#endif
