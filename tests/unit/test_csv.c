/* CSV import and export (kiscrm/csv.h): header mapping, natural keys, encodings, the
 * atomic all-or-nothing import with its error table, dry runs, export quoting and the
 * export → import → export round trip of every kind. Every test runs on the memory
 * backend and on SQLite; fixture files are in tests/data/csv. */
#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* --- fixtures ------------------------------------------------------------------------ */

/* A second fresh database on the group's backend. */
static kiscrm_db *open_db(void)
{
	kiscrm_db *db = kc_test_db_open(NULL);
	assert_non_null(db);
	return db;
}

static const char *data_path(const char *name)
{
	static char path[1024];
	snprintf(path, sizeof(path), "%s/csv/%s", kc_test_data_dir(), name);
	return path;
}

/* Imports CSV text; returns the code, the number imported in *n (may be NULL). */
static int import_text(kiscrm_db *db, int kind, const char *text, unsigned int flags, size_t *n,
		       kiscrm_table **errors)
{
	kiscrm_import_options o = KISCRM_IMPORT_OPTIONS_INIT;
	o.flags = flags;
	return kiscrm_csv_import_data(n, errors, db, kind, text, strlen(text), "test.csv", &o);
}

/* Imports text that must be fine, checking the count. */
static void import_ok(kiscrm_db *db, int kind, const char *text, size_t expected)
{
	size_t n = 99;
	kiscrm_table *errors = NULL;
	int rc = import_text(db, kind, text, 0, &n, &errors);
	if (rc != KISCRM_OK && errors && kiscrm_table_row_count(errors))
		print_error("first bad row: %s\n", kiscrm_table_text(errors, 0, 3));
	assert_rc(KISCRM_OK, rc);
	assert_int_equal(expected, n);
	assert_non_null(errors);
	assert_int_equal(0, kiscrm_table_row_count(errors));
	kiscrm_table_free(errors);
}

static kiscrm_date ymd(int y, int m, int d)
{
	kiscrm_date out = 0;
	assert_rc(KISCRM_OK, kiscrm_date_from_ymd(&out, y, m, d));
	return out;
}

/* One row of the error table. */
static void assert_error_row(const kiscrm_table *t, size_t row, int64_t line, const char *column,
			     const char *value, const char *reason)
{
	assert_int_equal(line, kiscrm_table_int(t, row, 0));
	if (column)
		assert_string_equal(column, kiscrm_table_text(t, row, 1));
	else
		assert_true(kiscrm_table_is_null(t, row, 1));
	if (value)
		assert_string_equal(value, kiscrm_table_text(t, row, 2));
	else
		assert_true(kiscrm_table_is_null(t, row, 2));
	assert_string_equal(reason, kiscrm_table_text(t, row, 3));
}

/* Departments 1 总部, 2 华北区 (under 1), 3 北京分公司 (under 2); staff 1 王总, 2 张伟
 * (reports to 王总); customers 1 北京金蝶软件有限公司 (owner 张伟), 2 上海用友有限公司
 * (owner 王总). Ids count from 1 in a fresh database. All by natural keys. */
static void setup_org(kiscrm_db *db)
{
	import_ok(db, KISCRM_KIND_DEPARTMENT,
		  "name,parent,code\n"
		  "总部,,HQ\n"
		  "华北区,总部,N\n"
		  "北京分公司,华北区,BJ\n", 3);
	import_ok(db, KISCRM_KIND_STAFF,
		  "name,department,role,manager,hire_date,sales_years\n"
		  "王总,总部,general_manager,,2020-01-01,10.5\n"
		  "张伟,北京分公司,sales_rep,王总,2021-05-10,3\n", 2);
	import_ok(db, KISCRM_KIND_CUSTOMER,
		  "name,owner\n"
		  "北京金蝶软件有限公司,张伟\n"
		  "上海用友有限公司,王总\n", 2);
}

/* --- tests: import ------------------------------------------------------------------ */

