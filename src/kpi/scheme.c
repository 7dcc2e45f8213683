/* KPI schemes: loading and validating the YAML (see kiscrm/kpi.h for the format).
 *
 * Everything is checked here, with the file, line and column of the offending node, so
 * that scoring only meets data problems: unknown keys, unknown metrics, rule parameters
 * that do not belong to the rule, bands out of order, weights not summing to 100. */
#include "kpi/kpi_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_internal.h"
#include "config/yaml_tree.h"
#include "core/error.h"
#include "kiscrm/db.h"

#define NUM_MAX ((int64_t)1000000000000000000LL)

static const char *const rule_names[] = { "linear", "lower_is_better", "bands", "gate", "direct", NULL };
static const char *const scope_names[] = { "person", "department", "company", NULL };
static const char *const unit_names[] = { "money", "count", "ratio", "days", "score" };
static const char *const basis_names[] = { "ratio", "actual", NULL };

const char *kc_kpi_scope_name(int scope)
{
	return scope >= 1 && scope <= 3 ? scope_names[scope - 1] : "person";
}

const char *kc_kpi_unit_name(int unit)
{
	return unit >= 1 && unit <= 5 ? unit_names[unit - 1] : "score";
}

const char *kc_kpi_rule_name(int rule)
{
	return rule >= 0 && rule <= KC_KPI_RULE_DIRECT ? rule_names[rule] : "linear";
}

const char *kc_kpi_grade_of(const kiscrm_kpi_scheme *s, double total)
{
	if (!s || !s->ngrades)
		return NULL;
	for (size_t i = 0; i < s->ngrades; i++)
		if (total >= s->grades[i].min - 1e-9)
			return s->grades[i].grade;
	return s->grades[s->ngrades - 1].grade;
}

/* ------------------------------------------------------------------------------------ */
/* Freeing                                                                               */

static void indicator_dispose(kc_kpi_indicator *ind)
{
	free(ind->key);
	free(ind->zh);
	free(ind->en);
	free(ind->metric);
	for (size_t i = 0; i < ind->nroles; i++)
		free(ind->roles[i]);
	free(ind->roles);
	free(ind->bands);
}

void kiscrm_kpi_scheme_free(kiscrm_kpi_scheme *scheme)
{
	if (!scheme)
		return;
	for (size_t i = 0; i < scheme->nind; i++)
		indicator_dispose(&scheme->ind[i]);
	free(scheme->ind);
	for (size_t i = 0; i < scheme->ngrades; i++)
		free(scheme->grades[i].grade);
	free(scheme->grades);
	free(scheme->file);
	free(scheme->key);
	free(scheme->zh);
	free(scheme->en);
	free(scheme);
}

/* ------------------------------------------------------------------------------------ */
/* Loading                                                                               */

static int dup_to(char **out, const char *s)
{
	size_t n = strlen(s) + 1;
	*out = malloc(n);
	if (!*out)
		return kc_error_oom();
	memcpy(*out, s, n);
	return KISCRM_OK;
}

/* A decimal with at most four decimals as a double (exact decimal input, no strtod). */
static int number_of(double *out, int64_t *scaled, const kc_yaml_node *node)
{
	kiscrm_money v;
	int rc = kc_yaml_money(&v, node, 4, -NUM_MAX, NUM_MAX);
	if (rc)
		return rc;
	if (scaled)
		*scaled = v;
	*out = (double)v / KC_KPI_SCALE;
	return KISCRM_OK;
}

static int get_number(double *out, const kc_yaml_node *map, const char *key, unsigned flags)
{
	const kc_yaml_node *n;
	int rc = kc_yaml_get_node(&n, map, key, flags);
	return rc || !n ? rc : number_of(out, NULL, n);
}

/* Keys that only some rules use: an error at the key when present with another rule. */
static int refuse_keys(const kc_yaml_node *map, const char *const *keys, const char *rule)
{
	for (size_t i = 0; keys[i]; i++) {
		const kc_yaml_node *k = kc_yaml_map_key(map, keys[i]);
		if (k)
			return kc_yaml_error(k, "key '%s' is not used by rule '%s'", keys[i], rule);
	}
	return KISCRM_OK;
}

