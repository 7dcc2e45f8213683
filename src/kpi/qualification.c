/* Qualification standards (任职资格): loading the YAML and assessing a person against a
 * standard — behaviour units by evidence, knowledge by exams, experience by the standard's
 * rules (the main kind must reach its bound; the other kinds are for reference and only
 * make a shortfall a case for the assessor, never a pass), and the job-description
 * requirements. Every fail carries its reasons (see kiscrm/qualification.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_internal.h"
#include "core/field.h"
#include "config/labels_config.h"
#include "table/table_internal.h"
#include "config/yaml_tree.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/str.h"
#include "core/options.h"
#include "kiscrm/date.h"
#include "kiscrm/kpi.h"
#include "kiscrm/qualification.h"
#include "kiscrm/org.h"
#include "kiscrm/record.h"
#include "kiscrm/table.h"
#include "storage/db.h"

#define NUM_MAX ((int64_t)1000000000000000LL)
#define EPS 1e-9

typedef struct q_name {
	char *key, *zh, *en;
} q_name;

typedef struct q_item {
	q_name n;
	char *method;      /* the item's own evidence method text, or NULL */
} q_item;

typedef struct q_unit {
	q_name n;
	q_item *items;
	size_t nitems;
	char **methods;    /* accepted evidence method keys; NULL: any */
	size_t nmethods;
	char *method_text; /* 认证方法 as written in the standard */
} q_unit;

typedef struct q_subject {
	q_name n;
	double pass;
} q_subject;

/* An experience item: a bound in years (records of the kind add up), or with count > 0 a
 * number of records (成功项目经验: one record per successful project), which is a
 * requirement of its own with its own row. */
typedef struct q_exp {
	q_name n;
	double years;
	int64_t count;
	int main;
} q_exp;

typedef struct q_std {
	q_name n;
	char *role;
	int64_t level;
	q_unit *units;
	size_t nunits;
	q_subject *subjects;
	size_t nsubjects;
	q_exp *exp;
	size_t nexp;
	/* requirements; years < 0: not required */
	char *education;
	double sales_years, industry_years, management_years;
	q_name *training;
	size_t ntraining;
} q_std;

struct kiscrm_qual_standards {
	char **edu;
	size_t nedu;
	q_std *std;
	size_t n;
};

/* ------------------------------------------------------------------------------------ */
/* Freeing                                                                               */

static void name_free(q_name *n)
{
	free(n->key);
	free(n->zh);
	free(n->en);
}

static void strs_free(char **s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(s[i]);
	free(s);
}

static void std_free(q_std *s)
{
	name_free(&s->n);
	free(s->role);
	for (size_t i = 0; i < s->nunits; i++) {
		q_unit *u = &s->units[i];
		name_free(&u->n);
		for (size_t j = 0; j < u->nitems; j++) {
			name_free(&u->items[j].n);
			free(u->items[j].method);
		}
		free(u->items);
		strs_free(u->methods, u->nmethods);
		free(u->method_text);
	}
	free(s->units);
	for (size_t i = 0; i < s->nsubjects; i++)
		name_free(&s->subjects[i].n);
	free(s->subjects);
	for (size_t i = 0; i < s->nexp; i++)
		name_free(&s->exp[i].n);
	free(s->exp);
	free(s->education);
	for (size_t i = 0; i < s->ntraining; i++)
		name_free(&s->training[i]);
	free(s->training);
}

void kiscrm_qual_standards_free(kiscrm_qual_standards *std)
{
	if (!std)
		return;
	for (size_t i = 0; i < std->n; i++)
		std_free(&std->std[i]);
	free(std->std);
	strs_free(std->edu, std->nedu);
	free(std);
}

/* ------------------------------------------------------------------------------------ */
/* Loading                                                                               */

static int get_number(double *out, const kc_yaml_node *map, const char *key, unsigned flags)
{
	const kc_yaml_node *n;
	kiscrm_money v;
	int rc = kc_yaml_get_node(&n, map, key, flags);
	if (rc || !n)
		return rc;
	if ((rc = kc_yaml_money(&v, n, 4, 0, NUM_MAX)))
		return rc;
	*out = (double)v / 10000.0;
	return KISCRM_OK;
}

/* key, zh, en of a mapping (all required). */
static int load_name(q_name *n, const kc_yaml_node *map)
{
	const char *key, *zh, *en;
	int rc;
	if ((rc = kc_yaml_get_ident(&key, map, "key", KC_YAML_REQUIRED)) ||
	    (rc = kc_yaml_get_text(&zh, map, "zh", KC_YAML_REQUIRED)) ||
	    (rc = kc_yaml_get_text(&en, map, "en", KC_YAML_REQUIRED)))
		return rc;
	if ((rc = kc_strdup_to(&n->key, key)) || (rc = kc_strdup_to(&n->zh, zh)) || (rc = kc_strdup_to(&n->en, en)))
		return rc;
	return KISCRM_OK;
}

/* A list of mappings with unique keys: calls @load per item on a zeroed slot of @size. */
typedef int (*item_loader)(void *slot, const kc_yaml_node *map);

static int load_list(void **out, size_t *n, size_t size, const kc_yaml_node *seq, item_loader load,
		     size_t key_off)
{
	int rc;
	*out = NULL;
	*n = 0;
	if (!seq)
		return KISCRM_OK;
	if (!seq->count)
		return kc_yaml_error(seq, "the list must not be empty (leave the key out instead)");
	char *arr = calloc(seq->count, size);
	if (!arr)
		return kc_error_oom();
	*out = arr;
	for (size_t i = 0; i < seq->count; i++) {
		(*n)++;
		if ((rc = load(arr + i * size, seq->items[i])))
			return rc;
		const char *key = ((const q_name *)(const void *)(arr + i * size + key_off))->key;
		for (size_t j = 0; j < i; j++)
			if (strcmp(((const q_name *)(const void *)(arr + j * size + key_off))->key, key) == 0)
				return kc_yaml_error(kc_yaml_map_get(seq->items[i], "key"), "duplicate key '%s'", key);
	}
	return KISCRM_OK;
}

