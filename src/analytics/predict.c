/* Predictive probability: naive Bayes over closed history, after Odoo's predictive lead
 * scoring (addons/crm, _pls_* methods). See kiscrm/predict.h for the rules.
 *
 * A model is rebuilt per call and per pipeline in two scans: the stage history (moves into
 * a lost stage tell where each lost opportunity was lost) and the opportunities (closed
 * ones are counted). Counting keeps, per department, the number of won opportunities and
 * the number lost at each stage, plus one hash row per (field, value); stage rows are
 * materialised at the end, which gives the same smoothed counts as Odoo's row-by-row
 * increments without touching every stage for every won opportunity. */
#include "core/sort.h"
#include "core/field.h"
#include "pipeline/kinds.h"
#include "kiscrm/predict.h"
#include "kiscrm/customer.h"
#include "kiscrm/pipeline.h"
#include "kiscrm/record.h"
#include "kiscrm/table.h"
#include "analytics/report.h"
#include "config/pipeline_config.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/str.h"
#include "core/vec.h"
#include "core/options.h"
#include "core/map.h"
#include "storage/db.h"
#include "storage/record.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FIELDS 16
#define NSLOTS (MAX_FIELDS + 1) /* slot 0 is the stage */
#define DEFAULT_SMOOTHING 0.1
#define DEFAULT_TAG_MIN 50

enum pls_field {
	PF_STAGE = 0,
	PF_REGION,
	PF_INDUSTRY,
	PF_SOURCE,
	PF_PRODUCT_LINE,
	PF_BUSINESS_LINE,
	PF_SIZE_CLASS,
	PF_TAGS
};

static const char *const field_names[] = {
	"stage", "region", "industry", "source", "product_line", "business_line", "size_class", "tags",
};
#define NFIELD_NAMES ((int)(sizeof(field_names) / sizeof(field_names[0])))

/* Fields of an opportunity a prediction reads. */
#define OPP_COLUMNS (KC_BIT(KISCRM_OPPORTUNITY_CUSTOMER_ID) | KC_BIT(KISCRM_OPPORTUNITY_DEPARTMENT_ID) | \
	KC_BIT(KISCRM_OPPORTUNITY_BUSINESS_LINE) | KC_BIT(KISCRM_OPPORTUNITY_PRODUCT_LINE) | \
	KC_BIT(KISCRM_OPPORTUNITY_PIPELINE) | KC_BIT(KISCRM_OPPORTUNITY_STAGE) | \
	KC_BIT(KISCRM_OPPORTUNITY_SOURCE) | KC_BIT(KISCRM_OPPORTUNITY_SIZE_CLASS) | \
	KC_BIT(KISCRM_OPPORTUNITY_STATUS) | KC_BIT(KISCRM_OPPORTUNITY_CREATED) | \
	KC_BIT(KISCRM_OPPORTUNITY_TAGS))

typedef struct pls_row {
	double won, lost;
	int slot;
	int hidden; /* a tag row under the minimum: invisible, as in Odoo */
} pls_row;

typedef struct pls_model {
	kc_strmap index; /* slot letter + value → row */
	pls_row *rows;
	size_t nrows, cap;
	int64_t won;      /* won opportunities */
	int64_t *lost_at; /* per stage: opportunities lost at it */
	double wtot[NSLOTS], ltot[NSLOTS];
	int has_rows;
} pls_model;

typedef struct lost_move {
	kiscrm_time at;
	int stage; /* stage left, -1 when unknown */
} lost_move;

typedef struct pls {
	kiscrm_db *db;
	kc_report *rep;          /* customer and name lookups */
	const kc_pipeline *pl;
	int pipeline;            /* index of pl */
	/* options */
	kiscrm_date start;
	int all_history;
	int fields[MAX_FIELDS];
	size_t nfields;
	double smoothing;
	int by_department;
	double tag_min;
	/* models: [0] all departments summed, [1] no department, then one per department */
	pls_model *models;
	size_t nmodels, cap_models;
	kc_idmap dept_model;
	kc_idmap lost_index;     /* opportunity id → moves[] */
	lost_move *moves;
	size_t nmoves, cap_moves;
	kiscrm_buf key;          /* scratch for row keys */
} pls;

enum { MODEL_ALL = 0, MODEL_NONE = 1 };

/* ---- options ---------------------------------------------------------------------- */

int kiscrm_predict_options_init(kiscrm_predict_options *opts, unsigned int version)
{
	return kc_options_init(opts, version, &kc_predict_options_v);
}

static int parse_fields(pls *p, const char *const *names, size_t n)
{
	p->nfields = 0;
	if (n > MAX_FIELDS)
		return kc_error_set(KISCRM_EINVALID, "too many scoring fields (%zu, at most %d)", n, MAX_FIELDS);
	for (size_t i = 0; i < n; i++) {
		const char *name = names[i];
		int id = -1;
		for (int f = 0; name && f < NFIELD_NAMES; f++)
			if (strcmp(field_names[f], name) == 0)
				id = f;
		if (id < 0)
			return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "predict_fields", name,
					       "unknown scoring field '%s' (region, industry, source, product_line, "
					       "business_line, size_class, tags)", name ? name : "(null)");
		if (id == PF_STAGE)
			continue; /* always scored first */
		p->fields[p->nfields++] = id;
	}
	return KISCRM_OK;
}

