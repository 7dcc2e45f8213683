#include "schema.h"
#include "core/error.h"

#include <string.h>

#define F(n, t, fl, ref) { n, KISCRM_TYPE_##t, fl, ref }
#define IDX KISCRM_FIELD_INDEXED
#define REQ KISCRM_FIELD_REQUIRED
#define OWN KISCRM_FIELD_OWNED

/* Field order matches the public enums (kiscrm/org.h, kiscrm/customer.h …). */
static const kiscrm_field_def department_fields[] = {
	F("id", INT, 0, 0),
	F("name", TEXT, REQ, 0),
	F("parent_id", INT, IDX, KISCRM_KIND_DEPARTMENT),
	F("manager_id", INT, 0, KISCRM_KIND_STAFF),
	F("code", TEXT, 0, 0),
};

static const kiscrm_field_def staff_fields[] = {
	F("id", INT, 0, 0),
	F("name", TEXT, REQ | IDX, 0),
	F("department_id", INT, REQ | IDX, KISCRM_KIND_DEPARTMENT),
	F("role", TEXT, REQ, 0),
	F("manager_id", INT, IDX, KISCRM_KIND_STAFF),
	F("active", INT, 0, 0),
	F("hire_date", DATE, 0, 0),
	F("education", TEXT, 0, 0),
	F("sales_years", RATE, 0, 0),
	F("industry_years", RATE, 0, 0),
	F("management_years", RATE, 0, 0),
	F("email", TEXT, 0, 0),
	F("phone", TEXT, 0, 0),
};

static const kiscrm_field_def customer_fields[] = {
	F("id", INT, 0, 0),
	F("name", TEXT, REQ, 0),
	F("short_name", TEXT, 0, 0),
	F("name_key", TEXT, IDX, 0),
	F("industry", TEXT, IDX, 0),
	F("region", TEXT, IDX, 0),
	F("employees", INT, 0, 0),
	F("revenue_band", TEXT, 0, 0),
	F("grid_cell", TEXT, 0, 0),
	F("owner_id", INT, IDX, KISCRM_KIND_STAFF),
	F("source", TEXT, 0, 0),
	F("status", TEXT, 0, 0),
	F("key_account", INT, 0, 0),
	F("value_class", TEXT, 0, 0),
	F("lifecycle", TEXT, 0, 0),
	F("first_contract", DATE, 0, 0),
	F("created", DATE, 0, 0),
};

static const kiscrm_field_def customer_attr_fields[] = {
	F("id", INT, 0, 0),
	F("customer_id", INT, REQ | IDX | OWN, KISCRM_KIND_CUSTOMER),
	F("key", TEXT, REQ, 0),
	F("value", TEXT, 0, 0),
};

static const kiscrm_field_def contact_fields[] = {
	F("id", INT, 0, 0),
	F("customer_id", INT, REQ | IDX | OWN, KISCRM_KIND_CUSTOMER),
	F("name", TEXT, REQ, 0),
	F("title", TEXT, 0, 0),
	F("department", TEXT, 0, 0),
	F("phone", TEXT, 0, 0),
	F("email", TEXT, 0, 0),
	F("birthday", DATE, 0, 0),
	F("chain_role", TEXT, 0, 0),
	F("reports_to", INT, IDX, KISCRM_KIND_CONTACT),
	F("attitude", TEXT, 0, 0),
};

#define KIND(k, n, f) { k, n, (int)(sizeof(f) / sizeof(f[0])), f }
static const kiscrm_kind_def department_def = KIND(KISCRM_KIND_DEPARTMENT, "department", department_fields);
static const kiscrm_kind_def staff_def = KIND(KISCRM_KIND_STAFF, "staff", staff_fields);
static const kiscrm_kind_def customer_def = KIND(KISCRM_KIND_CUSTOMER, "customer", customer_fields);
static const kiscrm_kind_def customer_attr_def = KIND(KISCRM_KIND_CUSTOMER_ATTR, "customer_attr", customer_attr_fields);
static const kiscrm_kind_def contact_def = KIND(KISCRM_KIND_CONTACT, "contact", contact_fields);

/* Indexed by kind value; kind values are dense from 1. */
static const kiscrm_kind_def *const all_kinds[] = {
	&department_def, &staff_def, &customer_def, &customer_attr_def, &contact_def,
};

const kiscrm_schema kc_schema = {
	KC_SCHEMA_VERSION, (int)(sizeof(all_kinds) / sizeof(all_kinds[0])), all_kinds
};

const kiscrm_kind_def *kc_kind_def(int kind)
{
	if (kind < 1 || kind > kc_schema.nkinds)
		return NULL;
	return kc_schema.kinds[kind - 1];
}

int kc_kind_require(const kiscrm_kind_def **out, int kind)
{
	*out = kc_kind_def(kind);
	if (!*out)
		return kc_error_set(KISCRM_EINVALID, "unknown record kind %d", kind);
	return KISCRM_OK;
}

int kc_field_index(const kiscrm_kind_def *def, const char *name)
{
	if (!name)
		return -1;
	for (int i = 0; i < def->nfields; i++)
		if (strcmp(def->fields[i].name, name) == 0)
			return i;
	return -1;
}

const char *kiscrm_kind_name(int kind)
{
	const kiscrm_kind_def *d = kc_kind_def(kind);
	return d ? d->name : NULL;
}

int kiscrm_kind_find(const char *name)
{
	for (int i = 0; name && i < kc_schema.nkinds; i++)
		if (strcmp(kc_schema.kinds[i]->name, name) == 0)
			return kc_schema.kinds[i]->kind;
	return kc_error_set(KISCRM_ENOTFOUND, "unknown record kind '%s'", name ? name : "(null)");
}

int kiscrm_kind_field_count(int kind)
{
	const kiscrm_kind_def *d = kc_kind_def(kind);
	return d ? d->nfields : 0;
}

static const kiscrm_field_def *field_def(int kind, int field)
{
	const kiscrm_kind_def *d = kc_kind_def(kind);
	if (!d || field < 0 || field >= d->nfields)
		return NULL;
	return &d->fields[field];
}

const char *kiscrm_kind_field_name(int kind, int field)
{
	const kiscrm_field_def *f = field_def(kind, field);
	return f ? f->name : NULL;
}

kiscrm_type kiscrm_kind_field_type(int kind, int field)
{
	const kiscrm_field_def *f = field_def(kind, field);
	return f ? (kiscrm_type)f->type : KISCRM_TYPE_NULL;
}

int kiscrm_kind_field_ref(int kind, int field)
{
	const kiscrm_field_def *f = field_def(kind, field);
	return f ? f->ref_kind : 0;
}

int kiscrm_kind_field_find(int kind, const char *name)
{
	const kiscrm_kind_def *d = kc_kind_def(kind);
	if (!d)
		return kc_error_set(KISCRM_EINVALID, "unknown record kind %d", kind);
	int i = kc_field_index(d, name);
	if (i < 0)
		return kc_error_set(KISCRM_ENOTFOUND, "%s has no field '%s'", d->name,
				    name ? name : "(null)");
	return i;
}
