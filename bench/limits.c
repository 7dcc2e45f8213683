/* The C limit of the report jobs: see limits.h. */
#include "limits.h"

#include <kiscrm/report.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NSUMS 26 /* rolling budget figures: 8 weeks × (contract, weighted, collection), 2 past-week actuals */
#define PWC 24
#define PWCL 25

struct lim_cols {
	const params *p;
	const stages *st;
	lim_window win;
	long n, nc, ncust, nstaff;
	/* opportunities */
	int32_t *o_owner, *o_created, *o_expected, *o_closed, *o_final, *o_src, *o_has_contract;
	int64_t *o_amount;
	/* stage history: 4 rows per opportunity, in order of time */
	int32_t *h_stage;
	int64_t *h_at;
	/* contracts, their two instalments and at most one collection per instalment */
	int32_t *k_owner, *k_signed, *k_due, *k_received; /* due, received: 2 per contract */
	int64_t *k_amount, *k_part, *k_got;              /* part, got: 2 per contract */
	/* customers, and the quarterly targets per person (contract, collection) */
	int32_t *c_owner, *c_created;
	int64_t *t_contract, *t_collection; /* per person, sum over the quarters in the window */
	/* scratch (allocated and touched beforehand, so the timed pass does not page-fault) */
	int64_t *stays;
	uint64_t *keys, *keys2;
	int64_t *rows;  /* project rows of the full rolling budget, NSUMS each */
	long nrows, maxrows;
	int64_t *sums;  /* per person figures */
	/* the figures of the last run, for lim_check */
	struct {
		int64_t cnt[MAX_STAGES], amt[MAX_STAGES], entered[MAX_STAGES], converted[MAX_STAGES];
		double avg[MAX_STAGES], med[MAX_STAGES];
		long nstay[MAX_STAGES];
	} funnel;
	int64_t budget_total[NSUMS], summary_total[NSUMS];
	long budget_rows, summary_rows;
	int64_t gap[6];  /* target, achieved, expected, pipeline, collection target, collected */
	long gap_rows, insufficient;
	int64_t kpi[4];  /* contract amount, collection amount, new opportunities, new customers */
};

static void *zalloc(size_t n, size_t size)
{
	void *q = calloc(n ? n : 1, size);
	if (!q)
		die("out of memory for the limit's columns (%zu × %zu bytes)", n, size);
	memset(q, 0, (n ? n : 1) * size); /* touch every page now, not in a timed pass */
	return q;
}

#define ALLOC(ptr, count) ((ptr) = zalloc((size_t)(count), sizeof(*(ptr))))

static void cols_opportunities(lim_cols *c)
{
	opp_t o;
	for (long i = 0; i < c->n; i++) {
		gen_opp(c->p, c->st, i, &o);
		c->o_owner[i] = (int32_t)o.owner;
		c->o_created[i] = (int32_t)o.created;
		c->o_expected[i] = (int32_t)o.expected;
		c->o_closed[i] = (int32_t)o.closed;
		c->o_final[i] = o.final;
		c->o_src[i] = o.src;
		c->o_amount[i] = o.amount;
		for (int k = 0; k < 4; k++) {
			c->h_stage[4 * i + k] = o.path[k];
			c->h_at[4 * i + k] = o.at[k];
		}
	}
}

static void put_contract(void *payload, long i, const contract_t *k)
{
	lim_cols *c = payload;
	c->k_owner[i] = (int32_t)k->owner;
	c->k_signed[i] = (int32_t)k->signed_on;
	c->k_amount[i] = k->amount;
	if (k->opp)
		c->o_has_contract[k->opp - 1] = 1;
	for (int j = 0; j < 2; j++) {
		kiscrm_date on = KISCRM_DATE_NONE;
		kiscrm_money got = 0;
		c->k_due[2 * i + j] = (int32_t)k->due[j];
		c->k_part[2 * i + j] = k->part[j];
		if (!gen_collection(c->p, i, j, k, &on, &got))
			on = KISCRM_DATE_NONE;
		c->k_received[2 * i + j] = (int32_t)on;
		c->k_got[2 * i + j] = got;
	}
}

