/* Forecasts (§10 of the domain): the shared engine of forecast_internal.h, the weighted
 * and category forecast per period bucket, the year-end completion forecast and the
 * historical stage probabilities. The gap and sufficiency reports are in gap.c. */
#include "storage/record.h"
#include "core/field.h"
#include "forecast_internal.h"
#include "money_flow/kinds.h"
#include "targets/kinds.h"
#include "pipeline/kinds.h"
#include "core/error.h"
#include "core/idset.h"
#include "core/vec.h"
#include "core/options.h"
#include "core/text_memo.h"
#include "config/pipeline_config.h"
#include "kiscrm/date.h"
#include "kiscrm/money.h"
#include "kiscrm/pipeline.h"
#include "kiscrm/table.h"

#include <stdlib.h>
#include <string.h>

#define MAX_BUCKETS 1000

/* ---- small helpers ---------------------------------------------------------------- */

int kc_fc_add(kiscrm_money *acc, kiscrm_money v, const char *what)
{
	kiscrm_money r;
	if (__builtin_add_overflow(*acc, v, &r))
		return kc_error_set(KISCRM_EOVERFLOW, "%s overflows when adding %lld", what, (long long)v);
	*acc = r;
	return KISCRM_OK;
}

double kc_fc_threshold(const kc_fc *fc)
{
	const kc_analysis *a = kc_config_analysis(fc->r.db->config);
	return a && a->sufficiency_threshold > 0 ? a->sufficiency_threshold : 3.0;
}

int kc_fc_zh(const kc_fc *fc)
{
	return strcmp(fc->r.o.lang, "zh") == 0;
}

static const char *text_of(const kiscrm_value *v)
{
	return v->type == KISCRM_TYPE_TEXT ? v->u.s : NULL;
}

static int64_t int_of(const kiscrm_value *v, int64_t dflt)
{
	return v->type == KISCRM_TYPE_NULL || v->type == KISCRM_TYPE_TEXT ||
	       v->type == KISCRM_TYPE_RATE ? dflt : v->u.i;
}

static int field(const kiscrm_kind_def *def, const char *name, int *out)
{
	*out = kc_field_index(def, name);
	if (*out < 0 || *out >= 64)
		return kc_error_set(KISCRM_EINVALID, "schema: kind %s has no field '%s'", def->name, name);
	return KISCRM_OK;
}

/* The stage of pipeline @pipe with this key and its index, NULL when there is none. */
static const kc_stage *stage_of(const kiscrm_config *cfg, int pipe, const char *key, size_t *index)
{
	const kc_pipeline *p = pipe >= 0 ? kc_config_pipeline(cfg, (size_t)pipe) : NULL;
	int s = kc_pipeline_stage_index(p, key);
	if (s < 0)
		return NULL;
	if (index)
		*index = (size_t)s;
	return &p->stages[s];
}

/* Open, won or lost: an opportunity's state. */
enum { ST_OPEN, ST_WON, ST_LOST };

/* The state from the status when the opportunity has one, else from its stage @st (NULL:
 * not configured). */
static int status_with(const char *status, const kc_stage *st)
{
	if (status) {
		if (strcmp(status, "won") == 0)
			return ST_WON;
		if (strcmp(status, "lost") == 0 || strcmp(status, "abandoned") == 0)
			return ST_LOST;
		return ST_OPEN;
	}
	if (st && st->terminal == KISCRM_STAGE_WON)
		return ST_WON;
	if (st && st->terminal == KISCRM_STAGE_LOST)
		return ST_LOST;
	return ST_OPEN;
}

/* The same, the stage given by its key in pipeline @pipe. */
static int status_of(const kiscrm_config *cfg, const char *status, int pipe, const char *stage)
{
	return status_with(status, status ? NULL : stage_of(cfg, pipe, stage, NULL));
}

/* ---- begin / end ----------------------------------------------------------------- */

static unsigned target_level(const kiscrm_report_options *o, int *ok)
{
	unsigned level = 0;
	*ok = 1;
	for (size_t i = 0; i < o->ngroup; i++) {
		switch (o->group_by[i]) {
		case KISCRM_GROUP_BUSINESS_LINE: level |= 0x1u; break;
		case KISCRM_GROUP_PRODUCT_LINE: level |= 0x2u; break;
		case KISCRM_GROUP_DEPARTMENT: level |= 0x4u; break;
		case KISCRM_GROUP_OWNER: level |= 0x8u; break;
		default: *ok = 0; break;
		}
	}
	return level;
}

int kiscrm_forecast_options_init(kiscrm_forecast_options *opts, unsigned int version)
{
	return kc_options_init(opts, version, &kc_forecast_options_v);
}

int kc_fc_begin(kc_fc *fc, kiscrm_db *db, const kiscrm_report_options *opts,
		const kiscrm_forecast_options *fopts)
{
	memset(fc, 0, sizeof(*fc));
	kiscrm_forecast_options f;
	int rc = kc_options_copy(&f, fopts, &kc_forecast_options_v);
	if (rc)
		return rc;
	if (f.probability_source < KISCRM_PROBABILITY_DEFAULT ||
	    f.probability_source > KISCRM_PROBABILITY_HISTORICAL)
		return kc_error_set(KISCRM_EINVALID, "unknown probability source %d (0 default, 1 configured, 2 historical)",
				    f.probability_source);
	fc->source = f.probability_source == KISCRM_PROBABILITY_HISTORICAL ? KISCRM_PROBABILITY_HISTORICAL
									   : KISCRM_PROBABILITY_CONFIGURED;
	if ((rc = kc_report_begin(&fc->r, db, opts)) != 0)
		return rc;
	fc->nbuckets = 1;
	fc->closed_before = KISCRM_DATE_NONE;
	fc->level = target_level(&fc->r.o, &fc->level_ok);
	return KISCRM_OK;
}

void kc_fc_end(kc_fc *fc)
{
	kc_report_end(&fc->r);
	free(fc->bounds);
	free(fc->cells);
	free(fc->targets);
	free(fc->h_won);
	free(fc->h_reached);
	free(fc->h_off);
	memset(fc, 0, sizeof(*fc));
}

