/* The table of kinds: every kind of record the library knows, in kind order, each
 * described by the area that owns it. The database handle carries this table to the
 * storage layer; the public introspection functions read it. */
#include "model/model.h"
#include "activities/kinds.h"
#include "analytics/kinds.h"
#include "care/kinds.h"
#include "market/kinds.h"
#include "campaigns/kinds.h"
#include "service/kinds.h"
#include "presales/kinds.h"
#include "delivery/kinds.h"
#include "channel/kinds.h"
#include "pricing/kinds.h"
#include "routines/kinds.h"
#include "value/kinds.h"
#include "config/field_values.h"
#include "core/error.h"
#include "core/field.h"
#include "entities/kinds.h"
#include "kiscrm/config.h"
#include "kiscrm/version.h"
#include "kpi/kinds.h"
#include "money_flow/kinds.h"
#include "pipeline/kinds.h"
#include "storage/audit.h"
#include "storage/record.h"
#include "targets/kinds.h"

#include <pthread.h>
#include <string.h>

/* Indexed by kind value - 1; kind values are dense from 1. */
static const kc_kind *const all_kinds[] = {
	&kc_department_kind, &kc_staff_kind, &kc_customer_kind, &kc_customer_attr_kind,
	&kc_contact_kind, &kc_lead_kind, &kc_opportunity_kind, &kc_stage_history_kind,
	&kc_contract_kind, &kc_collection_plan_kind, &kc_collection_kind, &kc_target_kind,
	&kc_snapshot_kind, &kc_snapshot_line_kind, &kc_kpi_score_kind, &kc_evidence_kind,
	&kc_exam_result_kind, &kc_experience_kind, &kc_training_kind, &kc_activity_kind,
	&kc_activity_exception_kind, &kc_key_account_event_kind, &kc_value_class_kind,
	&kc_competitor_kind, &kc_opportunity_competitor_kind, &kc_swot_entry_kind, &kc_swot_strategy_kind,
	&kc_work_item_kind, &kc_work_log_kind, &kc_grid_cell_kind, &kc_campaign_kind, &kc_campaign_cost_kind,
	&kc_campaign_member_kind, &kc_campaign_touch_kind, &kc_service_request_kind, &kc_service_event_kind,
	&kc_satisfaction_survey_kind, &kc_presales_request_kind, &kc_milestone_kind,
	&kc_partner_kind, &kc_partner_target_kind, &kc_registration_kind,
	&kc_product_kind, &kc_quote_kind, &kc_quote_line_kind, &kc_approval_kind, &kc_audit_entry_kind,
};
#define NKINDS (int)(sizeof(all_kinds) / sizeof(all_kinds[0]))

/* The same kinds as the backends see them (definitions only). */
static const kiscrm_kind_def *const all_defs[] = {
	&kc_department_def, &kc_staff_def, &kc_customer_def, &kc_customer_attr_def,
	&kc_contact_def, &kc_lead_def, &kc_opportunity_def, &kc_stage_history_def,
	&kc_contract_def, &kc_collection_plan_def, &kc_collection_def, &kc_target_def,
	&kc_snapshot_def, &kc_snapshot_line_def, &kc_kpi_score_def, &kc_evidence_def,
	&kc_exam_result_def, &kc_experience_def, &kc_training_def, &kc_activity_def,
	&kc_activity_exception_def, &kc_key_account_event_def, &kc_value_class_def,
	&kc_competitor_def, &kc_opportunity_competitor_def, &kc_swot_entry_def, &kc_swot_strategy_def,
	&kc_work_item_def, &kc_work_log_def, &kc_grid_cell_def, &kc_campaign_def, &kc_campaign_cost_def,
	&kc_campaign_member_def, &kc_campaign_touch_def, &kc_service_request_def, &kc_service_event_def,
	&kc_satisfaction_survey_def, &kc_presales_request_def, &kc_milestone_def,
	&kc_partner_def, &kc_partner_target_def, &kc_registration_def,
	&kc_product_def, &kc_quote_def, &kc_quote_line_def, &kc_approval_def, &kc_audit_entry_def,
};
_Static_assert(sizeof(all_defs) / sizeof(all_defs[0]) == sizeof(all_kinds) / sizeof(all_kinds[0]),
	       "every kind has a definition and a descriptor");

static const kiscrm_schema schema = { KC_SCHEMA_VERSION, NKINDS, all_defs };

/* The dimension of every field of every kind (kc_config_field_dim), found once: the
 * store checks each text value of each write, and comparing the field's name with the
 * dimensions' names every time was 2 % of a bulk load. A kind of more fields than the
 * table holds is asked by name. */
#define DIM_FIELDS 64
static unsigned char field_dims[sizeof(all_defs) / sizeof(all_defs[0])][DIM_FIELDS];

static void find_field_dims(void)
{
	for (int k = 0; k < NKINDS; k++)
		for (int i = 0; i < all_defs[k]->nfields && i < DIM_FIELDS; i++)
			field_dims[k][i] = (unsigned char)kc_config_field_dim(all_defs[k]->fields[i].name);
}

