/* The one rule for opportunities outside the loaded configuration (doc/reports.md,
 * "Records outside the configuration"): a report that places opportunities by their
 * stage refuses to run while some opportunity is at a stage its pipeline does not have,
 * or in a pipeline the configuration does not have (a stage or pipeline renamed or
 * removed in pipelines.yaml after the data was written). Guessing where such a deal
 * belongs would give figures that look right and are not; the error names the records
 * and the two ways out. Reports that do not place opportunities by stage are unaffected.
 *
 * The check is one query per pipeline through the storage layer's read chokepoint:
 * "pipeline = P and stage <> each configured stage" (the default pipeline also
 * matches records without a pipeline), and "pipeline <> each configured pipeline".
 * A report that reads every opportunity anyway (the forecast engine) checks the rows as
 * they pass instead (kc_stage_check_*): the same offenders, the same message, and no
 * scans of their own — which on SQLite cost a third of the gap report. */
#include "analytics/report.h"
#include "config/pipeline_config.h"
#include "core/error.h"
#include "core/field.h"
#include "kiscrm/pipeline.h"
#include "pipeline/kinds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* At most this many opportunities are named in the message. */
#define NAMED 3

typedef struct offenders {
	size_t n;
	kiscrm_id ids[NAMED];
	char stage[64], pipeline[64];
} offenders;

static void offender_add(offenders *o, kiscrm_id id, const char *pipeline, const char *stage)
{
	if (o->n == 0) {
		snprintf(o->stage, sizeof(o->stage), "%s", stage ? stage : "");
		snprintf(o->pipeline, sizeof(o->pipeline), "%s", pipeline ? pipeline : "");
	}
	if (o->n < NAMED)
		o->ids[o->n] = id;
	o->n++;
}

static const char *text_or_null(const kiscrm_value *v)
{
	return v->type == KISCRM_TYPE_TEXT ? v->u.s : NULL;
}

static int offender_cb(void *payload, const kiscrm_value *row)
{
	offender_add(payload, row[0].u.i, text_or_null(&row[KC_FI(KISCRM_OPPORTUNITY_PIPELINE)]),
		     text_or_null(&row[KC_FI(KISCRM_OPPORTUNITY_STAGE)]));
	return 0;
}

static kiscrm_cond text_cond(int field, int op, const char *text)
{
	kiscrm_cond c;
	memset(&c, 0, sizeof(c));
	c.field = field;
	c.op = op;
	c.value.type = text ? KISCRM_TYPE_TEXT : KISCRM_TYPE_NULL;
	c.value.u.s = text;
	return c;
}

static int scan(kiscrm_db *db, kiscrm_cond *conds, size_t n, offenders *o)
{
	kiscrm_query q = { (int)n, conds,
			   KC_BIT(KISCRM_OPPORTUNITY_STAGE) | KC_BIT(KISCRM_OPPORTUNITY_PIPELINE) };
	return kc_db_scan(db, &kc_opportunity_def, &q, offender_cb, o);
}

/* Opportunities of pipeline p (index) at a stage p does not have. */
static int unknown_stages(kiscrm_db *db, size_t p, offenders *o)
{
	const kc_pipeline *pl = kc_config_pipeline(db->config, p);
	kiscrm_cond *c = calloc(pl->nstages + 1, sizeof(*c));
	if (!c)
		return kc_error_oom();
	for (size_t s = 0; s < pl->nstages; s++)
		c[s + 1] = text_cond(KISCRM_OPPORTUNITY_STAGE, KISCRM_OP_NE, pl->stages[s].key);
	c[0] = text_cond(KISCRM_OPPORTUNITY_PIPELINE, KISCRM_OP_EQ, pl->key);
	int rc = scan(db, c, pl->nstages + 1, o);
	if (rc == 0 && p == 0) { /* no pipeline: the default one */
		c[0] = text_cond(KISCRM_OPPORTUNITY_PIPELINE, KISCRM_OP_EQ, NULL);
		rc = scan(db, c, pl->nstages + 1, o);
	}
	free(c);
	return rc;
}

