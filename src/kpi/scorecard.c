/* Scorecards: every subject (person or department) × every applicable indicator of a
 * scheme → actual, target, raw score, weighted score; then totals, grades, competition
 * ranks, and the roll-up of persons to departments. The rules and their special cases
 * (missing data, zero targets: never NaN) are documented in kiscrm/kpi.h. */
#include "core/sort.h"
#include "core/field.h"
#include "entities/kinds.h"
#include "kpi/kpi_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/report.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/vec.h"
#include "core/map.h"
#include "kiscrm/config.h"
#include "kiscrm/org.h"
#include "kiscrm/record.h"
#include "kiscrm/table.h"
#include "storage/db.h"

#define TIE_EPS 1e-6
#define NOTE_MAX 96

enum { LEVEL_PERSON, LEVEL_DEPARTMENT };

typedef struct line {
	size_t ind;
	kiscrm_kpi_value v;      /* actual (and the metric's own target) */
	int has_target;
	double target;
	kiscrm_money target_money;
	int has_ratio;
	double ratio;
	double raw, weighted;
	int veto;
	char note[NOTE_MAX];
} line;

typedef struct subject {
	kiscrm_id staff_id, dept_id;
	char *name, *dept_name, *role;
	line *lines;
	size_t nlines;
	int weight_sum;
	double total;
	int veto;
	int64_t rank;
} subject;

typedef struct run {
	kc_report r;
	int began;
	kiscrm_db *db;
	const kiscrm_kpi_scheme *s;
	int level;
	subject *subj;
	size_t n, cap;
	kc_idmap dept_index; /* department id → index into dept_names */
	char **dept_names;
	kiscrm_id *dept_ids;
	size_t ndepts;
	kc_idmap dept_active; /* departments with active staff */
	kc_kpi_cache *cache;  /* built-in metrics computed once for the population */
	kc_target_memo *targets; /* decomposed targets, read once per window */
} run;

static void run_dispose(run *x)
{
	for (size_t i = 0; i < x->n; i++) {
		free(x->subj[i].name);
		free(x->subj[i].dept_name);
		free(x->subj[i].role);
		free(x->subj[i].lines);
	}
	free(x->subj);
	for (size_t i = 0; i < x->ndepts; i++)
		free(x->dept_names[i]);
	free(x->dept_names);
	free(x->dept_ids);
	kc_idmap_dispose(&x->dept_index);
	kc_idmap_dispose(&x->dept_active);
	kc_kpi_cache_free(x->cache);
	kc_target_memo_free(x->targets);
	if (x->began)
		kc_report_end(&x->r);
}

static char *dup_text(const kiscrm_value *v, int *oom)
{
	if (v->type != KISCRM_TYPE_TEXT)
		return NULL;
	char *p = strdup(v->u.s);
	if (!p)
		*oom = 1;
	return p;
}

/* ------------------------------------------------------------------------------------ */
/* Ranking                                                                               */

void kc_kpi_rank(const double *totals, size_t n, int64_t *ranks)
{
	for (size_t i = 0; i < n; i++) {
		int64_t higher = 0;
		for (size_t j = 0; j < n; j++)
			if (totals[j] > totals[i] + TIE_EPS)
				higher++;
		ranks[i] = higher + 1;
	}
}

/* ------------------------------------------------------------------------------------ */
/* Scoring one indicator                                                                 */

static void note_add(char *note, const char *code)
{
	if (!code)
		return;
	size_t n = strlen(note);
	snprintf(note + n, NOTE_MAX - n, "%s%s", n ? "," : "", code);
}

static double clamp_note(double s, const kc_kpi_indicator *ind, char *note)
{
	if (s > ind->cap) {
		note_add(note, "capped");
		return ind->cap;
	}
	if (s < ind->floor) {
		note_add(note, "floored");
		return ind->floor;
	}
	return s;
}

