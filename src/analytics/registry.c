/* Every report by name, for kiscrm_report_run(), the CLI and the bindings. A new report
 * adds one line here. */
#include "report.h"
#include "core/error.h"
#include "kiscrm/forecast.h"
#include "kiscrm/target.h"

#include <string.h>

typedef int (*report_fn)(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts);

static const struct {
	const char *name;
	const char *description;
	report_fn fn;
} reports[] = {
	{ "gap", "target - achieved - weighted pipeline per group, with the strategy hint", kiscrm_report_gap },
	{ "sufficiency", "opportunity sufficiency: open pipeline / target still to achieve", kiscrm_report_sufficiency },
	{ "forecast", "weighted and category forecasts (closed, commit, best case, pipeline) per period", kiscrm_report_forecast },
	{ "year-end", "year-end completion forecast: achieved + forecast vs target", kiscrm_report_year_end },
	{ "stage-probabilities", "configured stage probability next to the observed win rate", kiscrm_report_stage_probabilities },
	{ "targets", "targets by metric and period with their dimensions", kiscrm_report_targets },
	{ "target-check", "decomposed targets whose children do not add up to them", kiscrm_report_target_check },
	{ NULL, NULL, NULL },
};

#define NREPORTS (sizeof(reports) / sizeof(reports[0]) - 1)

size_t kiscrm_report_count(void)
{
	return NREPORTS;
}

const char *kiscrm_report_name(size_t i)
{
	return i < NREPORTS ? reports[i].name : NULL;
}

const char *kiscrm_report_description(size_t i)
{
	return i < NREPORTS ? reports[i].description : NULL;
}

int kiscrm_report_run(kiscrm_table **out, kiscrm_db *db, const char *name, const kiscrm_report_options *opts)
{
	for (size_t i = 0; name && i < NREPORTS; i++)
		if (strcmp(reports[i].name, name) == 0)
			return reports[i].fn(out, db, opts);
	char list[1024] = "";
	for (size_t i = 0; i < NREPORTS; i++) {
		strncat(list, i ? ", " : "", sizeof(list) - strlen(list) - 1);
		strncat(list, reports[i].name, sizeof(list) - strlen(list) - 1);
	}
	return kc_error_set_at(KISCRM_ENOTFOUND, NULL, 0, 0, "report", name,
			       "unknown report '%s' (known: %s)", name ? name : "(null)", list);
}
