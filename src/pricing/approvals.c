/* The approval workflow: submitting a quote or a contract (a pending approval with the
 * required role, the rule in force and a snapshot of the guarded values) and deciding it as
 * the handle's actor within the limits of their role. Each call is one transaction and
 * writes nothing when refused. */
#include "pricing/kinds.h"
#include "pricing/pricing_internal.h"
#include "core/buf.h"
#include "core/error.h"
#include "kiscrm/money.h"
#include "kiscrm/money_flow.h"
#include "kiscrm/org.h"
#include "kiscrm/pricing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int require_time(kiscrm_time at, const char *what)
{
	if (at != 0)
		return KISCRM_OK;
	return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "at", "0",
			       "%s: give the time (the library reads no clock)", what);
}

/* A subject may be submitted from draft or rejected (NULL reads as draft). */
static int require_submittable(const char *status, const char *kind, kiscrm_id id)
{
	if (!status || kc_is(status, "draft") || kc_is(status, "rejected"))
		return KISCRM_OK;
	return kc_error_set(KISCRM_ECONFLICT, "%s %lld is %s: only a draft or rejected %s is submitted", kind,
			    (long long)id, status, kind);
}

/* The new pending approval, stored with the workflow's flag. */
static int store_pending(kiscrm_id *out, kiscrm_db *db, kiscrm_record *a, kiscrm_time at)
{
	kc_write_ctx ctx = kc_write_ctx_of(db);
	ctx.flags |= KC_WRITE_APPROVAL;
	ctx.at = at;
	int rc = kc_record_put_text(a, KISCRM_APPROVAL_STATUS, "pending");
	kc_record_put_int(a, KISCRM_APPROVAL_SUBMITTED, at);
	if (db->actor)
		kc_record_put_int(a, KISCRM_APPROVAL_SUBMITTED_BY_ID, db->actor);
	if (rc == 0)
		rc = kc_store_insert(&ctx, a);
	if (rc == 0 && out)
		*out = kiscrm_record_id(a);
	return rc;
}

/* Sets the subject's workflow field (quote.status, contract.approval). */
static int set_subject(kiscrm_db *db, int kind, kiscrm_id id, const char *value, kiscrm_time at)
{
	kiscrm_record *r;
	int rc = kiscrm_record_new(&r, kind);
	if (rc)
		return rc;
	kc_write_ctx ctx = kc_write_ctx_of(db);
	ctx.flags |= KC_WRITE_APPROVAL;
	ctx.at = at;
	kc_record_set_id(r, id);
	rc = kiscrm_record_set_text(r, kind == KISCRM_KIND_QUOTE ? KISCRM_QUOTE_STATUS : KISCRM_CONTRACT_APPROVAL, value);
	if (rc == 0)
		rc = kc_store_update(&ctx, r);
	kiscrm_record_free(r);
	return rc;
}

/* --- quotes ------------------------------------------------------------------------------ */

