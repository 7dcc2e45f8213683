/* Contracts, collection plans and collections: the rules checked when they are stored
 * (see kiscrm/money_flow.h), the customer's derived first-contract date, and the
 * per-contract and per-customer money figures. */
#include "delivery/kinds.h"
#include "service/contract_rules.h"
#include "money_flow/money_flow_internal.h"
#include "pricing/guard.h"
#include "core/field.h"
#include "storage/record.h"
#include "entities/kinds.h"
#include "money_flow/kinds.h"
#include "storage/checks.h"
#include "core/error.h"
#include "core/sum.h"
#include "core/vec.h"
#include "core/idvec.h"
#include "kiscrm/config.h"
#include "kiscrm/customer.h"
#include "kiscrm/money.h"
#include "kiscrm/money_flow.h"
#include "kiscrm/org.h"
#include "kiscrm/pipeline.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const approvals[] = { "draft", "pending", "approved", "rejected", NULL };

/* --- small helpers ------------------------------------------------------------------ */

/* Money as decimal text in the configured currency, for messages. */
static const char *fmt_money(char buf[32], const kiscrm_db *db, kiscrm_money v)
{
	if (kiscrm_money_format(buf, 32, v, kiscrm_config_currency_decimals(db->config), 0) < 0)
		snprintf(buf, 32, "%lld", (long long)v);
	return buf;
}


typedef struct {
	kiscrm_id exclude; /* a collection left out of the sum (the one being updated) */
	kiscrm_money sum;
	int rc;
} coll_sum;

static int coll_sum_cb(void *payload, const kiscrm_value *row)
{
	coll_sum *s = payload;
	const kiscrm_value *a = &row[KC_FI(KISCRM_COLLECTION_AMOUNT)];
	if (row[0].u.i == s->exclude || a->type == KISCRM_TYPE_NULL)
		return 0;
	return kc_money_add(&s->sum, a->u.i);
}

/* Sum of the collections of a contract, leaving out collection `exclude` (0: none). */
static int sum_collections(kiscrm_db *db, kiscrm_id contract_id, kiscrm_id exclude, kiscrm_money *out)
{
	kiscrm_cond c = { KISCRM_COLLECTION_CONTRACT_ID, KISCRM_OP_EQ, { KISCRM_TYPE_INT, { .i = contract_id } } };
	kiscrm_query q = { 1, &c, KC_BIT(KISCRM_COLLECTION_AMOUNT) | 1u };
	coll_sum s = { exclude, 0, 0 };
	int rc = kc_db_scan(db, &kc_collection_def, &q, coll_sum_cb, &s);
	if (rc == 0)
		*out = s.sum;
	return rc;
}

static int check_flag01(const kiscrm_record *rec, int field)
{
	if (kiscrm_record_is_null(rec, field))
		return KISCRM_OK;
	int64_t v = kiscrm_record_int(rec, field);
	if (v == 0 || v == 1)
		return KISCRM_OK;
	const char *name = rec->def->fields[KC_FI(field)].name;
	char text[24];
	snprintf(text, sizeof(text), "%lld", (long long)v);
	return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, name, text, "%s.%s must be 0 or 1, not %s",
			       rec->def->name, name, text);
}

/* amount > 0 (strict) or >= 0; NULL passes (the required-field check reports it). */
static int check_amount(const kiscrm_db *db, const kiscrm_record *rec, int field, int strict)
{
	if (kiscrm_record_is_null(rec, field))
		return KISCRM_OK;
	kiscrm_money v = kiscrm_record_int(rec, field);
	if (strict ? v > 0 : v >= 0)
		return KISCRM_OK;
	char m[32];
	fmt_money(m, db, v);
	const char *name = rec->def->fields[KC_FI(field)].name;
	return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, name, m, "%s.%s must be %s 0, not %s",
			       rec->def->name, name, strict ? "greater than" : "at least", m);
}

/* The configured-key check of the store, done early because the contract writes the
 * customer's first-contract date before the store's own checks run. */
static int check_dim(const kiscrm_db *db, const kiscrm_record *rec, int field, int dim)
{
	const char *v = kiscrm_record_text(rec, field);
	if (!v || !kiscrm_config_dim_strict(db->config, dim) ||
	    kiscrm_config_dim_find(db->config, dim, v) >= 0)
		return KISCRM_OK;
	const char *name = rec->def->fields[KC_FI(field)].name;
	return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, name, v,
			       "%s.%s: '%s' is not a configured %s key", rec->def->name, name, v, name);
}

