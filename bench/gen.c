/* The benchmark's data: a deterministic data set generated from a seed (gen.c) and the
 * helpers every part of kiscrm-bench shares. Every record is a function of the seed and
 * its index, so the API loader, the raw SQL loader and the packed columns of the C limit
 * (limits.c) see the same rows without anyone keeping them. */
#include <kiscrm/budget.h>
#include <kiscrm/config.h>
#include <kiscrm/date.h>
#include <kiscrm/errors.h>
#include <kiscrm/forecast.h>
#include <kiscrm/pipeline.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>

#include "bench.h"
void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("kiscrm-bench: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

void check_at(int rc, const char *what, int line)
{
	if (rc < 0)
		die("%s failed (line %d, rc %d): %s", what, line, rc, kiscrm_error_last()->message);
}

double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t rng_next(rng *r)
{
	uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

long below(rng *r, long n)
{
	return n > 0 ? (long)(rng_next(r) % (uint64_t)n) : 0;
}

/* A stream per (kind of record, index): records do not depend on generation order. */
rng stream(const params *p, uint64_t kind, long i)
{
	rng r = { p->seed * 0xD1B54A32D192ED03ull ^ (kind << 56) ^ (uint64_t)(i + 1) * 0x9E3779B97F4A7C15ull };
	rng_next(&r);
	return r;
}

/* ---- the pipeline --------------------------------------------------------------- */

static const char *keep_copy(char *buf, size_t size, const char *s)
{
	if (!s)
		return NULL;
	if (strlen(s) >= size)
		die("configuration key '%s' is too long", s);
	memcpy(buf, s, strlen(s) + 1);
	return buf;
}

void load_stages(stages *st, const kiscrm_config *cfg)
{
	memset(st, 0, sizeof(*st));
	st->pipeline = keep_copy(st->pipeline_buf, sizeof(st->pipeline_buf), kiscrm_config_pipeline_key(cfg, 0));
	st->n = kiscrm_config_stage_count(cfg, 0);
	if (!st->pipeline || st->n < 3 || st->n > MAX_STAGES)
		die("the default pipeline has %zu stages; 3 to %d are supported", st->n, MAX_STAGES);
	st->won = st->lost = -1;
	for (size_t s = 0; s < st->n; s++) {
		st->key[s] = keep_copy(st->key_buf[s], sizeof(st->key_buf[s]), kiscrm_config_stage_key(cfg, 0, s));
		st->prob[s] = kiscrm_config_stage_probability(cfg, 0, s);
		st->cat[s] = keep_copy(st->cat_buf[s], sizeof(st->cat_buf[s]),
				       kiscrm_config_stage_forecast_category(cfg, 0, s));
		st->term[s] = kiscrm_config_stage_terminal(cfg, 0, s);
		if (st->term[s] == KISCRM_STAGE_OPEN)
			st->work[st->nwork++] = (int)s;
		else if (st->term[s] == KISCRM_STAGE_WON && st->won < 0)
			st->won = (int)s;
		else if (st->term[s] == KISCRM_STAGE_LOST && st->lost < 0)
			st->lost = (int)s;
	}
	if (st->nwork < 1 || st->won < 0 || st->lost < 0)
		die("the default pipeline needs a working, a won and a lost stage");
}

/* ---- generated records ------------------------------------------------------------- */

const char *const business_lines[] = { "direct", "distribution", "service" };
const char *const product_lines[] = { "professional", "mini", "standard", "commerce", "new_products" };
const char *const sources[] = { "grid", "market_activity", "telemarketing", "resale", "partner", "referral", "inbound" };
const char *const regions[] = { "north", "east", "south", "central", "southwest", "northwest", "northeast" };
const char *const industries[] = { "manufacturing", "retail", "software", "finance", "education", "healthcare" };

long dept_of_staff(const params *p, long s)
{
	long per = p->staff / p->depts;
	long d = (s - 1) / (per > 0 ? per : 1) + 1;
	return d > p->depts ? p->depts : d;
}

static int work_stage(const stages *st, int i)
{
	int k = i < st->nwork ? i : st->nwork - 1;
	return st->work[k > 0 ? k : 0];
}

/* Opportunity i (0-based): ~40 % open, ~35 % won, ~25 % lost, each with a creation entry
 * and three moves (one path goes backwards). */
void gen_opp(const params *p, const stages *st, long i, opp_t *o)
{
	rng r = stream(p, 1, i);
	int kind;
	kiscrm_time t;

	o->id = i + 1;
	o->customer = 1 + below(&r, p->customers);
	o->owner = 1 + below(&r, p->staff);
	o->dept = dept_of_staff(p, o->owner);
	o->bl = (int)below(&r, 3);
	o->pl = (int)below(&r, 5);
	o->src = (int)below(&r, 7);
	o->amount = (kiscrm_money)(5000 + below(&r, 295000)) * 100;
	if (below(&r, 10) == 0)
		o->amount *= 8;
	o->created = p->as_of - 365 + (kiscrm_date)below(&r, 335);
	kind = (int)below(&r, 100);
	if (kind < 30) {
		o->path[0] = work_stage(st, 0), o->path[1] = work_stage(st, 1);
		o->path[2] = work_stage(st, 2), o->path[3] = work_stage(st, 3);
	} else if (kind < 40) {
		o->path[0] = work_stage(st, 0), o->path[1] = work_stage(st, 1);
		o->path[2] = work_stage(st, 0), o->path[3] = work_stage(st, 1);
	} else if (kind < 65) {
		o->path[0] = work_stage(st, 0), o->path[1] = work_stage(st, 1);
		o->path[2] = work_stage(st, 3), o->path[3] = st->won;
	} else if (kind < 75) {
		o->path[0] = work_stage(st, 0), o->path[1] = work_stage(st, 2);
		o->path[2] = work_stage(st, 3), o->path[3] = st->won;
	} else {
		o->path[0] = work_stage(st, 0), o->path[1] = work_stage(st, 1);
		o->path[2] = work_stage(st, 2), o->path[3] = st->lost;
	}
	/* The creation entry is at midnight of `created`, as the library writes it. */
	t = (kiscrm_time)o->created * DAY;
	o->at[0] = t;
	for (int k = 1; k < 4; k++) {
		t += (kiscrm_time)(1 + below(&r, 10)) * DAY + below(&r, 36000);
		o->at[k] = t;
	}
	o->final = o->path[3];
	if (st->term[o->final] != KISCRM_STAGE_OPEN) {
		o->closed = (kiscrm_date)(o->at[3] / DAY);
		o->expected = o->closed;
	} else {
		o->closed = KISCRM_DATE_NONE;
		o->expected = p->as_of - 28 + (kiscrm_date)below(&r, 224);
	}
	snprintf(o->name, sizeof(o->name), "Opportunity %07d", (int)o->id);
}

const char *size_class(kiscrm_money a)
{
	return a >= SIZE_LARGE_MIN ? "large" : a >= SIZE_MEDIUM_MIN ? "medium" : "small";
}

const char *status_of(const stages *st, int s)
{
	return st->term[s] == KISCRM_STAGE_WON ? "won" : st->term[s] == KISCRM_STAGE_LOST ? "lost" : "open";
}

void gen_contract(const params *p, long c, const opp_t *won, contract_t *k)
{
	rng r = stream(p, 3, c);
	if (won) {
		k->opp = won->id;
		k->customer = won->customer;
		k->owner = won->owner;
		k->dept = won->dept;
		k->bl = won->bl;
		k->pl = won->pl;
		k->signed_on = won->closed;
		k->amount = won->amount;
	} else {
		k->opp = 0;
		k->customer = 1 + below(&r, p->customers);
		k->owner = 1 + below(&r, p->staff);
		k->dept = dept_of_staff(p, k->owner);
		k->bl = (int)below(&r, 3);
		k->pl = (int)below(&r, 5);
		k->signed_on = p->as_of - 365 + (kiscrm_date)below(&r, 365);
		k->amount = (kiscrm_money)(5000 + below(&r, 295000)) * 100;
	}
	k->part[0] = k->amount * 4 / 10;
	k->part[1] = k->amount - k->part[0];
	k->due[0] = k->signed_on + 30;
	k->due[1] = k->signed_on + 120;
}

/* Collections of instalment j of contract c: paid in full some days after the due date,
 * paid half, or not yet. Returns how many (0..1) and fills date and amount. */
int gen_collection(const params *p, long c, int j, const contract_t *k, kiscrm_date *on,
			  kiscrm_money *amount)
{
	rng r = stream(p, 4 + (uint64_t)j, c);
	long u = below(&r, 100);
	kiscrm_date late = (kiscrm_date)below(&r, 20);
	if (k->part[j] <= 0)
		return 0;
	if (k->due[j] + 20 <= p->as_of && u < 85) {
		*on = k->due[j] + late;
		*amount = k->part[j];
		return 1;
	}
	if (k->due[j] <= p->as_of && u < 92 && k->part[j] >= 2) {
		*on = k->due[j];
		*amount = k->part[j] / 2;
		return 1;
	}
	return 0;
}

void each_contract(const params *p, const stages *st, contract_fn fn, void *payload)
{
	long c = 0;
	opp_t o;
	contract_t k;
	for (long i = 0; i < p->n && c < p->contracts; i++) {
		gen_opp(p, st, i, &o);
		if (st->term[o.final] != KISCRM_STAGE_WON)
			continue;
		gen_contract(p, c, &o, &k);
		fn(payload, c++, &k);
	}
	for (; c < p->contracts; c++) {
		gen_contract(p, c, NULL, &k);
		fn(payload, c, &k);
	}
}

void quarter_starts(const params *p, kiscrm_date q[4])
{
	int y, m, d;
	kiscrm_date_to_ymd(p->as_of, &y, &m, &d);
	for (int k = 0; k < 4; k++)
		CHECK(kiscrm_date_from_ymd(&q[k], y, 1 + 3 * k, 1));
}

void gen_targets(const params *p, long s, kiscrm_money amount[4][2])
{
	rng r = stream(p, 7, s);
	for (int k = 0; k < 4; k++) {
		for (int mt = 0; mt < 2; mt++) {
			double yuan = (30e6 + (double)below(&r, 30000000)) * ((double)p->n / 1e6);
			amount[k][mt] = (kiscrm_money)(yuan < 1000 ? 1000 : yuan) * 100;
			if (mt == 1)
				amount[k][mt] = amount[k][mt] * 8 / 10;
		}
	}
}
