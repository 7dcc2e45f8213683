/* Contract approval as the contract's rules see it.
 *
 * The rule for `approval`: a contract may be first stored in any approval state — it
 * records an approval given before the record reached this database (an import from
 * another system, a migration, the demo's history). From then on `approval` becomes
 * pending only by kiscrm_contract_submit and approved only when an approved contract
 * approval covers the current amount (kiscrm_approval_decide writes one), so a signer's
 * limit cannot be stepped around by writing the field. Guarded fields (amount,
 * payment_terms) are locked while an approval is pending; changing one after approval
 * supersedes that approval and puts the contract back to draft. */
#include "pricing/guard.h"
#include "pricing/kinds.h"
#include "pricing/pricing_internal.h"
#include "core/error.h"
#include "kiscrm/money.h"
#include "kiscrm/money_flow.h"
#include "kiscrm/pricing.h"

#include <stdio.h>
#include <string.h>

static int same_text(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* The first guarded field whose value differs from the stored one, or NULL. */
static const char *changed_guarded(const kiscrm_record *rec, const kiscrm_record *old)
{
	if (kiscrm_record_is_null(rec, KISCRM_CONTRACT_AMOUNT) != kiscrm_record_is_null(old, KISCRM_CONTRACT_AMOUNT) ||
	    kiscrm_record_int(rec, KISCRM_CONTRACT_AMOUNT) != kiscrm_record_int(old, KISCRM_CONTRACT_AMOUNT))
		return "amount";
	if (!same_text(kiscrm_record_text(rec, KISCRM_CONTRACT_PAYMENT_TERMS), kiscrm_record_text(old, KISCRM_CONTRACT_PAYMENT_TERMS)))
		return "payment_terms";
	return NULL;
}

static int refuse_locked(kiscrm_db *db, kiscrm_id cid, const char *field)
{
	kiscrm_id ap = 0;
	int rc = kc_approval_find(db, KISCRM_APPROVAL_CONTRACT_ID, cid, "pending", &ap, NULL);
	if (rc < 0)
		return rc;
	return kc_error_set_at(KISCRM_ECONFLICT, NULL, 0, 0, field, NULL,
			       "contract.%s: contract %lld is pending contract approval %lld; amount, payment_terms "
			       "and approval are locked until the approval is decided (kiscrm_approval_decide)",
			       field, (long long)cid, (long long)ap);
}

/* approval=approved written on a stored contract: only with an approved approval of the
 * current amount behind it. */
static int require_covering_approval(kiscrm_db *db, const kiscrm_record *rec)
{
	kiscrm_id cid = kiscrm_record_id(rec), ap = 0;
	kiscrm_money approved_amount = 0, amount = kiscrm_record_int(rec, KISCRM_CONTRACT_AMOUNT);
	int rc = kc_approval_find(db, KISCRM_APPROVAL_CONTRACT_ID, cid, "approved", &ap, &approved_amount);
	if (rc < 0)
		return rc;
	if (rc == 1 && approved_amount == amount)
		return KISCRM_OK;
	char text[32];
	if (kiscrm_money_format(text, sizeof(text), amount, db->money_decimals, 0) < 0)
		snprintf(text, sizeof(text), "%lld", (long long)amount);
	return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "approval", "approved",
			       "contract.approval: no contract approval covers contract %lld's amount %s; submit it "
			       "(kiscrm_contract_submit) and have it decided by a role whose max_contract covers it "
			       "(kiscrm_approval_decide) — 'approved' is taken as given only when a contract is first stored",
			       (long long)cid, text);
}

int kc_contract_approval_check(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old)
{
	if (!old || (ctx->flags & (KC_WRITE_APPROVAL | KC_WRITE_NO_AFTER)))
		return KISCRM_OK;
	kiscrm_db *db = ctx->db;
	kiscrm_id cid = kiscrm_record_id(rec);
	const char *was = kiscrm_record_text(old, KISCRM_CONTRACT_APPROVAL);
	const char *now = kiscrm_record_text(rec, KISCRM_CONTRACT_APPROVAL);
	const char *field = changed_guarded(rec, old);
	int rc;
	if (kc_is(was, "pending")) {
		if (field || !kc_is(now, "pending"))
			return refuse_locked(db, cid, field ? field : "approval");
		return KISCRM_OK;
	}
	if (!same_text(was, now)) {
		if (kc_is(now, "pending"))
			return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "approval", now,
					       "contract.approval: a contract becomes pending by kiscrm_contract_submit");
		if (kc_is(now, "approved") && (rc = require_covering_approval(db, rec)) != 0)
			return rc;
	}
	if (!kc_is(was, "approved") || (!field && kc_is(now, "approved")))
		return KISCRM_OK;
	/* an approved contract changed: what was approved is no longer what it says */
	if ((rc = kc_approval_supersede(db, KISCRM_APPROVAL_CONTRACT_ID, cid)) != 0)
		return rc;
	return kc_is(now, "approved") ? kc_record_put_text(rec, KISCRM_CONTRACT_APPROVAL, "draft") : KISCRM_OK;
}