static int field_dim(const kiscrm_kind_def *def, int field)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	if (field < DIM_FIELDS && def->kind >= 1 && def->kind <= NKINDS && all_defs[def->kind - 1] == def) {
		pthread_once(&once, find_field_dims);
		return field_dims[def->kind - 1][field];
	}
	return kc_config_field_dim(def->fields[field].name);
}

/* The store's check of every value (kc_value_check_fn): a dimension field holds a configured
 * key when the dimension is strict. */
static int check_value(kiscrm_db *db, const kiscrm_kind_def *def, int field,
		       const kiscrm_value *value)
{
	const kiscrm_field_def *f = &def->fields[field];
	const char *v = value->u.s; /* asked about TEXT values only */
	int dim = field_dim(def, field);
	if (!dim || !kiscrm_config_dim_strict(db->config, dim) ||
	    kiscrm_config_dim_find(db->config, dim, v) >= 0)
		return KISCRM_OK;
	return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, f->name, v,
			       "%s.%s: '%s' is not a configured %s key", def->name, f->name, v,
			       f->name);
}

static int value_checked(const kiscrm_kind_def *def, int field)
{
	return field_dim(def, field) != 0;
}

const kc_kind_table kc_model_kinds = { NKINDS, all_kinds, &schema, check_value, value_checked };

/* Definition of a kind, or NULL (no error set) when unknown. */
static const kiscrm_kind_def *kc_kind_def(int kind)
{
	if (kind < 1 || kind > NKINDS)
		return NULL;
	return all_defs[kind - 1];
}

/* As kc_kind_def, but sets KISCRM_EINVALID naming the kind when unknown. */
static int kc_kind_require(const kiscrm_kind_def **out, int kind)
{
	*out = kc_kind_def(kind);
	if (!*out)
		return kc_error_set(KISCRM_EINVALID, "unknown record kind %d", kind);
	return KISCRM_OK;
}

int kiscrm_record_new(kiscrm_record **out, kiscrm_kind kind)
{
	const kiscrm_kind_def *def;
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "output pointer is NULL");
	int rc = kc_kind_require(&def, kind);
	kc_record_know_kinds(&kc_model_kinds);
	return rc ? rc : kc_record_new(out, def);
}

const char *kiscrm_kind_name(kiscrm_kind kind)
{
	const kiscrm_kind_def *d = kc_kind_def(kind);
	return d ? d->name : NULL;
}

int kiscrm_kind_find(const char *name)
{
	for (int i = 0; name && i < NKINDS; i++)
		if (strcmp(all_defs[i]->name, name) == 0)
			return all_defs[i]->kind;
	return kc_error_set(KISCRM_ENOTFOUND, "unknown record kind '%s'", name ? name : "(null)");
}

int kiscrm_kind_field_count(kiscrm_kind kind)
{
	const kiscrm_kind_def *d = kc_kind_def(kind);
	return d ? d->nfields : 0;
}

static const kiscrm_field_def *field_def(kiscrm_kind kind, kiscrm_field field)
{
	const kiscrm_kind_def *d = kc_kind_def(kind);
	if (!d || KISCRM_FIELD_KIND(field) != (int)kind || field < 0 || KC_FI(field) >= d->nfields)
		return NULL;
	return &d->fields[KC_FI(field)];
}

kiscrm_field kiscrm_kind_field_id(kiscrm_kind kind, int position)
{
	const kiscrm_kind_def *d = kc_kind_def(kind);
	if (!d || position < 0 || position >= d->nfields)
		return kc_error_set(KISCRM_EINVALID, "%s has no field at position %d",
				    d ? d->name : "unknown kind", position);
	return KISCRM_FIELD_ID(kind, position);
}

const char *kiscrm_kind_field_name(kiscrm_kind kind, kiscrm_field field)
{
	const kiscrm_field_def *f = field_def(kind, field);
	return f ? f->name : NULL;
}

kiscrm_type kiscrm_kind_field_type(kiscrm_kind kind, kiscrm_field field)
{
	const kiscrm_field_def *f = field_def(kind, field);
	return f ? (kiscrm_type)f->type : KISCRM_TYPE_NULL;
}

int kiscrm_kind_field_ref(kiscrm_kind kind, kiscrm_field field)
{
	const kiscrm_field_def *f = field_def(kind, field);
	return f ? f->ref_kind : 0;
}

kiscrm_field kiscrm_kind_field_find(kiscrm_kind kind, const char *name)
{
	const kiscrm_kind_def *d = kc_kind_def(kind);
	if (!d)
		return kc_error_set(KISCRM_EINVALID, "unknown record kind %d", (int)kind);
	int i = kc_field_index(d, name);
	if (i < 0)
		return kc_error_set(KISCRM_ENOTFOUND, "%s has no field '%s'", d->name,
				    name ? name : "(null)");
	return KISCRM_FIELD_ID(kind, i);
}

int kiscrm_schema_version(void)
{
	return KC_SCHEMA_VERSION;
}