static void test_natural_keys(void **state)
{
	kiscrm_db *db = *state;
	setup_org(db);
	kiscrm_record *r = kc_test_get(db, KISCRM_KIND_DEPARTMENT, 3);
	assert_string_equal("北京分公司", kiscrm_record_text(r, KISCRM_DEPARTMENT_NAME));
	assert_int_equal(2, kiscrm_record_int(r, KISCRM_DEPARTMENT_PARENT_ID));
	assert_string_equal("BJ", kiscrm_record_text(r, KISCRM_DEPARTMENT_CODE));
	kiscrm_record_free(r);
	r = kc_test_get(db, KISCRM_KIND_DEPARTMENT, 1);
	assert_true(kiscrm_record_is_null(r, KISCRM_DEPARTMENT_PARENT_ID));
	kiscrm_record_free(r);

	r = kc_test_get(db, KISCRM_KIND_STAFF, 2);
	assert_string_equal("张伟", kiscrm_record_text(r, KISCRM_STAFF_NAME));
	assert_int_equal(3, kiscrm_record_int(r, KISCRM_STAFF_DEPARTMENT_ID));
	assert_int_equal(1, kiscrm_record_int(r, KISCRM_STAFF_MANAGER_ID));
	assert_int_equal(ymd(2021, 5, 10), kiscrm_record_int(r, KISCRM_STAFF_HIRE_DATE));
	assert_true(kiscrm_record_rate(r, KISCRM_STAFF_SALES_YEARS) == 3.0);
	kiscrm_record_free(r);

	r = kc_test_get(db, KISCRM_KIND_CUSTOMER, 1);
	assert_int_equal(2, kiscrm_record_int(r, KISCRM_CUSTOMER_OWNER_ID));
	kiscrm_record_free(r);

	/* Contacts: a customer by its normalised name (上海用友公司 and 上海用友有限公司 both
	 * normalise to 上海用友), reports_to by name within the row's customer, the text
	 * field `department` (not a reference), and two 李总 at different customers. */
	import_ok(db, KISCRM_KIND_CONTACT,
		  "name,customer,title,reports_to,department\n"
		  "李总,北京金蝶软件有限公司,CIO,,信息部\n"
		  "小王,北京金蝶软件有限公司,工程师,李总,信息部\n"
		  "李总,上海用友公司,CFO,,财务部\n"
		  "小赵,上海用友有限公司,,李总,财务部\n", 4);
	r = kc_test_get(db, KISCRM_KIND_CONTACT, 2);
	assert_int_equal(1, kiscrm_record_int(r, KISCRM_CONTACT_CUSTOMER_ID));
	assert_int_equal(1, kiscrm_record_int(r, KISCRM_CONTACT_REPORTS_TO));
	assert_string_equal("信息部", kiscrm_record_text(r, KISCRM_CONTACT_DEPARTMENT));
	kiscrm_record_free(r);
	r = kc_test_get(db, KISCRM_KIND_CONTACT, 4);
	assert_int_equal(2, kiscrm_record_int(r, KISCRM_CONTACT_CUSTOMER_ID));
	assert_int_equal(3, kiscrm_record_int(r, KISCRM_CONTACT_REPORTS_TO));
	assert_true(kiscrm_record_is_null(r, KISCRM_CONTACT_TITLE));
	kiscrm_record_free(r);

	/* reports_to also takes an id; an opportunity's contact is found within its customer
	 * (李总 of customer 2 is contact 3); the money is exact: 1200.50 → 120050 fen. */
	import_ok(db, KISCRM_KIND_CONTACT, "name,customer_id,reports_to\n小孙,2,3\n", 1);
	r = kc_test_get(db, KISCRM_KIND_CONTACT, 5);
	assert_int_equal(3, kiscrm_record_int(r, KISCRM_CONTACT_REPORTS_TO));
	kiscrm_record_free(r);
	import_ok(db, KISCRM_KIND_OPPORTUNITY,
		  "name,customer,contact,owner,stage,amount,external_ref\n"
		  "ERP升级,上海用友有限公司,李总,张伟,opportunity,1200.50,CRM-7\n", 1);
	r = kc_test_get(db, KISCRM_KIND_OPPORTUNITY, 1);
	assert_int_equal(2, kiscrm_record_int(r, KISCRM_OPPORTUNITY_CUSTOMER_ID));
	assert_int_equal(3, kiscrm_record_int(r, KISCRM_OPPORTUNITY_CONTACT_ID));
	assert_int_equal(2, kiscrm_record_int(r, KISCRM_OPPORTUNITY_OWNER_ID));
	assert_int_equal(120050, kiscrm_record_int(r, KISCRM_OPPORTUNITY_AMOUNT));
	kiscrm_record_free(r);
	/* Without RAW the store writes the creation entry of the stage history. */
	assert_int_equal(1, kc_test_count(db, KISCRM_KIND_STAGE_HISTORY, NULL));

	/* Opportunities by external_ref, then by name; contracts by number. */
	import_ok(db, KISCRM_KIND_CONTRACT,
		  "number,customer,opportunity,signed,amount,owner\n"
		  "HT-001,上海用友有限公司,CRM-7,2024-05-01,1200.50,张伟\n"
		  "HT-002,上海用友有限公司,ERP升级,2024-05-02,10,张伟\n", 2);
	r = kc_test_get(db, KISCRM_KIND_CONTRACT, 2);
	assert_int_equal(1, kiscrm_record_int(r, KISCRM_CONTRACT_OPPORTUNITY_ID));
	kiscrm_record_free(r);
	import_ok(db, KISCRM_KIND_COLLECTION, "contract,received,amount\nHT-002,2024-06-01,10.00\n", 1);
	r = kc_test_get(db, KISCRM_KIND_COLLECTION, 1);
	assert_int_equal(2, kiscrm_record_int(r, KISCRM_COLLECTION_CONTRACT_ID));
	assert_int_equal(1000, kiscrm_record_int(r, KISCRM_COLLECTION_AMOUNT));
	kiscrm_record_free(r);
}

static void test_ambiguous_and_unknown_names(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_table *errors = NULL;
	setup_org(db);
	/* Customer 3 normalises like customer 1 (北京金蝶软件); 张伟 twice in staff. */
	import_ok(db, KISCRM_KIND_CUSTOMER, "name\n北京金蝶软件公司\n", 1);
	import_ok(db, KISCRM_KIND_STAFF, "name,department,role\n张伟,总部,presales\n", 1);

	assert_rc(KISCRM_EIMPORT, import_text(db, KISCRM_KIND_CONTACT,
					      "name,customer\n"
					      "甲,北京金蝶软件有限公司\n" /* exact name: customer 1 */
					      "乙,北京金蝶软件\n"         /* key only: customers 1 and 3 */
					      "丙,深圳某某公司\n",
					      0, NULL, &errors));
	assert_int_equal(2, kiscrm_table_row_count(errors));
	assert_error_row(errors, 0, 3, "customer", "北京金蝶软件",
			 "contact.customer: '北京金蝶软件' matches 2 customer records (ids 1, 3); "
			 "give customer_id instead");
	assert_error_row(errors, 1, 4, "customer", "深圳某某公司",
			 "contact.customer: no customer is named '深圳某某公司'");
	kiscrm_table_free(errors);

	assert_rc(KISCRM_EIMPORT, import_text(db, KISCRM_KIND_CUSTOMER, "name,owner\n甲,张伟\n", 0,
					      NULL, &errors));
	assert_error_row(errors, 0, 2, "owner", "张伟",
			 "customer.owner: '张伟' matches 2 staff records (ids 2, 3); give owner_id instead");
	kiscrm_table_free(errors);
	assert_int_equal(3, kc_test_count(db, KISCRM_KIND_CUSTOMER, NULL));
	assert_int_equal(0, kc_test_count(db, KISCRM_KIND_CONTACT, NULL));

	/* A kind without a natural key cannot be named. */
	assert_rc(KISCRM_EIMPORT, import_text(db, KISCRM_KIND_TARGET, "metric,parent\nvisits,1\n", 0,
					      NULL, &errors));
	assert_error_row(errors, 0, 1, "parent", NULL,
			 "column 'parent': a target cannot be named, give its id in column 'parent_id'");
	kiscrm_table_free(errors);
}

