/* The price list, quotes and approvals, worked by hand with the default roles.yaml. Both
 * backends.
 *
 * Discount limits (basis points; 100 bp = 1 %) that the scenarios reach, with the rank
 * order of max_discount (ties in file order):
 *   sales_rep 500 (new_products 800) < key_account_specialist 500 < supervisor 1000
 *   (new_products 1500) = business_development_manager 1000 < sales_manager 1500 <
 *   department_manager 2000 = key_account_manager 2000 < executive_general_manager 3000 <
 *   general_manager unlimited; roles with 0 (opportunity_desk, presales …) approve nothing.
 * Contract limits (fen): sales_rep 5,000,000 < key_account_specialist 10,000,000 <
 *   supervisor 20,000,000 = business_development_manager < sales_manager 30,000,000 <
 *   department_manager 50,000,000 (500,000.00) = key_account_manager <
 *   executive_general_manager 200,000,000 < general_manager unlimited. */
#include "helpers.h"

#include <string.h>

typedef struct world {
	kiscrm_db *db;
	kiscrm_id rep, sup, dm, gm, desk;
	kiscrm_id cust, std, np, pro, mini; /* products: standard, new_products, professional, mini */
} world;

#define T0 "2026-03-02T01:00:00Z"
#define T1 "2026-03-02T03:00:00Z"
#define T2 "2026-03-03T03:00:00Z"
#define ALL_SIX "scope, risk, resources, legal, delivery, key_points"

static kiscrm_id product(world *w, const char *code, const char *name, const char *line, kiscrm_money price)
{
	kiscrm_record *p = kc_test_rec(KISCRM_KIND_PRODUCT);
	kiscrm_record_set_text(p, KISCRM_PRODUCT_CODE, code);
	kiscrm_record_set_text(p, KISCRM_PRODUCT_NAME, name);
	kiscrm_record_set_text(p, KISCRM_PRODUCT_PRODUCT_LINE, line);
	kiscrm_record_set_int(p, KISCRM_PRODUCT_LIST_PRICE, price);
	kiscrm_record_set_text(p, KISCRM_PRODUCT_UNIT, "套");
	return kc_test_insert(w->db, p);
}

static kiscrm_id quote(world *w)
{
	kiscrm_record *q = kc_test_rec(KISCRM_KIND_QUOTE);
	kiscrm_record_set_text(q, KISCRM_QUOTE_NUMBER, "BJ-2026-001");
	kiscrm_record_set_int(q, KISCRM_QUOTE_CUSTOMER_ID, w->cust);
	kiscrm_record_set_int(q, KISCRM_QUOTE_OWNER_ID, w->rep);
	kiscrm_record_set_int(q, KISCRM_QUOTE_DATE, kc_test_day("2026-03-01"));
	kiscrm_record_set_int(q, KISCRM_QUOTE_VALID_UNTIL, kc_test_day("2026-03-31"));
	return kc_test_insert(w->db, q);
}

/* A line; list_price < 0 leaves it to the product's. Returns the insert's code. */
static int line(world *w, kiscrm_id q, kiscrm_id prod, int64_t qty, kiscrm_money list_price, int64_t bp, kiscrm_id *id)
{
	kiscrm_record *l = kc_test_rec(KISCRM_KIND_QUOTE_LINE);
	kiscrm_record_set_int(l, KISCRM_QUOTE_LINE_QUOTE_ID, q);
	kiscrm_record_set_int(l, KISCRM_QUOTE_LINE_PRODUCT_ID, prod);
	kiscrm_record_set_int(l, KISCRM_QUOTE_LINE_QUANTITY, qty);
	if (list_price >= 0)
		kiscrm_record_set_int(l, KISCRM_QUOTE_LINE_LIST_PRICE, list_price);
	kiscrm_record_set_int(l, KISCRM_QUOTE_LINE_DISCOUNT_BP, bp);
	int rc = kiscrm_record_insert(w->db, l);
	if (rc == 0 && id)
		*id = kiscrm_record_id(l);
	kiscrm_record_free(l);
	return rc;
}

static kiscrm_id contract(world *w, const char *number, kiscrm_money amount, const char *approval)
{
	kiscrm_record *c = kc_test_rec(KISCRM_KIND_CONTRACT);
	kiscrm_record_set_text(c, KISCRM_CONTRACT_NUMBER, number);
	kiscrm_record_set_int(c, KISCRM_CONTRACT_CUSTOMER_ID, w->cust);
	kiscrm_record_set_int(c, KISCRM_CONTRACT_SIGNED, kc_test_day("2026-03-01"));
	kiscrm_record_set_int(c, KISCRM_CONTRACT_AMOUNT, amount);
	kiscrm_record_set_int(c, KISCRM_CONTRACT_OWNER_ID, w->rep);
	kiscrm_record_set_text(c, KISCRM_CONTRACT_PAYMENT_TERMS, "预付30%，验收后付70%");
	if (approval)
		kiscrm_record_set_text(c, KISCRM_CONTRACT_APPROVAL, approval);
	return kc_test_insert(w->db, c);
}