/* --- contract ----------------------------------------------------------------------- */

/* Department from the owner when not given. */
static int derive_department(kiscrm_db *db, kiscrm_record *rec)
{
	if (kiscrm_record_is_null(rec, KISCRM_CONTRACT_OWNER_ID))
		return KISCRM_OK; /* required: reported by the store */
	kiscrm_record *staff;
	int rc = kc_store_load(&staff, db, KISCRM_KIND_STAFF, kiscrm_record_int(rec, KISCRM_CONTRACT_OWNER_ID),
		      "contract", "owner_id");
	if (rc)
		return rc;
	if (kiscrm_record_is_null(rec, KISCRM_CONTRACT_DEPARTMENT_ID) &&
	    !kiscrm_record_is_null(staff, KISCRM_STAFF_DEPARTMENT_ID))
		kc_record_put_int(rec, KISCRM_CONTRACT_DEPARTMENT_ID,
				  kiscrm_record_int(staff, KISCRM_STAFF_DEPARTMENT_ID));
	kiscrm_record_free(staff);
	if (kiscrm_record_is_null(rec, KISCRM_CONTRACT_DEPARTMENT_ID))
		return KISCRM_OK;
	kiscrm_id dept = kiscrm_record_int(rec, KISCRM_CONTRACT_DEPARTMENT_ID);
	rc = kc_db_exists(db, &kc_department_def, dept);
	if (rc < 0)
		return rc;
	if (rc == 0) {
		char idtext[24];
		snprintf(idtext, sizeof(idtext), "%lld", (long long)dept);
		return kc_error_set_at(KISCRM_ENOTFOUND, NULL, 0, 0, "department_id", idtext,
				       "contract.department_id: department %s does not exist", idtext);
	}
	return KISCRM_OK;
}

/* The linked opportunity: same customer; lines from it when not given. */
static int check_opportunity(kiscrm_db *db, kiscrm_record *rec)
{
	if (kiscrm_record_is_null(rec, KISCRM_CONTRACT_OPPORTUNITY_ID))
		return KISCRM_OK;
	kiscrm_id oid = kiscrm_record_int(rec, KISCRM_CONTRACT_OPPORTUNITY_ID);
	kiscrm_record *opp;
	int rc = kc_store_load(&opp, db, KISCRM_KIND_OPPORTUNITY, oid, "contract", "opportunity_id");
	if (rc)
		return rc;
	kiscrm_id cust = kiscrm_record_int(rec, KISCRM_CONTRACT_CUSTOMER_ID);
	if (!kiscrm_record_is_null(rec, KISCRM_CONTRACT_CUSTOMER_ID) &&
	    (kiscrm_record_is_null(opp, KISCRM_OPPORTUNITY_CUSTOMER_ID) ||
	     kiscrm_record_int(opp, KISCRM_OPPORTUNITY_CUSTOMER_ID) != cust)) {
		char idtext[24], other[24];
		snprintf(idtext, sizeof(idtext), "%lld", (long long)oid);
		if (kiscrm_record_is_null(opp, KISCRM_OPPORTUNITY_CUSTOMER_ID))
			snprintf(other, sizeof(other), "no customer");
		else
			snprintf(other, sizeof(other), "customer %lld",
				 (long long)kiscrm_record_int(opp, KISCRM_OPPORTUNITY_CUSTOMER_ID));
		rc = kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "opportunity_id", idtext,
				     "contract.opportunity_id: opportunity %s belongs to %s, not to "
				     "the contract's customer %lld", idtext, other, (long long)cust);
	}
	static const int lines[] = { KISCRM_OPPORTUNITY_BUSINESS_LINE, KISCRM_CONTRACT_BUSINESS_LINE,
				     KISCRM_OPPORTUNITY_PRODUCT_LINE, KISCRM_CONTRACT_PRODUCT_LINE };
	for (size_t i = 0; rc == 0 && i < 4; i += 2) {
		const char *v = kiscrm_record_text(opp, lines[i]);
		if (v && kiscrm_record_is_null(rec, lines[i + 1]))
			rc = kc_record_put_text(rec, lines[i + 1], v);
	}
	/* the partner the deal came through is the contract's too */
	if (rc == 0 && kiscrm_record_is_null(rec, KISCRM_CONTRACT_PARTNER_ID) &&
	    !kiscrm_record_is_null(opp, KISCRM_OPPORTUNITY_PARTNER_ID))
		kc_record_put_int(rec, KISCRM_CONTRACT_PARTNER_ID, kiscrm_record_int(opp, KISCRM_OPPORTUNITY_PARTNER_ID));
	kiscrm_record_free(opp);
	return rc;
}