static void cols_rest(lim_cols *c)
{
	kiscrm_date q[4];
	kiscrm_money amount[4][2];
	each_contract(c->p, c->st, put_contract, c);
	for (long i = 0; i < c->ncust; i++) {
		rng g = stream(c->p, 2, i + 1);
		/* the draws of load_org(): region, industry, owner, created */
		below(&g, 7);
		below(&g, 6);
		c->c_owner[i] = (int32_t)(1 + below(&g, c->p->staff));
		c->c_created[i] = (int32_t)(c->p->as_of - 730 + (kiscrm_date)below(&g, 730));
	}
	quarter_starts(c->p, q);
	for (long s = 1; s <= c->nstaff; s++) {
		gen_targets(c->p, s, amount);
		for (int k = 0; k < 4; k++) {
			if (q[k] < c->win.from || q[k] >= c->win.to)
				continue;
			c->t_contract[s] += amount[k][0];
			c->t_collection[s] += amount[k][1];
		}
	}
}

typedef void (*project_fn)(lim_cols *c, int32_t owner, int kind, long idx, const int64_t *v);
static void each_project(lim_cols *c, project_fn add);
static void count_row(lim_cols *c, int32_t owner, int kind, long idx, const int64_t *v);

lim_cols *lim_cols_build(const params *p, const stages *st, const lim_window *win)
{
	lim_cols *c = zalloc(1, sizeof(*c));
	c->p = p;
	c->st = st;
	c->win = *win;
	c->n = p->n;
	c->nc = p->contracts;
	c->ncust = p->customers;
	c->nstaff = p->staff;
	ALLOC(c->o_owner, c->n), ALLOC(c->o_created, c->n), ALLOC(c->o_expected, c->n);
	ALLOC(c->o_closed, c->n), ALLOC(c->o_final, c->n), ALLOC(c->o_src, c->n);
	ALLOC(c->o_has_contract, c->n), ALLOC(c->o_amount, c->n);
	ALLOC(c->h_stage, 4 * c->n), ALLOC(c->h_at, 4 * c->n);
	ALLOC(c->k_owner, c->nc), ALLOC(c->k_signed, c->nc), ALLOC(c->k_amount, c->nc);
	ALLOC(c->k_due, 2 * c->nc), ALLOC(c->k_received, 2 * c->nc);
	ALLOC(c->k_part, 2 * c->nc), ALLOC(c->k_got, 2 * c->nc);
	ALLOC(c->c_owner, c->ncust), ALLOC(c->c_created, c->ncust);
	ALLOC(c->t_contract, c->nstaff + 1), ALLOC(c->t_collection, c->nstaff + 1);
	ALLOC(c->stays, 4 * c->n);
	ALLOC(c->sums, (size_t)(c->nstaff + 1) * NSUMS);
	cols_opportunities(c);
	cols_rest(c);
	/* the budget's rows, sized by a counting pass: ~30 % of n, 208 bytes each */
	each_project(c, count_row);
	ALLOC(c->keys, c->maxrows), ALLOC(c->keys2, c->maxrows);
	ALLOC(c->rows, (size_t)c->maxrows * NSUMS);
	return c;
}

size_t lim_cols_bytes(const lim_cols *c)
{
	size_t opp = (size_t)c->n * (7 * 4 + 8 + 4 * (4 + 8 + 8)); /* columns, history, stays */
	size_t con = (size_t)c->nc * (2 * 4 + 8 + 2 * (2 * 4 + 2 * 8));
	size_t rows = (size_t)c->maxrows * (2 * 8 + NSUMS * 8);
	return opp + con + rows + (size_t)c->ncust * 8;
}

