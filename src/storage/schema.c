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

static const kiscrm_field_def lead_fields[] = {
	F("id", INT, 0, 0),
	F("name", TEXT, REQ, 0),
	F("company", TEXT, 0, 0),
	F("contact_name", TEXT, 0, 0),
	F("phone", TEXT, 0, 0),
	F("email", TEXT, 0, 0),
	F("source", TEXT, 0, 0),
	F("owner_id", INT, IDX, KISCRM_KIND_STAFF),
	F("department_id", INT, 0, KISCRM_KIND_DEPARTMENT),
	F("status", TEXT, 0, 0),
	F("customer_id", INT, IDX, KISCRM_KIND_CUSTOMER),
	F("opportunity_id", INT, 0, KISCRM_KIND_OPPORTUNITY),
	F("created", DATE, 0, 0),
	F("region", TEXT, 0, 0),
	F("industry", TEXT, 0, 0),
	F("product_line", TEXT, 0, 0),
	F("amount", MONEY, 0, 0),
	F("campaign", TEXT, 0, 0),
};

static const kiscrm_field_def opportunity_fields[] = {
	F("id", INT, 0, 0),
	F("name", TEXT, REQ, 0),
	F("customer_id", INT, IDX | OWN, KISCRM_KIND_CUSTOMER),
	F("contact_id", INT, 0, KISCRM_KIND_CONTACT),
	F("owner_id", INT, REQ | IDX, KISCRM_KIND_STAFF),
	F("department_id", INT, IDX, KISCRM_KIND_DEPARTMENT),
	F("business_line", TEXT, 0, 0),
	F("product_line", TEXT, 0, 0),
	F("amount", MONEY, 0, 0),
	F("expected_close", DATE, IDX, 0),
	F("pipeline", TEXT, 0, 0),
	F("stage", TEXT, REQ, 0),
	F("probability", INT, 0, 0),
	F("probability_manual", INT, 0, 0),
	F("forecast_category", TEXT, 0, 0),
	F("source", TEXT, 0, 0),
	F("size_class", TEXT, 0, 0),
	F("partner", TEXT, 0, 0),
	F("competitors", TEXT, 0, 0),
	F("status", TEXT, IDX, 0),
	F("reason", TEXT, 0, 0),
	F("reason_category", TEXT, 0, 0),
	F("created", DATE, 0, 0),
	F("closed", DATE, 0, 0),
	F("last_activity", DATE, 0, 0),
	F("lead_id", INT, 0, KISCRM_KIND_LEAD),
	F("external_ref", TEXT, IDX, 0),
	F("tags", TEXT, 0, 0),
};

static const kiscrm_field_def stage_history_fields[] = {
	F("id", INT, 0, 0),
	F("opportunity_id", INT, REQ | IDX | OWN, KISCRM_KIND_OPPORTUNITY),
	F("from_stage", TEXT, 0, 0),
	F("to_stage", TEXT, REQ, 0),
	F("at", TIME, REQ, 0),
	F("by_id", INT, 0, KISCRM_KIND_STAFF),
	F("amount", MONEY, 0, 0),
	F("pipeline", TEXT, 0, 0),
};

static const kiscrm_field_def contract_fields[] = {
	F("id", INT, 0, 0),
	F("number", TEXT, IDX, 0),
	F("customer_id", INT, REQ | IDX, KISCRM_KIND_CUSTOMER),
	F("opportunity_id", INT, IDX, KISCRM_KIND_OPPORTUNITY),
	F("signed", DATE, REQ | IDX, 0),
	F("amount", MONEY, REQ, 0),
	F("owner_id", INT, REQ | IDX, KISCRM_KIND_STAFF),
	F("department_id", INT, IDX, KISCRM_KIND_DEPARTMENT),
	F("business_line", TEXT, 0, 0),
	F("product_line", TEXT, 0, 0),
	F("approval", TEXT, 0, 0),
	F("payment_terms", TEXT, 0, 0),
	F("allow_over_collection", INT, 0, 0),
};

