/*
 * kiscrm-demo: a small tour of libkiscrm on the embedded SQLite default.
 *
 * Creates a partner company's departments, staff, customers and contacts (with Chinese
 * names), then lists them as report tables. Uses only the public API.
 *
 *   usage: kiscrm-demo [DATABASE] [--fresh]
 */
#include <kiscrm.h>

#include <stdio.h>
#include <string.h>

/* Prints the library's last error and returns 1, so call sites can `return fail(...)`. */
static int fail(const char *what)
{
	const kiscrm_error *e = kiscrm_error_last();
	fprintf(stderr, "kiscrm-demo: %s: %s\n", what, e->message);
	return 1;
}

#define CHECK(call, what) do { if ((call) < 0) return fail(what); } while (0)

/* Inserts a record built by setting the given text fields; returns its id or 0. */
static kiscrm_id insert(kiscrm_db *db, int kind, const int *fields, const char *const *values, int n)
{
	kiscrm_record *rec = NULL;
	kiscrm_id id = 0;
	if (kiscrm_record_new(&rec, kind) < 0)
		return 0;
	int rc = 0;
	for (int i = 0; rc == 0 && i < n; i++)
		rc = kiscrm_record_set_from_text(rec, fields[i], values[i], 2);
	if (rc == 0 && kiscrm_record_insert(db, rec) == 0)
		id = kiscrm_record_id(rec);
	kiscrm_record_free(rec);
	return id;
}

static kiscrm_id add_department(kiscrm_db *db, const char *name, kiscrm_id parent)
{
	char parent_text[24] = "";
	if (parent)
		snprintf(parent_text, sizeof(parent_text), "%lld", (long long)parent);
	const int f[] = { KISCRM_DEPARTMENT_NAME, KISCRM_DEPARTMENT_PARENT_ID };
	const char *v[] = { name, parent_text };
	return insert(db, KISCRM_KIND_DEPARTMENT, f, v, 2);
}

static kiscrm_id add_staff(kiscrm_db *db, const char *name, kiscrm_id dept, const char *role,
			   kiscrm_id manager, const char *hired)
{
	char d[24], m[24] = "";
	snprintf(d, sizeof(d), "%lld", (long long)dept);
	if (manager)
		snprintf(m, sizeof(m), "%lld", (long long)manager);
	const int f[] = { KISCRM_STAFF_NAME, KISCRM_STAFF_DEPARTMENT_ID, KISCRM_STAFF_ROLE,
			  KISCRM_STAFF_MANAGER_ID, KISCRM_STAFF_HIRE_DATE };
	const char *v[] = { name, d, role, m, hired };
	return insert(db, KISCRM_KIND_STAFF, f, v, 5);
}

static kiscrm_id add_customer(kiscrm_db *db, const char *name, const char *industry,
			      const char *region, kiscrm_id owner, const char *key_account)
{
	char o[24];
	snprintf(o, sizeof(o), "%lld", (long long)owner);
	const int f[] = { KISCRM_CUSTOMER_NAME, KISCRM_CUSTOMER_INDUSTRY, KISCRM_CUSTOMER_REGION,
			  KISCRM_CUSTOMER_OWNER_ID, KISCRM_CUSTOMER_KEY_ACCOUNT };
	const char *v[] = { name, industry, region, o, key_account };
	return insert(db, KISCRM_KIND_CUSTOMER, f, v, 5);
}

static kiscrm_id add_contact(kiscrm_db *db, kiscrm_id customer, const char *name, const char *title,
			     const char *chain_role)
{
	char c[24];
	snprintf(c, sizeof(c), "%lld", (long long)customer);
	const int f[] = { KISCRM_CONTACT_CUSTOMER_ID, KISCRM_CONTACT_NAME, KISCRM_CONTACT_TITLE,
			  KISCRM_CONTACT_CHAIN_ROLE };
	const char *v[] = { c, name, title, chain_role };
	return insert(db, KISCRM_KIND_CONTACT, f, v, 4);
}

/* Lists every record of a kind as a table with the given columns. */
static int list(kiscrm_db *db, int kind, const char *title, const int *fields, int n)
{
	kiscrm_table *t = NULL;
	kiscrm_iter *it = NULL;
	kiscrm_buf text = KISCRM_BUF_INIT, cell = KISCRM_BUF_INIT;
	const kiscrm_record *rec;
	int rc;

	CHECK(kiscrm_table_new(&t, title), "table");
	for (int i = 0; i < n; i++)
		CHECK(kiscrm_table_add_column(t, kiscrm_kind_field_name(kind, fields[i]),
					      KISCRM_TYPE_TEXT), "column");
	CHECK(kiscrm_iter_new(&it, db, kind, NULL), "iterate");
	while ((rc = kiscrm_iter_next(&rec, it)) == KISCRM_OK) {
		int row = kiscrm_table_add_row(t, KISCRM_ROW_DETAIL);
		for (int i = 0; i < n; i++) {
			cell.size = 0;
			CHECK(kiscrm_record_field_to_text(&cell, rec, fields[i], 2), "field");
			CHECK(kiscrm_table_set_text(t, (size_t)row, (size_t)i,
						    cell.size ? cell.ptr : NULL), "cell");
		}
	}
	kiscrm_iter_free(it);
	if (rc != KISCRM_ITEROVER)
		return fail("iterate");
	CHECK(kiscrm_table_write_text(&text, t), "print");
	printf("== %s ==\n%s\n", title, text.ptr);
	kiscrm_buf_dispose(&text);
	kiscrm_buf_dispose(&cell);
	kiscrm_table_free(t);
	return 0;
}