int kc_fc_buckets(kc_fc *fc, int period)
{
	kiscrm_date from = fc->r.from, to = fc->r.to;
	if (from == KISCRM_DATE_NONE || to == KISCRM_DATE_NONE)
		return kc_error_set(KISCRM_EINVALID, "period buckets need a bounded window (both 'from' and 'to')");
	size_t n = 0;
	for (kiscrm_date d = kiscrm_period_start(from, period, fc->r.week_start, fc->r.fy_month); d < to;
	     d = kiscrm_period_next(d, period))
		if (++n > MAX_BUCKETS)
			return kc_error_set(KISCRM_EINVALID, "window has more than %d buckets of period %d",
					    MAX_BUCKETS, period);
	kiscrm_date *b = malloc((n + 1) * sizeof(*b));
	if (!b)
		return kc_error_oom();
	kiscrm_date d = kiscrm_period_start(from, period, fc->r.week_start, fc->r.fy_month);
	for (size_t i = 0; i < n; i++, d = kiscrm_period_next(d, period))
		b[i] = i == 0 ? from : d; /* the first bucket is clipped to the window */
	b[n] = to;                        /* and so is the last */
	free(fc->bounds);
	fc->bounds = b;
	fc->nbuckets = n;
	return KISCRM_OK;
}

/* Bucket of a date, or -1 when outside the window. */
static long bucket_of(const kc_fc *fc, kiscrm_date d)
{
	if (!fc->bounds)
		return kc_report_in_window(&fc->r, d) ? 0 : -1;
	if (d == KISCRM_DATE_NONE || d < fc->bounds[0] || d >= fc->bounds[fc->nbuckets])
		return -1;
	size_t lo = 0, hi = fc->nbuckets; /* bounds[lo] <= d < bounds[hi] */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (d < fc->bounds[mid])
			hi = mid;
		else
			lo = mid;
	}
	return (long)lo;
}

kc_fc_cell *kc_fc_cell_at(const kc_fc *fc, size_t group, size_t bucket)
{
	return &fc->cells[group * fc->nbuckets + bucket];
}

static int ensure_group(kc_fc *fc, size_t g)
{
	if (g < fc->cap)
		return KISCRM_OK;
	size_t cap = fc->cap ? fc->cap * 2 : 16;
	while (cap <= g)
		cap *= 2;
	kc_fc_cell *c = realloc(fc->cells, cap * fc->nbuckets * sizeof(*c));
	if (!c)
		return kc_error_oom();
	fc->cells = c;
	memset(c + fc->cap * fc->nbuckets, 0, (cap - fc->cap) * fc->nbuckets * sizeof(*c));
	kc_fc_target *t = realloc(fc->targets, cap * sizeof(*t));
	if (!t)
		return kc_error_oom();
	fc->targets = t;
	memset(t + fc->cap, 0, (cap - fc->cap) * sizeof(*t));
	fc->cap = cap;
	return KISCRM_OK;
}

static int group_of(kc_fc *fc, const kc_dims *d, size_t *g)
{
	int rc = kc_report_group(&fc->r, d, g);
	return rc ? rc : ensure_group(fc, *g);
}

int kc_fc_target_of(const kc_fc *fc, size_t group, int metric, int period, kiscrm_money *amount)
{
	if (period < KISCRM_PERIOD_WEEK || period > KISCRM_PERIOD_YEAR)
		period = KISCRM_PERIOD_QUARTER;
	const kc_fc_target *t = &fc->targets[group];
	for (int k = period; k >= KISCRM_PERIOD_WEEK; k--)
		if (t->found[metric][k]) {
			*amount = t->amount[metric][k];
			return 1;
		}
	return 0;
}

static const char *size_class_of(const kc_fc *fc, kiscrm_money amount)
{
	const kc_analysis *a = kc_config_analysis(fc->r.db->config);
	if (!a)
		return NULL;
	return amount >= a->large_min ? "large" : amount >= a->medium_min ? "medium" : "small";
}

/* ---- historical win rates ---------------------------------------------------------- */

typedef struct {
	kc_fc *fc;
	kc_idmap lost;  /* lost opportunity id → index into pipe/maxo */
	int *pipe, *maxo;
	size_t n, cap;
	int f_stage, f_pipeline, f_status;
} hist_load;

static int hist_opp_cb(void *payload, const kiscrm_value *row)
{
	hist_load *h = payload;
	kc_fc *fc = h->fc;
	const kiscrm_config *cfg = fc->r.db->config;
	int pipe = kc_config_pipeline_index(cfg, text_of(&row[KC_FI(h->f_pipeline)]));
	if (pipe < 0 || (size_t)pipe >= fc->h_npipe)
		return 0;
	int st = status_of(cfg, text_of(&row[KC_FI(h->f_status)]), pipe, text_of(&row[KC_FI(h->f_stage)]));
	if (st == ST_WON) {
		/* a win went through every working stage, skipped ones included */
		const kc_pipeline *p = kc_config_pipeline(cfg, (size_t)pipe);
		for (size_t s = 0; s < p->nstages; s++)
			if (p->stages[s].terminal == KISCRM_STAGE_OPEN) {
				fc->h_won[fc->h_off[pipe] + s]++;
				fc->h_reached[fc->h_off[pipe] + s]++;
			}
		return 0;
	}
	if (st != ST_LOST)
		return 0;
	if (h->n == h->cap) {
		size_t cap = kc_vec_next_cap(h->cap, 64);
		if (KC_VEC_RESIZE(h->pipe, cap) || KC_VEC_RESIZE(h->maxo, cap))
			return KISCRM_ENOMEM;
		h->cap = cap;
	}
	h->pipe[h->n] = pipe;
	h->maxo[h->n] = -1;
	return kc_idmap_put(&h->lost, row[0].u.i, h->n++);
}

static void hist_see(hist_load *h, size_t i, const char *stage)
{
	size_t s;
	const kc_stage *st = stage_of(h->fc->r.db->config, h->pipe[i], stage, &s);
	if (st && st->terminal == KISCRM_STAGE_OPEN && (int)s > h->maxo[i])
		h->maxo[i] = (int)s;
}

static int hist_move_cb(void *payload, const kiscrm_value *row)
{
	hist_load *h = payload;
	size_t i;
	if (row[KC_FI(KISCRM_STAGE_HISTORY_OPPORTUNITY_ID)].type != KISCRM_TYPE_INT ||
	    !kc_idmap_get(&h->lost, row[KC_FI(KISCRM_STAGE_HISTORY_OPPORTUNITY_ID)].u.i, &i))
		return 0;
	hist_see(h, i, text_of(&row[KC_FI(KISCRM_STAGE_HISTORY_FROM_STAGE)]));
	hist_see(h, i, text_of(&row[KC_FI(KISCRM_STAGE_HISTORY_TO_STAGE)]));
	return 0;
}

