/**
 * @file kiscrm/funnel.h
 * @brief Being written.
 */
#ifndef KISCRM_FUNNEL_H
#define KISCRM_FUNNEL_H

#include "common.h"
#include "types.h"
#include "report.h"

KISCRM_BEGIN_DECL

KISCRM_END_DECL

#endif
