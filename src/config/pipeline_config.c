/* Pipelines (pipelines.yaml) and analysis settings (analysis.yaml): loaded from the
 * configuration directory or the compiled-in defaults and validated completely, every
 * error pointing at file, line, column, key and value. */
#include "config/config_internal.h"
#include "pipeline/kinds.h"
#include "config/pipeline_config.h"
#include "config/field_values.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/str.h"
#include "kiscrm/date.h"
#include "storage/record.h"

struct kc_pipeline_set {
	kc_pipeline *pipelines;
	size_t count;
	kc_analysis analysis;
};

/* The forecast categories of a stage (doc/domain.md §10), in the order a manager reads them. */
static const char *const categories[] = {
	"pipeline", "best_case", "commit", "closed", "omitted", NULL
};

/* Values of a stage's `terminal` key; index = kiscrm_stage_terminal. */
static const char *const terminals[] = { "open", "won", "lost", NULL };

/* Copies @s into *out; KISCRM_ENOMEM on failure. */
static int set_str(char **out, const char *s)
{
	*out = kc_strdup(s);
	return *out ? KISCRM_OK : kc_error_oom();
}

/* ------------------------------------------------------------------------------------ */
/* Freeing                                                                               */

static void stage_free(kc_stage *s)
{
	free(s->key);
	free(s->zh);
	free(s->en);
	free(s->category);
	for (size_t i = 0; i < s->nexit; i++)
		free(s->exit_fields[i]);
	free(s->exit_fields);
}

static void pipeline_free(kc_pipeline *p)
{
	for (size_t i = 0; i < p->nstages; i++)
		stage_free(&p->stages[i]);
	free(p->stages);
	free(p->key);
	free(p->zh);
	free(p->en);
	free(p->business_line);
}

static void free_named(kc_reason_category **list, size_t *n)
{
	for (size_t i = 0; i < *n; i++) {
		free((*list)[i].key);
		free((*list)[i].zh);
		free((*list)[i].en);
	}
	free(*list);
	*list = NULL;
	*n = 0;
}

static void analysis_free(kc_analysis *a)
{
	free(a->review_large);
	free(a->review_medium);
	free(a->review_small);
	free_named(&a->reasons, &a->nreasons);
	free_named(&a->activity_types, &a->nactivity_types);
	free(a->ageing_bounds);
	for (size_t i = 0; i < a->npredict_fields; i++)
		free(a->predict_fields[i]);
	free(a->predict_fields);
}

void kc_pipeline_config_free(kiscrm_config *cfg)
{
	struct kc_pipeline_set *set;

	if (!cfg || !cfg->pipelines)
		return;
	set = cfg->pipelines;
	for (size_t i = 0; i < set->count; i++)
		pipeline_free(&set->pipelines[i]);
	free(set->pipelines);
	analysis_free(&set->analysis);
	free(set);
	cfg->pipelines = NULL;
}

/* ------------------------------------------------------------------------------------ */
/* pipelines.yaml                                                                        */

/* key, zh and en of a pipeline or stage; en defaults to the key when absent. */
static int read_names(char **key, char **zh, char **en, const kc_yaml_node *item)
{
	const char *k = NULL, *z = NULL, *e = NULL;
	int rc;

	if ((rc = kc_yaml_get_ident(&k, item, "key", KC_YAML_REQUIRED)) < 0 ||
	    (rc = kc_yaml_get_text(&z, item, "zh", KC_YAML_REQUIRED)) < 0 ||
	    (rc = kc_yaml_get_text(&e, item, "en", KC_YAML_OPTIONAL)) < 0)
		return rc;
	if ((rc = set_str(key, k)) < 0 || (rc = set_str(zh, z)) < 0 ||
	    (rc = set_str(en, e ? e : k)) < 0)
		return rc;
	return KISCRM_OK;
}

static int read_exit_criteria(kc_stage *st, const kc_yaml_node *item)
{
	const kiscrm_kind_def *opp = &kc_opportunity_def;
	const kc_yaml_node *list;
	size_t n;
	int rc;

	if ((rc = kc_yaml_get_seq(&list, item, "exit_criteria", KC_YAML_OPTIONAL)) < 0 || !list)
		return rc;
	n = kc_yaml_count(list);
	if (n == 0)
		return KISCRM_OK;
	st->exit_fields = calloc(n, sizeof(*st->exit_fields));
	if (!st->exit_fields)
		return kc_error_oom();
	for (size_t i = 0; i < n; i++) {
		const kc_yaml_node *f = kc_yaml_item(list, i);
		const char *name;
		int idx;

		if ((rc = kc_yaml_str(&name, f)) < 0)
			return rc;
		idx = kc_field_index(opp, name);
		/* The id is always set: naming it is a mistake, not a criterion. */
		if (idx <= 0)
			return kc_yaml_error(f, "'%s' is not an opportunity field", name);
		for (size_t j = 0; j < st->nexit; j++)
			if (strcmp(st->exit_fields[j], name) == 0)
				return kc_yaml_error(f, "exit criterion '%s' is listed twice", name);
		if ((rc = set_str(&st->exit_fields[i], name)) < 0)
			return rc;
		st->nexit = i + 1;
	}
	return KISCRM_OK;
}