static void assert_stored_text(kiscrm_db *db, int kind, kiscrm_id id, int field, const char *expected)
{
	kiscrm_record *r = kc_test_get(db, kind, id);
	kc_test_assert_text(r, field, expected);
	kiscrm_record_free(r);
}

static int setup(void **state)
{
	world *w = kc_test_fx_open(sizeof(world), NULL);
	if (!w)
		return -1;
	kiscrm_id dept = kc_test_department(w->db, "销售部", 0);
	w->rep = kc_test_staff(w->db, "张伟", dept, "sales_rep");
	w->sup = kc_test_staff(w->db, "李娜", dept, "supervisor");
	w->dm = kc_test_staff(w->db, "王强", dept, "department_manager");
	w->gm = kc_test_staff(w->db, "刘洋", dept, "general_manager");
	w->desk = kc_test_staff(w->db, "陈静", dept, "opportunity_desk");
	w->cust = kc_test_customer(w->db, "北京金蝶软件有限公司");
	w->std = product(w, "KIS-STD", "金蝶KIS标准版", "standard", 980000);
	w->np = product(w, "KIS-CLOUD", "金蝶KIS云", "new_products", 100000);
	w->pro = product(w, "KIS-PRO", "金蝶KIS专业版", "professional", 198000);
	w->mini = product(w, "KIS-MINI", "金蝶KIS迷你版", "mini", 12345);
	*state = w;
	return 0;
}

/* --- price approval per product line at each limit edge ----------------------------------- */

static const struct {
	int new_products; /* 1: the new_products product (overrides), 0: standard */
	int bp;
	const char *role;
} edges[] = {
	/* standard: every role at its max_discount */
	{ 0, 0, "sales_rep" },      /* 0 %: the lowest role with a limit; 0-limit roles never */
	{ 0, 500, "sales_rep" },    /* exactly the rep's 5 % */
	{ 0, 501, "supervisor" },   /* one bp above: supervisor 10 % (before BD manager, file order) */
	{ 0, 1000, "supervisor" },
	{ 0, 1001, "sales_manager" }, /* 15 % */
	{ 0, 1500, "sales_manager" },
	{ 0, 1501, "department_manager" }, /* 20 %, before key_account_manager */
	{ 0, 2000, "department_manager" },
	{ 0, 2001, "executive_general_manager" }, /* 30 % */
	{ 0, 3000, "executive_general_manager" },
	{ 0, 3001, "general_manager" }, /* unlimited */
	{ 0, 10000, "general_manager" },
	/* new_products: sales_rep 8 %, supervisor 15 % by max_discount_by_line */
	{ 1, 800, "sales_rep" },
	{ 1, 801, "supervisor" },   /* supervisor and BD manager (10 %) both cover 8.01 %: file order */
	{ 1, 1001, "supervisor" },  /* only the override covers it among the 10 % roles */
	{ 1, 1500, "supervisor" },  /* supervisor ranks below sales_manager (10 % < 15 %) */
	{ 1, 1501, "department_manager" },
};

static void test_price_edges(void **state)
{
	world *w = *state;
	kiscrm_id q = quote(w), lid = 0;
	assert_rc(KISCRM_OK, line(w, q, w->std, 1, -1, 0, &lid));
	kiscrm_id np_q = quote(w), np_lid = 0;
	assert_rc(KISCRM_OK, line(w, np_q, w->np, 1, -1, 800, &np_lid));
	for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]); i++) {
		kiscrm_id qq = edges[i].new_products ? np_q : q, ll = edges[i].new_products ? np_lid : lid;
		assert_rc(KISCRM_OK, kc_test_update_int(w->db, KISCRM_KIND_QUOTE_LINE, ll, KISCRM_QUOTE_LINE_DISCOUNT_BP, edges[i].bp));
		kiscrm_record *r = kc_test_get(w->db, KISCRM_KIND_QUOTE, qq);
		if (strcmp(edges[i].role, kiscrm_record_text(r, KISCRM_QUOTE_REQUIRED_ROLE)) != 0)
			fail_msg("%s %d bp: required %s, expected %s", edges[i].new_products ? "new_products" : "standard",
				 edges[i].bp, kiscrm_record_text(r, KISCRM_QUOTE_REQUIRED_ROLE), edges[i].role);
		assert_int_equal(edges[i].bp, kiscrm_record_int(r, KISCRM_QUOTE_MAX_DISCOUNT_BP));
		kiscrm_record_free(r);
	}
	/* Two lines: standard 12 % needs sales_manager, new_products 15 % supervisor; the
	 * lowest role covering both is sales_manager (15 % on each). */
	assert_rc(KISCRM_OK, kc_test_update_int(w->db, KISCRM_KIND_QUOTE_LINE, lid, KISCRM_QUOTE_LINE_DISCOUNT_BP, 1200));
	assert_rc(KISCRM_OK, line(w, q, w->np, 1, -1, 1500, NULL));
	assert_stored_text(w->db, KISCRM_KIND_QUOTE, q, KISCRM_QUOTE_REQUIRED_ROLE, "sales_manager");
	kiscrm_id ap = 0;
	assert_rc(KISCRM_OK, kiscrm_quote_submit(&ap, w->db, q, kc_test_time(T0)));
	assert_stored_text(w->db, KISCRM_KIND_APPROVAL, ap, KISCRM_APPROVAL_REQUIRED_ROLE, "sales_manager");
	assert_stored_text(w->db, KISCRM_KIND_APPROVAL, ap, KISCRM_APPROVAL_RULE,
			   "standard 12.00% <= sales_manager 15.00%; new_products 15.00% <= sales_manager 15.00%");
}

