/* Opportunities (商机) and their stage history: fields derived from the pipeline stage
 * (probability, forecast category, status, closed date), the size class, and stage
 * moves recorded as history entries — the raw material of funnel conversion, ageing
 * and velocity. */
#include "pipeline/pipeline_internal.h"
#include "core/field.h"
#include "entities/kinds.h"
#include "pipeline/kinds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/pipeline_config.h"
#include "core/buf.h"
#include "core/error.h"
#include "kiscrm/money_flow.h"
#include "storage/checks.h"
#include "kiscrm/date.h"
#include "kiscrm/org.h"
#include "storage/record.h"

#define SECONDS_PER_DAY 86400

static const char *const statuses[] = { "open", "won", "lost", "abandoned", NULL };

static const char *opp_text(const kiscrm_record *rec, int field)
{
	return kc_record_str(rec, field);
}

/* ------------------------------------------------------------------------------------ */
/* Derivations                                                                           */

/* The pipeline of an opportunity: its key is filled in with the default's when NULL. */
static int resolve_pipeline(const kc_pipeline **out, size_t *index, kiscrm_db *db,
			    kiscrm_record *rec)
{
	const char *key = opp_text(rec, KISCRM_OPPORTUNITY_PIPELINE);
	int p, rc;

	if (!key) {
		const kc_pipeline *def = kc_config_pipeline(db->config, 0);
		if (!def)
			return kc_error_set(KISCRM_ECONFIG, "no pipeline is configured");
		if ((rc = kc_record_put_text(rec, KISCRM_OPPORTUNITY_PIPELINE, def->key)) < 0)
			return rc;
		*out = def;
		*index = 0;
		return KISCRM_OK;
	}
	p = kiscrm_config_pipeline_find(db->config, key);
	if (p < 0)
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "pipeline", key,
				       "opportunity.pipeline: '%s' is not a pipeline of pipelines.yaml",
				       key);
	*out = kc_config_pipeline(db->config, (size_t)p);
	*index = (size_t)p;
	return KISCRM_OK;
}

/* Stage @key of pipeline @pl, or NULL. */
static const kc_stage *stage_of(const kc_pipeline *pl, const char *key)
{
	for (size_t i = 0; key && i < pl->nstages; i++)
		if (strcmp(pl->stages[i].key, key) == 0)
			return &pl->stages[i];
	return NULL;
}

static int same_text(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* On update, the pipeline and the stage may only change through a move (the context of
 * kiscrm_opportunity_move carries KC_WRITE_MOVE). */
static int check_stage_change(const kc_write_ctx *ctx, const kiscrm_record *rec,
			      const kiscrm_record *old)
{
	kiscrm_id id = kiscrm_record_id(rec);
	const char *stage = opp_text(rec, KISCRM_OPPORTUNITY_STAGE);
	const char *was = opp_text(old, KISCRM_OPPORTUNITY_STAGE);
	const char *pipe = opp_text(rec, KISCRM_OPPORTUNITY_PIPELINE);
	const char *pwas = opp_text(old, KISCRM_OPPORTUNITY_PIPELINE);

	if (pwas && !same_text(pipe, pwas))
		return kc_error_set_at(KISCRM_ECONFLICT, NULL, 0, 0, "pipeline", pipe,
				       "opportunity %lld: the pipeline cannot be changed from '%s' to '%s'",
				       (long long)id, pwas, pipe);
	if ((ctx->flags & KC_WRITE_MOVE) || !stage || same_text(stage, was))
		return KISCRM_OK;
	return kc_error_set_at(KISCRM_ECONFLICT, NULL, 0, 0, "stage", stage,
			       "opportunity %lld: the stage cannot be changed from '%s' to '%s' by an "
			       "update; use kiscrm_opportunity_move() so that the move is recorded",
			       (long long)id, was ? was : "", stage);
}

/* Values the caller sets by hand: checked, never derived. */
static int check_inputs(kiscrm_db *db, const kiscrm_record *rec)
{
	const kc_analysis *a = kc_config_analysis(db->config);
	const char *reason = opp_text(rec, KISCRM_OPPORTUNITY_REASON_CATEGORY);
	int rc;

	if (!kc_record_null(rec, KISCRM_OPPORTUNITY_AMOUNT) &&
	    kc_record_num(rec, KISCRM_OPPORTUNITY_AMOUNT) < 0) {
		char v[32];
		snprintf(v, sizeof(v), "%lld",
			 (long long)kc_record_num(rec, KISCRM_OPPORTUNITY_AMOUNT));
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "amount", v,
				       "opportunity.amount must not be negative (%s minor units)", v);
	}
	if ((rc = kc_check_enum(rec, KISCRM_OPPORTUNITY_SOURCE, kc_pipeline_sources)) < 0 ||
	    (rc = kc_check_enum(rec, KISCRM_OPPORTUNITY_STATUS, statuses)) < 0)
		return rc;
	if (reason) {
		for (size_t i = 0; a && i < a->nreasons; i++)
			if (strcmp(a->reasons[i].key, reason) == 0)
				return KISCRM_OK;
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "reason_category", reason,
				       "opportunity.reason_category: '%s' is not a reason category of "
				       "analysis.yaml", reason);
	}
	return KISCRM_OK;
}