static void test_bom_crlf_quoted(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_import_options o = KISCRM_IMPORT_OPTIONS_INIT;
	size_t n = 0;
	setup_org(db);
	assert_rc(KISCRM_OK, kiscrm_csv_import(&n, NULL, db, KISCRM_KIND_CUSTOMER,
					       data_path("customers_bom.csv"), &o));
	assert_int_equal(2, n);
	/* The BOM is not part of the first column's name; quoted fields keep their commas,
	 * doubled quotes become one, a line break inside quotes is kept as written (CRLF). */
	kiscrm_record *r = kc_test_get(db, KISCRM_KIND_CUSTOMER, 3);
	assert_string_equal("Acme, Inc.", kiscrm_record_text(r, KISCRM_CUSTOMER_NAME));
	assert_string_equal("say \"hi\"", kiscrm_record_text(r, KISCRM_CUSTOMER_SHORT_NAME));
	assert_int_equal(120, kiscrm_record_int(r, KISCRM_CUSTOMER_EMPLOYEES));
	assert_int_equal(2, kiscrm_record_int(r, KISCRM_CUSTOMER_OWNER_ID));
	assert_int_equal(1, kiscrm_record_int(r, KISCRM_CUSTOMER_KEY_ACCOUNT));
	assert_int_equal(ymd(2024, 3, 1), kiscrm_record_int(r, KISCRM_CUSTOMER_CREATED));
	assert_string_equal("line one\r\nline two", kiscrm_record_text(r, KISCRM_CUSTOMER_SOURCE));
	kiscrm_record_free(r);
	r = kc_test_get(db, KISCRM_KIND_CUSTOMER, 4);
	assert_string_equal("上海用友有限公司", kiscrm_record_text(r, KISCRM_CUSTOMER_NAME));
	assert_string_equal("用友", kiscrm_record_text(r, KISCRM_CUSTOMER_SHORT_NAME));
	assert_true(kiscrm_record_is_null(r, KISCRM_CUSTOMER_EMPLOYEES));
	assert_true(kiscrm_record_is_null(r, KISCRM_CUSTOMER_OWNER_ID));
	assert_int_equal(0, kiscrm_record_int(r, KISCRM_CUSTOMER_KEY_ACCOUNT));
	assert_true(kiscrm_record_is_null(r, KISCRM_CUSTOMER_CREATED));
	assert_true(kiscrm_record_is_null(r, KISCRM_CUSTOMER_SOURCE));
	kiscrm_record_free(r);
	/* 2 customers of setup_org + 2 */
	assert_int_equal(4, kc_test_count(db, KISCRM_KIND_CUSTOMER, NULL));
}

static void test_gbk(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_import_options o = KISCRM_IMPORT_OPTIONS_INIT;
	kiscrm_table *errors = NULL;
	kiscrm_buf out = KISCRM_BUF_INIT;
	size_t n = 0;

	/* Read as UTF-8 the GBK bytes are refused: line 2 starts with B1 B1 (北). */
	assert_rc(KISCRM_EIMPORT, kiscrm_csv_import(&n, &errors, db, KISCRM_KIND_CUSTOMER,
						    data_path("customers_gbk.csv"), &o));
	assert_int_equal(1, kiscrm_table_row_count(errors));
	assert_int_equal(2, kiscrm_table_int(errors, 0, 0));
	assert_string_equal("B1 B1", kiscrm_table_text(errors, 0, 2));
	assert_msg_has("gbk");
	assert_int_equal(2, kiscrm_error_last()->line);
	kiscrm_table_free(errors);

	o.encoding = "gbk";
	assert_rc(KISCRM_OK, kiscrm_csv_import(&n, NULL, db, KISCRM_KIND_CUSTOMER,
					       data_path("customers_gbk.csv"), &o));
	assert_int_equal(1, n);
	kiscrm_record *r = kc_test_get(db, KISCRM_KIND_CUSTOMER, 1);
	assert_string_equal("北京金蝶软件有限公司", kiscrm_record_text(r, KISCRM_CUSTOMER_NAME));
	assert_string_equal("金蝶", kiscrm_record_text(r, KISCRM_CUSTOMER_SHORT_NAME));
	kiscrm_record_free(r);
	/* ... and it comes out as UTF-8 (name_key 北京金蝶软件: the name without 有限公司). */
	assert_rc(KISCRM_OK, kiscrm_csv_export(&out, db, KISCRM_KIND_CUSTOMER, NULL, NULL));
	assert_string_equal("id,name,short_name,name_key,industry,region,employees,revenue_band,"
			    "grid_cell,owner_id,source,status,key_account,value_class,lifecycle,"
			    "first_contract,created,last_activity,partner_id\n"
			    "1,北京金蝶软件有限公司,金蝶,北京金蝶软件,,,,,,,,,,,,,,,\n",
			    out.ptr);
	kiscrm_buf_dispose(&out);

	/* A byte GBK does not have: 0xFF. */
	static const char bad[] = "name\n\xFF\n";
	assert_rc(KISCRM_EIMPORT, kiscrm_csv_import_data(&n, &errors, db, KISCRM_KIND_CUSTOMER, bad,
							 sizeof(bad) - 1, "x.csv", &o));
	assert_int_equal(2, kiscrm_table_int(errors, 0, 0));
	kiscrm_table_free(errors);
	assert_int_equal(1, kc_test_count(db, KISCRM_KIND_CUSTOMER, NULL));

	o.encoding = "no-such-encoding";
	assert_rc(KISCRM_EINVALID, kiscrm_csv_import_data(&n, &errors, db, KISCRM_KIND_CUSTOMER, "name\n",
							  5, NULL, &o));
	assert_null(errors);
	assert_msg_has("no-such-encoding");
}

/* Bad money, unknown customer, bad date, a ragged row, a stage the pipeline lacks:
 * every bad row is listed, nothing is written, the error names the first one. */