/* --- quote amounts --------------------------------------------------------------------- */

/* 专业版 list 1,980.00 × 3 = 5,940.00 at 12.34 % off: 594000 × 8766 / 10000 = 520700.4 fen →
 * 520700. 迷你版 at a given price 123.45 × 1 at 50 %: 12345 × 5000 / 10000 = 6172.5 → 6173
 * (half away from zero). Totals: list 594000 + 12345 = 606345, net 520700 + 6173 = 526873;
 * largest discount 5000 bp on mini: only general_manager covers 50 %. */
static void test_quote_totals(void **state)
{
	world *w = *state;
	kiscrm_id q = quote(w), l1 = 0, l2 = 0;
	assert_rc(KISCRM_OK, line(w, q, w->pro, 3, -1, 1234, &l1));
	assert_rc(KISCRM_OK, line(w, q, w->mini, 1, 12345, 5000, &l2));
	assert_int_equal(198000, kc_test_stored_int(w->db, KISCRM_KIND_QUOTE_LINE, l1, KISCRM_QUOTE_LINE_LIST_PRICE));
	assert_int_equal(520700, kc_test_stored_int(w->db, KISCRM_KIND_QUOTE_LINE, l1, KISCRM_QUOTE_LINE_NET_AMOUNT));
	assert_int_equal(6173, kc_test_stored_int(w->db, KISCRM_KIND_QUOTE_LINE, l2, KISCRM_QUOTE_LINE_NET_AMOUNT));
	assert_stored_text(w->db, KISCRM_KIND_QUOTE_LINE, l1, KISCRM_QUOTE_LINE_PRODUCT_LINE, "professional");
	assert_int_equal(606345, kc_test_stored_int(w->db, KISCRM_KIND_QUOTE, q, KISCRM_QUOTE_LIST_TOTAL));
	assert_int_equal(526873, kc_test_stored_int(w->db, KISCRM_KIND_QUOTE, q, KISCRM_QUOTE_NET_TOTAL));
	assert_int_equal(5000, kc_test_stored_int(w->db, KISCRM_KIND_QUOTE, q, KISCRM_QUOTE_MAX_DISCOUNT_BP));
	assert_stored_text(w->db, KISCRM_KIND_QUOTE, q, KISCRM_QUOTE_REQUIRED_ROLE, "general_manager");
	/* a direct write of a derived total is ignored: the lines decide */
	assert_rc(KISCRM_OK, kc_test_update_int(w->db, KISCRM_KIND_QUOTE, q, KISCRM_QUOTE_NET_TOTAL, 1));
	assert_int_equal(526873, kc_test_stored_int(w->db, KISCRM_KIND_QUOTE, q, KISCRM_QUOTE_NET_TOTAL));
	/* deleting the mini line: list 594000, net 520700, largest 1234 bp → sales_manager */
	assert_rc(KISCRM_OK, kiscrm_record_delete(w->db, KISCRM_KIND_QUOTE_LINE, l2, 0));
	assert_int_equal(594000, kc_test_stored_int(w->db, KISCRM_KIND_QUOTE, q, KISCRM_QUOTE_LIST_TOTAL));
	assert_int_equal(520700, kc_test_stored_int(w->db, KISCRM_KIND_QUOTE, q, KISCRM_QUOTE_NET_TOTAL));
	assert_stored_text(w->db, KISCRM_KIND_QUOTE, q, KISCRM_QUOTE_REQUIRED_ROLE, "sales_manager");
	/* product names in Chinese round-trip */
	assert_stored_text(w->db, KISCRM_KIND_PRODUCT, w->pro, KISCRM_PRODUCT_NAME, "金蝶KIS专业版");
	assert_int_equal(1, kc_test_stored_int(w->db, KISCRM_KIND_PRODUCT, w->pro, KISCRM_PRODUCT_ACTIVE));
}

/* --- price approval: who may decide ------------------------------------------------------ */

