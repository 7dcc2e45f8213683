/* The sales funnel (销售漏斗) and the data the funnel reports share (funnel_data.h).
 *
 * Speed: one projected scan of the opportunities, one of the stage history, folded entry
 * by entry into a small state per opportunity as the scan gives it out. History rows
 * arrive in id order: the entries of different deals interleave, and each deal's come in
 * time order when they were written as it moved. Where they do not (imports append past
 * moves after the creation entry), the history is read again whole, bucketed by
 * opportunity with a counting sort, and each deal's few entries are put in time order in
 * place. */
#include "core/sort.h"
#include "core/field.h"
#include "pipeline/kinds.h"
#include "funnel_data.h"
#include "core/error.h"
#include "core/sum.h"
#include "core/vec.h"
#include "core/scratch.h"
#include "kiscrm/report.h"
#include "kiscrm/money.h"
#include "kiscrm/pipeline.h"

#include <stdlib.h>
#include <string.h>

#define SECONDS_PER_DAY 86400

/* The funnel's arrays of one entry per opportunity or stay are taken from the handle's
 * kept working memory and handed back to it (core/scratch.h), under these sites. */
static const char opps_site, oppids_site, dense_site, state_site, stays_site, days_site;

/* ---- small shared helpers ------------------------------------------------------------ */

void kc_opp_dims(const kiscrm_value *row, kc_dims *d)
{
	d->business_line = kc_val_text(&row[KC_FI(KISCRM_OPPORTUNITY_BUSINESS_LINE)]);
	d->product_line = kc_val_text(&row[KC_FI(KISCRM_OPPORTUNITY_PRODUCT_LINE)]);
	d->size_class = kc_val_text(&row[KC_FI(KISCRM_OPPORTUNITY_SIZE_CLASS)]);
	d->department_id = kc_val_int(&row[KC_FI(KISCRM_OPPORTUNITY_DEPARTMENT_ID)], 0);
	d->owner_id = kc_val_int(&row[KC_FI(KISCRM_OPPORTUNITY_OWNER_ID)], 0);
	d->customer_id = kc_val_int(&row[KC_FI(KISCRM_OPPORTUNITY_CUSTOMER_ID)], 0);
}

int kc_opp_state(const kiscrm_config *cfg, const char *pipeline, const char *stage, const char *status)
{
	if (status) {
		if (strcmp(status, "open") == 0)
			return KISCRM_STAGE_OPEN;
		if (strcmp(status, "won") == 0)
			return KISCRM_STAGE_WON;
		if (strcmp(status, "lost") == 0 || strcmp(status, "abandoned") == 0)
			return KISCRM_STAGE_LOST;
	}
	int p = kiscrm_config_pipeline_find(cfg, pipeline);
	if (p < 0 || !stage)
		return -1;
	int s = kiscrm_config_stage_find(cfg, (size_t)p, stage);
	return s < 0 ? -1 : kiscrm_config_stage_terminal(cfg, (size_t)p, (size_t)s);
}

int kc_opp_in_report_pipeline(const kc_report *r, const char *pipeline)
{
	if (!pipeline)
		return r->pipeline == 0;
	const char *key = kiscrm_config_pipeline_key(r->db->config, (size_t)r->pipeline);
	return key && strcmp(key, pipeline) == 0;
}

int kc_opp_in_pipeline(const kc_report *r, const char *pipeline)
{
	return r->o.pipeline ? kc_opp_in_report_pipeline(r, pipeline) : 1;
}

const char *kc_stage_display(const kc_report *r, const kc_stage *s)
{
	const char *name = strcmp(r->o.lang, "zh") == 0 ? s->zh : s->en;
	return name ? name : s->key;
}

kc_fcell *kc_funnel_cell(const kc_funnel *f, size_t group, size_t stage)
{
	return &f->cells[group * f->nstages + stage];
}

/* ---- loading ----------------------------------------------------------------------- */

/* The stage index of a text (kc_pipeline_stage_index), memoised by text pointer within a
 * scan (text_memo.h): called for every opportunity and history row. */
static int stage_of_text(kc_funnel *f, const char *key)
{
	int s;
	if (key && kc_text_memo_get(&f->stage_memo, key, &s))
		return s;
	s = kc_pipeline_stage_index(f->pl, key);
	if (key)
		kc_text_memo_put(&f->stage_memo, key, s);
	return s;
}

/* Where an opportunity's pipeline key puts it: 1 the report's pipeline, 0 another
 * configured one, -1 one the configuration does not have. */
static int pipeline_place(kc_funnel *f, const char *key)
{
	int place;
	if (key && kc_text_memo_get(&f->pipeline_memo, key, &place))
		return place;
	place = kc_opp_in_report_pipeline(f->r, key) ? 1 : key && kc_config_pipeline_index(f->r->db->config, key) < 0 ? -1 : 0;
	if (key)
		kc_text_memo_put(&f->pipeline_memo, key, place);
	return place;
}

