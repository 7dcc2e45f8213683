/* The report context: option resolution, lookups and grouping (see report.h). */
#include "core/sort.h"
#include "core/field.h"
#include "entities/kinds.h"
#include "report.h"
#include "core/error.h"
#include "core/vec.h"
#include "core/options.h"
#include "table/table_internal.h"
#include "config/labels_config.h"
#include "kiscrm/config.h"
#include "kiscrm/customer.h"
#include "kiscrm/date.h"
#include "kiscrm/org.h"
#include "kiscrm/pipeline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const group_names[] = {
	NULL, "business_line", "product_line", "department", "owner", "region", "industry",
	"size_class", "customer", "manager", "manager_tree",
};
#define NGROUP_NAMES ((int)(sizeof(group_names) / sizeof(group_names[0])))

int kiscrm_group_parse(const char *name)
{
	for (int i = 1; name && i < NGROUP_NAMES; i++)
		if (strcmp(group_names[i], name) == 0)
			return i;
	return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "group", name,
			       "unknown group-by dimension '%s' (business_line, product_line, "
			       "department, owner, region, industry, size_class, customer, manager)",
			       name ? name : "(null)");
}

int kiscrm_report_options_init(kiscrm_report_options *opts, unsigned int version)
{
	return kc_options_init(opts, version, &kc_report_options_v);
}

static int push_name(kc_report *r, const char *name, size_t *index)
{
	if (KC_VEC_GROW(r->names, r->nnames, r->cap_names, 64))
		return KISCRM_ENOMEM;
	if (!(r->names[r->nnames] = strdup(name ? name : "")))
		return kc_error_oom();
	*index = r->nnames++;
	return KISCRM_OK;
}

typedef struct {
	kc_report *r;
	kc_idmap *map;
} name_load;

static int name_cb(void *payload, const kiscrm_value *row)
{
	name_load *l = payload;
	size_t i = 0;
	int rc = push_name(l->r, row[1].type == KISCRM_TYPE_TEXT ? row[1].u.s : "", &i);
	return rc ? rc : kc_idmap_put(l->map, row[0].u.i, i);
}

/* Staff, department and customer names, once: field 1 is `name` for these kinds. */
static int load_names(kc_report *r, int kind, kc_idmap *map, int *loaded)
{
	name_load l = { r, map };
	kiscrm_query q = { 0, NULL, 0x3 };
	if (loaded && *loaded)
		return KISCRM_OK;
	int rc = kc_db_scan(r->db, kc_db_def(r->db, kind), &q, name_cb, &l);
	if (rc == 0 && loaded)
		*loaded = 1;
	return rc;
}

static int cust_cb(void *payload, const kiscrm_value *row)
{
	kc_report *r = payload;
	size_t i = r->ncust;
	const kiscrm_value *reg = &row[KC_FI(KISCRM_CUSTOMER_REGION)], *ind = &row[KC_FI(KISCRM_CUSTOMER_INDUSTRY)];
	char **pr = realloc(r->cust_region, (i + 1) * sizeof(char *));
	if (!pr)
		return kc_error_oom();
	r->cust_region = pr;
	char **pi = realloc(r->cust_industry, (i + 1) * sizeof(char *));
	if (!pi)
		return kc_error_oom();
	r->cust_industry = pi;
	r->cust_region[i] = reg->type == KISCRM_TYPE_TEXT ? strdup(reg->u.s) : NULL;
	r->cust_industry[i] = ind->type == KISCRM_TYPE_TEXT ? strdup(ind->u.s) : NULL;
	r->ncust++;
	if ((reg->type == KISCRM_TYPE_TEXT && !r->cust_region[i]) ||
	    (ind->type == KISCRM_TYPE_TEXT && !r->cust_industry[i]))
		return kc_error_oom();
	return kc_idmap_put(&r->customers, row[0].u.i, i);
}

static int ensure_customers(kc_report *r)
{
	if (r->customers_loaded)
		return KISCRM_OK;
	int rc = kc_db_scan(r->db, &kc_customer_def, NULL, cust_cb, r);
	r->customers_loaded = rc == 0;
	return rc;
}

static int manager_cb(void *payload, const kiscrm_value *row)
{
	kc_report *r = payload;
	const kiscrm_value *m = &row[KC_FI(KISCRM_STAFF_MANAGER_ID)];
	return m->type == KISCRM_TYPE_INT ? kc_idmap_put(&r->managers, row[0].u.i, (size_t)m->u.i) : 0;
}