static int read_stage(kc_stage *st, const kc_yaml_node *item)
{
	static const char *const keys[] = {
		"key", "zh", "en", "probability", "forecast_category", "terminal",
		"exit_criteria", NULL
	};
	const char *cat;
	int64_t prob;
	int rc, idx, terminal = KISCRM_STAGE_OPEN;

	if ((rc = kc_yaml_map_check(item, keys)) < 0 ||
	    (rc = read_names(&st->key, &st->zh, &st->en, item)) < 0 ||
	    (rc = kc_yaml_get_int(&prob, item, "probability", KC_YAML_REQUIRED, 0, 100)) < 0 ||
	    (rc = kc_yaml_get_enum(&idx, item, "forecast_category", KC_YAML_REQUIRED,
				   categories)) < 0 ||
	    (rc = kc_yaml_get_enum(&terminal, item, "terminal", KC_YAML_OPTIONAL, terminals)) < 0)
		return rc;
	cat = categories[idx];
	st->probability = (int)prob;
	st->terminal = terminal;
	if ((rc = set_str(&st->category, cat)) < 0)
		return rc;
	return read_exit_criteria(st, item);
}

static const kc_yaml_node *key_node(const kc_yaml_node *item)
{
	return kc_yaml_map_get(item, "key");
}

/* The order rules: at least one working stage, working stages first, a won and a lost
 * stage. */
static int check_stage_order(const kc_pipeline *p, const kc_yaml_node *stages)
{
	int won = 0, lost = 0;
	size_t first_terminal = 0;

	for (size_t i = 0; i < p->nstages; i++) {
		const kc_stage *st = &p->stages[i];
		if (st->terminal == KISCRM_STAGE_OPEN) {
			if (won || lost)
				return kc_yaml_error(key_node(kc_yaml_item(stages, i)),
						     "working stage '%s' follows terminal stage '%s'; "
						     "terminal stages (won, lost) come last",
						     st->key, p->stages[first_terminal].key);
			continue;
		}
		if (!won && !lost)
			first_terminal = i;
		won += st->terminal == KISCRM_STAGE_WON;
		lost += st->terminal == KISCRM_STAGE_LOST;
	}
	if (p->nstages == 0 || p->stages[0].terminal != KISCRM_STAGE_OPEN)
		return kc_yaml_error_ex(stages, stages->path, NULL,
					"pipeline '%s' has no working stage before its terminal stages",
					p->key);
	if (!won)
		return kc_yaml_error_ex(stages, stages->path, NULL,
					"pipeline '%s' has no won stage (terminal: won)", p->key);
	if (!lost)
		return kc_yaml_error_ex(stages, stages->path, NULL,
					"pipeline '%s' has no lost stage (terminal: lost)", p->key);
	return KISCRM_OK;
}

static int read_business_line(kc_pipeline *p, const kiscrm_config *cfg, const kc_yaml_node *item)
{
	const kc_config_dim *dim = kc_config_get_dim(cfg, KISCRM_DIM_BUSINESS_LINE);
	const char *bl = NULL;
	int rc;

	if ((rc = kc_yaml_get_ident(&bl, item, "business_line", KC_YAML_OPTIONAL)) < 0 || !bl)
		return rc;
	for (size_t i = 0; dim && i < dim->count; i++)
		if (strcmp(dim->items[i].key, bl) == 0)
			return set_str(&p->business_line, bl);
	return kc_yaml_error(kc_yaml_map_get(item, "business_line"),
			     "'%s' is not a business line of dimensions.yaml", bl);
}

static int read_pipeline(kc_pipeline *p, const kiscrm_config *cfg, const kc_yaml_node *item)
{
	static const char *const keys[] = { "key", "zh", "en", "business_line", "stages", NULL };
	const kc_yaml_node *stages;
	size_t n;
	int rc = KISCRM_OK;

	if ((rc = kc_yaml_map_check(item, keys)) < 0 ||
	    (rc = read_names(&p->key, &p->zh, &p->en, item)) < 0 ||
	    (rc = read_business_line(p, cfg, item)) < 0 ||
	    (rc = kc_yaml_get_seq(&stages, item, "stages", KC_YAML_REQUIRED)) < 0)
		return rc;
	n = kc_yaml_count(stages);
	if (n > 0) {
		p->stages = calloc(n, sizeof(*p->stages));
		if (!p->stages)
			return kc_error_oom();
	}
	for (size_t i = 0; i < n; i++) {
		const kc_yaml_node *st = kc_yaml_item(stages, i);
		/* Count it first so that a half-read stage is freed too. */
		p->nstages = i + 1;
		if ((rc = read_stage(&p->stages[i], st)) < 0)
			return rc;
		p->stages[i].order = i;
		for (size_t j = 0; j < i; j++)
			if (strcmp(p->stages[j].key, p->stages[i].key) == 0)
				return kc_yaml_error(key_node(st),
						     "duplicate stage key '%s' (already used by stage %zu)",
						     p->stages[i].key, j);
	}
	return check_stage_order(p, stages);
}