static void test_price_approval(void **state)
{
	world *w = *state;
	kiscrm_db *db = w->db;
	/* new_products 15 %: supervisor (override 15 %) */
	kiscrm_id q = quote(w), ap = 0;
	assert_rc(KISCRM_OK, line(w, q, w->np, 10, -1, 1500, NULL));
	assert_rc(KISCRM_OK, kiscrm_db_set_actor(db, w->rep));
	assert_rc(KISCRM_OK, kiscrm_quote_submit(&ap, db, q, kc_test_time(T0)));
	assert_stored_text(db, KISCRM_KIND_QUOTE, q, KISCRM_QUOTE_STATUS, "pending");
	assert_stored_text(db, KISCRM_KIND_APPROVAL, ap, KISCRM_APPROVAL_STATUS, "pending");
	assert_stored_text(db, KISCRM_KIND_APPROVAL, ap, KISCRM_APPROVAL_RULE, "new_products 15.00% <= supervisor 15.00%");
	/* 10 × 1,000.00 at 15 %: 1000000 × 8500 / 10000 = 850000 */
	assert_int_equal(850000, kc_test_stored_int(db, KISCRM_KIND_APPROVAL, ap, KISCRM_APPROVAL_AMOUNT));
	assert_int_equal(1500, kc_test_stored_int(db, KISCRM_KIND_APPROVAL, ap, KISCRM_APPROVAL_MAX_DISCOUNT_BP));
	assert_int_equal(w->rep, kc_test_stored_int(db, KISCRM_KIND_APPROVAL, ap, KISCRM_APPROVAL_SUBMITTED_BY_ID));
	assert_rc(KISCRM_ECONFLICT, kiscrm_quote_submit(NULL, db, q, kc_test_time(T0)));

	/* the rep (8 % on new_products) may not: refused, nothing written */
	assert_rc(KISCRM_EINVALID, kiscrm_approval_decide(db, ap, "approved", "可以", NULL, kc_test_time(T1)));
	assert_string_equal("approver_id", kiscrm_error_last()->field);
	assert_msg_has("sales_rep may approve 8.00% on new_products, not the 15.00%");
	/* nor may the desk (0 %), nor the system (no actor) */
	assert_rc(KISCRM_OK, kiscrm_db_set_actor(db, w->desk));
	assert_rc(KISCRM_EINVALID, kiscrm_approval_decide(db, ap, "rejected", NULL, NULL, kc_test_time(T1)));
	assert_rc(KISCRM_OK, kiscrm_db_set_actor(db, 0));
	assert_rc(KISCRM_EINVALID, kiscrm_approval_decide(db, ap, "approved", NULL, NULL, kc_test_time(T1)));
	assert_msg_has("kiscrm_db_set_actor");
	assert_stored_text(db, KISCRM_KIND_APPROVAL, ap, KISCRM_APPROVAL_STATUS, "pending");
	assert_int_equal(-1, kc_test_stored_int(db, KISCRM_KIND_APPROVAL, ap, KISCRM_APPROVAL_APPROVER_ID));
	assert_int_equal(-1, kc_test_stored_int(db, KISCRM_KIND_APPROVAL, ap, KISCRM_APPROVAL_DECIDED));
	assert_stored_text(db, KISCRM_KIND_QUOTE, q, KISCRM_QUOTE_STATUS, "pending");

	/* the supervisor may */
	assert_rc(KISCRM_OK, kiscrm_db_set_actor(db, w->sup));
	assert_rc(KISCRM_EINVALID, kiscrm_approval_decide(db, ap, "ok", NULL, NULL, kc_test_time(T1)));
	assert_rc(KISCRM_EINVALID, kiscrm_approval_decide(db, ap, "approved", NULL, NULL, kc_test_time("2026-03-01T00:00:00Z")));
	assert_string_equal("decided", kiscrm_error_last()->field);
	assert_rc(KISCRM_OK, kiscrm_approval_decide(db, ap, "approved", "新产品推广价，同意", NULL, kc_test_time(T1)));
	assert_stored_text(db, KISCRM_KIND_QUOTE, q, KISCRM_QUOTE_STATUS, "approved");
	assert_stored_text(db, KISCRM_KIND_APPROVAL, ap, KISCRM_APPROVAL_STATUS, "approved");
	assert_stored_text(db, KISCRM_KIND_APPROVAL, ap, KISCRM_APPROVAL_COMMENT, "新产品推广价，同意");
	assert_stored_text(db, KISCRM_KIND_APPROVAL, ap, KISCRM_APPROVAL_APPROVER_ROLE, "supervisor");
	assert_int_equal(w->sup, kc_test_stored_int(db, KISCRM_KIND_APPROVAL, ap, KISCRM_APPROVAL_APPROVER_ID));
	assert_int_equal(kc_test_time(T1), kc_test_stored_int(db, KISCRM_KIND_APPROVAL, ap, KISCRM_APPROVAL_DECIDED));
	assert_rc(KISCRM_ECONFLICT, kiscrm_approval_decide(db, ap, "rejected", NULL, NULL, kc_test_time(T2)));

	/* standard 10.01 % needs sales_manager: the supervisor (10 %) may not even reject it;
	 * the general manager may */
	kiscrm_id q2 = quote(w), ap2 = 0;
	assert_rc(KISCRM_OK, line(w, q2, w->std, 1, -1, 1001, NULL));
	assert_rc(KISCRM_OK, kiscrm_quote_submit(&ap2, db, q2, kc_test_time(T0)));
	assert_rc(KISCRM_EINVALID, kiscrm_approval_decide(db, ap2, "rejected", NULL, NULL, kc_test_time(T1)));
	assert_msg_has("supervisor may approve 10.00% on standard, not the 10.01%");
	assert_rc(KISCRM_OK, kiscrm_db_set_actor(db, w->gm));
	assert_rc(KISCRM_OK, kiscrm_approval_decide(db, ap2, "rejected", "价格过低", NULL, kc_test_time(T1)));
	assert_stored_text(db, KISCRM_KIND_QUOTE, q2, KISCRM_QUOTE_STATUS, "rejected");
	/* a rejected quote is submitted again */
	assert_rc(KISCRM_OK, kiscrm_quote_submit(NULL, db, q2, kc_test_time(T2)));
	assert_stored_text(db, KISCRM_KIND_QUOTE, q2, KISCRM_QUOTE_STATUS, "pending");
}