/* Target in minor units of a fixed money target written with four decimals. */
static kiscrm_money fixed_money(kiscrm_db *db, int64_t target4)
{
	int d = kiscrm_config_currency_decimals(kiscrm_db_config(db));
	int64_t v = target4;
	for (; d > 4; d--)
		v = v > INT64_MAX / 10 || v < INT64_MIN / 10 ? v : v * 10;
	for (; d < 4; d++)
		v /= 10;
	return v;
}

static int zero_target(const line *l, int money)
{
	return money ? l->target_money == 0 : l->target == 0.0;
}

static void score_line(line *l, const kc_kpi_indicator *ind, int money)
{
	const kiscrm_kpi_value *v = &l->v;
	double s = 0, basis;

	if (!v->has_actual) {
		note_add(l->note, "no_data");
		l->raw = ind->missing_score;
		return;
	}
	int needs_target = ind->rule == KC_KPI_RULE_LINEAR || ind->rule == KC_KPI_RULE_LOWER ||
			   (ind->rule == KC_KPI_RULE_BANDS && !ind->basis_actual);
	if (needs_target && !l->has_target) {
		note_add(l->note, "no_target");
		l->raw = ind->missing_score;
		return;
	}
	int zero = needs_target && zero_target(l, money);
	if (zero)
		note_add(l->note, "zero_target");
	switch (ind->rule) {
	case KC_KPI_RULE_LINEAR:
		s = zero ? (v->actual > 0 ? ind->cap : 100) : l->ratio * 100;
		l->raw = clamp_note(s, ind, l->note);
		return;
	case KC_KPI_RULE_LOWER:
		s = zero ? (v->actual > 0 ? ind->floor : 100) : (2 - l->ratio) * 100;
		l->raw = clamp_note(s, ind, l->note);
		return;
	case KC_KPI_RULE_DIRECT:
		l->raw = clamp_note(v->actual, ind, l->note);
		return;
	case KC_KPI_RULE_BANDS:
		basis = ind->basis_actual ? v->actual : zero ? (v->actual > 0 ? 1e300 : 1.0) : l->ratio;
		s = ind->else_score;
		for (size_t i = 0; i < ind->nbands; i++) {
			if (ind->bands_max) {
				if (basis <= ind->bands[i].bound + 1e-9) {
					s = ind->bands[i].score;
					break;
				}
			} else if (basis >= ind->bands[i].bound - 1e-9) {
				s = ind->bands[i].score;
			}
		}
		l->raw = s;
		return;
	default: { /* gate */
		int pass = ind->gate_max ? v->actual <= ind->gate_bound + 1e-9 : v->actual >= ind->gate_bound - 1e-9;
		l->raw = pass ? ind->pass_score : 0;
		if (!pass) {
			note_add(l->note, "gate_failed");
			l->veto = ind->veto;
		}
		return;
	}
	}
}