/* On update: the amount may not drop below what was collected. */
static int check_amount_covers_collections(kiscrm_db *db, const kiscrm_record *rec)
{
	if (kiscrm_record_is_null(rec, KISCRM_CONTRACT_AMOUNT) ||
	    kiscrm_record_int(rec, KISCRM_CONTRACT_ALLOW_OVER_COLLECTION) == 1)
		return KISCRM_OK;
	kiscrm_money collected, amount = kiscrm_record_int(rec, KISCRM_CONTRACT_AMOUNT);
	int rc = sum_collections(db, kiscrm_record_id(rec), 0, &collected);
	if (rc || amount >= collected)
		return rc;
	char a[32], c[32], id[24];
	fmt_money(a, db, amount);
	fmt_money(c, db, collected);
	snprintf(id, sizeof(id), "%lld", (long long)kiscrm_record_id(rec));
	return kc_error_set_at(KISCRM_ECONFLICT, NULL, 0, 0, "amount", a,
			       "contract %s: amount %s is less than the %s already collected "
			       "(set allow_over_collection to 1 to allow it)", id, a, c);
}

/* customer.first_contract: the earliest signing date of the customer's contracts. */
static int update_first_contract(kiscrm_db *db, const kiscrm_record *rec)
{
	kiscrm_date signed_on = (kiscrm_date)kiscrm_record_int(rec, KISCRM_CONTRACT_SIGNED);
	kiscrm_record *cust;
	int rc = kc_store_load(&cust, db, KISCRM_KIND_CUSTOMER, kiscrm_record_int(rec, KISCRM_CONTRACT_CUSTOMER_ID),
		      "contract", "customer_id");
	if (rc)
		return rc;
	if (kiscrm_record_is_null(cust, KISCRM_CUSTOMER_FIRST_CONTRACT) ||
	    kiscrm_record_int(cust, KISCRM_CUSTOMER_FIRST_CONTRACT) > signed_on) {
		kc_record_put_int(cust, KISCRM_CUSTOMER_FIRST_CONTRACT, signed_on);
		rc = kc_db_update(db, cust->def, cust->vals);
	}
	kiscrm_record_free(cust);
	return rc;
}

int kc_contract_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old)
{
	kiscrm_db *db = ctx->db;
	int rc;
	if (kiscrm_record_is_null(rec, KISCRM_CONTRACT_APPROVAL) &&
	    (rc = kc_record_put_text(rec, KISCRM_CONTRACT_APPROVAL, "draft")) != 0)
		return rc;
	if ((rc = kc_check_enum(rec, KISCRM_CONTRACT_APPROVAL, approvals)) != 0 ||
	    (rc = kc_contract_approval_check(ctx, rec, old)) != 0 || /* contract approval (合同审批) */
	    (rc = check_flag01(rec, KISCRM_CONTRACT_ALLOW_OVER_COLLECTION)) != 0 ||
	    (rc = check_amount(db, rec, KISCRM_CONTRACT_AMOUNT, 0)) != 0 ||
	    (rc = derive_department(db, rec)) != 0 ||
	    (rc = check_opportunity(db, rec)) != 0 ||
	    (rc = check_dim(db, rec, KISCRM_CONTRACT_BUSINESS_LINE, KISCRM_DIM_BUSINESS_LINE)) != 0 ||
	    (rc = check_dim(db, rec, KISCRM_CONTRACT_PRODUCT_LINE, KISCRM_DIM_PRODUCT_LINE)) != 0 ||
	    (rc = kc_service_contract_check(db, rec)) != 0)
		return rc;
	if (old && (rc = check_amount_covers_collections(db, rec)) != 0)
		return rc;
	/* Last: everything that can be refused has been checked (the store's remaining
	 * checks repeat ours), so the customer is not changed for a contract that fails. */
	for (int f = 1; f < rec->def->nfields; f++)
		if ((rec->def->fields[f].flags & KISCRM_FIELD_REQUIRED) &&
		    kiscrm_record_is_null(rec, KISCRM_FIELD_ID(rec->def->kind, f)))
			return KISCRM_OK; /* the store refuses it: leave the customer alone */
	return update_first_contract(db, rec);
}

