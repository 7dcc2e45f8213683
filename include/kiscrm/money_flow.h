/**
 * @file kiscrm/money_flow.h
 * @brief Being written.
 */
#ifndef KISCRM_MONEY_FLOW_H
#define KISCRM_MONEY_FLOW_H

#include "common.h"
#include "types.h"
#include "report.h"

KISCRM_BEGIN_DECL

KISCRM_END_DECL

#endif