static int resolve_options(pls *p, const kiscrm_predict_options *opts)
{
	kiscrm_predict_options o;
	int rc = kc_options_copy(&o, opts, &kc_predict_options_v);
	if (rc)
		return rc;
	const kc_analysis *a = kc_config_analysis(p->db->config);
	if (o.smoothing < 0 || !isfinite(o.smoothing))
		return kc_error_set(KISCRM_EINVALID, "smoothing must be a positive number, not %g", o.smoothing);
	if (o.tag_min_count < 0)
		return kc_error_set(KISCRM_EINVALID, "tag minimum count must not be negative, not %d", o.tag_min_count);
	if (o.by_department != 0 && o.by_department != 1)
		return kc_error_set(KISCRM_EINVALID, "by_department must be 0 or 1, not %d", o.by_department);
	if (!o.fields && o.nfields)
		return kc_error_set(KISCRM_EINVALID, "%zu scoring fields announced but the list is NULL", o.nfields);
	p->smoothing = o.smoothing > 0 ? o.smoothing : DEFAULT_SMOOTHING;
	p->tag_min = o.tag_min_count ? o.tag_min_count : DEFAULT_TAG_MIN;
	p->by_department = o.by_department;
	if (o.start == KISCRM_PREDICT_ALL_HISTORY) {
		p->all_history = 1;
	} else {
		p->start = o.start != KISCRM_DATE_NONE ? o.start : (a ? a->predict_start : KISCRM_DATE_NONE);
		p->all_history = p->start == KISCRM_DATE_NONE;
	}
	if (o.fields)
		return parse_fields(p, o.fields, o.nfields);
	if (a && a->npredict_fields)
		return parse_fields(p, (const char *const *)a->predict_fields, a->npredict_fields);
	return KISCRM_OK;
}

/* ---- models ----------------------------------------------------------------------- */

static void model_dispose(pls_model *m)
{
	kc_strmap_dispose(&m->index);
	free(m->rows);
	free(m->lost_at);
	memset(m, 0, sizeof(*m));
}

static int add_model(pls *p, size_t *index)
{
	if (KC_VEC_GROW(p->models, p->nmodels, p->cap_models, 8))
		return KISCRM_ENOMEM;
	pls_model *m = &p->models[p->nmodels];
	memset(m, 0, sizeof(*m));
	if (!(m->lost_at = calloc(p->pl->nstages ? p->pl->nstages : 1, sizeof(int64_t))))
		return kc_error_oom();
	*index = p->nmodels++;
	return KISCRM_OK;
}

static void pls_dispose(pls *p)
{
	for (size_t i = 0; i < p->nmodels; i++)
		model_dispose(&p->models[i]);
	free(p->models);
	kc_idmap_dispose(&p->dept_model);
	kc_idmap_dispose(&p->lost_index);
	free(p->moves);
	kiscrm_buf_dispose(&p->key);
	memset(p, 0, sizeof(*p));
}

/* Key of a row: a letter for the slot, then the value. */
static int make_key(pls *p, int slot, const char *v, size_t n)
{
	char c = (char)('a' + slot);
	p->key.size = 0;
	int rc = kc_buf_put(&p->key, &c, 1);
	return rc ? rc : kc_buf_put(&p->key, v, n);
}

/* Row of the current key; created with counts `init` when absent and create is set.
 * *out is NULL when absent and not created. */
static int model_row(pls_model *m, const char *key, int slot, int create, double init, pls_row **out)
{
	size_t i;
	*out = NULL;
	if (kc_strmap_get(&m->index, key, &i)) {
		*out = &m->rows[i];
		return KISCRM_OK;
	}
	if (!create)
		return KISCRM_OK;
	if (KC_VEC_GROW(m->rows, m->nrows, m->cap, 32))
		return KISCRM_ENOMEM;
	int rc = kc_strmap_put(&m->index, key, m->nrows);
	if (rc)
		return rc;
	pls_row *r = &m->rows[m->nrows++];
	r->won = r->lost = init;
	r->slot = slot;
	r->hidden = 0;
	m->has_rows = 1;
	*out = r;
	return KISCRM_OK;
}

/* ---- reading an opportunity ------------------------------------------------------- */

static const char *text_of(const kiscrm_value *v)
{
	return v->type == KISCRM_TYPE_TEXT && v->u.s[0] ? v->u.s : NULL;
}

static const char *field_value(pls *p, const kiscrm_value *row, int field)
{
	const kiscrm_value *c = &row[KC_FI(KISCRM_OPPORTUNITY_CUSTOMER_ID)];
	const char *s = NULL;
	switch (field) {
	case PF_REGION:
		if (c->type == KISCRM_TYPE_INT)
			s = kc_report_customer_region(p->rep, c->u.i);
		break;
	case PF_INDUSTRY:
		if (c->type == KISCRM_TYPE_INT)
			s = kc_report_customer_industry(p->rep, c->u.i);
		break;
	case PF_SOURCE: return text_of(&row[KC_FI(KISCRM_OPPORTUNITY_SOURCE)]);
	case PF_PRODUCT_LINE: return text_of(&row[KC_FI(KISCRM_OPPORTUNITY_PRODUCT_LINE)]);
	case PF_BUSINESS_LINE: return text_of(&row[KC_FI(KISCRM_OPPORTUNITY_BUSINESS_LINE)]);
	case PF_SIZE_CLASS: return text_of(&row[KC_FI(KISCRM_OPPORTUNITY_SIZE_CLASS)]);
	case PF_TAGS: return text_of(&row[KC_FI(KISCRM_OPPORTUNITY_TAGS)]);
	}
	return s && s[0] ? s : NULL;
}

/* 1 if the tag at t (length n) already appeared in list before position t. */
static int tag_seen_before(const char *list, const char *t, size_t n)
{
	const char *cur = list, *u;
	size_t m;
	while (kc_next_item(&cur, &u, &m) && u < t)
		if (m == n && memcmp(u, t, n) == 0)
			return 1;
	return 0;
}