static int opp_cb(void *payload, const kiscrm_value *row)
{
	kc_funnel *f = payload;
	kc_report *r = f->r;
	const char *pkey = kc_val_text(&row[KC_FI(KISCRM_OPPORTUNITY_PIPELINE)]);
	const char *skey = kc_val_text(&row[KC_FI(KISCRM_OPPORTUNITY_STAGE)]);
	int place = pipeline_place(f, pkey);
	if (place != 1) {
		/* another pipeline: the rule only asks whether the configuration has it */
		if (place < 0)
			kc_stage_check_row(f->check, row[0].u.i, -1, pkey, skey, 0);
		return 0;
	}
	int s = stage_of_text(f, skey);
	kc_stage_check_row(f->check, row[0].u.i, r->pipeline, pkey, skey, s >= 0);
	if (s < 0) {
		if (skey) /* refused by kc_stage_check_end() after the scan */
			return 0;
		return kc_error_set(KISCRM_ECONFIG, "opportunity %lld has no stage", (long long)row[0].u.i);
	}
	kiscrm_date created = kc_val_date(&row[KC_FI(KISCRM_OPPORTUNITY_CREATED)]);
	if (r->to != KISCRM_DATE_NONE && created != KISCRM_DATE_NONE && created >= r->to)
		return 0;
	kc_dims d;
	kc_opp_dims(row, &d);
	if (!kc_report_accept(r, &d))
		return 0;
	size_t g;
	int rc = kc_report_group(r, &d, &g);
	if (rc)
		return rc;
	if (f->nopps == f->cap_opps) {
		size_t cap = kc_vec_next_cap(f->cap_opps, 256);
		if (KC_VEC_RESIZE(f->opps, cap) || KC_VEC_RESIZE(f->oppids, cap))
			return KISCRM_ENOMEM;
		f->cap_opps = cap;
	}
	if (f->nopps >= UINT32_MAX)
		return kc_error_set(KISCRM_EOVERFLOW, "too many opportunities for the funnel (%zu)", f->nopps);
	kc_fopp *o = &f->opps[f->nopps];
	o->amount = kc_val_int(&row[KC_FI(KISCRM_OPPORTUNITY_AMOUNT)], 0);
	o->created = created;
	o->closed = kc_val_date(&row[KC_FI(KISCRM_OPPORTUNITY_CLOSED)]);
	o->group = (uint32_t)g;
	o->stage = (int16_t)s;
	o->state = (int8_t)f->pl->stages[s].terminal;
	o->closed_in_window = o->state != KISCRM_STAGE_OPEN && kc_report_in_window(r, o->closed);
	f->oppids[f->nopps++] = row[KC_FI(KISCRM_OPPORTUNITY_ID)].u.i;
	return 0;
}

/* Index from opportunity id to position in opps. Ids come in ascending order and are
 * usually dense (assigned one after the other), so a plain array over the id range is
 * used when it is at most about four times the number of opportunities: it is several
 * times faster than hashing for the history join. Sparse ids fall back to a hash map. */
static int build_index(kc_funnel *f)
{
	if (!f->nopps)
		return KISCRM_OK;
	kiscrm_id lo = f->oppids[0], hi = f->oppids[0];
	for (size_t i = 1; i < f->nopps; i++) {
		if (f->oppids[i] < lo)
			lo = f->oppids[i];
		if (f->oppids[i] > hi)
			hi = f->oppids[i];
	}
	uint64_t range = (uint64_t)hi - (uint64_t)lo + 1;
	if (range <= 4 * (uint64_t)f->nopps + 4096) {
		f->idmin = lo;
		f->ndense = (size_t)range;
		size_t bytes;
		if (!(f->dense = kc_scratch_get(f->scratch, &dense_site, 0, f->ndense * sizeof(*f->dense), &bytes)))
			return kc_error_oom();
		memset(f->dense, 0xff, f->ndense * sizeof(*f->dense));
		for (size_t i = 0; i < f->nopps; i++)
			f->dense[f->oppids[i] - lo] = (uint32_t)i;
		return KISCRM_OK;
	}
	for (size_t i = 0; i < f->nopps; i++) {
		int rc = kc_idmap_put(&f->ids, f->oppids[i], i);
		if (rc)
			return rc;
	}
	return KISCRM_OK;
}

static int lookup(const kc_funnel *f, kiscrm_id id, size_t *i)
{
	if (!f->dense)
		return kc_idmap_get(&f->ids, id, i);
	if (id < f->idmin || (uint64_t)id - (uint64_t)f->idmin >= f->ndense)
		return 0;
	uint32_t v = f->dense[id - f->idmin];
	*i = v;
	return v != UINT32_MAX;
}

/* ---- computing ---------------------------------------------------------------------- */