static int load_idents(char ***out, size_t *n, const kc_yaml_node *seq)
{
	*out = NULL;
	*n = 0;
	if (!seq)
		return KISCRM_OK;
	if (!(*out = calloc(seq->count ? seq->count : 1, sizeof(char *))))
		return kc_error_oom();
	for (size_t i = 0; i < seq->count; i++) {
		const char *s;
		int rc;
		if ((rc = kc_yaml_ident(&s, seq->items[i])) || (rc = kc_strdup_to(&(*out)[i], s)))
			return rc;
		(*n)++;
	}
	return KISCRM_OK;
}

static int load_item(void *slot, const kc_yaml_node *map)
{
	static const char *const keys[] = { "key", "zh", "en", "text", "method", NULL };
	q_item *it = slot;
	const char *m = NULL;
	int rc;
	if ((rc = kc_yaml_map_check(map, keys)) || (rc = load_name(&it->n, map)) ||
	    (rc = kc_yaml_get_text(&m, map, "method", KC_YAML_OPTIONAL)) || (rc = kc_strdup_to(&it->method, m)))
		return rc;
	const char *text;
	return kc_yaml_get_text(&text, map, "text", KC_YAML_OPTIONAL);
}

static int load_unit(void *slot, const kc_yaml_node *map)
{
	static const char *const keys[] = { "key", "zh", "en", "items", "methods", "method_text", NULL };
	q_unit *u = slot;
	const kc_yaml_node *items, *methods;
	const char *mt = NULL;
	int rc;
	if ((rc = kc_yaml_map_check(map, keys)) || (rc = load_name(&u->n, map)) ||
	    (rc = kc_yaml_get_seq(&items, map, "items", KC_YAML_REQUIRED)) ||
	    (rc = kc_yaml_get_seq(&methods, map, "methods", KC_YAML_OPTIONAL)) ||
	    (rc = kc_yaml_get_text(&mt, map, "method_text", KC_YAML_OPTIONAL)) || (rc = kc_strdup_to(&u->method_text, mt)))
		return rc;
	if ((rc = load_idents(&u->methods, &u->nmethods, methods)))
		return rc;
	return load_list((void **)&u->items, &u->nitems, sizeof(q_item), items, load_item, offsetof(q_item, n));
}

static int load_subject(void *slot, const kc_yaml_node *map)
{
	static const char *const keys[] = { "key", "zh", "en", "pass", NULL };
	q_subject *s = slot;
	int rc;
	if ((rc = kc_yaml_map_check(map, keys)) || (rc = load_name(&s->n, map)))
		return rc;
	return get_number(&s->pass, map, "pass", KC_YAML_REQUIRED);
}

/* Keys of earlier versions whose rules are not the standard's. They are refused with the
 * reason rather than ignored: a file that still asks for them expects passes the
 * assessment no longer grants, and its owner should learn that when it is loaded, not
 * from changed results. */
static int refuse_removed(const kc_yaml_node *map, const char *key, const char *why)
{
	const kc_yaml_node *k = kc_yaml_map_key(map, key);
	return k ? kc_yaml_error(k, "key '%s' is no longer supported: %s", key, why) : KISCRM_OK;
}

static int load_exp_item(void *slot, const kc_yaml_node *map)
{
	static const char *const keys[] = { "key", "zh", "en", "years", "count", "main", NULL };
	q_exp *e = slot;
	int rc;
	e->years = -1;
	if ((rc = refuse_removed(map, "substitutes",
				 "other experience is for reference only (其他经验作为参考) and never replaces "
				 "the main item; a main item short of its bound is left to the assessor")) ||
	    (rc = kc_yaml_map_check(map, keys)) || (rc = load_name(&e->n, map)) ||
	    (rc = get_number(&e->years, map, "years", KC_YAML_OPTIONAL)) ||
	    (rc = kc_yaml_get_int(&e->count, map, "count", KC_YAML_OPTIONAL, 1, 1000)) ||
	    (rc = kc_yaml_get_bool(&e->main, map, "main", KC_YAML_OPTIONAL)))
		return rc;
	if ((e->years >= 0) == (e->count > 0)) {
		const kc_yaml_node *at = kc_yaml_map_key(map, "count");
		return kc_yaml_error(at ? at : map, "experience item '%s' needs exactly one of 'years' and 'count'",
				     e->n.key);
	}
	/* The main item's bound is a time (本公司营销经验原则上不能少于上述时间的下限). */
	if (e->main && e->count)
		return kc_yaml_error(kc_yaml_map_get(map, "main"),
				     "the main experience item needs 'years', not 'count'");
	return KISCRM_OK;
}

static int load_training(void *slot, const kc_yaml_node *map)
{
	static const char *const keys[] = { "key", "zh", "en", NULL };
	int rc = kc_yaml_map_check(map, keys);
	return rc ? rc : load_name(slot, map);
}

static int edu_index(const kiscrm_qual_standards *q, const char *e)
{
	for (size_t i = 0; e && i < q->nedu; i++)
		if (strcmp(q->edu[i], e) == 0)
			return (int)i;
	return -1;
}

static int load_experience(q_std *s, const kc_yaml_node *map)
{
	static const char *const keys[] = { "items", "method_text", NULL };
	const kc_yaml_node *items;
	const char *mt;
	int rc;
	if (!map)
		return KISCRM_OK;
	if ((rc = refuse_removed(map, "tolerance",
				 "the standard sets no tolerance: a main experience item slightly below its "
				 "bound (稍低于下限) is reported as 'assessor decides' (评审人决定), see "
				 "kiscrm/qualification.h")) ||
	    (rc = kc_yaml_map_check(map, keys)) ||
	    (rc = kc_yaml_get_text(&mt, map, "method_text", KC_YAML_OPTIONAL)) ||
	    (rc = kc_yaml_get_seq(&items, map, "items", KC_YAML_REQUIRED)) ||
	    (rc = load_list((void **)&s->exp, &s->nexp, sizeof(q_exp), items, load_exp_item, offsetof(q_exp, n))))
		return rc;
	int mains = 0;
	for (size_t i = 0; i < s->nexp; i++) {
		if (s->exp[i].main && ++mains > 1)
			return kc_yaml_error(kc_yaml_map_get(items->items[i], "main"),
					     "only one experience item can be the main one");
	}
	return KISCRM_OK;
}