static int derive_probability(kiscrm_record *rec, const kc_stage *st)
{
	int64_t manual = kc_record_num(rec, KISCRM_OPPORTUNITY_PROBABILITY_MANUAL);

	if (manual != 0 && manual != 1) {
		char v[32];
		snprintf(v, sizeof(v), "%lld", (long long)manual);
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "probability_manual", v,
				       "opportunity.probability_manual must be 0 or 1, not %s", v);
	}
	/* A value outside 0..100 is refused even when the stage would replace it: it is a
	 * caller's mistake either way. */
	int64_t p = kc_record_num(rec, KISCRM_OPPORTUNITY_PROBABILITY);
	if (p < 0 || p > 100) {
		char v[32];
		snprintf(v, sizeof(v), "%lld", (long long)p);
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "probability", v,
				       "opportunity.probability %s is outside 0..100", v);
	}
	if (manual == 1) {
		if (kc_record_null(rec, KISCRM_OPPORTUNITY_PROBABILITY))
			return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "probability", NULL,
					       "opportunity.probability is required when "
					       "probability_manual is 1");
		return KISCRM_OK;
	}
	kc_record_put_int(rec, KISCRM_OPPORTUNITY_PROBABILITY_MANUAL, 0);
	kc_record_put_int(rec, KISCRM_OPPORTUNITY_PROBABILITY, st->probability);
	return KISCRM_OK;
}

static int derive_status(kiscrm_record *rec, const kc_stage *st)
{
	const char *status = opp_text(rec, KISCRM_OPPORTUNITY_STATUS);

	if (status && strcmp(status, "abandoned") == 0) {
		if (st->terminal == KISCRM_STAGE_LOST)
			return KISCRM_OK; /* a lost opportunity may be marked abandoned by hand */
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "status", status,
				       "opportunity.status 'abandoned' needs a lost stage, not '%s'",
				       st->key);
	}
	return kc_record_put_literal(rec, KISCRM_OPPORTUNITY_STATUS,
				     st->terminal == KISCRM_STAGE_WON    ? "won"
				     : st->terminal == KISCRM_STAGE_LOST ? "lost"
									 : "open");
}

/* Closed date: kept when given, else from the stored record, else the created date or
 * today; cleared on a working stage. (A move sets it to the move's date itself.) */
static void derive_closed(kiscrm_record *rec, const kiscrm_record *old, const kc_stage *st)
{
	if (st->terminal == KISCRM_STAGE_OPEN) {
		kiscrm_record_set_null(rec, KISCRM_OPPORTUNITY_CLOSED);
		return;
	}
	if (!kc_record_null(rec, KISCRM_OPPORTUNITY_CLOSED))
		return;
	if (old && !kc_record_null(old, KISCRM_OPPORTUNITY_CLOSED))
		kc_record_put_int(rec, KISCRM_OPPORTUNITY_CLOSED,
				  kc_record_num(old, KISCRM_OPPORTUNITY_CLOSED));
	else /* kc_opportunity_prepare() made sure the creation date is known */
		kc_record_put_int(rec, KISCRM_OPPORTUNITY_CLOSED,
				  kc_record_num(rec, KISCRM_OPPORTUNITY_CREATED));
}

/* The library has no clock: a new opportunity's creation date is the write's time when
 * the caller gave one, else the database's business date, else it must be given. */
static int derive_created(const kc_write_ctx *ctx, kiscrm_record *rec)
{
	if (!kc_record_null(rec, KISCRM_OPPORTUNITY_CREATED))
		return KISCRM_OK;
	kiscrm_date d = ctx->at ? kiscrm_time_date(ctx->at) : ctx->db->today;
	if (d == KISCRM_DATE_NONE)
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "created", NULL,
				       "opportunity.created is required when the database has no "
				       "business date (the library keeps no clock; see kiscrm_db_set_today)");
	kc_record_put_int(rec, KISCRM_OPPORTUNITY_CREATED, d);
	return KISCRM_OK;
}

