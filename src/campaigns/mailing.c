/* The invitation list (邀请名单, kiscrm_campaign_mailing_list): people gathered from an
 * activity's members, or from the contacts of customers and open leads, each person once.
 * A person is the normalised name with the normalised phone (else the e-mail, else the
 * company); one opted-out record of a person removes the person, so an opt-out recorded
 * on one contact is honoured on every duplicate. */
#include "campaigns/kinds.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/field.h"
#include "core/map.h"
#include "core/options.h"
#include "core/str.h"
#include "core/vec.h"
#include "entities/kinds.h"
#include "entities/normalize.h"
#include "kiscrm/campaign.h"
#include "kiscrm/customer.h"
#include "kiscrm/pipeline.h"
#include "kiscrm/table.h"
#include "storage/db.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

typedef struct person {
	char *name, *phone, *email, *company;
	kiscrm_id customer, contact, lead;
	int64_t records;
	int opted_out;
} person;

typedef struct company {
	char *name, *region, *industry;
} company;

typedef struct gather {
	kiscrm_db *db;
	const kiscrm_mailing_options *o;
	kiscrm_id campaign;
	person *people;
	size_t n, cap;
	kc_strmap index; /* person key → people */
	company *companies;
	size_t ncompanies, cap_companies;
	kc_idmap company_index; /* customer id → companies */
	kiscrm_buf key;
} gather;

/* What one record says of a person. */
typedef struct sighting {
	const char *name, *phone, *email, *company;
	kiscrm_id customer, contact, lead;
	int opt_out;
} sighting;

static int person_key(kiscrm_buf *key, const sighting *s)
{
	key->size = 0;
	int rc = kc_normalize_person_name(s->name, key);
	if (rc == 0)
		rc = kc_buf_put(key, "\x1f", 1);
	size_t mark = key->size;
	if (rc == 0 && s->phone && (rc = kc_normalize_phone(s->phone, key)) == 0 && key->size > mark)
		return kc_buf_put(key, "\x1fp", 2);
	for (const char *e = s->email; rc == 0 && e && *e; e++)
		if (!isspace((unsigned char)*e)) {
			char c = (char)tolower((unsigned char)*e);
			rc = kc_buf_put(key, &c, 1);
		}
	if (rc || key->size > mark)
		return rc ? rc : kc_buf_put(key, "\x1f" "e", 2);
	return s->company ? kc_normalize_company_name(s->company, key) : KISCRM_OK;
}

static int see(gather *g, const sighting *s)
{
	if (!s->name || !*s->name)
		return KISCRM_OK; /* nobody to address */
	size_t i;
	int rc = person_key(&g->key, s);
	if (rc)
		return rc;
	if (!kc_strmap_get(&g->index, g->key.ptr, &i)) {
		if (KC_VEC_GROW(g->people, g->n, g->cap, 64))
			return KISCRM_ENOMEM;
		person *p = &g->people[g->n];
		memset(p, 0, sizeof(*p));
		if ((rc = kc_strdup_to(&p->name, s->name)) || (rc = kc_strdup_to(&p->phone, s->phone)) ||
		    (rc = kc_strdup_to(&p->email, s->email)) || (rc = kc_strdup_to(&p->company, s->company)) ||
		    (rc = kc_strmap_put(&g->index, g->key.ptr, g->n)) != 0) {
			free(p->name);
			free(p->phone);
			free(p->email);
			free(p->company);
			return rc;
		}
		i = g->n++;
	}
	person *p = &g->people[i];
	p->records++;
	p->opted_out |= s->opt_out;
	if (!p->customer)
		p->customer = s->customer;
	if (!p->contact)
		p->contact = s->contact;
	if (!p->lead)
		p->lead = s->lead;
	return KISCRM_OK;
}

/* ---- customers: names for the company column, region and industry for the filter ---- */

static int company_cb(void *payload, const kiscrm_value *row)
{
	gather *g = payload;
	if (KC_VEC_GROW(g->companies, g->ncompanies, g->cap_companies, 64))
		return KISCRM_ENOMEM;
	company *c = &g->companies[g->ncompanies];
	memset(c, 0, sizeof(*c));
	int rc;
	if ((rc = kc_strdup_to(&c->name, kc_val_text(&row[KC_FI(KISCRM_CUSTOMER_NAME)]))) ||
	    (rc = kc_strdup_to(&c->region, kc_val_text(&row[KC_FI(KISCRM_CUSTOMER_REGION)]))) ||
	    (rc = kc_strdup_to(&c->industry, kc_val_text(&row[KC_FI(KISCRM_CUSTOMER_INDUSTRY)]))) ||
	    (rc = kc_idmap_put(&g->company_index, row[0].u.i, g->ncompanies)) != 0) {
		free(c->name);
		free(c->region);
		free(c->industry);
		return rc;
	}
	g->ncompanies++;
	return KISCRM_OK;
}