static int read_pipelines(kiscrm_config *cfg, struct kc_pipeline_set *set, const kc_yaml_doc *doc)
{
	static const char *const top[] = { "pipelines", NULL };
	const kc_yaml_node *list;
	size_t n;
	int rc;

	if ((rc = kc_yaml_map_check(doc->root, top)) < 0 ||
	    (rc = kc_yaml_get_seq(&list, doc->root, "pipelines", KC_YAML_REQUIRED)) < 0)
		return rc;
	n = kc_yaml_count(list);
	if (n == 0)
		return kc_yaml_error_ex(list, list->path, NULL,
					"at least one pipeline is needed (the first is the default)");
	set->pipelines = calloc(n, sizeof(*set->pipelines));
	if (!set->pipelines)
		return kc_error_oom();
	for (size_t i = 0; i < n; i++) {
		const kc_yaml_node *item = kc_yaml_item(list, i);
		set->count = i + 1;
		if ((rc = read_pipeline(&set->pipelines[i], cfg, item)) < 0)
			return rc;
		for (size_t j = 0; j < i; j++)
			if (strcmp(set->pipelines[j].key, set->pipelines[i].key) == 0)
				return kc_yaml_error(key_node(item),
						     "duplicate pipeline key '%s' (already used by pipeline %zu)",
						     set->pipelines[i].key, j);
	}
	return KISCRM_OK;
}

/* ------------------------------------------------------------------------------------ */
/* analysis.yaml                                                                         */

/*
 * A plain decimal number "1", "1.5", "0.15" (no sign, no exponent, at most 15 digits):
 * parsed by hand so that the C locale's decimal separator cannot change the meaning of a
 * file. The digits form an integer below 2^53 and the power of ten is exact, so the one
 * division rounds correctly: "0.15" gives the same double as the literal 0.15.
 */
static int parse_decimal(double *out, const char *s)
{
	uint64_t mant = 0;
	double scale = 1.0;
	int digits = 0;

	for (; *s >= '0' && *s <= '9'; s++, digits++)
		mant = mant * 10 + (uint64_t)(*s - '0');
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9'; s++, digits++) {
			mant = mant * 10 + (uint64_t)(*s - '0');
			scale *= 10.0;
		}
	if (*s || digits == 0 || digits > 15)
		return -1;
	*out = (double)mant / scale;
	return 0;
}

/* A number within (lo, hi] (lo excluded: every threshold is positive). */
static int get_number(double *out, const kc_yaml_node *map, const char *key, double lo, double hi)
{
	const kc_yaml_node *n;
	const char *s;
	double v;
	int rc;

	if ((rc = kc_yaml_get_node(&n, map, key, KC_YAML_OPTIONAL)) < 0 || !n)
		return rc;
	if ((rc = kc_yaml_str(&s, n)) < 0)
		return rc;
	if (parse_decimal(&v, s) < 0)
		return kc_yaml_error(n, "'%s' is not a decimal number such as 1.5", s);
	if (!(v > lo && v <= hi))
		return kc_yaml_error(n, "%s %s is out of range (greater than %g, at most %g)", key,
				     s, lo, hi);
	*out = v;
	return KISCRM_OK;
}

static int read_size_classes(kc_analysis *a, const kiscrm_config *cfg, const kc_yaml_node *root)
{
	static const char *const keys[] = { "large_min", "medium_min", NULL };
	const kc_yaml_node *m;
	int dec = kiscrm_config_currency_decimals(cfg), rc;

	if ((rc = kc_yaml_get_map(&m, root, "size_classes", KC_YAML_OPTIONAL)) < 0 || !m)
		return rc;
	if ((rc = kc_yaml_map_check(m, keys)) < 0 ||
	    (rc = kc_yaml_get_money(&a->large_min, m, "large_min", KC_YAML_OPTIONAL, dec, 1,
				    INT64_MAX)) < 0 ||
	    (rc = kc_yaml_get_money(&a->medium_min, m, "medium_min", KC_YAML_OPTIONAL, dec, 1,
				    INT64_MAX)) < 0)
		return rc;
	if (a->medium_min >= a->large_min) {
		const kc_yaml_node *n = kc_yaml_map_get(m, "medium_min");
		return kc_yaml_error(n ? n : m,
				     "medium_min must be below large_min (medium projects are smaller than large ones)");
	}
	return KISCRM_OK;
}

static int read_role(char **out, const kiscrm_config *cfg, const kc_yaml_node *m, const char *key)
{
	const char *role = NULL;
	int rc;

	if ((rc = kc_yaml_get_ident(&role, m, key, KC_YAML_OPTIONAL)) < 0 || !role)
		return rc;
	if (kiscrm_config_role_find(cfg, role) < 0)
		return kc_yaml_error(kc_yaml_map_get(m, key), "'%s' is not a role of roles.yaml",
				     role);
	free(*out);
	return set_str(out, role);
}