/* --- collection plan ---------------------------------------------------------------- */

static int opportunity_is_open(kiscrm_db *db, kiscrm_id oid)
{
	kiscrm_record *opp;
	int rc = kc_store_load(&opp, db, KISCRM_KIND_OPPORTUNITY, oid, "collection_plan", "opportunity_id");
	if (rc)
		return rc;
	const char *status = kiscrm_record_text(opp, KISCRM_OPPORTUNITY_STATUS);
	if (status && strcmp(status, "open") != 0) {
		char idtext[24];
		snprintf(idtext, sizeof(idtext), "%lld", (long long)oid);
		rc = kc_error_set_at(KISCRM_ECONFLICT, NULL, 0, 0, "opportunity_id", idtext,
				     "collection_plan.opportunity_id: opportunity %s is %s; only an "
				     "open opportunity has a collection plan (plan the contract instead)",
				     idtext, status);
	}
	kiscrm_record_free(opp);
	return rc;
}

int kc_collection_plan_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old)
{
	kiscrm_db *db = ctx->db;
	(void)old;
	int has_c = !kiscrm_record_is_null(rec, KISCRM_COLLECTION_PLAN_CONTRACT_ID);
	int has_o = !kiscrm_record_is_null(rec, KISCRM_COLLECTION_PLAN_OPPORTUNITY_ID);
	if (has_c == has_o) {
		if (!has_c)
			return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "contract_id", NULL,
					       "collection_plan: one of contract_id and opportunity_id "
					       "must be set (neither is)");
		char c[24];
		snprintf(c, sizeof(c), "%lld",
			 (long long)kiscrm_record_int(rec, KISCRM_COLLECTION_PLAN_CONTRACT_ID));
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "contract_id", c,
				       "collection_plan: only one of contract_id and opportunity_id may "
				       "be set, not both (contract %s, opportunity %lld)", c,
				       (long long)kiscrm_record_int(rec, KISCRM_COLLECTION_PLAN_OPPORTUNITY_ID));
	}
	int rc = check_amount(db, rec, KISCRM_COLLECTION_PLAN_AMOUNT, 1);
	if (rc == 0)
		rc = kc_milestone_instalment_due(db, rec); /* an instalment on a milestone falls due with it */
	if (rc || !has_o)
		return rc;
	return opportunity_is_open(db, kiscrm_record_int(rec, KISCRM_COLLECTION_PLAN_OPPORTUNITY_ID));
}

/* A contract that refers to an opportunity takes over its collection plan: the won deal's
 * expected payments are the contract's now (the rolling budget would otherwise count
 * them on neither, or twice). Runs in the contract insert's transaction. */
int kc_contract_after_insert(const kc_write_ctx *ctx, const kiscrm_record *rec)
{
	if (kiscrm_record_is_null(rec, KISCRM_CONTRACT_OPPORTUNITY_ID))
		return KISCRM_OK;
	kiscrm_db *db = ctx->db;
	kiscrm_id opp = kiscrm_record_int(rec, KISCRM_CONTRACT_OPPORTUNITY_ID);
	kiscrm_cond c = { KISCRM_COLLECTION_PLAN_OPPORTUNITY_ID, KISCRM_OP_EQ, { KISCRM_TYPE_INT, { .i = opp } } };
	kiscrm_query q = { 1, &c, 1 };
	kc_idvec plans = KC_IDVEC_INIT;
	/* Ids first, changes after: never change a kind while scanning it. */
	int rc = kc_db_scan(db, &kc_collection_plan_def, &q, kc_idvec_collect, &plans);
	for (size_t i = 0; rc == 0 && i < plans.n; i++) {
		kiscrm_record *p = NULL;
		if ((rc = kiscrm_record_get(&p, db, KISCRM_KIND_COLLECTION_PLAN, plans.ids[i])) != 0)
			break;
		if ((rc = kiscrm_record_set_null(p, KISCRM_COLLECTION_PLAN_OPPORTUNITY_ID)) == 0 &&
		    (rc = kiscrm_record_set_int(p, KISCRM_COLLECTION_PLAN_CONTRACT_ID, kiscrm_record_id(rec))) == 0)
			rc = kc_store_update(ctx, p);
		kiscrm_record_free(p);
	}
	kc_idvec_free(&plans);
	return rc;
}

