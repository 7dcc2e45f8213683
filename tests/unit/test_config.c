/* Configuration: the YAML tree helpers (src/config/yaml_tree.h) on inline documents, the
 * built-in defaults against doc/domain.md §1–2 and §16, and every bad fixture directory of
 * tests/data/config/ with the position worked out by hand from the fixture. */
#include "helpers.h"

#include <stdio.h>
#include <string.h>

#include "config/config_internal.h"
#include "config/yaml_tree.h"

/* ------------------------------------------------------------------------------------ */
/* Helpers                                                                               */

static kc_yaml_doc *parse_ok(const char *text)
{
	kc_yaml_doc *doc = NULL;
	assert_rc(KISCRM_OK, kc_yaml_parse(&doc, "t.yaml", text, strlen(text)));
	assert_non_null(doc);
	assert_non_null(doc->root);
	return doc;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t a = s ? strlen(s) : 0, b = strlen(suffix);
	return s && a >= b && strcmp(s + a - b, suffix) == 0;
}

/* Checks the last error: code, position, field, value and that the message quotes. */
static void check_error(int code, const char *file_suffix, int line, int column,
			const char *field, const char *value, const char *msg_part)
{
	const kiscrm_error *e = kiscrm_error_last();

	assert_int_equal(e->code, code);
	if (file_suffix) {
		assert_non_null(e->file);
		if (!ends_with(e->file, file_suffix))
			fail_msg("error file '%s' does not end with '%s'", e->file, file_suffix);
	}
	assert_int_equal(e->line, line);
	assert_int_equal(e->column, column);
	if (field)
		assert_string_equal(e->field, field);
	else
		assert_null(e->field);
	if (value)
		assert_string_equal(e->value, value);
	else
		assert_null(e->value);
	if (msg_part && !strstr(e->message, msg_part))
		fail_msg("message '%s' does not mention '%s'", e->message, msg_part);
}

static const char *fixture(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/config/%s", kc_test_data_dir(), name);
	return buf;
}

/* Loads fixture directory @name and expects KISCRM_ECONFIG. */
static void load_bad(const char *name)
{
	char dir[1024];
	kiscrm_config *cfg = (kiscrm_config *)1;

	assert_rc(KISCRM_ECONFIG, kiscrm_config_load(&cfg, fixture(dir, sizeof(dir), name)));
	assert_null(cfg);
}

/* ------------------------------------------------------------------------------------ */
/* YAML tree                                                                             */

static void test_yaml_tree_positions(void **state)
{
	(void)state;
	kc_yaml_doc *doc = parse_ok("a:\n  b: [1, two]\n  c: {d: x}\n");
	const kc_yaml_node *a = kc_yaml_map_get(doc->root, "a");
	const kc_yaml_node *b = kc_yaml_map_get(a, "b");
	const kc_yaml_node *c = kc_yaml_map_get(a, "c");

	assert_int_equal(doc->root->kind, KC_YAML_MAPPING);
	assert_string_equal(doc->root->path, "");
	assert_non_null(a);
	assert_int_equal(a->kind, KC_YAML_MAPPING);
	/* "  b: [1, two]": the sequence opens at column 6 of line 2; "two" at column 10. */
	assert_int_equal(b->kind, KC_YAML_SEQUENCE);
	assert_int_equal(b->line, 2);
	assert_int_equal(b->column, 6);
	assert_int_equal(kc_yaml_count(b), 2);
	assert_string_equal(kc_yaml_item(b, 1)->text, "two");
	assert_string_equal(kc_yaml_item(b, 1)->path, "a.b[1]");
	assert_int_equal(kc_yaml_item(b, 1)->line, 2);
	assert_int_equal(kc_yaml_item(b, 1)->column, 10);
	assert_null(kc_yaml_item(b, 2));
	/* "  c: {d: x}": "x" is at column 10 of line 3. */
	const kc_yaml_node *x = kc_yaml_map_get(c, "d");
	assert_string_equal(x->path, "a.c.d");
	assert_int_equal(x->line, 3);
	assert_int_equal(x->column, 10);
	assert_non_null(kc_yaml_map_key(c, "d"));
	assert_null(kc_yaml_map_get(c, "nope"));
	assert_true(kc_yaml_scalar_is(x, "x"));
	assert_false(kc_yaml_scalar_is(x, "y"));
	assert_int_equal(kc_yaml_count(x), 0);
	kc_yaml_doc_free(doc);
}