static int quote_submit(kiscrm_id *out, kiscrm_db *db, kiscrm_id quote_id, kiscrm_time at)
{
	kiscrm_record *q = NULL, *a = NULL;
	kc_qlines lines = { 0 };
	kc_price_line *pl = NULL;
	kiscrm_buf rule = KISCRM_BUF_INIT;
	int rc = kc_store_load(&q, db, KISCRM_KIND_QUOTE, quote_id, "quote", NULL);
	if (rc == 0)
		rc = require_submittable(kiscrm_record_text(q, KISCRM_QUOTE_STATUS), "quote", quote_id);
	if (rc == 0)
		rc = kc_qlines_load(&lines, db, quote_id, 0);
	if (rc == 0 && lines.n == 0)
		rc = kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "quote_id", NULL,
				     "quote %lld has no lines: nothing to approve", (long long)quote_id);
	if (rc == 0)
		rc = kc_qlines_price(&pl, &lines);
	int role = rc == 0 ? kc_quote_required_role(db->config, pl, lines.n) : -1;
	if (rc == 0 && role < 0)
		rc = kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "discount_bp", NULL,
				     "quote %lld: no role of roles.yaml may approve its discounts (largest %lld bp)",
				     (long long)quote_id, (long long)kiscrm_record_int(q, KISCRM_QUOTE_MAX_DISCOUNT_BP));
	if (rc == 0)
		rc = kc_quote_rule(&rule, db->config, role, pl, lines.n);
	if (rc == 0)
		rc = kiscrm_record_new(&a, KISCRM_KIND_APPROVAL);
	if (rc == 0 && (rc = kc_record_put_text(a, KISCRM_APPROVAL_SUBJECT, "quote")) == 0 &&
	    (rc = kc_record_put_text(a, KISCRM_APPROVAL_REQUIRED_ROLE, kiscrm_config_role_key(db->config, (size_t)role))) == 0 &&
	    (rc = kc_record_put_text(a, KISCRM_APPROVAL_RULE, rule.ptr ? rule.ptr : "")) == 0) {
		kc_record_put_int(a, KISCRM_APPROVAL_QUOTE_ID, quote_id);
		kc_record_put_int(a, KISCRM_APPROVAL_AMOUNT, kiscrm_record_int(q, KISCRM_QUOTE_NET_TOTAL));
		kc_record_put_int(a, KISCRM_APPROVAL_MAX_DISCOUNT_BP, kiscrm_record_int(q, KISCRM_QUOTE_MAX_DISCOUNT_BP));
		rc = store_pending(out, db, a, at);
	}
	if (rc == 0)
		rc = set_subject(db, KISCRM_KIND_QUOTE, quote_id, "pending", at);
	kiscrm_buf_dispose(&rule);
	free(pl);
	kc_qlines_free(&lines);
	kiscrm_record_free(a);
	kiscrm_record_free(q);
	return rc;
}

int kiscrm_quote_submit(kiscrm_id *approval_id, kiscrm_db *db, kiscrm_id quote_id, kiscrm_time at)
{
	int rc = kc_check_db(db);
	if (rc || (rc = require_time(at, "kiscrm_quote_submit")) != 0 || (rc = kc_tx_begin(db)) != 0)
		return rc;
	return kc_tx_end(db, quote_submit(approval_id, db, quote_id, at));
}

/* --- contracts --------------------------------------------------------------------------- */

static int contract_submit(kiscrm_id *out, kiscrm_db *db, kiscrm_id contract_id, kiscrm_time at)
{
	kiscrm_record *c = NULL, *a = NULL;
	kiscrm_buf rule = KISCRM_BUF_INIT;
	int rc = kc_store_load(&c, db, KISCRM_KIND_CONTRACT, contract_id, "contract", NULL);
	if (rc == 0)
		rc = require_submittable(kiscrm_record_text(c, KISCRM_CONTRACT_APPROVAL), "contract", contract_id);
	kiscrm_money amount = rc == 0 ? kiscrm_record_int(c, KISCRM_CONTRACT_AMOUNT) : 0;
	int role = rc == 0 ? kc_contract_required_role(db->config, amount) : -1;
	if (rc == 0 && role < 0)
		rc = kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "amount", NULL,
				     "contract %lld: no role of roles.yaml may sign its amount", (long long)contract_id);
	if (rc == 0)
		rc = kc_contract_rule(&rule, db->config, role, amount);
	if (rc == 0)
		rc = kiscrm_record_new(&a, KISCRM_KIND_APPROVAL);
	const char *terms = rc == 0 ? kiscrm_record_text(c, KISCRM_CONTRACT_PAYMENT_TERMS) : NULL;
	if (rc == 0 && (rc = kc_record_put_text(a, KISCRM_APPROVAL_SUBJECT, "contract")) == 0 &&
	    (rc = kc_record_put_text(a, KISCRM_APPROVAL_REQUIRED_ROLE, kiscrm_config_role_key(db->config, (size_t)role))) == 0 &&
	    (rc = kc_record_put_text(a, KISCRM_APPROVAL_RULE, rule.ptr ? rule.ptr : "")) == 0 &&
	    (!terms || (rc = kc_record_put_text(a, KISCRM_APPROVAL_TERMS, terms)) == 0)) {
		kc_record_put_int(a, KISCRM_APPROVAL_CONTRACT_ID, contract_id);
		kc_record_put_int(a, KISCRM_APPROVAL_AMOUNT, amount);
		rc = store_pending(out, db, a, at);
	}
	if (rc == 0)
		rc = set_subject(db, KISCRM_KIND_CONTRACT, contract_id, "pending", at);
	kiscrm_buf_dispose(&rule);
	kiscrm_record_free(a);
	kiscrm_record_free(c);
	return rc;
}