/* --- guarded fields of a quote ---------------------------------------------------------- */

static void test_quote_lock_and_supersede(void **state)
{
	world *w = *state;
	kiscrm_db *db = w->db;
	kiscrm_id q = quote(w), l1 = 0, ap = 0;
	assert_rc(KISCRM_OK, line(w, q, w->std, 2, -1, 400, &l1));
	assert_rc(KISCRM_OK, kiscrm_quote_submit(&ap, db, q, kc_test_time(T0)));
	/* pending: the lines are locked, and the status is the workflow's */
	assert_rc(KISCRM_ECONFLICT, kc_test_update_int(db, KISCRM_KIND_QUOTE_LINE, l1, KISCRM_QUOTE_LINE_DISCOUNT_BP, 500));
	assert_string_equal("discount_bp", kiscrm_error_last()->field);
	assert_rc(KISCRM_ECONFLICT, kc_test_update_int(db, KISCRM_KIND_QUOTE_LINE, l1, KISCRM_QUOTE_LINE_QUANTITY, 3));
	assert_string_equal("quantity", kiscrm_error_last()->field);
	assert_rc(KISCRM_ECONFLICT, kc_test_update_int(db, KISCRM_KIND_QUOTE_LINE, l1, KISCRM_QUOTE_LINE_LIST_PRICE, 1));
	assert_string_equal("list_price", kiscrm_error_last()->field);
	assert_rc(KISCRM_ECONFLICT, line(w, q, w->mini, 1, -1, 0, NULL));
	assert_rc(KISCRM_ECONFLICT, kiscrm_record_delete(db, KISCRM_KIND_QUOTE_LINE, l1, 0));
	assert_rc(KISCRM_EINVALID, kc_test_update_text(db, KISCRM_KIND_QUOTE, q, KISCRM_QUOTE_STATUS, "approved"));
	assert_string_equal("status", kiscrm_error_last()->field);
	assert_int_equal(1, kc_test_count(db, KISCRM_KIND_QUOTE_LINE, NULL));
	/* 2 × 9,800.00 at 4 %: 1960000 × 9600 / 10000 = 1881600, unchanged */
	assert_int_equal(1881600, kc_test_stored_int(db, KISCRM_KIND_QUOTE, q, KISCRM_QUOTE_NET_TOTAL));
	/* a note is no guarded field */
	assert_rc(KISCRM_OK, kc_test_update_text(db, KISCRM_KIND_QUOTE, q, KISCRM_QUOTE_NOTE, "含实施"));

	assert_rc(KISCRM_OK, kiscrm_db_set_actor(db, w->rep));
	assert_rc(KISCRM_OK, kiscrm_approval_decide(db, ap, "approved", NULL, NULL, kc_test_time(T1)));
	/* approved, then the discount changes: the approval is superseded, the quote a draft,
	 * its totals follow (1960000 × 9500 / 10000 = 1862000) */
	assert_rc(KISCRM_OK, kc_test_update_int(db, KISCRM_KIND_QUOTE_LINE, l1, KISCRM_QUOTE_LINE_DISCOUNT_BP, 500));
	assert_stored_text(db, KISCRM_KIND_APPROVAL, ap, KISCRM_APPROVAL_STATUS, "superseded");
	assert_stored_text(db, KISCRM_KIND_QUOTE, q, KISCRM_QUOTE_STATUS, "draft");
	assert_int_equal(1862000, kc_test_stored_int(db, KISCRM_KIND_QUOTE, q, KISCRM_QUOTE_NET_TOTAL));
	kiscrm_id ap2 = 0;
	assert_rc(KISCRM_OK, kiscrm_quote_submit(&ap2, db, q, kc_test_time(T2)));
	assert_true(ap2 != ap);
	assert_int_equal(1862000, kc_test_stored_int(db, KISCRM_KIND_APPROVAL, ap2, KISCRM_APPROVAL_AMOUNT));
	/* deleting the quote (with its lines and approvals) withdraws it, pending or not */
	assert_rc(KISCRM_OK, kiscrm_record_delete(db, KISCRM_KIND_QUOTE, q, KISCRM_DELETE_CASCADE));
	assert_int_equal(0, kc_test_count(db, KISCRM_KIND_QUOTE_LINE, NULL));
	assert_int_equal(0, kc_test_count(db, KISCRM_KIND_APPROVAL, NULL));
}

/* --- contract approval above and below the limits ---------------------------------------- */