void lim_cols_free(lim_cols *c)
{
	if (!c)
		return;
	free(c->o_owner), free(c->o_created), free(c->o_expected), free(c->o_closed);
	free(c->o_final), free(c->o_src), free(c->o_has_contract), free(c->o_amount);
	free(c->h_stage), free(c->h_at);
	free(c->k_owner), free(c->k_signed), free(c->k_amount), free(c->k_due);
	free(c->k_received), free(c->k_part), free(c->k_got);
	free(c->c_owner), free(c->c_created), free(c->t_contract), free(c->t_collection);
	free(c->stays), free(c->keys), free(c->keys2), free(c->rows), free(c->sums);
	free(c);
}

/* ---- funnel ---- */

/* The k-th smallest of a[0..n) (Hoare selection; reorders a). */
static int64_t select_k(int64_t *a, long n, long k)
{
	long lo = 0, hi = n - 1;
	while (lo < hi) {
		int64_t pivot = a[lo + (hi - lo) / 2];
		long i = lo, j = hi;
		while (i <= j) {
			while (a[i] < pivot)
				i++;
			while (a[j] > pivot)
				j--;
			if (i <= j) {
				int64_t t = a[i];
				a[i++] = a[j];
				a[j--] = t;
			}
		}
		if (k <= j)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			break;
	}
	return a[k];
}

/* The median of a[0..n): the middle one, or the mean of the two middle ones. */
static double median(int64_t *a, long n)
{
	int64_t hi, lo;
	if (n == 0)
		return NAN;
	hi = select_k(a, n, n / 2);
	if (n % 2)
		return (double)hi;
	/* after selecting n/2, the lower half holds the other middle one: its maximum */
	lo = a[0];
	for (long i = 1; i < n / 2; i++)
		if (a[i] > lo)
			lo = a[i];
	return ((double)lo + (double)hi) / 2;
}

static long lim_funnel(void *payload)
{
	lim_cols *c = payload;
	const stages *st = c->st;
	long nstay[MAX_STAGES] = { 0 }, off[MAX_STAGES + 1];
	int64_t staysum[MAX_STAGES] = { 0 }, end_of_day = (int64_t)c->p->as_of * DAY;
	size_t ns = st->n;

	memset(&c->funnel, 0, sizeof(c->funnel));
	/* pass 1: counts, amounts, entries, conversions, the number of stays per stage */
	for (long i = 0; i < c->n; i++) {
		const int32_t *h = c->h_stage + 4 * i;
		const int64_t *at = c->h_at + 4 * i;
		unsigned seen = 0, conv = 0;
		int f = c->o_final[i], later = -1;
		c->funnel.cnt[f]++;
		c->funnel.amt[f] += c->o_amount[i];
		for (int k = 3; k >= 0; k--) {
			int s = h[k];
			int64_t end = k < 3 ? at[k + 1] : end_of_day;
			seen |= 1u << s;
			if (st->term[s] == KISCRM_STAGE_OPEN) {
				if (later > s)
					conv |= 1u << s;
				if (end >= at[k]) {
					nstay[s]++;
					staysum[s] += end - at[k];
				}
			}
			if (st->term[s] != KISCRM_STAGE_LOST && s > later)
				later = s;
		}
		for (size_t s = 0; s < ns; s++) {
			c->funnel.entered[s] += (seen >> s) & 1;
			c->funnel.converted[s] += (conv >> s) & 1;
		}
	}
	/* pass 2: the stays, bucketed by stage, then one selection per stage */
	off[0] = 0;
	for (size_t s = 0; s < ns; s++)
		off[s + 1] = off[s] + nstay[s];
	memcpy(nstay, off, sizeof(long) * ns);
	for (long i = 0; i < c->n; i++) {
		const int32_t *h = c->h_stage + 4 * i;
		const int64_t *at = c->h_at + 4 * i;
		for (int k = 0; k < 4; k++) {
			int64_t end = k < 3 ? at[k + 1] : end_of_day;
			if (st->term[h[k]] == KISCRM_STAGE_OPEN && end >= at[k])
				c->stays[nstay[h[k]]++] = end - at[k];
		}
	}
	for (size_t s = 0; s < ns; s++) {
		long m = off[s + 1] - off[s];
		c->funnel.nstay[s] = m;
		c->funnel.avg[s] = m ? (double)staysum[s] / (double)m / DAY : NAN;
		c->funnel.med[s] = median(c->stays + off[s], m) / DAY;
	}
	return (long)ns + 1;
}