static int load_requirements(const kiscrm_qual_standards *q, q_std *s, const kc_yaml_node *map)
{
	static const char *const keys[] = { "education", "sales_years", "industry_years", "management_years",
					    "training", NULL };
	const kc_yaml_node *edu, *tr;
	int rc;
	if (!map)
		return KISCRM_OK;
	if ((rc = kc_yaml_map_check(map, keys)) || (rc = kc_yaml_get_node(&edu, map, "education", KC_YAML_OPTIONAL)) ||
	    (rc = get_number(&s->sales_years, map, "sales_years", KC_YAML_OPTIONAL)) ||
	    (rc = get_number(&s->industry_years, map, "industry_years", KC_YAML_OPTIONAL)) ||
	    (rc = get_number(&s->management_years, map, "management_years", KC_YAML_OPTIONAL)) ||
	    (rc = kc_yaml_get_seq(&tr, map, "training", KC_YAML_OPTIONAL)) ||
	    (rc = load_list((void **)&s->training, &s->ntraining, sizeof(q_name), tr, load_training, 0)))
		return rc;
	if (edu) {
		const char *e;
		if ((rc = kc_yaml_ident(&e, edu)))
			return rc;
		if (edu_index(q, e) < 0)
			return kc_yaml_error(edu, "education '%s' is not in the education ladder (key 'education' at the top)",
					     e);
		if ((rc = kc_strdup_to(&s->education, e)))
			return rc;
	}
	return KISCRM_OK;
}

static int load_std(const kiscrm_qual_standards *q, q_std *s, const kc_yaml_node *map)
{
	static const char *const keys[] = { "key", "zh", "en", "role", "level", "behaviour", "knowledge",
					    "knowledge_method", "experience", "requirements", NULL };
	const kc_yaml_node *beh, *kn, *exp, *req;
	const char *role = NULL, *km;
	int rc;
	s->sales_years = s->industry_years = s->management_years = -1;
	if ((rc = kc_yaml_map_check(map, keys)) || (rc = load_name(&s->n, map)) ||
	    (rc = kc_yaml_get_ident(&role, map, "role", KC_YAML_OPTIONAL)) || (rc = kc_strdup_to(&s->role, role)) ||
	    (rc = kc_yaml_get_int(&s->level, map, "level", KC_YAML_OPTIONAL, 0, 100)) ||
	    (rc = kc_yaml_get_text(&km, map, "knowledge_method", KC_YAML_OPTIONAL)) ||
	    (rc = kc_yaml_get_seq(&beh, map, "behaviour", KC_YAML_OPTIONAL)) ||
	    (rc = kc_yaml_get_seq(&kn, map, "knowledge", KC_YAML_OPTIONAL)) ||
	    (rc = kc_yaml_get_map(&exp, map, "experience", KC_YAML_OPTIONAL)) ||
	    (rc = kc_yaml_get_map(&req, map, "requirements", KC_YAML_OPTIONAL)))
		return rc;
	if ((rc = load_list((void **)&s->units, &s->nunits, sizeof(q_unit), beh, load_unit, offsetof(q_unit, n))) ||
	    (rc = load_list((void **)&s->subjects, &s->nsubjects, sizeof(q_subject), kn, load_subject,
			    offsetof(q_subject, n))) ||
	    (rc = load_experience(s, exp)) || (rc = load_requirements(q, s, req)))
		return rc;
	return KISCRM_OK;
}

static int load_doc(kiscrm_qual_standards **out, const kc_yaml_doc *doc)
{
	static const char *const keys[] = { "education", "standards", NULL };
	const kc_yaml_node *root = doc->root, *edu, *stds;
	kiscrm_qual_standards *q = calloc(1, sizeof(*q));
	int rc;
	if (!q)
		return kc_error_oom();
	if ((rc = kc_yaml_map_check(root, keys)) || (rc = kc_yaml_get_seq(&edu, root, "education", KC_YAML_REQUIRED)) ||
	    (rc = load_idents(&q->edu, &q->nedu, edu)) ||
	    (rc = kc_yaml_get_seq(&stds, root, "standards", KC_YAML_REQUIRED)))
		goto fail;
	if (!stds->count) {
		rc = kc_yaml_error(stds, "standards must list at least one standard");
		goto fail;
	}
	if (!(q->std = calloc(stds->count, sizeof(q_std)))) {
		rc = kc_error_oom();
		goto fail;
	}
	for (size_t i = 0; i < stds->count; i++) {
		q->n++;
		if ((rc = load_std(q, &q->std[i], stds->items[i])))
			goto fail;
		for (size_t j = 0; j < i; j++)
			if (strcmp(q->std[j].n.key, q->std[i].n.key) == 0) {
				rc = kc_yaml_error(kc_yaml_map_get(stds->items[i], "key"), "duplicate standard '%s'",
						   q->std[i].n.key);
				goto fail;
			}
	}
	*out = q;
	return KISCRM_OK;
fail:
	kiscrm_qual_standards_free(q);
	return rc;
}

static int load_from_doc(kiscrm_qual_standards **out, kc_yaml_doc *doc)
{
	int rc = load_doc(out, doc);
	kc_yaml_doc_free(doc);
	return rc;
}

