/* The compliance engine of key-account care: every obligation of a window — an account's
 * due activities per rule and period, and its greetings — with what was done, from the
 * key accounts, the staff and their roles, the archive and the calendar (series expanded,
 * exceptions applied). Evaluated on read, never stored. */
#include "care/care_internal.h"
#include "care/kinds.h"
#include "activities/activities_internal.h"
#include "core/error.h"
#include "core/field.h"
#include "core/sort.h"
#include "core/str.h"
#include "core/vec.h"
#include "entities/kinds.h"
#include "kiscrm/care.h"
#include "kiscrm/config.h"
#include "kiscrm/customer.h"
#include "kiscrm/date.h"
#include "kiscrm/org.h"

#include <stdlib.h>
#include <string.h>

/* ---- loading ---- */

static int dept_cb(void *payload, const kiscrm_value *row)
{
	kc_care *c = payload;
	return kc_idmap_put(&c->dept_parent, row[0].u.i, (size_t)kc_val_int(&row[KC_FI(KISCRM_DEPARTMENT_PARENT_ID)], 0));
}

static int staff_cb(void *payload, const kiscrm_value *row)
{
	kc_care *c = payload;
	if (KC_VEC_GROW(c->staff, c->nstaff, c->cap_staff, 64))
		return KISCRM_ENOMEM;
	kc_care_staff *s = &c->staff[c->nstaff];
	memset(s, 0, sizeof(*s));
	s->id = row[0].u.i;
	s->department = kc_val_int(&row[KC_FI(KISCRM_STAFF_DEPARTMENT_ID)], 0);
	s->active = kc_val_int(&row[KC_FI(KISCRM_STAFF_ACTIVE)], 1) != 0;
	int rc;
	if ((rc = kc_strdup_to(&s->role, kc_val_text(&row[KC_FI(KISCRM_STAFF_ROLE)]))) != 0 ||
	    (rc = kc_strdup_to(&s->name, kc_val_text(&row[KC_FI(KISCRM_STAFF_NAME)]))) != 0 ||
	    (rc = kc_idmap_put(&c->staff_index, s->id, c->nstaff)) != 0) {
		free(s->role);
		free(s->name);
		return rc;
	}
	c->nstaff++;
	return KISCRM_OK;
}

static const kc_care_staff *staff_at(const kc_care *c, kiscrm_id id)
{
	size_t i;
	return id && kc_idmap_get(&c->staff_index, id, &i) ? &c->staff[i] : NULL;
}

static int account_cb(void *payload, const kiscrm_value *row)
{
	kc_care *c = payload;
	kiscrm_id owner = kc_val_int(&row[KC_FI(KISCRM_CUSTOMER_OWNER_ID)], 0);
	const kc_care_staff *s = staff_at(c, owner);
	kc_dims d;
	memset(&d, 0, sizeof(d));
	d.owner_id = owner;
	d.department_id = s ? s->department : 0;
	d.customer_id = row[0].u.i;
	if (!kc_report_accept(&c->r, &d))
		return 0;
	if (KC_VEC_GROW(c->acc, c->nacc, c->cap_acc, 64))
		return KISCRM_ENOMEM;
	kc_care_account *a = &c->acc[c->nacc];
	memset(a, 0, sizeof(*a));
	a->id = row[0].u.i;
	a->owner = owner;
	a->department = d.department_id;
	a->first_contract = (kiscrm_date)kc_val_int(&row[KC_FI(KISCRM_CUSTOMER_FIRST_CONTRACT)], KISCRM_DATE_NONE);
	int rc = kc_strdup_to(&a->name, kc_val_text(&row[KC_FI(KISCRM_CUSTOMER_NAME)]));
	if (rc == 0 && (rc = kc_idmap_put(&c->acc_index, a->id, c->nacc)) != 0)
		free(a->name);
	if (rc == 0)
		c->nacc++;
	return rc;
}

static const kc_care_account *account_of(const kc_care *c, kiscrm_id customer, size_t *index)
{
	size_t i;
	if (!kc_idmap_get(&c->acc_index, customer, &i))
		return NULL;
	if (index)
		*index = i;
	return &c->acc[i];
}

static int by_customer_day(const void *x, const void *y)
{
	const kc_care_done *a = x, *b = y;
	if (a->customer != b->customer)
		return (a->customer > b->customer) - (a->customer < b->customer);
	return (a->day > b->day) - (a->day < b->day);
}

