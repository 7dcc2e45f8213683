/* The versioned structs of the public API and the one way of reading and initialising
 * them (see options.h). Appending a field to a struct = bumping its _VERSION and adding
 * the end of the new last field to its sizes here. */
#include "options.h"
#include "error.h"
#include "kiscrm/activity.h"
#include "kiscrm/campaign.h"
#include "kiscrm/csv.h"
#include "kiscrm/db.h"
#include "kiscrm/forecast.h"
#include "kiscrm/kpi.h"
#include "kiscrm/predict.h"
#include "kiscrm/record.h"
#include "kiscrm/report.h"
#include "kiscrm/sys/backend.h"
#include "kiscrm/target.h"

#include <stdio.h>
#include <string.h>

#define VERSIONED(var, type, init, sizes)                                                     \
	static const type var##_defaults = init;                                              \
	const kc_versioned var = { #type, sizes, sizeof(sizes) / sizeof(sizes[0]),            \
				   &var##_defaults, sizeof(type) }

static const size_t db_options_sizes[] = {
	KC_FIELD_END(kiscrm_db_options, busy_timeout_ms),
	KC_FIELD_END(kiscrm_db_options, file_mode),
};
VERSIONED(kc_db_options_v, kiscrm_db_options, KISCRM_DB_OPTIONS_INIT, db_options_sizes);

static const size_t report_options_sizes[] = {
	KC_FIELD_END(kiscrm_report_options, department_id),
	KC_FIELD_END(kiscrm_report_options, forecast),
	KC_FIELD_END(kiscrm_report_options, attribution),
};
VERSIONED(kc_report_options_v, kiscrm_report_options, KISCRM_REPORT_OPTIONS_INIT, report_options_sizes);

static const size_t forecast_options_sizes[] = {
	KC_FIELD_END(kiscrm_forecast_options, probability_source),
};
VERSIONED(kc_forecast_options_v, kiscrm_forecast_options, KISCRM_FORECAST_OPTIONS_INIT,
	  forecast_options_sizes);

static const size_t predict_options_sizes[] = {
	KC_FIELD_END(kiscrm_predict_options, tag_min_count),
};
VERSIONED(kc_predict_options_v, kiscrm_predict_options, KISCRM_PREDICT_OPTIONS_INIT, predict_options_sizes);

static const size_t import_options_sizes[] = {
	KC_FIELD_END(kiscrm_import_options, flags),
};
VERSIONED(kc_import_options_v, kiscrm_import_options, KISCRM_IMPORT_OPTIONS_INIT, import_options_sizes);

static const size_t filter_sizes[] = {
	KC_FIELD_END(kiscrm_filter, active),
	KC_FIELD_END(kiscrm_filter, conds),
};
VERSIONED(kc_filter_v, kiscrm_filter, KISCRM_FILTER_INIT, filter_sizes);

static const size_t target_dims_sizes[] = {
	KC_FIELD_END(kiscrm_target_dims, owner_id),
};
VERSIONED(kc_target_dims_v, kiscrm_target_dims, KISCRM_TARGET_DIMS_INIT, target_dims_sizes);

static const size_t kpi_context_sizes[] = {
	KC_FIELD_END(kiscrm_kpi_context, indicator),
};
VERSIONED(kc_kpi_context_v, kiscrm_kpi_context, { .version = KISCRM_KPI_CONTEXT_VERSION }, kpi_context_sizes);

static const size_t kpi_metric_sizes[] = {
	KC_FIELD_END(kiscrm_kpi_metric, user),
};
VERSIONED(kc_kpi_metric_v, kiscrm_kpi_metric, { .version = KISCRM_KPI_METRIC_VERSION }, kpi_metric_sizes);

static const size_t backend_sizes[] = {
	KC_FIELD_END(kiscrm_backend, free),
	KC_FIELD_END(kiscrm_backend, distinct),
};
VERSIONED(kc_backend_v, kiscrm_backend, { .version = KISCRM_BACKEND_VERSION }, backend_sizes);

int kc_options_check_version(const kc_versioned *t, unsigned int version)
{
	if (version < 1 || version > t->max_version) {
		char text[16];
		snprintf(text, sizeof(text), "%u", version);
		return kc_error_set_at(KISCRM_EVERSION, NULL, 0, 0, "version", text,
				       "%s version %u not supported (1..%u)", t->name, version, t->max_version);
	}
	return KISCRM_OK;
}

unsigned int kc_options_version_of(const void *src)
{
	unsigned int version;
	memcpy(&version, src, sizeof(version));
	return version;
}

int kc_options_copy(void *dst, const void *src, const kc_versioned *t)
{
	memcpy(dst, t->defaults, t->size);
	if (!src)
		return KISCRM_OK;
	unsigned int version = kc_options_version_of(src);
	int rc = kc_options_check_version(t, version);
	if (rc)
		return rc;
	memcpy(dst, src, t->size_by_version[version - 1]);
	memcpy(dst, &t->max_version, sizeof(t->max_version));
	return KISCRM_OK;
}

int kc_options_init(void *dst, unsigned int version, const kc_versioned *t)
{
	if (!dst)
		return kc_error_set(KISCRM_EINVALID, "%s pointer is NULL", t->name);
	int rc = kc_options_check_version(t, version);
	if (rc)
		return rc;
	memcpy(dst, t->defaults, t->size_by_version[version - 1]);
	memcpy(dst, &version, sizeof(version));
	return KISCRM_OK;
}

static const size_t activity_query_sizes[] = {
	KC_FIELD_END(kiscrm_activity_query, customer_id),
};
VERSIONED(kc_activity_query_v, kiscrm_activity_query, KISCRM_ACTIVITY_QUERY_INIT, activity_query_sizes);

static const size_t mailing_options_sizes[] = {
	KC_FIELD_END(kiscrm_mailing_options, leads),
};
VERSIONED(kc_mailing_options_v, kiscrm_mailing_options, KISCRM_MAILING_OPTIONS_INIT, mailing_options_sizes);

static const size_t csv_write_options_sizes[] = {
	KC_FIELD_END(kiscrm_csv_write_options, flags),
	KC_FIELD_END(kiscrm_csv_write_options, encoding),
};
VERSIONED(kc_csv_write_options_v, kiscrm_csv_write_options, KISCRM_CSV_WRITE_OPTIONS_INIT,
	  csv_write_options_sizes);
