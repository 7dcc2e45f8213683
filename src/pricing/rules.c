/* The rules of the price list and quotes, run by the store inside the write's transaction:
 * a product of a configured product line at a list price ≥ 0 under a unique code; a quote
 * whose opportunity is its customer's and whose status only the approval workflow moves;
 * a quote line of a known product whose amounts and the quote's totals follow from it, and
 * which is locked while the quote's price approval is pending. */
#include "pricing/kinds.h"
#include "pricing/pricing_internal.h"
#include "core/error.h"
#include "core/field.h"
#include "kiscrm/config.h"
#include "kiscrm/pipeline.h"
#include "kiscrm/pricing.h"
#include "storage/checks.h"

#include <stdio.h>
#include <string.h>

static int write_is_workflow(const kc_write_ctx *ctx)
{
	return (ctx->flags & (KC_WRITE_APPROVAL | KC_WRITE_NO_AFTER)) != 0;
}

static const char *id_text(char buf[24], kiscrm_id id)
{
	snprintf(buf, 24, "%lld", (long long)id);
	return buf;
}

/* --- products ------------------------------------------------------------------------- */

typedef struct {
	kiscrm_id self, other;
} code_ctx;

static int code_cb(void *payload, const kiscrm_value *row)
{
	code_ctx *c = payload;
	if (row[0].u.i != c->self)
		c->other = row[0].u.i;
	return 0;
}

int kc_product_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old)
{
	(void)old;
	kiscrm_db *db = ctx->db;
	const char *line = kiscrm_record_text(rec, KISCRM_PRODUCT_PRODUCT_LINE);
	/* checked even where dimensions.yaml lists product lines as suggestions: approval
	 * limits are configured per product line, so a line must be one of them */
	if (line && kiscrm_config_dim_find(db->config, KISCRM_DIM_PRODUCT_LINE, line) < 0)
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "product_line", line,
				       "product.product_line: '%s' is not a product line of dimensions.yaml", line);
	if (!kiscrm_record_is_null(rec, KISCRM_PRODUCT_LIST_PRICE) && kiscrm_record_int(rec, KISCRM_PRODUCT_LIST_PRICE) < 0)
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "list_price", NULL, "product.list_price is negative");
	if (kiscrm_record_is_null(rec, KISCRM_PRODUCT_ACTIVE))
		kc_record_put_int(rec, KISCRM_PRODUCT_ACTIVE, 1);
	int64_t active = kiscrm_record_int(rec, KISCRM_PRODUCT_ACTIVE);
	if (active != 0 && active != 1)
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "active", NULL, "product.active: %lld is not 0 or 1",
				       (long long)active);
	const char *code = kiscrm_record_text(rec, KISCRM_PRODUCT_CODE);
	if (!code)
		return KISCRM_OK;
	kiscrm_cond c = { KISCRM_PRODUCT_CODE, KISCRM_OP_EQ, { KISCRM_TYPE_TEXT, { .s = (char *)code } } };
	kiscrm_query q = { 1, &c, 1 };
	code_ctx cc = { kiscrm_record_id(rec), 0 };
	int rc = kc_db_scan(db, &kc_product_def, &q, code_cb, &cc);
	if (rc == 0 && cc.other) {
		char other[24];
		rc = kc_error_set_at(KISCRM_EEXISTS, NULL, 0, 0, "code", code,
				     "product.code: '%s' is already product %s's", code, id_text(other, cc.other));
	}
	return rc;
}

/* --- quotes ----------------------------------------------------------------------------- */

static int check_quote_opportunity(kiscrm_db *db, const kiscrm_record *rec)
{
	if (kiscrm_record_is_null(rec, KISCRM_QUOTE_OPPORTUNITY_ID) || kiscrm_record_is_null(rec, KISCRM_QUOTE_CUSTOMER_ID))
		return KISCRM_OK;
	kiscrm_id oid = kiscrm_record_int(rec, KISCRM_QUOTE_OPPORTUNITY_ID);
	kiscrm_id cust = kiscrm_record_int(rec, KISCRM_QUOTE_CUSTOMER_ID);
	kiscrm_record *opp;
	int rc = kc_store_load(&opp, db, KISCRM_KIND_OPPORTUNITY, oid, "quote", "opportunity_id");
	if (rc)
		return rc;
	if (kiscrm_record_is_null(opp, KISCRM_OPPORTUNITY_CUSTOMER_ID) ||
	    kiscrm_record_int(opp, KISCRM_OPPORTUNITY_CUSTOMER_ID) != cust) {
		char text[24];
		rc = kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "opportunity_id", id_text(text, oid),
				     "quote.opportunity_id: opportunity %s is not customer %lld's", text, (long long)cust);
	}
	kiscrm_record_free(opp);
	return rc;
}

