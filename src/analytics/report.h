/* What every report shares: resolved options (dates, pipeline, filters), lookups of
 * names and customer attributes, and grouping of records by the requested dimensions.
 *
 * A report typically does:
 *   kc_report ctx; kc_report_begin(&ctx, db, opts);
 *   scan its records; for each: fill a kc_dims, skip unless kc_report_accept(),
 *     kc_report_group(&ctx, &dims, &g) → accumulate into its own array at index g;
 *   kc_report_table(&ctx, &t, "name"), add its own columns after the group columns,
 *     for g in kc_report_sorted(): kc_report_add_row(...) then set its figures;
 *   kc_report_end(&ctx). */
#ifndef KC_ANALYTICS_REPORT_H
#define KC_ANALYTICS_REPORT_H

#include "kiscrm/report.h"
#include "kiscrm/table.h"
#include "table/table_internal.h"
#include "core/map.h"
#include "core/tuplemap.h"
#include "storage/db.h"

#define KC_MAX_GROUPS 4
_Static_assert(KC_MAX_GROUPS <= KC_TUPLE_MAX, "a group key of ids fits a tuple map key");

/* The facts of one record that reports filter and group by. */
typedef struct kc_dims {
	const char *business_line;
	const char *product_line;
	const char *size_class;
	kiscrm_id department_id;
	kiscrm_id owner_id;
	kiscrm_id customer_id;
} kc_dims;

typedef struct kc_report {
	kiscrm_db *db;
	kiscrm_report_options o;
	kiscrm_date as_of;
	kiscrm_date from, to; /* KISCRM_DATE_NONE when unbounded */
	int pipeline;         /* pipeline index in the configuration */
	int week_start, fy_month;
	int decimals;         /* currency decimals */
	/* lookups, loaded on demand */
	kc_idmap staff;       /* id → index into names */
	kc_idmap departments; /* id → index into names */
	kc_idmap customers;   /* id → index into cust_region/cust_industry */
	kc_idmap customer_names; /* id → index into names (group by customer) */
	kc_idmap managers;    /* staff id → the id of their manager (group by manager) */
	kc_idmap staff_depts; /* staff id → department, loaded on first use */
	/* loaded flags: an empty map tells nothing (no rows, or not loaded yet) */
	int staff_loaded, departments_loaded, customers_loaded, staff_depts_loaded;
	char **names;
	size_t nnames, cap_names;
	char **cust_region, **cust_industry;
	size_t ncust;
	kc_idmap dept_filter; /* department subtree when o.department_id is set */
	/* grouping */
	kc_strmap group_index; /* joined key → group */
	kc_tuplemap group_of_ids; /* dimensions told apart by id (department, owner …): ids → group */
	kc_idmap group_of_id;     /* the same for one such dimension: a direct lookup, no hash */
	char **group_keys;     /* per group: the ngroup texts joined by '\x1f' */
	size_t ngroups, cap_groups;
	/* kc_report_add_row's last labels: the next row of the same group in the same table
	 * shares the texts the table copied for them instead of parsing and copying the key
	 * again (the table frees its copies only with itself) */
	uint64_t label_table; /* its kc_table_serial, 0: none */
	size_t label_group;
	const char *label_text[KC_MAX_GROUPS];
} kc_report;

int kc_report_begin(kc_report *r, kiscrm_db *db, const kiscrm_report_options *opts);
/* Checks the options every report must refuse (group-by, period, from/to); reports that
 * override some options call it before they do. */
int kc_report_options_check(const kiscrm_report_options *o);
/* The rule for opportunities outside the configuration (outside_config.c): called by
 * every report that places opportunities by stage, after kc_report_begin. Refuses with
 * KISCRM_ECONFIG naming the records when an opportunity of the report's pipeline (of any
 * pipeline with all_pipelines) is at a stage its pipeline does not have, or any
 * opportunity is in a pipeline the configuration does not have. */
int kc_report_require_configured_stages(kc_report *r, int all_pipelines);
/* The rule remembered by the handle: kc_report_stages_known gives 1 when it was found to
 * hold for every pipeline on the opportunities as they still are (kc_db_stamp: no write
 * through this handle, no rollback, no commit by another SQLite connection since);
 * kc_report_stages_hold records that it held on the rows as they were at @at, a stamp
 * taken before they were read. kc_report_require_configured_stages does both itself. */
int kc_report_stages_known(kc_report *r);
void kc_report_stages_hold(kc_report *r, const kc_stamp *at);
/* The same rule with all_pipelines, checked on the rows of a scan of every opportunity
 * the report makes anyway: begin, one call per row (@pipe: the index of @pipeline in the
 * configuration, 0 for none, -1 unknown; @stage_known: the pipeline has @stage), end
 * (refuses exactly as kc_report_require_configured_stages(r, 1) would; frees; NULL: OK). */