/* --- collection --------------------------------------------------------------------- */

int kc_collection_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old)
{
	kiscrm_db *db = ctx->db;
	(void)old;
	int rc = check_amount(db, rec, KISCRM_COLLECTION_AMOUNT, 1);
	if (rc || kiscrm_record_is_null(rec, KISCRM_COLLECTION_CONTRACT_ID) ||
	    kiscrm_record_is_null(rec, KISCRM_COLLECTION_AMOUNT))
		return rc;
	kiscrm_id cid = kiscrm_record_int(rec, KISCRM_COLLECTION_CONTRACT_ID);
	kiscrm_record *contract;
	if ((rc = kc_store_load(&contract, db, KISCRM_KIND_CONTRACT, cid, "collection", "contract_id")) != 0)
		return rc;
	kiscrm_money limit = kiscrm_record_int(contract, KISCRM_CONTRACT_AMOUNT);
	/* a collection is the partner's whose contract it pays */
	if (kiscrm_record_is_null(contract, KISCRM_CONTRACT_PARTNER_ID))
		kiscrm_record_set_null(rec, KISCRM_COLLECTION_PARTNER_ID);
	else
		kc_record_put_int(rec, KISCRM_COLLECTION_PARTNER_ID, kiscrm_record_int(contract, KISCRM_CONTRACT_PARTNER_ID));
	int allowed = kiscrm_record_int(contract, KISCRM_CONTRACT_ALLOW_OVER_COLLECTION) == 1;
	char number[64];
	const char *num = kiscrm_record_text(contract, KISCRM_CONTRACT_NUMBER);
	snprintf(number, sizeof(number), "%s%s%s", num ? " (" : "", num ? num : "", num ? ")" : "");
	kiscrm_record_free(contract);
	if (allowed)
		return KISCRM_OK;
	/* An update replaces its own old amount: leave the stored row out of the sum. */
	kiscrm_money amount = kiscrm_record_int(rec, KISCRM_COLLECTION_AMOUNT), total;
	if ((rc = sum_collections(db, cid, kiscrm_record_id(rec), &total)) != 0 ||
	    (rc = kc_money_add(&total, amount)) != 0 || total <= limit)
		return rc;
	char a[32], t[32], l[32], x[32], idtext[24];
	snprintf(idtext, sizeof(idtext), "%lld", (long long)cid);
	fmt_money(a, db, amount);
	return kc_error_set_at(KISCRM_ECONFLICT, NULL, 0, 0, "amount", a,
			       "over-collection on contract %s%s: collecting %s brings the collections "
			       "to %s, over the contract amount of %s by %s (set the contract's "
			       "allow_over_collection to 1 to allow it)",
			       idtext, number, a, fmt_money(t, db, total), fmt_money(l, db, limit),
			       fmt_money(x, db, total - limit));
}

/* --- per-contract and per-customer figures ----------------------------------------- */

int kiscrm_contract_collected(kiscrm_money *out, kiscrm_db *db, kiscrm_id contract_id)
{
	int rc = kc_check_db(db);
	if (rc)
		return rc;
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "output pointer is NULL");
	rc = contract_id > 0 ? kc_db_exists(db, &kc_contract_def, contract_id) : 0;
	if (rc < 0)
		return rc;
	if (rc == 0)
		return kc_error_set(KISCRM_ENOTFOUND, "contract %lld does not exist", (long long)contract_id);
	return sum_collections(db, contract_id, 0, out);
}

int kiscrm_contract_receivable(kiscrm_money *out, kiscrm_db *db, kiscrm_id contract_id)
{
	int rc = kc_check_db(db);
	if (rc)
		return rc;
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "output pointer is NULL");
	kiscrm_record *c;
	if ((rc = kc_store_load(&c, db, KISCRM_KIND_CONTRACT, contract_id, NULL, NULL)) != 0)
		return rc;
	kiscrm_money amount = kiscrm_record_int(c, KISCRM_CONTRACT_AMOUNT), collected;
	kiscrm_record_free(c);
	if ((rc = sum_collections(db, contract_id, 0, &collected)) != 0 ||
	    (rc = kc_money_add(&amount, -collected)) != 0)
		return rc;
	*out = amount;
	return KISCRM_OK;
}

typedef struct {
	kiscrm_id *ids;
	kiscrm_money *amounts;
	size_t n, cap;
} contract_list;