static const kiscrm_field_def collection_plan_fields[] = {
	F("id", INT, 0, 0),
	F("contract_id", INT, IDX | OWN, KISCRM_KIND_CONTRACT),
	F("opportunity_id", INT, IDX | OWN, KISCRM_KIND_OPPORTUNITY),
	F("due", DATE, REQ | IDX, 0),
	F("amount", MONEY, REQ, 0),
	F("note", TEXT, 0, 0),
};

static const kiscrm_field_def collection_fields[] = {
	F("id", INT, 0, 0),
	F("contract_id", INT, REQ | IDX, KISCRM_KIND_CONTRACT),
	F("received", DATE, REQ | IDX, 0),
	F("amount", MONEY, REQ, 0),
	F("note", TEXT, 0, 0),
};

static const kiscrm_field_def target_fields[] = {
	F("id", INT, 0, 0),
	F("metric", TEXT, REQ | IDX, 0),
	F("period", INT, REQ, 0),
	F("start", DATE, REQ | IDX, 0),
	F("business_line", TEXT, 0, 0),
	F("product_line", TEXT, 0, 0),
	F("department_id", INT, IDX, KISCRM_KIND_DEPARTMENT),
	F("owner_id", INT, IDX, KISCRM_KIND_STAFF),
	F("amount", MONEY, 0, 0),
	F("count", INT, 0, 0),
	F("parent_id", INT, IDX | OWN, KISCRM_KIND_TARGET),
};

static const kiscrm_field_def snapshot_fields[] = {
	F("id", INT, 0, 0),
	F("week", DATE, REQ | IDX, 0),
	F("taken", TIME, 0, 0),
	F("by_id", INT, 0, KISCRM_KIND_STAFF),
	F("as_of", DATE, 0, 0),
};

/* Snapshot lines keep plain ids (no references): a snapshot is history and must survive
 * the deletion of the opportunity or contract it describes. */
static const kiscrm_field_def snapshot_line_fields[] = {
	F("id", INT, 0, 0),
	F("snapshot_id", INT, REQ | IDX | OWN, KISCRM_KIND_SNAPSHOT),
	F("opportunity_id", INT, IDX, 0),
	F("contract_id", INT, IDX, 0),
	F("customer_id", INT, 0, 0),
	F("owner_id", INT, 0, 0),
	F("department_id", INT, 0, 0),
	F("business_line", TEXT, 0, 0),
	F("product_line", TEXT, 0, 0),
	F("stage", TEXT, 0, 0),
	F("week", DATE, IDX, 0),
	F("contract_amount", MONEY, 0, 0),
	F("weighted_amount", MONEY, 0, 0),
	F("collection_amount", MONEY, 0, 0),
	F("expected_close", DATE, 0, 0),
	F("probability", INT, 0, 0),
	F("amount", MONEY, 0, 0),
	F("status", TEXT, 0, 0),
};

static const kiscrm_field_def kpi_score_fields[] = {
	F("id", INT, 0, 0),
	F("staff_id", INT, REQ | IDX | OWN, KISCRM_KIND_STAFF),
	F("scheme", TEXT, 0, 0),
	F("indicator", TEXT, REQ, 0),
	F("period", INT, REQ, 0),
	F("start", DATE, REQ, 0),
	F("score", RATE, REQ, 0),
	F("note", TEXT, 0, 0),
};

static const kiscrm_field_def evidence_fields[] = {
	F("id", INT, 0, 0),
	F("staff_id", INT, REQ | IDX | OWN, KISCRM_KIND_STAFF),
	F("standard", TEXT, 0, 0),
	F("unit", TEXT, REQ, 0),
	F("item", TEXT, REQ, 0),
	F("date", DATE, 0, 0),
	F("method", TEXT, 0, 0),
	F("confirmed_by", INT, 0, KISCRM_KIND_STAFF),
	F("note", TEXT, 0, 0),
};