static int derive_size_class(kiscrm_db *db, kiscrm_record *rec)
{
	const kc_analysis *a = kc_config_analysis(db->config);
	kiscrm_money amount = kc_record_num(rec, KISCRM_OPPORTUNITY_AMOUNT);

	if (!a || kc_record_null(rec, KISCRM_OPPORTUNITY_AMOUNT))
		return kc_record_put_text(rec, KISCRM_OPPORTUNITY_SIZE_CLASS, NULL);
	return kc_record_put_literal(rec, KISCRM_OPPORTUNITY_SIZE_CLASS,
				     amount >= a->large_min    ? "large"
				     : amount >= a->medium_min ? "medium"
							       : "small");
}

typedef struct {
	int field;
	int found;
	int64_t value;
} int_field;

static int int_field_cb(void *payload, const kiscrm_value *row)
{
	int_field *f = payload;
	f->found = row[KC_FI(f->field)].type != KISCRM_TYPE_NULL;
	f->value = row[KC_FI(f->field)].u.i;
	return 0;
}

/* Fills @field with the department of the staff member in @owner_field when NULL. A
 * missing owner is left to the store's reference check, which names it. */
static int derive_department(kiscrm_db *db, kiscrm_record *rec, int field, int owner_field)
{
	int_field f = { KISCRM_STAFF_DEPARTMENT_ID, 0, 0 };
	int rc;

	if (!kc_record_null(rec, field) || kc_record_null(rec, owner_field))
		return KISCRM_OK;
	rc = kc_db_get(db, &kc_staff_def, kc_record_num(rec, owner_field),
		       int_field_cb, &f);
	if (rc == KISCRM_ENOTFOUND)
		return KISCRM_OK;
	if (rc)
		return rc;
	if (f.found)
		kc_record_put_int(rec, field, f.value);
	return KISCRM_OK;
}

int kc_opportunity_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old)
{
	kiscrm_db *db = ctx->db;
	const kc_pipeline *pl;
	const kc_stage *st;
	const char *stage;
	size_t p;
	int rc;

	if ((rc = check_inputs(db, rec)) < 0 || (rc = derive_created(ctx, rec)) < 0 ||
	    (rc = resolve_pipeline(&pl, &p, db, rec)) < 0 ||
	    (old && (rc = check_stage_change(ctx, rec, old)) < 0) ||
	    (rc = derive_size_class(db, rec)) < 0 || (rc = kc_opportunity_derive_resale(db, rec)) < 0 ||
	    (rc = derive_department(db, rec, KISCRM_OPPORTUNITY_DEPARTMENT_ID,
				    KISCRM_OPPORTUNITY_OWNER_ID)) < 0)
		return rc;
	stage = opp_text(rec, KISCRM_OPPORTUNITY_STAGE);
	if (!stage)
		return KISCRM_OK; /* the store reports the missing required stage */
	st = stage_of(pl, stage);
	if (!st)
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "stage", stage,
				       "opportunity.stage: '%s' is not a stage of pipeline '%s'", stage,
				       pl->key);
	if ((rc = derive_probability(rec, st)) < 0 || (rc = derive_status(rec, st)) < 0 ||
	    (rc = kc_record_put_text(rec, KISCRM_OPPORTUNITY_FORECAST_CATEGORY, st->category)) < 0)
		return rc;
	derive_closed(rec, old, st);
	return KISCRM_OK;
}

/* ------------------------------------------------------------------------------------ */
/* Stage history                                                                         */

/* Appends an entry; @by 0 is the system, @amount_null leaves the amount NULL. */
static int history_insert(kiscrm_db *db, kiscrm_id opp, const char *pipeline, const char *from,
			  const char *to, kiscrm_time at, kiscrm_id by, int amount_null,
			  kiscrm_money amount)
{
	kiscrm_record *h;
	int rc = kc_record_new(&h, &kc_stage_history_def);

	if (rc)
		return rc;
	kc_record_put_int(h, KISCRM_STAGE_HISTORY_OPPORTUNITY_ID, opp);
	kc_record_put_int(h, KISCRM_STAGE_HISTORY_AT, at);
	if (by > 0)
		kc_record_put_int(h, KISCRM_STAGE_HISTORY_BY_ID, by);
	if (!amount_null)
		kc_record_put_int(h, KISCRM_STAGE_HISTORY_AMOUNT, amount);
	if ((rc = kc_record_put_text(h, KISCRM_STAGE_HISTORY_FROM_STAGE, from)) == 0 &&
	    (rc = kc_record_put_text(h, KISCRM_STAGE_HISTORY_TO_STAGE, to)) == 0 &&
	    (rc = kc_record_put_text(h, KISCRM_STAGE_HISTORY_PIPELINE, pipeline)) == 0)
		rc = kiscrm_record_insert(db, h);
	kiscrm_record_free(h);
	return rc;
}

