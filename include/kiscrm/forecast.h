/**
 * @file kiscrm/forecast.h
 * @brief Being written.
 */
#ifndef KISCRM_FORECAST_H
#define KISCRM_FORECAST_H

#include "common.h"
#include "types.h"
#include "report.h"

KISCRM_BEGIN_DECL

KISCRM_END_DECL

#endif
