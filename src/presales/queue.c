/* The presales queue: each request's weight coefficient (项目权重系数) — the weighted sum of
 * the points of its opportunity's amount band, its urgency, and its customer's industry
 * and region (service.yaml presales) — the ranking by weight, wanted start and id, the
 * engineers' open loads, and kiscrm_presales_assign(), which gives the unassigned requests
 * in that order to the presales engineer with the fewest open ones. The reports
 * presales-queue and presales-projects read the same loading. */
#include "presales/kinds.h"
#include "presales/queue.h"
#include "config/service_config.h"
#include "core/error.h"
#include "core/field.h"
#include "core/sort.h"
#include "core/str.h"
#include "core/vec.h"
#include "kiscrm/customer.h"
#include "kiscrm/org.h"
#include "kiscrm/pipeline.h"
#include "kiscrm/presales.h"
#include "storage/record.h"

#include <stdlib.h>
#include <string.h>

typedef struct opp_facts {
	kiscrm_id customer;
	kiscrm_money amount;
	char *name;
} opp_facts;

static int opp_cb(void *payload, const kiscrm_value *row)
{
	opp_facts *o = payload;
	o->customer = kc_val_int(&row[KC_FI(KISCRM_OPPORTUNITY_CUSTOMER_ID)], 0);
	o->amount = kc_val_int(&row[KC_FI(KISCRM_OPPORTUNITY_AMOUNT)], 0);
	return kc_strdup_to(&o->name, kc_val_text(&row[KC_FI(KISCRM_OPPORTUNITY_NAME)]));
}

typedef struct cust_facts {
	const kc_presales_config *p;
	int industry, region;
} cust_facts;

static int customer_cb(void *payload, const kiscrm_value *row)
{
	cust_facts *c = payload;
	c->industry = kc_points_of(c->p->industry, c->p->nindustry, c->p->industry_default,
				   kc_val_text(&row[KC_FI(KISCRM_CUSTOMER_INDUSTRY)]));
	c->region = kc_points_of(c->p->region, c->p->nregion, c->p->region_default,
				 kc_val_text(&row[KC_FI(KISCRM_CUSTOMER_REGION)]));
	return 0;
}

static int amount_points(const kc_presales_config *p, kiscrm_money amount)
{
	int pts = p->bands[0].points;
	for (size_t i = 0; i < p->nbands && amount >= p->bands[i].from; i++)
		pts = p->bands[i].points;
	return pts;
}

/* Weight in basis points of a coefficient: 10000 … 50000. */
static int weigh(kiscrm_db *db, kc_presales_item *it, const char *urgency)
{
	const kc_presales_config *p = &kc_config_service(db->config)->presales;
	opp_facts o = { 0, 0, NULL };
	cust_facts c = { p, p->industry_default, p->region_default };
	int rc = kc_db_get(db, kc_db_def(db, KISCRM_KIND_OPPORTUNITY), it->opportunity, opp_cb, &o);
	if (rc == 0 && o.customer)
		rc = kc_db_get(db, kc_db_def(db, KISCRM_KIND_CUSTOMER), o.customer, customer_cb, &c);
	if (rc && rc != KISCRM_ENOTFOUND) {
		free(o.name);
		return rc;
	}
	int u = kc_named_find(p->urgency, p->nurgency, urgency);
	it->amount = o.amount;
	it->customer = o.customer;
	it->opportunity_name = o.name;
	it->weight = p->w_amount * amount_points(p, o.amount) + p->w_urgency * p->urgency_points[u < 0 ? 0 : u] +
		     p->w_industry * c.industry + p->w_region * c.region;
	return KISCRM_OK;
}

static int request_cb(void *payload, const kiscrm_value *row)
{
	kc_presales *q = payload;
	if (KC_VEC_GROW(q->items, q->n, q->cap, 16))
		return KISCRM_ENOMEM;
	kc_presales_item *it = &q->items[q->n];
	memset(it, 0, sizeof(*it));
	it->id = row[0].u.i;
	it->opportunity = kc_val_int(&row[KC_FI(KISCRM_PRESALES_REQUEST_OPPORTUNITY_ID)], 0);
	it->engineer = kc_val_int(&row[KC_FI(KISCRM_PRESALES_REQUEST_ENGINEER_ID)], 0);
	it->requested = kc_val_date(&row[KC_FI(KISCRM_PRESALES_REQUEST_REQUESTED)]);
	it->wanted_from = kc_val_date(&row[KC_FI(KISCRM_PRESALES_REQUEST_WANTED_FROM)]);
	const char *status = kc_val_text(&row[KC_FI(KISCRM_PRESALES_REQUEST_STATUS)]);
	it->open = !status || strcmp(status, "submitted") == 0 || strcmp(status, "assigned") == 0;
	int rc;
	if ((rc = kc_strdup_to(&it->help, kc_val_text(&row[KC_FI(KISCRM_PRESALES_REQUEST_HELP)]))) ||
	    (rc = kc_strdup_to(&it->stage, kc_val_text(&row[KC_FI(KISCRM_PRESALES_REQUEST_STAGE)]))) ||
	    (rc = kc_strdup_to(&it->status, status ? status : "submitted")) ||
	    (rc = kc_strdup_to(&it->urgency, kc_val_text(&row[KC_FI(KISCRM_PRESALES_REQUEST_URGENCY)])))) {
		kc_presales_item_free(it);
		return rc;
	}
	q->n++; /* weighed after the scan: nested reads are not made inside it */
	return 0;
}