static const company *company_of(const gather *g, kiscrm_id customer)
{
	size_t i;
	return kc_idmap_get(&g->company_index, customer, &i) ? &g->companies[i] : NULL;
}

static int same(const char *want, const char *have)
{
	return !want || (have && strcmp(want, have) == 0);
}

/* ---- contacts and leads ---- */

static void contact_sighting(const gather *g, const kiscrm_value *row, sighting *s)
{
	memset(s, 0, sizeof(*s));
	s->contact = row[0].u.i;
	s->customer = kc_val_int(&row[KC_FI(KISCRM_CONTACT_CUSTOMER_ID)], 0);
	const company *c = company_of(g, s->customer);
	s->name = kc_val_text(&row[KC_FI(KISCRM_CONTACT_NAME)]);
	s->phone = kc_val_text(&row[KC_FI(KISCRM_CONTACT_PHONE)]);
	s->email = kc_val_text(&row[KC_FI(KISCRM_CONTACT_EMAIL)]);
	s->company = c ? c->name : NULL;
	s->opt_out = kc_val_int(&row[KC_FI(KISCRM_CONTACT_OPT_OUT)], 0) != 0;
}

static void lead_sighting(const kiscrm_value *row, sighting *s)
{
	memset(s, 0, sizeof(*s));
	s->lead = row[0].u.i;
	s->customer = kc_val_int(&row[KC_FI(KISCRM_LEAD_CUSTOMER_ID)], 0);
	s->name = kc_val_text(&row[KC_FI(KISCRM_LEAD_CONTACT_NAME)]);
	s->phone = kc_val_text(&row[KC_FI(KISCRM_LEAD_PHONE)]);
	s->email = kc_val_text(&row[KC_FI(KISCRM_LEAD_EMAIL)]);
	s->company = kc_val_text(&row[KC_FI(KISCRM_LEAD_COMPANY)]);
	s->opt_out = kc_val_int(&row[KC_FI(KISCRM_LEAD_OPT_OUT)], 0) != 0;
}

static int contact_cb(void *payload, const kiscrm_value *row)
{
	gather *g = payload;
	sighting s;
	contact_sighting(g, row, &s);
	const company *c = company_of(g, s.customer);
	if (!c || !same(g->o->region, c->region) || !same(g->o->industry, c->industry))
		return 0;
	return see(g, &s);
}

static int lead_cb(void *payload, const kiscrm_value *row)
{
	gather *g = payload;
	const char *status = kc_val_text(&row[KC_FI(KISCRM_LEAD_STATUS)]);
	if (status && (strcmp(status, "qualified") == 0 || strcmp(status, "disqualified") == 0))
		return 0; /* qualified: the person is a contact now; disqualified: not a prospect */
	if (!same(g->o->region, kc_val_text(&row[KC_FI(KISCRM_LEAD_REGION)])) ||
	    !same(g->o->industry, kc_val_text(&row[KC_FI(KISCRM_LEAD_INDUSTRY)])))
		return 0;
	sighting s;
	lead_sighting(row, &s);
	return see(g, &s);
}

/* ---- an activity's members ---- */

typedef struct member_view {
	gather *g;
	sighting s;
	int found;
} member_view;

static int member_contact_cb(void *payload, const kiscrm_value *row)
{
	member_view *m = payload;
	contact_sighting(m->g, row, &m->s);
	m->found = 1;
	return see(m->g, &m->s);
}

static int member_lead_cb(void *payload, const kiscrm_value *row)
{
	member_view *m = payload;
	lead_sighting(row, &m->s);
	m->found = 1;
	return see(m->g, &m->s);
}

static int member_cb(void *payload, const kiscrm_value *row)
{
	gather *g = payload;
	const char *status = kc_val_text(&row[KC_FI(KISCRM_CAMPAIGN_MEMBER_STATUS)]);
	if (kc_val_int(&row[KC_FI(KISCRM_CAMPAIGN_MEMBER_CAMPAIGN_ID)], 0) != g->campaign ||
	    (status && strcmp(status, "declined") == 0))
		return 0;
	member_view m = { g, { 0 }, 0 };
	kiscrm_id contact = kc_val_int(&row[KC_FI(KISCRM_CAMPAIGN_MEMBER_CONTACT_ID)], 0);
	kiscrm_id lead = kc_val_int(&row[KC_FI(KISCRM_CAMPAIGN_MEMBER_LEAD_ID)], 0);
	int rc = 0;
	if (contact)
		rc = kc_db_get(g->db, &kc_contact_def, contact, member_contact_cb, &m);
	else if (lead)
		rc = kc_db_get(g->db, kc_db_def(g->db, KISCRM_KIND_LEAD), lead, member_lead_cb, &m);
	if (rc || m.found)
		return rc;
	sighting s = { 0 };
	s.name = kc_val_text(&row[KC_FI(KISCRM_CAMPAIGN_MEMBER_NAME)]);
	s.phone = kc_val_text(&row[KC_FI(KISCRM_CAMPAIGN_MEMBER_PHONE)]);
	s.email = kc_val_text(&row[KC_FI(KISCRM_CAMPAIGN_MEMBER_EMAIL)]);
	s.company = kc_val_text(&row[KC_FI(KISCRM_CAMPAIGN_MEMBER_COMPANY)]);
	return see(g, &s);
}

