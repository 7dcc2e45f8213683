/* Qualification standards (任职资格): loading the YAML and assessing a person against a
 * standard — behaviour units by evidence, knowledge by exams, experience with its
 * substitution and compensation rules, and the job-description requirements. Every fail
 * carries its reasons (see kiscrm/kpi.h). */
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

typedef struct q_exp {
	q_name n;
	double years;
	int main, substitutes;
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
	double tolerance;
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

static int load_exp_item(void *slot, const kc_yaml_node *map)
{
	static const char *const keys[] = { "key", "zh", "en", "years", "main", "substitutes", NULL };
	q_exp *e = slot;
	int rc;
	if ((rc = kc_yaml_map_check(map, keys)) || (rc = load_name(&e->n, map)) ||
	    (rc = get_number(&e->years, map, "years", KC_YAML_REQUIRED)) ||
	    (rc = kc_yaml_get_bool(&e->main, map, "main", KC_YAML_OPTIONAL)) ||
	    (rc = kc_yaml_get_bool(&e->substitutes, map, "substitutes", KC_YAML_OPTIONAL)))
		return rc;
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
	static const char *const keys[] = { "tolerance", "items", "method_text", NULL };
	const kc_yaml_node *items;
	const char *mt;
	int rc;
	if (!map)
		return KISCRM_OK;
	if ((rc = kc_yaml_map_check(map, keys)) || (rc = get_number(&s->tolerance, map, "tolerance", KC_YAML_OPTIONAL)) ||
	    (rc = kc_yaml_get_text(&mt, map, "method_text", KC_YAML_OPTIONAL)) ||
	    (rc = kc_yaml_get_seq(&items, map, "items", KC_YAML_REQUIRED)) ||
	    (rc = load_list((void **)&s->exp, &s->nexp, sizeof(q_exp), items, load_exp_item, offsetof(q_exp, n))))
		return rc;
	int mains = 0;
	for (size_t i = 0; i < s->nexp; i++) {
		if (s->exp[i].main && ++mains > 1)
			return kc_yaml_error(kc_yaml_map_get(items->items[i], "main"),
					     "only one experience item can be the main one");
		if (s->exp[i].main && s->exp[i].substitutes)
			return kc_yaml_error(kc_yaml_map_get(items->items[i], "substitutes"),
					     "the main experience item cannot substitute for itself");
	}
	if (!mains)
		for (size_t i = 0; i < s->nexp; i++)
			if (s->exp[i].substitutes)
				return kc_yaml_error(kc_yaml_map_get(items->items[i], "substitutes"),
						     "'substitutes' needs a main experience item to substitute for");
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
	double *exp_years;      /* per experience item */
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
		if (strcmp(f->s->exp[i].n.key, kind) == 0)
			f->exp_years[i] += row[KC_FI(KISCRM_EXPERIENCE_YEARS)].u.r;
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
	f->trained = calloc(s->ntraining + 1, 1);
	if (!f->item_ok || !f->item_base || !f->best_exam || !f->exp_years || !f->trained)
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
	int passed;
} out_row;

typedef struct assess {
	kiscrm_table *t;
	int zh;
	kiscrm_buf failed; /* keys of failed rows, for the overall row */
	int all_passed;
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
	r->passed = 1;
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
	    (rc = kiscrm_table_set_int(a->t, i, 5, r->passed)) ||
	    (rc = kiscrm_table_set_text(a->t, i, 6, r->reasons.size ? r->reasons.ptr : NULL)))
		goto done;
	if (!r->passed && kind == KISCRM_ROW_DETAIL) {
		a->all_passed = 0;
		rc = kc_buf_printf(&a->failed, "%s%s", a->failed.size ? "," : "", r->key);
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
			r.passed = 0;
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
			r.passed = 0;
			rc = reason(&r, "no exam result for %s%s", qs->n.key, NULL);
		} else if (rc == 0) {
			rc = kc_buf_printf(&r.actual, "%g", f->best_exam[i]);
			if (rc == 0 && f->best_exam[i] < qs->pass - EPS) {
				r.passed = 0;
				snprintf(num, sizeof(num), "%g < pass mark %g", f->best_exam[i], qs->pass);
				rc = reason(&r, "exam %s: %s", qs->n.key, num);
			}
		}
		rc = rc ? rc : row_emit(a, &r, KISCRM_ROW_DETAIL);
	}
	return rc;
}

static int exp_list(kiscrm_buf *b, const q_std *s, const double *years)
{
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < s->nexp; i++)
		rc = kc_buf_printf(b, "%s%s %g", i ? ", " : "", s->exp[i].n.key, years ? years[i] : s->exp[i].years);
	return rc;
}

/* The experience rules of kiscrm/kpi.h: the main item, else a substitute reaching its own
 * bar, else a main item short within the tolerance compensated by another item exceeding
 * its bar by at least the shortfall; without a main item every item must reach its bar. */