static int stage_index(const pls *p, const char *key)
{
	if (!key)
		return -1;
	for (size_t i = 0; i < p->pl->nstages; i++)
		if (strcmp(p->pl->stages[i].key, key) == 0)
			return (int)i;
	return -1;
}

static int in_pipeline(const pls *p, const kiscrm_value *row)
{
	const char *key = text_of(&row[KC_FI(KISCRM_OPPORTUNITY_PIPELINE)]);
	if (!key)
		return p->pipeline == 0;
	return strcmp(key, p->pl->key) == 0;
}

enum { OPP_OPEN = 0, OPP_WON = 1, OPP_LOST = 2 };

/* Won, lost or open: the stage decides; a status set on a working stage (imports) too. */
static int outcome(const pls *p, const kiscrm_value *row, int stage)
{
	if (stage >= 0) {
		int t = p->pl->stages[stage].terminal;
		if (t == KISCRM_STAGE_WON)
			return OPP_WON;
		if (t == KISCRM_STAGE_LOST)
			return OPP_LOST;
	}
	const char *st = text_of(&row[KC_FI(KISCRM_OPPORTUNITY_STATUS)]);
	if (st && strcmp(st, "won") == 0)
		return OPP_WON;
	if (st && (strcmp(st, "lost") == 0 || strcmp(st, "abandoned") == 0))
		return OPP_LOST;
	return OPP_OPEN;
}

/* ---- building --------------------------------------------------------------------- */

static int history_cb(void *payload, const kiscrm_value *row)
{
	pls *p = payload;
	const kiscrm_value *opp = &row[KC_FI(KISCRM_STAGE_HISTORY_OPPORTUNITY_ID)];
	if (opp->type != KISCRM_TYPE_INT)
		return 0;
	kiscrm_time at = row[KC_FI(KISCRM_STAGE_HISTORY_AT)].type == KISCRM_TYPE_NULL ? INT64_MIN : row[KC_FI(KISCRM_STAGE_HISTORY_AT)].u.i;
	int from = stage_index(p, text_of(&row[KC_FI(KISCRM_STAGE_HISTORY_FROM_STAGE)]));
	size_t i;
	if (kc_idmap_get(&p->lost_index, opp->u.i, &i)) {
		/* rows come in id order: on equal times the later entry wins */
		if (at >= p->moves[i].at) {
			p->moves[i].at = at;
			p->moves[i].stage = from;
		}
		return 0;
	}
	if (KC_VEC_GROW(p->moves, p->nmoves, p->cap_moves, 64))
		return KISCRM_ENOMEM;
	p->moves[p->nmoves].at = at;
	p->moves[p->nmoves].stage = from;
	int rc = kc_idmap_put(&p->lost_index, opp->u.i, p->nmoves);
	if (rc == 0)
		p->nmoves++;
	return rc;
}

/* Where each lost opportunity was lost: the latest move into a lost stage. */
static int load_lost_moves(pls *p)
{
	const kiscrm_kind_def *def = &kc_stage_history_def;
	for (size_t s = 0; s < p->pl->nstages; s++) {
		if (p->pl->stages[s].terminal != KISCRM_STAGE_LOST)
			continue;
		kiscrm_cond c = { KISCRM_STAGE_HISTORY_TO_STAGE, KISCRM_OP_EQ, { KISCRM_TYPE_TEXT, { 0 } } };
		c.value.u.s = p->pl->stages[s].key;
		kiscrm_query q = { 1, &c,
			KC_BIT(KISCRM_STAGE_HISTORY_OPPORTUNITY_ID) | KC_BIT(KISCRM_STAGE_HISTORY_FROM_STAGE) |
			KC_BIT(KISCRM_STAGE_HISTORY_AT) };
		int rc = kc_db_scan(p->db, def, &q, history_cb, p);
		if (rc)
			return rc;
	}
	return KISCRM_OK;
}

/* Model a record with this department counts in (created on first sight). */
static int model_for(pls *p, const kiscrm_value *dept, size_t *index)
{
	if (!p->by_department || dept->type != KISCRM_TYPE_INT || dept->u.i == 0) {
		*index = MODEL_NONE;
		return KISCRM_OK;
	}
	if (kc_idmap_get(&p->dept_model, dept->u.i, index))
		return KISCRM_OK;
	int rc = add_model(p, index);
	return rc ? rc : kc_idmap_put(&p->dept_model, dept->u.i, *index);
}

static int count_value(pls *p, pls_model *m, int slot, const char *v, size_t n, int won)
{
	pls_row *r;
	int rc = make_key(p, slot, v, n);
	if (rc == 0)
		rc = model_row(m, p->key.ptr, slot, 1, p->smoothing, &r);
	if (rc)
		return rc;
	if (won)
		r->won += 1;
	else
		r->lost += 1;
	return KISCRM_OK;
}

static int count_closed(pls *p, pls_model *m, const kiscrm_value *row, int won)
{
	for (size_t f = 0; f < p->nfields; f++) {
		int field = p->fields[f], rc = 0;
		const char *v = field_value(p, row, field);
		if (!v)
			continue;
		if (field != PF_TAGS) {
			rc = count_value(p, m, (int)f + 1, v, strlen(v), won);
		} else {
			const char *cur = v, *t;
			size_t n;
			while (rc == 0 && kc_next_item(&cur, &t, &n))
				if (!tag_seen_before(v, t, n))
					rc = count_value(p, m, (int)f + 1, t, n, won);
		}
		if (rc)
			return rc;
	}
	return KISCRM_OK;
}