/* ---- rolling budget ---- */

static int week_of(const lim_cols *c, kiscrm_date d)
{
	int wk = (int)((d - c->win.w) / 7); /* C division truncates toward zero, as SQL's */
	return wk < 0 ? 0 : wk;
}

/* Calls @add(payload, owner, kind, id, figures) once per project with its NSUMS figures
 * in @v: the open opportunities expected before the end of the eight weeks, and the
 * contracts with money still to collect in them or a contract or collection last week. */
static void each_project(lim_cols *c, project_fn add)
{
	const stages *st = c->st;
	kiscrm_date end = c->win.w + 56, pw = c->win.w - 7, as_of = c->p->as_of;
	int64_t v[NSUMS];

	for (long i = 0; i < c->n; i++) {
		int f = c->o_final[i], wk;
		if (st->term[f] != KISCRM_STAGE_OPEN || c->o_expected[i] >= end)
			continue;
		memset(v, 0, sizeof(v));
		wk = week_of(c, c->o_expected[i]);
		v[wk] = c->o_amount[i];
		v[8 + wk] = (c->o_amount[i] * st->prob[f] + 50) / 100;
		add(c, c->o_owner[i], 0, i, v);
	}
	for (long i = 0; i < c->nc; i++) {
		int any = 0;
		int64_t got = 0, cum = 0;
		if (c->k_signed[i] > as_of)
			continue;
		memset(v, 0, sizeof(v));
		for (int j = 0; j < 2; j++) {
			kiscrm_date on = c->k_received[2 * i + j];
			if (on == KISCRM_DATE_NONE)
				continue;
			if (on <= as_of)
				got += c->k_got[2 * i + j];
			if (on >= pw && on < c->win.w)
				v[PWCL] += c->k_got[2 * i + j], any = 1;
		}
		/* collections pay the instalments in order of due date (due[0] < due[1]) */
		for (int j = 0; j < 2; j++) {
			int64_t part = c->k_part[2 * i + j], open;
			cum += part;
			open = cum - got < part ? cum - got : part;
			if (part > 0 && c->k_due[2 * i + j] < end && cum - got > 0)
				v[16 + week_of(c, c->k_due[2 * i + j])] += open, any = 1;
		}
		if (c->k_signed[i] >= pw && c->k_signed[i] < c->win.w)
			v[PWC] += c->k_amount[i], any = 1;
		if (any)
			add(c, c->k_owner[i], 1, i, v);
	}
}

static void add_summary(lim_cols *c, int32_t owner, int kind, long idx, const int64_t *v)
{
	int64_t *s = c->sums + (size_t)owner * NSUMS;
	(void)kind, (void)idx;
	for (int k = 0; k < NSUMS; k++)
		s[k] += v[k];
}

/* Summary: sums by department and person straight into one array per person (a person
 * belongs to one department). */
static long lim_summary(void *payload)
{
	lim_cols *c = payload;
	long rows = 0;
	memset(c->sums, 0, sizeof(int64_t) * (size_t)(c->nstaff + 1) * NSUMS);
	memset(c->summary_total, 0, sizeof(c->summary_total));
	each_project(c, add_summary);
	for (long s = 1; s <= c->nstaff; s++) {
		int any = 0;
		const int64_t *hit = c->sums + (size_t)s * NSUMS;
		for (int k = 0; k < NSUMS; k++) {
			c->summary_total[k] += hit[k];
			any |= hit[k] != 0;
		}
		rows += any;
	}
	c->summary_rows = rows + 1;
	return c->summary_rows;
}