/* Who reports to whom: staff id → manager id (staff without a manager are absent). */
static int load_managers(kc_report *r)
{
	kiscrm_query q = { 0, NULL, KC_BIT(0) | KC_BIT(KISCRM_STAFF_MANAGER_ID) };
	return kc_db_scan(r->db, kc_db_def(r->db, KISCRM_KIND_STAFF), &q, manager_cb, r);
}

static int staff_dept_cb(void *payload, const kiscrm_value *row)
{
	kc_report *r = payload;
	return kc_idmap_put(&r->staff_depts, row[0].u.i, (size_t)kc_val_int(&row[KC_FI(KISCRM_STAFF_DEPARTMENT_ID)], 0));
}

int kc_report_staff_department(kc_report *r, kiscrm_id staff, kiscrm_id *dept)
{
	*dept = 0;
	if (!r->staff_depts_loaded) {
		kiscrm_query q = { 0, NULL, KC_BIT(0) | KC_BIT(KISCRM_STAFF_DEPARTMENT_ID) };
		int rc = kc_db_scan(r->db, kc_db_def(r->db, KISCRM_KIND_STAFF), &q, staff_dept_cb, r);
		if (rc)
			return rc;
		r->staff_depts_loaded = 1;
	}
	size_t d;
	if (staff && kc_idmap_get(&r->staff_depts, staff, &d))
		*dept = (kiscrm_id)d;
	return KISCRM_OK;
}

static kiscrm_id manager_of(const kc_report *r, kiscrm_id staff)
{
	size_t m;
	return kc_idmap_get(&r->managers, staff, &m) ? (kiscrm_id)m : 0;
}

static int needs(const kc_report *r, int group)
{
	for (size_t i = 0; i < r->o.ngroup; i++)
		if (r->o.group_by[i] == group)
			return 1;
	return 0;
}

/* Every option a caller can get wrong, checked the same way by every report — also by
 * the reports that then ignore some of them (a bad value is a bug in the caller, whether
 * or not this report reads it). The resolved as_of is checked by check_dates(). */
int kc_report_options_check(const kiscrm_report_options *o)
{
	if (o->ngroup > KC_MAX_GROUPS || (o->ngroup && !o->group_by))
		return kc_error_set(KISCRM_EINVALID, "at most %d group-by dimensions", KC_MAX_GROUPS);
	for (size_t i = 0; i < o->ngroup; i++)
		if (o->group_by[i] < 1 || o->group_by[i] >= NGROUP_NAMES)
			return kc_error_set(KISCRM_EINVALID, "unknown group-by dimension %d", o->group_by[i]);
	if (o->period && (o->period < KISCRM_PERIOD_WEEK || o->period > KISCRM_PERIOD_YEAR))
		return kc_error_set(KISCRM_EINVALID, "unknown period %d", o->period);
	if (o->from != KISCRM_DATE_NONE && o->to != KISCRM_DATE_NONE && o->to <= o->from)
		return kc_error_set(KISCRM_EINVALID, "report period is empty: 'to' is not after 'from'");
	return KISCRM_OK;
}

/* Dates and ids a report can work with: years 1..9999 (week and period arithmetic past
 * them would overflow), non-negative filters. */
static int check_dates(const kc_report *r)
{
	static const kiscrm_date lo = -719162, hi = 2932896; /* 0001-01-01, 9999-12-31 */
	const struct { const char *name; kiscrm_date d; } dates[] = {
		{ "as_of", r->as_of }, { "from", r->o.from }, { "to", r->o.to },
	};
	for (size_t i = 0; i < sizeof(dates) / sizeof(dates[0]); i++)
		if (dates[i].d != KISCRM_DATE_NONE && (dates[i].d < lo || dates[i].d > hi))
			return kc_error_set(KISCRM_EINVALID, "report %s (day %ld) is outside years 1..9999",
					    dates[i].name, (long)dates[i].d);
	if (r->o.owner_id < 0 || r->o.department_id < 0)
		return kc_error_set(KISCRM_EINVALID, "report owner_id/department_id must not be negative");
	return KISCRM_OK;
}