static void test_contract_limits(void **state)
{
	world *w = *state;
	kiscrm_db *db = w->db;
	/* 500,000.00 is exactly the department manager's max_contract */
	kiscrm_id k1 = contract(w, "HT-2026-001", 50000000, NULL), ap1 = 0;
	assert_rc(KISCRM_OK, kiscrm_contract_submit(&ap1, db, k1, kc_test_time(T0)));
	assert_stored_text(db, KISCRM_KIND_CONTRACT, k1, KISCRM_CONTRACT_APPROVAL, "pending");
	assert_stored_text(db, KISCRM_KIND_APPROVAL, ap1, KISCRM_APPROVAL_REQUIRED_ROLE, "department_manager");
	assert_stored_text(db, KISCRM_KIND_APPROVAL, ap1, KISCRM_APPROVAL_RULE,
			   "contract 500000.00 <= department_manager 500000.00");
	assert_stored_text(db, KISCRM_KIND_APPROVAL, ap1, KISCRM_APPROVAL_TERMS, "预付30%，验收后付70%");
	/* the supervisor (200,000.00) may not sign it */
	assert_rc(KISCRM_OK, kiscrm_db_set_actor(db, w->sup));
	assert_rc(KISCRM_EINVALID, kiscrm_approval_decide(db, ap1, "approved", NULL, ALL_SIX, kc_test_time(T1)));
	assert_msg_has("supervisor may sign contracts up to 200000.00, not contract");
	/* the department manager may, with the whole checklist */
	assert_rc(KISCRM_OK, kiscrm_db_set_actor(db, w->dm));
	assert_rc(KISCRM_EINVALID, kiscrm_approval_decide(db, ap1, "approved", NULL, "scope, risk, resources, legal, delivery",
							   kc_test_time(T1)));
	assert_string_equal("checklist", kiscrm_error_last()->field);
	assert_msg_has("'key_points' is not checked");
	assert_rc(KISCRM_EINVALID, kiscrm_approval_decide(db, ap1, "approved", NULL, ALL_SIX ", price", kc_test_time(T1)));
	assert_msg_has("'price' is not an item");
	assert_stored_text(db, KISCRM_KIND_APPROVAL, ap1, KISCRM_APPROVAL_STATUS, "pending");
	assert_rc(KISCRM_OK, kiscrm_approval_decide(db, ap1, "approved", "范围清楚，风险可控", ALL_SIX, kc_test_time(T1)));
	assert_stored_text(db, KISCRM_KIND_CONTRACT, k1, KISCRM_CONTRACT_APPROVAL, "approved");
	assert_stored_text(db, KISCRM_KIND_APPROVAL, ap1, KISCRM_APPROVAL_CHECKLIST, ALL_SIX);

	/* one fen more, 500,000.01: executive general manager (2,000,000.00) */
	kiscrm_id k2 = contract(w, "HT-2026-002", 50000001, NULL), ap2 = 0;
	assert_rc(KISCRM_OK, kiscrm_contract_submit(&ap2, db, k2, kc_test_time(T0)));
	assert_stored_text(db, KISCRM_KIND_APPROVAL, ap2, KISCRM_APPROVAL_RULE,
			   "contract 500000.01 <= executive_general_manager 2000000.00");
	assert_rc(KISCRM_EINVALID, kiscrm_approval_decide(db, ap2, "approved", NULL, ALL_SIX, kc_test_time(T1)));
	assert_msg_has("department_manager may sign contracts up to 500000.00, not contract");
	assert_msg_has("500000.01");
	assert_stored_text(db, KISCRM_KIND_APPROVAL, ap2, KISCRM_APPROVAL_STATUS, "pending");
	assert_stored_text(db, KISCRM_KIND_CONTRACT, k2, KISCRM_CONTRACT_APPROVAL, "pending");
	assert_int_equal(-1, kc_test_stored_int(db, KISCRM_KIND_APPROVAL, ap2, KISCRM_APPROVAL_APPROVER_ID));
	assert_rc(KISCRM_OK, kiscrm_db_set_actor(db, w->gm));
	assert_rc(KISCRM_OK, kiscrm_approval_decide(db, ap2, "approved", NULL, ALL_SIX, kc_test_time(T1)));
	assert_stored_text(db, KISCRM_KIND_APPROVAL, ap2, KISCRM_APPROVAL_APPROVER_ROLE, "general_manager");

	/* 50,000.00 is the rep's own limit; one fen above it goes to the key-account specialist */
	kiscrm_id k3 = contract(w, "HT-2026-003", 5000000, NULL), k4 = contract(w, "HT-2026-004", 5000001, NULL);
	kiscrm_id ap3 = 0, ap4 = 0;
	assert_rc(KISCRM_OK, kiscrm_contract_submit(&ap3, db, k3, kc_test_time(T0)));
	assert_rc(KISCRM_OK, kiscrm_contract_submit(&ap4, db, k4, kc_test_time(T0)));
	assert_stored_text(db, KISCRM_KIND_APPROVAL, ap3, KISCRM_APPROVAL_REQUIRED_ROLE, "sales_rep");
	assert_stored_text(db, KISCRM_KIND_APPROVAL, ap4, KISCRM_APPROVAL_REQUIRED_ROLE, "key_account_specialist");
	/* rejecting needs no checklist but the same authority */
	assert_rc(KISCRM_OK, kiscrm_db_set_actor(db, w->rep));
	assert_rc(KISCRM_EINVALID, kiscrm_approval_decide(db, ap4, "rejected", NULL, NULL, kc_test_time(T1)));
	assert_rc(KISCRM_OK, kiscrm_approval_decide(db, ap3, "rejected", "交付周期太短", NULL, kc_test_time(T1)));
	assert_stored_text(db, KISCRM_KIND_CONTRACT, k3, KISCRM_CONTRACT_APPROVAL, "rejected");
}