static int eval_line(run *x, subject *sj, line *l, const kc_kpi_indicator *ind)
{
	kiscrm_db *db = x->db;
	const kiscrm_kpi_metric *m = kiscrm_kpi_metric_find(ind->metric);
	if (!m)
		return kc_error_set_at(KISCRM_ENOTFOUND, x->s->file, ind->line, ind->column, "metric", ind->metric,
				       "%s:%d:%d: indicator '%s': metric '%s' is no longer registered", x->s->file,
				       ind->line, ind->column, ind->key, ind->metric);
	kiscrm_kpi_context ctx;
	memset(&ctx, 0, sizeof(ctx));
	ctx.version = KISCRM_KPI_CONTEXT_VERSION;
	ctx.scope = ind->scope;
	if (x->level == LEVEL_DEPARTMENT && ctx.scope == KISCRM_KPI_SCOPE_PERSON)
		ctx.scope = KISCRM_KPI_SCOPE_DEPARTMENT;
	ctx.staff_id = ctx.scope == KISCRM_KPI_SCOPE_PERSON ? sj->staff_id : 0;
	ctx.department_id = sj->dept_id;
	ctx.role = ctx.scope == KISCRM_KPI_SCOPE_PERSON ? sj->role : NULL;
	ctx.from = x->r.from;
	ctx.to = x->r.to;
	ctx.period = x->r.o.period;
	ctx.as_of = x->r.as_of < x->r.to - 1 ? x->r.as_of : x->r.to - 1;
	ctx.scheme = x->s->key;
	ctx.indicator = ind->key;

	kiscrm_kpi_value v = KISCRM_KPI_VALUE_INIT;
	int rc = kc_kpi_cache_compute(x->cache, &v, db, m, &ctx);
	if (rc)
		return rc;
	int money = m->unit == KISCRM_KPI_UNIT_MONEY;
	l->v = v;
	note_add(l->note, v.note);
	if (ind->target_kind == KC_KPI_TARGET_FIXED) {
		l->has_target = 1;
		l->target = (double)ind->target4 / KC_KPI_SCALE;
		if (money)
			l->target_money = fixed_money(db, ind->target4);
	} else if (ind->target_kind == KC_KPI_TARGET_DECOMPOSED) {
		kiscrm_money amount = 0;
		int64_t count = 0;
		int found = 0;
		if ((rc = kc_kpi_decomposed_target(db, &x->targets, &ctx, m->target_metric, &found, &amount, &count)))
			return rc;
		l->has_target = found;
		l->target_money = amount;
		l->target = money ? kc_kpi_major(db, amount) : (double)count;
	} else if (v.has_target) {
		l->has_target = 1;
		l->target = v.target;
		l->target_money = v.target_money;
	}
	if (v.has_actual && l->has_target && !zero_target(l, money)) {
		l->has_ratio = 1;
		l->ratio = money ? (double)v.actual_money / (double)l->target_money : v.actual / l->target;
	}
	score_line(l, ind, money);
	return KISCRM_OK;
}

static int applies(const kc_kpi_indicator *ind, const char *role, int level)
{
	if (level == LEVEL_DEPARTMENT || !ind->roles)
		return 1;
	for (size_t i = 0; role && i < ind->nroles; i++)
		if (strcmp(ind->roles[i], role) == 0)
			return 1;
	return 0;
}

static int score_subject(run *x, subject *sj)
{
	const kiscrm_kpi_scheme *s = x->s;
	int rc;
	if (!(sj->lines = calloc(s->nind, sizeof(line))))
		return kc_error_oom();
	for (size_t i = 0; i < s->nind; i++) {
		if (!applies(&s->ind[i], sj->role, x->level))
			continue;
		line *l = &sj->lines[sj->nlines++];
		l->ind = i;
		if ((rc = eval_line(x, sj, l, &s->ind[i])))
			return rc;
		sj->weight_sum += s->ind[i].weight;
		sj->veto |= l->veto;
	}
	sj->total = 0;
	for (size_t i = 0; i < sj->nlines; i++) {
		line *l = &sj->lines[i];
		l->weighted = sj->weight_sum ? l->raw * s->ind[l->ind].weight / sj->weight_sum : 0;
		sj->total += l->weighted;
	}
	if (sj->veto)
		sj->total = 0;
	return KISCRM_OK;
}

/* ------------------------------------------------------------------------------------ */
/* Population                                                                            */

static int add_subject(run *x, subject **out)
{
	if (KC_VEC_GROW(x->subj, x->n, x->cap, 16))
		return KISCRM_ENOMEM;
	*out = &x->subj[x->n++];
	memset(*out, 0, sizeof(**out));
	return KISCRM_OK;
}