static int resolve_window(kc_report *r)
{
	r->from = r->o.from;
	r->to = r->o.to;
	if (r->o.period && r->from == KISCRM_DATE_NONE && r->to == KISCRM_DATE_NONE) {
		r->from = kiscrm_period_start(r->as_of, r->o.period, r->week_start, r->fy_month);
		r->to = kiscrm_period_next(r->from, r->o.period);
	}
	if (r->from != KISCRM_DATE_NONE && r->to != KISCRM_DATE_NONE && r->to <= r->from)
		return kc_error_set(KISCRM_EINVALID, "report period is empty: 'to' is not after 'from'");
	return KISCRM_OK;
}

int kc_report_begin(kc_report *r, kiscrm_db *db, const kiscrm_report_options *opts)
{
	memset(r, 0, sizeof(*r));
	int rc = kc_check_db(db);
	if (rc)
		return rc;
	if ((rc = kc_options_copy(&r->o, opts, &kc_report_options_v)) != 0)
		return rc;
	r->db = db;
	if ((rc = kc_report_options_check(&r->o)) != 0)
		return rc;
	if (!r->o.lang)
		r->o.lang = "en";
	r->week_start = kiscrm_config_week_start(db->config);
	r->fy_month = kiscrm_config_fiscal_year_start(db->config);
	r->decimals = kiscrm_config_currency_decimals(db->config);
	r->as_of = r->o.as_of != KISCRM_DATE_NONE ? r->o.as_of : db->today;
	if (r->as_of == KISCRM_DATE_NONE)
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "as_of", NULL,
				       "report options: as_of is required when the database has no "
				       "business date (the library keeps no clock; see kiscrm_db_set_today)");
	r->pipeline = kiscrm_config_pipeline_find(db->config, r->o.pipeline);
	if (r->pipeline < 0)
		return r->pipeline;
	if ((rc = check_dates(r)) != 0 || (rc = resolve_window(r)) != 0)
		return rc;
	if (r->o.department_id) {
		kiscrm_id *ids = NULL;
		size_t n = 0;
		if ((rc = kiscrm_department_subtree(&ids, &n, db, r->o.department_id)) != 0)
			return rc;
		for (size_t i = 0; rc == 0 && i < n; i++)
			rc = kc_idmap_put(&r->dept_filter, ids[i], i);
		kiscrm_ids_free(ids);
		if (rc) {
			kc_report_end(r);
			return rc;
		}
	}
	int managers = needs(r, KISCRM_GROUP_MANAGER) || needs(r, KISCRM_GROUP_MANAGER_TREE);
	if (((needs(r, KISCRM_GROUP_OWNER) || managers) &&
	     (rc = load_names(r, KISCRM_KIND_STAFF, &r->staff, &r->staff_loaded)) != 0) ||
	    (needs(r, KISCRM_GROUP_CUSTOMER) &&
	     (rc = load_names(r, KISCRM_KIND_CUSTOMER, &r->customer_names, NULL)) != 0) ||
	    (managers && (rc = load_managers(r)) != 0) ||
	    (needs(r, KISCRM_GROUP_DEPARTMENT) &&
	     (rc = load_names(r, KISCRM_KIND_DEPARTMENT, &r->departments, &r->departments_loaded)) != 0) ||
	    ((needs(r, KISCRM_GROUP_REGION) || needs(r, KISCRM_GROUP_INDUSTRY)) &&
	     (rc = ensure_customers(r)) != 0)) {
		kc_report_end(r);
		return rc;
	}
	return KISCRM_OK;
}

void kc_report_end(kc_report *r)
{
	for (size_t i = 0; i < r->nnames; i++)
		free(r->names[i]);
	free(r->names);
	for (size_t i = 0; i < r->ncust; i++) {
		free(r->cust_region[i]);
		free(r->cust_industry[i]);
	}
	free(r->cust_region);
	free(r->cust_industry);
	for (size_t i = 0; i < r->ngroups; i++)
		free(r->group_keys[i]);
	free(r->group_keys);
	kc_idmap_dispose(&r->staff);
	kc_idmap_dispose(&r->departments);
	kc_idmap_dispose(&r->customers);
	kc_idmap_dispose(&r->customer_names);
	kc_idmap_dispose(&r->managers);
	kc_idmap_dispose(&r->staff_depts);
	kc_idmap_dispose(&r->dept_filter);
	kc_strmap_dispose(&r->group_index);
	kc_tuplemap_dispose(&r->group_of_ids);
	kc_idmap_dispose(&r->group_of_id);
	memset(r, 0, sizeof(*r));
}