static int read_supervision(kc_analysis *a, const kiscrm_config *cfg, const kc_yaml_node *root)
{
	static const char *const keys[] = { "large", "medium", "small", NULL };
	const kc_yaml_node *m;
	int rc;

	if ((rc = kc_yaml_get_map(&m, root, "supervision", KC_YAML_OPTIONAL)) < 0 || !m)
		return rc;
	if ((rc = kc_yaml_map_check(m, keys)) < 0 ||
	    (rc = read_role(&a->review_large, cfg, m, "large")) < 0 ||
	    (rc = read_role(&a->review_medium, cfg, m, "medium")) < 0 ||
	    (rc = read_role(&a->review_small, cfg, m, "small")) < 0)
		return rc;
	return KISCRM_OK;
}

static int read_qualification(kc_analysis *a, const kc_yaml_node *root)
{
	static const char *const keys[] = { "activity_days", NULL };
	const kc_yaml_node *m;
	int64_t days = a->activity_days;
	int rc;

	if ((rc = kc_yaml_get_map(&m, root, "qualification", KC_YAML_OPTIONAL)) < 0 || !m)
		return rc;
	if ((rc = kc_yaml_map_check(m, keys)) < 0 ||
	    (rc = kc_yaml_get_int(&days, m, "activity_days", KC_YAML_OPTIONAL, 1, 3660)) < 0)
		return rc;
	a->activity_days = (int)days;
	return KISCRM_OK;
}

static int read_lifecycle(kc_analysis *a, const kc_yaml_node *root)
{
	static const char *const keys[] = { "new_months", "lost_months", "growth_percent", "decline_percent", NULL };
	const kc_yaml_node *m;
	int64_t v[4] = { a->lifecycle_new_months, a->lifecycle_lost_months, a->lifecycle_growth_percent,
			 a->lifecycle_decline_percent };
	int rc;

	if ((rc = kc_yaml_get_map(&m, root, "lifecycle", KC_YAML_OPTIONAL)) < 0 || !m ||
	    (rc = kc_yaml_map_check(m, keys)) < 0)
		return rc;
	/* months 1 … 120, percentages 1 … 1000 */
	for (int i = 0; i < 4; i++)
		if ((rc = kc_yaml_get_int(&v[i], m, keys[i], KC_YAML_OPTIONAL, 1, i < 2 ? 120 : 1000)) < 0)
			return rc;
	a->lifecycle_new_months = (int)v[0];
	a->lifecycle_lost_months = (int)v[1];
	a->lifecycle_growth_percent = (int)v[2];
	a->lifecycle_decline_percent = (int)v[3];
	return KISCRM_OK;
}

static int read_funnel(kc_analysis *a, const kc_yaml_node *root)
{
	static const char *const keys[] = {
		"thin_top_ratio", "bottleneck_ratio", "fat_top_conversion", "bottom_heavy_share",
		NULL
	};
	const kc_yaml_node *m;
	int rc;

	if ((rc = kc_yaml_get_map(&m, root, "funnel_diagnosis", KC_YAML_OPTIONAL)) < 0 || !m)
		return rc;
	/* Ratios compare stage sizes (any positive factor up to 100); conversion and share
	 * are fractions of 1. */
	if ((rc = kc_yaml_map_check(m, keys)) < 0 ||
	    (rc = get_number(&a->thin_top_ratio, m, "thin_top_ratio", 0.0, 100.0)) < 0 ||
	    (rc = get_number(&a->bottleneck_ratio, m, "bottleneck_ratio", 0.0, 100.0)) < 0 ||
	    (rc = get_number(&a->fat_top_conversion, m, "fat_top_conversion", 0.0, 1.0)) < 0 ||
	    (rc = get_number(&a->bottom_heavy_share, m, "bottom_heavy_share", 0.0, 1.0)) < 0)
		return rc;
	return KISCRM_OK;
}

/* A list of {key, zh, en} under `name` (reason categories, activity types): the file's
 * list replaces the defaults as a whole; keys are unique. */
static int read_named(kc_reason_category **out, size_t *nout, const kc_yaml_node *root, const char *name,
		      const char *what)
{
	static const char *const keys[] = { "key", "zh", "en", NULL };
	const kc_yaml_node *list;
	int rc;

	if ((rc = kc_yaml_get_seq(&list, root, name, KC_YAML_OPTIONAL)) < 0 || !list)
		return rc;
	free_named(out, nout);
	size_t n = kc_yaml_count(list);
	if (n == 0)
		return kc_yaml_error_ex(list, list->path, NULL, "at least one %s is needed", what);
	*out = calloc(n, sizeof(**out));
	if (!*out)
		return kc_error_oom();
	for (size_t i = 0; i < n; i++) {
		const kc_yaml_node *item = kc_yaml_item(list, i);
		kc_reason_category *r = &(*out)[i];
		*nout = i + 1;
		if ((rc = kc_yaml_map_check(item, keys)) < 0 ||
		    (rc = read_names(&r->key, &r->zh, &r->en, item)) < 0)
			return rc;
		for (size_t j = 0; j < i; j++)
			if (strcmp((*out)[j].key, r->key) == 0)
				return kc_yaml_error(key_node(item), "duplicate %s '%s' (already used by item %zu)",
						     what, r->key, j);
	}
	return KISCRM_OK;
}