int kc_opportunity_after_insert(const kc_write_ctx *ctx, const kiscrm_record *rec)
{
	kiscrm_db *db = ctx->db;
	kiscrm_time at;

	if (ctx->at)
		at = ctx->at;
	else /* kc_opportunity_prepare() made sure the creation date is known */
		at = (kiscrm_time)kc_record_num(rec, KISCRM_OPPORTUNITY_CREATED) * SECONDS_PER_DAY;
	return history_insert(db, kiscrm_record_id(rec), opp_text(rec, KISCRM_OPPORTUNITY_PIPELINE),
			      NULL, opp_text(rec, KISCRM_OPPORTUNITY_STAGE), at, ctx->actor,
			      kc_record_null(rec, KISCRM_OPPORTUNITY_AMOUNT),
			      kc_record_num(rec, KISCRM_OPPORTUNITY_AMOUNT));
}

int kc_opportunity_insert_at(kiscrm_db *db, kiscrm_record *rec, kiscrm_time at)
{
	kc_write_ctx ctx = kc_write_ctx_of(db);
	ctx.at = at;
	return kc_store_insert(&ctx, rec);
}

typedef struct {
	int found;
	char pipeline[128];
} opp_pipeline;

static int opp_pipeline_cb(void *payload, const kiscrm_value *row)
{
	opp_pipeline *o = payload;
	const kiscrm_value *v = &row[KC_FI(KISCRM_OPPORTUNITY_PIPELINE)];

	o->found = 1;
	if (v->type == KISCRM_TYPE_TEXT)
		snprintf(o->pipeline, sizeof(o->pipeline), "%s", v->u.s);
	return 0;
}

static int check_history_stage(const kc_pipeline *pl, const char *stage, const char *field)
{
	if (!stage || stage_of(pl, stage))
		return KISCRM_OK;
	return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, field, stage,
			       "stage_history.%s: '%s' is not a stage of pipeline '%s'", field, stage,
			       pl->key);
}

int kc_stage_history_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old)
{
	kiscrm_db *db = ctx->db;
	opp_pipeline o = { 0, "" };
	const char *key;
	const kc_pipeline *pl;
	int p, rc;

	if (old)
		return kc_error_set(KISCRM_ECONFLICT,
				    "stage history is append-only: entry %lld cannot be changed",
				    (long long)kiscrm_record_id(old));
	if (!kc_record_null(rec, KISCRM_STAGE_HISTORY_AMOUNT) &&
	    kc_record_num(rec, KISCRM_STAGE_HISTORY_AMOUNT) < 0)
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "amount", NULL,
				       "stage_history.amount must not be negative");
	if (kc_record_null(rec, KISCRM_STAGE_HISTORY_OPPORTUNITY_ID))
		return KISCRM_OK; /* the store reports the missing required field */
	key = kc_record_str(rec, KISCRM_STAGE_HISTORY_PIPELINE);
	if (!key) {
		kiscrm_id opp = kc_record_num(rec, KISCRM_STAGE_HISTORY_OPPORTUNITY_ID);
		rc = kc_db_get(db, &kc_opportunity_def, opp, opp_pipeline_cb, &o);
		if (rc && rc != KISCRM_ENOTFOUND)
			return rc;
		if (!o.found)
			return KISCRM_OK; /* the store reports the missing opportunity */
		p = o.pipeline[0] ? kiscrm_config_pipeline_find(db->config, o.pipeline) : 0;
		if (p < 0)
			return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "pipeline", o.pipeline,
					       "opportunity %lld has pipeline '%s', which is not configured",
					       (long long)opp, o.pipeline);
		pl = kc_config_pipeline(db->config, (size_t)p);
		if ((rc = kc_record_put_text(rec, KISCRM_STAGE_HISTORY_PIPELINE, pl->key)) < 0)
			return rc;
	} else {
		p = kiscrm_config_pipeline_find(db->config, key);
		if (p < 0)
			return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "pipeline", key,
					       "stage_history.pipeline: '%s' is not a pipeline of "
					       "pipelines.yaml", key);
		pl = kc_config_pipeline(db->config, (size_t)p);
	}
	/* Only where the move goes must be configured: `from_stage` records where the
	 * opportunity was, which may be a stage since renamed or removed in the configuration
	 * — moving such an opportunity to a configured stage is the way to repair it. */
	if ((rc = check_history_stage(pl, kc_record_str(rec, KISCRM_STAGE_HISTORY_TO_STAGE),
				      "to_stage")) < 0)
		return rc;
	return KISCRM_OK;
}