uint64_t kc_report_dim_cols(const kc_report *r, int owner, int dept, int bl, int pl, int size, int cust)
{
	uint64_t bits = KC_BIT(owner) | KC_BIT(dept);
	for (size_t i = 0; i < r->o.ngroup; i++) {
		int f = -1;
		switch (r->o.group_by[i]) {
		case KISCRM_GROUP_BUSINESS_LINE: f = bl; break;
		case KISCRM_GROUP_PRODUCT_LINE: f = pl; break;
		case KISCRM_GROUP_SIZE_CLASS: f = size; break;
		case KISCRM_GROUP_REGION:
		case KISCRM_GROUP_INDUSTRY:
		case KISCRM_GROUP_CUSTOMER: f = cust; break;
		default: break;
		}
		if (f >= 0)
			bits |= KC_BIT(f);
	}
	return bits;
}

int kc_report_accept(const kc_report *r, const kc_dims *d)
{
	size_t unused;
	if (r->o.owner_id && d->owner_id != r->o.owner_id)
		return 0;
	if (r->o.department_id && !kc_idmap_get(&r->dept_filter, d->department_id, &unused))
		return 0;
	return 1;
}

int kc_report_in_window(const kc_report *r, kiscrm_date d)
{
	if (r->from == KISCRM_DATE_NONE && r->to == KISCRM_DATE_NONE)
		return 1;
	if (d == KISCRM_DATE_NONE)
		return 0;
	return (r->from == KISCRM_DATE_NONE || d >= r->from) && (r->to == KISCRM_DATE_NONE || d < r->to);
}

static const char *lookup(const kc_report *r, const kc_idmap *m, kiscrm_id id)
{
	size_t i;
	return kc_idmap_get(m, id, &i) ? r->names[i] : "";
}

const char *kc_report_staff_name(kc_report *r, kiscrm_id id)
{
	if (load_names(r, KISCRM_KIND_STAFF, &r->staff, &r->staff_loaded) != 0)
		return "";
	return lookup(r, &r->staff, id);
}

const char *kc_report_department_name(kc_report *r, kiscrm_id id)
{
	if (load_names(r, KISCRM_KIND_DEPARTMENT, &r->departments, &r->departments_loaded) != 0)
		return "";
	return lookup(r, &r->departments, id);
}

const char *kc_report_customer_region(kc_report *r, kiscrm_id id)
{
	size_t i;
	if (ensure_customers(r) != 0 || !kc_idmap_get(&r->customers, id, &i))
		return NULL;
	return r->cust_region[i];
}

const char *kc_report_customer_industry(kc_report *r, kiscrm_id id)
{
	size_t i;
	if (ensure_customers(r) != 0 || !kc_idmap_get(&r->customers, id, &i))
		return NULL;
	return r->cust_industry[i];
}

/* @manager: the manager a KISCRM_GROUP_MANAGER_TREE dimension stands for. */
static const char *dim_text(kc_report *r, int group, const kc_dims *d, kiscrm_id manager)
{
	const char *s = NULL;
	switch (group) {
	case KISCRM_GROUP_BUSINESS_LINE: s = d->business_line; break;
	case KISCRM_GROUP_PRODUCT_LINE: s = d->product_line; break;
	case KISCRM_GROUP_SIZE_CLASS: s = d->size_class; break;
	case KISCRM_GROUP_DEPARTMENT: s = kc_report_department_name(r, d->department_id); break;
	case KISCRM_GROUP_OWNER: s = kc_report_staff_name(r, d->owner_id); break;
	case KISCRM_GROUP_REGION: s = kc_report_customer_region(r, d->customer_id); break;
	case KISCRM_GROUP_INDUSTRY: s = kc_report_customer_industry(r, d->customer_id); break;
	case KISCRM_GROUP_CUSTOMER: s = lookup(r, &r->customer_names, d->customer_id); break;
	case KISCRM_GROUP_MANAGER: s = lookup(r, &r->staff, manager_of(r, d->owner_id)); break;
	case KISCRM_GROUP_MANAGER_TREE: s = lookup(r, &r->staff, manager); break;
	}
	return s ? s : "";
}