static int read_ageing(kc_analysis *a, const kc_yaml_node *root)
{
	const kc_yaml_node *list;
	size_t n;
	int rc;

	if ((rc = kc_yaml_get_seq(&list, root, "ageing_bounds", KC_YAML_OPTIONAL)) < 0 || !list)
		return rc;
	n = kc_yaml_count(list);
	if (n == 0)
		return kc_yaml_error_ex(list, list->path, NULL,
					"at least one ageing bound (days past due) is needed");
	free(a->ageing_bounds);
	a->nageing = 0;
	a->ageing_bounds = calloc(n, sizeof(*a->ageing_bounds));
	if (!a->ageing_bounds)
		return kc_error_oom();
	for (size_t i = 0; i < n; i++) {
		const kc_yaml_node *item = kc_yaml_item(list, i);
		int64_t v;

		if ((rc = kc_yaml_int(&v, item, 1, 36600)) < 0)
			return rc;
		if (i > 0 && v <= a->ageing_bounds[i - 1])
			return kc_yaml_error(item,
					     "ageing bound %lld is not above the one before it (%d); bounds ascend",
					     (long long)v, a->ageing_bounds[i - 1]);
		a->ageing_bounds[i] = (int)v;
		a->nageing = i + 1;
	}
	return KISCRM_OK;
}

/* The fields predictive scoring supports (issue: stage, region, industry, source, product
 * line, business line, size class, tags); region and industry come from the customer. */
static int is_predict_field(const char *name)
{
	static const char *const allowed[] = { "stage", "region", "industry", "source", "product_line",
					       "business_line", "size_class", "tags", NULL };
	for (const char *const *a = allowed; *a; a++)
		if (strcmp(*a, name) == 0)
			return 1;
	return 0;
}

static int read_predict(kc_analysis *a, const kc_yaml_node *root)
{
	static const char *const keys[] = { "start", "fields", NULL };
	const kc_yaml_node *m, *start, *list;
	size_t n;
	int rc;

	if ((rc = kc_yaml_get_map(&m, root, "predict", KC_YAML_OPTIONAL)) < 0 || !m)
		return rc;
	if ((rc = kc_yaml_map_check(m, keys)) < 0 ||
	    (rc = kc_yaml_get_node(&start, m, "start", KC_YAML_OPTIONAL)) < 0 ||
	    (rc = kc_yaml_get_seq(&list, m, "fields", KC_YAML_OPTIONAL)) < 0)
		return rc;
	if (start) {
		const char *s;
		if ((rc = kc_yaml_str(&s, start)) < 0)
			return rc;
		if (kiscrm_date_parse(&a->predict_start, s) < 0)
			return kc_yaml_error(start, "'%s' is not a date (YYYY-MM-DD)", s);
	}
	if (!list)
		return KISCRM_OK;
	for (size_t i = 0; i < a->npredict_fields; i++)
		free(a->predict_fields[i]);
	free(a->predict_fields);
	a->predict_fields = NULL;
	a->npredict_fields = 0;
	n = kc_yaml_count(list);
	if (n == 0)
		return KISCRM_OK;
	a->predict_fields = calloc(n, sizeof(*a->predict_fields));
	if (!a->predict_fields)
		return kc_error_oom();
	for (size_t i = 0; i < n; i++) {
		const kc_yaml_node *f = kc_yaml_item(list, i);
		const char *name;

		if ((rc = kc_yaml_str(&name, f)) < 0)
			return rc;
		if (!is_predict_field(name))
			return kc_yaml_error(f, "'%s' cannot be a scoring field (stage, region, industry, "
					     "source, product_line, business_line, size_class, tags)", name);
		if ((rc = set_str(&a->predict_fields[i], name)) < 0)
			return rc;
		a->npredict_fields = i + 1;
	}
	return KISCRM_OK;
}

typedef struct { const char *key, *zh, *en; } kc_named_default;

static int set_named(kc_reason_category **out, size_t *nout, const kc_named_default *d, size_t n)
{
	int rc;
	*out = calloc(n, sizeof(**out));
	if (!*out)
		return kc_error_oom();
	for (size_t i = 0; i < n; i++) {
		*nout = i + 1;
		if ((rc = set_str(&(*out)[i].key, d[i].key)) < 0 || (rc = set_str(&(*out)[i].zh, d[i].zh)) < 0 ||
		    (rc = set_str(&(*out)[i].en, d[i].en)) < 0)
			return rc;
	}
	return KISCRM_OK;
}