static int contract_list_cb(void *payload, const kiscrm_value *row)
{
	contract_list *l = payload;
	const kiscrm_value *ap = &row[KC_FI(KISCRM_CONTRACT_APPROVAL)];
	if (ap->type == KISCRM_TYPE_TEXT && strcmp(ap->u.s, "rejected") == 0)
		return 0;
	if (l->n == l->cap) {
		size_t cap = kc_vec_next_cap(l->cap, 8);
		if (KC_VEC_RESIZE(l->ids, cap) || KC_VEC_RESIZE(l->amounts, cap))
			return KISCRM_ENOMEM;
		l->cap = cap;
	}
	l->ids[l->n] = row[0].u.i;
	l->amounts[l->n++] = row[KC_FI(KISCRM_CONTRACT_AMOUNT)].type == KISCRM_TYPE_NULL
				     ? 0 : row[KC_FI(KISCRM_CONTRACT_AMOUNT)].u.i;
	return 0;
}

int kiscrm_customer_receivable(kiscrm_money *out, kiscrm_db *db, kiscrm_id customer_id)
{
	int rc = kc_check_db(db);
	if (rc)
		return rc;
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "output pointer is NULL");
	rc = customer_id > 0 ? kc_db_exists(db, &kc_customer_def, customer_id) : 0;
	if (rc < 0)
		return rc;
	if (rc == 0)
		return kc_error_set(KISCRM_ENOTFOUND, "customer %lld does not exist", (long long)customer_id);
	kiscrm_cond c = { KISCRM_CONTRACT_CUSTOMER_ID, KISCRM_OP_EQ, { KISCRM_TYPE_INT, { .i = customer_id } } };
	kiscrm_query q = { 1, &c, 1u | KC_BIT(KISCRM_CONTRACT_AMOUNT) | KC_BIT(KISCRM_CONTRACT_APPROVAL) };
	contract_list l = { NULL, NULL, 0, 0 };
	kiscrm_money total = 0;
	rc = kc_db_scan(db, &kc_contract_def, &q, contract_list_cb, &l);
	/* A customer has a handful of contracts: one small query each is fine. */
	for (size_t i = 0; rc == 0 && i < l.n; i++) {
		kiscrm_money collected;
		if ((rc = sum_collections(db, l.ids[i], 0, &collected)) == 0 &&
		    (rc = kc_money_add(&total, l.amounts[i])) == 0)
			rc = kc_money_add(&total, -collected);
	}
	free(l.ids);
	free(l.amounts);
	if (rc == 0)
		*out = total;
	return rc;
}

/* --- replacing a contract's plan ---------------------------------------------------- */

/* Whose plan: a contract's or an (open) opportunity's. */
typedef struct plan_owner {
	kiscrm_kind kind;
	const char *name;         /* "contract" or "opportunity", for messages */
	kiscrm_field plan_field;  /* the collection plan's reference to it */
	kiscrm_field amount_field;
	kiscrm_id id;
} plan_owner;

static int check_instalments(kiscrm_db *db, const plan_owner *o, kiscrm_money total, const kiscrm_date *due,
			     const kiscrm_money *amounts, size_t n, unsigned int flags)
{
	kiscrm_money sum = 0;
	char m[32], s[32];
	for (size_t i = 0; i < n; i++) {
		if (due[i] == KISCRM_DATE_NONE)
			return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "due", NULL,
					       "instalment %zu of %s %lld has no due date", i + 1, o->name,
					       (long long)o->id);
		if (amounts[i] <= 0)
			return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "amount",
					       fmt_money(m, db, amounts[i]),
					       "instalment %zu of %s %lld: amount must be greater "
					       "than 0, not %s", i + 1, o->name, (long long)o->id, m);
		int rc = kc_money_add(&sum, amounts[i]);
		if (rc)
			return rc;
	}
	if (sum == total || ((flags & KISCRM_PLAN_ALLOW_LESS) && sum < total))
		return KISCRM_OK;
	fmt_money(m, db, total);
	fmt_money(s, db, sum);
	return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "amount", s,
			       "the instalments of %s %lld add up to %s, %s the %s amount of %s", o->name,
			       (long long)o->id, s,
			       sum > total ? "more than" : "less than (without KISCRM_PLAN_ALLOW_LESS)", o->name, m);
}