/* --- guarded fields of a contract and the approval field ---------------------------------- */

static void test_contract_guard(void **state)
{
	world *w = *state;
	kiscrm_db *db = w->db;
	/* first stored approved: an approval given before this database (imports) */
	kiscrm_id old = contract(w, "HT-2025-100", 90000000, "approved");
	assert_stored_text(db, KISCRM_KIND_CONTRACT, old, KISCRM_CONTRACT_APPROVAL, "approved");
	/* a stored draft is not approved by writing the field, whatever the amount */
	kiscrm_id k = contract(w, "HT-2026-010", 1000000, NULL);
	assert_rc(KISCRM_EINVALID, kc_test_update_text(db, KISCRM_KIND_CONTRACT, k, KISCRM_CONTRACT_APPROVAL, "approved"));
	assert_string_equal("approval", kiscrm_error_last()->field);
	assert_msg_has("kiscrm_contract_submit");
	assert_rc(KISCRM_EINVALID, kc_test_update_text(db, KISCRM_KIND_CONTRACT, k, KISCRM_CONTRACT_APPROVAL, "pending"));
	assert_stored_text(db, KISCRM_KIND_CONTRACT, k, KISCRM_CONTRACT_APPROVAL, "draft");

	kiscrm_id ap = 0;
	assert_rc(KISCRM_OK, kiscrm_contract_submit(&ap, db, k, kc_test_time(T0)));
	/* pending: amount, terms and the approval field are locked */
	assert_rc(KISCRM_ECONFLICT, kc_test_update_int(db, KISCRM_KIND_CONTRACT, k, KISCRM_CONTRACT_AMOUNT, 1200000));
	assert_string_equal("amount", kiscrm_error_last()->field);
	assert_rc(KISCRM_ECONFLICT, kc_test_update_text(db, KISCRM_KIND_CONTRACT, k, KISCRM_CONTRACT_PAYMENT_TERMS, "一次付清"));
	assert_string_equal("payment_terms", kiscrm_error_last()->field);
	assert_rc(KISCRM_ECONFLICT, kc_test_update_text(db, KISCRM_KIND_CONTRACT, k, KISCRM_CONTRACT_APPROVAL, "draft"));
	assert_int_equal(1000000, kc_test_stored_int(db, KISCRM_KIND_CONTRACT, k, KISCRM_CONTRACT_AMOUNT));
	/* other fields stay free */
	assert_rc(KISCRM_OK, kc_test_update_text(db, KISCRM_KIND_CONTRACT, k, KISCRM_CONTRACT_PRODUCT_LINE, "standard"));

	assert_rc(KISCRM_OK, kiscrm_db_set_actor(db, w->sup));
	assert_rc(KISCRM_OK, kiscrm_approval_decide(db, ap, "approved", NULL, ALL_SIX, kc_test_time(T1)));
	/* approved, then the amount changes: superseded, back to draft */
	assert_rc(KISCRM_OK, kc_test_update_int(db, KISCRM_KIND_CONTRACT, k, KISCRM_CONTRACT_AMOUNT, 1200000));
	assert_stored_text(db, KISCRM_KIND_APPROVAL, ap, KISCRM_APPROVAL_STATUS, "superseded");
	assert_stored_text(db, KISCRM_KIND_CONTRACT, k, KISCRM_CONTRACT_APPROVAL, "draft");
	/* and the superseded approval covers nothing */
	assert_rc(KISCRM_EINVALID, kc_test_update_text(db, KISCRM_KIND_CONTRACT, k, KISCRM_CONTRACT_APPROVAL, "approved"));
	/* the contract stored approved as history: a change of its terms puts it back to draft */
	assert_rc(KISCRM_OK, kc_test_update_text(db, KISCRM_KIND_CONTRACT, old, KISCRM_CONTRACT_PAYMENT_TERMS, "一次付清"));
	assert_stored_text(db, KISCRM_KIND_CONTRACT, old, KISCRM_CONTRACT_APPROVAL, "draft");
	/* a withdrawn (deleted) pending approval unlocks its contract */
	assert_rc(KISCRM_OK, kiscrm_contract_submit(&ap, db, k, kc_test_time(T2)));
	assert_rc(KISCRM_OK, kiscrm_record_delete(db, KISCRM_KIND_APPROVAL, ap, 0));
	assert_stored_text(db, KISCRM_KIND_CONTRACT, k, KISCRM_CONTRACT_APPROVAL, "draft");
}

/* --- bad input ---------------------------------------------------------------------------- */