/* The defaults when analysis.yaml leaves a key out (the same as data/analysis.yaml). */
static int analysis_defaults(kc_analysis *a, const kiscrm_config *cfg)
{
	static const kc_named_default reasons[] = {
		{ "sales_process", "销售过程", "Sales process" },
		{ "resource_organisation", "资源组织", "Resource organisation" },
		{ "product_fit", "产品匹配", "Product fit" },
		{ "project_staff", "项目人员", "Project staff" },
		{ "customer_feedback", "客户反馈", "Customer feedback" },
	};
	/* The activity types of the manual (4.7) and the everyday ones. */
	static const kc_named_default activity_types[] = {
		{ "visit", "现场拜访", "On-site visit" },
		{ "call_back", "电话回访", "Phone call-back" },
		{ "executive_visit", "高层拜访", "Executive visit" },
		{ "tech_exchange", "技术交流会", "Technical exchange" },
		{ "site_tour", "考察样板点/公司参观", "Reference-site or company tour" },
		{ "meeting", "会议", "Meeting" },
		{ "demo", "演示", "Demo" },
		{ "email", "邮件", "E-mail" },
		{ "task", "任务", "Task" },
		{ "greeting", "问候/礼品", "Greeting or gift" },
	};
	static const int ageing[] = { 30, 60, 90, 180 };
	const size_t nr = sizeof(reasons) / sizeof(reasons[0]);
	const size_t na = sizeof(ageing) / sizeof(ageing[0]);
	kiscrm_money unit = 1;
	int rc;

	for (int d = 0; d < kiscrm_config_currency_decimals(cfg); d++)
		unit *= 10;
	a->large_min = 500000 * unit;
	a->medium_min = 100000 * unit;
	a->activity_days = 30;
	a->lifecycle_new_months = 12;
	a->lifecycle_lost_months = 18;
	a->lifecycle_growth_percent = 20;
	a->lifecycle_decline_percent = 20;
	a->thin_top_ratio = 1.0;
	a->bottleneck_ratio = 1.5;
	a->fat_top_conversion = 0.15;
	a->bottom_heavy_share = 0.6;
	a->sufficiency_threshold = 3.0;
	a->predict_start = KISCRM_DATE_NONE;
	if ((rc = set_str(&a->review_large, "general_manager")) < 0 ||
	    (rc = set_str(&a->review_medium, "department_manager")) < 0 ||
	    (rc = set_str(&a->review_small, "supervisor")) < 0)
		return rc;
	if ((rc = set_named(&a->reasons, &a->nreasons, reasons, nr)) < 0 ||
	    (rc = set_named(&a->activity_types, &a->nactivity_types, activity_types,
			    sizeof(activity_types) / sizeof(activity_types[0]))) < 0)
		return rc;
	a->ageing_bounds = calloc(na, sizeof(*a->ageing_bounds));
	a->predict_fields = calloc(1, sizeof(*a->predict_fields));
	if (!a->ageing_bounds || !a->predict_fields)
		return kc_error_oom();
	memcpy(a->ageing_bounds, ageing, sizeof(ageing));
	a->nageing = na;
	a->npredict_fields = 1;
	return set_str(&a->predict_fields[0], "stage");
}

static int read_analysis(kiscrm_config *cfg, struct kc_pipeline_set *set, const kc_yaml_doc *doc)
{
	static const char *const top[] = {
		"size_classes", "supervision", "qualification", "funnel_diagnosis",
		"reason_categories", "activity_types", "sufficiency_threshold", "ageing_bounds", "predict",
		"lifecycle", NULL
	};
	kc_analysis *a = &set->analysis;
	int rc;

	if ((rc = analysis_defaults(a, cfg)) < 0)
		return rc;
	if ((rc = kc_yaml_map_check(doc->root, top)) < 0 ||
	    (rc = read_size_classes(a, cfg, doc->root)) < 0 ||
	    (rc = read_supervision(a, cfg, doc->root)) < 0 ||
	    (rc = read_qualification(a, doc->root)) < 0 ||
	    (rc = read_lifecycle(a, doc->root)) < 0 ||
	    (rc = read_funnel(a, doc->root)) < 0 ||
	    (rc = read_named(&a->reasons, &a->nreasons, doc->root, "reason_categories",
			     "reason category")) < 0 ||
	    (rc = read_named(&a->activity_types, &a->nactivity_types, doc->root, "activity_types",
			     "activity type")) < 0 ||
	    (rc = get_number(&a->sufficiency_threshold, doc->root, "sufficiency_threshold", 0.0,
			     100.0)) < 0 ||
	    (rc = read_ageing(a, doc->root)) < 0 ||
	    (rc = read_predict(a, doc->root)) < 0)
		return rc;
	return KISCRM_OK;
}

/* ------------------------------------------------------------------------------------ */
/* Loading                                                                               */

typedef int (*set_reader)(kiscrm_config *cfg, struct kc_pipeline_set *set, const kc_yaml_doc *doc);

static int load_one(kiscrm_config *cfg, const char *dir, const char *name, set_reader read)
{
	kc_yaml_doc *doc;
	int rc = kc_config_load_file_or_default(dir, name, &doc);

	if (rc < 0)
		return rc;
	rc = read(cfg, cfg->pipelines, doc);
	kc_yaml_doc_free(doc);
	return rc;
}