/* A project row of the full budget: its figures in rows[], its sort key in keys[]. The
 * key packs department, person, kind and the row's index: rows are built in id order per
 * kind, so sorting by the key is sorting by (department, person, kind, id) — the names
 * "Sales Dept %02d" and "Staff %04d" sort as their numbers. */
static void add_row(lim_cols *c, int32_t owner, int kind, long idx, const int64_t *v)
{
	uint64_t dept = (uint64_t)dept_of_staff(c->p, owner);
	(void)idx;
	if (c->nrows == c->maxrows)
		die("limit: more rolling-budget projects than counted");
	memcpy(c->rows + (size_t)c->nrows * NSUMS, v, sizeof(int64_t) * NSUMS);
	c->keys[c->nrows] = dept << 56 | (uint64_t)owner << 40 | (uint64_t)kind << 39 | (uint64_t)c->nrows;
	c->nrows++;
}

static void count_row(lim_cols *c, int32_t owner, int kind, long idx, const int64_t *v)
{
	(void)owner, (void)kind, (void)idx, (void)v;
	c->maxrows++;
}

/* LSD radix sort by 16-bit digits, skipping the digits every key shares. */
static void radix_sort(uint64_t *a, uint64_t *tmp, long n)
{
	static long count[65536];
	uint64_t all_or = 0, all_and = ~(uint64_t)0;
	for (long i = 0; i < n; i++)
		all_or |= a[i], all_and &= a[i];
	for (int shift = 0; shift < 64; shift += 16) {
		if ((((all_or ^ all_and) >> shift) & 0xFFFF) == 0)
			continue;
		memset(count, 0, sizeof(count));
		for (long i = 0; i < n; i++)
			count[(a[i] >> shift) & 0xFFFF]++;
		for (long d = 0, sum = 0; d < 65536; d++) {
			long k = count[d];
			count[d] = sum;
			sum += k;
		}
		for (long i = 0; i < n; i++)
			tmp[count[(a[i] >> shift) & 0xFFFF]++] = a[i];
		memcpy(a, tmp, sizeof(uint64_t) * (size_t)n);
	}
}

/* Full budget: the project rows built and sorted, then walked in order with a sub-total
 * row per (department, person) and the total. */
static long lim_budget(void *payload)
{
	lim_cols *c = payload;
	int64_t sub[NSUMS] = { 0 };
	uint64_t group = 0;
	long rows = 0;
	c->nrows = 0;
	memset(c->budget_total, 0, sizeof(c->budget_total));
	each_project(c, add_row);
	radix_sort(c->keys, c->keys2, c->nrows);
	for (long r = 0; r < c->nrows; r++) {
		const int64_t *v = c->rows + (size_t)(c->keys[r] & ((1ull << 39) - 1)) * NSUMS;
		if (r && c->keys[r] >> 40 != group) {
			rows++;
			memset(sub, 0, sizeof(sub));
		}
		group = c->keys[r] >> 40;
		for (int k = 0; k < NSUMS; k++) {
			sub[k] += v[k];
			c->budget_total[k] += v[k];
		}
		rows++;
	}
	c->budget_rows = rows + (c->nrows ? 1 : 0) + 1;
	return c->budget_rows;
}

/* ---- gap, sufficiency, KPI: per person over the quarter ---- */

static int in_window(const lim_cols *c, int32_t d)
{
	return d != KISCRM_DATE_NONE && d >= c->win.from && d < c->win.to;
}

/* Per person, PP figures: target, achieved, expected (weighted), pipeline, collection
 * target, collected, then the open pipeline's opportunities from the four sources whose
 * absence is a cause of insufficiency (grid, market activity, telemarketing, resale);
 * @gap 0 (sufficiency) leaves the collections out and counts the insufficient people. */
#define PP 10
#define SUFFICIENCY_THRESHOLD 3.0 /* analysis.yaml sufficiency_threshold */