/* Opportunities naming a pipeline the configuration does not have. */
static int unknown_pipelines(kiscrm_db *db, offenders *o)
{
	size_t n = kiscrm_config_pipeline_count(db->config);
	kiscrm_cond *c = calloc(n, sizeof(*c));
	if (!c)
		return kc_error_oom();
	for (size_t p = 0; p < n; p++)
		c[p] = text_cond(KISCRM_OPPORTUNITY_PIPELINE, KISCRM_OP_NE, kc_config_pipeline(db->config, p)->key);
	int rc = scan(db, c, n, o);
	free(c);
	return rc;
}

static int refuse(const offenders *o, int pipeline_unknown)
{
	/* "opportunity 7 is" or "3 opportunities (ids 7, 9, 12 …) are" */
	char who[NAMED * 24 + 64];
	size_t len;
	if (o->n == 1) {
		len = (size_t)snprintf(who, sizeof(who), "opportunity %lld is", (long long)o->ids[0]);
	} else {
		len = (size_t)snprintf(who, sizeof(who), "%zu opportunities (ids ", o->n);
		for (size_t i = 0; i < o->n && i < NAMED; i++)
			len += (size_t)snprintf(who + len, sizeof(who) - len, "%s%lld", i ? ", " : "",
						(long long)o->ids[i]);
		snprintf(who + len, sizeof(who) - len, "%s) are", o->n > NAMED ? " …" : "");
	}
	if (pipeline_unknown)
		return kc_error_set(KISCRM_ECONFIG,
				    "%s in pipeline '%s', which the loaded configuration does not have "
				    "(renamed or removed in pipelines.yaml?); this report places opportunities "
				    "by stage: add the pipeline back to the configuration, or change the "
				    "opportunities' pipeline", who, o->pipeline);
	return kc_error_set(KISCRM_ECONFIG,
			    "%s at stage '%s', which pipeline '%s' of the loaded configuration does not have "
			    "(renamed or removed in pipelines.yaml?); this report places opportunities by "
			    "stage: add the stage back to the configuration, or move the opportunities to a "
			    "configured stage (kiscrm_opportunity_move)",
			    who, o->stage, o->pipeline[0] ? o->pipeline : "default");
}

/* ---- the same rule on the distinct (pipeline, stage) pairs --------------------------- */

typedef struct pair_check {
	const kc_report *r;
	int all_pipelines;
	int broken; /* a pair breaks the rule: the queries above name the records */
} pair_check;

static int pair_cb(void *payload, const kiscrm_value *row)
{
	pair_check *c = payload;
	const char *pipeline = text_or_null(&row[KC_FI(KISCRM_OPPORTUNITY_PIPELINE)]);
	const char *stage = text_or_null(&row[KC_FI(KISCRM_OPPORTUNITY_STAGE)]);
	int p = kc_config_pipeline_index(c->r->db->config, pipeline); /* no pipeline: the default */
	if (p < 0 || (stage && (c->all_pipelines || p == c->r->pipeline) &&
		      kc_pipeline_stage_index(kc_config_pipeline(c->r->db->config, (size_t)p), stage) < 0)) {
		/* a pipeline nobody configured, or a stage its pipeline lacks (as in SQL,
		 * "stage <> s" holds for no row without a stage) */
		c->broken = 1;
		return 1;
	}
	return 0;
}

/* Where rows travel over a network and the backend lists distinct values
 * (kc_db_has_distinct), the rule holds when every (pipeline, stage) pair of the
 * opportunities is configured: one query whose answer is a handful of rows, instead of
 * one scan per pipeline and one for unknown pipelines (on PostgreSQL at 200,000
 * opportunities: 37 ms against 115 ms, of a gap report of 378 ms). Only when a pair
 * breaks the rule do the scans run, to name the records. On SQLite the scans cost less
 * than SELECT DISTINCT, which sorts every row into a temporary B-tree (1.06 against
 * 1.11 s for the stage-probabilities report at 1,000,000 opportunities). */
static int pairs_configured(kc_report *r, int all_pipelines, int *ok)
{
	pair_check c = { r, all_pipelines, 0 };
	kiscrm_query q = { 0, NULL, KC_BIT(KISCRM_OPPORTUNITY_STAGE) | KC_BIT(KISCRM_OPPORTUNITY_PIPELINE) };
	int rc = kc_db_distinct(r->db, &kc_opportunity_def, &q, pair_cb, &c);
	*ok = !c.broken;
	return c.broken ? KISCRM_OK : rc;
}

