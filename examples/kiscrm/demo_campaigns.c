/* The demo company's market activities (市场活动): one of each type over the year before
 * as_of with their cost items, and the opportunities whose source is a market activity
 * or telemarketing tied to them — attending contacts, touches and the primary activity —
 * so that `kiscrm report campaign-roi` has returns to show. Deterministic without the
 * generator's random stream, so the rest of the demo is unchanged. */
#include "demo_campaigns.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY_SECONDS 86400

static const struct {
	const char *name, *type;
	int days_before; /* start, days before as_of */
	int64_t costs[2]; /* yuan */
} activities[] = {
	{ "金蝶KIS信息化管理论坛", "forum", 320, { 30000, 8000 } },
	{ "制造业小型行业促进会", "promotion", 260, { 6000, 2500 } },
	{ "KIS云产品专项推介会", "launch", 200, { 12000, 4000 } },
	{ "年中集中打单主题交流会", "closing", 140, { 9000, 3000 } },
	{ "财务共享重要行业研讨沙龙", "salon", 80, { 5000, 0 } },
	{ "《南方日报》信息化专版", "media", 30, { 18000, 0 } },
};
#define N_ACTIVITIES (sizeof(activities) / sizeof(activities[0]))

typedef struct deal {
	kiscrm_id id, customer, contact;
	kiscrm_date created;
	int telemarketing;
} deal;

typedef struct demo_campaigns {
	kiscrm_db *db;
	kiscrm_date as_of;
	kiscrm_id ids[N_ACTIVITIES], tele;
	deal *deals;
	size_t ndeals, cap;
	kiscrm_id *members[N_ACTIVITIES]; /* contacts already invited, per activity */
	size_t nmembers[N_ACTIVITIES];
	size_t records;
} demo_campaigns;

static int put(demo_campaigns *d, kiscrm_record *rec, kiscrm_id *id)
{
	int rc = kiscrm_record_insert(d->db, rec);
	if (rc == 0 && id)
		*id = kiscrm_record_id(rec);
	d->records += rc == 0;
	kiscrm_record_free(rec);
	return rc;
}

static int make_activities(demo_campaigns *d, kiscrm_id owner, kiscrm_id desk)
{
	kiscrm_record *r;
	for (size_t i = 0; i <= N_ACTIVITIES; i++) {
		int tele = i == N_ACTIVITIES; /* telemarketing runs all year */
		kiscrm_date start = (kiscrm_date)(d->as_of - (tele ? 365 : activities[i].days_before));
		if (kiscrm_record_new(&r, KISCRM_KIND_CAMPAIGN) < 0)
			return -1;
		kiscrm_record_set_text(r, KISCRM_CAMPAIGN_NAME, tele ? "电话营销（全年）" : activities[i].name);
		kiscrm_record_set_text(r, KISCRM_CAMPAIGN_TYPE, tele ? "telemarketing" : activities[i].type);
		kiscrm_record_set_int(r, KISCRM_CAMPAIGN_START, start);
		kiscrm_record_set_int(r, KISCRM_CAMPAIGN_END, tele ? d->as_of : start);
		kiscrm_record_set_int(r, KISCRM_CAMPAIGN_OWNER_ID, tele ? desk : owner);
		kiscrm_record_set_int(r, KISCRM_CAMPAIGN_BUDGET, tele ? 3600000 : (activities[i].costs[0] + activities[i].costs[1]) * 100);
		kiscrm_id id = 0;
		if (put(d, r, &id) < 0)
			return -1;
		if (tele)
			d->tele = id;
		else
			d->ids[i] = id;
		for (int k = 0; k < 2; k++) {
			int64_t yuan = tele ? 3000 : activities[i].costs[k];
			if (yuan == 0 || kiscrm_record_new(&r, KISCRM_KIND_CAMPAIGN_COST) < 0)
				continue;
			kiscrm_record_set_int(r, KISCRM_CAMPAIGN_COST_CAMPAIGN_ID, id);
			kiscrm_record_set_int(r, KISCRM_CAMPAIGN_COST_DATE, start - (k == 0 ? 14 : 0));
			kiscrm_record_set_int(r, KISCRM_CAMPAIGN_COST_AMOUNT, yuan * 100);
			kiscrm_record_set_text(r, KISCRM_CAMPAIGN_COST_ITEM, tele ? "外呼坐席" : k == 0 ? "场地与物料" : "餐饮与礼品");
			if (put(d, r, NULL) < 0)
				return -1;
		}
	}
	return 0;
}