static void test_yaml_empty_and_null(void **state)
{
	(void)state;
	kc_yaml_doc *doc = parse_ok("");
	assert_int_equal(doc->root->kind, KC_YAML_MAPPING);
	assert_int_equal(kc_yaml_count(doc->root), 0);
	assert_int_equal(doc->root->line, 1);
	assert_int_equal(doc->root->column, 1);
	kc_yaml_doc_free(doc);

	doc = parse_ok("# only a comment\n");
	assert_int_equal(kc_yaml_count(doc->root), 0);
	kc_yaml_doc_free(doc);

	/* Null values count as absent for optional keys, and as missing for required. */
	doc = parse_ok("a: ~\nb:\nc: ''\n");
	const char *s = "default";
	assert_rc(KISCRM_OK, kc_yaml_get_str(&s, doc->root, "a", KC_YAML_OPTIONAL));
	assert_string_equal(s, "default");
	assert_rc(KISCRM_OK, kc_yaml_get_str(&s, doc->root, "b", KC_YAML_OPTIONAL));
	assert_string_equal(s, "default");
	assert_rc(KISCRM_ECONFIG, kc_yaml_get_str(&s, doc->root, "a", KC_YAML_REQUIRED));
	/* "a: ~": the value is at line 1, column 4. */
	check_error(KISCRM_ECONFIG, "t.yaml", 1, 4, "a", "~", "has no value");
	/* A quoted empty string is a value, but not valid display text. */
	assert_rc(KISCRM_OK, kc_yaml_get_str(&s, doc->root, "c", KC_YAML_REQUIRED));
	assert_string_equal(s, "");
	assert_rc(KISCRM_ECONFIG, kc_yaml_get_text(&s, doc->root, "c", KC_YAML_REQUIRED));
	check_error(KISCRM_ECONFIG, "t.yaml", 3, 4, "c", "", "must not be empty");
	/* Missing required key: reported at the mapping (line 1, column 1). */
	assert_rc(KISCRM_ECONFIG, kc_yaml_get_str(&s, doc->root, "zz", KC_YAML_REQUIRED));
	check_error(KISCRM_ECONFIG, "t.yaml", 1, 1, "zz", NULL, "missing required key 'zz'");
	kc_yaml_doc_free(doc);
}

static void test_yaml_scalars(void **state)
{
	(void)state;
	kc_yaml_doc *doc = parse_ok("m:\n"
				    "  n: 12\n"
				    "  big: 13\n"
				    "  neg: -5\n"
				    "  f: 1.5\n"
				    "  t: Yes\n"
				    "  o: off\n"
				    "  bad: maybe\n"
				    "  id: Direct\n"
				    "  day: tue\n");
	const kc_yaml_node *m = kc_yaml_map_get(doc->root, "m");
	int64_t v = -1;
	int b = -1;
	const char *s = NULL;
	static const char *const days[] = { "mon", "tue", NULL };
	int idx = -1;

	assert_rc(KISCRM_OK, kc_yaml_get_int(&v, m, "n", KC_YAML_REQUIRED, 1, 12));
	assert_int_equal(v, 12);
	assert_rc(KISCRM_OK, kc_yaml_get_int(&v, m, "neg", KC_YAML_REQUIRED, -10, 10));
	assert_int_equal(v, -5);
	assert_rc(KISCRM_OK, kc_yaml_get_int(&v, m, "absent", KC_YAML_OPTIONAL, 1, 12));
	assert_int_equal(v, -5); /* untouched */
	/* "  big: 13": value at line 3, column 8. */
	assert_rc(KISCRM_ECONFIG, kc_yaml_get_int(&v, m, "big", KC_YAML_REQUIRED, 1, 12));
	check_error(KISCRM_ECONFIG, "t.yaml", 3, 8, "m.big", "13", "13 is out of range (1..12)");
	assert_rc(KISCRM_ECONFIG, kc_yaml_get_int(&v, m, "f", KC_YAML_REQUIRED, 0, 9));
	check_error(KISCRM_ECONFIG, "t.yaml", 5, 6, "m.f", "1.5", "'1.5' is not an integer");

	assert_rc(KISCRM_OK, kc_yaml_get_bool(&b, m, "t", KC_YAML_REQUIRED));
	assert_int_equal(b, 1);
	assert_rc(KISCRM_OK, kc_yaml_get_bool(&b, m, "o", KC_YAML_REQUIRED));
	assert_int_equal(b, 0);
	assert_rc(KISCRM_ECONFIG, kc_yaml_get_bool(&b, m, "bad", KC_YAML_REQUIRED));
	check_error(KISCRM_ECONFIG, "t.yaml", 8, 8, "m.bad", "maybe", "'maybe' is not a boolean");

	assert_rc(KISCRM_ECONFIG, kc_yaml_get_ident(&s, m, "id", KC_YAML_REQUIRED));
	check_error(KISCRM_ECONFIG, "t.yaml", 9, 7, "m.id", "Direct", "'Direct' is not a valid key");

	assert_rc(KISCRM_OK, kc_yaml_get_enum(&idx, m, "day", KC_YAML_REQUIRED, days));
	assert_int_equal(idx, 1);
	assert_rc(KISCRM_ECONFIG, kc_yaml_get_enum(&idx, m, "n", KC_YAML_REQUIRED, days));
	check_error(KISCRM_ECONFIG, "t.yaml", 2, 6, "m.n", "12", "'12' is not one of: mon, tue");

	/* Kind mismatches. */
	const kc_yaml_node *seq = NULL;
	assert_rc(KISCRM_ECONFIG, kc_yaml_get_seq(&seq, doc->root, "m", KC_YAML_REQUIRED));
	check_error(KISCRM_ECONFIG, "t.yaml", 2, 3, "m", NULL, "expected a sequence, found a mapping");
	assert_rc(KISCRM_ECONFIG, kc_yaml_get_map(&seq, m, "n", KC_YAML_REQUIRED));
	check_error(KISCRM_ECONFIG, "t.yaml", 2, 6, "m.n", "12", "expected a mapping");
	assert_rc(KISCRM_OK, kc_yaml_get_map(&seq, m, "absent", KC_YAML_OPTIONAL));
	assert_null(seq);

	static const char *const keys[] = { "n", "big", NULL };
	assert_rc(KISCRM_ECONFIG, kc_yaml_map_check(m, keys));
	/* First unknown key is "neg" at line 4, column 3. */
	check_error(KISCRM_ECONFIG, "t.yaml", 4, 3, "m.neg", "neg",
		    "unknown key 'neg' (expected one of: n, big)");
	kc_yaml_doc_free(doc);
}

