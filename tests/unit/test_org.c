/* The organisation: the department tree, kiscrm_department_subtree, staff rules (roles,
 * active flag, experience, reporting lines) and what deleting departments and staff does.
 * Every test runs on the memory backend and on SQLite. */
#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- builders ----------------------------------------------------------------------- */

/* manager 0: none */
static kiscrm_id add_staff(kiscrm_db *db, const char *name, kiscrm_id dept, const char *role,
			   kiscrm_id manager)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_STAFF);
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_STAFF_NAME, name));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_STAFF_DEPARTMENT_ID, dept));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_STAFF_ROLE, role));
	if (manager)
		assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_STAFF_MANAGER_ID, manager));
	return kc_test_insert(db, r);
}

static kiscrm_id add_customer(kiscrm_db *db, const char *name, kiscrm_id owner)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_CUSTOMER);
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_CUSTOMER_NAME, name));
	if (owner)
		assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_CUSTOMER_OWNER_ID, owner));
	return kc_test_insert(db, r);
}

/* A staff record ready to insert into department @p dept (name 员工, role sales_rep). */
static kiscrm_record *new_staff(kiscrm_id dept)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_STAFF);
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_STAFF_NAME, "员工"));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_STAFF_DEPARTMENT_ID, dept));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_STAFF_ROLE, "sales_rep"));
	return r;
}

/* --- the department tree -------------------------------------------------------------- */

static void test_department_cycles(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_id a = kc_test_department(db, "总部", 0);
	kiscrm_id b = kc_test_department(db, "销售中心", a);
	kiscrm_id c = kc_test_department(db, "华北区", b);
	kiscrm_id d = kc_test_department(db, "独立部门", 0);

	/* A → B → A */
	assert_rc(KISCRM_ECONFLICT, kc_test_update_int(db, KISCRM_KIND_DEPARTMENT, a, KISCRM_DEPARTMENT_PARENT_ID, b));
	assert_msg_has("parent_id");
	assert_string_equal("parent_id", kiscrm_error_last()->field);
	/* A → C → B → A */
	assert_rc(KISCRM_ECONFLICT, kc_test_update_int(db, KISCRM_KIND_DEPARTMENT, a, KISCRM_DEPARTMENT_PARENT_ID, c));
	/* B → C → B */
	assert_rc(KISCRM_ECONFLICT, kc_test_update_int(db, KISCRM_KIND_DEPARTMENT, b, KISCRM_DEPARTMENT_PARENT_ID, c));
	/* self-parent */
	assert_rc(KISCRM_ECONFLICT, kc_test_update_int(db, KISCRM_KIND_DEPARTMENT, a, KISCRM_DEPARTMENT_PARENT_ID, a));
	assert_msg_has("parent_id");
	assert_rc(KISCRM_ECONFLICT, kc_test_update_int(db, KISCRM_KIND_DEPARTMENT, c, KISCRM_DEPARTMENT_PARENT_ID, c));
	/* nothing changed */
	assert_int_equal(-1, kc_test_stored_int(db, KISCRM_KIND_DEPARTMENT, a, KISCRM_DEPARTMENT_PARENT_ID));
	assert_int_equal(a, kc_test_stored_int(db, KISCRM_KIND_DEPARTMENT, b, KISCRM_DEPARTMENT_PARENT_ID));
	assert_int_equal(b, kc_test_stored_int(db, KISCRM_KIND_DEPARTMENT, c, KISCRM_DEPARTMENT_PARENT_ID));

	/* moves that keep it a tree are fine: C under D, then A under C (D → C → A → B) */
	assert_rc(KISCRM_OK, kc_test_update_int(db, KISCRM_KIND_DEPARTMENT, c, KISCRM_DEPARTMENT_PARENT_ID, d));
	assert_rc(KISCRM_OK, kc_test_update_int(db, KISCRM_KIND_DEPARTMENT, a, KISCRM_DEPARTMENT_PARENT_ID, c));
	assert_int_equal(c, kc_test_stored_int(db, KISCRM_KIND_DEPARTMENT, a, KISCRM_DEPARTMENT_PARENT_ID));
	/* and now D under B would close D → C → A → B → D */
	assert_rc(KISCRM_ECONFLICT, kc_test_update_int(db, KISCRM_KIND_DEPARTMENT, d, KISCRM_DEPARTMENT_PARENT_ID, b));
	assert_int_equal(-1, kc_test_stored_int(db, KISCRM_KIND_DEPARTMENT, d, KISCRM_DEPARTMENT_PARENT_ID));

	/* a parent that does not exist */
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_DEPARTMENT);
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_DEPARTMENT_NAME, "孤儿部"));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_DEPARTMENT_PARENT_ID, 777));
	assert_rc(KISCRM_ENOTFOUND, kiscrm_record_insert(db, r));
	assert_msg_has("777");
	assert_msg_has("parent_id");
	kiscrm_record_free(r);
	assert_int_equal(4, kc_test_count(db, KISCRM_KIND_DEPARTMENT, NULL));
}