static int load_history(kc_fc *fc)
{
	const kiscrm_config *cfg = fc->r.db->config;
	size_t np = 0, total = 0;
	while (kc_config_pipeline(cfg, np))
		total += kc_config_pipeline(cfg, np++)->nstages;
	fc->h_npipe = np;
	fc->h_off = calloc(np ? np : 1, sizeof(*fc->h_off));
	fc->h_won = calloc(total ? total : 1, sizeof(*fc->h_won));
	fc->h_reached = calloc(total ? total : 1, sizeof(*fc->h_reached));
	if (!fc->h_off || !fc->h_won || !fc->h_reached)
		return kc_error_oom();
	for (size_t p = 1; p < np; p++)
		fc->h_off[p] = fc->h_off[p - 1] + kc_config_pipeline(cfg, p - 1)->nstages;

	hist_load h;
	memset(&h, 0, sizeof(h));
	h.fc = fc;
	h.f_stage = KISCRM_OPPORTUNITY_STAGE;
	h.f_pipeline = KISCRM_OPPORTUNITY_PIPELINE;
	h.f_status = KISCRM_OPPORTUNITY_STATUS;
	kiscrm_query q = { 0, NULL, 1u | KC_BIT(h.f_stage) | KC_BIT(h.f_pipeline) | KC_BIT(h.f_status) };
	int rc = kc_db_scan(fc->r.db, &kc_opportunity_def, &q, hist_opp_cb, &h);
	if (rc == 0 && h.n) {
		kiscrm_query qh = { 0, NULL, 1u | KC_BIT(KISCRM_STAGE_HISTORY_OPPORTUNITY_ID) |
					     KC_BIT(KISCRM_STAGE_HISTORY_FROM_STAGE) |
					     KC_BIT(KISCRM_STAGE_HISTORY_TO_STAGE) };
		rc = kc_db_scan(fc->r.db, &kc_stage_history_def, &qh, hist_move_cb, &h);
	}
	/* a loss counts against every working stage up to the furthest one it was seen in */
	for (size_t i = 0; rc == 0 && i < h.n; i++)
		for (int s = 0; s <= h.maxo[i]; s++)
			if (kc_config_pipeline(cfg, (size_t)h.pipe[i])->stages[s].terminal == KISCRM_STAGE_OPEN)
				fc->h_reached[fc->h_off[h.pipe[i]] + (size_t)s]++;
	kc_idmap_dispose(&h.lost);
	free(h.pipe);
	free(h.maxo);
	return rc;
}

/* ---- the scans ------------------------------------------------------------------- */

typedef struct {
	kc_fc *fc;
	kc_idset opp_with_contract; /* opportunity ids some contract refers to */
	kc_idmap coll_index;        /* contract id → index into coll */
	kiscrm_money *coll;
	size_t ncoll, capcoll;
	/* contract fields */
	int c_opp, c_signed, c_amount, c_owner, c_dept, c_bl, c_pl, c_cust;
	/* collection fields */
	int k_contract, k_received, k_amount;
	/* target fields */
	int t_metric, t_period, t_start, t_bl, t_pl, t_dept, t_owner, t_amount, t_count;
	kc_stage_check *check;      /* the configured-stages rule on every opportunity */
	int opp_pass;               /* which opportunities opp_cb takes (OPP_*) */
	/* an opportunity scan's pipelines, stages and statuses by text pointer (classify) */
	kc_text_memo pipe_memo, stage_memo, status_memo;
} scan_ctx;

/* Starts the memos of an opportunity scan: a text's address may be reused between scans. */
static void memos_reset(scan_ctx *s)
{
	int interned = s->fc->r.db->texts_interned;
	kc_text_memo_init(&s->pipe_memo, interned);
	kc_text_memo_init(&s->stage_memo, interned);
	kc_text_memo_init(&s->status_memo, interned);
}

/* A stage memo's value: the pipeline and the stage's index in it (STAGE_NONE: no such
 * stage), for pipelines and stages few enough to pack. */
#define STAGE_BITS 12
#define STAGE_NONE ((1 << STAGE_BITS) - 1)
#define PIPE_MEMO_MAX (1 << (30 - STAGE_BITS))

/* The pipeline index, stage (NULL: not configured; *si its index) and open / won / lost
 * of an opportunity row, as kc_config_pipeline_index, stage_of and status_of give them.
 * On the memory backend the texts are interned, so each distinct pointer is looked up
 * once a scan: comparing every row's three texts with the configuration was a quarter of
 * a gap report there (strcmp). */
static const kc_stage *classify(scan_ctx *s, const kiscrm_config *cfg, const char *pkey, const char *stage,
				const char *status, int *pipe, size_t *si, int *st)
{
	int v;
	if (!pkey || !kc_text_memo_get(&s->pipe_memo, pkey, pipe)) {
		*pipe = kc_config_pipeline_index(cfg, pkey);
		if (pkey)
			kc_text_memo_put(&s->pipe_memo, pkey, *pipe);
	}
	const kc_stage *stg = NULL;
	int memo = stage && *pipe >= 0 && *pipe < PIPE_MEMO_MAX;
	if (memo && kc_text_memo_get(&s->stage_memo, stage, &v) && v >> STAGE_BITS == *pipe) {
		if ((v & STAGE_NONE) != STAGE_NONE) {
			*si = (size_t)(v & STAGE_NONE);
			stg = &kc_config_pipeline(cfg, (size_t)*pipe)->stages[*si];
		}
	} else {
		stg = stage_of(cfg, *pipe, stage, si);
		if (memo && (!stg || *si < STAGE_NONE))
			kc_text_memo_put(&s->stage_memo, stage, *pipe << STAGE_BITS | (stg ? (int)*si : STAGE_NONE));
	}
	if (!status || !kc_text_memo_get(&s->status_memo, status, st)) {
		*st = status_with(status, stg);
		if (status) /* a status alone decides */
			kc_text_memo_put(&s->status_memo, status, *st);
	}
	return stg;
}

/* The opportunities opp_cb takes: all of them, or (where rows travel over a network, see
 * scan_opportunities) those of one of two scans the server narrows to the window — the
 * deals placed by their expected close (open, and won without a close date) and those
 * placed by their close date (won or lost). The two sets do not overlap. */
enum { OPP_ALL, OPP_BY_EXPECTED, OPP_BY_CLOSED };


static int coll_cb(void *payload, const kiscrm_value *row)
{
	scan_ctx *s = payload;
	const kiscrm_value *c = &row[s->k_contract];
	if (c->type != KISCRM_TYPE_INT)
		return 0;
	size_t i;
	if (!kc_idmap_get(&s->coll_index, c->u.i, &i)) {
		if (KC_VEC_GROW(s->coll, s->ncoll, s->capcoll, 64))
			return KISCRM_ENOMEM;
		i = s->ncoll++;
		s->coll[i] = 0;
		int rc = kc_idmap_put(&s->coll_index, c->u.i, i);
		if (rc)
			return rc;
	}
	return kc_fc_add(&s->coll[i], int_of(&row[s->k_amount], 0), "collected amount");
}