static int load_roles(kc_kpi_indicator *ind, const kc_yaml_node *map)
{
	const kc_yaml_node *seq;
	int rc = kc_yaml_get_seq(&seq, map, "roles", KC_YAML_OPTIONAL);
	if (rc || !seq)
		return rc;
	if (!seq->count)
		return kc_yaml_error(seq, "roles must list at least one role key (leave it out for all roles)");
	if (!(ind->roles = calloc(seq->count, sizeof(char *))))
		return kc_error_oom();
	for (size_t i = 0; i < seq->count; i++) {
		const char *role;
		if ((rc = kc_yaml_ident(&role, seq->items[i])) ||
		    (rc = dup_to(&ind->roles[ind->nroles], role)))
			return rc;
		ind->nroles++;
	}
	return KISCRM_OK;
}

static int load_bands(kc_kpi_indicator *ind, const kc_yaml_node *map)
{
	static const char *const min_keys[] = { "min", "score", NULL };
	static const char *const max_keys[] = { "max", "score", NULL };
	const kc_yaml_node *seq;
	int basis = 0, rc;

	if ((rc = kc_yaml_get_seq(&seq, map, "bands", KC_YAML_REQUIRED)) ||
	    (rc = kc_yaml_get_enum(&basis, map, "basis", KC_YAML_OPTIONAL, basis_names)) ||
	    (rc = get_number(&ind->else_score, map, "else", KC_YAML_OPTIONAL)))
		return rc;
	ind->basis_actual = basis == 1;
	if (!seq->count)
		return kc_yaml_error(seq, "bands must list at least one band");
	if (!(ind->bands = calloc(seq->count, sizeof(*ind->bands))))
		return kc_error_oom();
	ind->bands_max = kc_yaml_map_get(seq->items[0], "max") != NULL;
	for (size_t i = 0; i < seq->count; i++) {
		const kc_yaml_node *b = seq->items[i];
		const char *bkey = ind->bands_max ? "max" : "min";
		kc_kpi_band *band = &ind->bands[i];
		if ((rc = kc_yaml_map_check(b, ind->bands_max ? max_keys : min_keys)))
			return rc;
		if ((rc = get_number(&band->bound, b, bkey, KC_YAML_REQUIRED)) ||
		    (rc = get_number(&band->score, b, "score", KC_YAML_REQUIRED)))
			return rc;
		if (i > 0 && band->bound <= ind->bands[i - 1].bound)
			return kc_yaml_error(kc_yaml_map_get(b, bkey),
					     "band bounds must increase: %s %s is not above the band before",
					     bkey, kc_yaml_map_get(b, bkey)->text);
		ind->nbands++;
	}
	return KISCRM_OK;
}

static int load_gate(kc_kpi_indicator *ind, const kc_yaml_node *map)
{
	const kc_yaml_node *mn = kc_yaml_map_get(map, "min"), *mx = kc_yaml_map_get(map, "max");
	int rc;

	if (mn && mx)
		return kc_yaml_error(kc_yaml_map_key(map, "max"),
				     "a gate has either min (pass when actual ≥ min) or max, not both");
	if (!mn && !mx)
		return kc_yaml_error_ex(map, map->path, NULL,
					"rule 'gate' needs min (pass when actual ≥ min) or max (pass when actual ≤ max)");
	ind->gate_max = mx != NULL;
	ind->pass_score = 100;
	if ((rc = number_of(&ind->gate_bound, NULL, mx ? mx : mn)) ||
	    (rc = get_number(&ind->pass_score, map, "pass_score", KC_YAML_OPTIONAL)) ||
	    (rc = kc_yaml_get_bool(&ind->veto, map, "veto", KC_YAML_OPTIONAL)))
		return rc;
	return KISCRM_OK;
}