typedef struct kc_stage_check kc_stage_check;
int kc_stage_check_begin(kc_stage_check **out, const kiscrm_config *cfg);
void kc_stage_check_row(kc_stage_check *c, kiscrm_id id, int pipe, const char *pipeline, const char *stage,
			int stage_known);
int kc_stage_check_end(kc_stage_check *c);
void kc_report_end(kc_report *r);

/* The columns (bits of field positions) a scan must read for the report's filters and
 * grouping, given the positions of a kind's owner, department, business line, product
 * line, size class and customer fields (-1: the kind has none): owner and department
 * always (the filters), the others only when grouped by them (region and industry come
 * from the customer). Every column read costs on every row of a scan. */
uint64_t kc_report_dim_cols(const kc_report *r, int owner, int dept, int bl, int pl, int size, int cust);

/* 1 if a record with these facts passes the owner/department filters. */
int kc_report_accept(const kc_report *r, const kc_dims *d);
/* 1 if d lies in [from, to) (unbounded ends always pass; KISCRM_DATE_NONE fails when
 * the window is bounded). */
int kc_report_in_window(const kc_report *r, kiscrm_date d);

/* Group of a record (created on first sight). KISCRM_EINVALID when grouped by
 * manager_tree: a record then belongs to several groups (kc_report_groups). */
int kc_report_group(kc_report *r, const kc_dims *d, size_t *group);
/* The groups of a record, 1 … KC_MAX_CHAIN of them: one per manager up the owner's chain
 * when grouped by manager_tree (reports that sum records call this), else one. */
#define KC_MAX_CHAIN 32
int kc_report_groups(kc_report *r, const kc_dims *d, size_t *groups, size_t *n);
/* Gives a report table the configuration's column labels (kiscrm_table_column_label()). */
void kc_report_label(kiscrm_table *t, const kiscrm_db *db);
/* Who group @g is when the report is grouped by one person or department, or not at all:
 * 1 with *dim KISCRM_GROUP_OWNER or KISCRM_GROUP_DEPARTMENT and *id, or *dim 0 (the
 * company); 0 for any other grouping. */
int kc_report_group_subject(const kc_report *r, size_t g, int *dim, kiscrm_id *id);
/* New table with one TEXT column per group dimension, labelled. */
int kc_report_table(kc_report *r, kiscrm_table **out, const char *name);
/* Group indices sorted by their texts (byte order): caller frees *order. */
int kc_report_sorted(const kc_report *r, size_t **order);
/* Appends a row and fills its group columns; *row receives its index. */
int kc_report_add_row(kc_report *r, kiscrm_table *t, size_t group, kiscrm_row_kind kind, size_t *row);

/* The end every report shares: hands t over through *out, or frees it (NULL is fine) and
 * returns rc when rc is an error. */
int kc_report_deliver(kiscrm_table **out, kiscrm_table *t, int rc);
/* kc_report_end(r), then kc_report_deliver. */
int kc_report_finish(kiscrm_table **out, kiscrm_table *t, kc_report *r, int rc);

/* Display names (borrowed; "" when unknown). */
const char *kc_report_staff_name(kc_report *r, kiscrm_id id);
const char *kc_report_department_name(kc_report *r, kiscrm_id id);
/* The department of staff member @staff (0 when unknown) into *dept: for reports whose
 * records carry only an owner (customers, grid cells, work items) and filter by department. */
int kc_report_staff_department(kc_report *r, kiscrm_id staff, kiscrm_id *dept);
/* Region/industry of a customer (NULL when unknown). */
const char *kc_report_customer_region(kc_report *r, kiscrm_id id);
const char *kc_report_customer_industry(kc_report *r, kiscrm_id id);

/* Table helpers that stop at the first error: set a cell of the given row. */
int kc_cell_int(kiscrm_table *t, size_t row, size_t col, int64_t v);
int kc_cell_text(kiscrm_table *t, size_t row, size_t col, const char *v);
int kc_cell_rate(kiscrm_table *t, size_t row, size_t col, double v);
/* Rate num/den, or NULL when den is 0 (never NaN). */
int kc_cell_ratio(kiscrm_table *t, size_t row, size_t col, double num, double den);
/* Adds columns given as "name:type" pairs ending with NULL (types: text int money date rate time). */
int kc_add_columns(kiscrm_table *t, const char *const *specs);
/* A listing's table (no group columns): new, labelled, with @cols and the currency's money
 * decimals. *out is set even on failure (kc_report_finish/kc_report_deliver free it). */
int kc_report_listing(kc_report *r, kiscrm_table **out, const char *name, const char *const *cols);
/* Appends a row of @kind; *row receives its index. */
int kc_add_row(kiscrm_table *t, kiscrm_row_kind kind, size_t *row);

#endif