/* ---- the list ---- */

static int collect(gather *g)
{
	int rc = kc_db_scan(g->db, &kc_customer_def, NULL, company_cb, g);
	if (rc)
		return rc;
	if (g->campaign) {
		kiscrm_cond c = { KISCRM_CAMPAIGN_MEMBER_CAMPAIGN_ID, KISCRM_OP_EQ, { KISCRM_TYPE_INT, { .i = g->campaign } } };
		kiscrm_query q = { 1, &c, 0 };
		if ((rc = kc_db_exists(g->db, &kc_campaign_def, g->campaign)) <= 0)
			return rc < 0 ? rc
				      : kc_error_set_at(KISCRM_ENOTFOUND, NULL, 0, 0, "campaign_id", NULL,
							"campaign %lld does not exist", (long long)g->campaign);
		return kc_db_scan(g->db, &kc_campaign_member_def, &q, member_cb, g);
	}
	if ((rc = kc_db_scan(g->db, &kc_contact_def, NULL, contact_cb, g)) == 0 && g->o->leads)
		rc = kc_db_scan(g->db, kc_db_def(g->db, KISCRM_KIND_LEAD), NULL, lead_cb, g);
	return rc;
}

static int build(kiscrm_table **out, const gather *g)
{
	static const char *const cols[] = { "name", "phone", "email", "company", "customer_id", "contact_id",
					    "lead_id", "records", NULL };
	int rc = kiscrm_table_new(out, "mailing-list");
	for (size_t c = 0; rc == 0 && cols[c]; c++)
		rc = kiscrm_table_add_column(*out, cols[c], c < 4 ? KISCRM_TYPE_TEXT : KISCRM_TYPE_INT);
	for (size_t i = 0; rc == 0 && i < g->n; i++) {
		const person *p = &g->people[i];
		if (p->opted_out)
			continue;
		int row = kiscrm_table_add_row(*out, KISCRM_ROW_DETAIL);
		if (row < 0) {
			rc = row;
			break;
		}
		size_t r = (size_t)row;
		const char *texts[] = { p->name, p->phone, p->email, p->company };
		int64_t ids[] = { p->customer, p->contact, p->lead };
		for (size_t c = 0; rc == 0 && c < 4; c++)
			if (texts[c])
				rc = kiscrm_table_set_text(*out, r, c, texts[c]);
		for (size_t c = 0; rc == 0 && c < 3; c++)
			if (ids[c])
				rc = kiscrm_table_set_int(*out, r, 4 + c, ids[c]);
		if (rc == 0)
			rc = kiscrm_table_set_int(*out, r, 7, p->records);
	}
	return rc;
}

static void dispose(gather *g)
{
	for (size_t i = 0; i < g->n; i++) {
		free(g->people[i].name);
		free(g->people[i].phone);
		free(g->people[i].email);
		free(g->people[i].company);
	}
	for (size_t i = 0; i < g->ncompanies; i++) {
		free(g->companies[i].name);
		free(g->companies[i].region);
		free(g->companies[i].industry);
	}
	free(g->people);
	free(g->companies);
	kc_strmap_dispose(&g->index);
	kc_idmap_dispose(&g->company_index);
	kiscrm_buf_dispose(&g->key);
}

int kiscrm_campaign_mailing_list(kiscrm_table **out, kiscrm_db *db, const kiscrm_mailing_options *opts)
{
	if (!out || !db)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_campaign_mailing_list: %s is NULL", !out ? "out" : "db");
	*out = NULL;
	kiscrm_mailing_options o;
	int rc = kc_options_copy(&o, opts, &kc_mailing_options_v);
	if (rc)
		return rc;
	if (o.campaign_id < 0)
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "campaign_id", NULL,
				       "kiscrm_campaign_mailing_list: campaign id %lld is negative", (long long)o.campaign_id);
	gather g;
	memset(&g, 0, sizeof(g));
	g.db = db;
	g.o = &o;
	g.campaign = o.campaign_id;
	kiscrm_table *t = NULL;
	if ((rc = collect(&g)) == 0)
		rc = build(&t, &g);
	dispose(&g);
	if (rc) {
		kiscrm_table_free(t);
		return rc;
	}
	*out = t;
	return KISCRM_OK;
}