/* Every stay's seconds in one cell, for the medians. */
typedef struct kc_stays {
	int64_t *v;
	size_t n, cap;
} kc_stays;

/* Cells, groups and the scratch of the per-opportunity figures. */
static int alloc_figures(kc_funnel *f, int with_stays)
{
	f->ngroups = f->r->ngroups;
	size_t ncells = f->ngroups * f->nstages;
	f->with_stays = with_stays;
	f->cells = calloc(ncells ? ncells : 1, sizeof(*f->cells));
	f->groups = calloc(f->ngroups ? f->ngroups : 1, sizeof(*f->groups));
	f->stamp = calloc(f->nstages, sizeof(*f->stamp));
	f->conv = calloc(2 * f->nstages, 1);
	if (with_stays)
		f->stays = calloc(ncells ? ncells : 1, sizeof(*f->stays));
	if (!f->cells || !f->groups || !f->stamp || !f->conv || (with_stays && !f->stays))
		return kc_error_oom();
	for (size_t c = 0; with_stays && c < ncells; c++) {
		KC_SCRATCH_TAKE_VEC(f->scratch, &stays_site, c, f->stays[c].v, f->stays[c].cap);
	}
	f->to_won = f->conv + f->nstages;
	return KISCRM_OK;
}

static void free_stays(kc_funnel *f)
{
	for (size_t c = 0; f->stays && c < f->ngroups * f->nstages; c++)
		KC_SCRATCH_KEEP_VEC(f->scratch, &stays_site, c, f->stays[c].v, f->stays[c].cap);
	free(f->stays);
	f->stays = NULL;
}

/* Counts and amounts from an opportunity's current state. */
static int tally_current(kc_funnel *f, const kc_fopp *o)
{
	kc_fgroup *g = &f->groups[o->group];
	kc_fcell *c = kc_funnel_cell(f, o->group, (size_t)o->stage);
	int rc;
	if (o->state == KISCRM_STAGE_OPEN) {
		c->count++;
		g->open_count++;
		if ((rc = kc_money_add(&c->amount, o->amount)) != 0)
			return rc;
		return kc_money_add(&g->open_amount, o->amount);
	}
	if (!o->closed_in_window)
		return KISCRM_OK;
	c->count++;
	if ((rc = kc_money_add(&c->amount, o->amount)) != 0)
		return rc;
	if (o->state == KISCRM_STAGE_LOST) {
		g->lost++;
		return KISCRM_OK;
	}
	g->won++;
	if (o->created != KISCRM_DATE_NONE && o->closed != KISCRM_DATE_NONE) {
		g->ncycle++;
		g->cycle_days += o->closed > o->created ? o->closed - o->created : 0;
	}
	return KISCRM_OK;
}

/* Opportunity @o entered stage @s: converted (a higher non-lost stage later) and reaching
 * won later as given. Both ways of reading the history end here. */
static void tally_stage(kc_funnel *f, const kc_fopp *o, size_t s, int converted, int to_won)
{
	kc_fcell *c = kc_funnel_cell(f, o->group, s);
	c->entered++;
	if (s < f->nwork) {
		c->converted += converted;
		c->to_won += to_won;
	}
	if (o->closed_in_window) {
		c->reached_closed++;
		c->reached_won += o->state == KISCRM_STAGE_WON;
	}
}

/* One stay of opportunity i in stage s from @from to @to (working stages only). Both ways
 * of reading the history end here. */
static int add_stay(kc_funnel *f, size_t i, int s, int64_t from, int64_t to)
{
	if (s < 0 || (size_t)s >= f->nwork)
		return KISCRM_OK;
	size_t cell = (size_t)f->opps[i].group * f->nstages + (size_t)s;
	f->cells[cell].nstay++;
	f->cells[cell].stay_sum += to - from;
	if (!f->with_stays)
		return KISCRM_OK;
	kc_stays *v = &f->stays[cell];
	if (KC_VEC_GROW(v->v, v->n, v->cap, 64))
		return KISCRM_ENOMEM;
	v->v[v->n++] = to - from;
	return KISCRM_OK;
}

/* Entered / converted / reached figures of opportunity i from its entries @e (time
 * order). Walking them backwards, `best` is the highest non-lost stage entered later and
 * `won_later` whether a won stage was entered later; the earliest entry into a stage is
 * seen last and wins. */
static void tally_entries(kc_funnel *f, size_t i, const kc_fentry *e, size_t n)
{
	const kc_fopp *o = &f->opps[i];
	int best = -1, won_later = 0;
	for (size_t j = n; j-- > 0;) {
		int s = e[j].stage;
		if (s < 0)
			continue;
		f->stamp[s] = i + 1;
		f->conv[s] = best > s;
		f->to_won[s] = (unsigned char)won_later;
		int term = f->pl->stages[s].terminal;
		if (term != KISCRM_STAGE_LOST && s > best)
			best = s;
		if (term == KISCRM_STAGE_WON)
			won_later = 1;
	}
	for (size_t s = 0; s < f->nstages; s++)
		if (f->stamp[s] == i + 1)
			tally_stage(f, o, s, f->conv[s], f->to_won[s]);
}