/* The done occurrences with key accounts from the calendar of [from, to). */
static int load_done(kc_care *c, kiscrm_date from, kiscrm_date to)
{
	kc_calendar *cal = calloc(1, sizeof(*cal));
	if (!cal)
		return kc_error_oom();
	c->calendar = cal;
	kiscrm_activity_query q = KISCRM_ACTIVITY_QUERY_INIT;
	q.from = (kiscrm_time)from * KC_DAY_SECONDS;
	q.to = (kiscrm_time)to * KC_DAY_SECONDS;
	int rc = kc_calendar_load(cal, c->r.db, &q);
	for (size_t i = 0; rc == 0 && i < cal->nocc; i++) {
		const kc_occurrence *o = &cal->occ[i];
		const kc_activity *a = &cal->acts[o->activity];
		if (!o->status || strcmp(o->status, "done") != 0 || !account_of(c, a->customer_id, NULL))
			continue;
		if (KC_VEC_GROW(c->done, c->ndone, c->cap_done, 64))
			return KISCRM_ENOMEM;
		c->done[c->ndone++] = (kc_care_done){ a->customer_id, a->owner_id, kiscrm_time_date(o->start), a->type,
						      a->participants };
	}
	if (rc == 0)
		kc_sort(c->done, c->ndone, sizeof(*c->done), by_customer_day);
	return rc;
}

/* ---- who is responsible, and whose activities count ---- */

static int has_role(const kc_care *c, kiscrm_id staff, const char *role)
{
	const kc_care_staff *s = staff_at(c, staff);
	return s && s->role && strcmp(s->role, role) == 0;
}

/* 1 when the activity's owner or one of its participants (comma-separated staff ids) is
 * @person (role NULL) or holds @role. */
static int by_responsible(const kc_care *c, const kc_care_done *d, const char *role, kiscrm_id person)
{
	if (role ? has_role(c, d->owner, role) : d->owner == person)
		return 1;
	for (const char *p = d->participants; p && *p;) {
		char *end;
		long long id = strtoll(p, &end, 10);
		if (end == p)
			break;
		if (role ? has_role(c, id, role) : id == person)
			return 1;
		p = *end == ',' ? end + 1 : end;
	}
	return 0;
}