static int contract_cb(void *payload, const kiscrm_value *row)
{
	scan_ctx *s = payload;
	kc_fc *fc = s->fc;
	int rc;
	const kiscrm_value *opp = &row[s->c_opp];
	if (opp->type == KISCRM_TYPE_INT && (rc = kc_idset_add(&s->opp_with_contract, opp->u.i)) != 0)
		return rc;
	kiscrm_date signed_on = (kiscrm_date)int_of(&row[s->c_signed], KISCRM_DATE_NONE);
	long b = bucket_of(fc, signed_on);
	if (fc->closed_before != KISCRM_DATE_NONE && signed_on >= fc->closed_before)
		b = -1;
	size_t ci;
	int has_coll = s->ncoll && kc_idmap_get(&s->coll_index, row[0].u.i, &ci);
	if (b < 0 && !has_coll)
		return 0;
	kiscrm_money amount = int_of(&row[s->c_amount], 0);
	kc_dims d = { text_of(&row[s->c_bl]), text_of(&row[s->c_pl]), NULL,
		      int_of(&row[s->c_dept], 0), int_of(&row[s->c_owner], 0), int_of(&row[s->c_cust], 0) };
	if (!kc_report_accept(&fc->r, &d))
		return 0;
	if (fc->r.o.ngroup)
		d.size_class = size_class_of(fc, amount);
	size_t g;
	if ((rc = group_of(fc, &d, &g)) != 0)
		return rc;
	if (b >= 0 && (rc = kc_fc_add(&kc_fc_cell_at(fc, g, (size_t)b)->closed, amount, "closed amount")) != 0)
		return rc;
	if (has_coll)
		return kc_fc_add(&kc_fc_cell_at(fc, g, 0)->collected, s->coll[ci], "collected amount");
	return 0;
}

static unsigned source_bit(const char *src)
{
	if (!src)
		return 0;
	if (strcmp(src, "grid") == 0)
		return KC_FC_SRC_GRID;
	if (strcmp(src, "market_activity") == 0)
		return KC_FC_SRC_MARKET;
	if (strcmp(src, "telemarketing") == 0)
		return KC_FC_SRC_TELE;
	if (strcmp(src, "resale") == 0)
		return KC_FC_SRC_RESALE;
	return 0;
}

/* Category slot of an open opportunity, -1 for omitted. */
static int category_slot(const char *cat, const kc_stage *st)
{
	if (!cat && st)
		cat = st->category;
	if (!cat)
		return KC_FC_PIPELINE;
	if (strcmp(cat, "commit") == 0 || strcmp(cat, "closed") == 0)
		return KC_FC_COMMIT;
	if (strcmp(cat, "best_case") == 0)
		return KC_FC_BEST_CASE;
	if (strcmp(cat, "omitted") == 0)
		return -1;
	return KC_FC_PIPELINE;
}

static int weigh(const kc_fc *fc, const kiscrm_value *row, int pipe, const kc_stage *st, size_t s,
		 kiscrm_money amount, kiscrm_money *out)
{
	const kiscrm_value *pv = &row[KC_FI(KISCRM_OPPORTUNITY_PROBABILITY)];
	int manual = int_of(&row[KC_FI(KISCRM_OPPORTUNITY_PROBABILITY_MANUAL)], 0) != 0;
	if (fc->source == KISCRM_PROBABILITY_HISTORICAL && !manual && st && pipe >= 0 &&
	    (size_t)pipe < fc->h_npipe) {
		size_t k = fc->h_off[pipe] + s;
		if (fc->h_reached[k] > 0)
			return kiscrm_money_scale(out, amount, fc->h_won[k], fc->h_reached[k]);
	}
	int64_t pct = int_of(pv, st ? st->probability : 0);
	return kiscrm_money_scale(out, amount, pct, 100);
}

static void opp_row_dims(const kiscrm_value *row, kc_dims *d)
{
	*d = (kc_dims){ text_of(&row[KC_FI(KISCRM_OPPORTUNITY_BUSINESS_LINE)]), text_of(&row[KC_FI(KISCRM_OPPORTUNITY_PRODUCT_LINE)]),
			text_of(&row[KC_FI(KISCRM_OPPORTUNITY_SIZE_CLASS)]), int_of(&row[KC_FI(KISCRM_OPPORTUNITY_DEPARTMENT_ID)], 0),
			int_of(&row[KC_FI(KISCRM_OPPORTUNITY_OWNER_ID)], 0), int_of(&row[KC_FI(KISCRM_OPPORTUNITY_CUSTOMER_ID)], 0) };
}

/* The gap report's analysis lever (分析: win/loss analysis of key projects): key projects
 * won or lost in the window, counted in bucket 0. */
static int count_key_decided(kc_fc *fc, const kiscrm_value *row, int st)
{
	kc_dims d;
	size_t g;
	if (!fc->want_accel || st == ST_OPEN || int_of(&row[KC_FI(KISCRM_OPPORTUNITY_KEY_PROJECT)], 0) == 0 ||
	    !kc_report_in_window(&fc->r, (kiscrm_date)int_of(&row[KC_FI(KISCRM_OPPORTUNITY_CLOSED)], KISCRM_DATE_NONE)))
		return KISCRM_OK;
	opp_row_dims(row, &d);
	if (!kc_report_accept(&fc->r, &d))
		return KISCRM_OK;
	int rc = group_of(fc, &d, &g);
	if (rc == 0)
		kc_fc_cell_at(fc, g, 0)->key_decided++;
	return rc;
}