/* Every stay of opportunity i in a working stage, from its entries @e (time order): a
 * stay ends at the next entry, or at as_of while the deal is open. */
static int tally_stays(kc_funnel *f, size_t i, const kc_fentry *e, size_t n)
{
	const kc_fopp *o = &f->opps[i];
	kiscrm_time as_of = (kiscrm_time)f->r->as_of * SECONDS_PER_DAY;
	for (size_t j = 0; j < n; j++) {
		int s = e[j].stage;
		if (s < 0 || (size_t)s >= f->nwork)
			continue;
		kiscrm_time end;
		if (j + 1 < n)
			end = e[j + 1].at;
		else if (o->state == KISCRM_STAGE_OPEN)
			end = as_of;
		else
			continue;
		if (end < e[j].at)
			continue; /* an entry after as_of */
		int rc = add_stay(f, i, s, e[j].at, end);
		if (rc)
			return rc;
	}
	return KISCRM_OK;
}

/* Folds opportunity i's entries @e into the cells, after putting them in time order
 * (an insertion sort: a handful of entries, usually in order already; stable, so equal
 * times keep their write order). */
static int fold_opportunity(kc_funnel *f, size_t i, kc_fentry *e, size_t n)
{
	for (size_t j = 1; j < n; j++) {
		kc_fentry x = e[j];
		size_t k = j;
		for (; k > 0 && e[k - 1].at > x.at; k--)
			e[k] = e[k - 1];
		e[k] = x;
	}
	tally_entries(f, i, e, n);
	return tally_stays(f, i, e, n);
}

/* The median of each cell's stays. */
static void stay_medians(kc_funnel *f)
{
	for (size_t c = 0; c < f->ngroups * f->nstages; c++)
		if (f->stays[c].n)
			f->cells[c].median = kc_median_i64(f->stays[c].v, f->stays[c].n) / SECONDS_PER_DAY;
}

/* ---- the history -------------------------------------------------------------------- */

/* A history scan stops with this when an opportunity's entries come out of time order. */
#define HIST_DISORDERED 1
/* The stages a fold's masks hold. */
#define FOLD_STAGES 32

/* What the entries of one opportunity read so far add up to, for a fold in one pass
 * over the history in whatever order the opportunities' entries interleave. */
typedef struct kc_fstate {
	int64_t at;       /* time of the last entry */
	uint32_t entered; /* bit s: stage s entered */
	uint32_t conv;    /* … and after its first entry, a higher non-lost stage */
	uint32_t won;     /* … and after its first entry, a won stage */
	int16_t stage;    /* stage of the last entry (-1: not of the pipeline) */
	uint8_t seen;     /* 0 before the first entry: the array starts zeroed */
} kc_fstate;

static int entry_of_row(kc_funnel *f, const kiscrm_value *row, kc_fentry *e)
{
	size_t i;
	if (!lookup(f, kc_val_int(&row[KC_FI(KISCRM_STAGE_HISTORY_OPPORTUNITY_ID)], 0), &i))
		return 0;
	e->at = kc_val_int(&row[KC_FI(KISCRM_STAGE_HISTORY_AT)], 0);
	e->opp = (uint32_t)i;
	e->stage = stage_of_text(f, kc_val_text(&row[KC_FI(KISCRM_STAGE_HISTORY_TO_STAGE)]));
	return 1;
}

/* The history as the scan gives it out, folded into each opportunity's state: an entry
 * ends the stay of the one before it and marks the stages entered before it as
 * converted (a higher non-lost stage) and as reaching won. Keeping all 4M entries to
 * sort them was a 64 MB array to fault in, a fifth of the funnel. Entries of one
 * opportunity out of time order (imports append past moves after the creation entry)
 * stop the scan (HIST_DISORDERED). */
static int fold_cb(void *payload, const kiscrm_value *row)
{
	kc_funnel *f = payload;
	kc_fentry e;
	if (!entry_of_row(f, row, &e))
		return 0;
	kc_fstate *st = &f->state[e.opp];
	if (st->seen) {
		if (e.at < st->at)
			return HIST_DISORDERED;
		int rc = add_stay(f, e.opp, st->stage, st->at, e.at);
		if (rc)
			return rc;
	}
	if (e.stage >= 0) {
		uint32_t bit = UINT32_C(1) << e.stage;
		int term = f->pl->stages[e.stage].terminal;
		if (term != KISCRM_STAGE_LOST)
			st->conv |= st->entered & (bit - 1);
		if (term == KISCRM_STAGE_WON)
			st->won |= st->entered;
		st->entered |= bit;
	}
	st->stage = (int16_t)e.stage;
	st->at = e.at;
	st->seen = 1;
	return 0;
}