/* Done activities with @customer of @types on days [from, to) by the responsible. */
static int count_done(const kc_care *c, kiscrm_id customer, const kc_key_list *types, const char *role,
		      kiscrm_id person, kiscrm_date from, kiscrm_date to)
{
	kc_care_done key = { customer, 0, from, NULL, NULL };
	size_t lo = 0, hi = c->ndone;
	while (lo < hi) { /* first done of the customer on or after from */
		size_t mid = lo + (hi - lo) / 2;
		if (by_customer_day(&c->done[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	int n = 0;
	for (size_t i = lo; i < c->ndone && c->done[i].customer == customer && c->done[i].day < to; i++)
		n += kc_key_list_has(types, c->done[i].type) && by_responsible(c, &c->done[i], role, person);
	return n;
}

/* The person who answers for @role at account @a: the active holder whose department is
 * the closest to the owner's (the owner's own, then its parents), else the holder with the
 * lowest id. 0 when nobody holds the role. */
static kiscrm_id holder_for(const kc_care *c, const char *role, const kc_care_account *a)
{
	kiscrm_id best = 0;
	int best_depth = 1 << 30;
	for (size_t i = 0; i < c->nstaff; i++) {
		const kc_care_staff *s = &c->staff[i];
		if (!s->active || !s->role || strcmp(s->role, role) != 0)
			continue;
		int depth = 1 << 29; /* not above the owner: after any that is */
		kiscrm_id d = a->department;
		for (int k = 0; d && k < 64; k++) { /* up from the owner's department */
			if (d == s->department) {
				depth = k;
				break;
			}
			size_t parent;
			d = kc_idmap_get(&c->dept_parent, d, &parent) ? (kiscrm_id)parent : 0;
		}
		if (depth < best_depth || (depth == best_depth && s->id < best)) {
			best = s->id;
			best_depth = depth;
		}
	}
	return best;
}

static int no_holder(const char *what, const char *role)
{
	return kc_error_set_at(KISCRM_ECONFIG, "customers.yaml", 0, 0, "responsible", role,
			       "customers.yaml: %s: responsible role '%s' %s", what, role,
			       "is held by no active staff member (assign the role, or name another in "
			       "your customers.yaml)");
}

static int check_refs(const kc_care *c, const char *what, const char *role, const kc_key_list *types)
{
	const kiscrm_config *cfg = c->r.db->config;
	if (role && kiscrm_config_role_find(cfg, role) < 0)
		return kc_error_set_at(KISCRM_ECONFIG, "customers.yaml", 0, 0, "responsible", role,
				       "customers.yaml: %s: responsible role '%s' is not a role of roles.yaml", what,
				       role);
	for (size_t i = 0; i < types->n; i++)
		if (kiscrm_config_activity_type_find(cfg, types->keys[i]) < 0)
			return kc_error_set_at(KISCRM_ECONFIG, "customers.yaml", 0, 0, "activity_types", types->keys[i],
					       "customers.yaml: %s: '%s' is not an activity type of analysis.yaml", what,
					       types->keys[i]);
	return KISCRM_OK;
}

static int push(kc_care *c, const kc_care_item *it)
{
	if (KC_VEC_GROW(c->items, c->nitems, c->cap_items, 128))
		return KISCRM_ENOMEM;
	c->items[c->nitems++] = *it;
	return KISCRM_OK;
}

/* ---- the rules ---- */

static int rule_items(kc_care *c, int ri)
{
	const kc_care_rule *rule = &c->cfg->rules[ri];
	int rc = check_refs(c, rule->key, rule->role, &rule->types);
	for (size_t ai = 0; rc == 0 && ai < c->nacc; ai++) {
		const kc_care_account *a = &c->acc[ai];
		kiscrm_id person = rule->role ? holder_for(c, rule->role, a) : a->owner;
		kiscrm_date u = kiscrm_period_start(c->r.from, rule->period, c->r.week_start, c->r.fy_month);
		for (; rc == 0 && u < c->r.to; u = kiscrm_period_next(u, rule->period)) {
			kiscrm_date next = kiscrm_period_next(u, rule->period);
			if (u < c->r.from || next > c->r.to)
				continue; /* only periods wholly inside the window */
			if (rule->min_years && (a->first_contract == KISCRM_DATE_NONE ||
						a->first_contract > kiscrm_date_add_months(u, -12 * rule->min_years)))
				continue;
			if (rule->role && !person)
				return no_holder(rule->key, rule->role);
			int n = count_done(c, a->id, &rule->types, rule->role, person, u, next);
			kc_care_item it = { ai, ri, u, next, next - 1, person, 0, NULL, rule->count,
					    n < rule->count ? n : rule->count };
			rc = push(c, &it);
		}
	}
	return rc;
}

/* ---- greetings ---- */

/* The day of @month/@day in @year; 29 February is kept on the 28th in other years. */
static kiscrm_date anniversary(int year, int month, int day)
{
	kiscrm_date d = KISCRM_DATE_NONE;
	if (month == 2 && day == 29 && kiscrm_date_days_in_month(year, 2) == 28)
		day = 28;
	return kiscrm_date_from_ymd(&d, year, month, day) == 0 ? d : KISCRM_DATE_NONE;
}

static int greeting(kc_care *c, size_t ai, kiscrm_date day, kiscrm_id contact, const char *occasion)
{
	const kc_care_greetings *g = &c->cfg->greetings;
	const kc_care_account *a = &c->acc[ai];
	if (day == KISCRM_DATE_NONE || day < c->r.from || day >= c->r.to)
		return KISCRM_OK;
	kiscrm_id person = g->role ? holder_for(c, g->role, a) : a->owner;
	if (g->role && !person)
		return no_holder("greetings", g->role);
	kiscrm_date from = day - g->lead_days, to = day + g->grace_days + 1;
	int n = count_done(c, a->id, &g->types, g->role, person, from, to);
	kc_care_item it = { ai, KC_CARE_GREETING, from, to, day, person, contact, occasion, 1, n > 0 };
	return push(c, &it);
}

/* Every year's @date (from its own year on) inside the window, or just @date. */
static int greet_dates(kc_care *c, size_t ai, kiscrm_date date, int yearly, kiscrm_id contact, const char *occasion)
{
	if (!yearly)
		return greeting(c, ai, date, contact, occasion);
	int y0, y1, by, bm, bd, d;
	kiscrm_date_to_ymd(c->r.from, &y0, &d, &d);
	kiscrm_date_to_ymd(c->r.to - 1, &y1, &d, &d);
	kiscrm_date_to_ymd(date, &by, &bm, &bd);
	int rc = 0;
	for (int y = y0 > by ? y0 : by; rc == 0 && y <= y1; y++)
		rc = greeting(c, ai, anniversary(y, bm, bd), contact, occasion);
	return rc;
}

static int contact_cb(void *payload, const kiscrm_value *row)
{
	kc_care *c = payload;
	size_t ai;
	const kiscrm_value *birthday = &row[KC_FI(KISCRM_CONTACT_BIRTHDAY)];
	const kc_key_list *roles = &c->cfg->greetings.contact_roles;
	if (birthday->type == KISCRM_TYPE_NULL || !account_of(c, row[KC_FI(KISCRM_CONTACT_CUSTOMER_ID)].u.i, &ai))
		return 0;
	if (roles->n && !kc_key_list_has(roles, kc_val_text(&row[KC_FI(KISCRM_CONTACT_CHAIN_ROLE)])))
		return 0;
	return greet_dates(c, ai, (kiscrm_date)birthday->u.i, 1, row[0].u.i, "birthday");
}

static int event_cb(void *payload, const kiscrm_value *row)
{
	kc_care *c = payload;
	size_t ai;
	const char *type = kc_val_text(&row[KC_FI(KISCRM_KEY_ACCOUNT_EVENT_TYPE)]);
	if (!type || !account_of(c, row[KC_FI(KISCRM_KEY_ACCOUNT_EVENT_CUSTOMER_ID)].u.i, &ai))
		return 0;
	int yearly = strcmp(type, "important_date") == 0;
	if (!yearly && strcmp(type, "family_celebration") != 0)
		return 0;
	return greet_dates(c, ai, (kiscrm_date)row[KC_FI(KISCRM_KEY_ACCOUNT_EVENT_DATE)].u.i, yearly,
			   kc_val_int(&row[KC_FI(KISCRM_KEY_ACCOUNT_EVENT_CONTACT_ID)], 0),
			   yearly ? "important_date" : "family_celebration");
}

/* ---- the run ---- */

static int window(kc_care *c)
{
	kc_report *r = &c->r;
	if ((r->from == KISCRM_DATE_NONE) != (r->to == KISCRM_DATE_NONE))
		return kc_error_set(KISCRM_EINVALID, "care reports need both from and to (or a period, or neither: the "
						     "year of as_of)");
	if (r->from == KISCRM_DATE_NONE) {
		r->from = kiscrm_period_start(r->as_of, KISCRM_PERIOD_YEAR, r->week_start, r->fy_month);
		r->to = kiscrm_period_next(r->from, KISCRM_PERIOD_YEAR);
	}
	if (r->to - r->from > 3660)
		return kc_error_set(KISCRM_EINVALID, "care reports cover at most ten years");
	return KISCRM_OK;
}

int kc_care_run(kc_care *c, kiscrm_db *db, const kiscrm_report_options *opts)
{
	memset(c, 0, sizeof(*c));
	int rc = kc_report_begin(&c->r, db, opts);
	if (rc)
		return rc;
	c->begun = 1;
	c->cfg = kc_config_customers(db->config);
	const kc_care_greetings *g = &c->cfg->greetings;
	kiscrm_cond key = { KISCRM_CUSTOMER_KEY_ACCOUNT, KISCRM_OP_EQ, { KISCRM_TYPE_INT, { .i = 1 } } };
	kiscrm_query accounts = { 1, &key, 0 };
	if ((rc = window(c)) != 0 || (rc = kc_db_scan(db, kc_db_def(db, KISCRM_KIND_DEPARTMENT), NULL, dept_cb, c)) != 0 ||
	    (rc = kc_db_scan(db, kc_db_def(db, KISCRM_KIND_STAFF), NULL, staff_cb, c)) != 0 ||
	    (rc = kc_db_scan(db, &kc_customer_def, &accounts, account_cb, c)) != 0 ||
	    (rc = load_done(c, c->r.from - g->lead_days, c->r.to + g->grace_days + 1)) != 0)
		return rc;
	for (size_t i = 0; rc == 0 && i < c->cfg->nrules; i++)
		rc = rule_items(c, (int)i);
	if (rc == 0 && c->nacc && (rc = check_refs(c, "greetings", g->role, &g->types)) == 0 &&
	    (rc = kc_db_scan(db, &kc_contact_def, NULL, contact_cb, c)) == 0)
		rc = kc_db_scan(db, &kc_key_account_event_def, NULL, event_cb, c);
	return rc;
}

void kc_care_end(kc_care *c)
{
	for (size_t i = 0; i < c->nacc; i++)
		free(c->acc[i].name);
	for (size_t i = 0; i < c->nstaff; i++) {
		free(c->staff[i].role);
		free(c->staff[i].name);
	}
	free(c->acc);
	free(c->staff);
	free(c->done);
	free(c->items);
	kc_idmap_dispose(&c->staff_index);
	kc_idmap_dispose(&c->dept_parent);
	kc_idmap_dispose(&c->acc_index);
	if (c->calendar)
		kc_calendar_free(c->calendar);
	free(c->calendar);
	if (c->begun)
		kc_report_end(&c->r);
	memset(c, 0, sizeof(*c));
}

const char *kc_care_rule_key(const kc_care *c, const kc_care_item *it)
{
	return it->rule == KC_CARE_GREETING ? "greetings" : c->cfg->rules[it->rule].key;
}

const char *kc_care_rule_name(const kc_care *c, const kc_care_item *it)
{
	int zh = c->r.o.lang && strcmp(c->r.o.lang, "zh") == 0;
	if (it->rule == KC_CARE_GREETING)
		return zh ? c->cfg->greetings.zh : c->cfg->greetings.en;
	return zh ? c->cfg->rules[it->rule].zh : c->cfg->rules[it->rule].en;
}

const char *kc_care_staff_name(const kc_care *c, kiscrm_id id)
{
	const kc_care_staff *s = staff_at(c, id);
	return s && s->name ? s->name : "";
}