static void test_bad_input(void **state)
{
	world *w = *state;
	kiscrm_db *db = w->db;
	size_t products = kc_test_count(db, KISCRM_KIND_PRODUCT, NULL);
	kiscrm_record *p = kc_test_rec(KISCRM_KIND_PRODUCT);
	kiscrm_record_set_text(p, KISCRM_PRODUCT_CODE, "X-1");
	kiscrm_record_set_text(p, KISCRM_PRODUCT_NAME, "云ERP");
	kiscrm_record_set_text(p, KISCRM_PRODUCT_PRODUCT_LINE, "cloud_erp");
	kiscrm_record_set_int(p, KISCRM_PRODUCT_LIST_PRICE, 100);
	assert_rc(KISCRM_EINVALID, kiscrm_record_insert(db, p));
	assert_string_equal("product_line", kiscrm_error_last()->field);
	kiscrm_record_set_text(p, KISCRM_PRODUCT_PRODUCT_LINE, "mini");
	kiscrm_record_set_int(p, KISCRM_PRODUCT_LIST_PRICE, -1);
	assert_rc(KISCRM_EINVALID, kiscrm_record_insert(db, p));
	assert_string_equal("list_price", kiscrm_error_last()->field);
	kiscrm_record_set_int(p, KISCRM_PRODUCT_LIST_PRICE, 100);
	kiscrm_record_set_text(p, KISCRM_PRODUCT_CODE, "KIS-MINI");
	assert_rc(KISCRM_EEXISTS, kiscrm_record_insert(db, p));
	assert_string_equal("code", kiscrm_error_last()->field);
	kiscrm_record_free(p);
	assert_int_equal(products, kc_test_count(db, KISCRM_KIND_PRODUCT, NULL));

	kiscrm_id q = quote(w);
	assert_rc(KISCRM_ENOTFOUND, line(w, q, 9999, 1, -1, 0, NULL));
	assert_string_equal("product_id", kiscrm_error_last()->field);
	assert_rc(KISCRM_EINVALID, line(w, q, w->std, 1, -1, 10001, NULL));
	assert_string_equal("discount_bp", kiscrm_error_last()->field);
	assert_rc(KISCRM_EINVALID, line(w, q, w->std, 1, -1, -1, NULL));
	assert_string_equal("discount_bp", kiscrm_error_last()->field);
	assert_rc(KISCRM_EINVALID, line(w, q, w->std, 0, -1, 0, NULL));
	assert_string_equal("quantity", kiscrm_error_last()->field);
	assert_rc(KISCRM_ENOTFOUND, line(w, 9999, w->std, 1, -1, 0, NULL));
	/* a quantity whose amount leaves the money range: 9,800.00 × 10^12 */
	assert_rc(KISCRM_EINVALID, line(w, q, w->std, INT64_C(1000000000000), -1, 0, NULL));
	assert_int_equal(0, kc_test_count(db, KISCRM_KIND_QUOTE_LINE, NULL));
	assert_int_equal(0, kc_test_stored_int(db, KISCRM_KIND_QUOTE, q, KISCRM_QUOTE_NET_TOTAL));
	/* a withdrawn product takes no new lines */
	assert_rc(KISCRM_OK, kc_test_update_int(db, KISCRM_KIND_PRODUCT, w->mini, KISCRM_PRODUCT_ACTIVE, 0));
	assert_rc(KISCRM_EINVALID, line(w, q, w->mini, 1, -1, 0, NULL));

	/* nothing to approve, no time, no such subject */
	assert_rc(KISCRM_EINVALID, kiscrm_quote_submit(NULL, db, q, kc_test_time(T0)));
	assert_rc(KISCRM_EINVALID, kiscrm_quote_submit(NULL, db, q, 0));
	assert_rc(KISCRM_ENOTFOUND, kiscrm_quote_submit(NULL, db, 9999, kc_test_time(T0)));
	assert_rc(KISCRM_ENOTFOUND, kiscrm_contract_submit(NULL, db, 9999, kc_test_time(T0)));
	assert_rc(KISCRM_ENOTFOUND, kiscrm_approval_decide(db, 9999, "approved", NULL, NULL, kc_test_time(T0)));
	assert_rc(KISCRM_EINVALID, kiscrm_quote_submit(NULL, NULL, q, kc_test_time(T0)));

	/* an approval is not written as a plain record */
	kiscrm_record *a = kc_test_rec(KISCRM_KIND_APPROVAL);
	kiscrm_record_set_text(a, KISCRM_APPROVAL_SUBJECT, "quote");
	kiscrm_record_set_int(a, KISCRM_APPROVAL_QUOTE_ID, q);
	kiscrm_record_set_text(a, KISCRM_APPROVAL_STATUS, "approved");
	kiscrm_record_set_int(a, KISCRM_APPROVAL_SUBMITTED, kc_test_time(T0));
	assert_rc(KISCRM_EINVALID, kiscrm_record_insert(db, a));
	assert_msg_has("kiscrm_approval_decide");
	kiscrm_record_free(a);
	assert_int_equal(0, kc_test_count(db, KISCRM_KIND_APPROVAL, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_price_edges, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_quote_totals, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_price_approval, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_quote_lock_and_supersede, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_contract_limits, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_contract_guard, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_bad_input, setup, kc_test_fx_teardown),
	};
	return kc_test_run_both(tests);
}