static void test_yaml_money_percent(void **state)
{
	(void)state;
	kc_yaml_doc *doc = parse_ok("p1: 5%\n"
				    "p2: 12.5 %\n"
				    "p3: 0.25\n"
				    "p4: 5\n"
				    "p5: 12.345%\n"
				    "p6: -1%\n"
				    "p7: lots\n"
				    "m1: 1,234.50\n"
				    "m2: 500000.00\n"
				    "m3: 1.005\n");
	int bp = 0;
	kiscrm_money m = 0;

	assert_rc(KISCRM_OK, kc_yaml_get_percent_bp(&bp, doc->root, "p1", 1, 0, 10000));
	assert_int_equal(bp, 500);
	assert_rc(KISCRM_OK, kc_yaml_get_percent_bp(&bp, doc->root, "p2", 1, 0, 10000));
	assert_int_equal(bp, 1250); /* 12.5 % = 1250 bp */
	assert_rc(KISCRM_OK, kc_yaml_get_percent_bp(&bp, doc->root, "p3", 1, 0, 10000));
	assert_int_equal(bp, 25);
	assert_rc(KISCRM_OK, kc_yaml_get_percent_bp(&bp, doc->root, "p4", 1, 0, 10000));
	assert_int_equal(bp, 500);
	assert_rc(KISCRM_ECONFIG, kc_yaml_get_percent_bp(&bp, doc->root, "p5", 1, 0, 10000));
	check_error(KISCRM_ECONFIG, "t.yaml", 5, 5, "p5", "12.345%", "'12.345%' is not a percentage");
	assert_rc(KISCRM_ECONFIG, kc_yaml_get_percent_bp(&bp, doc->root, "p6", 1, 0, 10000));
	check_error(KISCRM_ECONFIG, "t.yaml", 6, 5, "p6", "-1%", "out of range (0%..100%)");
	assert_rc(KISCRM_ECONFIG, kc_yaml_get_percent_bp(&bp, doc->root, "p7", 1, 0, 10000));
	check_error(KISCRM_ECONFIG, "t.yaml", 7, 5, "p7", "lots", "'lots'");

	assert_rc(KISCRM_OK, kc_yaml_get_money(&m, doc->root, "m1", 1, 2, 0, INT64_MAX));
	assert_int_equal(m, 123450);
	/* Trailing fraction zeros do not count against the decimals: 500000 with 0. */
	assert_rc(KISCRM_OK, kc_yaml_get_money(&m, doc->root, "m2", 1, 0, 0, INT64_MAX));
	assert_int_equal(m, 500000);
	assert_rc(KISCRM_OK, kc_yaml_get_money(&m, doc->root, "m2", 1, 2, 0, INT64_MAX));
	assert_int_equal(m, 50000000);
	assert_rc(KISCRM_ECONFIG, kc_yaml_get_money(&m, doc->root, "m3", 1, 2, 0, INT64_MAX));
	check_error(KISCRM_ECONFIG, "t.yaml", 10, 5, "m3", "1.005", "'1.005'");
	assert_rc(KISCRM_ECONFIG, kc_yaml_get_money(&m, doc->root, "m1", 1, 2, 0, 100000));
	check_error(KISCRM_ECONFIG, "t.yaml", 8, 5, "m1", "1,234.50", "out of range (0.00..1000.00)");
	kc_yaml_doc_free(doc);
}

