/**
 * @file kiscrm/budget.h
 * @brief Being written.
 */
#ifndef KISCRM_BUDGET_H
#define KISCRM_BUDGET_H

#include "common.h"
#include "types.h"
#include "report.h"

KISCRM_BEGIN_DECL

KISCRM_END_DECL

#endif