static int populate(kiscrm_db *db)
{
	kiscrm_id gm_office = add_department(db, "总经办", 0);
	kiscrm_id sales = add_department(db, "大客户部", gm_office);
	kiscrm_id direct = add_department(db, "直销一部", sales);
	kiscrm_id service = add_department(db, "服务部", gm_office);
	if (!gm_office || !sales || !direct || !service)
		return fail("department");

	kiscrm_id gm = add_staff(db, "王建国", gm_office, "general_manager", 0, "2015-03-01");
	kiscrm_id kam = add_staff(db, "李娜", sales, "key_account_manager", gm, "2018-07-16");
	kiscrm_id rep1 = add_staff(db, "张伟", direct, "sales_rep", kam, "2021-09-01");
	kiscrm_id rep2 = add_staff(db, "陈静", direct, "sales_rep", kam, "2023-02-20");
	kiscrm_id svc = add_staff(db, "刘洋", service, "service", gm, "2019-05-06");
	if (!gm || !kam || !rep1 || !rep2 || !svc)
		return fail("staff");

	kiscrm_id c1 = add_customer(db, "深圳市华南精密制造有限公司", "manufacturing", "south", rep1, "1");
	kiscrm_id c2 = add_customer(db, "广州百货商贸股份有限公司", "trade", "south", rep2, "0");
	kiscrm_id c3 = add_customer(db, "长沙湘江物流有限责任公司", "logistics", "central", rep1, "1");
	if (!c1 || !c2 || !c3)
		return fail("customer");

	if (!add_contact(db, c1, "赵总", "总经理", "decision_maker") ||
	    !add_contact(db, c1, "孙会计", "财务经理", "influencer") ||
	    !add_contact(db, c2, "周主任", "信息中心主任", "technical_evaluator") ||
	    !add_contact(db, c3, "吴经理", "物流经理", "user"))
		return fail("contact");
	return 0;
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "demo.db";
	int fresh = argc > 2 && strcmp(argv[2], "--fresh") == 0;
	if (fresh) {
		char side[1024];
		remove(path);
		snprintf(side, sizeof(side), "%s-wal", path);
		remove(side);
		snprintf(side, sizeof(side), "%s-shm", path);
		remove(side);
	}

	kiscrm_db_options opts = KISCRM_DB_OPTIONS_INIT;
	opts.path = path;
	kiscrm_db *db = NULL;
	if (kiscrm_db_open(&db, &opts) < 0)
		return fail(path);
	printf("libkiscrm %s, database %s\n\n", kiscrm_version_string(), path);

	/* All of the company set up at once: either everything is stored or nothing. */
	if (kiscrm_db_begin(db) < 0 || populate(db) != 0) {
		kiscrm_db_free(db);
		return 1;
	}
	if (kiscrm_db_commit(db) < 0) {
		kiscrm_db_free(db);
		return fail("commit");
	}

	const int dept_cols[] = { KISCRM_DEPARTMENT_ID, KISCRM_DEPARTMENT_NAME, KISCRM_DEPARTMENT_PARENT_ID };
	const int staff_cols[] = { KISCRM_STAFF_ID, KISCRM_STAFF_NAME, KISCRM_STAFF_DEPARTMENT_ID,
				   KISCRM_STAFF_ROLE, KISCRM_STAFF_MANAGER_ID, KISCRM_STAFF_HIRE_DATE };
	const int cust_cols[] = { KISCRM_CUSTOMER_ID, KISCRM_CUSTOMER_NAME, KISCRM_CUSTOMER_INDUSTRY,
				  KISCRM_CUSTOMER_REGION, KISCRM_CUSTOMER_OWNER_ID,
				  KISCRM_CUSTOMER_KEY_ACCOUNT };
	const int contact_cols[] = { KISCRM_CONTACT_ID, KISCRM_CONTACT_CUSTOMER_ID, KISCRM_CONTACT_NAME,
				     KISCRM_CONTACT_TITLE, KISCRM_CONTACT_CHAIN_ROLE };
	int rc = list(db, KISCRM_KIND_DEPARTMENT, "部门 departments", dept_cols, 3) ||
		 list(db, KISCRM_KIND_STAFF, "员工 staff", staff_cols, 6) ||
		 list(db, KISCRM_KIND_CUSTOMER, "客户 customers", cust_cols, 6) ||
		 list(db, KISCRM_KIND_CONTACT, "联系人 contacts", contact_cols, 5);
	kiscrm_db_free(db);
	return rc;
}
