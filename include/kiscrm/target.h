/**
 * @file kiscrm/target.h
 * @brief Being written.
 */
#ifndef KISCRM_TARGET_H
#define KISCRM_TARGET_H

#include "common.h"
#include "types.h"
#include "report.h"

KISCRM_BEGIN_DECL

KISCRM_END_DECL

#endif
