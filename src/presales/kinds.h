/* The kind this area owns (presales support requests): definition (fields.c), descriptor
 * (kinds.c) and rules (rules.c). */
#ifndef KC_PRESALES_KINDS_H
#define KC_PRESALES_KINDS_H

#include "storage/kind.h"

extern const kiscrm_kind_def kc_presales_request_def;
extern const kc_kind kc_presales_request_kind;

int kc_presales_request_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old);

#endif