static int cmp_id(const void *a, const void *b)
{
	kiscrm_id x = *(const kiscrm_id *)a, y = *(const kiscrm_id *)b;
	return (x > y) - (x < y);
}

/* Asserts that the subtree of @p root is exactly the set @p expected (any order). */
static void check_subtree(kiscrm_db *db, kiscrm_id root, kiscrm_id *expected, size_t n)
{
	kiscrm_id *ids = NULL;
	size_t count = 0;
	assert_rc(KISCRM_OK, kiscrm_department_subtree(&ids, &count, db, root));
	assert_int_equal(n, count);
	assert_non_null(ids);
	qsort(ids, count, sizeof(*ids), cmp_id);
	qsort(expected, n, sizeof(*expected), cmp_id);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(expected[i], ids[i]);
	kiscrm_ids_free(ids);
}

static void test_department_subtree(void **state)
{
	kiscrm_db *db = *state;
	/*   R 总公司                T 子公司
	 *   ├── X 销售中心          └── T1 子公司销售部
	 *   │   ├── X1 华北区
	 *   │   │   └── Z 北京组   (created at the top level, then moved here)
	 *   │   └── X2 华东区
	 *   └── Y 服务中心
	 *       └── Y1 实施部 */
	kiscrm_id z = kc_test_department(db, "北京组", 0);
	kiscrm_id r = kc_test_department(db, "总公司", 0);
	kiscrm_id x = kc_test_department(db, "销售中心", r);
	kiscrm_id y = kc_test_department(db, "服务中心", r);
	kiscrm_id x1 = kc_test_department(db, "华北区", x);
	kiscrm_id x2 = kc_test_department(db, "华东区", x);
	kiscrm_id y1 = kc_test_department(db, "实施部", y);
	kiscrm_id t = kc_test_department(db, "子公司", 0);
	kiscrm_id t1 = kc_test_department(db, "子公司销售部", t);
	assert_rc(KISCRM_OK, kc_test_update_int(db, KISCRM_KIND_DEPARTMENT, z, KISCRM_DEPARTMENT_PARENT_ID, x1));

	{
		kiscrm_id e[] = { r, x, y, x1, x2, y1, z };
		check_subtree(db, r, e, 7);
	}
	{
		kiscrm_id e[] = { x, x1, x2, z };
		check_subtree(db, x, e, 4);
	}
	{
		kiscrm_id e[] = { x1, z };
		check_subtree(db, x1, e, 2);
	}
	{
		kiscrm_id e[] = { y, y1 };
		check_subtree(db, y, e, 2);
	}
	{
		kiscrm_id e[] = { z };
		check_subtree(db, z, e, 1);
	}
	{
		kiscrm_id e[] = { t, t1 };
		check_subtree(db, t, e, 2);
	}
	/* moving X2 under T changes both subtrees */
	assert_rc(KISCRM_OK, kc_test_update_int(db, KISCRM_KIND_DEPARTMENT, x2, KISCRM_DEPARTMENT_PARENT_ID, t));
	{
		kiscrm_id e[] = { r, x, y, x1, y1, z };
		check_subtree(db, r, e, 6);
	}
	{
		kiscrm_id e[] = { t, t1, x2 };
		check_subtree(db, t, e, 3);
	}

	/* errors */
	kiscrm_id *ids = NULL;
	size_t count = 0;
	assert_rc(KISCRM_ENOTFOUND, kiscrm_department_subtree(&ids, &count, db, 999));
	assert_msg_has("999");
	assert_rc(KISCRM_ENOTFOUND, kiscrm_department_subtree(&ids, &count, db, 0));
	assert_rc(KISCRM_EINVALID, kiscrm_department_subtree(NULL, &count, db, r));
	assert_rc(KISCRM_EINVALID, kiscrm_department_subtree(&ids, NULL, db, r));
	assert_rc(KISCRM_EINVALID, kiscrm_department_subtree(&ids, &count, NULL, r));
	kiscrm_ids_free(NULL);
}