static int group_by_key(kc_report *r, const kc_dims *d, kiscrm_id manager, size_t *group)
{
	/* The key is the group texts joined by '\x1f'. Staff and departments are told apart
	 * by id, not by name — two people may share a name — so their text is followed by
	 * '\x1e' and the id, which kc_report_add_row() leaves out of the displayed cell. */
	char key[1024];
	size_t len = 0;
	for (size_t i = 0; i < r->o.ngroup; i++) {
		int g = r->o.group_by[i];
		const char *s = dim_text(r, g, d, manager);
		size_t n = strlen(s);
		if (len + n + 24 >= sizeof(key))
			return kc_error_set(KISCRM_EINVALID, "group key too long: '%s'", s);
		if (i)
			key[len++] = '\x1f';
		memcpy(key + len, s, n);
		len += n;
		kiscrm_id id = g == KISCRM_GROUP_OWNER ? d->owner_id
			       : g == KISCRM_GROUP_DEPARTMENT ? d->department_id
			       : g == KISCRM_GROUP_CUSTOMER ? d->customer_id
			       : g == KISCRM_GROUP_MANAGER ? manager_of(r, d->owner_id)
			       : g == KISCRM_GROUP_MANAGER_TREE ? manager : 0;
		if (id)
			len += (size_t)snprintf(key + len, sizeof(key) - len, "\x1e%lld", (long long)id);
	}
	key[len] = '\0';
	if (kc_strmap_get(&r->group_index, key, group))
		return KISCRM_OK;
	if (KC_VEC_GROW(r->group_keys, r->ngroups, r->cap_groups, 16))
		return KISCRM_ENOMEM;
	if (!(r->group_keys[r->ngroups] = strdup(key)))
		return kc_error_oom();
	int rc = kc_strmap_put(&r->group_index, key, r->ngroups);
	if (rc) {
		free(r->group_keys[r->ngroups]);
		return rc;
	}
	*group = r->ngroups++;
	return KISCRM_OK;
}

/* The ids a record's group is known by when every group-by dimension's text is a
 * function of an id (a person's, department's, customer's or manager's name, with the id
 * told after it): 1 and ids[0 … ngroup) set, else 0. */
static int group_ids(kc_report *r, const kc_dims *d, kiscrm_id manager, int64_t *ids)
{
	for (size_t i = 0; i < r->o.ngroup; i++) {
		switch (r->o.group_by[i]) {
		case KISCRM_GROUP_OWNER: ids[i] = d->owner_id; break;
		case KISCRM_GROUP_DEPARTMENT: ids[i] = d->department_id; break;
		case KISCRM_GROUP_CUSTOMER: ids[i] = d->customer_id; break;
		case KISCRM_GROUP_MANAGER: ids[i] = manager_of(r, d->owner_id); break;
		case KISCRM_GROUP_MANAGER_TREE: ids[i] = manager; break;
		default: return 0;
		}
	}
	return 1;
}

/* One integer for the ids of a record's group when there is one id (by person, by
 * department) or two that fit 32 bits each (by department and person): the usual
 * reports look their groups up without hashing a tuple. 0 when the tuple is needed. */
static int int_key(const kc_report *r, const int64_t *ids, int64_t *key)
{
	if (r->o.ngroup == 1) {
		*key = ids[0];
		return 1;
	}
	if (r->o.ngroup == 2 && ids[0] >= 0 && ids[0] <= INT32_MAX && ids[1] >= 0 && ids[1] <= INT32_MAX) {
		*key = ids[0] << 32 | ids[1];
		return 1;
	}
	return 0;
}

static int group_with(kc_report *r, const kc_dims *d, kiscrm_id manager, size_t *group)
{
	/* a report over 300,000 projects grouped by department and owner builds the key text
	 * once per group, not once per project */
	int64_t ids[KC_MAX_GROUPS];
	if (r->o.ngroup == 0 && r->ngroups == 1) { /* no grouping: the one group, made first */
		*group = 0;
		return KISCRM_OK;
	}
	int keyed = group_ids(r, d, manager, ids);
	int64_t key = 0;
	int single = keyed && int_key(r, ids, &key);
	if (single ? kc_idmap_get(&r->group_of_id, key, group)
		   : keyed && kc_tuplemap_get(&r->group_of_ids, ids, r->o.ngroup, group))
		return KISCRM_OK;
	int rc = group_by_key(r, d, manager, group);
	if (rc || !keyed)
		return rc;
	return single ? kc_idmap_put(&r->group_of_id, key, *group)
		      : kc_tuplemap_put(&r->group_of_ids, ids, r->o.ngroup, *group);
}

