/**
 * @file kiscrm.h
 * @brief Umbrella header of libkiscrm: includes the whole public API.
 *
 * The backend-implementer interface (kiscrm/sys/backend.h) is not included.
 */
#ifndef KISCRM_H
#define KISCRM_H

#include "kiscrm/common.h"
#include "kiscrm/types.h"
#include "kiscrm/errors.h"
#include "kiscrm/version.h"
#include "kiscrm/money.h"
#include "kiscrm/date.h"
#include "kiscrm/text.h"
#include "kiscrm/table.h"
#include "kiscrm/config.h"
#include "kiscrm/db.h"
#include "kiscrm/record.h"
#include "kiscrm/org.h"
#include "kiscrm/customer.h"
#include "kiscrm/pipeline.h"
#include "kiscrm/report.h"
#include "kiscrm/predict.h"
#include "kiscrm/money_flow.h"
#include "kiscrm/target.h"
#include "kiscrm/budget.h"
#include "kiscrm/forecast.h"
#include "kiscrm/csv.h"
#include "kiscrm/kpi.h"
#include "kiscrm/qualification.h"
#include "kiscrm/activity.h"
#include "kiscrm/care.h"
#include "kiscrm/value.h"
#include "kiscrm/market.h"
#include "kiscrm/campaign.h"
#include "kiscrm/service.h"
#include "kiscrm/presales.h"
#include "kiscrm/delivery.h"
#include "kiscrm/channel.h"
#include "kiscrm/pricing.h"
#include "kiscrm/audit.h"
#include "kiscrm/routines.h"
#include "kiscrm/doc.h"

#endif