int kc_report_stages_known(kc_report *r)
{
	kc_stamp now;
	return r->db->stages_hold && kc_db_stamp(r->db, KISCRM_KIND_OPPORTUNITY, &now) &&
	       kc_stamp_equal(&now, &r->db->stages_hold_at);
}

void kc_report_stages_hold(kc_report *r, const kc_stamp *at)
{
	r->db->stages_hold = 1;
	r->db->stages_hold_at = *at;
}

/* The rule's queries: the distinct pairs where the server lists them, else a scan per
 * pipeline and one for unknown pipelines, naming the offenders. */
static int rule_scans(kc_report *r, int all_pipelines)
{
	offenders o;
	memset(&o, 0, sizeof(o));
	if (r->db->remote_rows && kc_db_has_distinct(r->db)) {
		int ok = 0, rc = pairs_configured(r, all_pipelines, &ok);
		if (rc || ok)
			return rc;
	}
	size_t n = kiscrm_config_pipeline_count(r->db->config);
	for (size_t p = 0; p < n; p++) {
		if (!all_pipelines && (int)p != r->pipeline)
			continue;
		int rc = unknown_stages(r->db, p, &o);
		if (rc)
			return rc;
		if (o.n)
			return refuse(&o, 0);
	}
	/* a pipeline nobody configured is outside every report of pipelines */
	int rc = unknown_pipelines(r->db, &o);
	if (rc)
		return rc;
	return o.n ? refuse(&o, 1) : KISCRM_OK;
}

int kc_report_require_configured_stages(kc_report *r, int all_pipelines)
{
	/* held for every pipeline, and nothing changed since: it holds for any one */
	if (kc_report_stages_known(r))
		return KISCRM_OK;
	kc_stamp at;
	int stamped = kc_db_stamp(r->db, KISCRM_KIND_OPPORTUNITY, &at);
	int rc = rule_scans(r, all_pipelines);
	if (rc == 0 && stamped && all_pipelines)
		kc_report_stages_hold(r, &at);
	return rc;
}

/* ---- the same rule on rows a report reads anyway ----------------------------------- */

/* Offenders by where the queries above would find them: per pipeline (in order), the
 * rows without a pipeline (the default pipeline's second query), and the rows of an
 * unknown pipeline. */
struct kc_stage_check {
	size_t npipelines;
	offenders none, unknown;
	offenders per[]; /* npipelines */
};

int kc_stage_check_begin(kc_stage_check **out, const kiscrm_config *cfg)
{
	size_t n = kiscrm_config_pipeline_count(cfg);
	kc_stage_check *c = calloc(1, sizeof(*c) + n * sizeof(c->per[0]));
	if (!c)
		return kc_error_oom();
	c->npipelines = n;
	*out = c;
	return KISCRM_OK;
}

void kc_stage_check_row(kc_stage_check *c, kiscrm_id id, int pipe, const char *pipeline, const char *stage,
			int stage_known)
{
	if (pipe < 0) {
		offender_add(&c->unknown, id, pipeline, stage);
		return;
	}
	/* as in SQL, "stage <> s" holds for no row without a stage */
	if (!stage || stage_known)
		return;
	offender_add(pipeline ? &c->per[pipe] : &c->none, id, pipeline, stage);
}

int kc_stage_check_end(kc_stage_check *c)
{
	if (!c)
		return KISCRM_OK;
	int rc = KISCRM_OK;
	for (size_t p = 0; rc == 0 && p < c->npipelines; p++) {
		offenders o = c->per[p];
		if (p == 0) { /* the query for rows without a pipeline runs second: its rows follow */
			size_t named = c->none.n < NAMED ? c->none.n : NAMED;
			for (size_t i = 0; i < named; i++)
				offender_add(&o, c->none.ids[i], NULL, c->none.stage);
			o.n += c->none.n - named;
		}
		if (o.n)
			rc = refuse(&o, 0);
	}
	if (rc == 0 && c->unknown.n)
		rc = refuse(&c->unknown, 1);
	free(c);
	return rc;
}