static int build_cb(void *payload, const kiscrm_value *row)
{
	pls *p = payload;
	if (!in_pipeline(p, row))
		return 0;
	if (!p->all_history) {
		const kiscrm_value *c = &row[KC_FI(KISCRM_OPPORTUNITY_CREATED)];
		if (c->type == KISCRM_TYPE_NULL || c->u.i < p->start)
			return 0;
	}
	int stage = stage_index(p, text_of(&row[KC_FI(KISCRM_OPPORTUNITY_STAGE)]));
	int res = outcome(p, row, stage);
	if (res == OPP_OPEN)
		return 0;
	size_t mi;
	int rc = model_for(p, &row[KC_FI(KISCRM_OPPORTUNITY_DEPARTMENT_ID)], &mi);
	if (rc)
		return rc;
	pls_model *m = &p->models[mi];
	if (res == OPP_WON) {
		m->won++;
	} else {
		size_t i;
		int at = 0; /* no move known: lost at the first stage */
		if (kc_idmap_get(&p->lost_index, row[0].u.i, &i) && p->moves[i].stage >= 0)
			at = p->moves[i].stage;
		else if (stage >= 0 && p->pl->stages[stage].terminal == KISCRM_STAGE_OPEN)
			at = stage;
		m->lost_at[at]++;
	}
	m->has_rows = 1;
	return count_closed(p, m, row, res == OPP_WON);
}

/* Stage rows from the counts: stage i is hit by every won opportunity and by the lost
 * ones lost at i or later. */
static int materialise_stages(pls *p, pls_model *m)
{
	int64_t lost = 0;
	for (size_t k = p->pl->nstages; k-- > 0;) {
		lost += m->lost_at[k];
		if (!m->won && !lost)
			continue;
		const char *key = p->pl->stages[k].key;
		pls_row *r;
		int rc = make_key(p, PF_STAGE, key, strlen(key));
		if (rc == 0)
			rc = model_row(m, p->key.ptr, PF_STAGE, 1, p->smoothing, &r);
		if (rc)
			return rc;
		r->won += (double)m->won;
		r->lost += (double)lost;
	}
	return KISCRM_OK;
}

static int is_tag_slot(const pls *p, int slot)
{
	return slot > 0 && p->fields[slot - 1] == PF_TAGS;
}

static void totals(pls_model *m)
{
	memset(m->wtot, 0, sizeof(m->wtot));
	memset(m->ltot, 0, sizeof(m->ltot));
	for (size_t i = 0; i < m->nrows; i++) {
		if (m->rows[i].hidden)
			continue;
		m->wtot[m->rows[i].slot] += m->rows[i].won;
		m->ltot[m->rows[i].slot] += m->rows[i].lost;
	}
}

/* Finishes every model and sums the visible rows of all into MODEL_ALL. */
static int finish(pls *p)
{
	pls_model *all = &p->models[MODEL_ALL];
	for (size_t mi = MODEL_NONE; mi < p->nmodels; mi++) {
		pls_model *m = &p->models[mi];
		int rc = materialise_stages(p, m);
		if (rc)
			return rc;
		for (size_t i = 0; i < m->nrows; i++)
			if (is_tag_slot(p, m->rows[i].slot) && m->rows[i].won + m->rows[i].lost < p->tag_min)
				m->rows[i].hidden = 1;
		totals(m);
		for (size_t i = 0; i < m->index.cap; i++) {
			if (!m->index.keys[i])
				continue;
			const pls_row *src = &m->rows[m->index.vals[i]];
			pls_row *dst;
			if (src->hidden)
				continue;
			if ((rc = model_row(all, m->index.keys[i], src->slot, 1, 0.0, &dst)) != 0)
				return rc;
			dst->won += src->won;
			dst->lost += src->lost;
		}
	}
	totals(all);
	return KISCRM_OK;
}

/* Builds the models of pipeline pi. */
static int pls_build(pls *p, kiscrm_db *db, kc_report *rep, int pi, const kiscrm_predict_options *opts)
{
	memset(p, 0, sizeof(*p));
	p->db = db;
	p->rep = rep;
	p->pipeline = pi;
	p->pl = kc_config_pipeline(db->config, (size_t)pi);
	if (!p->pl || !p->pl->nstages)
		return kc_error_set(KISCRM_ENOTFOUND, "pipeline %d is not configured", pi);
	size_t unused;
	int rc = resolve_options(p, opts);
	if (rc == 0)
		rc = add_model(p, &unused); /* MODEL_ALL */
	if (rc == 0)
		rc = add_model(p, &unused); /* MODEL_NONE */
	if (rc == 0)
		rc = load_lost_moves(p);
	if (rc == 0) {
		kiscrm_query q = { 0, NULL, OPP_COLUMNS };
		rc = kc_db_scan(db, &kc_opportunity_def, &q, build_cb, p);
	}
	if (rc == 0)
		rc = finish(p);
	return rc;
}

/* ---- scoring ---------------------------------------------------------------------- */

typedef struct pls_result {
	double percent;
	const char *basis; /* department, all, stage, won_stage, lost_stage, no_stage */
} pls_result;

static const char *const explain_columns[] = {
	"field:text", "value:text", "won:rate", "lost:rate", "won_total:rate", "lost_total:rate",
	"factor:rate", "used:int", "note:text", NULL,
};
enum { EX_FIELD, EX_VALUE, EX_WON, EX_LOST, EX_WTOT, EX_LTOT, EX_FACTOR, EX_USED, EX_NOTE };