int kiscrm_qual_standard_load(kiscrm_qual_standards **out, const char *path)
{
	kc_yaml_doc *doc = NULL;
	if (!out || !path)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_qual_standard_load: NULL argument");
	*out = NULL;
	FILE *f = fopen(path, "rb");
	if (!f)
		return kc_error_set_at(KISCRM_ECONFIG, path, 0, 0, NULL, path, "cannot open qualification standards '%s'",
				       path);
	kiscrm_buf b = KISCRM_BUF_INIT;
	char chunk[4096];
	size_t got;
	int rc = 0;
	while (rc == 0 && (got = fread(chunk, 1, sizeof(chunk), f)) > 0)
		rc = kc_buf_put(&b, chunk, got);
	int bad = ferror(f);
	fclose(f);
	if (rc == 0 && bad)
		rc = kc_error_set_at(KISCRM_ECONFIG, path, 0, 0, NULL, path, "cannot read '%s'", path);
	if (rc == 0)
		rc = kc_yaml_parse(&doc, path, b.ptr ? b.ptr : "", b.size);
	kiscrm_buf_dispose(&b);
	return rc ? rc : load_from_doc(out, doc);
}

int kiscrm_qual_standard_load_dir(kiscrm_qual_standards **out, const char *dir)
{
	kc_yaml_doc *doc = NULL;
	int rc;
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_qual_standard_load_dir: NULL argument");
	*out = NULL;
	if (dir && (rc = kc_config_check_dir(dir)))
		return rc;
	if ((rc = kc_config_load_file_or_default(dir, "qualification.yaml", &doc)))
		return rc;
	return load_from_doc(out, doc);
}

size_t kiscrm_qual_standard_count(const kiscrm_qual_standards *std)
{
	return std ? std->n : 0;
}

const char *kiscrm_qual_standard_key(const kiscrm_qual_standards *std, size_t i)
{
	return std && i < std->n ? std->std[i].n.key : NULL;
}

/* ------------------------------------------------------------------------------------ */
/* The person's records                                                                  */

typedef struct facts {
	const q_std *s;
	kiscrm_date as_of;
	unsigned char *item_ok; /* per unit × item, flattened */
	size_t *item_base;      /* first index of each unit */
	double *best_exam;      /* per subject, -1: none */
	double *exp_years;      /* per experience item: years of its records added up */
	size_t *exp_count;      /* per experience item: number of its records */
	unsigned char *trained; /* per training subject */
} facts;

static int counts(const kiscrm_value *date, kiscrm_date as_of)
{
	return date->type != KISCRM_TYPE_DATE || date->u.i <= as_of;
}

static const char *text_of(const kiscrm_value *v)
{
	return v->type == KISCRM_TYPE_TEXT ? v->u.s : NULL;
}

static int unit_accepts(const q_unit *u, const char *method)
{
	if (!method || !u->methods)
		return 1;
	for (size_t i = 0; i < u->nmethods; i++)
		if (strcmp(u->methods[i], method) == 0)
			return 1;
	return 0;
}

static int evidence_cb(void *payload, const kiscrm_value *row)
{
	facts *f = payload;
	const char *std = text_of(&row[KC_FI(KISCRM_EVIDENCE_STANDARD)]);
	const char *unit = text_of(&row[KC_FI(KISCRM_EVIDENCE_UNIT)]), *item = text_of(&row[KC_FI(KISCRM_EVIDENCE_ITEM)]);
	if ((std && strcmp(std, f->s->n.key) != 0) || !counts(&row[KC_FI(KISCRM_EVIDENCE_DATE)], f->as_of) || !unit || !item)
		return 0;
	for (size_t u = 0; u < f->s->nunits; u++) {
		const q_unit *qu = &f->s->units[u];
		if (strcmp(qu->n.key, unit) != 0 || !unit_accepts(qu, text_of(&row[KC_FI(KISCRM_EVIDENCE_METHOD)])))
			continue;
		for (size_t i = 0; i < qu->nitems; i++)
			if (strcmp(qu->items[i].n.key, item) == 0)
				f->item_ok[f->item_base[u] + i] = 1;
	}
	return 0;
}

static int exam_cb(void *payload, const kiscrm_value *row)
{
	facts *f = payload;
	const char *subj = text_of(&row[KC_FI(KISCRM_EXAM_RESULT_SUBJECT)]);
	if (!subj || !counts(&row[KC_FI(KISCRM_EXAM_RESULT_DATE)], f->as_of) || row[KC_FI(KISCRM_EXAM_RESULT_SCORE)].type != KISCRM_TYPE_RATE)
		return 0;
	for (size_t i = 0; i < f->s->nsubjects; i++)
		if (strcmp(f->s->subjects[i].n.key, subj) == 0 && row[KC_FI(KISCRM_EXAM_RESULT_SCORE)].u.r > f->best_exam[i])
			f->best_exam[i] = row[KC_FI(KISCRM_EXAM_RESULT_SCORE)].u.r;
	return 0;
}

static int experience_cb(void *payload, const kiscrm_value *row)
{
	facts *f = payload;
	const char *kind = text_of(&row[KC_FI(KISCRM_EXPERIENCE_KIND)]);
	if (!kind || row[KC_FI(KISCRM_EXPERIENCE_YEARS)].type != KISCRM_TYPE_RATE)
		return 0;
	for (size_t i = 0; i < f->s->nexp; i++)
		if (strcmp(f->s->exp[i].n.key, kind) == 0) {
			f->exp_years[i] += row[KC_FI(KISCRM_EXPERIENCE_YEARS)].u.r;
			f->exp_count[i]++;
		}
	return 0;
}

static int training_cb(void *payload, const kiscrm_value *row)
{
	facts *f = payload;
	const char *subj = text_of(&row[KC_FI(KISCRM_TRAINING_SUBJECT)]);
	if (!subj || !counts(&row[KC_FI(KISCRM_TRAINING_DATE)], f->as_of))
		return 0;
	for (size_t i = 0; i < f->s->ntraining; i++)
		if (strcmp(f->s->training[i].key, subj) == 0)
			f->trained[i] = 1;
	return 0;
}

static int scan_person(kiscrm_db *db, int kind, int staff_field, kiscrm_id staff, kiscrm_row_cb cb, facts *f)
{
	kiscrm_cond c = { staff_field, KISCRM_OP_EQ, { KISCRM_TYPE_INT, { 0 } } };
	c.value.u.i = staff;
	kiscrm_query q = { 1, &c, 0 };
	return kc_db_scan(db, kc_db_def(db, kind), &q, cb, f);
}