/* --- staff rules ---------------------------------------------------------------------- */

static void test_staff_roles(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_id d = kc_test_department(db, "销售部", 0);
	/* every role key of the default roles.yaml */
	static const char *const roles[] = { "general_manager", "department_manager",
					     "key_account_manager", "supervisor", "sales_rep",
					     "presales", "service", "partner", "executive_general_manager",
					     "technical_supervisor", "business_development_manager", "sales_manager",
					     "key_account_specialist", "telemarketer" };
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		add_staff(db, "员工", d, roles[i], 0);

	static const char *const bad[] = { "wizard", "Sales_Rep", "sales rep", "销售代表", "" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		kiscrm_record *r = new_staff(d);
		assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_STAFF_ROLE, bad[i]));
		assert_rc(KISCRM_EINVALID, kiscrm_record_insert(db, r));
		assert_string_equal("role", kiscrm_error_last()->field);
		assert_non_null(kiscrm_error_last()->value);
		assert_string_equal(bad[i], kiscrm_error_last()->value);
		if (*bad[i])
			assert_msg_has(bad[i]);
		kiscrm_record_free(r);
	}
	assert_int_equal(sizeof(roles) / sizeof(roles[0]), kc_test_count(db, KISCRM_KIND_STAFF, NULL));

	/* a stored staff member cannot be given an unknown role either */
	kiscrm_record *r = NULL;
	kiscrm_id s = add_staff(db, "张三", d, "sales_rep", 0);
	assert_rc(KISCRM_OK, kiscrm_record_get(&r, db, KISCRM_KIND_STAFF, s));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_STAFF_ROLE, "wizard"));
	assert_rc(KISCRM_EINVALID, kiscrm_record_update(db, r));
	assert_msg_has("wizard");
	kiscrm_record_free(r);
	assert_rc(KISCRM_OK, kiscrm_record_get(&r, db, KISCRM_KIND_STAFF, s));
	assert_string_equal("sales_rep", kiscrm_record_text(r, KISCRM_STAFF_ROLE));
	/* promotion to a real role works */
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_STAFF_ROLE, "supervisor"));
	assert_rc(KISCRM_OK, kiscrm_record_update(db, r));
	kiscrm_record_free(r);
}

static void test_staff_active(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_id d = kc_test_department(db, "销售部", 0);
	static const int64_t good[] = { 0, 1 };
	static const int64_t bad[] = { 2, -1, 10 };
	static const char *const bad_text[] = { "2", "-1", "10" };

	for (size_t i = 0; i < 2; i++) {
		kiscrm_record *r = new_staff(d);
		assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_STAFF_ACTIVE, good[i]));
		assert_rc(KISCRM_OK, kiscrm_record_insert(db, r));
		assert_int_equal(good[i], kc_test_stored_int(db, KISCRM_KIND_STAFF, kiscrm_record_id(r),
						     KISCRM_STAFF_ACTIVE));
		kiscrm_record_free(r);
	}
	for (size_t i = 0; i < 3; i++) {
		kiscrm_record *r = new_staff(d);
		assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_STAFF_ACTIVE, bad[i]));
		assert_rc(KISCRM_EINVALID, kiscrm_record_insert(db, r));
		assert_string_equal("active", kiscrm_error_last()->field);
		assert_msg_has("active");
		assert_msg_has(bad_text[i]);
		kiscrm_record_free(r);
	}
	assert_int_equal(2, kc_test_count(db, KISCRM_KIND_STAFF, NULL));
}