static void test_yaml_rejects(void **state)
{
	(void)state;
	kc_yaml_doc *doc = (kc_yaml_doc *)1;
	const char *t;

	/* Duplicate mapping key: the second "a" at line 2, column 1. */
	t = "a: 1\na: 2\n";
	assert_rc(KISCRM_ECONFIG, kc_yaml_parse(&doc, "t.yaml", t, strlen(t)));
	assert_null(doc);
	check_error(KISCRM_ECONFIG, "t.yaml", 2, 1, "a", "a", "duplicate key 'a'");

	/* Anchor on a scalar: the event starts at the '&' (line 1, column 4). */
	t = "a: &x 1\nb: *x\n";
	assert_rc(KISCRM_ECONFIG, kc_yaml_parse(&doc, "t.yaml", t, strlen(t)));
	check_error(KISCRM_ECONFIG, "t.yaml", 1, 4, NULL, "x", "anchors");
	/* Alias alone: line 1, column 4. */
	t = "b: *x\n";
	assert_rc(KISCRM_ECONFIG, kc_yaml_parse(&doc, "t.yaml", t, strlen(t)));
	check_error(KISCRM_ECONFIG, "t.yaml", 1, 4, NULL, "x", "aliases");

	/* A second document starts at its "---" (line 2, column 1). */
	t = "a: 1\n---\nb: 2\n";
	assert_rc(KISCRM_ECONFIG, kc_yaml_parse(&doc, "t.yaml", t, strlen(t)));
	check_error(KISCRM_ECONFIG, "t.yaml", 2, 1, NULL, NULL, "only one YAML document");

	/* "\0" escape: the quoted scalar at line 1, column 4. */
	t = "a: \"x\\0y\"\n";
	assert_rc(KISCRM_ECONFIG, kc_yaml_parse(&doc, "t.yaml", t, strlen(t)));
	check_error(KISCRM_ECONFIG, "t.yaml", 1, 4, "a", NULL, "NUL");

	/* A mapping key that is a sequence ("? [k]" at line 1: the key starts at column 3). */
	t = "? [k]\n: 1\n";
	assert_rc(KISCRM_ECONFIG, kc_yaml_parse(&doc, "t.yaml", t, strlen(t)));
	check_error(KISCRM_ECONFIG, "t.yaml", 1, 3, NULL, NULL, "mapping keys must be plain text");

	/* Invalid UTF-8: the 0xFF byte is at offset 3, i.e. line 1, column 4. */
	t = "a: \xff\n";
	assert_rc(KISCRM_ECONFIG, kc_yaml_parse(&doc, "t.yaml", t, strlen(t)));
	check_error(KISCRM_ECONFIG, "t.yaml", 1, 4, NULL, NULL, "invalid input");

	/* 65 nested sequences: the 65th '[' (column 65) exceeds KC_YAML_MAX_DEPTH = 64. */
	char deep[200];
	memset(deep, '[', 65);
	memset(deep + 65, ']', 65);
	deep[130] = '\0';
	assert_rc(KISCRM_ECONFIG, kc_yaml_parse(&doc, "t.yaml", deep, strlen(deep)));
	check_error(KISCRM_ECONFIG, "t.yaml", 1, 65, NULL, NULL, "too deep");
	/* 64 levels are fine. */
	memset(deep, '[', 64);
	memset(deep + 64, ']', 64);
	deep[128] = '\0';
	assert_rc(KISCRM_OK, kc_yaml_parse(&doc, "t.yaml", deep, strlen(deep)));
	kc_yaml_doc_free(doc);

	/* Syntax error: "]" cannot follow a block mapping value (line 1, column 4). */
	t = "a: ]\n";
	assert_rc(KISCRM_ECONFIG, kc_yaml_parse(&doc, "t.yaml", t, strlen(t)));
	assert_null(doc);
	assert_int_equal(kiscrm_error_last()->line, 1);
	assert_int_equal(kiscrm_error_last()->column, 4);
	assert_non_null(strstr(kiscrm_error_last()->message, "t.yaml:1:4: syntax error"));

	/* NULL arguments. */
	assert_rc(KISCRM_EINVALID, kc_yaml_parse(NULL, "t.yaml", "a: 1", 4));
	assert_rc(KISCRM_EINVALID, kc_yaml_parse(&doc, NULL, "a: 1", 4));
	assert_rc(KISCRM_EINVALID, kc_yaml_parse(&doc, "t.yaml", NULL, 4));
	kc_yaml_doc_free(NULL);
}

/* ------------------------------------------------------------------------------------ */
/* Defaults                                                                              */

static void check_dim(const kiscrm_config *cfg, int dim, int strict, const char *const *keys,
		      const char *const *zh, size_t n)
{
	assert_int_equal(kiscrm_config_dim_count(cfg, dim), n);
	assert_int_equal(kiscrm_config_dim_strict(cfg, dim), strict);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(kiscrm_config_dim_key(cfg, dim, i), keys[i]);
		assert_string_equal(kiscrm_config_dim_name(cfg, dim, i, "zh"), zh[i]);
		assert_int_equal(kiscrm_config_dim_find(cfg, dim, keys[i]), (int)i);
	}
	assert_null(kiscrm_config_dim_key(cfg, dim, n));
	assert_null(kiscrm_config_dim_name(cfg, dim, n, "zh"));
}

static void check_defaults(const kiscrm_config *cfg)
{
	static const char *const bl_keys[] = { "direct", "distribution", "service" };
	static const char *const bl_zh[] = { "直销", "分销", "服务" };
	static const char *const pl_keys[] = { "professional", "mini", "standard", "commerce",
					       "new_products" };
	static const char *const pl_zh[] = { "专业版", "迷你版", "标准版", "商贸版", "新产品" };
	static const char *const rg_keys[] = { "north", "east", "south", "central", "southwest",
					       "northwest", "northeast" };
	static const char *const rg_zh[] = { "华北", "华东", "华南", "华中", "西南", "西北", "东北" };
	static const char *const in_keys[] = { "manufacturing", "trade", "services", "construction",
					       "it", "retail", "logistics", "other" };
	static const char *const in_zh[] = { "制造业", "商贸", "服务业", "建筑", "信息技术", "零售",
					     "物流", "其他" };

	check_dim(cfg, KISCRM_DIM_BUSINESS_LINE, 1, bl_keys, bl_zh, 3);
	check_dim(cfg, KISCRM_DIM_PRODUCT_LINE, 0, pl_keys, pl_zh, 5);
	check_dim(cfg, KISCRM_DIM_REGION, 0, rg_keys, rg_zh, 7);
	check_dim(cfg, KISCRM_DIM_INDUSTRY, 0, in_keys, in_zh, 8);
	assert_string_equal(kiscrm_config_dim_name(cfg, KISCRM_DIM_BUSINESS_LINE, 0, "en"),
			    "Direct sales");
	/* Any language but "zh" gives English. */
	assert_string_equal(kiscrm_config_dim_name(cfg, KISCRM_DIM_PRODUCT_LINE, 0, "fr"),
			    "Professional");
	assert_string_equal(kiscrm_config_dim_name(cfg, KISCRM_DIM_PRODUCT_LINE, 0, NULL),
			    "Professional");
}