int kiscrm_contract_submit(kiscrm_id *approval_id, kiscrm_db *db, kiscrm_id contract_id, kiscrm_time at)
{
	int rc = kc_check_db(db);
	if (rc || (rc = require_time(at, "kiscrm_contract_submit")) != 0 || (rc = kc_tx_begin(db)) != 0)
		return rc;
	return kc_tx_end(db, contract_submit(approval_id, db, contract_id, at));
}

/* --- deciding ----------------------------------------------------------------------------- */

/* The approver: the handle's actor, their staff record's role (its index in roles.yaml). */
static int approver_role(int *role, kiscrm_db *db)
{
	if (!db->actor)
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "approver_id", NULL,
				       "approval: the approver is the handle's actor (kiscrm_db_set_actor); none is set");
	kiscrm_record *s;
	int rc = kc_store_load(&s, db, KISCRM_KIND_STAFF, db->actor, "approval", "approver_id");
	if (rc)
		return rc;
	const char *key = kiscrm_record_text(s, KISCRM_STAFF_ROLE);
	*role = -1;
	for (size_t i = 0; key && i < kiscrm_config_role_count(db->config); i++)
		if (strcmp(kiscrm_config_role_key(db->config, i), key) == 0)
			*role = (int)i;
	if (*role < 0)
		rc = kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "approver_id", key,
				     "approval: staff %lld's role '%s' is not a role of roles.yaml", (long long)db->actor,
				     key ? key : "");
	kiscrm_record_free(s);
	return rc;
}

/* Whether role @r covers the quote's lines as they stand; the error names the first line
 * it does not cover. */
static int authority_quote(kiscrm_db *db, int r, kiscrm_id quote_id)
{
	kc_qlines lines;
	int rc = kc_qlines_load(&lines, db, quote_id, 0);
	for (size_t i = 0; rc == 0 && i < lines.n; i++) {
		const char *line = lines.v[i].product_line;
		if (kc_role_covers_discount(db->config, (size_t)r, line, lines.v[i].discount_bp))
			continue;
		char d[24], l[24];
		rc = kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "approver_id", kiscrm_config_role_key(db->config, (size_t)r),
				     "approval: %s may approve %s on %s, not the %s of quote %lld line %lld",
				     kiscrm_config_role_key(db->config, (size_t)r),
				     kc_bp_text(l, kiscrm_config_role_max_discount_line_bp(db->config, (size_t)r, line)),
				     line ? line : "(no product line)", kc_bp_text(d, lines.v[i].discount_bp),
				     (long long)quote_id, (long long)lines.v[i].id);
	}
	kc_qlines_free(&lines);
	return rc;
}

static int authority_contract(kiscrm_db *db, int r, kiscrm_id contract_id)
{
	kiscrm_record *c;
	int rc = kc_store_load(&c, db, KISCRM_KIND_CONTRACT, contract_id, "approval", "contract_id");
	if (rc)
		return rc;
	kiscrm_money amount = kiscrm_record_int(c, KISCRM_CONTRACT_AMOUNT);
	kiscrm_record_free(c);
	if (kc_role_covers_amount(db->config, (size_t)r, amount))
		return KISCRM_OK;
	char a[32], l[32];
	kiscrm_money limit = kiscrm_config_role_max_contract(db->config, (size_t)r);
	int dec = kiscrm_config_currency_decimals(db->config);
	kiscrm_money_format(a, sizeof(a), amount, dec, 0);
	kiscrm_money_format(l, sizeof(l), limit, dec, 0);
	return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "approver_id", kiscrm_config_role_key(db->config, (size_t)r),
			       "approval: %s may sign contracts up to %s, not contract %lld's %s",
			       kiscrm_config_role_key(db->config, (size_t)r), l, (long long)contract_id, a);
}