static void test_bad_rows_atomic(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_import_options o = KISCRM_IMPORT_OPTIONS_INIT;
	kiscrm_table *errors = NULL;
	size_t n = 99;
	const char *path = data_path("opportunities_bad.csv");
	setup_org(db);
	assert_rc(KISCRM_EIMPORT, kiscrm_csv_import(&n, &errors, db, KISCRM_KIND_OPPORTUNITY, path, &o));
	assert_int_equal(0, n);
	/* Line 2 is fine; line 6 opens a quoted field spanning lines 6-7, so the last row
	 * is line 8. */
	assert_int_equal(5, kiscrm_table_row_count(errors));
	assert_string_equal("row", kiscrm_table_column_name(errors, 0));
	assert_string_equal("column", kiscrm_table_column_name(errors, 1));
	assert_string_equal("value", kiscrm_table_column_name(errors, 2));
	assert_string_equal("reason", kiscrm_table_column_name(errors, 3));
	assert_error_row(errors, 0, 3, "amount", "1.234",
			 "opportunity.amount: '1.234' is not an amount of money");
	assert_error_row(errors, 1, 4, "customer", "不存在公司",
			 "opportunity.customer: no customer is named '不存在公司'");
	assert_error_row(errors, 2, 5, "expected_close", "2024-13-01",
			 "opportunity.expected_close: '2024-13-01' is not a date (YYYY-MM-DD)");
	assert_error_row(errors, 3, 6, NULL, NULL, "line 6 has 5 fields but the header has 6");
	assert_error_row(errors, 4, 8, "stage", "nostage",
			 "opportunity.stage: 'nostage' is not a stage of pipeline 'default'");
	kiscrm_table_free(errors);

	const kiscrm_error *e = kiscrm_error_last();
	assert_int_equal(KISCRM_EIMPORT, e->code);
	assert_string_equal(path, e->file);
	assert_int_equal(3, e->line);
	assert_int_equal(5, e->column);
	assert_string_equal("amount", e->field);
	assert_string_equal("1.234", e->value);
	assert_msg_has("1.234");
	assert_msg_has("5 bad rows; nothing was imported");

	/* The good row of line 2 was not kept, nor its stage-history entry. */
	assert_int_equal(0, kc_test_count(db, KISCRM_KIND_OPPORTUNITY, NULL));
	assert_int_equal(0, kc_test_count(db, KISCRM_KIND_STAGE_HISTORY, NULL));
	/* The database is usable afterwards (no transaction left open). */
	import_ok(db, KISCRM_KIND_OPPORTUNITY, "name,owner,stage\n甲,王总,opportunity\n", 1);
}

static void test_duplicate_id(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_import_options o = KISCRM_IMPORT_OPTIONS_INIT;
	kiscrm_table *errors = NULL;
	size_t n = 0;
	o.flags = KISCRM_IMPORT_KEEP_IDS;
	assert_rc(KISCRM_EIMPORT, kiscrm_csv_import(&n, &errors, db, KISCRM_KIND_CUSTOMER,
						    data_path("customers_dupid.csv"), &o));
	assert_int_equal(1, kiscrm_table_row_count(errors));
	assert_error_row(errors, 0, 4, "id", "5", "customer id 5 already exists");
	kiscrm_table_free(errors);
	assert_int_equal(0, kc_test_count(db, KISCRM_KIND_CUSTOMER, NULL));
	assert_int_equal(4, kiscrm_error_last()->line);
	assert_string_equal("id", kiscrm_error_last()->field);

	/* Without KEEP_IDS the id column is ignored: three new customers 1, 2, 3 (7, 8, 9 on
	 * PostgreSQL, whose id sequences do not roll back: 5 and 6 stay used). */
	o.flags = 0;
	assert_rc(KISCRM_OK, kiscrm_csv_import(&n, NULL, db, KISCRM_KIND_CUSTOMER,
					       data_path("customers_dupid.csv"), &o));
	assert_int_equal(3, n);
	int pg = strcmp(kc_test_backend(), "postgresql") == 0;
	kiscrm_record *r = kc_test_get(db, KISCRM_KIND_CUSTOMER, pg ? 9 : 3);
	assert_string_equal("丙公司", kiscrm_record_text(r, KISCRM_CUSTOMER_NAME));
	kiscrm_record_free(r);

	/* With KEEP_IDS, an id already in the database is refused too; a bad id as well. */
	assert_rc(KISCRM_EIMPORT, import_text(db, KISCRM_KIND_CUSTOMER,
					      pg ? "id,name\n8,丁\nx,戊\n" : "id,name\n2,丁\nx,戊\n",
					      KISCRM_IMPORT_KEEP_IDS, NULL, &errors));
	assert_error_row(errors, 0, 2, "id", pg ? "8" : "2",
			 pg ? "customer id 8 already exists" : "customer id 2 already exists");
	assert_error_row(errors, 1, 3, "id", "x", "customer.id: 'x' is not a positive integer");
	kiscrm_table_free(errors);
	assert_int_equal(3, kc_test_count(db, KISCRM_KIND_CUSTOMER, NULL));
}

static void test_header_errors(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_import_options o = KISCRM_IMPORT_OPTIONS_INIT;
	kiscrm_table *errors = NULL;
	size_t n = 0;
	assert_rc(KISCRM_EIMPORT, kiscrm_csv_import(&n, &errors, db, KISCRM_KIND_CUSTOMER,
						    data_path("customers_unknown_column.csv"), &o));
	assert_int_equal(1, kiscrm_table_row_count(errors));
	assert_error_row(errors, 0, 1, "colour", NULL,
			 "unknown column 'colour': customer has no field of that name");
	kiscrm_table_free(errors);
	assert_int_equal(1, kiscrm_error_last()->line);
	assert_int_equal(2, kiscrm_error_last()->column);
	assert_msg_has("colour");
	assert_int_equal(0, kc_test_count(db, KISCRM_KIND_CUSTOMER, NULL));

	/* Two columns for one field; an empty column name; an empty file. */
	assert_rc(KISCRM_EIMPORT, import_text(db, KISCRM_KIND_CUSTOMER, "name,owner_id,,owner\n", 0,
					      NULL, &errors));
	assert_int_equal(2, kiscrm_table_row_count(errors));
	assert_error_row(errors, 0, 1, "", NULL, "column 3 of the header has no name");
	assert_error_row(errors, 1, 1, "owner", NULL,
			 "columns 'owner_id' and 'owner' both give customer.owner_id");
	kiscrm_table_free(errors);
	assert_rc(KISCRM_EIMPORT, import_text(db, KISCRM_KIND_CUSTOMER, "", 0, NULL, &errors));
	assert_error_row(errors, 0, 1, NULL, NULL,
			 "the file is empty: a header line naming the customer fields is needed");
	kiscrm_table_free(errors);

	/* A quote closed in the middle of a field; a quote never closed. */
	assert_rc(KISCRM_EIMPORT, import_text(db, KISCRM_KIND_CUSTOMER,
					      "name,short_name\n\"a\"b,c\nok,1\n\"open,2\n", 0, NULL,
					      &errors));
	assert_int_equal(2, kiscrm_table_row_count(errors));
	assert_error_row(errors, 0, 2, NULL, "b",
			 "unexpected 'b' after the closing quote of field 1 (quote the whole field "
			 "and double its quotes)");
	assert_error_row(errors, 1, 4, NULL, NULL,
			 "the quoted field 1 opened on line 4 is never closed (a stray quote? quote "
			 "the whole field and double its quotes)");
	kiscrm_table_free(errors);
	assert_int_equal(0, kc_test_count(db, KISCRM_KIND_CUSTOMER, NULL));
}