static long per_person(lim_cols *c, int gap)
{
	const stages *st = c->st;
	int64_t *s = c->sums;
	long rows = 0;
	memset(s, 0, sizeof(int64_t) * (size_t)(c->nstaff + 1) * PP);
	for (long p = 1; p <= c->nstaff; p++) {
		s[PP * p] = c->t_contract[p];
		if (gap)
			s[PP * p + 4] = c->t_collection[p];
	}
	for (long i = 0; i < c->nc; i++)
		if (in_window(c, c->k_signed[i]))
			s[PP * c->k_owner[i] + 1] += c->k_amount[i];
	for (long i = 0; i < c->n; i++) {
		int f = c->o_final[i];
		int64_t *o = s + PP * c->o_owner[i];
		if (st->term[f] == KISCRM_STAGE_WON && !c->o_has_contract[i] && in_window(c, c->o_closed[i])) {
			o[1] += c->o_amount[i];
		} else if (st->term[f] == KISCRM_STAGE_OPEN && in_window(c, c->o_expected[i])) {
			o[2] += (c->o_amount[i] * st->prob[f] + 50) / 100;
			o[3] += c->o_amount[i];
			if (c->o_src[i] < 4)
				o[6 + c->o_src[i]]++;
		}
	}
	if (gap)
		for (long i = 0; i < 2 * c->nc; i++)
			if (in_window(c, c->k_received[i]))
				s[PP * c->k_owner[i / 2] + 5] += c->k_got[i];
	memset(c->gap, 0, sizeof(c->gap));
	c->insufficient = 0;
	for (long p = 1; p <= c->nstaff; p++) {
		const int64_t *o = s + PP * p;
		int64_t rem = o[0] - o[1];
		int any = 0;
		for (int k = 0; k < 6; k++) {
			c->gap[k] += o[k];
			any |= o[k] != 0;
		}
		rows += any;
		c->insufficient += rem > 0 && (double)o[3] / (double)rem < SUFFICIENCY_THRESHOLD;
	}
	c->gap_rows = rows;
	return rows;
}

static long lim_gap(void *payload)
{
	return per_person(payload, 1);
}

static long lim_sufficiency(void *payload)
{
	return per_person(payload, 0);
}

/* The head of a department (load_org() makes each department's first person its manager). */
static int is_manager(const lim_cols *c, long s)
{
	long per = c->p->staff / c->p->depts;
	return (dept_of_staff(c->p, s) - 1) * (per > 0 ? per : 1) + 1 == s;
}

/* KPI: contracts signed, collections received, opportunities and customers created in
 * the quarter, per person. */
static long lim_kpi(void *payload)
{
	lim_cols *c = payload;
	int64_t *s = c->sums;
	memset(s, 0, sizeof(int64_t) * (size_t)(c->nstaff + 1) * 4);
	for (long i = 0; i < c->nc; i++)
		if (in_window(c, c->k_signed[i]))
			s[4 * c->k_owner[i]] += c->k_amount[i];
	for (long i = 0; i < 2 * c->nc; i++)
		if (in_window(c, c->k_received[i]))
			s[4 * c->k_owner[i / 2] + 1] += c->k_got[i];
	for (long i = 0; i < c->n; i++)
		if (in_window(c, c->o_created[i]))
			s[4 * c->o_owner[i] + 2]++;
	for (long i = 0; i < c->ncust; i++)
		if (in_window(c, c->c_created[i]))
			s[4 * c->c_owner[i] + 3]++;
	/* the default scheme scores sales reps; each department's first person is its manager */
	memset(c->kpi, 0, sizeof(c->kpi));
	for (long p = 1; p <= c->nstaff; p++)
		for (int k = 0; k < 4 && !is_manager(c, p); k++)
			c->kpi[k] += s[4 * p + k];
	return c->nstaff;
}