int kc_report_group(kc_report *r, const kc_dims *d, size_t *group)
{
	if (needs(r, KISCRM_GROUP_MANAGER_TREE))
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "group_by", "manager_tree",
				       "this report places each record in one group and cannot roll up "
				       "managers transitively (manager_tree): group by manager, or use "
				       "win-rate, win-loss, qualification or structure");
	return group_with(r, d, 0, group);
}

int kc_report_groups(kc_report *r, const kc_dims *d, size_t *groups, size_t *n)
{
	*n = 0;
	if (!needs(r, KISCRM_GROUP_MANAGER_TREE))
		return group_with(r, d, 0, &groups[(*n)++]);
	kiscrm_id m = manager_of(r, d->owner_id);
	if (!m) /* no manager: the group with an empty name */
		return group_with(r, d, 0, &groups[(*n)++]);
	/* up the chain; the store refuses cycles of manager_id, the bound guards anyway */
	for (; m && *n < KC_MAX_CHAIN; m = manager_of(r, m)) {
		int rc = group_with(r, d, m, &groups[*n]);
		if (rc)
			return rc;
		(*n)++;
	}
	return KISCRM_OK;
}

int kc_report_group_subject(const kc_report *r, size_t g, int *dim, kiscrm_id *id)
{
	*dim = 0;
	*id = 0;
	if (r->o.ngroup == 0)
		return 1;
	int d = r->o.group_by[0];
	/* the key of a staff or department group ends in "\x1e<id>" (kc_report_group) */
	const char *tail = r->o.ngroup == 1 && g < r->ngroups ? strrchr(r->group_keys[g], '\x1e') : NULL;
	if (!tail || (d != KISCRM_GROUP_OWNER && d != KISCRM_GROUP_DEPARTMENT))
		return 0;
	*dim = d;
	*id = strtoll(tail + 1, NULL, 10);
	return 1;
}

void kc_report_label(kiscrm_table *t, const kiscrm_db *db)
{
	kc_table_use_labels(t, kc_config_labels(db->config));
}

int kc_report_table(kc_report *r, kiscrm_table **out, const char *name)
{
	kiscrm_table *t;
	int rc = kiscrm_table_new(&t, name);
	if (rc == 0) {
		kc_report_label(t, r->db);
		kc_table_use_scratch(t, r->db->scratch);
	}
	for (size_t i = 0; rc == 0 && i < r->o.ngroup; i++)
		rc = kiscrm_table_add_column(t, group_names[r->o.group_by[i]], KISCRM_TYPE_TEXT);
	if (rc == 0)
		rc = kiscrm_table_set_money_decimals(t, r->decimals);
	return kc_report_deliver(out, t, rc);
}

int kc_report_deliver(kiscrm_table **out, kiscrm_table *t, int rc)
{
	if (rc) {
		kiscrm_table_free(t);
		return rc;
	}
	*out = t;
	return KISCRM_OK;
}

int kc_report_finish(kiscrm_table **out, kiscrm_table *t, kc_report *r, int rc)
{
	kc_report_end(r);
	return kc_report_deliver(out, t, rc);
}

static int by_key(const void *a, const void *b, void *ctx)
{
	const kc_report *r = ctx;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int c = strcmp(r->group_keys[x], r->group_keys[y]);
	return c ? c : (x > y) - (x < y);
}

int kc_report_sorted(const kc_report *r, size_t **order)
{
	size_t *o = malloc((r->ngroups ? r->ngroups : 1) * sizeof(*o));
	if (!o)
		return kc_error_oom();
	for (size_t i = 0; i < r->ngroups; i++)
		o[i] = i;
	int rc = kc_sort_ctx(o, r->ngroups, sizeof(*o), by_key, (void *)r);
	if (rc) {
		free(o);
		return rc;
	}
	*order = o;
	return KISCRM_OK;
}