static int opp_cb(void *payload, const kiscrm_value *row)
{
	scan_ctx *s = payload;
	kc_fc *fc = s->fc;
	const kiscrm_config *cfg = fc->r.db->config;
	const char *pkey = text_of(&row[KC_FI(KISCRM_OPPORTUNITY_PIPELINE)]);
	const char *stage = text_of(&row[KC_FI(KISCRM_OPPORTUNITY_STAGE)]);
	int pipe, st;
	size_t si = 0;
	const kc_stage *stg = classify(s, cfg, pkey, stage, text_of(&row[KC_FI(KISCRM_OPPORTUNITY_STATUS)]), &pipe,
				       &si, &st);
	if (s->check)
		kc_stage_check_row(s->check, row[0].u.i, pipe, pkey, stage, stg != NULL);
	int has_closed = row[KC_FI(KISCRM_OPPORTUNITY_CLOSED)].type != KISCRM_TYPE_NULL;
	if (s->opp_pass == OPP_BY_EXPECTED && st != ST_OPEN && (st != ST_WON || has_closed))
		return 0;
	if (s->opp_pass == OPP_BY_CLOSED && (st == ST_OPEN || !has_closed))
		return 0;
	int rc = count_key_decided(fc, row, st);
	if (rc)
		return rc;
	kiscrm_date when;
	if (st == ST_OPEN) {
		when = (kiscrm_date)int_of(&row[KC_FI(KISCRM_OPPORTUNITY_EXPECTED_CLOSE)], KISCRM_DATE_NONE);
	} else if (st == ST_WON) {
		if (kc_idset_has(&s->opp_with_contract, row[0].u.i))
			return 0; /* counted through its contract */
		when = (kiscrm_date)int_of(&row[KC_FI(KISCRM_OPPORTUNITY_CLOSED)],
					   int_of(&row[KC_FI(KISCRM_OPPORTUNITY_EXPECTED_CLOSE)], KISCRM_DATE_NONE));
		if (fc->closed_before != KISCRM_DATE_NONE && when >= fc->closed_before)
			return 0;
	} else {
		return 0;
	}
	long b = bucket_of(fc, when);
	int accel = b < 0 && fc->want_accel && st == ST_OPEN && when != KISCRM_DATE_NONE && when >= fc->r.to &&
		    when < fc->accel_to;
	if (b < 0 && !accel)
		return 0;
	kc_dims d;
	opp_row_dims(row, &d);
	if (!kc_report_accept(&fc->r, &d))
		return 0;
	size_t g;
	rc = group_of(fc, &d, &g);
	if (rc)
		return rc;
	kiscrm_money amount = int_of(&row[KC_FI(KISCRM_OPPORTUNITY_AMOUNT)], 0);
	if (accel) { /* could be pulled into the window (加快): the gap report's lever */
		kc_fc_cell *c0 = kc_fc_cell_at(fc, g, 0);
		c0->accel_count++;
		return kc_fc_add(&c0->accel, amount, "accelerable pipeline");
	}
	kc_fc_cell *c = kc_fc_cell_at(fc, g, (size_t)b);
	if (st == ST_WON)
		return kc_fc_add(&c->closed, amount, "closed amount");
	kiscrm_money w;
	if ((rc = weigh(fc, row, pipe, stg, si, amount, &w)) != 0)
		return rc;
	if ((rc = kc_fc_add(&c->weighted, w, "weighted pipeline")) != 0 ||
	    (rc = kc_fc_add(&c->open, amount, "open pipeline")) != 0)
		return rc;
	int slot = fc->want_categories ? category_slot(text_of(&row[KC_FI(KISCRM_OPPORTUNITY_FORECAST_CATEGORY)]), stg)
					: -1;
	if (slot >= 0 && (rc = kc_fc_add(&c->cat[slot], amount, "category amount")) != 0)
		return rc;
	if (fc->want_sources && amount > 0)
		c->sources |= source_bit(text_of(&row[KC_FI(KISCRM_OPPORTUNITY_SOURCE)])) |
			      (int_of(&row[KC_FI(KISCRM_OPPORTUNITY_RESALE)], 0) ? KC_FC_SRC_RESALE : 0);
	return 0;
}

static int target_cb(void *payload, const kiscrm_value *row)
{
	scan_ctx *s = payload;
	kc_fc *fc = s->fc;
	const char *metric = text_of(&row[s->t_metric]);
	int m;
	if (metric && strcmp(metric, "contract_amount") == 0)
		m = KC_FC_CONTRACTS;
	else if (metric && strcmp(metric, "collection_amount") == 0)
		m = KC_FC_COLLECTIONS;
	else if (metric && strcmp(metric, "visits") == 0)
		m = KC_FC_VISITS;
	else if (metric && strcmp(metric, "new_customers") == 0)
		m = KC_FC_NEW_CUSTOMERS;
	else
		return 0;
	int64_t period = int_of(&row[s->t_period], 0);
	if (period < KISCRM_PERIOD_WEEK || period > KISCRM_PERIOD_YEAR)
		return 0;
	if (!kc_report_in_window(&fc->r, (kiscrm_date)int_of(&row[s->t_start], KISCRM_DATE_NONE)))
		return 0;
	kc_dims d = { text_of(&row[s->t_bl]), text_of(&row[s->t_pl]), NULL,
		      int_of(&row[s->t_dept], 0), int_of(&row[s->t_owner], 0), 0 };
	unsigned level = (d.business_line ? 0x1u : 0) | (d.product_line ? 0x2u : 0) |
			 (row[s->t_dept].type != KISCRM_TYPE_NULL ? 0x4u : 0) |
			 (row[s->t_owner].type != KISCRM_TYPE_NULL ? 0x8u : 0);
	if (level != fc->level || !kc_report_accept(&fc->r, &d))
		return 0;
	size_t g;
	int rc = group_of(fc, &d, &g);
	if (rc)
		return rc;
	fc->targets[g].found[m][period] = 1;
	int field = m <= KC_FC_COLLECTIONS ? s->t_amount : s->t_count;
	return kc_fc_add(&fc->targets[g].amount[m][period], int_of(&row[field], 0), "target");
}

static int resolve_fields(scan_ctx *s)
{
	const kiscrm_kind_def *c = &kc_contract_def;
	const kiscrm_kind_def *k = &kc_collection_def;
	const kiscrm_kind_def *t = &kc_target_def;
	int rc;
	if ((rc = field(c, "opportunity_id", &s->c_opp)) || (rc = field(c, "signed", &s->c_signed)) ||
	    (rc = field(c, "amount", &s->c_amount)) || (rc = field(c, "owner_id", &s->c_owner)) ||
	    (rc = field(c, "department_id", &s->c_dept)) || (rc = field(c, "business_line", &s->c_bl)) ||
	    (rc = field(c, "product_line", &s->c_pl)) || (rc = field(c, "customer_id", &s->c_cust)) ||
	    (rc = field(k, "contract_id", &s->k_contract)) || (rc = field(k, "received", &s->k_received)) ||
	    (rc = field(k, "amount", &s->k_amount)) || (rc = field(t, "metric", &s->t_metric)) ||
	    (rc = field(t, "period", &s->t_period)) || (rc = field(t, "start", &s->t_start)) ||
	    (rc = field(t, "business_line", &s->t_bl)) || (rc = field(t, "product_line", &s->t_pl)) ||
	    (rc = field(t, "department_id", &s->t_dept)) || (rc = field(t, "owner_id", &s->t_owner)) ||
	    (rc = field(t, "amount", &s->t_amount)) || (rc = field(t, "count", &s->t_count)))
		return rc;
	return KISCRM_OK;
}