static int load_target(kc_kpi_indicator *ind, const kc_yaml_node *map, const kiscrm_kpi_metric *m)
{
	const kc_yaml_node *t;
	int rc = kc_yaml_get_node(&t, map, "target", KC_YAML_OPTIONAL);
	if (rc || !t)
		return rc;
	if (kc_yaml_scalar_is(t, "decomposed")) {
		if (!m->target_metric)
			return kc_yaml_error(t, "metric '%s' has no decomposed target (use a number)", m->key);
		ind->target_kind = KC_KPI_TARGET_DECOMPOSED;
		return KISCRM_OK;
	}
	if (t->kind != KC_YAML_SCALAR)
		return kc_yaml_expect(t, KC_YAML_SCALAR);
	ind->target_kind = KC_KPI_TARGET_FIXED;
	if ((rc = kc_yaml_money(&ind->target4, t, 4, -NUM_MAX, NUM_MAX)) != 0)
		return kc_yaml_error(t, "target '%s' is neither 'decomposed' nor a number with at most 4 decimals",
				     t->text);
	return KISCRM_OK;
}

static int load_indicator(kc_kpi_indicator *ind, const kc_yaml_node *map)
{
	static const char *const keys[] = {
		"key", "zh", "en", "metric", "target", "weight", "scope", "roles", "rule", "floor",
		"cap", "missing_score", "basis", "bands", "else", "min", "max", "pass_score", "veto", NULL,
	};
	static const char *const band_keys[] = { "basis", "bands", "else", NULL };
	static const char *const gate_keys[] = { "min", "max", "pass_score", "veto", NULL };
	static const char *const clamp_keys[] = { "floor", "cap", NULL };
	const char *key, *zh, *en, *metric;
	const kc_yaml_node *mnode;
	int64_t weight = 0;
	int scope = 0, rule = 0, rc;

	ind->line = map->line;
	ind->column = map->column;
	if ((rc = kc_yaml_map_check(map, keys)) ||
	    (rc = kc_yaml_get_ident(&key, map, "key", KC_YAML_REQUIRED)) ||
	    (rc = kc_yaml_get_text(&zh, map, "zh", KC_YAML_REQUIRED)) ||
	    (rc = kc_yaml_get_text(&en, map, "en", KC_YAML_REQUIRED)) ||
	    (rc = kc_yaml_get_node(&mnode, map, "metric", KC_YAML_REQUIRED)) ||
	    (rc = kc_yaml_ident(&metric, mnode)) ||
	    (rc = kc_yaml_get_int(&weight, map, "weight", KC_YAML_REQUIRED, 0, 100)) ||
	    (rc = kc_yaml_get_enum(&scope, map, "scope", KC_YAML_OPTIONAL, scope_names)) ||
	    (rc = kc_yaml_get_enum(&rule, map, "rule", KC_YAML_REQUIRED, rule_names)))
		return rc;
	if ((rc = dup_to(&ind->key, key)) || (rc = dup_to(&ind->zh, zh)) || (rc = dup_to(&ind->en, en)) ||
	    (rc = dup_to(&ind->metric, metric)))
		return rc;
	const kiscrm_kpi_metric *m = kiscrm_kpi_metric_find(metric);
	if (!m)
		return kc_yaml_error(mnode, "unknown metric '%s' (register it with kiscrm_kpi_register_metric() "
				     "before loading the scheme)", metric);
	ind->weight = (int)weight;
	ind->scope = scope + 1;
	ind->rule = rule;
	ind->floor = 0;
	ind->cap = 100;
	if ((rc = load_roles(ind, map)) || (rc = load_target(ind, map, m)) ||
	    (rc = get_number(&ind->missing_score, map, "missing_score", KC_YAML_OPTIONAL)))
		return rc;

	const char *rname = rule_names[rule];
	if (rule != KC_KPI_RULE_BANDS && (rc = refuse_keys(map, band_keys, rname)))
		return rc;
	if (rule != KC_KPI_RULE_GATE && (rc = refuse_keys(map, gate_keys, rname)))
		return rc;
	if ((rule == KC_KPI_RULE_BANDS || rule == KC_KPI_RULE_GATE) && (rc = refuse_keys(map, clamp_keys, rname)))
		return rc;
	switch (rule) {
	case KC_KPI_RULE_BANDS:
		return load_bands(ind, map);
	case KC_KPI_RULE_GATE:
		return load_gate(ind, map);
	default:
		if ((rc = get_number(&ind->floor, map, "floor", KC_YAML_OPTIONAL)) ||
		    (rc = get_number(&ind->cap, map, "cap", KC_YAML_OPTIONAL)))
			return rc;
		if (ind->floor > ind->cap) {
			const kc_yaml_node *f = kc_yaml_map_get(map, "floor");
			return kc_yaml_error(f ? f : kc_yaml_map_get(map, "cap"),
					     "floor %g is above cap %g", ind->floor, ind->cap);
		}
		return KISCRM_OK;
	}
}