int kc_pipeline_config_load(kiscrm_config *cfg, const char *dir)
{
	int rc;

	if (!cfg)
		return kc_error_set(KISCRM_EINVALID, "kc_pipeline_config_load: cfg is NULL");
	kc_pipeline_config_free(cfg);
	cfg->pipelines = calloc(1, sizeof(*cfg->pipelines));
	if (!cfg->pipelines)
		return kc_error_oom();
	/* On failure the caller frees cfg, and with it what was read so far. */
	if ((rc = load_one(cfg, dir, "pipelines.yaml", read_pipelines)) < 0 ||
	    (rc = load_one(cfg, dir, "analysis.yaml", read_analysis)) < 0)
		return rc;
	return KISCRM_OK;
}

/* ------------------------------------------------------------------------------------ */
/* Accessors                                                                             */

const kc_pipeline *kc_config_pipeline(const kiscrm_config *cfg, size_t p)
{
	if (!cfg || !cfg->pipelines || p >= cfg->pipelines->count)
		return NULL;
	return &cfg->pipelines->pipelines[p];
}

const kc_analysis *kc_config_analysis(const kiscrm_config *cfg)
{
	return cfg && cfg->pipelines ? &cfg->pipelines->analysis : NULL;
}

static const kc_stage *get_stage(const kiscrm_config *cfg, size_t p, size_t s)
{
	const kc_pipeline *pl = kc_config_pipeline(cfg, p);
	return pl && s < pl->nstages ? &pl->stages[s] : NULL;
}

size_t kiscrm_config_pipeline_count(const kiscrm_config *cfg)
{
	return cfg && cfg->pipelines ? cfg->pipelines->count : 0;
}

const char *kiscrm_config_pipeline_key(const kiscrm_config *cfg, size_t p)
{
	const kc_pipeline *pl = kc_config_pipeline(cfg, p);
	return pl ? pl->key : NULL;
}

int kc_config_pipeline_index(const kiscrm_config *cfg, const char *key)
{
	/* NULL is the default pipeline, which every configuration has. */
	if (!key)
		return 0;
	const kc_pipeline *p;
	for (size_t i = 0; (p = kc_config_pipeline(cfg, i)) != NULL; i++)
		if (p->key && strcmp(p->key, key) == 0)
			return (int)i;
	return -1;
}

int kc_pipeline_stage_index(const kc_pipeline *pl, const char *key)
{
	/* the first byte sorts out most stages without a call */
	for (size_t i = 0; pl && key && i < pl->nstages; i++)
		if (pl->stages[i].key && pl->stages[i].key[0] == key[0] && strcmp(pl->stages[i].key, key) == 0)
			return (int)i;
	return -1;
}

int kiscrm_config_pipeline_find(const kiscrm_config *cfg, const char *key)
{
	if (!key)
		return 0;
	if (!cfg)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_config_pipeline_find: cfg is NULL");
	int p = kc_config_pipeline_index(cfg, key);
	return p >= 0 ? p
		      : kc_error_set_at(KISCRM_ENOTFOUND, NULL, 0, 0, "pipeline", key,
					"no pipeline '%s' in pipelines.yaml", key);
}

size_t kiscrm_config_stage_count(const kiscrm_config *cfg, size_t p)
{
	const kc_pipeline *pl = kc_config_pipeline(cfg, p);
	return pl ? pl->nstages : 0;
}

const char *kiscrm_config_stage_key(const kiscrm_config *cfg, size_t p, size_t s)
{
	const kc_stage *st = get_stage(cfg, p, s);
	return st ? st->key : NULL;
}

const char *kiscrm_config_stage_name(const kiscrm_config *cfg, size_t p, size_t s, const char *lang)
{
	const kc_stage *st = get_stage(cfg, p, s);
	if (!st)
		return NULL;
	return lang && strcmp(lang, "zh") == 0 ? st->zh : st->en;
}

int kiscrm_config_stage_probability(const kiscrm_config *cfg, size_t p, size_t s)
{
	const kc_stage *st = get_stage(cfg, p, s);
	return st ? st->probability : -1;
}

const char *kiscrm_config_stage_forecast_category(const kiscrm_config *cfg, size_t p, size_t s)
{
	const kc_stage *st = get_stage(cfg, p, s);
	return st ? st->category : NULL;
}

int kiscrm_config_stage_terminal(const kiscrm_config *cfg, size_t p, size_t s)
{
	const kc_stage *st = get_stage(cfg, p, s);
	return st ? st->terminal : KISCRM_STAGE_OPEN;
}

int kiscrm_config_stage_find(const kiscrm_config *cfg, size_t p, const char *key)
{
	const kc_pipeline *pl;

	if (!cfg || !key)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_config_stage_find: NULL argument");
	pl = kc_config_pipeline(cfg, p);
	if (!pl)
		return kc_error_set(KISCRM_ENOTFOUND, "no pipeline %zu", p);
	int s = kc_pipeline_stage_index(pl, key);
	if (s >= 0)
		return s;
	return kc_error_set_at(KISCRM_ENOTFOUND, NULL, 0, 0, "stage", key,
			       "pipeline '%s' has no stage '%s'", pl->key, key);
}

