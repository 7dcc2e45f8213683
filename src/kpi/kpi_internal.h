/* KPI internals shared by scheme.c (loading), registry.c (the metric registry),
 * metrics_builtin.c (the built-in metrics), population.c (their per-run cache),
 * decomposed_target.c and scorecard.c (scoring). The scheme is immutable after loading. */
#ifndef KC_KPI_INTERNAL_H
#define KC_KPI_INTERNAL_H

#include "targets/lookup.h"

#include <stddef.h>
#include <stdint.h>

#include "kiscrm/kpi.h"

/* Scoring rules, in the order of their YAML names. */
enum { KC_KPI_RULE_LINEAR, KC_KPI_RULE_LOWER, KC_KPI_RULE_BANDS, KC_KPI_RULE_GATE, KC_KPI_RULE_DIRECT };

/* Where an indicator's target comes from. */
enum { KC_KPI_TARGET_NONE, KC_KPI_TARGET_FIXED, KC_KPI_TARGET_DECOMPOSED };

/* Numbers of a scheme are decimals with up to four decimals: value × 10^4. */
#define KC_KPI_SCALE 10000

typedef struct kc_kpi_band {
	double bound; /* min or max of the band (in the basis' unit; money in major units) */
	double score;
} kc_kpi_band;

typedef struct kc_kpi_indicator {
	char *key, *zh, *en, *metric;
	int target_kind;
	int64_t target4;     /* fixed target × 10^4 (money: major units × 10^4) */
	int weight;          /* percent */
	int scope;           /* kiscrm_kpi_scope */
	char **roles;        /* NULL: every role */
	size_t nroles;
	int rule;
	double floor, cap, missing_score;
	/* bands */
	int bands_max;       /* 0: {min, score} bands, 1: {max, score} bands */
	int basis_actual;    /* 0: ratio actual ÷ target, 1: the actual */
	kc_kpi_band *bands;
	size_t nbands;
	double else_score;
	/* gate */
	int gate_max;        /* 0: pass when actual ≥ bound, 1: pass when actual ≤ bound */
	double gate_bound;
	double pass_score;
	int veto;
	/* position in the file, for errors found when scoring */
	int line, column;
} kc_kpi_indicator;

typedef struct kc_kpi_grade {
	char *grade;
	double min;
} kc_kpi_grade;

struct kiscrm_kpi_scheme {
	char *file;
	char *key, *zh, *en;
	kc_kpi_indicator *ind;
	size_t nind;
	kc_kpi_grade *grades;
	size_t ngrades;
};

/* Scope names: "person", "department", "company" (index = scope − 1). */
const char *kc_kpi_scope_name(int scope);
/* Unit names: "money", "count", "ratio", "days", "score". */
const char *kc_kpi_unit_name(int unit);
/* Rule names: "linear", "lower_is_better", "bands", "gate", "direct". */
const char *kc_kpi_rule_name(int rule);

/* The grade of a total by the scheme's bands (the last grade when none is reached). */
const char *kc_kpi_grade_of(const kiscrm_kpi_scheme *s, double total);

/* Decomposed target of @target_metric for the subject and window of @ctx: *found = 1 and
 * *amount (money metrics, minor units) or *count set when at least one target matched
 * (decomposed_target.c, reading src/targets/lookup.h). With @memo (a scorecard's run over
 * many subjects), the targets of a window are read once into *memo; NULL: one query
 * per lookup. */
int kc_kpi_decomposed_target(kiscrm_db *db, kc_target_memo **memo, const kiscrm_kpi_context *ctx,
			     const char *target_metric, int *found, kiscrm_money *amount, int64_t *count);

/* Money in minor units → major units as a double, with the database's currency decimals. */
double kc_kpi_major(kiscrm_db *db, kiscrm_money minor);

/* Competition ranks (1, 2, 2, 4) of @n totals, highest first; equal within 1e-6. */
void kc_kpi_rank(const double *totals, size_t n, int64_t *ranks);

/* A scoring run's cache of built-in metric values (see population.c): the first request of a
 * (metric, scope, window) computes the whole population at once; later requests read it.
 * The values are exactly those of the metric's own per-subject function. */
typedef struct kc_kpi_cache kc_kpi_cache;

int kc_kpi_cache_new(kc_kpi_cache **out);
void kc_kpi_cache_free(kc_kpi_cache *c);

/* m->compute(out, db, ctx, m->user) through the cache @c (NULL: no cache). Registered
 * metrics always run their own function. @out starts as KISCRM_KPI_VALUE_INIT. */
int kc_kpi_cache_compute(kc_kpi_cache *c, kiscrm_kpi_value *out, kiscrm_db *db, const kiscrm_kpi_metric *m,
			 const kiscrm_kpi_context *ctx);

/* The built-in metrics (metrics_builtin.c), in registry order; *n is their number. */
const kiscrm_kpi_metric *kc_kpi_builtin_metrics(size_t *n);

#endif