int kc_report_add_row(kc_report *r, kiscrm_table *t, size_t group, kiscrm_row_kind kind, size_t *row)
{
	int idx = kiscrm_table_add_row(t, kind);
	if (idx < 0)
		return idx;
	*row = (size_t)idx;
	if (group >= r->ngroups)
		return KISCRM_OK; /* a total row: group columns stay NULL */
	if (r->label_table == kc_table_serial(t) && r->label_group == group) {
		/* rows come grouped: the labels are the texts the table copied for the group's
		 * first row, kept as long as the table (a full budget: 300,000 rows, two labels
		 * each) */
		for (size_t i = 0; i < r->o.ngroup; i++) {
			int rc = kc_table_set_text_kept(t, *row, i, r->label_text[i]);
			if (rc)
				return rc;
		}
		return KISCRM_OK;
	}
	r->label_table = 0;
	const char *p = r->group_keys[group];
	for (size_t i = 0; i < r->o.ngroup; i++) {
		const char *end = strchr(p, '\x1f');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		const char *id = memchr(p, '\x1e', n);
		size_t shown = id ? (size_t)(id - p) : n;
		char buf[1024]; /* a key is shorter: group_by_key refuses longer ones */
		memcpy(buf, p, shown);
		buf[shown] = '\0';
		int rc = kc_table_set_text_trusted(t, *row, i, shown ? buf : NULL);
		if (rc)
			return rc;
		r->label_text[i] = kiscrm_table_text(t, *row, i);
		p = end ? end + 1 : p + n;
	}
	r->label_table = kc_table_serial(t);
	r->label_group = group;
	return KISCRM_OK;
}

int kc_report_listing(kc_report *r, kiscrm_table **out, const char *name, const char *const *cols)
{
	int rc = kiscrm_table_new(out, name);
	if (rc)
		return rc;
	kc_report_label(*out, r->db);
	if ((rc = kc_add_columns(*out, cols)) != 0)
		return rc;
	return kiscrm_table_set_money_decimals(*out, r->decimals);
}

int kc_add_row(kiscrm_table *t, kiscrm_row_kind kind, size_t *row)
{
	int ri = kiscrm_table_add_row(t, kind);
	if (ri < 0)
		return ri;
	*row = (size_t)ri;
	return KISCRM_OK;
}

int kc_cell_int(kiscrm_table *t, size_t row, size_t col, int64_t v)
{
	return kiscrm_table_set_int(t, row, col, v);
}

int kc_cell_text(kiscrm_table *t, size_t row, size_t col, const char *v)
{
	return kc_table_set_text_trusted(t, row, col, v);
}

int kc_cell_rate(kiscrm_table *t, size_t row, size_t col, double v)
{
	return kiscrm_table_set_rate(t, row, col, v);
}

int kc_cell_ratio(kiscrm_table *t, size_t row, size_t col, double num, double den)
{
	if (den == 0)
		return kiscrm_table_set_null(t, row, col);
	return kiscrm_table_set_rate(t, row, col, num / den);
}

static int parse_type(const char *s, size_t n)
{
	static const struct { const char *name; int type; } types[] = {
		{ "text", KISCRM_TYPE_TEXT }, { "int", KISCRM_TYPE_INT }, { "money", KISCRM_TYPE_MONEY },
		{ "date", KISCRM_TYPE_DATE }, { "rate", KISCRM_TYPE_RATE }, { "time", KISCRM_TYPE_TIME },
	};
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strlen(types[i].name) == n && memcmp(types[i].name, s, n) == 0)
			return types[i].type;
	return 0;
}

int kc_add_columns(kiscrm_table *t, const char *const *specs)
{
	for (; *specs; specs++) {
		const char *colon = strchr(*specs, ':');
		char name[128];
		if (!colon || (size_t)(colon - *specs) >= sizeof(name))
			return kc_error_set(KISCRM_EINVALID, "bad column spec '%s'", *specs);
		memcpy(name, *specs, (size_t)(colon - *specs));
		name[colon - *specs] = '\0';
		int type = parse_type(colon + 1, strlen(colon + 1));
		if (!type)
			return kc_error_set(KISCRM_EINVALID, "bad column type in '%s'", *specs);
		int rc = kiscrm_table_add_column(t, name, (kiscrm_type)type);
		if (rc)
			return rc;
	}
	return KISCRM_OK;
}