static int dept_cb(void *payload, const kiscrm_value *row)
{
	run *x = payload;
	int oom = 0;
	char **names = realloc(x->dept_names, (x->ndepts + 1) * sizeof(char *));
	if (!names)
		return kc_error_oom();
	x->dept_names = names;
	kiscrm_id *ids = realloc(x->dept_ids, (x->ndepts + 1) * sizeof(kiscrm_id));
	if (!ids)
		return kc_error_oom();
	x->dept_ids = ids;
	names[x->ndepts] = dup_text(&row[KC_FI(KISCRM_DEPARTMENT_NAME)], &oom);
	ids[x->ndepts] = row[0].u.i;
	if (oom)
		return kc_error_oom();
	x->ndepts++;
	return kc_idmap_put(&x->dept_index, row[0].u.i, x->ndepts - 1);
}

static const char *dept_name(const run *x, kiscrm_id id)
{
	size_t i;
	return kc_idmap_get(&x->dept_index, id, &i) && x->dept_names[i] ? x->dept_names[i] : "";
}

static int active(const kiscrm_value *v)
{
	return v->type != KISCRM_TYPE_INT || v->u.i != 0;
}

static int staff_cb(void *payload, const kiscrm_value *row)
{
	run *x = payload;
	const kiscrm_value *dept = &row[KC_FI(KISCRM_STAFF_DEPARTMENT_ID)];
	kiscrm_id did = dept->type == KISCRM_TYPE_INT ? dept->u.i : 0;
	kc_dims d;
	subject *sj;
	int rc, oom = 0;

	if (!active(&row[KC_FI(KISCRM_STAFF_ACTIVE)]))
		return 0;
	if (x->level == LEVEL_DEPARTMENT)
		return did ? kc_idmap_put(&x->dept_active, did, 0) : 0;
	memset(&d, 0, sizeof(d));
	d.department_id = did;
	d.owner_id = row[0].u.i;
	if (!kc_report_accept(&x->r, &d))
		return 0;
	const char *role = row[KC_FI(KISCRM_STAFF_ROLE)].type == KISCRM_TYPE_TEXT ? row[KC_FI(KISCRM_STAFF_ROLE)].u.s : NULL;
	size_t i;
	for (i = 0; i < x->s->nind; i++)
		if (applies(&x->s->ind[i], role, x->level))
			break;
	if (i == x->s->nind)
		return 0;
	if ((rc = add_subject(x, &sj)))
		return rc;
	sj->staff_id = row[0].u.i;
	sj->dept_id = did;
	sj->name = dup_text(&row[KC_FI(KISCRM_STAFF_NAME)], &oom);
	sj->role = dup_text(&row[KC_FI(KISCRM_STAFF_ROLE)], &oom);
	sj->dept_name = strdup(dept_name(x, did));
	return oom || !sj->dept_name ? kc_error_oom() : KISCRM_OK;
}

static int build_departments(run *x)
{
	for (size_t i = 0; i < x->ndepts; i++) {
		size_t ignored;
		subject *sj;
		int rc;
		kiscrm_id id = x->dept_ids[i];
		if (!kc_idmap_get(&x->dept_active, id, &ignored))
			continue;
		if (x->r.o.department_id && !kc_idmap_get(&x->r.dept_filter, id, &ignored))
			continue;
		if ((rc = add_subject(x, &sj)))
			return rc;
		sj->dept_id = id;
		sj->name = strdup(dept_name(x, id));
		sj->dept_name = strdup(dept_name(x, id));
		if (!sj->name || !sj->dept_name)
			return kc_error_oom();
	}
	return KISCRM_OK;
}

static int check_scheme(run *x)
{
	const kiscrm_config *cfg = kiscrm_db_config(x->db);
	for (size_t i = 0; i < x->s->nind; i++) {
		const kc_kpi_indicator *ind = &x->s->ind[i];
		for (size_t j = 0; j < ind->nroles; j++)
			if (kiscrm_config_role_find(cfg, ind->roles[j]) < 0)
				return kc_error_set_at(KISCRM_EINVALID, x->s->file, ind->line, ind->column, "roles",
						       ind->roles[j],
						       "%s:%d:%d: indicator '%s': role '%s' is not configured (roles.yaml)",
						       x->s->file, ind->line, ind->column, ind->key, ind->roles[j]);
	}
	return KISCRM_OK;
}