/* The derived fields (totals, required role) are the lines' to set: a direct write keeps
 * the stored ones, a new quote starts without lines. Records imported as exported keep
 * theirs (their lines follow and recompute them anyway). */
static void keep_derived(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old)
{
	static const kiscrm_field derived[] = { KISCRM_QUOTE_LIST_TOTAL, KISCRM_QUOTE_NET_TOTAL,
						KISCRM_QUOTE_MAX_DISCOUNT_BP, KISCRM_QUOTE_REQUIRED_ROLE };
	if (ctx->flags & KC_WRITE_NO_AFTER)
		return;
	for (size_t i = 0; i < sizeof(derived) / sizeof(derived[0]); i++) {
		if (old) {
			kc_record_copy_at(rec, old, KC_FI(derived[i]));
		} else if (derived[i] == KISCRM_QUOTE_REQUIRED_ROLE) {
			kiscrm_record_set_null(rec, derived[i]);
		} else {
			kc_record_put_int(rec, derived[i], 0);
		}
	}
}

int kc_quote_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old)
{
	int rc;
	if (kiscrm_record_is_null(rec, KISCRM_QUOTE_STATUS) &&
	    (rc = kc_record_put_text(rec, KISCRM_QUOTE_STATUS, kc_quote_statuses[0])) != 0)
		return rc;
	if ((rc = kc_check_enum(rec, KISCRM_QUOTE_STATUS, kc_quote_statuses)) != 0)
		return rc;
	const char *status = kiscrm_record_text(rec, KISCRM_QUOTE_STATUS);
	const char *was = old ? kiscrm_record_text(old, KISCRM_QUOTE_STATUS) : "draft";
	if (!write_is_workflow(ctx) && strcmp(status, was ? was : "draft") != 0)
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "status", status,
				       "quote.status: '%s' is set by the approval workflow (kiscrm_quote_submit, "
				       "kiscrm_approval_decide), not by a record write", status);
	keep_derived(ctx, rec, old);
	if (!kiscrm_record_is_null(rec, KISCRM_QUOTE_VALID_UNTIL) && !kiscrm_record_is_null(rec, KISCRM_QUOTE_DATE) &&
	    kiscrm_record_int(rec, KISCRM_QUOTE_VALID_UNTIL) < kiscrm_record_int(rec, KISCRM_QUOTE_DATE))
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "valid_until", NULL,
				       "quote.valid_until: before the quote's date");
	return check_quote_opportunity(ctx->db, rec);
}

/* Deleting a quote withdraws it: its lines (deleted with it) are no longer locked by a
 * pending approval, and its approvals go with it. */
int kc_quote_before_delete(kiscrm_db *db, kiscrm_id id)
{
	kiscrm_record *q;
	int rc = kc_store_load(&q, db, KISCRM_KIND_QUOTE, id, "quote", NULL);
	if (rc == 0 && (rc = kc_record_put_text(q, KISCRM_QUOTE_STATUS, "draft")) == 0)
		rc = kc_db_update(db, q->def, q->vals);
	kiscrm_record_free(q);
	return rc;
}

/* --- quote lines ------------------------------------------------------------------------ */

/* The first guarded field of a line that differs from the stored line (all of them for a
 * new line: adding a line changes the quote). NULL when none. */