size_t kiscrm_config_stage_exit_count(const kiscrm_config *cfg, size_t p, size_t s)
{
	const kc_stage *st = get_stage(cfg, p, s);
	return st ? st->nexit : 0;
}

const char *kiscrm_config_stage_exit_field(const kiscrm_config *cfg, size_t p, size_t s, size_t i)
{
	const kc_stage *st = get_stage(cfg, p, s);
	return st && i < st->nexit ? st->exit_fields[i] : NULL;
}

/* Win/loss reason categories and activity types of analysis.yaml: lists of {key, zh, en}. */
static const kc_reason_category *named(const kiscrm_config *cfg, int activity, size_t i, size_t *n)
{
	const kc_analysis *a = cfg ? kc_config_analysis(cfg) : NULL;
	*n = !a ? 0 : activity ? a->nactivity_types : a->nreasons;
	if (!a || i >= *n)
		return NULL;
	return activity ? &a->activity_types[i] : &a->reasons[i];
}

static const char *named_name(const kc_reason_category *c, const char *lang)
{
	if (!c)
		return NULL;
	return lang && strcmp(lang, "zh") == 0 ? c->zh : c->en;
}

static int named_find(const kiscrm_config *cfg, int activity, const char *key, const char *what)
{
	size_t n;
	if (!cfg || !key)
		return kc_error_set(KISCRM_EINVALID, "%s: NULL argument", what);
	named(cfg, activity, 0, &n);
	for (size_t i = 0; i < n; i++)
		if (strcmp(named(cfg, activity, i, &n)->key, key) == 0)
			return (int)i;
	return kc_error_set_at(KISCRM_ENOTFOUND, NULL, 0, 0, activity ? "type" : "reason_category", key,
			       "no %s '%s' in analysis.yaml", activity ? "activity type" : "win/loss reason category",
			       key);
}

size_t kiscrm_config_reason_category_count(const kiscrm_config *cfg)
{
	size_t n;
	named(cfg, 0, 0, &n);
	return n;
}

const char *kiscrm_config_reason_category_key(const kiscrm_config *cfg, size_t i)
{
	size_t n;
	const kc_reason_category *c = named(cfg, 0, i, &n);
	return c ? c->key : NULL;
}

const char *kiscrm_config_reason_category_name(const kiscrm_config *cfg, size_t i, const char *lang)
{
	size_t n;
	return named_name(named(cfg, 0, i, &n), lang);
}

int kiscrm_config_reason_category_find(const kiscrm_config *cfg, const char *key)
{
	return named_find(cfg, 0, key, "kiscrm_config_reason_category_find");
}

size_t kiscrm_config_activity_type_count(const kiscrm_config *cfg)
{
	size_t n;
	named(cfg, 1, 0, &n);
	return n;
}

const char *kiscrm_config_activity_type_key(const kiscrm_config *cfg, size_t i)
{
	size_t n;
	const kc_reason_category *c = named(cfg, 1, i, &n);
	return c ? c->key : NULL;
}

const char *kiscrm_config_activity_type_name(const kiscrm_config *cfg, size_t i, const char *lang)
{
	size_t n;
	return named_name(named(cfg, 1, i, &n), lang);
}

int kiscrm_config_activity_type_find(const kiscrm_config *cfg, const char *key)
{
	return named_find(cfg, 1, key, "kiscrm_config_activity_type_find");
}

/* The pipeline and stage a spreadsheet names by key or display name (field_values.h). */
int kc_config_pipeline_named(const kiscrm_config *cfg, const char *text)
{
	for (size_t p = 0; p < kiscrm_config_pipeline_count(cfg); p++)
		if (strcmp(kc_config_pipeline(cfg, p)->key, text) == 0)
			return (int)p;
	for (size_t p = 0; p < kiscrm_config_pipeline_count(cfg); p++) {
		const kc_pipeline *pl = kc_config_pipeline(cfg, p);
		if (kc_config_name_is(pl->zh, text, 0) || kc_config_name_is(pl->en, text, 1))
			return (int)p;
	}
	return -1;
}

const char *kc_config_stage_named(const kiscrm_config *cfg, size_t pipeline, const char *text)
{
	size_t n = kiscrm_config_stage_count(cfg, pipeline);
	for (size_t s = 0; s < n; s++)
		if (strcmp(kiscrm_config_stage_key(cfg, pipeline, s), text) == 0)
			return kiscrm_config_stage_key(cfg, pipeline, s);
	for (size_t s = 0; s < n; s++)
		if (kc_config_name_is(kiscrm_config_stage_name(cfg, pipeline, s, "zh"), text, 0) ||
		    kc_config_name_is(kiscrm_config_stage_name(cfg, pipeline, s, "en"), text, 1))
			return kiscrm_config_stage_key(cfg, pipeline, s);
	return NULL;
}