static int scan_collections(scan_ctx *s)
{
	kc_fc *fc = s->fc;
	kiscrm_cond conds[2];
	int n = 0, received = KISCRM_FIELD_ID(KISCRM_KIND_COLLECTION, s->k_received);
	if (fc->r.from != KISCRM_DATE_NONE)
		conds[n++] = (kiscrm_cond){ received, KISCRM_OP_GE, { KISCRM_TYPE_DATE, { .i = fc->r.from } } };
	if (fc->r.to != KISCRM_DATE_NONE)
		conds[n++] = (kiscrm_cond){ received, KISCRM_OP_LT, { KISCRM_TYPE_DATE, { .i = fc->r.to } } };
	kiscrm_query q = { n, conds, 1u | KC_BIT(s->k_contract) | KC_BIT(s->k_received) | KC_BIT(s->k_amount) };
	return kc_db_scan(fc->r.db, &kc_collection_def, &q, coll_cb, s);
}

/* Opportunities whose date @field lies in [from, to) (a bound of KISCRM_DATE_NONE: none). */
static int scan_opps_in(scan_ctx *s, kiscrm_query *q, int field, kiscrm_date from, kiscrm_date to, int pass)
{
	kiscrm_cond conds[2];
	q->ncond = 0;
	q->conds = conds;
	if (from != KISCRM_DATE_NONE)
		conds[q->ncond++] = (kiscrm_cond){ field, KISCRM_OP_GE, { KISCRM_TYPE_DATE, { .i = from } } };
	if (to != KISCRM_DATE_NONE)
		conds[q->ncond++] = (kiscrm_cond){ field, KISCRM_OP_LT, { KISCRM_TYPE_DATE, { .i = to } } };
	s->opp_pass = pass;
	memos_reset(s);
	int rc = kc_db_scan(s->fc->r.db, &kc_opportunity_def, q, opp_cb, s);
	q->ncond = 0;
	q->conds = NULL;
	return rc;
}

/* The report's open and closed deals, with the configured-stages rule. Two ways, the
 * same figures: on an embedded backend one scan of every opportunity that also checks
 * the rule on its rows (kc_stage_check) — on SQLite that costs less than the rule's own
 * scans and two window scans — and records that the rule holds; where rows travel over a
 * network, or on SQLite while the handle knows the rule holds (kc_report_stages_known),
 * two scans narrowed to the window (after the rule's queries, unless known), and only
 * the window's rows are read. */
static int scan_opportunities(scan_ctx *s)
{
	static const int of[] = {
		KISCRM_OPPORTUNITY_AMOUNT, KISCRM_OPPORTUNITY_EXPECTED_CLOSE, KISCRM_OPPORTUNITY_PIPELINE, KISCRM_OPPORTUNITY_STAGE,
		KISCRM_OPPORTUNITY_PROBABILITY, KISCRM_OPPORTUNITY_STATUS, KISCRM_OPPORTUNITY_CLOSED,
	};
	kc_fc *fc = s->fc;
	kiscrm_query q = { 0, NULL, 1u };
	for (size_t i = 0; i < sizeof(of) / sizeof(of[0]); i++)
		q.columns |= KC_BIT(of[i]);
	/* the columns only some reports or groupings read */
	if (fc->want_categories)
		q.columns |= KC_BIT(KISCRM_OPPORTUNITY_FORECAST_CATEGORY);
	if (fc->want_sources)
		q.columns |= KC_BIT(KISCRM_OPPORTUNITY_SOURCE) | KC_BIT(KISCRM_OPPORTUNITY_RESALE);
	if (fc->want_accel)
		q.columns |= KC_BIT(KISCRM_OPPORTUNITY_KEY_PROJECT);
	if (fc->source == KISCRM_PROBABILITY_HISTORICAL) /* a hand-set probability overrides history */
		q.columns |= KC_BIT(KISCRM_OPPORTUNITY_PROBABILITY_MANUAL);
	q.columns |= kc_report_dim_cols(&fc->r, KISCRM_OPPORTUNITY_OWNER_ID, KISCRM_OPPORTUNITY_DEPARTMENT_ID,
					KISCRM_OPPORTUNITY_BUSINESS_LINE, KISCRM_OPPORTUNITY_PRODUCT_LINE,
					KISCRM_OPPORTUNITY_SIZE_CLASS, KISCRM_OPPORTUNITY_CUSTOMER_ID);
	/* On SQLite, once the handle knows the rule holds and the opportunities have not
	 * changed since, the window's two scans through the expected_close index cost less
	 * than reading every row (sufficiency at 1,000,000 opportunities: 0.28 against
	 * 0.38 s); on the memory backend reading every row stays cheaper. */
	int known = kc_report_stages_known(&fc->r);
	int narrow = fc->r.db->remote_rows || (known && !fc->r.db->texts_interned);
	if (narrow && (fc->r.from != KISCRM_DATE_NONE || fc->r.to != KISCRM_DATE_NONE)) {
		int rc = known ? KISCRM_OK : kc_report_require_configured_stages(&fc->r, 1);
		/* open deals expected after the window count as accelerable up to accel_to */
		kiscrm_date expected_to = fc->r.to;
		if (expected_to != KISCRM_DATE_NONE && fc->want_accel && fc->accel_to > expected_to)
			expected_to = fc->accel_to;
		if (rc == 0)
			rc = scan_opps_in(s, &q, KISCRM_OPPORTUNITY_EXPECTED_CLOSE, fc->r.from, expected_to, OPP_BY_EXPECTED);
		if (rc == 0)
			rc = scan_opps_in(s, &q, KISCRM_OPPORTUNITY_CLOSED, fc->r.from, fc->r.to, OPP_BY_CLOSED);
		s->opp_pass = OPP_ALL;
		return rc;
	}
	kc_stamp at;
	int stamped = !known && kc_db_stamp(fc->r.db, KISCRM_KIND_OPPORTUNITY, &at);
	int rc = known ? KISCRM_OK : kc_stage_check_begin(&s->check, fc->r.db->config);
	memos_reset(s);
	if (rc == 0)
		rc = kc_db_scan(fc->r.db, &kc_opportunity_def, &q, opp_cb, s);
	int refused = kc_stage_check_end(s->check);
	s->check = NULL;
	if (rc == 0 && refused == 0 && stamped) /* the check covered every pipeline */
		kc_report_stages_hold(&fc->r, &at);
	return rc ? rc : refused;
}