static int experience_row(assess *a, const facts *f)
{
	const q_std *s = f->s;
	out_row r;
	char buf[160];
	int rc;
	if (!s->nexp)
		return KISCRM_OK;
	row_init(&r, "experience", "experience", a->zh ? "经验" : "Experience");
	size_t m = s->nexp;
	for (size_t i = 0; i < s->nexp; i++)
		if (s->exp[i].main)
			m = i;
	if ((rc = kc_buf_puts(&r.required, m < s->nexp ? "main: " : "all: ")) || (rc = exp_list(&r.required, s, NULL)) ||
	    (rc = exp_list(&r.actual, s, f->exp_years)))
		goto done;
	if (m == s->nexp) {
		for (size_t i = 0; rc == 0 && i < s->nexp; i++) {
			if (f->exp_years[i] >= s->exp[i].years - EPS)
				continue;
			r.passed = 0;
			snprintf(buf, sizeof(buf), "%g < %g", f->exp_years[i], s->exp[i].years);
			rc = reason(&r, "experience %s %s", s->exp[i].n.key, buf);
		}
		goto done;
	}
	const q_exp *me = &s->exp[m];
	double my = f->exp_years[m], short_by = me->years - my;
	if (short_by <= EPS)
		goto done;
	for (size_t i = 0; i < s->nexp; i++) {
		if (i == m || !s->exp[i].substitutes || f->exp_years[i] < s->exp[i].years - EPS)
			continue;
		snprintf(buf, sizeof(buf), "%g ≥ %g", f->exp_years[i], s->exp[i].years);
		rc = reason(&r, "substituted by %s %s", s->exp[i].n.key, buf);
		goto done;
	}
	if (short_by <= s->tolerance + EPS) {
		for (size_t i = 0; i < s->nexp; i++) {
			if (i == m || f->exp_years[i] < s->exp[i].years + short_by - EPS)
				continue;
			snprintf(buf, sizeof(buf), "%g ≥ %g + %g", f->exp_years[i], s->exp[i].years, short_by);
			rc = kc_buf_printf(&r.reasons, "%s %g < %g within tolerance %g, compensated by %s %s",
					   me->n.key, my, me->years, s->tolerance, s->exp[i].n.key, buf);
			goto done;
		}
	}
	r.passed = 0;
	rc = kc_buf_printf(&r.reasons, "main experience %s %g < %g", me->n.key, my, me->years);
	for (size_t i = 0; rc == 0 && i < s->nexp; i++) {
		if (i == m)
			continue;
		if (s->exp[i].substitutes)
			rc = kc_buf_printf(&r.reasons, "; substitute %s %g < %g", s->exp[i].n.key, f->exp_years[i],
					   s->exp[i].years);
	}
	if (rc == 0 && short_by <= s->tolerance + EPS)
		rc = kc_buf_printf(&r.reasons, "; shortfall %g within tolerance %g but no other experience exceeds its bar by %g",
				   short_by, s->tolerance, short_by);
	else if (rc == 0 && s->tolerance > 0)
		rc = kc_buf_printf(&r.reasons, "; shortfall %g exceeds the tolerance %g", short_by, s->tolerance);
done:
	if (rc) {
		kiscrm_buf_dispose(&r.required);
		kiscrm_buf_dispose(&r.actual);
		kiscrm_buf_dispose(&r.reasons);
		return rc;
	}
	return row_emit(a, &r, KISCRM_ROW_DETAIL);
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
		r.passed = need <= EPS;
		if (!r.passed)
			rc = reason(&r, "%s not recorded%s", key, NULL);
	} else if (rc == 0) {
		double have = kiscrm_record_rate(staff, field);
		rc = kc_buf_printf(&r.actual, "%g", have);
		if (rc == 0 && have < need - EPS) {
			char buf[64];
			r.passed = 0;
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
			r.passed = 0;
			rc = reason(&r, "education not recorded%s%s", NULL, NULL);
		} else if (rc == 0 && edu_index(q, have) < 0) {
			r.passed = 0;
			rc = reason(&r, "education '%s' is not in the education ladder%s", have, NULL);
		} else if (rc == 0 && edu_index(q, have) < edu_index(q, s->education)) {
			r.passed = 0;
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
			r.passed = 0;
			rc = reason(&r, "missing training %s (%s)", s->training[i].key, nm(a, &s->training[i]));
		}
		rc = rc ? rc : row_emit(a, &r, KISCRM_ROW_DETAIL);
	}
	return rc;
}

int kiscrm_qualification_assess(kiscrm_table **out, kiscrm_db *db, const kiscrm_qual_standards *std,
				const char *standard, kiscrm_id staff_id, const kiscrm_report_options *opts)
{
	static const char *const cols[] = { "part", "key", "name", "required", "actual", "passed", "reasons" };
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
	a.all_passed = 1;
	if ((rc = load_facts(&f, db, s, staff_id, as_of)) == 0 && (rc = kiscrm_table_new(&a.t, "qualification-assessment")) == 0) {
		kc_table_use_labels(a.t, kc_config_labels(db->config));
		for (size_t i = 0; rc == 0 && i < sizeof(cols) / sizeof(cols[0]); i++)
			rc = kiscrm_table_add_column(a.t, cols[i], i == 5 ? KISCRM_TYPE_INT : KISCRM_TYPE_TEXT);
		if (rc == 0 && (rc = unit_rows(&a, &f)) == 0 && (rc = subject_rows(&a, &f)) == 0 &&
		    (rc = experience_row(&a, &f)) == 0 && (rc = requirement_rows(&a, std, &f, staff)) == 0) {
			out_row r;
			row_init(&r, "overall", "overall", nm(&a, &s->n));
			r.passed = a.all_passed;
			if ((rc = kc_buf_puts(&r.required, s->n.key)) == 0 && a.failed.size)
				rc = kc_buf_printf(&r.reasons, "failed: %s", a.failed.ptr);
			rc = rc ? rc : row_emit(&a, &r, KISCRM_ROW_TOTAL);
		}
	}
	facts_free(&f);
	kiscrm_buf_dispose(&a.failed);
	kiscrm_record_free(staff);
	if (rc) {
		kiscrm_table_free(a.t);
		return rc;
	}
	*out = a.t;
	return KISCRM_OK;
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
	rc = kiscrm_qual_standard_load_dir(&q, NULL);
	if (rc == 0)
		rc = kiscrm_qualification_assess(out, db, q, kiscrm_qual_standard_key(q, 0), o.owner_id, &o);
	kiscrm_qual_standards_free(q);
	return rc;
}