static void test_staff_experience(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_id d = kc_test_department(db, "销售部", 0);
	static const int fields[] = { KISCRM_STAFF_SALES_YEARS, KISCRM_STAFF_INDUSTRY_YEARS,
				      KISCRM_STAFF_MANAGEMENT_YEARS };
	static const char *const names[] = { "sales_years", "industry_years", "management_years" };

	for (size_t i = 0; i < 3; i++) {
		kiscrm_record *r = new_staff(d);
		assert_rc(KISCRM_OK, kiscrm_record_set_rate(r, fields[i], -0.5));
		assert_rc(KISCRM_EINVALID, kiscrm_record_insert(db, r));
		assert_string_equal(names[i], kiscrm_error_last()->field);
		assert_msg_has(names[i]);
		assert_int_equal(0, kiscrm_record_id(r));
		kiscrm_record_free(r);
	}
	assert_int_equal(0, kc_test_count(db, KISCRM_KIND_STAFF, NULL));

	/* zero and positive values pass, and read back exactly */
	kiscrm_record *r = new_staff(d), *got = NULL;
	assert_rc(KISCRM_OK, kiscrm_record_set_rate(r, KISCRM_STAFF_SALES_YEARS, 0.0));
	assert_rc(KISCRM_OK, kiscrm_record_set_rate(r, KISCRM_STAFF_INDUSTRY_YEARS, 12.5));
	assert_rc(KISCRM_OK, kiscrm_record_set_rate(r, KISCRM_STAFF_MANAGEMENT_YEARS, 3.25));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_STAFF_EDUCATION, "bachelor"));
	assert_rc(KISCRM_OK, kiscrm_record_insert(db, r));
	assert_rc(KISCRM_OK, kiscrm_record_get(&got, db, KISCRM_KIND_STAFF, kiscrm_record_id(r)));
	assert_true(kiscrm_record_rate(got, KISCRM_STAFF_SALES_YEARS) == 0.0);
	assert_int_equal(0, kiscrm_record_is_null(got, KISCRM_STAFF_SALES_YEARS));
	assert_true(kiscrm_record_rate(got, KISCRM_STAFF_INDUSTRY_YEARS) == 12.5);
	assert_true(kiscrm_record_rate(got, KISCRM_STAFF_MANAGEMENT_YEARS) == 3.25);
	kiscrm_record_free(got);

	/* negative on update is refused as well */
	assert_rc(KISCRM_OK, kiscrm_record_set_rate(r, KISCRM_STAFF_MANAGEMENT_YEARS, -1.0));
	assert_rc(KISCRM_EINVALID, kiscrm_record_update(db, r));
	assert_msg_has("management_years");
	kiscrm_record_free(r);
}

static void test_staff_manager_cycle(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_id d = kc_test_department(db, "销售部", 0);
	kiscrm_id s1 = add_staff(db, "总经理", d, "general_manager", 0);
	kiscrm_id s2 = add_staff(db, "经理", d, "department_manager", s1);
	kiscrm_id s3 = add_staff(db, "代表", d, "sales_rep", s2);

	/* s1 → s3 → s2 → s1 */
	assert_rc(KISCRM_ECONFLICT, kc_test_update_int(db, KISCRM_KIND_STAFF, s1, KISCRM_STAFF_MANAGER_ID, s3));
	assert_msg_has("manager_id");
	assert_string_equal("manager_id", kiscrm_error_last()->field);
	/* s2 → s3 → s2 */
	assert_rc(KISCRM_ECONFLICT, kc_test_update_int(db, KISCRM_KIND_STAFF, s2, KISCRM_STAFF_MANAGER_ID, s3));
	/* self */
	assert_rc(KISCRM_ECONFLICT, kc_test_update_int(db, KISCRM_KIND_STAFF, s3, KISCRM_STAFF_MANAGER_ID, s3));
	assert_int_equal(-1, kc_test_stored_int(db, KISCRM_KIND_STAFF, s1, KISCRM_STAFF_MANAGER_ID));
	assert_int_equal(s1, kc_test_stored_int(db, KISCRM_KIND_STAFF, s2, KISCRM_STAFF_MANAGER_ID));
	assert_int_equal(s2, kc_test_stored_int(db, KISCRM_KIND_STAFF, s3, KISCRM_STAFF_MANAGER_ID));

	/* s3 reporting straight to s1 is fine */
	assert_rc(KISCRM_OK, kc_test_update_int(db, KISCRM_KIND_STAFF, s3, KISCRM_STAFF_MANAGER_ID, s1));
	assert_int_equal(s1, kc_test_stored_int(db, KISCRM_KIND_STAFF, s3, KISCRM_STAFF_MANAGER_ID));
	/* and now s2 may report to s3 (s2 → s3 → s1) */
	assert_rc(KISCRM_OK, kc_test_update_int(db, KISCRM_KIND_STAFF, s2, KISCRM_STAFF_MANAGER_ID, s3));

	/* a manager that does not exist */
	kiscrm_record *r = new_staff(d);
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_STAFF_MANAGER_ID, 888));
	assert_rc(KISCRM_ENOTFOUND, kiscrm_record_insert(db, r));
	assert_msg_has("888");
	kiscrm_record_free(r);
	assert_int_equal(3, kc_test_count(db, KISCRM_KIND_STAFF, NULL));
}