static int decide(kiscrm_db *db, kiscrm_id id, const char *decision, const char *comment, const char *checklist,
		  kiscrm_time at)
{
	kiscrm_record *a;
	int r = -1;
	int rc = kc_store_load(&a, db, KISCRM_KIND_APPROVAL, id, "approval", NULL);
	if (rc)
		return rc;
	const char *status = kiscrm_record_text(a, KISCRM_APPROVAL_STATUS);
	int is_quote = !kiscrm_record_is_null(a, KISCRM_APPROVAL_QUOTE_ID);
	kiscrm_id subject = kiscrm_record_int(a, is_quote ? KISCRM_APPROVAL_QUOTE_ID : KISCRM_APPROVAL_CONTRACT_ID);
	if (!kc_is(status, "pending"))
		rc = kc_error_set(KISCRM_ECONFLICT, "approval %lld is %s, not pending: it was decided before",
				  (long long)id, status ? status : "without status");
	else if (!kc_is(decision, "approved") && !kc_is(decision, "rejected"))
		rc = kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "status", decision ? decision : "",
				     "approval: decision '%s' is not approved or rejected", decision ? decision : "(null)");
	else if (at < kiscrm_record_int(a, KISCRM_APPROVAL_SUBMITTED))
		rc = kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "decided", NULL,
				     "approval.decided: before the approval was submitted");
	if (rc == 0)
		rc = kc_checklist_check(checklist, !is_quote && kc_is(decision, "approved"));
	if (rc == 0)
		rc = approver_role(&r, db);
	if (rc == 0)
		rc = is_quote ? authority_quote(db, r, subject) : authority_contract(db, r, subject);
	/* the record first, the subject after: a contract's approved state is checked against
	 * the approved approval of its amount */
	if (rc == 0 && (rc = kc_record_put_text(a, KISCRM_APPROVAL_STATUS, decision)) == 0 &&
	    (rc = kc_record_put_text(a, KISCRM_APPROVAL_APPROVER_ROLE, kiscrm_config_role_key(db->config, (size_t)r))) == 0 &&
	    (rc = comment ? kc_record_put_text(a, KISCRM_APPROVAL_COMMENT, comment) : KISCRM_OK) == 0 &&
	    (rc = checklist ? kc_record_put_text(a, KISCRM_APPROVAL_CHECKLIST, checklist) : KISCRM_OK) == 0) {
		kc_write_ctx ctx = kc_write_ctx_of(db);
		ctx.flags |= KC_WRITE_APPROVAL;
		ctx.at = at;
		kc_record_put_int(a, KISCRM_APPROVAL_APPROVER_ID, db->actor);
		kc_record_put_int(a, KISCRM_APPROVAL_DECIDED, at);
		rc = kc_store_update(&ctx, a);
	}
	if (rc == 0)
		rc = set_subject(db, is_quote ? KISCRM_KIND_QUOTE : KISCRM_KIND_CONTRACT, subject, decision, at);
	kiscrm_record_free(a);
	return rc;
}

int kiscrm_approval_decide(kiscrm_db *db, kiscrm_id approval_id, const char *decision, const char *comment,
			   const char *checklist, kiscrm_time at)
{
	int rc = kc_check_db(db);
	if (rc || (rc = require_time(at, "kiscrm_approval_decide")) != 0 || (rc = kc_tx_begin(db)) != 0)
		return rc;
	return kc_tx_end(db, decide(db, approval_id, decision, comment, checklist, at));
}