static int load_indicators(kiscrm_kpi_scheme *s, const kc_yaml_node *root)
{
	const kc_yaml_node *seq;
	int64_t sum = 0;
	int rc = kc_yaml_get_seq(&seq, root, "indicators", KC_YAML_REQUIRED);
	if (rc)
		return rc;
	if (!seq->count)
		return kc_yaml_error(seq, "a scheme needs at least one indicator");
	if (!(s->ind = calloc(seq->count, sizeof(*s->ind))))
		return kc_error_oom();
	for (size_t i = 0; i < seq->count; i++) {
		kc_kpi_indicator *ind = &s->ind[i];
		s->nind++;
		if ((rc = load_indicator(ind, seq->items[i])))
			return rc;
		for (size_t j = 0; j < i; j++)
			if (strcmp(s->ind[j].key, ind->key) == 0)
				return kc_yaml_error(kc_yaml_map_get(seq->items[i], "key"),
						     "duplicate indicator key '%s' (first at line %d)", ind->key,
						     s->ind[j].line);
		sum += ind->weight;
	}
	if (sum != 100) {
		char value[32];
		snprintf(value, sizeof(value), "%lld", (long long)sum);
		return kc_yaml_error_ex(seq, seq->path, value,
					"the weights of the indicators sum to %lld, not 100", (long long)sum);
	}
	return KISCRM_OK;
}

static int load_grades(kiscrm_kpi_scheme *s, const kc_yaml_node *root)
{
	static const char *const keys[] = { "grade", "min", NULL };
	const kc_yaml_node *seq;
	int rc = kc_yaml_get_seq(&seq, root, "grades", KC_YAML_REQUIRED);
	if (rc)
		return rc;
	if (!seq->count)
		return kc_yaml_error(seq, "grades must list at least one grade");
	if (!(s->grades = calloc(seq->count, sizeof(*s->grades))))
		return kc_error_oom();
	for (size_t i = 0; i < seq->count; i++) {
		const kc_yaml_node *g = seq->items[i];
		kc_kpi_grade *gr = &s->grades[i];
		const char *name;
		if ((rc = kc_yaml_map_check(g, keys)) ||
		    (rc = kc_yaml_get_text(&name, g, "grade", KC_YAML_REQUIRED)) ||
		    (rc = get_number(&gr->min, g, "min", KC_YAML_REQUIRED)) || (rc = dup_to(&gr->grade, name)))
			return rc;
		s->ngrades++;
		for (size_t j = 0; j < i; j++) {
			if (strcmp(s->grades[j].grade, name) == 0)
				return kc_yaml_error(kc_yaml_map_get(g, "grade"), "duplicate grade '%s'", name);
		}
		if (i > 0 && gr->min >= s->grades[i - 1].min)
			return kc_yaml_error(kc_yaml_map_get(g, "min"),
					     "grades must be listed highest first: min %s is not below the grade before",
					     kc_yaml_map_get(g, "min")->text);
	}
	return KISCRM_OK;
}

static int load_doc(kiscrm_kpi_scheme **out, const kc_yaml_doc *doc)
{
	static const char *const keys[] = { "scheme", "zh", "en", "indicators", "grades", NULL };
	const kc_yaml_node *root = doc->root;
	const char *key, *zh, *en;
	kiscrm_kpi_scheme *s;
	int rc;

	if ((rc = kc_yaml_map_check(root, keys)) ||
	    (rc = kc_yaml_get_ident(&key, root, "scheme", KC_YAML_REQUIRED)) ||
	    (rc = kc_yaml_get_text(&zh, root, "zh", KC_YAML_REQUIRED)) ||
	    (rc = kc_yaml_get_text(&en, root, "en", KC_YAML_REQUIRED)))
		return rc;
	if (!(s = calloc(1, sizeof(*s))))
		return kc_error_oom();
	if ((rc = dup_to(&s->file, doc->file)) || (rc = dup_to(&s->key, key)) || (rc = dup_to(&s->zh, zh)) ||
	    (rc = dup_to(&s->en, en)) || (rc = load_indicators(s, root)) || (rc = load_grades(s, root))) {
		kiscrm_kpi_scheme_free(s);
		return rc;
	}
	*out = s;
	return KISCRM_OK;
}