static int replace_plan(kiscrm_db *db, const plan_owner *o, const kiscrm_date *due, const kiscrm_money *amounts,
			size_t n)
{
	const kiscrm_kind_def *def = &kc_collection_plan_def;
	kiscrm_cond c = { (int)o->plan_field, KISCRM_OP_EQ, { KISCRM_TYPE_INT, { .i = o->id } } };
	kiscrm_query q = { 1, &c, 1 };
	kc_idvec old = KC_IDVEC_INIT;
	/* Ids first, removals after: never change a kind while scanning it. */
	int rc = kc_db_scan(db, def, &q, kc_idvec_collect, &old);
	for (size_t i = 0; rc == 0 && i < old.n; i++)
		rc = kc_db_remove(db, def, old.ids[i]);
	kc_idvec_free(&old);
	kiscrm_record *r = NULL;
	if (rc == 0)
		rc = kc_record_new(&r, def);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		kc_record_set_id(r, 0);
		kc_record_put_int(r, o->plan_field, o->id);
		kc_record_put_int(r, KISCRM_COLLECTION_PLAN_DUE, due[i]);
		kc_record_put_int(r, KISCRM_COLLECTION_PLAN_AMOUNT, amounts[i]);
		rc = kiscrm_record_insert(db, r);
	}
	kiscrm_record_free(r);
	return rc;
}

/* The plan is checked against the owner's amount read inside the transaction that
 * replaces it: a concurrent change of the amount cannot slip in between. */
static int replace_plan_locked(kiscrm_db *db, const plan_owner *o, const kiscrm_date *due,
			       const kiscrm_money *amounts, size_t n, unsigned int flags)
{
	kiscrm_record *rec;
	int rc = kc_store_load(&rec, db, o->kind, o->id, NULL, NULL);
	if (rc)
		return rc;
	if (o->kind == KISCRM_KIND_OPPORTUNITY) {
		const char *status = kiscrm_record_text(rec, KISCRM_OPPORTUNITY_STATUS);
		if (status && strcmp(status, "open") != 0)
			rc = kc_error_set(KISCRM_ECONFLICT, "opportunity %lld is %s; only an open opportunity has a "
					  "collection plan (plan its contract instead)", (long long)o->id, status);
		else if (kiscrm_record_is_null(rec, KISCRM_OPPORTUNITY_AMOUNT))
			rc = kc_error_set(KISCRM_EINVALID, "opportunity %lld has no amount to plan the "
					  "collections of", (long long)o->id);
	}
	kiscrm_money amount = kiscrm_record_int(rec, o->amount_field);
	kiscrm_record_free(rec);
	if (rc || (rc = check_instalments(db, o, amount, due, amounts, n, flags)) != 0)
		return rc;
	return replace_plan(db, o, due, amounts, n);
}

static int plan_instalments(kiscrm_db *db, const plan_owner *o, const kiscrm_date *due,
			    const kiscrm_money *amounts, size_t n, unsigned int flags)
{
	int rc = kc_check_db(db);
	if (rc)
		return rc;
	if (n > 0 && (!due || !amounts))
		return kc_error_set(KISCRM_EINVALID, "instalment arrays are NULL (n = %zu)", n);
	if (flags & ~KISCRM_PLAN_ALLOW_LESS)
		return kc_error_set(KISCRM_EINVALID, "unknown plan flags 0x%x", flags);
	if ((rc = kc_tx_begin(db)) != 0)
		return rc;
	return kc_tx_end(db, replace_plan_locked(db, o, due, amounts, n, flags));
}

int kiscrm_contract_plan_instalments(kiscrm_db *db, kiscrm_id contract_id, const kiscrm_date *due,
				     const kiscrm_money *amounts, size_t n, unsigned int flags)
{
	plan_owner o = { KISCRM_KIND_CONTRACT, "contract", KISCRM_COLLECTION_PLAN_CONTRACT_ID,
			 KISCRM_CONTRACT_AMOUNT, contract_id };
	return plan_instalments(db, &o, due, amounts, n, flags);
}

int kiscrm_opportunity_plan_instalments(kiscrm_db *db, kiscrm_id opportunity_id, const kiscrm_date *due,
					const kiscrm_money *amounts, size_t n, unsigned int flags)
{
	plan_owner o = { KISCRM_KIND_OPPORTUNITY, "opportunity", KISCRM_COLLECTION_PLAN_OPPORTUNITY_ID,
			 KISCRM_OPPORTUNITY_AMOUNT, opportunity_id };
	return plan_instalments(db, &o, due, amounts, n, flags);
}