static void facts_free(facts *f)
{
	free(f->item_ok);
	free(f->item_base);
	free(f->best_exam);
	free(f->exp_years);
	free(f->exp_count);
	free(f->trained);
}

static int load_facts(facts *f, kiscrm_db *db, const q_std *s, kiscrm_id staff, kiscrm_date as_of)
{
	size_t nitems = 0;
	memset(f, 0, sizeof(*f));
	f->s = s;
	f->as_of = as_of;
	for (size_t u = 0; u < s->nunits; u++)
		nitems += s->units[u].nitems;
	f->item_ok = calloc(nitems + 1, 1);
	f->item_base = calloc(s->nunits + 1, sizeof(size_t));
	f->best_exam = calloc(s->nsubjects + 1, sizeof(double));
	f->exp_years = calloc(s->nexp + 1, sizeof(double));
	f->exp_count = calloc(s->nexp + 1, sizeof(size_t));
	f->trained = calloc(s->ntraining + 1, 1);
	if (!f->item_ok || !f->item_base || !f->best_exam || !f->exp_years || !f->exp_count || !f->trained)
		return kc_error_oom();
	for (size_t u = 0, base = 0; u < s->nunits; u++) {
		f->item_base[u] = base;
		base += s->units[u].nitems;
	}
	for (size_t i = 0; i < s->nsubjects; i++)
		f->best_exam[i] = -1;
	int rc;
	if ((rc = scan_person(db, KISCRM_KIND_EVIDENCE, KISCRM_EVIDENCE_STAFF_ID, staff, evidence_cb, f)) ||
	    (rc = scan_person(db, KISCRM_KIND_EXAM_RESULT, KISCRM_EXAM_RESULT_STAFF_ID, staff, exam_cb, f)) ||
	    (rc = scan_person(db, KISCRM_KIND_EXPERIENCE, KISCRM_EXPERIENCE_STAFF_ID, staff, experience_cb, f)) ||
	    (rc = scan_person(db, KISCRM_KIND_TRAINING, KISCRM_TRAINING_STAFF_ID, staff, training_cb, f)))
		return rc;
	return KISCRM_OK;
}

/* ------------------------------------------------------------------------------------ */
/* Assessment rows                                                                       */

typedef struct out_row {
	const char *part, *key, *name;
	kiscrm_buf required, actual, reasons;
	kiscrm_qual_outcome outcome;
} out_row;

typedef struct assess {
	kiscrm_table *t;
	int zh;
	kiscrm_buf failed;   /* keys of failed rows, for the overall row */
	kiscrm_buf assessor; /* keys of rows left to the assessor, for the overall row */
} assess;

static const char *nm(const assess *a, const q_name *n)
{
	return a->zh ? n->zh : n->en;
}

static void row_init(out_row *r, const char *part, const char *key, const char *name)
{
	memset(r, 0, sizeof(*r));
	r->part = part;
	r->key = key;
	r->name = name;
	r->outcome = KISCRM_QUAL_PASS;
}

/* Appends "; " between reasons. */
static int reason(out_row *r, const char *fmt, const char *a, const char *b)
{
	int rc = r->reasons.size ? kc_buf_puts(&r->reasons, "; ") : 0;
	return rc ? rc : kc_buf_printf(&r->reasons, fmt, a ? a : "", b ? b : "");
}

static int row_emit(assess *a, out_row *r, kiscrm_row_kind kind)
{
	int row = kiscrm_table_add_row(a->t, kind), rc;
	if (row < 0) {
		rc = row;
		goto done;
	}
	size_t i = (size_t)row;
	if ((rc = kiscrm_table_set_text(a->t, i, 0, r->part)) || (rc = kiscrm_table_set_text(a->t, i, 1, r->key)) ||
	    (rc = kiscrm_table_set_text(a->t, i, 2, r->name)) ||
	    (rc = kiscrm_table_set_text(a->t, i, 3, r->required.ptr)) ||
	    (rc = kiscrm_table_set_text(a->t, i, 4, r->actual.ptr)) ||
	    (rc = kiscrm_table_set_int(a->t, i, 5, r->outcome == KISCRM_QUAL_PASS)) ||
	    (rc = kiscrm_table_set_text(a->t, i, 6, r->reasons.size ? r->reasons.ptr : NULL)) ||
	    (rc = kiscrm_table_set_int(a->t, i, 7, r->outcome)))
		goto done;
	if (kind == KISCRM_ROW_DETAIL && r->outcome != KISCRM_QUAL_PASS) {
		kiscrm_buf *b = r->outcome == KISCRM_QUAL_FAIL ? &a->failed : &a->assessor;
		rc = kc_buf_printf(b, "%s%s", b->size ? "," : "", r->key);
	}
done:
	kiscrm_buf_dispose(&r->required);
	kiscrm_buf_dispose(&r->actual);
	kiscrm_buf_dispose(&r->reasons);
	return rc;
}

static int unit_rows(assess *a, const facts *f)
{
	const q_std *s = f->s;
	int rc = 0;
	for (size_t u = 0; rc == 0 && u < s->nunits; u++) {
		const q_unit *qu = &s->units[u];
		out_row r;
		size_t ok = 0;
		row_init(&r, "behaviour", qu->n.key, nm(a, &qu->n));
		for (size_t i = 0; i < qu->nitems; i++)
			ok += f->item_ok[f->item_base[u] + i];
		rc = kc_buf_printf(&r.required, "%zu items", qu->nitems);
		if (rc == 0 && qu->method_text)
			rc = kc_buf_printf(&r.required, " (%s)", qu->method_text);
		if (rc == 0)
			rc = kc_buf_printf(&r.actual, "%zu of %zu items", ok, qu->nitems);
		for (size_t i = 0; rc == 0 && i < qu->nitems; i++) {
			if (f->item_ok[f->item_base[u] + i])
				continue;
			const q_item *it = &qu->items[i];
			r.outcome = KISCRM_QUAL_FAIL;
			rc = reason(&r, "no evidence for item %s (%s)", it->n.key, nm(a, &it->n));
			if (rc == 0 && (it->method || qu->method_text))
				rc = kc_buf_printf(&r.reasons, ", evidence method: %s",
						   it->method ? it->method : qu->method_text);
		}
		rc = rc ? rc : row_emit(a, &r, KISCRM_ROW_DETAIL);
		if (rc) {
			kiscrm_buf_dispose(&r.required);
			kiscrm_buf_dispose(&r.actual);
			kiscrm_buf_dispose(&r.reasons);
		}
	}
	return rc;
}

