/* Every report by name, for kiscrm_report_run(), the CLI and the bindings. A new report
 * adds one line here. */
#include "report.h"
#include "core/error.h"
#include "kiscrm/budget.h"
#include "kiscrm/forecast.h"
#include "kiscrm/report.h"
#include "kiscrm/kpi.h"
#include "kiscrm/qualification.h"
#include "kiscrm/money_flow.h"
#include "kiscrm/predict.h"
#include "kiscrm/target.h"

#include <string.h>

typedef int (*report_fn)(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts);

static const struct {
	const char *name;
	const char *description;
	report_fn fn;
} reports[] = {
	{ "funnel", "sales funnel per stage: counts, amounts, conversion, days in stage, velocity", kiscrm_report_funnel },
	{ "funnel-diagnosis", "funnel shape per group (healthy, thin top, bottleneck, fat top, bottom-heavy) with the remedy", kiscrm_report_funnel_diagnosis },
	{ "qualification", "qualification rate of open opportunities per group", kiscrm_report_qualification },
	{ "invalid-opportunities", "invalid open opportunities with their reasons", kiscrm_report_invalid_opportunities },
	{ "structure", "open pipeline count, amount and share by group (size mix via size_class)", kiscrm_report_structure },
	{ "stqc", "open opportunities with size class and the role that must review them", kiscrm_report_stqc },
	{ "missing-analysis", "closed opportunities lacking a win/loss reason or category", kiscrm_report_missing_analysis },
	{ "win-loss", "closes counted and summed by outcome, reason category and reason", kiscrm_report_win_loss },
	{ "win-rate", "won count, lost count, won amount and win rate per group", kiscrm_report_win_rate },
	{ "top-customers", "customers ranked by the value and number of opportunities won from them", kiscrm_report_top_customers },
	{ "lifecycle", "customer lifecycle stage (prospect, new, growing, mature, declining, lost) and since when", kiscrm_report_lifecycle },
	{ "lifecycle-movements", "customers whose lifecycle stage changed between the window's start and end", kiscrm_report_lifecycle_movements },
	{ "care-compliance", "key-account care per account and rule: required, done, missing, rate", kiscrm_report_care_compliance },
	{ "care-people", "key-account care per responsible person and rule", kiscrm_report_care_people },
	{ "care-due", "key-account care due or overdue as of a date", kiscrm_report_care_due },
	{ "customer-value", "customers ranked by value score with their A/B/C class", kiscrm_report_customer_value },
	{ "value-movements", "customers whose stored value class changed across the window", kiscrm_report_value_movements },
	{ "idic", "IDIC lists: gold, cost more than they bring, lapsed large, cross-sell", kiscrm_report_idic },
	{ "grid", "market grid: penetration and share by cell, region and industry; thin and empty cells", kiscrm_report_grid },
	{ "competitors", "win/loss by competitor: deals met, won, lost, lost to them, win rate", kiscrm_report_competitors },
	{ "campaign-roi", "market activities per activity and type: cost, invitees, leads, opportunities, pipeline and won attributed, cost per opportunity, ROI", kiscrm_report_campaign_roi },
	{ "attribution", "each opportunity's credits to market activities by the attribution model, adding up to its amount", kiscrm_report_attribution },
	{ "service-sla", "service requests not closed at the end of the day: deadlines, business minutes, breaches, escalation", kiscrm_report_service_sla },
	{ "complaints", "the general manager's spot-check list of complaints opened in the window, with their SLA and satisfaction", kiscrm_report_complaints },
	{ "service-catalogue", "the CSP service products (annual fee or per order) with the requests opened for each in the window", kiscrm_report_service_catalogue },
	{ "satisfaction", "satisfaction scores (1-5) of requests and surveys averaged by product and engineer", kiscrm_report_satisfaction },
	{ "service-renewals", "service contracts ending within 30, 60 or 90 days and whether they were renewed", kiscrm_report_service_renewals },
	{ "renewal-rate", "service contracts ending in the window and the share renewed", kiscrm_report_renewal_rate },
	{ "presales-queue", "open presales support requests ranked by weight coefficient, with the engineer's open load", kiscrm_report_presales_queue },
	{ "presales-projects", "presales support requests of the window by engineer and stage checkpoint (售前支持项目总表)", kiscrm_report_presales_projects },
	{ "milestones", "implementation milestones of contracts: planned, actual, overdue, instalments due on them, crises for the general manager", kiscrm_report_milestones },
	{ "partner-results", "second-tier partners against their own contract and collection targets", kiscrm_report_partner_results },
	{ "partner-layout", "partners by region: level, industries, product lines, revenue, open pipeline, support given, registrations", kiscrm_report_partner_layout },
	{ "registrations", "project registrations by state as of a date (expired computed), with the registration each conflicts with", kiscrm_report_registrations },
	{ "registrations-expiring", "valid project registrations whose validity ends within customers.yaml expiring_days", kiscrm_report_registrations_expiring },
	{ "registration-conflicts", "registrations and direct opportunities that conflict with a valid earlier registration", kiscrm_report_registration_conflicts },
	{ "key-projects", "key projects drilled down for the penetration meeting: moves, plans, contracts, collections", kiscrm_report_key_projects },
	{ "swot", "SWOT strategies with their strength/weakness and opportunity/threat, and the work items carrying them out", kiscrm_report_swot },
	{ "work-review", "the monthly review list: work items still open as of a date, overdue ones marked", kiscrm_report_work_review },
	{ "stage-win-rates", "observed win rate per working stage next to its configured probability", kiscrm_report_stage_win_rates },
	{ "rolling-budget", "eight-week rolling budget: last week's plan vs actual, expected contracts and collections", kiscrm_report_rolling_budget },
	{ "rolling-summary", "the rolling budget's sub-totals by group and total, without project rows", kiscrm_report_rolling_summary },
	{ "rolling-gap", "rolling budget against weekly contract and collection targets, per week and cumulative", kiscrm_report_rolling_gap },
	{ "snapshot-diff", "changes since last week's snapshot: new, won, lost, settled, slipped, pulled in, amount changed", kiscrm_report_snapshot_diff },
	{ "forecast-accuracy", "forecast accuracy per person from weekly snapshots vs what was signed and collected", kiscrm_report_forecast_accuracy },
	{ "receivables", "receivables per contract or group: collected, receivable, overdue, not yet due", kiscrm_report_receivables },
	{ "ageing", "overdue receivables by days past due in the configured buckets", kiscrm_report_ageing },
	{ "gap", "target - achieved - weighted pipeline per group, with the strategy hint", kiscrm_report_gap },
	{ "sufficiency", "opportunity sufficiency: open pipeline / target still to achieve", kiscrm_report_sufficiency },
	{ "forecast", "weighted and category forecasts (closed, commit, best case, pipeline) per period", kiscrm_report_forecast },
	{ "year-end", "year-end completion forecast: achieved + forecast vs target", kiscrm_report_year_end },
	{ "stage-probabilities", "configured stage probability next to the observed win rate", kiscrm_report_stage_probabilities },
	{ "probability", "open opportunities with configured, current and predicted (naive Bayes) probability", kiscrm_report_probability },
	{ "kpi", "KPI scorecard by the default scheme: per indicator actual, target, score; total, grade, rank", kiscrm_report_kpi },
	{ "qualification-assessment", "one person (--owner) against the default qualification standard, with reasons", kiscrm_report_qualification_assessment },
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
	char list[2048] = "";
	for (size_t i = 0; i < NREPORTS; i++) {
		strncat(list, i ? ", " : "", sizeof(list) - strlen(list) - 1);
		strncat(list, reports[i].name, sizeof(list) - strlen(list) - 1);
	}
	return kc_error_set_at(KISCRM_ENOTFOUND, NULL, 0, 0, "report", name,
			       "unknown report '%s' (known: %s)", name ? name : "(null)", list);
}