/* Role limits of doc/domain.md §16 in basis points and fen (2 decimals):
 * 20% = 2000 bp, 10% = 1000 bp, 5% = 500 bp;
 * 500000.00 = 50,000,000 fen, 200000.00 = 20,000,000 fen, 50000.00 = 5,000,000 fen. */
static const struct {
	const char *key, *zh;
	int bp;
	kiscrm_money contract;
	int budget;
} expected_roles[] = {
	{ "general_manager", "总经理", -1, -1, 1 },
	{ "department_manager", "部门经理", 2000, 50000000, 1 },
	{ "key_account_manager", "大客户部经理", 2000, 50000000, 0 },
	{ "supervisor", "销售主管", 1000, 20000000, 0 },
	{ "sales_rep", "销售代表", 500, 5000000, 0 },
	{ "opportunity_desk", "商机管理专员", 0, 0, 0 },
	{ "presales", "售前工程师", 0, 0, 0 },
	{ "service", "服务/实施", 0, 0, 0 },
	{ "partner", "二级渠道伙伴", 0, 0, 0 },
	/* 30% = 3000 bp, 15% = 1500 bp; 2000000.00 = 200,000,000 fen, 300000.00 = 30,000,000,
	 * 100000.00 = 10,000,000 */
	{ "executive_general_manager", "执行总经理", 3000, 200000000, 1 },
	{ "technical_supervisor", "技术总监", 0, 0, 0 },
	{ "business_development_manager", "业务拓展经理", 1000, 20000000, 0 },
	{ "sales_manager", "销售经理", 1500, 30000000, 0 },
	{ "key_account_specialist", "大客户专员", 500, 10000000, 0 },
	{ "telemarketer", "电话营销员", 0, 0, 0 },
};

static void check_default_roles(const kiscrm_config *cfg)
{
	size_t n = sizeof(expected_roles) / sizeof(expected_roles[0]);

	assert_int_equal(kiscrm_config_role_count(cfg), n);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(kiscrm_config_role_key(cfg, i), expected_roles[i].key);
		assert_string_equal(kiscrm_config_role_name(cfg, i, "zh"), expected_roles[i].zh);
		assert_int_equal(kiscrm_config_role_find(cfg, expected_roles[i].key), (int)i);
		assert_int_equal(kiscrm_config_role_max_discount_bp(cfg, i), expected_roles[i].bp);
		assert_int_equal(kiscrm_config_role_max_contract(cfg, i), expected_roles[i].contract);
		assert_int_equal(kiscrm_config_role_approves_budget(cfg, i), expected_roles[i].budget);
	}
	assert_null(kiscrm_config_role_key(cfg, n));
	assert_null(kiscrm_config_role_name(cfg, n, "zh"));
	assert_int_equal(kiscrm_config_role_max_discount_bp(cfg, n), 0);
	assert_int_equal(kiscrm_config_role_max_contract(cfg, n), 0);
	assert_int_equal(kiscrm_config_role_approves_budget(cfg, n), 0);
	assert_string_equal(kiscrm_config_role_name(cfg, 4, "en"), "Sales representative");
}

static void test_default(void **state)
{
	(void)state;
	kiscrm_config *cfg = NULL;

	assert_rc(KISCRM_OK, kiscrm_config_load_default(&cfg));
	assert_non_null(cfg);
	assert_int_equal(kiscrm_config_week_start(cfg), 1);
	assert_int_equal(kiscrm_config_fiscal_year_start(cfg), 1);
	assert_string_equal(kiscrm_config_currency(cfg), "CNY");
	assert_int_equal(kiscrm_config_currency_decimals(cfg), 2);
	check_defaults(cfg);
	check_default_roles(cfg);

	/* Lookups that fail. */
	assert_rc(KISCRM_ENOTFOUND, kiscrm_config_dim_find(cfg, KISCRM_DIM_BUSINESS_LINE, "retail"));
	assert_non_null(strstr(kiscrm_error_last()->message, "'retail'"));
	assert_rc(KISCRM_ENOTFOUND, kiscrm_config_dim_find(cfg, 99, "direct"));
	assert_rc(KISCRM_ENOTFOUND, kiscrm_config_role_find(cfg, "ceo"));
	assert_non_null(strstr(kiscrm_error_last()->message, "'ceo'"));
	assert_int_equal(kiscrm_config_dim_count(cfg, 0), 0);
	assert_int_equal(kiscrm_config_dim_count(cfg, 5), 0);
	assert_null(kiscrm_config_dim_key(cfg, 5, 0));
	assert_int_equal(kiscrm_config_dim_strict(cfg, 5), 0);
	kiscrm_config_free(cfg);
}