static int subject_rows(assess *a, const facts *f)
{
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < f->s->nsubjects; i++) {
		const q_subject *qs = &f->s->subjects[i];
		out_row r;
		char num[64];
		row_init(&r, "knowledge", qs->n.key, nm(a, &qs->n));
		rc = kc_buf_printf(&r.required, "%g", qs->pass);
		if (rc == 0 && f->best_exam[i] < 0) {
			r.outcome = KISCRM_QUAL_FAIL;
			rc = reason(&r, "no exam result for %s%s", qs->n.key, NULL);
		} else if (rc == 0) {
			rc = kc_buf_printf(&r.actual, "%g", f->best_exam[i]);
			if (rc == 0 && f->best_exam[i] < qs->pass - EPS) {
				r.outcome = KISCRM_QUAL_FAIL;
				snprintf(num, sizeof(num), "%g < pass mark %g", f->best_exam[i], qs->pass);
				rc = reason(&r, "exam %s: %s", qs->n.key, num);
			}
		}
		rc = rc ? rc : row_emit(a, &r, KISCRM_ROW_DETAIL);
	}
	return rc;
}

/* "key years, …" of the experience items measured in years (an item with a count has a row
 * of its own): @which 1 the main item, 0 the others, -1 every one; @years NULL: the bounds. */
static int exp_list(kiscrm_buf *b, const q_std *s, const double *years, int which)
{
	int rc = 0;
	size_t n = 0;
	for (size_t i = 0; rc == 0 && i < s->nexp; i++) {
		const q_exp *e = &s->exp[i];
		if (e->count || (which >= 0 && e->main != which))
			continue;
		rc = kc_buf_printf(b, "%s%s %g", n++ ? ", " : "", e->n.key, years ? years[i] : e->years);
	}
	return rc;
}

/* The experience rules of the standard (第三部分:经验, 认证方法 2 and 3):
 * - "以本公司市场部经验为主,其他经验作为参考,如果本公司市场部经验条件合格,其他二类经验没有或
 *   有欠缺,也可达标": the main item reaching its bound passes, whatever the other kinds;
 * - "本公司营销经验原则上不能少于上述时间的下限": below the bound is never a pass, and the
 *   other kinds, being for reference, never make it one;
 * - "如果稍低于下限,在其他二类经验超出要求的标准的条件下,考评员或者认证小组可以根据具体情况确定
 *   是否达标": such a case is not ours to decide, so it gets the outcome "assessor decides".
 *   How far below is "slightly" (稍低于) is part of that judgement — a number here would be
 *   the invented tolerance this replaces — so any main experience short of its bound counts
 *   as possibly slight, but none at all is not "slightly below" and fails. The condition we
 *   can check is "超出要求的标准": another kind strictly above its own bound (超出 exceeds;
 *   merely reaching it is 达到). One such kind is enough: "其他二类经验" is the reference
 *   pool, read as a whole as in rule 2 ("没有或有欠缺"), and the stricter reading (both
 *   kinds above) stays open to the assessor, who sees every reference kind in the reasons.
 *   Sending a case to the assessor grants nothing, while failing it would take away a
 *   decision the standard gives to the assessor.
 * Without a main item every item must reach its bound (no borderline: the rule above is
 * about the main item). */
static int experience_row(assess *a, const facts *f)
{
	const q_std *s = f->s;
	out_row r;
	char buf[160];
	int rc;
	size_t m = s->nexp, nyears = 0;
	for (size_t i = 0; i < s->nexp; i++) {
		nyears += !s->exp[i].count;
		if (s->exp[i].main)
			m = i;
	}
	if (!nyears)
		return KISCRM_OK;
	row_init(&r, "experience", "experience", a->zh ? "经验" : "Experience");
	if (m == s->nexp) {
		if ((rc = kc_buf_puts(&r.required, "all: ")) || (rc = exp_list(&r.required, s, NULL, -1)) ||
		    (rc = exp_list(&r.actual, s, f->exp_years, -1)))
			goto done;
		for (size_t i = 0; rc == 0 && i < s->nexp; i++) {
			if (s->exp[i].count || f->exp_years[i] >= s->exp[i].years - EPS)
				continue;
			r.outcome = KISCRM_QUAL_FAIL;
			snprintf(buf, sizeof(buf), "%g < %g", f->exp_years[i], s->exp[i].years);
			rc = reason(&r, "experience %s %s", s->exp[i].n.key, buf);
		}
		goto done;
	}
	if ((rc = kc_buf_puts(&r.required, "main: ")) || (rc = exp_list(&r.required, s, NULL, 1)) ||
	    (nyears > 1 && ((rc = kc_buf_puts(&r.required, "; for reference: ")) ||
			    (rc = exp_list(&r.required, s, NULL, 0)))) ||
	    (rc = exp_list(&r.actual, s, f->exp_years, -1)))
		goto done;
	const q_exp *me = &s->exp[m];
	double my = f->exp_years[m];
	if (my >= me->years - EPS)
		goto done; /* 条件合格: the other kinds do not matter */
	size_t above = 0, n = 0;
	rc = kc_buf_printf(&r.reasons, "main experience %s %g < %g", me->n.key, my, me->years);
	for (size_t i = 0; rc == 0 && i < s->nexp; i++) {
		const q_exp *e = &s->exp[i];
		if (i == m || e->count)
			continue;
		int over = f->exp_years[i] > e->years + EPS;
		above += (size_t)over;
		rc = kc_buf_printf(&r.reasons, "%s%s %g %s %g", n++ ? ", " : "; for reference: ", e->n.key,
				   f->exp_years[i], over ? ">" : "≤", e->years);
	}
	if (rc)
		goto done;
	if (my > EPS && above) {
		r.outcome = KISCRM_QUAL_ASSESSOR;
		rc = kc_buf_puts(&r.reasons, "; below the bound with other experience above its own: "
					     "the assessor or certification group decides (评审人决定)");
	} else {
		r.outcome = KISCRM_QUAL_FAIL;
		rc = kc_buf_puts(&r.reasons, my > EPS ? "; no other experience exceeds its bound"
						      : "; no main experience at all, which is not slightly below the bound");
	}
done:
	if (rc) {
		kiscrm_buf_dispose(&r.required);
		kiscrm_buf_dispose(&r.actual);
		kiscrm_buf_dispose(&r.reasons);
		return rc;
	}
	return row_emit(a, &r, KISCRM_ROW_DETAIL);
}