static void test_dry_run(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_import_options o = KISCRM_IMPORT_OPTIONS_INIT;
	kiscrm_table *errors = NULL;
	size_t n = 0;
	static const char text[] = "name,owner,stage\n甲,王总,opportunity\n乙,张伟,diagnosis\n";
	setup_org(db);
	o.dry_run = 1;
	assert_rc(KISCRM_OK, kiscrm_csv_import_data(&n, &errors, db, KISCRM_KIND_OPPORTUNITY, text,
						    strlen(text), NULL, &o));
	assert_int_equal(2, n);
	assert_int_equal(0, kiscrm_table_row_count(errors));
	kiscrm_table_free(errors);
	assert_int_equal(0, kc_test_count(db, KISCRM_KIND_OPPORTUNITY, NULL));
	assert_int_equal(0, kc_test_count(db, KISCRM_KIND_STAGE_HISTORY, NULL));

	/* A dry run reports bad rows like a real one. */
	assert_rc(KISCRM_EIMPORT, kiscrm_csv_import_data(&n, &errors, db, KISCRM_KIND_OPPORTUNITY,
							 "name,owner,stage\n甲,无名,opportunity\n", 34,
							 NULL, &o));
	assert_int_equal(1, kiscrm_table_row_count(errors));
	assert_string_equal("(data)", kiscrm_error_last()->file);
	kiscrm_table_free(errors);

	/* Not inside the caller's transaction, whose work its rollback would undo. */
	assert_rc(KISCRM_OK, kiscrm_db_begin(db));
	assert_rc(KISCRM_EINVALID, kiscrm_csv_import_data(&n, &errors, db, KISCRM_KIND_OPPORTUNITY, text,
							  strlen(text), NULL, &o));
	assert_rc(KISCRM_OK, kiscrm_db_commit(db));

	/* The same text for real. */
	o.dry_run = 0;
	assert_rc(KISCRM_OK, kiscrm_csv_import_data(&n, NULL, db, KISCRM_KIND_OPPORTUNITY, text,
						    strlen(text), NULL, &o));
	assert_int_equal(2, kc_test_count(db, KISCRM_KIND_OPPORTUNITY, NULL));
}

static void test_max_errors(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_import_options o = KISCRM_IMPORT_OPTIONS_INIT;
	kiscrm_table *errors = NULL;
	size_t n = 0;
	/* Five bad employee counts (lines 2..6) and a good row. */
	static const char text[] = "name,employees\na,x1\nb,x2\nc,x3\nd,x4\ne,x5\nf,7\n";
	o.max_errors = 2;
	assert_rc(KISCRM_EIMPORT, kiscrm_csv_import_data(&n, &errors, db, KISCRM_KIND_CUSTOMER, text,
							 strlen(text), "m.csv", &o));
	assert_int_equal(2, kiscrm_table_row_count(errors));
	assert_error_row(errors, 0, 2, "employees", "x1", "customer.employees: 'x1' is not an integer");
	assert_error_row(errors, 1, 3, "employees", "x2", "customer.employees: 'x2' is not an integer");
	assert_msg_has("stopped after 2 bad rows");
	kiscrm_table_free(errors);

	o.max_errors = 0; /* no limit */
	assert_rc(KISCRM_EIMPORT, kiscrm_csv_import_data(&n, &errors, db, KISCRM_KIND_CUSTOMER, text,
							 strlen(text), "m.csv", &o));
	assert_int_equal(5, kiscrm_table_row_count(errors));
	assert_int_equal(6, kiscrm_table_int(errors, 4, 0));
	assert_msg_has("m.csv:2: column 'employees', value 'x1'");
	assert_msg_has("(5 bad rows; nothing was imported)");
	kiscrm_table_free(errors);
	assert_int_equal(0, kc_test_count(db, KISCRM_KIND_CUSTOMER, NULL));

	/* The default limit is 20: 25 bad rows give 20, the last one on line 21. */
	char many[1024] = "name,employees\n";
	for (int i = 0; i < 25; i++)
		snprintf(many + strlen(many), sizeof(many) - strlen(many), "c%d,bad\n", i);
	assert_rc(KISCRM_EIMPORT, import_text(db, KISCRM_KIND_CUSTOMER, many, 0, NULL, &errors));
	assert_int_equal(20, kiscrm_table_row_count(errors));
	assert_int_equal(21, kiscrm_table_int(errors, 19, 0));
	assert_msg_has("stopped after 20 bad rows");
	kiscrm_table_free(errors);
}

/* Rows referring to rows further down the file (explicit ids) and to earlier ones. */
static void test_forward_references(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_table *errors = NULL;
	import_ok(db, KISCRM_KIND_DEPARTMENT, "name\n总部\n", 1);
	assert_rc(KISCRM_OK, import_text(db, KISCRM_KIND_DEPARTMENT,
					 "id,name,parent_id\n"
					 "4,华北区,7\n" /* 7 comes later */
					 "7,北方大区,1\n"
					 "8,北京,4\n",
					 KISCRM_IMPORT_KEEP_IDS, NULL, NULL));
	kiscrm_record *r = kc_test_get(db, KISCRM_KIND_DEPARTMENT, 4);
	assert_int_equal(7, kiscrm_record_int(r, KISCRM_DEPARTMENT_PARENT_ID));
	kiscrm_record_free(r);
	r = kc_test_get(db, KISCRM_KIND_DEPARTMENT, 8);
	assert_int_equal(4, kiscrm_record_int(r, KISCRM_DEPARTMENT_PARENT_ID));
	kiscrm_record_free(r);

	/* A parent that never comes is reported on the row that named it. */
	assert_rc(KISCRM_EIMPORT, import_text(db, KISCRM_KIND_DEPARTMENT,
					      "id,name,parent_id\n20,甲,21\n21,乙,1\n22,丙,99\n",
					      KISCRM_IMPORT_KEEP_IDS, NULL, &errors));
	assert_int_equal(1, kiscrm_table_row_count(errors));
	assert_error_row(errors, 0, 4, "parent_id", "99",
			 "department.parent_id: department 99 does not exist");
	kiscrm_table_free(errors);
	assert_int_equal(4, kc_test_count(db, KISCRM_KIND_DEPARTMENT, NULL));
}

