/**
 * @file kiscrm/csv.h
 * @brief Being written.
 */
#ifndef KISCRM_CSV_H
#define KISCRM_CSV_H

#include "common.h"
#include "types.h"

KISCRM_BEGIN_DECL

KISCRM_END_DECL

#endif