static int cmp_subject(const void *a, const void *b)
{
	const subject *x = a, *y = b;
	if (x->total > y->total + TIE_EPS)
		return -1;
	if (y->total > x->total + TIE_EPS)
		return 1;
	int c = strcmp(x->name ? x->name : "", y->name ? y->name : "");
	if (c)
		return c;
	kiscrm_id ix = x->staff_id ? x->staff_id : x->dept_id, iy = y->staff_id ? y->staff_id : y->dept_id;
	return ix < iy ? -1 : ix > iy;
}

static int rank_subjects(run *x)
{
	if (!x->n)
		return KISCRM_OK;
	kc_sort(x->subj, x->n, sizeof(*x->subj), cmp_subject);
	double *totals = calloc(x->n, sizeof(double));
	int64_t *ranks = calloc(x->n, sizeof(int64_t));
	if (!totals || !ranks) {
		free(totals);
		free(ranks);
		return kc_error_oom();
	}
	for (size_t i = 0; i < x->n; i++)
		totals[i] = x->subj[i].total;
	kc_kpi_rank(totals, x->n, ranks);
	for (size_t i = 0; i < x->n; i++)
		x->subj[i].rank = ranks[i];
	free(totals);
	free(ranks);
	return KISCRM_OK;
}

static int score_run(run *x, kiscrm_db *db, const kiscrm_kpi_scheme *s, const kiscrm_report_options *opts,
		     int level)
{
	int rc;
	memset(x, 0, sizeof(*x));
	x->db = db;
	x->s = s;
	x->level = level;
	if ((rc = kc_check_db(db)))
		return rc;
	if (!s)
		return kc_error_set(KISCRM_EINVALID, "KPI scheme is NULL");
	if ((rc = kc_report_begin(&x->r, db, opts)))
		return rc;
	x->began = 1;
	if (x->r.from == KISCRM_DATE_NONE || x->r.to == KISCRM_DATE_NONE)
		return kc_error_set(KISCRM_EINVALID,
				    "KPI scoring needs a window: set from and to, or a period, in the report options");
	if ((rc = check_scheme(x)))
		return rc;
	kiscrm_query qd = { 0, NULL, 0x3 };
	if ((rc = kc_db_scan(db, &kc_department_def, &qd, dept_cb, x)))
		return rc;
	kiscrm_query qs = { 0, NULL, 0 };
	if ((rc = kc_db_scan(db, &kc_staff_def, &qs, staff_cb, x)))
		return rc;
	if (level == LEVEL_DEPARTMENT && (rc = build_departments(x)))
		return rc;
	if ((rc = kc_kpi_cache_new(&x->cache)))
		return rc;
	for (size_t i = 0; i < x->n; i++)
		if ((rc = score_subject(x, &x->subj[i])))
			return rc;
	return rank_subjects(x);
}

/* ------------------------------------------------------------------------------------ */
/* Tables                                                                                */

static int cell_text(kiscrm_table *t, size_t row, int col, const char *v)
{
	return v ? kiscrm_table_set_text(t, row, (size_t)col, v) : KISCRM_OK;
}