/* One explain row (table may be NULL: nothing to do). Rates below 0 are written NULL. */
static int explain_row(kiscrm_table *t, kiscrm_row_kind kind, const char *field, const char *value, size_t vlen,
		       const pls_row *r, double wtot, double ltot, double factor, int used, const char *note)
{
	if (!t)
		return KISCRM_OK;
	int row = kiscrm_table_add_row(t, kind);
	if (row < 0)
		return row;
	size_t i = (size_t)row;
	/* value may be a tag inside a longer list: copy it out to terminate it */
	char vbuf[256], *heap = NULL, *v = NULL;
	if (value) {
		v = vlen < sizeof(vbuf) ? vbuf : (heap = malloc(vlen + 1));
		if (!v)
			return kc_error_oom();
		memcpy(v, value, vlen);
		v[vlen] = '\0';
	}
	int rc = kiscrm_table_set_text(t, i, EX_FIELD, field);
	if (rc == 0 && v)
		rc = kiscrm_table_set_text(t, i, EX_VALUE, v);
	free(heap);
	if (rc == 0 && r)
		rc = kiscrm_table_set_rate(t, i, EX_WON, r->won);
	if (rc == 0 && r)
		rc = kiscrm_table_set_rate(t, i, EX_LOST, r->lost);
	if (rc == 0 && wtot >= 0)
		rc = kiscrm_table_set_rate(t, i, EX_WTOT, wtot);
	if (rc == 0 && ltot >= 0)
		rc = kiscrm_table_set_rate(t, i, EX_LTOT, ltot);
	if (rc == 0 && factor >= 0)
		rc = kiscrm_table_set_rate(t, i, EX_FACTOR, factor);
	if (rc == 0)
		rc = kiscrm_table_set_int(t, i, EX_USED, used);
	if (rc == 0 && note)
		rc = kiscrm_table_set_text(t, i, EX_NOTE, note);
	return rc;
}

typedef struct score_acc {
	double sw, sl;   /* products, as Odoo */
	double lw, ll;   /* the same in logarithms, in case the products underflow */
	double team_won, team_lost;
} score_acc;

/* Multiplies in the row of one value of slot `slot` (stage: slot 0). */
static int score_value(pls *p, const pls_model *m, score_acc *a, int slot, const char *field, const char *v,
		       size_t n, kiscrm_table *t)
{
	pls_row *r;
	int rc = make_key(p, slot, v, n);
	if (rc == 0)
		rc = model_row((pls_model *)m, p->key.ptr, slot, 0, 0.0, &r);
	if (rc)
		return rc;
	if (!r || r->hidden)
		return explain_row(t, KISCRM_ROW_DETAIL, field, v, n, r, -1, -1, -1, 0,
				   r ? "tag below minimum" : "no row");
	double W = slot == PF_STAGE ? a->team_won : m->wtot[slot];
	double L = slot == PF_STAGE ? a->team_lost : m->ltot[slot];
	if (W == 0 || L == 0)
		return explain_row(t, KISCRM_ROW_DETAIL, field, v, n, r, W, L, -1, 0, "zero total");
	double pw = r->won / W, pl = r->lost / L;
	a->sw *= pw;
	a->sl *= pl;
	a->lw += log(pw);
	a->ll += log(pl);
	return explain_row(t, KISCRM_ROW_DETAIL, field, v, n, r, W, L, pw / (pw + pl), 1, NULL);
}

static double round2(double x)
{
	return round(x * 100.0) / 100.0;
}

/* Scores one opportunity row of the pipeline, optionally explaining into t. */
static int pls_score(pls *p, const kiscrm_value *row, pls_result *res, kiscrm_table *t)
{
	int stage = stage_index(p, text_of(&row[KC_FI(KISCRM_OPPORTUNITY_STAGE)]));
	int rc;
	if (stage < 0 || p->pl->stages[stage].terminal != KISCRM_STAGE_OPEN) {
		res->percent = stage < 0 ? 0.0 : p->pl->stages[stage].terminal == KISCRM_STAGE_WON ? 100.0 : 0.0;
		res->basis = stage < 0 ? "no_stage" : res->percent > 0 ? "won_stage" : "lost_stage";
		return explain_row(t, KISCRM_ROW_TOTAL, "probability", NULL, 0, NULL, -1, -1, res->percent / 100.0, 1,
				   res->basis);
	}
	const pls_model *m = &p->models[MODEL_ALL];
	res->basis = "all";
	const kiscrm_value *dept = &row[KC_FI(KISCRM_OPPORTUNITY_DEPARTMENT_ID)];
	size_t mi;
	if (p->by_department && dept->type == KISCRM_TYPE_INT && kc_idmap_get(&p->dept_model, dept->u.i, &mi) &&
	    p->models[mi].has_rows) {
		m = &p->models[mi];
		res->basis = "department";
	}
	/* prior: the first stage is hit by every closed opportunity */
	score_acc a = { 0, 0, 0, 0, 0, 0 };
	pls_row *first;
	const char *k0 = p->pl->stages[0].key;
	if ((rc = make_key(p, PF_STAGE, k0, strlen(k0))) != 0 ||
	    (rc = model_row((pls_model *)m, p->key.ptr, PF_STAGE, 0, 0.0, &first)) != 0)
		return rc;
	if (first) {
		a.team_won = first->won;
		a.team_lost = first->lost;
	}
	if (a.team_won == 0 || a.team_lost == 0) {
		res->percent = p->pl->stages[stage].probability;
		res->basis = "stage";
		if ((rc = explain_row(t, KISCRM_ROW_DETAIL, "prior", NULL, 0, first, -1, -1, -1, 0, "stage")) != 0)
			return rc;
		return explain_row(t, KISCRM_ROW_TOTAL, "probability", NULL, 0, NULL, -1, -1, res->percent / 100.0, 1,
				   "stage");
	}
	double total = a.team_won + a.team_lost;
	a.sw = a.team_won / total;
	a.sl = a.team_lost / total;
	a.lw = log(a.sw);
	a.ll = log(a.sl);
	pls_row prior = { a.team_won, a.team_lost, 0, 0 };
	if ((rc = explain_row(t, KISCRM_ROW_DETAIL, "prior", NULL, 0, &prior, -1, -1, a.sw, 1, res->basis)) != 0)
		return rc;
	const char *sk = p->pl->stages[stage].key;
	if ((rc = score_value(p, m, &a, PF_STAGE, "stage", sk, strlen(sk), t)) != 0)
		return rc;
	for (size_t f = 0; f < p->nfields; f++) {
		int field = p->fields[f], slot = (int)f + 1;
		const char *name = field_names[field];
		const char *v = field_value(p, row, field);
		if (!v) {
			rc = explain_row(t, KISCRM_ROW_DETAIL, name, NULL, 0, NULL, -1, -1, -1, 0, "no value");
		} else if (field != PF_TAGS) {
			rc = score_value(p, m, &a, slot, name, v, strlen(v), t);
		} else {
			const char *cur = v, *tg;
			size_t n;
			while (rc == 0 && kc_next_item(&cur, &tg, &n))
				if (!tag_seen_before(v, tg, n))
					rc = score_value(p, m, &a, slot, name, tg, n, t);
		}
		if (rc)
			return rc;
	}
	double prob;
	if (a.sw + a.sl > 0 && isfinite(a.sw + a.sl))
		prob = a.sw / (a.sw + a.sl);
	else
		prob = 1.0 / (1.0 + exp(a.ll - a.lw));
	double pct = round2(100.0 * prob);
	if (pct < 0.01)
		pct = 0.01;
	if (pct > 99.99)
		pct = 99.99;
	res->percent = pct;
	return explain_row(t, KISCRM_ROW_TOTAL, "probability", NULL, 0, NULL, -1, -1, pct / 100.0, 1, res->basis);
}