lim_fn lim_job(const char *job)
{
	static const struct {
		const char *job;
		lim_fn fn;
	} t[] = {
		{ "funnel", lim_funnel },     { "rolling_budget", lim_budget },
		{ "rolling_summary", lim_summary }, { "gap", lim_gap },
		{ "sufficiency", lim_sufficiency }, { "kpi", lim_kpi },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(t[i].job, job) == 0)
			return t[i].fn;
	return NULL;
}

/* ---- checks against the API's table ---- */

static int col(const kiscrm_table *t, const char *name)
{
	int i = kiscrm_table_column_index(t, name);
	if (i < 0)
		die("limit check: the %s table has no column '%s'", kiscrm_table_name(t), name);
	return i;
}

static int64_t cell_int(const kiscrm_table *t, size_t row, const char *name)
{
	int c = col(t, name);
	return kiscrm_table_is_null(t, row, (size_t)c) ? 0 : kiscrm_table_int(t, row, (size_t)c);
}

static double cell_rate(const kiscrm_table *t, size_t row, const char *name)
{
	int c = col(t, name);
	return kiscrm_table_is_null(t, row, (size_t)c) ? NAN : kiscrm_table_rate(t, row, (size_t)c);
}

/* Sum of a column over the DETAIL rows (optionally only those whose @key_col is @key). */
static int64_t column_sum(const kiscrm_table *t, const char *name, const char *key_col, const char *key, int rate)
{
	int64_t sum = 0;
	for (size_t r = 0; r < kiscrm_table_row_count(t); r++) {
		if (kiscrm_table_row_kind(t, r) != KISCRM_ROW_DETAIL)
			continue;
		if (key_col) {
			const char *v = kiscrm_table_text(t, r, (size_t)col(t, key_col));
			if (!v || strcmp(v, key) != 0)
				continue;
		}
		sum += rate ? (int64_t)llround(cell_rate(t, r, name)) : cell_int(t, r, name);
	}
	return sum;
}

#define SAME_INT(what, api, lim)                                                                          \
	do {                                                                                              \
		if ((int64_t)(api) != (int64_t)(lim)) {                                                   \
			snprintf(why, size, "%s: API %lld, limit %lld", what, (long long)(api), (long long)(lim)); \
			return -1;                                                                        \
		}                                                                                         \
	} while (0)

static int same_days(double api, double lim)
{
	return (isnan(api) && isnan(lim)) || fabs(api - lim) <= 1e-6 * (1 + fabs(lim));
}

static int check_funnel(lim_cols *c, const kiscrm_table *t, char *why, size_t size)
{
	char what[96];
	for (size_t r = 0; r < kiscrm_table_row_count(t); r++) {
		const char *key = kiscrm_table_text(t, r, (size_t)col(t, "stage"));
		size_t s;
		if (!key || kiscrm_table_row_kind(t, r) == KISCRM_ROW_SUBTOTAL)
			continue;
		for (s = 0; s < c->st->n && strcmp(c->st->key[s], key) != 0; s++)
			;
		if (s == c->st->n)
			continue;
		snprintf(what, sizeof(what), "stage %s count", key);
		SAME_INT(what, cell_int(t, r, "count"), c->funnel.cnt[s]);
		snprintf(what, sizeof(what), "stage %s amount", key);
		SAME_INT(what, cell_int(t, r, "amount"), c->funnel.amt[s]);
		snprintf(what, sizeof(what), "stage %s entered", key);
		SAME_INT(what, cell_int(t, r, "entered"), c->funnel.entered[s]);
		if (c->st->term[s] != KISCRM_STAGE_OPEN)
			continue;
		snprintf(what, sizeof(what), "stage %s converted", key);
		SAME_INT(what, cell_int(t, r, "converted"), c->funnel.converted[s]);
		if (!same_days(cell_rate(t, r, "avg_days"), c->funnel.avg[s]) ||
		    !same_days(cell_rate(t, r, "median_days"), c->funnel.med[s])) {
			snprintf(why, size, "stage %s stays: API mean %.6f median %.6f, limit %.6f %.6f", key,
				 cell_rate(t, r, "avg_days"), cell_rate(t, r, "median_days"), c->funnel.avg[s],
				 c->funnel.med[s]);
			return -1;
		}
	}
	return 0;
}