static const kiscrm_field_def exam_result_fields[] = {
	F("id", INT, 0, 0),
	F("staff_id", INT, REQ | IDX | OWN, KISCRM_KIND_STAFF),
	F("subject", TEXT, REQ, 0),
	F("score", RATE, REQ, 0),
	F("date", DATE, 0, 0),
};

static const kiscrm_field_def experience_fields[] = {
	F("id", INT, 0, 0),
	F("staff_id", INT, REQ | IDX | OWN, KISCRM_KIND_STAFF),
	F("kind", TEXT, REQ, 0),
	F("years", RATE, REQ, 0),
	F("note", TEXT, 0, 0),
};

static const kiscrm_field_def training_fields[] = {
	F("id", INT, 0, 0),
	F("staff_id", INT, REQ | IDX | OWN, KISCRM_KIND_STAFF),
	F("subject", TEXT, REQ, 0),
	F("date", DATE, 0, 0),
	F("hours", RATE, 0, 0),
};

#define KIND(k, n, f) { k, n, (int)(sizeof(f) / sizeof(f[0])), f }
static const kiscrm_kind_def department_def = KIND(KISCRM_KIND_DEPARTMENT, "department", department_fields);
static const kiscrm_kind_def staff_def = KIND(KISCRM_KIND_STAFF, "staff", staff_fields);
static const kiscrm_kind_def customer_def = KIND(KISCRM_KIND_CUSTOMER, "customer", customer_fields);
static const kiscrm_kind_def customer_attr_def = KIND(KISCRM_KIND_CUSTOMER_ATTR, "customer_attr", customer_attr_fields);
static const kiscrm_kind_def contact_def = KIND(KISCRM_KIND_CONTACT, "contact", contact_fields);
static const kiscrm_kind_def lead_def = KIND(KISCRM_KIND_LEAD, "lead", lead_fields);
static const kiscrm_kind_def opportunity_def = KIND(KISCRM_KIND_OPPORTUNITY, "opportunity", opportunity_fields);
static const kiscrm_kind_def stage_history_def = KIND(KISCRM_KIND_STAGE_HISTORY, "stage_history", stage_history_fields);
static const kiscrm_kind_def contract_def = KIND(KISCRM_KIND_CONTRACT, "contract", contract_fields);
static const kiscrm_kind_def collection_plan_def = KIND(KISCRM_KIND_COLLECTION_PLAN, "collection_plan", collection_plan_fields);
static const kiscrm_kind_def collection_def = KIND(KISCRM_KIND_COLLECTION, "collection", collection_fields);
static const kiscrm_kind_def target_def = KIND(KISCRM_KIND_TARGET, "target", target_fields);
static const kiscrm_kind_def snapshot_def = KIND(KISCRM_KIND_SNAPSHOT, "snapshot", snapshot_fields);
static const kiscrm_kind_def snapshot_line_def = KIND(KISCRM_KIND_SNAPSHOT_LINE, "snapshot_line", snapshot_line_fields);
static const kiscrm_kind_def kpi_score_def = KIND(KISCRM_KIND_KPI_SCORE, "kpi_score", kpi_score_fields);
static const kiscrm_kind_def evidence_def = KIND(KISCRM_KIND_EVIDENCE, "evidence", evidence_fields);
static const kiscrm_kind_def exam_result_def = KIND(KISCRM_KIND_EXAM_RESULT, "exam_result", exam_result_fields);
static const kiscrm_kind_def experience_def = KIND(KISCRM_KIND_EXPERIENCE, "experience", experience_fields);
static const kiscrm_kind_def training_def = KIND(KISCRM_KIND_TRAINING, "training", training_fields);

/* Indexed by kind value; kind values are dense from 1. */
static const kiscrm_kind_def *const all_kinds[] = {
	&department_def, &staff_def, &customer_def, &customer_attr_def, &contact_def,
	&lead_def, &opportunity_def, &stage_history_def, &contract_def, &collection_plan_def,
	&collection_def, &target_def, &snapshot_def, &snapshot_line_def, &kpi_score_def,
	&evidence_def, &exam_result_def, &experience_def, &training_def,
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