/* ---- one opportunity -------------------------------------------------------------- */

static int copy_cb(void *payload, const kiscrm_value *row)
{
	kiscrm_record **rec = payload;
	return kc_record_from_row(rec, &kc_opportunity_def, row);
}

static int fetch_opportunity(kiscrm_record **rec, kiscrm_db *db, kiscrm_id id)
{
	*rec = NULL;
	int rc = kc_db_get(db, &kc_opportunity_def, id, copy_cb, rec);
	if (rc == KISCRM_ENOTFOUND)
		return kc_error_set(KISCRM_ENOTFOUND, "opportunity %lld not found", (long long)id);
	return rc;
}

static int predict_one(double *out, kiscrm_table **table, kiscrm_db *db, kiscrm_id id,
		       const kiscrm_predict_options *opts)
{
	int rc = kc_check_db(db);
	if (rc)
		return rc;
	kiscrm_record *rec;
	if ((rc = fetch_opportunity(&rec, db, id)) != 0)
		return rc;
	const char *pkey = text_of(&rec->vals[KC_FI(KISCRM_OPPORTUNITY_PIPELINE)]);
	int pi = kiscrm_config_pipeline_find(db->config, pkey);
	if (pi < 0) {
		kiscrm_record_free(rec);
		return kc_error_set(KISCRM_ENOTFOUND, "opportunity %lld is in pipeline '%s', which is not configured",
				    (long long)id, pkey ? pkey : "");
	}
	kc_report rep;
	pls p;
	kiscrm_table *t = NULL;
	pls_result res = { 0, NULL };
	memset(&p, 0, sizeof(p));
	kiscrm_report_options ro = KISCRM_REPORT_OPTIONS_INIT;
	ro.pipeline = kiscrm_config_pipeline_key(db->config, (size_t)pi);
	rc = kc_report_begin(&rep, db, &ro);
	if (rc == 0) {
		rc = pls_build(&p, db, &rep, pi, opts);
		if (rc == 0 && table && (rc = kiscrm_table_new(&t, "predict_explain")) == 0) {
			kc_report_label(t, db);
			rc = kc_add_columns(t, explain_columns);
		}
		if (rc == 0)
			rc = pls_score(&p, rec->vals, &res, t);
		pls_dispose(&p);
		kc_report_end(&rep);
	}
	kiscrm_record_free(rec);
	if (rc) {
		kiscrm_table_free(t);
		return rc;
	}
	if (out)
		*out = res.percent;
	if (table)
		*table = t;
	return KISCRM_OK;
}

int kiscrm_predict_probability(double *out, kiscrm_db *db, kiscrm_id opportunity_id,
			       const kiscrm_predict_options *opts)
{
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "output pointer is NULL");
	return predict_one(out, NULL, db, opportunity_id, opts);
}

int kiscrm_predict_explain(kiscrm_table **out, kiscrm_db *db, kiscrm_id opportunity_id,
			   const kiscrm_predict_options *opts)
{
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "output pointer is NULL");
	*out = NULL;
	return predict_one(NULL, out, db, opportunity_id, opts);
}

/* ---- the report ------------------------------------------------------------------- */

typedef struct report_line {
	kiscrm_id id, dept;
	size_t group, rank;
	size_t name_off;
	int stage;
	int has_amount, has_prob;
	kiscrm_money amount;
	int64_t prob;
	int manual;
	double predicted;
	const char *basis;
} report_line;

typedef struct report_scan {
	pls *p;
	kc_report *rep;
	report_line *lines;
	size_t n, cap;
	kiscrm_buf names; /* NUL-separated names, addressed by offset */
} report_scan;