/* The opportunities a market activity or telemarketing produced, by id. */
static int find_deals(demo_campaigns *d)
{
	static const char *const sources[] = { "market_activity", "telemarketing" };
	for (int s = 0; s < 2; s++) {
		kiscrm_filter_cond c = { KISCRM_OPPORTUNITY_SOURCE, KISCRM_OP_EQ, KISCRM_TYPE_TEXT, { .s = sources[s] } };
		kiscrm_filter f = KISCRM_FILTER_INIT;
		f.ncond = 1;
		f.conds = &c;
		kiscrm_iter *it;
		const kiscrm_record *o;
		int rc;
		if (kiscrm_iter_new(&it, d->db, KISCRM_KIND_OPPORTUNITY, &f) < 0)
			return -1;
		while ((rc = kiscrm_iter_next(&o, it)) == KISCRM_OK) {
			if (d->ndeals == d->cap) {
				size_t cap = d->cap ? d->cap * 2 : 64;
				deal *grown = realloc(d->deals, cap * sizeof(*grown));
				if (!grown) {
					rc = KISCRM_ENOMEM;
					break;
				}
				d->deals = grown;
				d->cap = cap;
			}
			deal *x = &d->deals[d->ndeals++];
			x->id = kiscrm_record_id(o);
			x->customer = kiscrm_record_int(o, KISCRM_OPPORTUNITY_CUSTOMER_ID);
			x->contact = kiscrm_record_is_null(o, KISCRM_OPPORTUNITY_CONTACT_ID)
					     ? 0 : kiscrm_record_int(o, KISCRM_OPPORTUNITY_CONTACT_ID);
			x->created = (kiscrm_date)kiscrm_record_int(o, KISCRM_OPPORTUNITY_CREATED);
			x->telemarketing = s == 1;
		}
		kiscrm_iter_free(it);
		if (rc != KISCRM_ITEROVER)
			return -1;
	}
	return 0;
}

/* The contact attends activity @a once: invited, confirmed, attended. */
static int attend(demo_campaigns *d, size_t a, kiscrm_id contact)
{
	for (size_t i = 0; i < d->nmembers[a]; i++)
		if (d->members[a][i] == contact)
			return 0;
	kiscrm_id *grown = realloc(d->members[a], (d->nmembers[a] + 1) * sizeof(*grown));
	kiscrm_record *r;
	if (!grown)
		return -1;
	d->members[a] = grown;
	d->members[a][d->nmembers[a]++] = contact;
	if (kiscrm_record_new(&r, KISCRM_KIND_CAMPAIGN_MEMBER) < 0)
		return -1;
	kiscrm_record_set_int(r, KISCRM_CAMPAIGN_MEMBER_CAMPAIGN_ID, d->ids[a]);
	kiscrm_record_set_int(r, KISCRM_CAMPAIGN_MEMBER_CONTACT_ID, contact);
	kiscrm_record_set_text(r, KISCRM_CAMPAIGN_MEMBER_STATUS, "attended");
	kiscrm_record_set_int(r, KISCRM_CAMPAIGN_MEMBER_CONFIRMED,
			      (kiscrm_date)(d->as_of - activities[a].days_before - 3));
	return put(d, r, NULL);
}

static int touch(demo_campaigns *d, kiscrm_id campaign, kiscrm_date day, kiscrm_id customer)
{
	kiscrm_record *r;
	if (kiscrm_record_new(&r, KISCRM_KIND_CAMPAIGN_TOUCH) < 0)
		return -1;
	kiscrm_record_set_int(r, KISCRM_CAMPAIGN_TOUCH_CAMPAIGN_ID, campaign);
	kiscrm_record_set_int(r, KISCRM_CAMPAIGN_TOUCH_DATE, day);
	kiscrm_record_set_int(r, KISCRM_CAMPAIGN_TOUCH_CUSTOMER_ID, customer);
	kiscrm_record_set_text(r, KISCRM_CAMPAIGN_TOUCH_CHANNEL, "外呼");
	return put(d, r, NULL);
}

static int set_primary(demo_campaigns *d, kiscrm_id opportunity, kiscrm_id campaign)
{
	kiscrm_record *o;
	if (kiscrm_record_get(&o, d->db, KISCRM_KIND_OPPORTUNITY, opportunity) < 0)
		return -1;
	int rc = kiscrm_record_set_int(o, KISCRM_OPPORTUNITY_CAMPAIGN_ID, campaign);
	if (rc == 0)
		rc = kiscrm_record_update(d->db, o);
	kiscrm_record_free(o);
	return rc;
}

/* A market-activity deal came from the latest activity held up to 90 days before it was
 * created (its contact attended); a telemarketing deal from a call a week before. */
static int tie(demo_campaigns *d, const deal *x)
{
	if (x->telemarketing)
		return touch(d, d->tele, (kiscrm_date)(x->created - 7), x->customer) < 0 ||
		       set_primary(d, x->id, d->tele) < 0 ? -1 : 0;
	size_t best = N_ACTIVITIES;
	for (size_t a = 0; a < N_ACTIVITIES; a++) {
		kiscrm_date start = (kiscrm_date)(d->as_of - activities[a].days_before);
		if (start <= x->created && start >= x->created - 90)
			best = a;
	}
	if (best == N_ACTIVITIES || !x->contact)
		return 0;
	return attend(d, best, x->contact) < 0 || set_primary(d, x->id, d->ids[best]) < 0 ? -1 : 0;
}

int demo_campaigns_make(kiscrm_db *db, kiscrm_date as_of, kiscrm_id owner, kiscrm_id desk, size_t *records)
{
	demo_campaigns d;
	memset(&d, 0, sizeof(d));
	d.db = db;
	d.as_of = as_of;
	int rc = make_activities(&d, owner, desk) < 0 || find_deals(&d) < 0 ? -1 : 0;
	for (size_t i = 0; rc == 0 && i < d.ndeals; i++)
		rc = tie(&d, &d.deals[i]);
	free(d.deals);
	for (size_t a = 0; a < N_ACTIVITIES; a++)
		free(d.members[a]);
	*records = d.records;
	return rc;
}