/* The contracts: closed amounts of those signed in the window, collections of those that
 * have some, and which opportunities have a contract (a won deal without one counts by
 * its own amount), so every contract is read. Where rows travel over a network, reading
 * the window's contracts whole and only the opportunity id of the others was measured
 * no faster (PostgreSQL, 200,000 opportunities: 50 against 44 ms): a row costs the same
 * with two columns or six. */
static int scan_contracts(scan_ctx *s)
{
	kc_fc *fc = s->fc;
	/* contracts have no size class: the engine classes them by amount */
	kiscrm_query q = { 0, NULL, 1u | KC_BIT(s->c_opp) | KC_BIT(s->c_signed) | KC_BIT(s->c_amount) |
				    kc_report_dim_cols(&fc->r, s->c_owner, s->c_dept, s->c_bl, s->c_pl, -1, s->c_cust) };
	return kc_db_scan(fc->r.db, &kc_contract_def, &q, contract_cb, s);
}

int kc_fc_run(kc_fc *fc)
{
	scan_ctx s;
	memset(&s, 0, sizeof(s));
	s.fc = fc;
	int rc = resolve_fields(&s);
	if (rc == 0 && fc->want_targets && !fc->level_ok)
		rc = kc_error_set(KISCRM_EINVALID, "targets cannot be grouped by region, industry, size class, customer or manager: "
				  "group by business_line, product_line, department or owner");
	if (rc == 0)
		rc = ensure_group(fc, 0);
	if (rc == 0 && fc->source == KISCRM_PROBABILITY_HISTORICAL)
		rc = load_history(fc);
	if (rc == 0 && fc->want_collections)
		rc = scan_collections(&s);
	if (rc == 0)
		rc = scan_contracts(&s);
	if (rc == 0)
		rc = scan_opportunities(&s);
	if (rc == 0 && fc->want_targets) {
		kiscrm_query q = { 0, NULL, 1u | KC_BIT(s.t_metric) | KC_BIT(s.t_period) | KC_BIT(s.t_start) | KC_BIT(s.t_bl) |
					    KC_BIT(s.t_pl) | KC_BIT(s.t_dept) | KC_BIT(s.t_owner) | KC_BIT(s.t_amount) |
					    KC_BIT(s.t_count) };
		rc = kc_db_scan(fc->r.db, &kc_target_def, &q, target_cb, &s);
	}
	kc_idset_dispose(&s.opp_with_contract);
	kc_idmap_dispose(&s.coll_index);
	free(s.coll);
	return rc;
}

/* ---- the forecast report ---------------------------------------------------------- */

/* Default window: the fiscal quarter of as_of for week/month buckets, else the fiscal year. */
static int forecast_window(kiscrm_report_options *o, kiscrm_db *db, int *period)
{
	*period = o->period ? o->period : KISCRM_PERIOD_MONTH;
	if (*period < KISCRM_PERIOD_WEEK || *period > KISCRM_PERIOD_YEAR)
		return kc_error_set(KISCRM_EINVALID, "unknown period %d", o->period);
	if ((o->from == KISCRM_DATE_NONE) != (o->to == KISCRM_DATE_NONE))
		return kc_error_set(KISCRM_EINVALID, "forecast needs both 'from' and 'to', or neither");
	if (o->from == KISCRM_DATE_NONE) {
		/* let kc_report_begin resolve as_of ("today") with the enclosing period */
		o->period = *period <= KISCRM_PERIOD_MONTH ? KISCRM_PERIOD_QUARTER : KISCRM_PERIOD_YEAR;
	}
	(void)db;
	return KISCRM_OK;
}

static int set_money(kiscrm_table *t, size_t row, size_t col, kiscrm_money v)
{
	return kc_cell_int(t, row, col, v);
}

static int forecast_table(kc_fc *fc, kiscrm_table **out)
{
	static const char *const cols[] = {
		"period_start:date", "period_end:date", "weighted:money", "weighted_forecast:money",
		"closed:money", "commit:money", "best_case:money", "pipeline:money", "commit_forecast:money",
		"best_case_forecast:money", "open_pipeline:money", NULL,
	};
	kiscrm_table *t = NULL;
	size_t *order = NULL;
	size_t base = fc->r.o.ngroup;
	int rc = kc_report_table(&fc->r, &t, "forecast");
	if (rc == 0)
		rc = kc_add_columns(t, cols);
	if (rc == 0)
		rc = kc_report_sorted(&fc->r, &order);
	for (size_t b = 0; rc == 0 && b < fc->nbuckets; b++)
		for (size_t i = 0; rc == 0 && i < fc->r.ngroups; i++) {
			const kc_fc_cell *c = kc_fc_cell_at(fc, order[i], b);
			size_t row;
			kiscrm_money v[9];
			v[0] = c->weighted;
			v[2] = c->closed;
			v[3] = c->cat[KC_FC_COMMIT];
			v[4] = c->cat[KC_FC_BEST_CASE];
			v[5] = c->cat[KC_FC_PIPELINE];
			v[1] = v[6] = v[7] = v[8] = 0;
			if ((rc = kc_fc_add(&v[1], v[2], "weighted forecast")) ||
			    (rc = kc_fc_add(&v[1], v[0], "weighted forecast")) ||
			    (rc = kc_fc_add(&v[6], v[3], "commit forecast")) ||
			    (rc = kc_fc_add(&v[6], v[2], "commit forecast")) ||
			    (rc = kc_fc_add(&v[7], v[6], "best case forecast")) ||
			    (rc = kc_fc_add(&v[7], v[4], "best case forecast")) ||
			    (rc = kc_fc_add(&v[8], v[5], "open pipeline")) ||
			    (rc = kc_fc_add(&v[8], v[4], "open pipeline")) ||
			    (rc = kc_fc_add(&v[8], v[3], "open pipeline")))
				break;
			if ((rc = kc_report_add_row(&fc->r, t, order[i], KISCRM_ROW_DETAIL, &row)) ||
			    (rc = kc_cell_int(t, row, base, fc->bounds[b])) ||
			    (rc = kc_cell_int(t, row, base + 1, fc->bounds[b + 1])))
				break;
			for (size_t k = 0; rc == 0 && k < 9; k++)
				rc = set_money(t, row, base + 2 + k, v[k]);
		}
	free(order);
	return kc_report_deliver(out, t, rc);
}