static const char *changed_guarded(const kiscrm_record *rec, const kiscrm_record *old)
{
	static const kiscrm_field guarded[] = { KISCRM_QUOTE_LINE_DISCOUNT_BP, KISCRM_QUOTE_LINE_QUANTITY,
						KISCRM_QUOTE_LINE_LIST_PRICE, KISCRM_QUOTE_LINE_PRODUCT_ID };
	if (!old)
		return "quote_id";
	for (size_t i = 0; i < sizeof(guarded) / sizeof(guarded[0]); i++) {
		kiscrm_field f = guarded[i];
		if (kiscrm_record_is_null(rec, f) != kiscrm_record_is_null(old, f) ||
		    kiscrm_record_int(rec, f) != kiscrm_record_int(old, f))
			return rec->def->fields[KC_FI(f)].name;
	}
	return NULL;
}

/* A change of a guarded value of quote @q (read by the caller): refused while its approval
 * is pending; after a decision the quote needs approval again (an approved one's approval
 * is superseded). *status is the quote's status after the change. */
static int guard_quote(kiscrm_db *db, const kiscrm_record *q, const char *field, const char **status)
{
	kiscrm_id qid = kiscrm_record_id(q);
	const char *s = kiscrm_record_text(q, KISCRM_QUOTE_STATUS);
	*status = NULL;
	if (kc_is(s, "pending")) {
		kiscrm_id ap = 0;
		int rc = kc_approval_find(db, KISCRM_APPROVAL_QUOTE_ID, qid, "pending", &ap, NULL);
		if (rc < 0)
			return rc;
		return kc_error_set_at(KISCRM_ECONFLICT, NULL, 0, 0, field, NULL,
				       "quote_line.%s: quote %lld is pending price approval %lld; its lines are "
				       "locked until the approval is decided", field, (long long)qid, (long long)ap);
	}
	if (kc_is(s, "approved")) {
		int rc = kc_approval_supersede(db, KISCRM_APPROVAL_QUOTE_ID, qid);
		if (rc)
			return rc;
	}
	if (kc_is(s, "approved") || kc_is(s, "rejected"))
		*status = "draft";
	return KISCRM_OK;
}

static int check_line_values(kiscrm_record *rec)
{
	if (kiscrm_record_is_null(rec, KISCRM_QUOTE_LINE_DISCOUNT_BP))
		kc_record_put_int(rec, KISCRM_QUOTE_LINE_DISCOUNT_BP, 0);
	int64_t bp = kiscrm_record_int(rec, KISCRM_QUOTE_LINE_DISCOUNT_BP);
	char text[24];
	if (bp < 0 || bp > 10000)
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "discount_bp", id_text(text, bp),
				       "quote_line.discount_bp: %s is not 0 … 10000 basis points (100 bp = 1%%)", text);
	if (!kiscrm_record_is_null(rec, KISCRM_QUOTE_LINE_QUANTITY) && kiscrm_record_int(rec, KISCRM_QUOTE_LINE_QUANTITY) < 1)
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "quantity",
				       id_text(text, kiscrm_record_int(rec, KISCRM_QUOTE_LINE_QUANTITY)),
				       "quote_line.quantity: %s is not at least 1", text);
	if (!kiscrm_record_is_null(rec, KISCRM_QUOTE_LINE_LIST_PRICE) && kiscrm_record_int(rec, KISCRM_QUOTE_LINE_LIST_PRICE) < 0)
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "list_price", NULL, "quote_line.list_price is negative");
	return KISCRM_OK;
}

/* The product's line and, when none was given, its list price; a new line (or a line
 * moved to another product) needs a product on sale. */
static int apply_product(kiscrm_db *db, kiscrm_record *rec, const kiscrm_record *old)
{
	kiscrm_id pid = kiscrm_record_int(rec, KISCRM_QUOTE_LINE_PRODUCT_ID);
	kiscrm_record *p;
	int rc = kc_store_load(&p, db, KISCRM_KIND_PRODUCT, pid, "quote_line", "product_id");
	if (rc)
		return rc;
	int new_product = !old || kiscrm_record_int(old, KISCRM_QUOTE_LINE_PRODUCT_ID) != pid;
	char text[24];
	if (new_product && kiscrm_record_int(p, KISCRM_PRODUCT_ACTIVE) == 0)
		rc = kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "product_id", id_text(text, pid),
				     "quote_line.product_id: product %s is withdrawn (active 0)", text);
	if (rc == 0)
		rc = kc_record_put_text(rec, KISCRM_QUOTE_LINE_PRODUCT_LINE, kiscrm_record_text(p, KISCRM_PRODUCT_PRODUCT_LINE));
	if (rc == 0 && kiscrm_record_is_null(rec, KISCRM_QUOTE_LINE_LIST_PRICE))
		kc_record_put_int(rec, KISCRM_QUOTE_LINE_LIST_PRICE, kiscrm_record_int(p, KISCRM_PRODUCT_LIST_PRICE));
	kiscrm_record_free(p);
	return rc;
}

