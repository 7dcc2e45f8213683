/**
 * @file kiscrm/predict.h
 * @brief Being written.
 */
#ifndef KISCRM_PREDICT_H
#define KISCRM_PREDICT_H

#include "common.h"
#include "types.h"
#include "report.h"

KISCRM_BEGIN_DECL

KISCRM_END_DECL

#endif