/* kiscrm_stage_history_append() inside its transaction: the opportunity's pipeline and
 * amount are read where the entry is written. */
static int append_locked(kiscrm_db *db, kiscrm_id opportunity_id, const char *from_stage,
			 const char *to_stage, kiscrm_time at, kiscrm_id by_id)
{
	kiscrm_record *opp;
	const kc_pipeline *pl;
	size_t p;
	int rc = kiscrm_record_get(&opp, db, KISCRM_KIND_OPPORTUNITY, opportunity_id);

	if (rc)
		return rc;
	if ((rc = resolve_pipeline(&pl, &p, db, opp)) == 0) {
		const char *missing = !stage_of(pl, to_stage)		      ? to_stage
				      : from_stage && !stage_of(pl, from_stage) ? from_stage
										: NULL;
		if (missing)
			rc = kc_error_set_at(KISCRM_ENOTFOUND, NULL, 0, 0, "stage", missing,
					     "pipeline '%s' has no stage '%s'", pl->key, missing);
	}
	if (rc == 0)
		rc = history_insert(db, opportunity_id, pl->key, from_stage, to_stage, at, by_id,
				    kiscrm_record_is_null(opp, KISCRM_OPPORTUNITY_AMOUNT),
				    kiscrm_record_int(opp, KISCRM_OPPORTUNITY_AMOUNT));
	kiscrm_record_free(opp);
	return rc;
}

int kiscrm_stage_history_append(kiscrm_db *db, kiscrm_id opportunity_id, const char *from_stage,
				const char *to_stage, kiscrm_time at, kiscrm_id by_id)
{
	int rc = kc_check_db(db);

	if (rc)
		return rc;
	if (!to_stage)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_stage_history_append: to_stage is NULL");
	if (by_id < 0)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_stage_history_append: by_id %lld is negative",
				    (long long)by_id);
	if ((rc = kc_tx_begin(db)) != 0)
		return rc;
	return kc_tx_end(db, append_locked(db, opportunity_id, from_stage, to_stage, at, by_id));
}

/* ------------------------------------------------------------------------------------ */
/* Moves                                                                                 */

/* Appends @text to a ", "-separated list unless it is there already. */
static int list_add(kiscrm_buf *list, const char *text)
{
	size_t n = strlen(text);

	for (const char *s = list->ptr; s && *s;) {
		const char *e = strstr(s, ", ");
		size_t len = e ? (size_t)(e - s) : strlen(s);
		if (len == n && memcmp(s, text, n) == 0)
			return KISCRM_OK;
		s = e ? e + 2 : s + len;
	}
	return kc_buf_printf(list, "%s%s", list->size ? ", " : "", text);
}

/*
 * Exit criteria of a forward move from stage @from to stage @to: those of @from and of
 * every working stage skipped on the way, so that skipping a stage does not skip its
 * checks. Moving backwards or to a lost stage needs nothing: a lost deal is closed
 * whatever is known about it.
 */