static int check_budget(const kiscrm_table *t, long rows, const int64_t *total, char *why, size_t size)
{
	static const char *const fig[] = { "contract", "weighted", "collection" };
	char name[64];
	size_t last = kiscrm_table_row_count(t) - 1;
	int64_t all[3] = { 0, 0, 0 };
	SAME_INT("rows", kiscrm_table_row_count(t), rows);
	if (kiscrm_table_row_kind(t, last) != KISCRM_ROW_TOTAL)
		die("limit check: the last row of %s is not its TOTAL", kiscrm_table_name(t));
	for (int f = 0; f < 3; f++) {
		for (int wk = 0; wk < 8; wk++) {
			snprintf(name, sizeof(name), "w%d_%s", wk + 1, fig[f]);
			SAME_INT(name, cell_int(t, last, name), total[8 * f + wk]);
			all[f] += total[8 * f + wk];
		}
		snprintf(name, sizeof(name), "total_%s", fig[f]);
		SAME_INT(name, cell_int(t, last, name), all[f]);
	}
	SAME_INT("pw_contract_actual", cell_int(t, last, "pw_contract_actual"), total[PWC]);
	SAME_INT("pw_collection_actual", cell_int(t, last, "pw_collection_actual"), total[PWCL]);
	return 0;
}

static int check_gap(lim_cols *c, const kiscrm_table *t, int with_collections, char *why, size_t size)
{
	SAME_INT("rows", kiscrm_table_row_count(t), c->gap_rows);
	SAME_INT("target", column_sum(t, "target", NULL, NULL, 0), c->gap[0]);
	SAME_INT("achieved", column_sum(t, "achieved", NULL, NULL, 0), c->gap[1]);
	SAME_INT("pipeline", column_sum(t, "pipeline", NULL, NULL, 0), c->gap[3]);
	if (!with_collections) {
		SAME_INT("insufficient", column_sum(t, "insufficient", NULL, NULL, 0), c->insufficient);
		return 0;
	}
	SAME_INT("expected", column_sum(t, "expected", NULL, NULL, 0), c->gap[2]);
	SAME_INT("collection_target", column_sum(t, "collection_target", NULL, NULL, 0), c->gap[4]);
	SAME_INT("collected", column_sum(t, "collected", NULL, NULL, 0), c->gap[5]);
	return 0;
}

static int check_kpi(lim_cols *c, const kiscrm_table *t, char *why, size_t size)
{
	SAME_INT("contract_amount", column_sum(t, "actual_amount", "metric", "contract_amount", 0), c->kpi[0]);
	SAME_INT("collection_amount", column_sum(t, "actual_amount", "metric", "collection_amount", 0), c->kpi[1]);
	SAME_INT("new_opportunities", column_sum(t, "actual", "metric", "new_opportunities", 1), c->kpi[2]);
	/* kpi[3], new customers, is computed as the SQL forms do, but the default scheme has no
	 * indicator of it to compare with */
	return 0;
}

int lim_check(lim_cols *c, const char *job, const kiscrm_table *t, char *why, size_t size)
{
	if (strcmp(job, "funnel") == 0)
		return check_funnel(c, t, why, size);
	if (strcmp(job, "rolling_budget") == 0)
		return check_budget(t, c->budget_rows, c->budget_total, why, size);
	if (strcmp(job, "rolling_summary") == 0)
		return check_budget(t, c->summary_rows, c->summary_total, why, size);
	if (strcmp(job, "gap") == 0)
		return check_gap(c, t, 1, why, size);
	if (strcmp(job, "sufficiency") == 0)
		return check_gap(c, t, 0, why, size);
	if (strcmp(job, "kpi") == 0)
		return check_kpi(c, t, why, size);
	snprintf(why, size, "no check for %s", job);
	return -1;
}