/* --- deleting ------------------------------------------------------------------------- */

static void test_delete_department(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_id top = kc_test_department(db, "总部", 0);
	kiscrm_id d = kc_test_department(db, "销售部", top);
	kiscrm_id s = add_staff(db, "李四", d, "sales_rep", 0);

	/* staff.department_id is required and not owned: refused with and without CASCADE */
	assert_rc(KISCRM_ECONFLICT, kiscrm_record_delete(db, KISCRM_KIND_DEPARTMENT, d, 0));
	assert_msg_has("staff");
	assert_rc(KISCRM_ECONFLICT,
		  kiscrm_record_delete(db, KISCRM_KIND_DEPARTMENT, d, KISCRM_DELETE_CASCADE));
	assert_msg_has("staff");
	assert_true(kc_test_exists(db, KISCRM_KIND_DEPARTMENT, d));
	assert_true(kc_test_exists(db, KISCRM_KIND_STAFF, s));
	assert_int_equal(d, kc_test_stored_int(db, KISCRM_KIND_STAFF, s, KISCRM_STAFF_DEPARTMENT_ID));

	/* a department with a child department: refused without CASCADE; with it the child
	 * becomes top-level (parent_id is neither required nor owned) */
	assert_rc(KISCRM_ECONFLICT, kiscrm_record_delete(db, KISCRM_KIND_DEPARTMENT, top, 0));
	assert_msg_has("department");
	assert_rc(KISCRM_OK, kiscrm_record_delete(db, KISCRM_KIND_DEPARTMENT, top, KISCRM_DELETE_CASCADE));
	assert_false(kc_test_exists(db, KISCRM_KIND_DEPARTMENT, top));
	assert_int_equal(-1, kc_test_stored_int(db, KISCRM_KIND_DEPARTMENT, d, KISCRM_DEPARTMENT_PARENT_ID));

	/* once the staff member is moved away, the department can go */
	kiscrm_id other = kc_test_department(db, "市场部", 0);
	assert_rc(KISCRM_OK, kc_test_update_int(db, KISCRM_KIND_STAFF, s, KISCRM_STAFF_DEPARTMENT_ID, other));
	assert_rc(KISCRM_OK, kiscrm_record_delete(db, KISCRM_KIND_DEPARTMENT, d, 0));
	assert_false(kc_test_exists(db, KISCRM_KIND_DEPARTMENT, d));
	assert_int_equal(1, kc_test_count(db, KISCRM_KIND_DEPARTMENT, NULL));
}