static int emit_line(run *x, kiscrm_table *t, size_t row, size_t base, const line *l, int zh)
{
	const kc_kpi_indicator *ind = &x->s->ind[l->ind];
	const kiscrm_kpi_metric *m = kiscrm_kpi_metric_find(ind->metric);
	int money = m && m->unit == KISCRM_KPI_UNIT_MONEY;
	int scope = ind->scope;
	int rc;
	if (x->level == LEVEL_DEPARTMENT && scope == KISCRM_KPI_SCOPE_PERSON)
		scope = KISCRM_KPI_SCOPE_DEPARTMENT;
	if ((rc = kiscrm_table_set_text(t, row, base, ind->key)) ||
	    (rc = kiscrm_table_set_text(t, row, base + 1, zh ? ind->zh : ind->en)) ||
	    (rc = kiscrm_table_set_text(t, row, base + 2, ind->metric)) ||
	    (rc = kiscrm_table_set_text(t, row, base + 3, kc_kpi_scope_name(scope))) ||
	    (rc = kiscrm_table_set_text(t, row, base + 4, kc_kpi_unit_name(m ? m->unit : 0))) ||
	    (rc = kiscrm_table_set_text(t, row, base + 5, kc_kpi_rule_name(ind->rule))))
		return rc;
	if (l->v.has_actual && ((rc = kiscrm_table_set_rate(t, row, base + 6, l->v.actual)) ||
				(money && (rc = kiscrm_table_set_int(t, row, base + 8, l->v.actual_money)))))
		return rc;
	if (l->has_target && ((rc = kiscrm_table_set_rate(t, row, base + 7, l->target)) ||
			      (money && (rc = kiscrm_table_set_int(t, row, base + 9, l->target_money)))))
		return rc;
	if (l->has_ratio && (rc = kiscrm_table_set_rate(t, row, base + 10, l->ratio)))
		return rc;
	if ((rc = kiscrm_table_set_rate(t, row, base + 11, l->raw)) ||
	    (rc = kiscrm_table_set_int(t, row, base + 12, ind->weight)) ||
	    (rc = kiscrm_table_set_rate(t, row, base + 13, l->weighted)))
		return rc;
	return l->note[0] ? kiscrm_table_set_text(t, row, base + 14, l->note) : KISCRM_OK;
}

static int emit_card(run *x, kiscrm_table **out, const char *name)
{
	static const char *const lead_person[] = { "staff_id:int", "name:text", "department:text", "role:text", NULL };
	static const char *const lead_dept[] = { "staff_id:int", "department_id:int", "name:text", "department:text",
						 "role:text", NULL };
	static const char *const cols[] = {
		"indicator:text", "indicator_name:text", "metric:text", "scope:text", "unit:text", "rule:text",
		"actual:rate", "target:rate", "actual_amount:money", "target_amount:money", "ratio:rate",
		"raw_score:rate", "weight:int", "weighted_score:rate", "note:text", "total:rate", "grade:text",
		"rank:int", NULL,
	};
	kiscrm_table *t = NULL;
	int dl = x->level == LEVEL_DEPARTMENT;
	size_t base = dl ? 5 : 4;
	int zh = x->r.o.lang && strcmp(x->r.o.lang, "zh") == 0;
	int rc = kiscrm_table_new(&t, name);
	if (rc)
		return rc;
	kc_report_label(t, x->r.db);
	if ((rc = kc_add_columns(t, dl ? lead_dept : lead_person)) || (rc = kc_add_columns(t, cols)) ||
	    (rc = kiscrm_table_set_money_decimals(t, x->r.decimals)))
		goto fail;
	for (size_t i = 0; i < x->n; i++) {
		const subject *sj = &x->subj[i];
		for (size_t k = 0; k <= sj->nlines; k++) {
			int sub = k == sj->nlines;
			int row = kiscrm_table_add_row(t, sub ? KISCRM_ROW_SUBTOTAL : KISCRM_ROW_DETAIL);
			if (row < 0) {
				rc = row;
				goto fail;
			}
			size_t r = (size_t)row;
			if ((sj->staff_id && (rc = kiscrm_table_set_int(t, r, 0, sj->staff_id))) ||
			    (dl && (rc = kiscrm_table_set_int(t, r, 1, sj->dept_id))) ||
			    (rc = cell_text(t, r, dl ? 2 : 1, sj->name)) ||
			    (rc = cell_text(t, r, dl ? 3 : 2, sj->dept_name)) ||
			    (rc = cell_text(t, r, dl ? 4 : 3, sj->role)))
				goto fail;
			if (!sub) {
				if ((rc = emit_line(x, t, r, base, &sj->lines[k], zh)))
					goto fail;
				continue;
			}
			if ((sj->veto && (rc = kiscrm_table_set_text(t, r, base + 14, "veto"))) ||
			    (rc = kiscrm_table_set_rate(t, r, base + 15, sj->total)) ||
			    (rc = cell_text(t, r, (int)base + 16, kc_kpi_grade_of(x->s, sj->total))) ||
			    (rc = kiscrm_table_set_int(t, r, base + 17, sj->rank)))
				goto fail;
		}
	}
	*out = t;
	return KISCRM_OK;
fail:
	kiscrm_table_free(t);
	return rc;
}

