/* A quote's lines as money: the amounts of one line (checked integer arithmetic, one
 * rounding per line), the lines of a stored quote, and the quote's derived totals written
 * back after a line changed. The rounding rule: each line's net amount is rounded to the
 * minor unit, half away from zero; totals are sums of rounded lines, so a quote's net
 * total always equals the sum of the net amounts printed on its lines. */
#include "pricing/kinds.h"
#include "pricing/pricing_internal.h"
#include "core/error.h"
#include "core/field.h"
#include "core/str.h"
#include "core/sum.h"
#include "core/vec.h"
#include "kiscrm/money.h"
#include "kiscrm/pricing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int kc_is(const char *value, const char *what)
{
	return value && strcmp(value, what) == 0;
}

int kc_line_amounts(kiscrm_money *gross, kiscrm_money *net, kiscrm_money list, int64_t quantity, int discount_bp)
{
	int64_t g;
	if (__builtin_mul_overflow(list, quantity, &g) || g > KISCRM_MONEY_MAX || g < KISCRM_MONEY_MIN)
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "quantity", NULL,
				       "quote_line: list price %lld × quantity %lld is beyond the largest amount",
				       (long long)list, (long long)quantity);
	*gross = g;
	return kiscrm_money_scale(net, g, 10000 - discount_bp, 10000);
}

int kc_qlines_add(kc_qlines *l, kiscrm_id id, const char *product_line, int discount_bp, kiscrm_money gross,
		  kiscrm_money net)
{
	int rc = KC_VEC_GROW(l->v, l->n, l->cap, 8);
	if (rc)
		return rc;
	kc_qline *q = &l->v[l->n];
	if ((q->product_line = kc_strdup(product_line)) == NULL && product_line)
		return KISCRM_ENOMEM;
	q->id = id;
	q->discount_bp = discount_bp;
	q->gross = gross;
	q->net = net;
	l->n++;
	return KISCRM_OK;
}

typedef struct {
	kc_qlines *l;
	kiscrm_id except;
} load_ctx;

static int line_cb(void *payload, const kiscrm_value *row)
{
	load_ctx *c = payload;
	kiscrm_id id = row[0].u.i;
	if (id == c->except)
		return 0;
	kiscrm_money list = kc_val_int(&row[KC_FI(KISCRM_QUOTE_LINE_LIST_PRICE)], 0);
	int64_t qty = kc_val_int(&row[KC_FI(KISCRM_QUOTE_LINE_QUANTITY)], 0);
	return kc_qlines_add(c->l, id, kc_val_text(&row[KC_FI(KISCRM_QUOTE_LINE_PRODUCT_LINE)]),
			     (int)kc_val_int(&row[KC_FI(KISCRM_QUOTE_LINE_DISCOUNT_BP)], 0), list * qty,
			     kc_val_int(&row[KC_FI(KISCRM_QUOTE_LINE_NET_AMOUNT)], 0));
}

static int by_id(const void *a, const void *b)
{
	const kc_qline *x = a, *y = b;
	return x->id < y->id ? -1 : x->id > y->id;
}

int kc_qlines_load(kc_qlines *out, kiscrm_db *db, kiscrm_id quote, kiscrm_id except)
{
	memset(out, 0, sizeof(*out));
	kiscrm_cond c = { KISCRM_QUOTE_LINE_QUOTE_ID, KISCRM_OP_EQ, { KISCRM_TYPE_INT, { .i = quote } } };
	kiscrm_query q = { 1, &c, 0 };
	load_ctx lc = { out, except };
	int rc = kc_db_scan(db, &kc_quote_line_def, &q, line_cb, &lc);
	if (rc == 0 && out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), by_id);
	return rc;
}

void kc_qlines_free(kc_qlines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].product_line);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

int kc_qlines_price(kc_price_line **out, const kc_qlines *l)
{
	*out = calloc(l->n ? l->n : 1, sizeof(**out));
	if (!*out)
		return kc_error_oom();
	for (size_t i = 0; i < l->n; i++)
		(*out)[i] = (kc_price_line){ l->v[i].product_line, l->v[i].discount_bp };
	return KISCRM_OK;
}

int kc_quote_refresh(kiscrm_db *db, kiscrm_id quote, const kc_qlines *lines, const char *status)
{
	kiscrm_record *q;
	int rc = kc_store_load(&q, db, KISCRM_KIND_QUOTE, quote, "quote_line", "quote_id");
	if (rc)
		return rc;
	kiscrm_money list = 0, net = 0;
	int max = 0;
	for (size_t i = 0; rc == 0 && i < lines->n; i++) {
		if ((rc = kc_money_add(&list, lines->v[i].gross)) == 0)
			rc = kc_money_add(&net, lines->v[i].net);
		if (lines->v[i].discount_bp > max)
			max = lines->v[i].discount_bp;
	}
	kc_price_line *pl = NULL;
	if (rc == 0)
		rc = kc_qlines_price(&pl, lines);
	if (rc == 0) {
		int role = lines->n ? kc_quote_required_role(db->config, pl, lines->n) : -1;
		kc_record_put_int(q, KISCRM_QUOTE_LIST_TOTAL, list);
		kc_record_put_int(q, KISCRM_QUOTE_NET_TOTAL, net);
		kc_record_put_int(q, KISCRM_QUOTE_MAX_DISCOUNT_BP, max);
		if (role < 0)
			rc = kiscrm_record_set_null(q, KISCRM_QUOTE_REQUIRED_ROLE);
		else
			rc = kc_record_put_text(q, KISCRM_QUOTE_REQUIRED_ROLE, kiscrm_config_role_key(db->config, (size_t)role));
	}
	if (rc == 0 && status)
		rc = kc_record_put_text(q, KISCRM_QUOTE_STATUS, status);
	if (rc == 0)
		rc = kc_db_update(db, q->def, q->vals);
	free(pl);
	kiscrm_record_free(q);
	return rc;
}