static int check_exit(const kiscrm_record *rec, const kc_pipeline *pl, const kc_stage *from,
		      const kc_stage *to)
{
	kiscrm_buf fields = KISCRM_BUF_INIT, stages = KISCRM_BUF_INIT;
	const char *first = NULL;
	size_t nstages = 0;
	int rc = KISCRM_OK;

	if (!from || to->terminal == KISCRM_STAGE_LOST || to->order <= from->order)
		return KISCRM_OK;
	for (size_t s = from->order; rc == 0 && s < to->order; s++) {
		const kc_stage *st = &pl->stages[s];
		int missing = 0;
		if (st->terminal != KISCRM_STAGE_OPEN)
			continue;
		for (size_t i = 0; rc == 0 && i < st->nexit; i++) {
			int f = kc_field_id(&kc_opportunity_def, st->exit_fields[i]);
			if (f < 0 || !kiscrm_record_is_null(rec, f))
				continue;
			if (!first)
				first = st->exit_fields[i];
			missing = 1;
			rc = list_add(&fields, st->exit_fields[i]);
		}
		if (rc == 0 && missing) {
			nstages++;
			rc = kc_buf_printf(&stages, "%s'%s'", stages.size ? ", " : "", st->key);
		}
	}
	if (rc == 0 && fields.size)
		rc = kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, first, NULL,
				     "opportunity %lld cannot leave stage%s %s: %s not set",
				     (long long)kiscrm_record_id(rec), nstages > 1 ? "s" : "",
				     stages.ptr, fields.ptr);
	kiscrm_buf_dispose(&fields);
	kiscrm_buf_dispose(&stages);
	return rc;
}

static const char *terminal_word(int terminal)
{
	return terminal == KISCRM_STAGE_WON ? "won" : "lost";
}

/* Checks a move and sets @rec up for it (the caller stores it). */
static int plan_move(kiscrm_db *db, kiscrm_record *rec, const char *stage, kiscrm_time at,
		     unsigned int flags, char **from)
{
	kiscrm_id id = kiscrm_record_id(rec);
	const kc_pipeline *pl;
	const kc_stage *cur, *to;
	const char *was;
	size_t p;
	int rc;

	if ((rc = resolve_pipeline(&pl, &p, db, rec)) < 0)
		return rc;
	was = opp_text(rec, KISCRM_OPPORTUNITY_STAGE);
	cur = stage_of(pl, was);
	to = stage_of(pl, stage);
	if (!to)
		return kc_error_set_at(KISCRM_ENOTFOUND, NULL, 0, 0, "stage", stage,
				       "pipeline '%s' has no stage '%s'", pl->key, stage);
	if (cur == to)
		return kc_error_set_at(KISCRM_ECONFLICT, NULL, 0, 0, "stage", stage,
				       "opportunity %lld is already in stage '%s'", (long long)id, stage);
	if (cur && cur->terminal != KISCRM_STAGE_OPEN && !(flags & KISCRM_MOVE_REOPEN))
		return kc_error_set_at(KISCRM_ECONFLICT, NULL, 0, 0, "stage", stage,
				       "opportunity %lld is already %s (stage '%s'); moving it to '%s' "
				       "re-opens it and needs KISCRM_MOVE_REOPEN",
				       (long long)id, terminal_word(cur->terminal), cur->key, stage);
	if ((rc = check_exit(rec, pl, cur, to)) < 0)
		return rc;
	if (was && !(*from = strdup(was)))
		return kc_error_oom();
	if ((rc = kc_record_put_text(rec, KISCRM_OPPORTUNITY_STAGE, to->key)) < 0 ||
	    (rc = kc_record_put_text(rec, KISCRM_OPPORTUNITY_STATUS, NULL)) < 0)
		return rc;
	if (to->terminal != KISCRM_STAGE_OPEN)
		kc_record_put_int(rec, KISCRM_OPPORTUNITY_CLOSED, kiscrm_time_date(at));
	else
		kiscrm_record_set_null(rec, KISCRM_OPPORTUNITY_CLOSED);
	return KISCRM_OK;
}

/* The latest move in an opportunity's stage history (entries leaving a stage). */
typedef struct {
	int found;
	kiscrm_time at;
	char stage[128];
} last_move;

static int last_move_cb(void *payload, const kiscrm_value *row)
{
	last_move *m = payload;
	const kiscrm_value *to = &row[KC_FI(KISCRM_STAGE_HISTORY_TO_STAGE)];

	if (row[KC_FI(KISCRM_STAGE_HISTORY_FROM_STAGE)].type == KISCRM_TYPE_NULL ||
	    (m->found && row[KC_FI(KISCRM_STAGE_HISTORY_AT)].u.i < m->at))
		return 0;
	m->found = 1;
	m->at = row[KC_FI(KISCRM_STAGE_HISTORY_AT)].u.i;
	snprintf(m->stage, sizeof(m->stage), "%s", to->type == KISCRM_TYPE_TEXT ? to->u.s : "");
	return 0;
}

/*
 * A move happens after the opportunity was created and after its previous move: a
 * history out of order would make ageing, velocity and funnel conversion count time
 * backwards. Refused rather than reordered, so that the caller notices the wrong date.
 * The creation is the `created` date; the creation entry of the history is not used
 * because, for an opportunity stored without a created date, it only says when the
 * record was typed in, which may be after moves entered retrospectively.
 */