int kiscrm_kpi_scheme_load_text(kiscrm_kpi_scheme **out, const char *name, const char *text, size_t len)
{
	kc_yaml_doc *doc = NULL;
	int rc;

	if (!out || !name || (!text && len))
		return kc_error_set(KISCRM_EINVALID, "kiscrm_kpi_scheme_load_text: NULL argument");
	*out = NULL;
	if ((rc = kc_yaml_parse(&doc, name, text ? text : "", len)))
		return rc;
	rc = load_doc(out, doc);
	kc_yaml_doc_free(doc);
	return rc;
}

/* Reads a whole file; errors name the path. */
static int read_file(char **data, size_t *len, const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0;

	if (!f)
		return kc_error_set_at(KISCRM_ECONFIG, path, 0, 0, NULL, path, "cannot open KPI scheme '%s'", path);
	for (;;) {
		if (cap - n < 4096) {
			size_t ncap = cap ? cap * 2 : 8192;
			char *p = realloc(buf, ncap);
			if (!p) {
				free(buf);
				fclose(f);
				return kc_error_oom();
			}
			buf = p;
			cap = ncap;
		}
		size_t got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		free(buf);
		return kc_error_set_at(KISCRM_ECONFIG, path, 0, 0, NULL, path, "cannot read '%s'", path);
	}
	*data = buf;
	*len = n;
	return KISCRM_OK;
}

int kiscrm_kpi_scheme_load(kiscrm_kpi_scheme **out, const char *path)
{
	char *data = NULL;
	size_t len = 0;
	int rc;

	if (!out || !path)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_kpi_scheme_load: NULL argument");
	*out = NULL;
	if ((rc = read_file(&data, &len, path)))
		return rc;
	rc = kiscrm_kpi_scheme_load_text(out, path, data, len);
	free(data);
	return rc;
}

int kiscrm_kpi_scheme_load_dir(kiscrm_kpi_scheme **out, const char *dir)
{
	kc_yaml_doc *doc = NULL;
	int rc;

	if (!out)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_kpi_scheme_load_dir: NULL argument");
	*out = NULL;
	if (dir && (rc = kc_config_check_dir(dir)))
		return rc;
	if ((rc = kc_config_load_file_or_default(dir, "kpi.yaml", &doc)))
		return rc;
	rc = load_doc(out, doc);
	kc_yaml_doc_free(doc);
	return rc;
}

int kiscrm_kpi_scheme_load_default(kiscrm_kpi_scheme **out, kiscrm_db *db)
{
	/* kpi.yaml beside the database's other configuration files, else the built-in one */
	return kiscrm_kpi_scheme_load_dir(out, db ? kiscrm_config_dir(kiscrm_db_config(db)) : NULL);
}

const char *kiscrm_kpi_scheme_key(const kiscrm_kpi_scheme *scheme)
{
	return scheme ? scheme->key : NULL;
}

size_t kiscrm_kpi_scheme_indicator_count(const kiscrm_kpi_scheme *scheme)
{
	return scheme ? scheme->nind : 0;
}

const char *kiscrm_kpi_scheme_indicator_key(const kiscrm_kpi_scheme *scheme, size_t i)
{
	return scheme && i < scheme->nind ? scheme->ind[i].key : NULL;
}

int kiscrm_kpi_scheme_indicator_weight(const kiscrm_kpi_scheme *scheme, size_t i)
{
	if (!scheme || i >= scheme->nind)
		return kc_error_set(KISCRM_EINVALID, "indicator index %zu out of range", i);
	return scheme->ind[i].weight;
}