static int card_report(kiscrm_table **out, kiscrm_db *db, const kiscrm_kpi_scheme *scheme,
		       const kiscrm_report_options *opts, int level, const char *name)
{
	run x;
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "output table pointer is NULL");
	*out = NULL;
	int rc = score_run(&x, db, scheme, opts, level);
	if (rc == 0)
		rc = emit_card(&x, out, name);
	run_dispose(&x);
	return rc;
}

int kiscrm_kpi_score(kiscrm_table **out, kiscrm_db *db, const kiscrm_kpi_scheme *scheme,
		     const kiscrm_report_options *opts)
{
	return card_report(out, db, scheme, opts, LEVEL_PERSON, "kpi");
}

int kiscrm_kpi_score_departments(kiscrm_table **out, kiscrm_db *db, const kiscrm_kpi_scheme *scheme,
				 const kiscrm_report_options *opts)
{
	return card_report(out, db, scheme, opts, LEVEL_DEPARTMENT, "kpi-departments");
}

int kiscrm_report_kpi(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts)
{
	kiscrm_kpi_scheme *s = NULL;
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "output table pointer is NULL");
	*out = NULL;
	int rc = kiscrm_kpi_scheme_load_default(&s, db);
	if (rc == 0)
		rc = kiscrm_kpi_score(out, db, s, opts);
	kiscrm_kpi_scheme_free(s);
	return rc;
}

/* ------------------------------------------------------------------------------------ */
/* Roll-up                                                                               */

typedef struct dept_acc {
	kiscrm_id id;
	const char *name;
	int64_t people;
	double sum, min, max;
	int64_t rank;
} dept_acc;

static int cmp_acc(const void *a, const void *b)
{
	const dept_acc *x = a, *y = b;
	double ax = x->sum / (double)x->people, ay = y->sum / (double)y->people;
	if (ax > ay + TIE_EPS)
		return -1;
	if (ay > ax + TIE_EPS)
		return 1;
	int c = strcmp(x->name, y->name);
	return c ? c : (x->id < y->id ? -1 : x->id > y->id);
}

static int grades_text(const run *x, kiscrm_buf *b, kiscrm_id dept, int all)
{
	int rc = 0, first = 1;
	for (size_t g = 0; rc == 0 && g < x->s->ngrades; g++) {
		int64_t n = 0;
		for (size_t i = 0; i < x->n; i++)
			if ((all || x->subj[i].dept_id == dept) &&
			    strcmp(kc_kpi_grade_of(x->s, x->subj[i].total), x->s->grades[g].grade) == 0)
				n++;
		if (!n)
			continue;
		rc = kc_buf_printf(b, "%s%s:%lld", first ? "" : ",", x->s->grades[g].grade, (long long)n);
		first = 0;
	}
	return rc;
}