static int check_move_time(kiscrm_db *db, const kiscrm_record *rec, kiscrm_time at)
{
	kiscrm_id id = kiscrm_record_id(rec);
	char when[32], prev[32];
	last_move m = { 0, 0, "" };
	kiscrm_cond c = { KISCRM_STAGE_HISTORY_OPPORTUNITY_ID, KISCRM_OP_EQ,
			  { KISCRM_TYPE_INT, { .i = id } } };
	kiscrm_query q = { 1, &c,
			   KC_BIT(KISCRM_STAGE_HISTORY_AT) | KC_BIT(KISCRM_STAGE_HISTORY_FROM_STAGE) |
				   KC_BIT(KISCRM_STAGE_HISTORY_TO_STAGE) };
	int rc;

	kiscrm_time_format(when, sizeof(when), at);
	if (!kiscrm_record_is_null(rec, KISCRM_OPPORTUNITY_CREATED) &&
	    kiscrm_time_date(at) < (kiscrm_date)kiscrm_record_int(rec, KISCRM_OPPORTUNITY_CREATED)) {
		kiscrm_date_format(prev, sizeof(prev),
				   (kiscrm_date)kiscrm_record_int(rec, KISCRM_OPPORTUNITY_CREATED));
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "at", when,
				       "opportunity %lld: a move dated %s is before the opportunity "
				       "was created (%s)", (long long)id, when, prev);
	}
	if ((rc = kc_db_scan(db, &kc_stage_history_def, &q, last_move_cb, &m)) != 0)
		return rc;
	if (m.found && at < m.at) {
		kiscrm_time_format(prev, sizeof(prev), m.at);
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "at", when,
				       "opportunity %lld: a move dated %s is before its previous move "
				       "(to '%s' at %s)", (long long)id, when, m.stage, prev);
	}
	return KISCRM_OK;
}

static int first_id_cb(void *payload, const kiscrm_value *row)
{
	kiscrm_id *id = payload;
	if (!*id)
		*id = row[0].u.i;
	return 0;
}

/* The contract of a won opportunity (KISCRM_MOVE_CREATE_CONTRACT), unless one already
 * refers to it. Stored through the public insert: the contract's own rules apply, and
 * its after-insert work moves the opportunity's collection plan to it. */
static int create_contract(kiscrm_db *db, const kiscrm_record *opp, kiscrm_time at)
{
	kiscrm_id id = kiscrm_record_id(opp), existing = 0;
	kiscrm_cond c = { KISCRM_CONTRACT_OPPORTUNITY_ID, KISCRM_OP_EQ, { KISCRM_TYPE_INT, { .i = id } } };
	kiscrm_query q = { 1, &c, KC_BIT(0) };
	int rc = kc_db_scan(db, kc_db_def(db, KISCRM_KIND_CONTRACT), &q, first_id_cb, &existing);
	if (rc || existing)
		return rc;
	if (kiscrm_record_is_null(opp, KISCRM_OPPORTUNITY_CUSTOMER_ID) ||
	    kiscrm_record_is_null(opp, KISCRM_OPPORTUNITY_AMOUNT))
		return kc_error_set(KISCRM_EINVALID,
				    "opportunity %lld has no %s: the contract of a won opportunity needs one "
				    "(set it, or move without KISCRM_MOVE_CREATE_CONTRACT)",
				    (long long)id, kiscrm_record_is_null(opp, KISCRM_OPPORTUNITY_CUSTOMER_ID)
							   ? "customer" : "amount");
	static const struct {
		kiscrm_field from, to;
	} copy[] = {
		{ KISCRM_OPPORTUNITY_CUSTOMER_ID, KISCRM_CONTRACT_CUSTOMER_ID },
		{ KISCRM_OPPORTUNITY_OWNER_ID, KISCRM_CONTRACT_OWNER_ID },
		{ KISCRM_OPPORTUNITY_DEPARTMENT_ID, KISCRM_CONTRACT_DEPARTMENT_ID },
		{ KISCRM_OPPORTUNITY_AMOUNT, KISCRM_CONTRACT_AMOUNT },
	};
	kiscrm_record *ct = NULL;
	if ((rc = kc_record_new(&ct, kc_db_def(db, KISCRM_KIND_CONTRACT))) != 0)
		return rc;
	for (size_t i = 0; rc == 0 && i < sizeof(copy) / sizeof(copy[0]); i++)
		if (!kiscrm_record_is_null(opp, copy[i].from))
			rc = kiscrm_record_set_int(ct, copy[i].to, kiscrm_record_int(opp, copy[i].from));
	if (rc == 0)
		rc = kiscrm_record_set_int(ct, KISCRM_CONTRACT_OPPORTUNITY_ID, id);
	if (rc == 0)
		rc = kiscrm_record_set_int(ct, KISCRM_CONTRACT_SIGNED, kiscrm_time_date(at));
	if (rc == 0)
		rc = kiscrm_record_insert(db, ct);
	kiscrm_record_free(ct);
	return rc;
}