/* After the fold, in one pass over the opportunities: their current state, the open
 * deals' last stays (until as_of) and the stages they entered. */
static int fold_end(kc_funnel *f)
{
	kiscrm_time as_of = (kiscrm_time)f->r->as_of * SECONDS_PER_DAY;
	for (size_t i = 0; i < f->nopps; i++) {
		const kc_fstate *st = &f->state[i];
		const kc_fopp *o = &f->opps[i];
		int rc = tally_current(f, o);
		if (rc)
			return rc;
		if (!st->seen)
			continue;
		int open = o->state == KISCRM_STAGE_OPEN && as_of >= st->at;
		if (open && (rc = add_stay(f, i, st->stage, st->at, as_of)) != 0)
			return rc;
		for (uint32_t m = st->entered; m; m &= m - 1) {
			size_t s = (size_t)__builtin_ctz(m);
			tally_stage(f, o, s, (st->conv >> s) & 1u, (st->won >> s) & 1u);
		}
	}
	return KISCRM_OK;
}

/* … and when it does not come so: every entry kept, then bucketed by opportunity. */
static int hist_cb(void *payload, const kiscrm_value *row)
{
	kc_funnel *f = payload;
	kc_fentry e;
	if (!entry_of_row(f, row, &e))
		return 0;
	if (KC_VEC_GROW(f->hist, f->nhist, f->cap_hist, 1024))
		return KISCRM_ENOMEM;
	f->hist[f->nhist++] = e;
	return 0;
}

/* Buckets the kept entries by opportunity (stable: a counting sort). */
static int bucket_history(kc_funnel *f)
{
	if (!(f->first = calloc(f->nopps + 1, sizeof(size_t))))
		return kc_error_oom();
	for (size_t j = 0; j < f->nhist; j++)
		f->first[f->hist[j].opp + 1]++;
	for (size_t i = 0; i < f->nopps; i++)
		f->first[i + 1] += f->first[i];
	kc_fentry *sorted = malloc((f->nhist ? f->nhist : 1) * sizeof(*sorted));
	size_t *next = malloc((f->nopps ? f->nopps : 1) * sizeof(*next));
	if (!sorted || !next) {
		free(sorted);
		free(next);
		return kc_error_oom();
	}
	memcpy(next, f->first, f->nopps * sizeof(*next));
	for (size_t j = 0; j < f->nhist; j++)
		sorted[next[f->hist[j].opp]++] = f->hist[j];
	free(next);
	free(f->hist);
	f->hist = sorted;
	f->cap_hist = f->nhist;
	return KISCRM_OK;
}

/* Undoes what the fold added: the history's part of the cells. */
static void forget_history(kc_funnel *f)
{
	for (size_t c = 0; c < f->ngroups * f->nstages; c++) {
		kc_fcell *x = &f->cells[c];
		x->entered = x->converted = x->to_won = x->reached_closed = x->reached_won = 0;
		x->nstay = x->stay_sum = 0;
		if (f->stays)
			f->stays[c].n = 0;
	}
}

/* Adds the opportunities and their history to the cells: folded in one pass, or, when
 * an opportunity's entries come out of time order or the pipeline has more stages than a
 * fold's masks, read whole, bucketed by opportunity and put in time order. */
static int load_history(kc_funnel *f)
{
	kiscrm_query hq = { 0, NULL,
			    KC_BIT(KISCRM_STAGE_HISTORY_OPPORTUNITY_ID) | KC_BIT(KISCRM_STAGE_HISTORY_TO_STAGE) |
				    KC_BIT(KISCRM_STAGE_HISTORY_AT) };
	int rc = HIST_DISORDERED;
	if (f->nstages <= FOLD_STAGES) {
		size_t bytes;
		if (!(f->state = kc_scratch_get(f->scratch, &state_site, 0, f->nopps * sizeof(*f->state), &bytes)))
			return kc_error_oom();
		memset(f->state, 0, f->nopps * sizeof(*f->state));
		rc = kc_db_scan(f->r->db, &kc_stage_history_def, &hq, fold_cb, f);
		if (rc == 0)
			return fold_end(f);
		if (rc != HIST_DISORDERED)
			return rc;
		forget_history(f);
		kc_text_memo_init(&f->stage_memo, f->r->db->texts_interned); /* a new scan */
	}
	rc = kc_db_scan(f->r->db, &kc_stage_history_def, &hq, hist_cb, f);
	if (rc == 0)
		rc = bucket_history(f);
	for (size_t i = 0; rc == 0 && i < f->nopps; i++)
		if ((rc = tally_current(f, &f->opps[i])) == 0)
			rc = fold_opportunity(f, i, f->hist + f->first[i], f->first[i + 1] - f->first[i]);
	return rc;
}