static int report_cb(void *payload, const kiscrm_value *row)
{
	report_scan *s = payload;
	pls *p = s->p;
	if (!in_pipeline(p, row))
		return 0;
	int stage = stage_index(p, text_of(&row[KC_FI(KISCRM_OPPORTUNITY_STAGE)]));
	if (outcome(p, row, stage) != OPP_OPEN)
		return 0;
	if (stage < 0) /* refused before the scan (kc_report_require_configured_stages) */
		return kc_error_set(KISCRM_ECONFIG, "opportunity %lld is at a stage its pipeline does not have",
				    (long long)row[0].u.i);
	const kiscrm_value *ec = &row[KC_FI(KISCRM_OPPORTUNITY_EXPECTED_CLOSE)];
	if (!kc_report_in_window(s->rep, ec->type == KISCRM_TYPE_NULL ? KISCRM_DATE_NONE : (kiscrm_date)ec->u.i))
		return 0;
	const kiscrm_value *dv = &row[KC_FI(KISCRM_OPPORTUNITY_DEPARTMENT_ID)], *ov = &row[KC_FI(KISCRM_OPPORTUNITY_OWNER_ID)];
	const kiscrm_value *cv = &row[KC_FI(KISCRM_OPPORTUNITY_CUSTOMER_ID)];
	kc_dims d = { text_of(&row[KC_FI(KISCRM_OPPORTUNITY_BUSINESS_LINE)]), text_of(&row[KC_FI(KISCRM_OPPORTUNITY_PRODUCT_LINE)]),
		      text_of(&row[KC_FI(KISCRM_OPPORTUNITY_SIZE_CLASS)]), dv->type == KISCRM_TYPE_INT ? dv->u.i : 0,
		      ov->type == KISCRM_TYPE_INT ? ov->u.i : 0, cv->type == KISCRM_TYPE_INT ? cv->u.i : 0 };
	if (!kc_report_accept(s->rep, &d))
		return 0;
	if (KC_VEC_GROW(s->lines, s->n, s->cap, 64))
		return KISCRM_ENOMEM;
	report_line *l = &s->lines[s->n];
	memset(l, 0, sizeof(*l));
	pls_result res;
	int rc = kc_report_group(s->rep, &d, &l->group);
	if (rc == 0)
		rc = pls_score(p, row, &res, NULL);
	if (rc)
		return rc;
	const char *name = text_of(&row[KC_FI(KISCRM_OPPORTUNITY_NAME)]);
	l->name_off = s->names.size;
	if ((rc = kc_buf_put(&s->names, name ? name : "", name ? strlen(name) + 1 : 1)) != 0)
		return rc;
	l->id = row[0].u.i;
	l->dept = d.department_id;
	l->stage = stage;
	const kiscrm_value *am = &row[KC_FI(KISCRM_OPPORTUNITY_AMOUNT)], *pr = &row[KC_FI(KISCRM_OPPORTUNITY_PROBABILITY)];
	const kiscrm_value *mn = &row[KC_FI(KISCRM_OPPORTUNITY_PROBABILITY_MANUAL)];
	l->has_amount = am->type != KISCRM_TYPE_NULL;
	l->amount = l->has_amount ? am->u.i : 0;
	l->has_prob = pr->type != KISCRM_TYPE_NULL;
	l->prob = l->has_prob ? pr->u.i : 0;
	l->manual = mn->type == KISCRM_TYPE_INT && mn->u.i != 0;
	l->predicted = res.percent;
	l->basis = res.basis;
	s->n++;
	return 0;
}

static int by_rank(const void *a, const void *b)
{
	const report_line *x = a, *y = b;
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

static const char *const report_columns[] = {
	"opportunity_id:int", "opportunity:text", "department_name:text", "stage:text", "amount:money",
	"stage_probability:int", "probability:int", "manual:int", "predicted:rate", "basis:text", NULL,
};

static int emit_report(report_scan *s, kiscrm_table **out)
{
	kc_report *rep = s->rep;
	size_t *order = NULL;
	kiscrm_table *t = NULL;
	int rc = kc_report_sorted(rep, &order);
	if (rc)
		return rc;
	size_t *rank = malloc((rep->ngroups ? rep->ngroups : 1) * sizeof(*rank));
	if (!rank) {
		free(order);
		return kc_error_oom();
	}
	for (size_t i = 0; i < rep->ngroups; i++)
		rank[order[i]] = i;
	for (size_t i = 0; i < s->n; i++)
		s->lines[i].rank = rank[s->lines[i].group];
	free(order);
	free(rank);
	if (s->n > 1)
		kc_sort(s->lines, s->n, sizeof(*s->lines), by_rank);
	size_t g0 = rep->o.ngroup;
	if ((rc = kc_report_table(rep, &t, "probability")) != 0)
		return rc;
	rc = kc_add_columns(t, report_columns);
	for (size_t i = 0; rc == 0 && i < s->n; i++) {
		const report_line *l = &s->lines[i];
		const kc_stage *st = &s->p->pl->stages[l->stage];
		size_t row;
		if ((rc = kc_report_add_row(rep, t, l->group, KISCRM_ROW_DETAIL, &row)) != 0)
			break;
		rc = kc_cell_int(t, row, g0 + 0, l->id);
		if (rc == 0)
			rc = kc_cell_text(t, row, g0 + 1, s->names.ptr + l->name_off);
		if (rc == 0 && l->dept)
			rc = kc_cell_text(t, row, g0 + 2, kc_report_department_name(rep, l->dept));
		if (rc == 0)
			rc = kc_cell_text(t, row, g0 + 3, st->key);
		if (rc == 0 && l->has_amount)
			rc = kc_cell_int(t, row, g0 + 4, l->amount);
		if (rc == 0)
			rc = kc_cell_int(t, row, g0 + 5, st->probability);
		if (rc == 0 && l->has_prob)
			rc = kc_cell_int(t, row, g0 + 6, l->prob);
		if (rc == 0)
			rc = kc_cell_int(t, row, g0 + 7, l->manual);
		if (rc == 0)
			rc = kc_cell_rate(t, row, g0 + 8, l->predicted);
		if (rc == 0)
			rc = kc_cell_text(t, row, g0 + 9, l->basis);
	}
	return kc_report_deliver(out, t, rc);
}

int kiscrm_report_probability(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts)
{
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "output pointer is NULL");
	*out = NULL;
	kc_report rep;
	int rc = kc_report_begin(&rep, db, opts);
	if (rc)
		return rc;
	if ((rc = kc_report_require_configured_stages(&rep, 0)) != 0) {
		kc_report_end(&rep);
		return rc;
	}
	pls p;
	report_scan s;
	memset(&s, 0, sizeof(s));
	rc = pls_build(&p, db, &rep, rep.pipeline, NULL);
	if (rc == 0) {
		s.p = &p;
		s.rep = &rep;
		kiscrm_query q = { 0, NULL, OPP_COLUMNS | KC_BIT(KISCRM_OPPORTUNITY_NAME) |
			KC_BIT(KISCRM_OPPORTUNITY_OWNER_ID) | KC_BIT(KISCRM_OPPORTUNITY_AMOUNT) |
			KC_BIT(KISCRM_OPPORTUNITY_EXPECTED_CLOSE) | KC_BIT(KISCRM_OPPORTUNITY_PROBABILITY) |
			KC_BIT(KISCRM_OPPORTUNITY_PROBABILITY_MANUAL) };
		rc = kc_db_scan(db, &kc_opportunity_def, &q, report_cb, &s);
	}
	if (rc == 0)
		rc = emit_report(&s, out);
	free(s.lines);
	kiscrm_buf_dispose(&s.names);
	pls_dispose(&p);
	kc_report_end(&rep);
	return rc;
}