static int staff_cb(void *payload, const kiscrm_value *row)
{
	kc_presales *q = payload;
	const char *role = kc_val_text(&row[KC_FI(KISCRM_STAFF_ROLE)]);
	if (!role || strcmp(role, "presales") != 0 || kc_val_int(&row[KC_FI(KISCRM_STAFF_ACTIVE)], 1) == 0)
		return 0;
	if (KC_VEC_GROW(q->engineers, q->nengineers, q->cap_engineers, 8))
		return KISCRM_ENOMEM;
	q->engineers[q->nengineers++] = (kc_presales_engineer){ row[0].u.i, 0 };
	return 0;
}

static int by_rank(const void *x, const void *y)
{
	const kc_presales_item *a = x, *b = y;
	if (a->weight != b->weight)
		return a->weight > b->weight ? -1 : 1;
	if (a->wanted_from != b->wanted_from) /* an unset date (KISCRM_DATE_NONE) ranks last */
		return (uint32_t)a->wanted_from < (uint32_t)b->wanted_from ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

int kc_presales_load(kc_presales *q, kiscrm_db *db)
{
	memset(q, 0, sizeof(*q));
	int rc = kc_db_scan(db, &kc_presales_request_def, NULL, request_cb, q);
	for (size_t i = 0; rc == 0 && i < q->n; i++)
		rc = weigh(db, &q->items[i], q->items[i].urgency);
	if (rc == 0)
		rc = kc_db_scan(db, kc_db_def(db, KISCRM_KIND_STAFF), NULL, staff_cb, q);
	kc_sort(q->items, q->n, sizeof(*q->items), by_rank);
	for (size_t e = 0; rc == 0 && e < q->nengineers; e++)
		q->engineers[e].load = kc_presales_load_of(q, q->engineers[e].id);
	return rc;
}

int64_t kc_presales_load_of(const kc_presales *q, kiscrm_id engineer)
{
	int64_t n = 0;
	for (size_t i = 0; engineer && i < q->n; i++)
		n += q->items[i].open && q->items[i].engineer == engineer;
	return n;
}

void kc_presales_item_free(kc_presales_item *it)
{
	free(it->help);
	free(it->stage);
	free(it->status);
	free(it->urgency);
	free(it->opportunity_name);
}

void kc_presales_free(kc_presales *q)
{
	for (size_t i = 0; i < q->n; i++)
		kc_presales_item_free(&q->items[i]);
	free(q->items);
	free(q->engineers);
	memset(q, 0, sizeof(*q));
}

/* ---- assignment ---- */

static int assign_in_tx(kiscrm_db *db, size_t *assigned)
{
	kc_presales q;
	int rc = kc_presales_load(&q, db);
	for (size_t i = 0; rc == 0 && q.nengineers && i < q.n; i++) {
		kc_presales_item *it = &q.items[i];
		if (!it->open || it->engineer)
			continue;
		kc_presales_engineer *best = &q.engineers[0];
		for (size_t e = 1; e < q.nengineers; e++)
			if (q.engineers[e].load < best->load || (q.engineers[e].load == best->load && q.engineers[e].id < best->id))
				best = &q.engineers[e];
		kiscrm_record *r = NULL;
		if ((rc = kiscrm_record_get(&r, db, KISCRM_KIND_PRESALES_REQUEST, it->id)) == 0 &&
		    (rc = kiscrm_record_set_int(r, KISCRM_PRESALES_REQUEST_ENGINEER_ID, best->id)) == 0 &&
		    (rc = kiscrm_record_update(db, r)) == 0) {
			best->load++;
			(*assigned)++;
		}
		kiscrm_record_free(r);
	}
	kc_presales_free(&q);
	return rc;
}

int kiscrm_presales_assign(kiscrm_db *db, size_t *assigned)
{
	size_t n = 0;
	if (!db)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_presales_assign: db is NULL");
	const char *job = kc_db_job(db, "presales_assign");
	int rc = kc_tx_begin(db);
	if (rc == 0)
		rc = kc_tx_end(db, assign_in_tx(db, &n));
	kc_db_job(db, job);
	if (assigned)
		*assigned = rc == 0 ? n : 0;
	return rc;
}