/* --- tests: export ------------------------------------------------------------------- */

static void test_export_format(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_buf out = KISCRM_BUF_INIT;
	setup_org(db);
	import_ok(db, KISCRM_KIND_CONTACT,
		  "name,customer,title,phone,email,birthday\n"
		  "\"Smith, \"\"J\"\"\",上海用友有限公司,\"\",\"010\n88\",,1980-02-29\n", 1);
	/* NULL is an empty field, empty text "", quoting for the comma, the quotes and the
	 * line break; the date ISO. */
	assert_rc(KISCRM_OK, kiscrm_csv_export(&out, db, KISCRM_KIND_CONTACT, NULL, NULL));
	assert_string_equal("id,customer_id,name,title,department,phone,email,birthday,chain_role,"
			    "reports_to,attitude,opt_out,partner_id\n"
			    "1,2,\"Smith, \"\"J\"\"\",\"\",,\"010\n88\",,1980-02-29,,,,,\n",
			    out.ptr);
	kiscrm_buf_dispose(&out);

	/* Money exact with the configured 2 decimals; a filter. */
	import_ok(db, KISCRM_KIND_OPPORTUNITY,
		  "name,owner,stage,amount\n甲,王总,opportunity,0.05\n乙,张伟,opportunity,1234567.8\n", 2);
	kiscrm_filter f = KISCRM_FILTER_INIT;
	f.owner_id = 2;
	assert_rc(KISCRM_OK, kiscrm_csv_export(&out, db, KISCRM_KIND_OPPORTUNITY, &f, NULL));
	/* One row: opportunity 2 of 张伟 (staff 2), whose department 北京分公司 (3) the store
	 * fills in; the fields after the amount are derived by the store, not checked here. */
	const char *second = strchr(out.ptr, '\n') + 1;
	static const char want[] = "2,乙,,,2,3,,,1234567.80,";
	assert_int_equal(0, strncmp(second, want, strlen(want)));
	assert_ptr_equal(strchr(second, '\n'), out.ptr + out.size - 1);
	kiscrm_buf_dispose(&out);
	assert_rc(KISCRM_OK, kiscrm_csv_export(&out, db, KISCRM_KIND_OPPORTUNITY, NULL, NULL));
	assert_non_null(strstr(out.ptr, "\n1,甲,,,1,1,,,0.05,"));
	kiscrm_buf_dispose(&out);
}

static void test_export_file(void **state)
{
	kiscrm_db *db = *state;
	char path[] = "/tmp/kiscrm_csv_XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	setup_org(db);
	assert_rc(KISCRM_OK, kiscrm_csv_export_file(db, KISCRM_KIND_DEPARTMENT, path, NULL, NULL));
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	char buf[256] = "";
	size_t n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	assert_string_equal("id,name,parent_id,manager_id,code,partner_id\n"
			    "1,总部,,,HQ,\n"
			    "2,华北区,1,,N,\n"
			    "3,北京分公司,2,,BJ,\n",
			    buf);
	/* and back into a fresh database */
	kiscrm_db *db2 = open_db();
	kiscrm_import_options o = KISCRM_IMPORT_OPTIONS_INIT;
	size_t count = 0;
	o.flags = KISCRM_IMPORT_KEEP_IDS;
	assert_rc(KISCRM_OK, kiscrm_csv_import(&count, NULL, db2, KISCRM_KIND_DEPARTMENT, path, &o));
	assert_int_equal(3, count);
	kiscrm_db_free(db2);
	remove(path);

	assert_rc(KISCRM_ESTORAGE, kiscrm_csv_export_file(db, KISCRM_KIND_DEPARTMENT,
							  "/nonexistent-dir/x.csv", NULL, NULL));
	assert_msg_has("/nonexistent-dir/x.csv");
	assert_rc(KISCRM_ENOTFOUND, kiscrm_csv_import(&count, NULL, db, KISCRM_KIND_DEPARTMENT,
						      "/nonexistent-dir/x.csv", NULL));
	assert_msg_has("/nonexistent-dir/x.csv");
}

static void test_bad_arguments(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_import_options o;
	kiscrm_buf out = KISCRM_BUF_INIT;
	kiscrm_table *errors = (kiscrm_table *)&o; /* must be reset to NULL */
	size_t n = 7;

	assert_rc(KISCRM_OK, kiscrm_import_options_init(&o, KISCRM_IMPORT_OPTIONS_VERSION));
	assert_int_equal(20, o.max_errors);
	assert_null(o.encoding);
	assert_int_equal(0, o.flags);
	assert_rc(KISCRM_EINVALID, kiscrm_import_options_init(NULL, KISCRM_IMPORT_OPTIONS_VERSION));
	assert_rc(KISCRM_EVERSION, kiscrm_import_options_init(&o, 99));

	assert_rc(KISCRM_EINVALID, kiscrm_csv_import_data(&n, &errors, NULL, KISCRM_KIND_CUSTOMER, "name\n",
							  5, NULL, NULL));
	assert_int_equal(0, n);
	assert_null(errors);
	assert_rc(KISCRM_EINVALID, kiscrm_csv_import_data(NULL, NULL, db, 999, "name\n", 5, NULL, NULL));
	assert_rc(KISCRM_EINVALID, kiscrm_csv_import_data(NULL, NULL, db, KISCRM_KIND_CUSTOMER, NULL, 5,
							  NULL, NULL));
	assert_rc(KISCRM_EINVALID, kiscrm_csv_import(NULL, NULL, db, KISCRM_KIND_CUSTOMER, NULL, NULL));
	o.version = 99;
	assert_rc(KISCRM_EVERSION, kiscrm_csv_import_data(NULL, NULL, db, KISCRM_KIND_CUSTOMER, "name\n",
							  5, NULL, &o));
	o.version = KISCRM_IMPORT_OPTIONS_VERSION;
	o.flags = 0x80;
	assert_rc(KISCRM_EINVALID, kiscrm_csv_import_data(NULL, NULL, db, KISCRM_KIND_CUSTOMER, "name\n",
							  5, NULL, &o));
	assert_msg_has("0x80");

	assert_rc(KISCRM_EINVALID, kiscrm_csv_export(NULL, db, KISCRM_KIND_CUSTOMER, NULL, NULL));
	assert_rc(KISCRM_EINVALID, kiscrm_csv_export(&out, NULL, KISCRM_KIND_CUSTOMER, NULL, NULL));
	assert_rc(KISCRM_EINVALID, kiscrm_csv_export(&out, db, 0, NULL, NULL));
	assert_int_equal(0, out.size);
	kiscrm_filter f = KISCRM_FILTER_INIT;
	f.region = "华北";
	assert_rc(KISCRM_EINVALID, kiscrm_csv_export(&out, db, KISCRM_KIND_STAFF, &f, NULL)); /* staff has no region */
	assert_int_equal(0, out.size);
	kiscrm_buf_dispose(&out);
	assert_rc(KISCRM_EINVALID, kiscrm_csv_export_file(NULL, KISCRM_KIND_CUSTOMER, "/tmp/x.csv", NULL, NULL));
	assert_rc(KISCRM_EINVALID, kiscrm_csv_export_file(db, KISCRM_KIND_CUSTOMER, NULL, NULL, NULL));
	assert_rc(KISCRM_EINVALID, kiscrm_csv_export_file(db, 0, "/tmp/x.csv", NULL, NULL));
}