/* kiscrm_opportunity_move() inside its transaction: the stage it moves from, the checks
 * and the history are those of the stored opportunity at the time of the write, so two
 * concurrent moves cannot both leave the same stage. */
static int move_locked(kiscrm_db *db, kiscrm_id opportunity_id, const char *stage, kiscrm_time at,
		       unsigned int flags)
{
	kiscrm_record *rec = NULL;
	char *from = NULL;
	int rc = kiscrm_record_get(&rec, db, KISCRM_KIND_OPPORTUNITY, opportunity_id);

	if (rc)
		return rc;
	if ((rc = plan_move(db, rec, stage, at, flags, &from)) == 0 &&
	    (rc = check_move_time(db, rec, at)) == 0) {
		kc_write_ctx ctx = kc_write_ctx_of(db);
		ctx.flags |= KC_WRITE_MOVE;
		ctx.at = at;
		rc = kc_store_update(&ctx, rec);
		if (rc == 0)
			rc = history_insert(db, opportunity_id,
					    opp_text(rec, KISCRM_OPPORTUNITY_PIPELINE), from, stage, at,
					    db->actor, kiscrm_record_is_null(rec, KISCRM_OPPORTUNITY_AMOUNT),
					    kiscrm_record_int(rec, KISCRM_OPPORTUNITY_AMOUNT));
		if (rc == 0 && (flags & KISCRM_MOVE_CREATE_CONTRACT) &&
		    strcmp(opp_text(rec, KISCRM_OPPORTUNITY_STATUS) ? opp_text(rec, KISCRM_OPPORTUNITY_STATUS) : "",
			   "won") == 0)
			rc = create_contract(db, rec, at);
	}
	free(from);
	kiscrm_record_free(rec);
	return rc;
}

int kiscrm_opportunity_move(kiscrm_db *db, kiscrm_id opportunity_id, const char *stage,
			    kiscrm_time at, unsigned int flags)
{
	int rc = kc_check_db(db);

	if (rc)
		return rc;
	if (!stage)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_opportunity_move: stage is NULL");
	if (flags & ~(KISCRM_MOVE_REOPEN | KISCRM_MOVE_CREATE_CONTRACT))
		return kc_error_set(KISCRM_EINVALID, "kiscrm_opportunity_move: unknown flags 0x%x",
				    flags);
	if ((rc = kc_tx_begin(db)) != 0)
		return rc;
	return kc_tx_end(db, move_locked(db, opportunity_id, stage, at, flags));
}

static int set_probability_locked(kiscrm_db *db, kiscrm_id opportunity_id, int percent)
{
	kiscrm_record *rec;
	int rc = kiscrm_record_get(&rec, db, KISCRM_KIND_OPPORTUNITY, opportunity_id);

	if (rc)
		return rc;
	if (percent < 0) {
		kc_record_put_int(rec, KISCRM_OPPORTUNITY_PROBABILITY_MANUAL, 0);
	} else {
		kc_record_put_int(rec, KISCRM_OPPORTUNITY_PROBABILITY_MANUAL, 1);
		kc_record_put_int(rec, KISCRM_OPPORTUNITY_PROBABILITY, percent);
	}
	rc = kiscrm_record_update(db, rec);
	kiscrm_record_free(rec);
	return rc;
}

int kiscrm_opportunity_set_probability(kiscrm_db *db, kiscrm_id opportunity_id, int percent)
{
	int rc = kc_check_db(db);

	if (rc)
		return rc;
	if (percent < -1 || percent > 100) {
		char v[16];
		snprintf(v, sizeof(v), "%d", percent);
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "probability", v,
				       "probability %d is outside 0..100 (or -1 to follow the stage)",
				       percent);
	}
	if ((rc = kc_tx_begin(db)) != 0)
		return rc;
	return kc_tx_end(db, set_probability_locked(db, opportunity_id, percent));
}