/* Experience items with a count (成功项目经验): requirements of their own, met by that many
 * records of the kind. They have no borderline: rule 3 of the standard is about the time
 * bound of the marketing experience (上述时间的下限), and the item has no time. */
static int count_rows(assess *a, const facts *f)
{
	const q_std *s = f->s;
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < s->nexp; i++) {
		const q_exp *e = &s->exp[i];
		out_row r;
		if (!e->count)
			continue;
		row_init(&r, "experience", e->n.key, nm(a, &e->n));
		if ((rc = kc_buf_printf(&r.required, "%lld", (long long)e->count)) == 0)
			rc = kc_buf_printf(&r.actual, "%zu", f->exp_count[i]);
		if (rc == 0 && f->exp_count[i] < (size_t)e->count) {
			r.outcome = KISCRM_QUAL_FAIL;
			rc = kc_buf_printf(&r.reasons, "experience %s: %zu < %lld records", e->n.key, f->exp_count[i],
					   (long long)e->count);
		}
		if (rc) {
			kiscrm_buf_dispose(&r.required);
			kiscrm_buf_dispose(&r.actual);
			kiscrm_buf_dispose(&r.reasons);
		} else {
			rc = row_emit(a, &r, KISCRM_ROW_DETAIL);
		}
	}
	return rc;
}

static int years_row(assess *a, const char *key, const char *zh, const char *en, double need,
		     const kiscrm_record *staff, int field)
{
	out_row r;
	int rc;
	if (need < 0)
		return KISCRM_OK;
	row_init(&r, "requirement", key, a->zh ? zh : en);
	rc = kc_buf_printf(&r.required, "%g", need);
	if (rc == 0 && kiscrm_record_is_null(staff, field)) {
		if (need > EPS) {
			r.outcome = KISCRM_QUAL_FAIL;
			rc = reason(&r, "%s not recorded%s", key, NULL);
		}
	} else if (rc == 0) {
		double have = kiscrm_record_rate(staff, field);
		rc = kc_buf_printf(&r.actual, "%g", have);
		if (rc == 0 && have < need - EPS) {
			char buf[64];
			r.outcome = KISCRM_QUAL_FAIL;
			snprintf(buf, sizeof(buf), "%g < %g", have, need);
			rc = reason(&r, "%s %s", key, buf);
		}
	}
	if (rc) {
		kiscrm_buf_dispose(&r.required);
		kiscrm_buf_dispose(&r.actual);
		kiscrm_buf_dispose(&r.reasons);
		return rc;
	}
	return row_emit(a, &r, KISCRM_ROW_DETAIL);
}

static int requirement_rows(assess *a, const kiscrm_qual_standards *q, const facts *f, const kiscrm_record *staff)
{
	const q_std *s = f->s;
	int rc = 0;
	if (s->education) {
		out_row r;
		const char *have = kiscrm_record_text(staff, KISCRM_STAFF_EDUCATION);
		row_init(&r, "requirement", "education", a->zh ? "学历" : "Education");
		rc = kc_buf_puts(&r.required, s->education);
		if (rc == 0 && have)
			rc = kc_buf_puts(&r.actual, have);
		if (rc == 0 && !have) {
			r.outcome = KISCRM_QUAL_FAIL;
			rc = reason(&r, "education not recorded%s%s", NULL, NULL);
		} else if (rc == 0 && edu_index(q, have) < 0) {
			r.outcome = KISCRM_QUAL_FAIL;
			rc = reason(&r, "education '%s' is not in the education ladder%s", have, NULL);
		} else if (rc == 0 && edu_index(q, have) < edu_index(q, s->education)) {
			r.outcome = KISCRM_QUAL_FAIL;
			rc = reason(&r, "education %s is below %s", have, s->education);
		}
		rc = rc ? rc : row_emit(a, &r, KISCRM_ROW_DETAIL);
	}
	if (rc || (rc = years_row(a, "sales_years", "销售工作年限", "Years in sales", s->sales_years, staff,
				  KISCRM_STAFF_SALES_YEARS)) ||
	    (rc = years_row(a, "industry_years", "行业经验年限", "Years in the industry", s->industry_years, staff,
			    KISCRM_STAFF_INDUSTRY_YEARS)) ||
	    (rc = years_row(a, "management_years", "管理经验年限", "Years of management", s->management_years, staff,
			    KISCRM_STAFF_MANAGEMENT_YEARS)))
		return rc;
	if (s->ntraining) {
		out_row r;
		size_t done = 0;
		row_init(&r, "requirement", "training", a->zh ? "培训科目" : "Training");
		for (size_t i = 0; rc == 0 && i < s->ntraining; i++) {
			rc = kc_buf_printf(&r.required, "%s%s", i ? ", " : "", s->training[i].key);
			if (rc == 0 && f->trained[i])
				rc = kc_buf_printf(&r.actual, "%s%s", done++ ? ", " : "", s->training[i].key);
		}
		for (size_t i = 0; rc == 0 && i < s->ntraining; i++) {
			if (f->trained[i])
				continue;
			r.outcome = KISCRM_QUAL_FAIL;
			rc = reason(&r, "missing training %s (%s)", s->training[i].key, nm(a, &s->training[i]));
		}
		rc = rc ? rc : row_emit(a, &r, KISCRM_ROW_DETAIL);
	}
	return rc;
}