int kiscrm_report_forecast(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts)
{
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "output table pointer is NULL");
	*out = NULL;
	kiscrm_report_options o;
	int period, rc;
	if ((rc = kc_options_copy(&o, opts, &kc_report_options_v)) != 0 ||
	    (rc = forecast_window(&o, db, &period)) != 0)
		return rc;
	kc_fc fc;
	if ((rc = kc_fc_begin(&fc, db, &o, o.forecast)) != 0)
		return rc;
	fc.want_categories = 1;
	if ((rc = kc_fc_buckets(&fc, period)) == 0 && (rc = kc_fc_run(&fc)) == 0)
		rc = forecast_table(&fc, out);
	kc_fc_end(&fc);
	return rc;
}


/* ---- year-end completion forecast ------------------------------------------------- */

static int year_end_table(kc_fc *fc, int fiscal_year, kiscrm_table **out)
{
	static const char *const cols[] = {
		"fiscal_year:int", "target:money", "achieved:money", "forecast:money", "projected:money",
		"achieved_rate:rate", "completion_rate:rate", "gap:money", NULL,
	};
	kiscrm_table *t = NULL;
	size_t *order = NULL;
	size_t base = fc->r.o.ngroup;
	int rc = kc_report_table(&fc->r, &t, "year_end");
	if (rc == 0)
		rc = kc_add_columns(t, cols);
	if (rc == 0)
		rc = kc_report_sorted(&fc->r, &order);
	for (size_t i = 0; rc == 0 && i < fc->r.ngroups; i++) {
		const kc_fc_cell *c = kc_fc_cell_at(fc, order[i], 0);
		kiscrm_money target = 0, projected = 0, gap = 0;
		int has = kc_fc_target_of(fc, order[i], KC_FC_CONTRACTS, KISCRM_PERIOD_YEAR, &target);
		size_t row;
		if ((rc = kc_fc_add(&projected, c->closed, "projected")) ||
		    (rc = kc_fc_add(&projected, c->weighted, "projected")) ||
		    (rc = kc_report_add_row(&fc->r, t, order[i], KISCRM_ROW_DETAIL, &row)) ||
		    (rc = kc_cell_int(t, row, base, fiscal_year)) ||
		    (rc = kc_cell_int(t, row, base + 2, c->closed)) ||
		    (rc = kc_cell_int(t, row, base + 3, c->weighted)) ||
		    (rc = kc_cell_int(t, row, base + 4, projected)))
			break;
		if (!has)
			continue; /* target, rates and gap stay NULL */
		if ((rc = kc_fc_add(&gap, target, "gap")) || (rc = kc_fc_add(&gap, -projected, "gap")) ||
		    (rc = kc_cell_int(t, row, base + 1, target)) ||
		    (rc = kc_cell_ratio(t, row, base + 5, (double)c->closed, (double)target)) ||
		    (rc = kc_cell_ratio(t, row, base + 6, (double)projected, (double)target)) ||
		    (rc = kc_cell_int(t, row, base + 7, gap)))
			break;
	}
	free(order);
	return kc_report_deliver(out, t, rc);
}

int kiscrm_report_year_end(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts)
{
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "output table pointer is NULL");
	*out = NULL;
	kiscrm_report_options o;
	int rc = kc_options_copy(&o, opts, &kc_report_options_v);
	if (rc || (rc = kc_report_options_check(&o)) != 0)
		return rc;
	/* the fiscal year of as_of, resolved by kc_report_begin */
	o.from = o.to = KISCRM_DATE_NONE;
	o.period = KISCRM_PERIOD_YEAR;
	kc_fc fc;
	if ((rc = kc_fc_begin(&fc, db, &o, o.forecast)) != 0)
		return rc;
	fc.want_targets = 1;
	fc.closed_before = fc.r.as_of + 1; /* achieved to date, as_of included */
	if ((rc = kc_fc_run(&fc)) == 0)
		rc = year_end_table(&fc, kiscrm_date_fiscal_year(fc.r.as_of, fc.r.fy_month), out);
	kc_fc_end(&fc);
	return rc;
}


/* ---- historical stage probabilities ----------------------------------------------- */

int kiscrm_report_stage_probabilities(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts)
{
	static const char *const cols[] = {
		"stage:text", "name:text", "configured:int", "reached:int", "won:int", "historical:rate", NULL,
	};
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "output table pointer is NULL");
	*out = NULL;
	kiscrm_report_options o;
	int rc = kc_options_copy(&o, opts, &kc_report_options_v);
	if (rc || (rc = kc_report_options_check(&o)) != 0)
		return rc;
	o.group_by = NULL;
	o.ngroup = 0;
	o.from = o.to = KISCRM_DATE_NONE;
	o.period = 0;
	kiscrm_forecast_options f = KISCRM_FORECAST_OPTIONS_INIT;
	f.probability_source = KISCRM_PROBABILITY_HISTORICAL;
	kc_fc fc;
	if ((rc = kc_fc_begin(&fc, db, &o, &f)) != 0)
		return rc;
	kiscrm_table *t = NULL;
	const kc_pipeline *p = kc_config_pipeline(db->config, (size_t)fc.r.pipeline);
	/* no kc_fc_run: the configured-stages rule is checked here */
	if ((rc = kc_report_require_configured_stages(&fc.r, 1)) == 0 && (rc = load_history(&fc)) == 0 && (rc = kiscrm_table_new(&t, "stage_probabilities")) == 0) {
		kc_report_label(t, db);
		rc = kc_add_columns(t, cols);
	}
	int zh = kc_fc_zh(&fc);
	for (size_t s = 0; rc == 0 && p && s < p->nstages; s++) {
		const kc_stage *st = &p->stages[s];
		if (st->terminal != KISCRM_STAGE_OPEN)
			continue;
		size_t k = fc.h_off[fc.r.pipeline] + s;
		int idx = kiscrm_table_add_row(t, KISCRM_ROW_DETAIL);
		if (idx < 0) {
			rc = idx;
			break;
		}
		size_t row = (size_t)idx;
		if ((rc = kc_cell_text(t, row, 0, st->key)) ||
		    (rc = kc_cell_text(t, row, 1, zh ? (st->zh ? st->zh : st->key) : (st->en ? st->en : st->key))) ||
		    (rc = kc_cell_int(t, row, 2, st->probability)) ||
		    (rc = kc_cell_int(t, row, 3, fc.h_reached[k])) || (rc = kc_cell_int(t, row, 4, fc.h_won[k])))
			break;
		rc = kc_cell_ratio(t, row, 5, (double)fc.h_won[k], (double)fc.h_reached[k]);
	}
	kc_fc_end(&fc);
	return kc_report_deliver(out, t, rc);
}