static void test_load_data_dir_equals_default(void **state)
{
	(void)state;
	kiscrm_config *cfg = NULL;

	assert_rc(KISCRM_OK, kiscrm_config_load(&cfg, kc_test_config_dir()));
	assert_int_equal(kiscrm_config_week_start(cfg), 1);
	assert_int_equal(kiscrm_config_fiscal_year_start(cfg), 1);
	assert_string_equal(kiscrm_config_currency(cfg), "CNY");
	assert_int_equal(kiscrm_config_currency_decimals(cfg), 2);
	check_defaults(cfg);
	check_default_roles(cfg);
	kiscrm_config_free(cfg);
}

static void test_override(void **state)
{
	(void)state;
	char dir[1024];
	kiscrm_config *cfg = NULL;

	assert_rc(KISCRM_OK, kiscrm_config_load(&cfg, fixture(dir, sizeof(dir), "override")));
	assert_int_equal(kiscrm_config_week_start(cfg), 7);
	assert_int_equal(kiscrm_config_fiscal_year_start(cfg), 4);
	assert_string_equal(kiscrm_config_currency(cfg), "JPY");
	assert_int_equal(kiscrm_config_currency_decimals(cfg), 0);
	/* Dimensions stay default; roles default too, read with 0 decimals:
	 * 500000.00 → 500000 yen, 50000.00 → 50000. */
	check_defaults(cfg);
	assert_int_equal(kiscrm_config_role_max_contract(cfg, 1), 500000);
	assert_int_equal(kiscrm_config_role_max_contract(cfg, 4), 50000);
	assert_int_equal(kiscrm_config_role_max_discount_bp(cfg, 4), 500);
	kiscrm_config_free(cfg);
}

/* ------------------------------------------------------------------------------------ */
/* Bad fixtures                                                                          */

static void test_bad_dup_key(void **state)
{
	(void)state;
	load_bad("dup_key");
	/* Line 11 "    - key: direct": 6 characters of "    - ", then "key: " → column 12. */
	check_error(KISCRM_ECONFIG, "/dup_key/dimensions.yaml", 11, 12,
		    "business_lines.items[2].key", "direct", "duplicate key 'direct'");
	assert_non_null(strstr(kiscrm_error_last()->message,
			       "dimensions.yaml:11:12: business_lines.items[2].key:"));
}

static void test_bad_dup_map_key(void **state)
{
	(void)state;
	load_bad("dup_map_key");
	/* Line 5 "    zh: 老板二": the second key "zh" at column 5. */
	check_error(KISCRM_ECONFIG, "/dup_map_key/roles.yaml", 5, 5, "roles[0].zh", "zh",
		    "duplicate key 'zh'");
}

static void test_bad_week(void **state)
{
	(void)state;
	load_bad("bad_week");
	/* Line 2 "  week_start: someday": 2 + 12 characters before the value → column 15. */
	check_error(KISCRM_ECONFIG, "/bad_week/settings.yaml", 2, 15, "calendar.week_start",
		    "someday", "'someday' is not a weekday");
}

static void test_bad_discount(void **state)
{
	(void)state;
	load_bad("bad_discount");
	/* Line 5 "    max_discount: 150%": 4 + 14 characters before → column 19. */
	check_error(KISCRM_ECONFIG, "/bad_discount/roles.yaml", 5, 19, "roles[0].max_discount",
		    "150%", "'150%' is out of range");
}

/* max_discount_by_line names a product line that dimensions.yaml does not have. */
static void test_bad_line_discount(void **state)
{
	(void)state;
	load_bad("bad_line_discount");
	/* Line 6 "      cloud_erp: 15%": the key at column 7. */
	check_error(KISCRM_ECONFIG, "/bad_line_discount/roles.yaml", 6, 7,
		    "roles[0].max_discount_by_line.cloud_erp", "cloud_erp",
		    "'cloud_erp' is not a product line of dimensions.yaml");
	load_bad("bad_line_percent");
	/* Line 6 "      mini: 101%": 6 + 6 characters before the value → column 13. */
	check_error(KISCRM_ECONFIG, "/bad_line_percent/roles.yaml", 6, 13,
		    "roles[0].max_discount_by_line.mini", "101%", "'101%' is out of range");
}

/* The default per-line limits: sales_rep 8% = 800 bp and supervisor 15% = 1500 bp on
 * new_products; every other line and role falls back to max_discount. */