static void test_delete_staff(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_id d = kc_test_department(db, "销售部", 0);
	kiscrm_id boss = add_staff(db, "王总", d, "general_manager", 0);
	kiscrm_id s = add_staff(db, "赵五", d, "sales_rep", boss);
	kiscrm_id sub = add_staff(db, "钱六", d, "sales_rep", s);
	kiscrm_id c1 = add_customer(db, "北京金蝶软件有限公司", s);
	kiscrm_id c2 = add_customer(db, "上海用友", s);
	kiscrm_id c3 = add_customer(db, "深圳某某", boss);
	kiscrm_id c4 = add_customer(db, "无主客户", 0);
	assert_rc(KISCRM_OK, kc_test_update_int(db, KISCRM_KIND_DEPARTMENT, d, KISCRM_DEPARTMENT_MANAGER_ID, s));

	/* without CASCADE: refused, the message names a referring record, nothing changes */
	assert_rc(KISCRM_ECONFLICT, kiscrm_record_delete(db, KISCRM_KIND_STAFF, s, 0));
	assert_true(kc_test_exists(db, KISCRM_KIND_STAFF, s));
	assert_int_equal(s, kc_test_stored_int(db, KISCRM_KIND_CUSTOMER, c1, KISCRM_CUSTOMER_OWNER_ID));
	assert_int_equal(s, kc_test_stored_int(db, KISCRM_KIND_CUSTOMER, c2, KISCRM_CUSTOMER_OWNER_ID));
	assert_int_equal(s, kc_test_stored_int(db, KISCRM_KIND_STAFF, sub, KISCRM_STAFF_MANAGER_ID));
	assert_int_equal(s, kc_test_stored_int(db, KISCRM_KIND_DEPARTMENT, d, KISCRM_DEPARTMENT_MANAGER_ID));

	/* a staff member who only owns customers: the message names the customer */
	kiscrm_id t = add_staff(db, "孙七", d, "sales_rep", 0);
	kiscrm_id c5 = add_customer(db, "广州某某", t);
	char idtext[32];
	snprintf(idtext, sizeof(idtext), "%lld", (long long)c5);
	assert_rc(KISCRM_ECONFLICT, kiscrm_record_delete(db, KISCRM_KIND_STAFF, t, 0));
	assert_msg_has("customer");
	assert_msg_has(idtext);

	/* with CASCADE: the staff member goes, the customers stay without an owner, and the
	 * other references to s (a subordinate's manager, a department's manager) are cleared */
	assert_rc(KISCRM_OK, kiscrm_record_delete(db, KISCRM_KIND_STAFF, s, KISCRM_DELETE_CASCADE));
	assert_false(kc_test_exists(db, KISCRM_KIND_STAFF, s));
	assert_true(kc_test_exists(db, KISCRM_KIND_CUSTOMER, c1));
	assert_true(kc_test_exists(db, KISCRM_KIND_CUSTOMER, c2));
	assert_int_equal(-1, kc_test_stored_int(db, KISCRM_KIND_CUSTOMER, c1, KISCRM_CUSTOMER_OWNER_ID));
	assert_int_equal(-1, kc_test_stored_int(db, KISCRM_KIND_CUSTOMER, c2, KISCRM_CUSTOMER_OWNER_ID));
	assert_int_equal(boss, kc_test_stored_int(db, KISCRM_KIND_CUSTOMER, c3, KISCRM_CUSTOMER_OWNER_ID));
	assert_int_equal(-1, kc_test_stored_int(db, KISCRM_KIND_CUSTOMER, c4, KISCRM_CUSTOMER_OWNER_ID));
	assert_int_equal(-1, kc_test_stored_int(db, KISCRM_KIND_STAFF, sub, KISCRM_STAFF_MANAGER_ID));
	assert_int_equal(-1, kc_test_stored_int(db, KISCRM_KIND_DEPARTMENT, d, KISCRM_DEPARTMENT_MANAGER_ID));
	assert_int_equal(5, kc_test_count(db, KISCRM_KIND_CUSTOMER, NULL));
	assert_int_equal(3, kc_test_count(db, KISCRM_KIND_STAFF, NULL)); /* boss, sub, t */

	/* the customers' names and keys were not touched by clearing the owner */
	kiscrm_record *r = NULL;
	assert_rc(KISCRM_OK, kiscrm_record_get(&r, db, KISCRM_KIND_CUSTOMER, c1));
	assert_string_equal("北京金蝶软件有限公司", kiscrm_record_text(r, KISCRM_CUSTOMER_NAME));
	assert_string_equal("北京金蝶软件", kiscrm_record_text(r, KISCRM_CUSTOMER_NAME_KEY));
	kiscrm_record_free(r);

	/* a staff member nobody refers to is deleted without CASCADE */
	assert_rc(KISCRM_OK, kiscrm_record_delete(db, KISCRM_KIND_STAFF, sub, 0));
	assert_false(kc_test_exists(db, KISCRM_KIND_STAFF, sub));
}

#define DB_TEST(f) cmocka_unit_test_setup_teardown(f, kc_test_db_setup, kc_test_db_teardown)

#define DB_TESTS                                      \
	{                                             \
		DB_TEST(test_department_cycles),      \
		DB_TEST(test_department_subtree),     \
		DB_TEST(test_staff_roles),            \
		DB_TEST(test_staff_active),           \
		DB_TEST(test_staff_experience),       \
		DB_TEST(test_staff_manager_cycle),    \
		DB_TEST(test_delete_department),      \
		DB_TEST(test_delete_staff),           \
	}

int main(void)
{
	const struct CMUnitTest tests[] = DB_TESTS;
	return kc_test_run_both(tests) ? 1 : 0;
}