static void release_index(kc_funnel *f)
{
	kc_idmap_dispose(&f->ids);
	kc_scratch_keep(f->scratch, &dense_site, 0, f->dense, f->ndense * sizeof(*f->dense));
	KC_SCRATCH_KEEP_VEC(f->scratch, &oppids_site, 0, f->oppids, f->cap_opps);
	f->dense = NULL;
	f->oppids = NULL;
	f->ndense = 0;
}

/* What only the build needs. */
static void release_build(kc_funnel *f)
{
	release_index(f);
	kc_scratch_keep(f->scratch, &state_site, 0, f->state, f->nopps * sizeof(*f->state));
	free(f->hist);
	free(f->first);
	free(f->stamp);
	free(f->conv);
	free_stays(f);
	f->state = NULL;
	f->hist = NULL;
	f->first = NULL;
	f->stamp = NULL;
	f->conv = f->to_won = NULL;
	f->nhist = f->cap_hist = 0;
}

int kc_funnel_build(kc_funnel *f, kc_report *r, int with_stays)
{
	memset(f, 0, sizeof(*f));
	f->r = r;
	f->scratch = r->db->scratch;
	f->pl = kc_config_pipeline(r->db->config, (size_t)r->pipeline);
	if (!f->pl || !f->pl->nstages)
		return kc_error_set(KISCRM_ENOTFOUND, "pipeline %d has no stages", r->pipeline);
	f->nstages = f->pl->nstages;
	while (f->nwork < f->nstages && f->pl->stages[f->nwork].terminal == KISCRM_STAGE_OPEN)
		f->nwork++;
	size_t cap_ids;
	KC_SCRATCH_TAKE_VEC(f->scratch, &opps_site, 0, f->opps, f->cap_opps);
	KC_SCRATCH_TAKE_VEC(f->scratch, &oppids_site, 0, f->oppids, cap_ids);
	/* the two arrays share one capacity: the ids' (8 bytes each, so not always kept)
	 * grows to the opportunities' */
	if (cap_ids < f->cap_opps && KC_VEC_RESIZE(f->oppids, f->cap_opps) != 0) {
		kiscrm_error_clear();
		f->cap_opps = cap_ids;
	}
	int rc = KISCRM_OK;
	if (r->o.ngroup == 0) {
		/* without grouping the one group exists even when nothing is found, so that
		 * the stages are always listed */
		kc_dims none = { NULL, NULL, NULL, 0, 0, 0 };
		size_t g;
		rc = kc_report_group(r, &none, &g);
	}
	/* of the group-by facts only those the filters and grouping read */
	kiscrm_query oq = { 0, NULL,
			    KC_BIT(KISCRM_OPPORTUNITY_AMOUNT) | KC_BIT(KISCRM_OPPORTUNITY_PIPELINE) |
				    KC_BIT(KISCRM_OPPORTUNITY_STAGE) | KC_BIT(KISCRM_OPPORTUNITY_CREATED) |
				    KC_BIT(KISCRM_OPPORTUNITY_CLOSED) |
				    kc_report_dim_cols(r, KISCRM_OPPORTUNITY_OWNER_ID, KISCRM_OPPORTUNITY_DEPARTMENT_ID,
						       KISCRM_OPPORTUNITY_BUSINESS_LINE, KISCRM_OPPORTUNITY_PRODUCT_LINE,
						       KISCRM_OPPORTUNITY_SIZE_CLASS, KISCRM_OPPORTUNITY_CUSTOMER_ID) };
	/* The configured-stages rule of the report's pipeline, checked on the rows of the
	 * scan of every opportunity rather than by queries of its own (outside_config.c). */
	if (rc == 0)
		rc = kc_stage_check_begin(&f->check, r->db->config);
	kc_text_memo_init(&f->stage_memo, r->db->texts_interned);
	kc_text_memo_init(&f->pipeline_memo, r->db->texts_interned);
	if (rc == 0)
		rc = kc_db_scan(r->db, &kc_opportunity_def, &oq, opp_cb, f);
	int refused = kc_stage_check_end(f->check);
	f->check = NULL;
	if (rc == 0)
		rc = refused;
	/* the groups are known once the opportunities are read */
	if (rc == 0)
		rc = alloc_figures(f, with_stays);
	if (rc == 0)
		rc = build_index(f);
	kc_text_memo_init(&f->stage_memo, r->db->texts_interned); /* a new scan */
	if (rc == 0 && f->nopps)
		rc = load_history(f);
	if (rc == 0 && with_stays)
		stay_medians(f);
	release_build(f);
	if (rc)
		kc_funnel_free(f);
	return rc;
}

void kc_funnel_free(kc_funnel *f)
{
	release_build(f);
	KC_SCRATCH_KEEP_VEC(f->scratch, &opps_site, 0, f->opps, f->cap_opps);
	free(f->cells);
	free(f->groups);
	memset(f, 0, sizeof(*f));
}