/* --- the round trip ----------------------------------------------------------------- */

static const int round_trip_kinds[] = {
	KISCRM_KIND_DEPARTMENT,      KISCRM_KIND_STAFF,      KISCRM_KIND_CUSTOMER,
	KISCRM_KIND_CUSTOMER_ATTR,   KISCRM_KIND_CONTACT,    KISCRM_KIND_LEAD,
	KISCRM_KIND_OPPORTUNITY,     KISCRM_KIND_STAGE_HISTORY, KISCRM_KIND_CONTRACT,
	KISCRM_KIND_COLLECTION_PLAN, KISCRM_KIND_COLLECTION, KISCRM_KIND_TARGET,
};

static kiscrm_time at_time(int y, int m, int d)
{
	return (kiscrm_time)ymd(y, m, d) * 86400 + 9 * 3600;
}

static void populate(kiscrm_db *db)
{
	setup_org(db);
	/* A department whose parent has a higher id, and a staff member whose manager has a
	 * higher id: the export lists the child first. */
	import_ok(db, KISCRM_KIND_DEPARTMENT, "name,parent\n华南区,总部\n", 1);   /* 4 */
	import_ok(db, KISCRM_KIND_DEPARTMENT, "name,parent\n南方大区,总部\n", 1); /* 5 */
	kiscrm_record *r = kc_test_get(db, KISCRM_KIND_DEPARTMENT, 4);
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_DEPARTMENT_PARENT_ID, 5));
	assert_rc(KISCRM_OK, kiscrm_record_update(db, r));
	kiscrm_record_free(r);
	import_ok(db, KISCRM_KIND_STAFF,
		  "name,department,role,active,sales_years,email\n"
		  "刘洋,华南区,sales_rep,1,0.1,liu@example.com\n"          /* 3 */
		  "陈静,南方大区,department_manager,1,7.25,\"a,b\"\n", 2); /* 4 */
	r = kc_test_get(db, KISCRM_KIND_STAFF, 3);
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_STAFF_MANAGER_ID, 4));
	assert_rc(KISCRM_OK, kiscrm_record_update(db, r));
	kiscrm_record_free(r);

	import_ok(db, KISCRM_KIND_CUSTOMER,
		  "name,short_name,employees,owner,key_account,value_class,lifecycle,created,source\n"
		  "深圳市腾飞科技有限公司,腾飞,350,刘洋,1,A,growing,2023-11-30,\"展会, 2023\"\n"
		  "\"广州\"\"星河\"\"贸易公司\",\"\",12,陈静,0,C,prospect,2024-01-02,\n", 2); /* 3, 4 */
	assert_rc(KISCRM_OK, kiscrm_customer_attr_set(db, 3, "信用等级", "AAA"));
	assert_rc(KISCRM_OK, kiscrm_customer_attr_set(db, 1, "erp", "K/3 Cloud"));
	import_ok(db, KISCRM_KIND_CONTACT,
		  "name,customer,title,chain_role,attitude,birthday\n"
		  "周总,深圳市腾飞科技有限公司,总经理,decision_maker,supporter,1975-07-01\n"
		  "吴工,深圳市腾飞科技有限公司,IT经理,technical_evaluator,neutral,\n", 2);
	r = kc_test_get(db, KISCRM_KIND_CONTACT, 1);
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_CONTACT_REPORTS_TO, 2));
	assert_rc(KISCRM_OK, kiscrm_record_update(db, r));
	kiscrm_record_free(r);
	import_ok(db, KISCRM_KIND_LEAD, "name,company,owner,created\n展会线索,某公司,刘洋,2024-02-01\n", 1);

	/* Opportunities with moves: 1 won, 2 lost, 3 open in diagnosis, 4 untouched. */
	import_ok(db, KISCRM_KIND_OPPORTUNITY,
		  "name,customer,contact,owner,business_line,product_line,amount,expected_close,stage,"
		  "created,external_ref,competitors\n"
		  "腾飞ERP,深圳市腾飞科技有限公司,周总,刘洋,direct,professional,580000.00,2024-06-30,"
		  "opportunity,2024-01-10,T-1,\"用友, SAP\"\n"
		  "星河进销存,\"广州\"\"星河\"\"贸易公司\",,陈静,distribution,mini,9800.5,2024-04-30,opportunity,"
		  "2024-01-15,,\n"
		  "金蝶云星空,北京金蝶软件有限公司,,张伟,direct,standard,120000,2024-09-30,opportunity,"
		  "2024-02-01,,\n"
		  "用友续费,上海用友有限公司,,王总,service,,0.01,,opportunity,2024-03-01,,\n",
		  4);
	assert_rc(KISCRM_OK, kiscrm_opportunity_move(db, 1, "diagnosis", at_time(2024, 2, 1), 0));
	assert_rc(KISCRM_OK, kiscrm_opportunity_move(db, 1, "commercial", at_time(2024, 3, 1), 0));
	assert_rc(KISCRM_OK, kiscrm_opportunity_move(db, 1, "won", at_time(2024, 5, 20), 0));
	assert_rc(KISCRM_OK, kiscrm_opportunity_move(db, 2, "lost", at_time(2024, 4, 2), 0));
	assert_rc(KISCRM_OK, kiscrm_opportunity_move(db, 3, "diagnosis", at_time(2024, 3, 5), 0));
	assert_rc(KISCRM_OK, kiscrm_stage_history_append(db, 3, "diagnosis", "diagnosis",
							 at_time(2024, 3, 6), 2));
	assert_rc(KISCRM_OK, kiscrm_opportunity_set_probability(db, 3, 45));

	import_ok(db, KISCRM_KIND_CONTRACT,
		  "number,customer,opportunity,signed,amount,owner,approval,payment_terms\n"
		  "HT-2024-001,深圳市腾飞科技有限公司,T-1,2024-05-20,580000.00,刘洋,approved,\"30%, 70%\"\n",
		  1);
	kiscrm_date due[2] = { ymd(2024, 6, 1), ymd(2024, 9, 1) };
	kiscrm_money amounts[2] = { 17400000, 40600000 };
	assert_rc(KISCRM_OK, kiscrm_contract_plan_instalments(db, 1, due, amounts, 2, 0));
	import_ok(db, KISCRM_KIND_COLLECTION_PLAN, "opportunity,due,amount,note\n金蝶云星空,2024-10-01,120000,预计\n", 1);
	import_ok(db, KISCRM_KIND_COLLECTION, "contract,received,amount,note\nHT-2024-001,2024-06-03,174000,首付\n", 1);

	kiscrm_id year = 0;
	assert_rc(KISCRM_OK, kiscrm_target_set_year(&year, db, KISCRM_METRIC_CONTRACT_AMOUNT, 2024,
						    100000000, NULL));
	int64_t w[4] = { 1, 2, 3, 4 };
	assert_rc(KISCRM_OK, kiscrm_target_split_time(db, year, KISCRM_PERIOD_QUARTER, w, 4));
	kiscrm_target_dims d;
	assert_rc(KISCRM_OK, kiscrm_target_dims_init(&d, KISCRM_TARGET_DIMS_VERSION));
	d.owner_id = 3;
	assert_rc(KISCRM_OK, kiscrm_target_set_year(NULL, db, KISCRM_METRIC_VISITS, 2024, 120, &d));
}