static void test_line_discounts(void **state)
{
	(void)state;
	kiscrm_config *cfg = NULL;
	assert_rc(KISCRM_OK, kiscrm_config_load_default(&cfg));
	int rep = kiscrm_config_role_find(cfg, "sales_rep"), sup = kiscrm_config_role_find(cfg, "supervisor");
	int gm = kiscrm_config_role_find(cfg, "general_manager");
	assert_int_equal(kiscrm_config_role_max_discount_line_bp(cfg, (size_t)rep, "new_products"), 800);
	assert_int_equal(kiscrm_config_role_max_discount_line_bp(cfg, (size_t)rep, "mini"), 500);
	assert_int_equal(kiscrm_config_role_max_discount_line_bp(cfg, (size_t)sup, "new_products"), 1500);
	assert_int_equal(kiscrm_config_role_max_discount_line_bp(cfg, (size_t)sup, "standard"), 1000);
	assert_int_equal(kiscrm_config_role_max_discount_line_bp(cfg, (size_t)sup, NULL), 1000);
	assert_int_equal(kiscrm_config_role_max_discount_line_bp(cfg, (size_t)sup, "no_such_line"), 1000);
	assert_int_equal(kiscrm_config_role_max_discount_line_bp(cfg, (size_t)gm, "new_products"), -1);
	assert_int_equal(kiscrm_config_role_max_discount_line_bp(cfg, 99, "mini"), 0);
	kiscrm_config_free(cfg);
}

static void test_bad_contract(void **state)
{
	(void)state;
	load_bad("bad_contract");
	/* Line 6 "    max_contract: 100.005": 4 + 14 characters before → column 19; three
	 * decimals but CNY has two. */
	check_error(KISCRM_ECONFIG, "/bad_contract/roles.yaml", 6, 19, "roles[0].max_contract",
		    "100.005", "'100.005'");
}

static void test_bad_unknown_key(void **state)
{
	(void)state;
	load_bad("unknown_key");
	/* Line 2 "  strcit: true": the key at column 3. */
	check_error(KISCRM_ECONFIG, "/unknown_key/dimensions.yaml", 2, 3, "business_lines.strcit",
		    "strcit", "unknown key 'strcit' (expected one of: strict, items)");
}

/* customers.yaml of a configuration directory: the roles, activity types and keys of its
 * care rules are checked at load, with file, line and column (the fixtures' own lines). */
static void test_bad_customers(void **state)
{
	(void)state;
	load_bad("care_bad_role");
	check_error(KISCRM_ECONFIG, "/care_bad_role/customers.yaml", 7, 20, "care.rules[0].responsible",
		    "quality_manager", "neither `owner` nor a role of roles.yaml");
	load_bad("care_bad_type");
	check_error(KISCRM_ECONFIG, "/care_bad_type/customers.yaml", 6, 31, "care.rules[0].activity_types[1]", "golf",
		    "not an activity type");
	load_bad("care_unknown_key");
	check_error(KISCRM_ECONFIG, "/care_unknown_key/customers.yaml", 8, 7, "care.rules[0].every", "every",
		    "unknown key 'every'");
	load_bad("value_bad_share");
	check_error(KISCRM_ECONFIG, "/value_bad_share/customers.yaml", 15, 12, "value.b_share", "20%",
		    "a_share + b_share exceed 100%");
	/* an attribution window must be at least a day: line 7 "    window_days: 0" */
	load_bad("campaign_bad_window");
	check_error(KISCRM_ECONFIG, "/campaign_bad_window/customers.yaml", 7, 18, "campaigns.attribution.window_days",
		    "0", NULL);
	/* service.yaml: overlapping working hours (line 5, the second span at column 29), a
	 * weight that is not a percentage (line 11 "amount: forty", column 22) */
	load_bad("service_overlap");
	check_error(KISCRM_ECONFIG, "/service_overlap/service.yaml", 5, 29, "calendar.hours.monday[1]", "12:00-18:00",
		    "overlaps");
	load_bad("service_weights");
	check_error(KISCRM_ECONFIG, "/service_weights/service.yaml", 11, 22, "presales.weights.amount", "forty", NULL);
	load_bad("campaign_dup_type");
	check_error(KISCRM_ECONFIG, "/campaign_dup_type/customers.yaml", 5, 14, "campaigns.types[1].key", "forum",
		    "market-activity type 'forum' is defined twice");
}

static void test_bad_missing_zh(void **state)
{
	(void)state;
	load_bad("missing_zh");
	/* The item mapping starts at its first key, line 3 "    - key: direct" → column 7. */
	check_error(KISCRM_ECONFIG, "/missing_zh/dimensions.yaml", 3, 7,
		    "business_lines.items[0].zh", NULL, "missing required key 'zh'");
}

static void test_bad_syntax(void **state)
{
	(void)state;
	load_bad("syntax");
	/* The quoted scalar opened on line 2 is never closed: the stream ends after the
	 * newline of line 2, i.e. at line 3, column 1. */
	check_error(KISCRM_ECONFIG, "/syntax/settings.yaml", 3, 1, NULL, NULL,
		    "while scanning a quoted scalar");
	assert_non_null(strstr(kiscrm_error_last()->message, "syntax error"));
}

static void test_missing_dir(void **state)
{
	(void)state;
	char dir[1024];
	kiscrm_config *cfg = (kiscrm_config *)1;

	fixture(dir, sizeof(dir), "does_not_exist");
	assert_rc(KISCRM_ENOTFOUND, kiscrm_config_load(&cfg, dir));
	assert_null(cfg);
	assert_non_null(strstr(kiscrm_error_last()->message, dir));
	/* A file is not a directory. */
	fixture(dir, sizeof(dir), "bad_week/settings.yaml");
	assert_rc(KISCRM_ENOTFOUND, kiscrm_config_load(&cfg, dir));
	assert_non_null(strstr(kiscrm_error_last()->message, "not a directory"));
}