static int rollup_row(const run *x, kiscrm_table *t, const dept_acc *a, int total)
{
	kiscrm_buf b = KISCRM_BUF_INIT;
	int row = kiscrm_table_add_row(t, total ? KISCRM_ROW_TOTAL : KISCRM_ROW_DETAIL), rc;
	if (row < 0)
		return row;
	size_t r = (size_t)row;
	double avg = a->people ? a->sum / (double)a->people : 0;
	if ((!total && (rc = kiscrm_table_set_int(t, r, 0, a->id))) ||
	    (!total && (rc = kiscrm_table_set_text(t, r, 1, a->name))) ||
	    (rc = kiscrm_table_set_int(t, r, 2, a->people)))
		return rc;
	if (a->people &&
	    ((rc = kiscrm_table_set_rate(t, r, 3, avg)) || (rc = kiscrm_table_set_rate(t, r, 4, a->min)) ||
	     (rc = kiscrm_table_set_rate(t, r, 5, a->max)) ||
	     (rc = kiscrm_table_set_text(t, r, 6, kc_kpi_grade_of(x->s, avg)))))
		return rc;
	if ((rc = grades_text(x, &b, a->id, total)) == 0 && b.ptr)
		rc = kiscrm_table_set_text(t, r, 7, b.ptr);
	kiscrm_buf_dispose(&b);
	if (rc == 0 && !total)
		rc = kiscrm_table_set_int(t, r, 8, a->rank);
	return rc;
}

static void acc_add(dept_acc *a, double v)
{
	if (!a->people || v < a->min)
		a->min = v;
	if (!a->people || v > a->max)
		a->max = v;
	a->sum += v;
	a->people++;
}

static int emit_rollup(run *x, kiscrm_table **out)
{
	static const char *const cols[] = { "department_id:int", "department:text", "people:int", "average:rate",
					    "min:rate", "max:rate", "grade:text", "grades:text", "rank:int", NULL };
	dept_acc *acc = calloc(x->n ? x->n : 1, sizeof(*acc));
	kiscrm_table *t = NULL;
	size_t nacc = 0;
	int rc;
	if (!acc)
		return kc_error_oom();
	for (size_t i = 0; i < x->n; i++) {
		size_t j;
		for (j = 0; j < nacc && acc[j].id != x->subj[i].dept_id; j++)
			;
		if (j == nacc) {
			acc[nacc].id = x->subj[i].dept_id;
			acc[nacc].name = x->subj[i].dept_name;
			nacc++;
		}
		acc_add(&acc[j], x->subj[i].total);
	}
	kc_sort(acc, nacc, sizeof(*acc), cmp_acc);
	double *avg = calloc(nacc ? nacc : 1, sizeof(double));
	int64_t *ranks = calloc(nacc ? nacc : 1, sizeof(int64_t));
	if (!avg || !ranks) {
		rc = kc_error_oom();
		goto done;
	}
	for (size_t i = 0; i < nacc; i++)
		avg[i] = acc[i].sum / (double)acc[i].people;
	kc_kpi_rank(avg, nacc, ranks);
	for (size_t i = 0; i < nacc; i++)
		acc[i].rank = ranks[i];
	if ((rc = kiscrm_table_new(&t, "kpi-rollup")) || (kc_report_label(t, x->r.db), 0) ||
	    (rc = kc_add_columns(t, cols)))
		goto done;
	for (size_t i = 0; rc == 0 && i < nacc; i++)
		rc = rollup_row(x, t, &acc[i], 0);
	if (rc == 0) {
		dept_acc all;
		memset(&all, 0, sizeof(all));
		all.name = "";
		for (size_t i = 0; i < x->n; i++)
			acc_add(&all, x->subj[i].total);
		rc = rollup_row(x, t, &all, 1);
	}
done:
	free(avg);
	free(ranks);
	free(acc);
	return kc_report_deliver(out, t, rc);
}

int kiscrm_kpi_rollup(kiscrm_table **out, kiscrm_db *db, const kiscrm_kpi_scheme *scheme,
		      const kiscrm_report_options *opts)
{
	run x;
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "output table pointer is NULL");
	*out = NULL;
	int rc = score_run(&x, db, scheme, opts, LEVEL_PERSON);
	if (rc == 0)
		rc = emit_rollup(&x, out);
	run_dispose(&x);
	return rc;
}