/* ---- storing predictions ---------------------------------------------------------- */

typedef struct apply_item {
	kiscrm_id id;
	int64_t percent;
} apply_item;

typedef struct apply_scan {
	pls *p;
	apply_item *items;
	size_t n, cap;
} apply_scan;

static int apply_cb(void *payload, const kiscrm_value *row)
{
	apply_scan *s = payload;
	pls *p = s->p;
	if (!in_pipeline(p, row))
		return 0;
	int stage = stage_index(p, text_of(&row[KC_FI(KISCRM_OPPORTUNITY_STAGE)]));
	const kiscrm_value *mn = &row[KC_FI(KISCRM_OPPORTUNITY_PROBABILITY_MANUAL)];
	if (stage < 0 || outcome(p, row, stage) != OPP_OPEN || (mn->type == KISCRM_TYPE_INT && mn->u.i != 0))
		return 0;
	pls_result res;
	int rc = pls_score(p, row, &res, NULL);
	if (rc)
		return rc;
	int64_t pct = (int64_t)llround(res.percent);
	if (pct < 1)
		pct = 1;
	if (pct > 99)
		pct = 99;
	const kiscrm_value *pr = &row[KC_FI(KISCRM_OPPORTUNITY_PROBABILITY)];
	if (pr->type == KISCRM_TYPE_INT && pr->u.i == pct)
		return 0;
	if (KC_VEC_GROW(s->items, s->n, s->cap, 64))
		return KISCRM_ENOMEM;
	s->items[s->n].id = row[0].u.i;
	s->items[s->n].percent = pct;
	s->n++;
	return 0;
}

static int write_probability(kiscrm_db *db, const apply_item *it)
{
	kiscrm_record *rec;
	int rc = fetch_opportunity(&rec, db, it->id);
	if (rc)
		return rc;
	/* written below the store's hooks: only the probability changes, and the
	 * stage-following rule must not replace it */
	kc_record_put_int(rec, KISCRM_OPPORTUNITY_PROBABILITY, it->percent);
	rc = kc_db_update(db, &kc_opportunity_def, rec->vals);
	kiscrm_record_free(rec);
	return rc;
}

/* kiscrm_predict_apply() inside its transaction: the model, the choice of the
 * opportunities to change (open, probability not set by hand) and the writes all see
 * the same data. */
static int apply_locked(size_t *updated, kiscrm_db *db, const kiscrm_predict_options *opts)
{
	int rc = KISCRM_OK;
	apply_scan s;
	memset(&s, 0, sizeof(s));
	size_t np = kiscrm_config_pipeline_count(db->config);
	for (size_t pi = 0; rc == 0 && pi < np; pi++) {
		kc_report rep;
		pls p;
		kiscrm_report_options ro = KISCRM_REPORT_OPTIONS_INIT;
		ro.pipeline = kiscrm_config_pipeline_key(db->config, pi);
		if ((rc = kc_report_begin(&rep, db, &ro)) != 0)
			break;
		rc = pls_build(&p, db, &rep, (int)pi, opts);
		if (rc == 0) {
			s.p = &p;
			kiscrm_query q = { 0, NULL, OPP_COLUMNS | KC_BIT(KISCRM_OPPORTUNITY_PROBABILITY) |
				KC_BIT(KISCRM_OPPORTUNITY_PROBABILITY_MANUAL) };
			rc = kc_db_scan(db, &kc_opportunity_def, &q, apply_cb, &s);
		}
		pls_dispose(&p);
		kc_report_end(&rep);
	}
	for (size_t i = 0; rc == 0 && i < s.n; i++)
		rc = write_probability(db, &s.items[i]);
	*updated = s.n;
	free(s.items);
	return rc;
}

int kiscrm_predict_apply(size_t *updated, kiscrm_db *db, const kiscrm_predict_options *opts)
{
	int rc = kc_check_db(db);
	if (rc)
		return rc;
	if (updated)
		*updated = 0;
	size_t n = 0;
	if ((rc = kc_tx_begin(db)) != 0)
		return rc;
	const char *job = kc_db_job(db, "predict");
	rc = kc_tx_end(db, apply_locked(&n, db, opts));
	kc_db_job(db, job);
	if (rc == 0 && updated)
		*updated = n;
	return rc;
}