static void test_round_trip(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_db *fresh = open_db();
	kiscrm_import_options o = KISCRM_IMPORT_OPTIONS_INIT;
	populate(db);
	o.flags = KISCRM_IMPORT_KEEP_IDS | KISCRM_IMPORT_RAW;
	for (size_t i = 0; i < sizeof(round_trip_kinds) / sizeof(round_trip_kinds[0]); i++) {
		int kind = round_trip_kinds[i];
		kiscrm_buf first = KISCRM_BUF_INIT, second = KISCRM_BUF_INIT;
		kiscrm_table *errors = NULL;
		size_t n = 0;
		assert_rc(KISCRM_OK, kiscrm_csv_export(&first, db, kind, NULL, NULL));
		int rc = kiscrm_csv_import_data(&n, &errors, fresh, kind, first.ptr, first.size,
						kiscrm_kind_name(kind), &o);
		if (rc)
			print_error("%s: %s\n", kiscrm_kind_name(kind), kiscrm_error_last()->message);
		assert_rc(KISCRM_OK, rc);
		kiscrm_table_free(errors);
		assert_int_equal(kc_test_count(db, kind, NULL), n);
		assert_rc(KISCRM_OK, kiscrm_csv_export(&second, fresh, kind, NULL, NULL));
		if (strcmp(first.ptr, second.ptr) != 0)
			print_error("%s differs:\n%s---\n%s", kiscrm_kind_name(kind), first.ptr, second.ptr);
		assert_string_equal(first.ptr, second.ptr);
		kiscrm_buf_dispose(&first);
		kiscrm_buf_dispose(&second);
	}
	/* Spot checks that the populated data is what the round trip carried: 5 departments;
	 * history: 4 creation entries + 3 moves of opportunity 1 + 1 of opportunity 2 + 1
	 * move and 1 appended entry of opportunity 3 = 10 (RAW wrote no extra creation
	 * entries); 2 + 1 plans; 1 + 4 + 1 targets. */
	assert_int_equal(5, kc_test_count(fresh, KISCRM_KIND_DEPARTMENT, NULL));
	assert_int_equal(4 + 3 + 1 + 2, kc_test_count(fresh, KISCRM_KIND_STAGE_HISTORY, NULL));
	assert_int_equal(3, kc_test_count(fresh, KISCRM_KIND_COLLECTION_PLAN, NULL));
	assert_int_equal(6, kc_test_count(fresh, KISCRM_KIND_TARGET, NULL));
	kiscrm_record *r = kc_test_get(fresh, KISCRM_KIND_CUSTOMER, 4);
	assert_string_equal("广州\"星河\"贸易公司", kiscrm_record_text(r, KISCRM_CUSTOMER_NAME));
	assert_string_equal("", kiscrm_record_text(r, KISCRM_CUSTOMER_SHORT_NAME));
	kiscrm_record_free(r);
	kiscrm_db_free(fresh);
}

#define DB_TEST(f) cmocka_unit_test_setup_teardown(f, kc_test_db_setup, kc_test_db_teardown)

#define DB_TESTS                                            \
	{                                                   \
		DB_TEST(test_natural_keys),                 \
		DB_TEST(test_ambiguous_and_unknown_names),  \
		DB_TEST(test_bom_crlf_quoted),              \
		DB_TEST(test_gbk),                          \
		DB_TEST(test_bad_rows_atomic),              \
		DB_TEST(test_duplicate_id),                 \
		DB_TEST(test_header_errors),                \
		DB_TEST(test_dry_run),                      \
		DB_TEST(test_max_errors),                   \
		DB_TEST(test_forward_references),           \
		DB_TEST(test_export_format),                \
		DB_TEST(test_export_file),                  \
		DB_TEST(test_bad_arguments),                \
		DB_TEST(test_round_trip),                   \
	}

int main(void)
{
	const struct CMUnitTest tests[] = DB_TESTS;
	return kc_test_run_both(tests) ? 1 : 0;
}