/* ---- the funnel report ---------------------------------------------------------------- */

enum { C_STAGE, C_NAME, C_COUNT, C_AMOUNT, C_ENTERED, C_CONVERTED, C_CONVERSION, C_AVG, C_MEDIAN,
       C_WIN_RATE, C_CYCLE, C_VELOCITY, C_CYCLE_MEDIAN, C_LOST_CYCLE, C_LOST_CYCLE_MEDIAN };

/* Sales cycles (days from created to closed) of the closes in the window, per group and
 * outcome: mean and median (the middle one, or the mean of the two middle ones). */
typedef struct cycle_stats {
	double mean[2], median[2]; /* [0] won, [1] lost */
	int64_t n[2];
} cycle_stats;

/* Cycle lengths of the opportunities closed in the window, per group and outcome (won,
 * lost): count, mean and median. The days are bucketed by (group, outcome) in one
 * counting pass and each bucket's median found by selection — sorting every closed
 * opportunity was most of the funnel's time on the memory backend. */
static int cycle_figures(const kc_funnel *f, cycle_stats **out)
{
	size_t nkeys = 2 * (f->ngroups ? f->ngroups : 1);
	cycle_stats *st = calloc(f->ngroups ? f->ngroups : 1, sizeof(*st));
	size_t *start = calloc(nkeys + 1, sizeof(*start));
	size_t days_bytes;
	int64_t *days = kc_scratch_get(f->scratch, &days_site, 0, f->nopps * sizeof(*days), &days_bytes);
	if (!st || !start || !days) {
		free(st);
		free(start);
		free(days);
		return kc_error_oom();
	}
	/* which closed opportunities count, and the key of each: group × 2 + lost */
#define CYCLE_KEY(o) ((size_t)(o)->group * 2 + ((o)->state == KISCRM_STAGE_LOST))
#define CYCLE_COUNTS(o)                                                                            \
	((o)->closed_in_window && (o)->state != KISCRM_STAGE_OPEN && (o)->created != KISCRM_DATE_NONE && \
	 (o)->closed != KISCRM_DATE_NONE)
	for (size_t i = 0; i < f->nopps; i++)
		if (CYCLE_COUNTS(&f->opps[i]))
			start[CYCLE_KEY(&f->opps[i]) + 1]++;
	for (size_t k = 0; k < nkeys; k++)
		start[k + 1] += start[k];
	for (size_t i = 0; i < f->nopps; i++) {
		const kc_fopp *o = &f->opps[i];
		if (CYCLE_COUNTS(o))
			days[start[CYCLE_KEY(o)]++] = o->closed > o->created ? o->closed - o->created : 0;
	}
#undef CYCLE_KEY
#undef CYCLE_COUNTS
	/* start[k] is now the end of bucket k, and the start of bucket k + 1 */
	for (size_t k = 0, from = 0; k < nkeys; from = start[k++]) {
		size_t n = start[k] - from;
		if (n == 0)
			continue;
		int64_t sum = 0;
		for (size_t i = from; i < start[k]; i++)
			sum += days[i];
		cycle_stats *s = &st[k / 2];
		int w = (int)(k % 2);
		s->n[w] = (int64_t)n;
		s->mean[w] = (double)sum / (double)n;
		s->median[w] = kc_median_i64(days + from, n);
	}
	free(start);
	kc_scratch_keep(f->scratch, &days_site, 0, days, days_bytes);
	*out = st;
	return KISCRM_OK;
}

static const char *const funnel_columns[] = {
	"stage:text", "stage_name:text", "count:int", "amount:money", "entered:int", "converted:int",
	"conversion:rate", "avg_days:rate", "median_days:rate", "win_rate:rate", "cycle_days:rate",
	"velocity:money", "cycle_median_days:rate", "lost_cycle_days:rate", "lost_cycle_median_days:rate", NULL,
};

static int stage_row(kc_funnel *f, kiscrm_table *t, size_t g, size_t s, size_t base)
{
	const kc_stage *st = &f->pl->stages[s];
	const kc_fcell *c = kc_funnel_cell(f, g, s);
	size_t row;
	int rc = kc_report_add_row(f->r, t, g, KISCRM_ROW_DETAIL, &row);
	if (rc == 0)
		rc = kc_cell_text(t, row, base + C_STAGE, st->key);
	if (rc == 0)
		rc = kc_cell_text(t, row, base + C_NAME, kc_stage_display(f->r, st));
	if (rc == 0)
		rc = kc_cell_int(t, row, base + C_COUNT, c->count);
	if (rc == 0)
		rc = kc_cell_int(t, row, base + C_AMOUNT, c->amount);
	if (rc == 0)
		rc = kc_cell_int(t, row, base + C_ENTERED, c->entered);
	if (rc || s >= f->nwork)
		return rc;
	if ((rc = kc_cell_int(t, row, base + C_CONVERTED, c->converted)) == 0)
		rc = kc_cell_ratio(t, row, base + C_CONVERSION, (double)c->converted, (double)c->entered);
	if (rc == 0)
		rc = kc_cell_ratio(t, row, base + C_AVG, (double)c->stay_sum / SECONDS_PER_DAY, (double)c->nstay);
	if (rc == 0 && c->nstay)
		rc = kc_cell_rate(t, row, base + C_MEDIAN, c->median);
	return rc;
}