static void test_load_file_or_default(void **state)
{
	(void)state;
	kc_yaml_doc *doc = NULL;
	char dir[1024];

	/* Absent from the directory: the default, named by its base name. */
	fixture(dir, sizeof(dir), "bad_week");
	assert_rc(KISCRM_OK, kc_config_load_file_or_default(dir, "roles.yaml", &doc));
	assert_string_equal(doc->file, "roles.yaml");
	kc_yaml_doc_free(doc);
	/* Present: the file, named by its path. */
	assert_rc(KISCRM_OK, kc_config_load_file_or_default(dir, "settings.yaml", &doc));
	assert_true(ends_with(doc->file, "/bad_week/settings.yaml"));
	kc_yaml_doc_free(doc);
	/* Neither. */
	assert_rc(KISCRM_ENOTFOUND, kc_config_load_file_or_default(dir, "nothing.yaml", &doc));
	assert_null(doc);
	assert_non_null(strstr(kiscrm_error_last()->message, "'nothing.yaml'"));
	assert_rc(KISCRM_ENOTFOUND, kc_config_load_file_or_default(NULL, "nothing.yaml", &doc));
	assert_rc(KISCRM_OK, kc_config_load_file_or_default(NULL, "settings.yaml", &doc));
	kc_yaml_doc_free(doc);
	assert_rc(KISCRM_EINVALID, kc_config_load_file_or_default(dir, NULL, &doc));
	assert_rc(KISCRM_EINVALID, kc_config_load_file_or_default(dir, "roles.yaml", NULL));
}

static void test_null_args(void **state)
{
	(void)state;
	kiscrm_config *cfg = NULL;

	assert_rc(KISCRM_EINVALID, kiscrm_config_load_default(NULL));
	assert_rc(KISCRM_EINVALID, kiscrm_config_load(NULL, "data"));
	assert_rc(KISCRM_EINVALID, kiscrm_config_load(&cfg, NULL));
	assert_null(cfg);
	kiscrm_config_free(NULL);

	/* A NULL configuration reads as the defaults and as empty lists. */
	assert_int_equal(kiscrm_config_week_start(NULL), 1);
	assert_int_equal(kiscrm_config_fiscal_year_start(NULL), 1);
	assert_string_equal(kiscrm_config_currency(NULL), "CNY");
	assert_int_equal(kiscrm_config_currency_decimals(NULL), 2);
	assert_int_equal(kiscrm_config_dim_count(NULL, KISCRM_DIM_REGION), 0);
	assert_null(kiscrm_config_dim_key(NULL, KISCRM_DIM_REGION, 0));
	assert_null(kiscrm_config_dim_name(NULL, KISCRM_DIM_REGION, 0, "zh"));
	assert_int_equal(kiscrm_config_dim_strict(NULL, KISCRM_DIM_REGION), 0);
	assert_rc(KISCRM_EINVALID, kiscrm_config_dim_find(NULL, KISCRM_DIM_REGION, "east"));
	assert_int_equal(kiscrm_config_role_count(NULL), 0);
	assert_null(kiscrm_config_role_key(NULL, 0));
	assert_null(kiscrm_config_role_name(NULL, 0, "zh"));
	assert_rc(KISCRM_EINVALID, kiscrm_config_role_find(NULL, "partner"));
	assert_int_equal(kiscrm_config_role_max_discount_bp(NULL, 0), 0);
	assert_int_equal(kiscrm_config_role_max_contract(NULL, 0), 0);
	assert_int_equal(kiscrm_config_role_approves_budget(NULL, 0), 0);

	assert_rc(KISCRM_OK, kiscrm_config_load_default(&cfg));
	assert_rc(KISCRM_EINVALID, kiscrm_config_dim_find(cfg, KISCRM_DIM_REGION, NULL));
	assert_rc(KISCRM_EINVALID, kiscrm_config_role_find(cfg, NULL));
	kiscrm_config_free(cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_yaml_tree_positions),
		cmocka_unit_test(test_yaml_empty_and_null),
		cmocka_unit_test(test_yaml_scalars),
		cmocka_unit_test(test_yaml_money_percent),
		cmocka_unit_test(test_yaml_rejects),
		cmocka_unit_test(test_default),
		cmocka_unit_test(test_load_data_dir_equals_default),
		cmocka_unit_test(test_override),
		cmocka_unit_test(test_bad_dup_key),
		cmocka_unit_test(test_bad_dup_map_key),
		cmocka_unit_test(test_bad_week),
		cmocka_unit_test(test_bad_discount),
		cmocka_unit_test(test_bad_contract),
		cmocka_unit_test(test_bad_line_discount),
		cmocka_unit_test(test_line_discounts),
		cmocka_unit_test(test_bad_unknown_key),
		cmocka_unit_test(test_bad_missing_zh),
		cmocka_unit_test(test_bad_customers),
		cmocka_unit_test(test_bad_syntax),
		cmocka_unit_test(test_missing_dir),
		cmocka_unit_test(test_load_file_or_default),
		cmocka_unit_test(test_null_args),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