int kc_quote_line_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old)
{
	kiscrm_db *db = ctx->db;
	int rc;
	if ((rc = check_line_values(rec)) != 0)
		return rc;
	if (kiscrm_record_is_null(rec, KISCRM_QUOTE_LINE_PRODUCT_ID) || kiscrm_record_is_null(rec, KISCRM_QUOTE_LINE_QUOTE_ID) ||
	    kiscrm_record_is_null(rec, KISCRM_QUOTE_LINE_QUANTITY))
		return KISCRM_OK; /* the store names the missing required field */
	kiscrm_id qid = kiscrm_record_int(rec, KISCRM_QUOTE_LINE_QUOTE_ID);
	if (old && kiscrm_record_int(old, KISCRM_QUOTE_LINE_QUOTE_ID) != qid)
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "quote_id", NULL,
				       "quote_line.quote_id: a line stays on its quote (add a new line to the other)");
	if ((rc = apply_product(db, rec, old)) != 0)
		return rc;
	kiscrm_money gross, net;
	if ((rc = kc_line_amounts(&gross, &net, kiscrm_record_int(rec, KISCRM_QUOTE_LINE_LIST_PRICE),
				  kiscrm_record_int(rec, KISCRM_QUOTE_LINE_QUANTITY),
				  (int)kiscrm_record_int(rec, KISCRM_QUOTE_LINE_DISCOUNT_BP))) != 0)
		return rc;
	kc_record_put_int(rec, KISCRM_QUOTE_LINE_NET_AMOUNT, net);

	kiscrm_record *q;
	if ((rc = kc_store_load(&q, db, KISCRM_KIND_QUOTE, qid, "quote_line", "quote_id")) != 0)
		return rc;
	const char *field = changed_guarded(rec, old), *status = NULL;
	if (field && !write_is_workflow(ctx))
		rc = guard_quote(db, q, field, &status);
	kiscrm_record_free(q);
	/* the quote's totals with this line as it is about to be stored */
	kc_qlines lines;
	if (rc == 0 && (rc = kc_qlines_load(&lines, db, qid, kiscrm_record_id(rec))) == 0) {
		rc = kc_qlines_add(&lines, kiscrm_record_id(rec), kiscrm_record_text(rec, KISCRM_QUOTE_LINE_PRODUCT_LINE),
				   (int)kiscrm_record_int(rec, KISCRM_QUOTE_LINE_DISCOUNT_BP), gross, net);
		if (rc == 0)
			rc = kc_quote_refresh(db, qid, &lines, status);
		kc_qlines_free(&lines);
	}
	return rc;
}

int kc_quote_line_before_delete(kiscrm_db *db, kiscrm_id id)
{
	kiscrm_record *line, *q;
	int rc = kc_store_load(&line, db, KISCRM_KIND_QUOTE_LINE, id, "quote_line", NULL);
	if (rc)
		return rc;
	kiscrm_id qid = kiscrm_record_int(line, KISCRM_QUOTE_LINE_QUOTE_ID);
	kiscrm_record_free(line);
	if ((rc = kc_store_load(&q, db, KISCRM_KIND_QUOTE, qid, "quote_line", "quote_id")) != 0)
		return rc;
	const char *status = NULL;
	rc = guard_quote(db, q, "id", &status);
	kiscrm_record_free(q);
	kc_qlines lines;
	if (rc == 0 && (rc = kc_qlines_load(&lines, db, qid, id)) == 0) {
		rc = kc_quote_refresh(db, qid, &lines, status);
		kc_qlines_free(&lines);
	}
	return rc;
}