/* open amount × win rate ÷ average cycle
 *   = open amount × won/(won+lost) ÷ (cycle_days/ncycle)
 *   = open amount × (won × ncycle) ÷ ((won+lost) × cycle_days), in exact integers. */
static int velocity(const kc_fgroup *g, kiscrm_money *out, int *known)
{
	*known = 0;
	if (!g->won || !g->ncycle || !g->cycle_days)
		return KISCRM_OK;
	int64_t closed = g->won + g->lost;
	if (g->won > INT64_MAX / g->ncycle || g->cycle_days > INT64_MAX / closed)
		return kc_error_set(KISCRM_EOVERFLOW, "velocity of %lld closes overflows", (long long)closed);
	int rc = kiscrm_money_scale(out, g->open_amount, g->won * g->ncycle, closed * g->cycle_days);
	*known = rc == 0;
	return rc;
}

static int total_row(kc_funnel *f, kiscrm_table *t, size_t g, size_t base, const cycle_stats *cs)
{
	const kc_fgroup *fg = &f->groups[g];
	size_t row;
	kiscrm_money v = 0;
	int known = 0;
	int rc = kc_report_add_row(f->r, t, g, KISCRM_ROW_SUBTOTAL, &row);
	if (rc == 0)
		rc = kc_cell_text(t, row, base + C_NAME,
				  strcmp(f->r->o.lang, "zh") == 0 ? "在途商机" : "Open pipeline");
	if (rc == 0)
		rc = kc_cell_int(t, row, base + C_COUNT, fg->open_count);
	if (rc == 0)
		rc = kc_cell_int(t, row, base + C_AMOUNT, fg->open_amount);
	if (rc == 0)
		rc = kc_cell_ratio(t, row, base + C_WIN_RATE, (double)fg->won, (double)(fg->won + fg->lost));
	if (rc == 0)
		rc = kc_cell_ratio(t, row, base + C_CYCLE, (double)fg->cycle_days, (double)fg->ncycle);
	if (rc == 0)
		rc = velocity(fg, &v, &known);
	if (rc == 0 && known)
		rc = kc_cell_int(t, row, base + C_VELOCITY, v);
	if (rc == 0 && cs->n[0])
		rc = kc_cell_rate(t, row, base + C_CYCLE_MEDIAN, cs->median[0]);
	if (rc == 0 && cs->n[1])
		rc = kc_cell_rate(t, row, base + C_LOST_CYCLE, cs->mean[1]);
	if (rc == 0 && cs->n[1])
		rc = kc_cell_rate(t, row, base + C_LOST_CYCLE_MEDIAN, cs->median[1]);
	return rc;
}

int kc_funnel_report_begin(kc_report *r, kc_funnel *f, kiscrm_table **out, kiscrm_db *db,
			   const kiscrm_report_options *opts, int with_stays, const char *fn)
{
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "%s: out pointer is NULL", fn);
	*out = NULL;
	int rc = kc_report_begin(r, db, opts);
	if (rc)
		return rc;
	if ((rc = kc_funnel_build(f, r, with_stays)) != 0)
		kc_report_end(r);
	return rc;
}

int kiscrm_report_funnel(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts)
{
	kc_report r;
	kc_funnel f;
	kiscrm_table *t = NULL;
	size_t *order = NULL;
	int rc = kc_funnel_report_begin(&r, &f, out, db, opts, 1, "kiscrm_report_funnel");
	if (rc)
		return rc;
	size_t base = r.o.ngroup;
	cycle_stats *cs = NULL;
	if ((rc = kc_report_table(&r, &t, "funnel")) == 0 && (rc = kc_add_columns(t, funnel_columns)) == 0 &&
	    (rc = cycle_figures(&f, &cs)) == 0)
		rc = kc_report_sorted(&r, &order);
	for (size_t k = 0; rc == 0 && k < f.ngroups; k++) {
		for (size_t s = 0; rc == 0 && s < f.nstages; s++)
			rc = stage_row(&f, t, order[k], s, base);
		if (rc == 0)
			rc = total_row(&f, t, order[k], base, &cs[order[k]]);
	}
	free(cs);
	free(order);
	kc_funnel_free(&f);
	return kc_report_finish(out, t, &r, rc);
}