int kiscrm_qualification_assess(kiscrm_table **out, kiscrm_db *db, const kiscrm_qual_standards *std,
				const char *standard, kiscrm_id staff_id, const kiscrm_report_options *opts)
{
	/* `outcome` comes last: columns are only appended, and `passed` keeps meaning "met". */
	static const char *const cols[] = { "part", "key", "name", "required", "actual", "passed", "reasons", "outcome" };
	kiscrm_record *staff = NULL;
	const q_std *s = NULL;
	facts f;
	assess a;
	int rc = kc_check_db(db);
	if (rc)
		return rc;
	if (!out || !std || !standard)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_qualification_assess: NULL argument");
	*out = NULL;
	kiscrm_report_options o;
	if ((rc = kc_options_copy(&o, opts, &kc_report_options_v)) != 0)
		return rc;
	kiscrm_date as_of = o.as_of;
	const char *lang = o.lang;
	for (size_t i = 0; i < std->n; i++)
		if (strcmp(std->std[i].n.key, standard) == 0)
			s = &std->std[i];
	if (!s)
		return kc_error_set_at(KISCRM_ENOTFOUND, NULL, 0, 0, "standard", standard,
				       "no qualification standard '%s'", standard);
	if ((rc = kiscrm_record_get(&staff, db, KISCRM_KIND_STAFF, staff_id)))
		return rc;
	if (as_of == KISCRM_DATE_NONE)
		as_of = db->today;
	if (as_of == KISCRM_DATE_NONE) {
		kiscrm_record_free(staff);
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "as_of", NULL,
				       "qualification assessment: as_of is required when the database "
				       "has no business date (the library keeps no clock; see "
				       "kiscrm_db_set_today)");
	}
	memset(&a, 0, sizeof(a));
	a.zh = lang && strcmp(lang, "zh") == 0;
	if ((rc = load_facts(&f, db, s, staff_id, as_of)) == 0 && (rc = kiscrm_table_new(&a.t, "qualification-assessment")) == 0) {
		kc_table_use_labels(a.t, kc_config_labels(db->config));
		for (size_t i = 0; rc == 0 && i < sizeof(cols) / sizeof(cols[0]); i++)
			rc = kiscrm_table_add_column(a.t, cols[i], i == 5 || i == 7 ? KISCRM_TYPE_INT : KISCRM_TYPE_TEXT);
		if (rc == 0 && (rc = unit_rows(&a, &f)) == 0 && (rc = subject_rows(&a, &f)) == 0 &&
		    (rc = experience_row(&a, &f)) == 0 && (rc = count_rows(&a, &f)) == 0 &&
		    (rc = requirement_rows(&a, std, &f, staff)) == 0) {
			/* A fail anywhere fails the whole; otherwise a row left to the assessor
			 * leaves the whole to the assessor too. */
			out_row r;
			row_init(&r, "overall", "overall", nm(&a, &s->n));
			r.outcome = a.failed.size ? KISCRM_QUAL_FAIL : a.assessor.size ? KISCRM_QUAL_ASSESSOR : KISCRM_QUAL_PASS;
			if ((rc = kc_buf_puts(&r.required, s->n.key)) == 0 && a.failed.size)
				rc = kc_buf_printf(&r.reasons, "failed: %s", a.failed.ptr);
			if (rc == 0 && a.assessor.size)
				rc = kc_buf_printf(&r.reasons, "%sassessor decides: %s", a.failed.size ? "; " : "",
						   a.assessor.ptr);
			if (rc) {
				kiscrm_buf_dispose(&r.required);
				kiscrm_buf_dispose(&r.reasons);
			} else {
				rc = row_emit(&a, &r, KISCRM_ROW_TOTAL);
			}
		}
	}
	facts_free(&f);
	kiscrm_buf_dispose(&a.failed);
	kiscrm_buf_dispose(&a.assessor);
	kiscrm_record_free(staff);
	if (rc) {
		kiscrm_table_free(a.t);
		return rc;
	}
	*out = a.t;
	return KISCRM_OK;
}

/* The standard for the person's role (the first one naming it), else the first: the
 * defaults hold one standard per role (the sales representative's and the sales
 * manager's), and a person must not be assessed against another role's job description.
 * A person who cannot be read falls back too, and kiscrm_qualification_assess() then
 * reports the error. */
static const char *standard_for(const kiscrm_qual_standards *q, kiscrm_db *db, kiscrm_id staff_id)
{
	kiscrm_record *staff = NULL;
	const char *key = kiscrm_qual_standard_key(q, 0);
	if (kiscrm_record_get(&staff, db, KISCRM_KIND_STAFF, staff_id) != KISCRM_OK)
		return key;
	const char *role = kiscrm_record_text(staff, KISCRM_STAFF_ROLE);
	for (size_t i = 0; role && i < q->n; i++)
		if (q->std[i].role && strcmp(q->std[i].role, role) == 0) {
			key = q->std[i].n.key;
			break;
		}
	kiscrm_record_free(staff);
	return key;
}

int kiscrm_report_qualification_assessment(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts)
{
	kiscrm_qual_standards *q = NULL;
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "output table pointer is NULL");
	*out = NULL;
	kiscrm_report_options o;
	int rc = kc_options_copy(&o, opts, &kc_report_options_v);
	if (rc)
		return rc;
	if (!o.owner_id)
		return kc_error_set(KISCRM_EINVALID, "report 'qualification-assessment' needs the person in owner_id");
	if ((rc = kc_check_db(db)))
		return rc;
	rc = kiscrm_qual_standard_load_dir(&q, NULL);
	if (rc == 0)
		rc = kiscrm_qualification_assess(out, db, q, standard_for(q, db, o.owner_id), o.owner_id, &o);
	kiscrm_qual_standards_free(q);
	return rc;
}
