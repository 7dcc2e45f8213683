/* The rules of approval records, and finding and superseding a subject's approvals.
 * Approval records are the workflow's (submit, decide, supersede): a plain record write may
 * not make or change one — it would approve without authority — except records imported
 * as exported (KISCRM_IMPORT_RAW), which are history. */
#include "pricing/kinds.h"
#include "pricing/pricing_internal.h"
#include "core/error.h"
#include "core/field.h"
#include "core/idvec.h"
#include "core/str.h"
#include "kiscrm/money_flow.h"
#include "kiscrm/pricing.h"
#include "storage/checks.h"

#include <stdio.h>
#include <string.h>

static const char *const subjects[] = { "quote", "contract", NULL };

/* The contract checklist of the manual (合同审批: 范围, 项目风险, 资源, 法律条款, 交付周期,
 * 关键点), in that order. */
const char *const kc_checklist_items[] = { "scope", "risk", "resources", "legal", "delivery", "key_points", NULL };

int kc_checklist_check(const char *list, int need_all)
{
	int seen[6] = { 0 };
	const char *cur = list, *item;
	size_t len;
	while (kc_next_item(&cur, &item, &len)) {
		int k = 0;
		while (kc_checklist_items[k] && !(strlen(kc_checklist_items[k]) == len && memcmp(kc_checklist_items[k], item, len) == 0))
			k++;
		if (!kc_checklist_items[k])
			return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "checklist", list,
					       "approval.checklist: '%.*s' is not an item of the contract checklist (scope, "
					       "risk, resources, legal, delivery, key_points)", (int)len, item);
		seen[k] = 1;
	}
	for (int k = 0; need_all && kc_checklist_items[k]; k++)
		if (!seen[k])
			return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "checklist", list ? list : "",
					       "approval.checklist: '%s' is not checked; approving a contract needs all six "
					       "points (scope, risk, resources, legal, delivery, key_points)",
					       kc_checklist_items[k]);
	return KISCRM_OK;
}

int kc_approval_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old)
{
	(void)old;
	if (!(ctx->flags & (KC_WRITE_APPROVAL | KC_WRITE_NO_AFTER)))
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "status", NULL,
				       "approval records are made by kiscrm_quote_submit or kiscrm_contract_submit and "
				       "decided by kiscrm_approval_decide (records as exported come in with "
				       "KISCRM_IMPORT_RAW)");
	int rc;
	if ((rc = kc_check_enum(rec, KISCRM_APPROVAL_SUBJECT, subjects)) != 0 ||
	    (rc = kc_check_enum(rec, KISCRM_APPROVAL_STATUS, kc_approval_statuses)) != 0)
		return rc;
	const char *subject = kiscrm_record_text(rec, KISCRM_APPROVAL_SUBJECT);
	int is_quote = kc_is(subject, "quote");
	if (subject && (kiscrm_record_is_null(rec, KISCRM_APPROVAL_QUOTE_ID) == is_quote ||
			kiscrm_record_is_null(rec, KISCRM_APPROVAL_CONTRACT_ID) != is_quote))
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, is_quote ? "quote_id" : "contract_id", NULL,
				       "approval: a %s approval names its %s (%s_id) and nothing else", subject, subject,
				       subject);
	if (!kiscrm_record_is_null(rec, KISCRM_APPROVAL_DECIDED) && !kiscrm_record_is_null(rec, KISCRM_APPROVAL_SUBMITTED) &&
	    kiscrm_record_int(rec, KISCRM_APPROVAL_DECIDED) < kiscrm_record_int(rec, KISCRM_APPROVAL_SUBMITTED))
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "decided", NULL,
				       "approval.decided: before the approval was submitted");
	const char *status = kiscrm_record_text(rec, KISCRM_APPROVAL_STATUS);
	return kc_checklist_check(kiscrm_record_text(rec, KISCRM_APPROVAL_CHECKLIST),
				  !is_quote && kc_is(status, "approved") && !(ctx->flags & KC_WRITE_NO_AFTER));
}

/* Deleting a pending approval withdraws it: its subject is a draft again, not locked. */
int kc_approval_before_delete(kiscrm_db *db, kiscrm_id id)
{
	kiscrm_record *a, *s = NULL;
	int rc = kc_store_load(&a, db, KISCRM_KIND_APPROVAL, id, "approval", NULL);
	if (rc)
		return rc;
	if (kc_is(kiscrm_record_text(a, KISCRM_APPROVAL_STATUS), "pending")) {
		int is_quote = !kiscrm_record_is_null(a, KISCRM_APPROVAL_QUOTE_ID);
		int kind = is_quote ? KISCRM_KIND_QUOTE : KISCRM_KIND_CONTRACT;
		kiscrm_field sf = is_quote ? KISCRM_APPROVAL_QUOTE_ID : KISCRM_APPROVAL_CONTRACT_ID;
		rc = kc_store_load(&s, db, kind, kiscrm_record_int(a, sf), "approval", NULL);
		if (rc == 0 && (rc = kc_record_put_text(s, is_quote ? KISCRM_QUOTE_STATUS : KISCRM_CONTRACT_APPROVAL,
							 "draft")) == 0)
			rc = kc_db_update(db, s->def, s->vals);
		if (rc == KISCRM_ENOTFOUND)
			rc = KISCRM_OK; /* the subject is being deleted with it */
	}
	kiscrm_record_free(s);
	kiscrm_record_free(a);
	return rc;
}

typedef struct {
	const char *status;
	kiscrm_id id;
	kiscrm_money amount;
	kc_idvec ids; /* for supersede */
} find_ctx;

static int find_cb(void *payload, const kiscrm_value *row)
{
	find_ctx *f = payload;
	if (!kc_is(kc_val_text(&row[KC_FI(KISCRM_APPROVAL_STATUS)]), f->status))
		return 0;
	if (row[0].u.i > f->id) {
		f->id = row[0].u.i;
		f->amount = kc_val_int(&row[KC_FI(KISCRM_APPROVAL_AMOUNT)], 0);
	}
	return kc_idvec_collect(&f->ids, row);
}

/* Approvals are company-internal, but a contract a partner's principal may change still
 * has them: these reads are the rules' own, like the store's cascade reads, and see all. */
static int scan_subject(find_ctx *f, kiscrm_db *db, kiscrm_field subject_field, kiscrm_id subject)
{
	kiscrm_cond c = { subject_field, KISCRM_OP_EQ, { KISCRM_TYPE_INT, { .i = subject } } };
	kiscrm_query q = { 1, &c, 1u | KC_BIT(KISCRM_APPROVAL_STATUS) | KC_BIT(KISCRM_APPROVAL_AMOUNT) };
	kc_db_unscoped_enter(db);
	int rc = kc_db_scan(db, &kc_approval_def, &q, find_cb, f);
	kc_db_unscoped_leave(db);
	return rc;
}

int kc_approval_find(kiscrm_db *db, kiscrm_field subject_field, kiscrm_id subject, const char *status,
		     kiscrm_id *id, kiscrm_money *amount)
{
	find_ctx f = { status, 0, 0, KC_IDVEC_INIT };
	int rc = scan_subject(&f, db, subject_field, subject);
	kc_idvec_free(&f.ids);
	if (rc)
		return rc;
	*id = f.id;
	if (amount)
		*amount = f.amount;
	return f.id != 0;
}

int kc_approval_supersede(kiscrm_db *db, kiscrm_field subject_field, kiscrm_id subject)
{
	find_ctx f = { "approved", 0, 0, KC_IDVEC_INIT };
	int rc = scan_subject(&f, db, subject_field, subject);
	/* ids first, changes after: never change a kind while scanning it */
	for (size_t i = 0; rc == 0 && i < f.ids.n; i++) {
		kiscrm_record *a;
		kc_db_unscoped_enter(db);
		rc = kc_store_load(&a, db, KISCRM_KIND_APPROVAL, f.ids.ids[i], "approval", NULL);
		kc_db_unscoped_leave(db);
		if (rc)
			break;
		if ((rc = kc_record_put_text(a, KISCRM_APPROVAL_STATUS, "superseded")) == 0)
			rc = kc_db_update(db, a->def, a->vals);
		kiscrm_record_free(a);
	}
	kc_idvec_free(&f.ids);
	return rc;
}
