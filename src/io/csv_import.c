/* CSV import of records: decode the file to UTF-8 (iconv for other encodings), read it
 * as RFC 4180, map the header to fields, then convert, resolve and store each row in
 * ONE transaction. A bad row is recorded and the next one checked, so that a user
 * fixes every problem of a file in one go; if any row was bad (or on a dry run) the
 * transaction is rolled back and nothing is written.
 *
 * Files saved by Chinese Excel are taken as they come: a header may name a field by its
 * display name (labels.yaml), dates may be 2026/1/5, amounts ￥1,234.50, counts 1,200,
 * and a field of a configured list (region, stage …) may hold the Chinese or English
 * name of a key, which is stored as the key. A value that is in no configured list is
 * refused: stored as written it would be one more region in every report. */
#include "kiscrm/csv.h"
#include "entities/kinds.h"
#include "kiscrm/config.h"
#include "kiscrm/customer.h"
#include "kiscrm/db.h"
#include "kiscrm/pipeline.h"
#include "kiscrm/table.h"
#include "kiscrm/text.h"
#include "core/field.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/vec.h"
#include "core/str.h"
#include "core/options.h"
#include "core/parse.h"
#include "config/field_values.h"
#include "config/pipeline_config.h"
#include "io/csv_reader.h"
#include "storage/db.h"
#include "storage/record.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ------------------------------------------------------------------------------------ */
/* Options                                                                               */

int kiscrm_import_options_init(kiscrm_import_options *opts, unsigned int version)
{
	return kc_options_init(opts, version, &kc_import_options_v);
}

/* ------------------------------------------------------------------------------------ */
/* The import                                                                            */

enum { COL_ID, COL_FIELD, COL_KEY };

typedef struct {
	const char *name; /* header text, borrowed from the header copy */
	int how;          /* COL_* */
	int field;        /* field index (COL_FIELD, COL_KEY) */
	int target;       /* kind referred to (COL_KEY) */
	int numeric_ok;   /* COL_KEY: an all-digit value is an id (reports_to) */
	int ok;           /* mapped (else reported as a header error) */
} csv_column;

/* A reference to a record of the same kind not stored yet (KEEP_IDS): set once every
 * row is in. */
typedef struct {
	kiscrm_id id;
	int field;
	kiscrm_id target;
	int line;
	size_t col;
} deferred;

typedef struct {
	kiscrm_db *db;
	const kiscrm_kind_def *def;
	const char *name;
	unsigned int flags;
	size_t max_errors;
	int decimals;
	kc_csv_reader rd;
	char *header;     /* copy of the header cells the column names point into */
	csv_column *cols;
	size_t ncols;
	kiscrm_table *errors;
	size_t nerrors;
	int stopped;      /* max_errors reached */
	int first_line, first_colno;
	char *first_col, *first_val, *first_reason;
	size_t imported;
	deferred *defer;
	size_t ndefer, capdefer;
} importer;

/* Columns and look-ups work with field positions; the record API takes field ids. */
#define ID(imp, pos) KISCRM_FIELD_ID((imp)->def->kind, (pos))

static int is_fatal(int rc)
{
	return rc == KISCRM_ENOMEM || rc == KISCRM_ESTORAGE || rc == KISCRM_EBUSY || rc == KISCRM_ERROR;
}

/* Records a problem of a row from the thread's last error: a bad row, or a warning that
 * neither fails the import nor counts towards max_errors. colno is 1-based, 0 for none. */
static int add_problem(importer *imp, int line, int colno, const char *column, const char *value,
		       int warning)
{
	int rc = KISCRM_OK;
	char *reason = NULL;
	if ((rc = kc_strdup_to(&reason, kiscrm_error_last()->message)) != 0)
		return rc;
	int row = kiscrm_table_add_row(imp->errors, KISCRM_ROW_DETAIL);
	if (row < 0)
		rc = row;
	if (rc == 0 && (rc = kiscrm_table_set_int(imp->errors, (size_t)row, 0, line)) == 0 &&
	    (rc = kiscrm_table_set_text(imp->errors, (size_t)row, 1, column)) == 0 &&
	    (rc = kiscrm_table_set_text(imp->errors, (size_t)row, 2, value)) == 0 &&
	    (rc = kiscrm_table_set_text(imp->errors, (size_t)row, 3, reason)) == 0)
		rc = kiscrm_table_set_text(imp->errors, (size_t)row, 4, warning ? "warning" : "error");
	if (rc == 0 && warning) {
		free(reason);
		return KISCRM_OK;
	}
	if (rc == 0 && imp->nerrors == 0) {
		imp->first_line = line;
		imp->first_colno = colno;
		imp->first_col = kc_strdup(column);
		imp->first_val = kc_strdup(value);
		if ((column && !imp->first_col) || (value && !imp->first_val))
			rc = KISCRM_ENOMEM;
		imp->first_reason = reason;
		reason = NULL;
	}
	free(reason);
	if (rc)
		return rc;
	imp->nerrors++;
	if (imp->max_errors && imp->nerrors >= imp->max_errors)
		imp->stopped = 1;
	return KISCRM_OK;
}

static int add_error(importer *imp, int line, int colno, const char *column, const char *value)
{
	return add_problem(imp, line, colno, column, value, 0);
}

/* Kinds whose records can be named in a reference column, and by which fields (tried
 * in order). Customers are matched by name through their normalised name key. */
static const struct {
	int kind;
	const char *fields[2];
} natural_keys[] = {
	{ KISCRM_KIND_DEPARTMENT, { "name", NULL } },
	{ KISCRM_KIND_STAFF, { "name", NULL } },
	{ KISCRM_KIND_CUSTOMER, { "name", NULL } },
	{ KISCRM_KIND_CONTACT, { "name", NULL } },
	{ KISCRM_KIND_LEAD, { "name", NULL } },
	{ KISCRM_KIND_OPPORTUNITY, { "external_ref", "name" } },
	{ KISCRM_KIND_CONTRACT, { "number", NULL } },
};

static int natural_key(int kind)
{
	for (size_t i = 0; i < sizeof(natural_keys) / sizeof(natural_keys[0]); i++)
		if (natural_keys[i].kind == kind)
			return (int)i;
	return -1;
}

/* Records a record the reader could not split into fields (error set by the reader). */
static int bad_record(importer *imp, int line)
{
	char value[16];
	const char *v = kiscrm_error_last()->value;
	snprintf(value, sizeof(value), "%s", v ? v : "");
	return add_error(imp, line, kiscrm_error_last()->column, NULL, v ? value : NULL);
}

static int header_error(importer *imp, size_t col, const char *name)
{
	return add_error(imp, 1, (int)col + 1, name, NULL);
}

/* 1 if @name is a column of the kind as such: a field, or the natural-key column of a
 * reference (`owner` for owner_id). */
static int is_column_name(const kiscrm_kind_def *def, const char *name)
{
	char idname[128];
	if (kc_field_index(def, name) >= 0)
		return 1;
	snprintf(idname, sizeof(idname), "%s_id", name);
	int f = kc_field_index(def, idname);
	return f > 0 && def->fields[f].ref_kind && natural_key(def->fields[f].ref_kind) >= 0;
}

/* 1 if @header is the Chinese label or (ASCII case ignored) the English label of
 * column @column of the kind. */
static int is_label_of(const importer *imp, const char *column, const char *header)
{
	const kiscrm_config *cfg = kiscrm_db_config(imp->db);
	const char *zh = kc_config_field_label(cfg, imp->def->name, column, "zh");
	const char *en = kc_config_field_label(cfg, imp->def->name, column, "en");
	return (zh && strcmp(zh, header) == 0) || (en && strcasecmp(en, header) == 0);
}

/* The column a header names by a display name (labels.yaml), copied into @canon:
 * 1 when one column has that label, 0 when none has, a negative code when several
 * have (error set). */
static int header_alias(importer *imp, size_t i, const char *header, char *canon, size_t size)
{
	const kiscrm_kind_def *def = imp->def;
	canon[0] = '\0';
	for (int f = 0; f < def->nfields; f++) {
		const char *name = def->fields[f].name;
		size_t n = strlen(name);
		char base[128];
		const char *cands[2] = { name, NULL };
		/* owner_id is also named by its natural-key column `owner` */
		if (def->fields[f].ref_kind && natural_key(def->fields[f].ref_kind) >= 0 && n > 3 &&
		    n - 3 < sizeof(base) && strcmp(name + n - 3, "_id") == 0) {
			memcpy(base, name, n - 3);
			base[n - 3] = '\0';
			if (kc_field_index(def, base) < 0)
				cands[1] = base;
		}
		for (int k = 0; k < 2 && cands[k]; k++) {
			if (!is_label_of(imp, cands[k], header) || strcmp(canon, cands[k]) == 0)
				continue;
			if (canon[0])
				return kc_error_set_at(KISCRM_EINVALID, imp->name, 1, (int)i + 1, header, NULL,
						       "column '%s' is the label of both '%s' and '%s' of %s: "
						       "name the field instead", header, canon, cands[k],
						       def->name);
			snprintf(canon, size, "%s", cands[k]);
		}
	}
	return canon[0] ? 1 : 0;
}

/* Maps one header cell to a field; a problem is recorded as a row-1 error. */
static int map_column(importer *imp, size_t i, const char *header)
{
	const kiscrm_kind_def *def = imp->def;
	csv_column *c = &imp->cols[i];
	/* Messages name the column as the file does; the field is found by its name. */
	char canon[128];
	const char *name = header;
	c->name = header;
	if (!*name) {
		kc_error_set_at(KISCRM_EINVALID, imp->name, 1, (int)i + 1, NULL, NULL,
				"column %zu of the header has no name", i + 1);
		return header_error(imp, i, name);
	}
	if (!is_column_name(def, header)) {
		int rc = header_alias(imp, i, header, canon, sizeof(canon));
		if (rc < 0)
			return header_error(imp, i, header);
		if (rc == 1)
			name = canon;
	}
	int f = kc_field_index(def, name);
	if (f == 0) {
		c->how = COL_ID;
		c->field = 0;
		c->ok = 1;
		return KISCRM_OK;
	}
	if (f > 0) {
		size_t n = strlen(name);
		int ref = def->fields[f].ref_kind;
		c->how = COL_FIELD;
		c->field = f;
		/* A reference not named *_id (reports_to) also takes a name. */
		if (ref && (n < 3 || strcmp(name + n - 3, "_id") != 0) && natural_key(ref) >= 0) {
			c->how = COL_KEY;
			c->target = ref;
			c->numeric_ok = 1;
		}
		c->ok = 1;
		return KISCRM_OK;
	}
	char idname[128];
	snprintf(idname, sizeof(idname), "%s_id", name);
	f = kc_field_index(def, idname);
	if (f > 0 && def->fields[f].ref_kind) {
		int ref = def->fields[f].ref_kind;
		if (natural_key(ref) < 0) {
			kc_error_set_at(KISCRM_EINVALID, imp->name, 1, (int)i + 1, name, NULL,
					"column '%s': a %s cannot be named, give its id in column '%s'",
					name, kiscrm_kind_name(ref), idname);
			return header_error(imp, i, name);
		}
		c->how = COL_KEY;
		c->field = f;
		c->target = ref;
		c->ok = 1;
		return KISCRM_OK;
	}
	kc_error_set_at(KISCRM_EINVALID, imp->name, 1, (int)i + 1, name, NULL,
			"unknown column '%s': %s has no field of that name", name, def->name);
	return header_error(imp, i, name);
}

static int read_header(importer *imp)
{
	int line = 1, rc;
	do
		rc = kc_csv_read_record(&imp->rd, &line);
	while (rc == KC_REC_OK && kc_csv_blank_record(&imp->rd));
	if (rc == KC_REC_BAD)
		return bad_record(imp, line);
	if (rc < 0)
		return rc;
	if (rc == KC_REC_END) {
		kc_error_set_at(KISCRM_EINVALID, imp->name, 1, 0, NULL, NULL,
				"the file is empty: a header line naming the %s fields is needed",
				imp->def->name);
		return add_error(imp, 1, 0, NULL, NULL);
	}
	imp->ncols = imp->rd.ncells;
	imp->header = malloc(imp->rd.text.size);
	imp->cols = calloc(imp->ncols, sizeof(*imp->cols));
	if (!imp->header || !imp->cols)
		return kc_error_oom();
	memcpy(imp->header, imp->rd.text.ptr, imp->rd.text.size);
	for (size_t i = 0; i < imp->ncols && !imp->stopped; i++)
		if ((rc = map_column(imp, i, imp->header + imp->rd.cells[i].off)) != 0)
			return rc;
	/* Two columns for one field (customer and customer_id, or a repeated name). */
	for (size_t i = 0; i < imp->ncols && !imp->stopped; i++) {
		const csv_column *b = &imp->cols[i];
		for (size_t j = 0; b->ok && j < i; j++) {
			const csv_column *a = &imp->cols[j];
			if (!a->ok || a->field != b->field)
				continue;
			kc_error_set_at(KISCRM_EINVALID, imp->name, 1, (int)i + 1, b->name, NULL,
					"columns '%s' and '%s' both give %s.%s", a->name, b->name,
					imp->def->name, imp->def->fields[b->field].name);
			if ((rc = header_error(imp, i, b->name)) != 0)
				return rc;
			break;
		}
	}
	return KISCRM_OK;
}

/* --- resolving natural keys ------------------------------------------------------- */

typedef struct {
	size_t n;          /* matches */
	kiscrm_id ids[3];  /* the first ones */
	const char *exact; /* customers: name that counts as an exact match */
	kiscrm_field name_field; /* customers: the field of that name */
	size_t nexact;
	kiscrm_id exact_id;
} matches;

static int match_cb(void *payload, const kiscrm_value *row)
{
	matches *m = payload;
	if (m->n < 3)
		m->ids[m->n] = row[0].u.i;
	m->n++;
	const kiscrm_value *name = &row[KC_FI(m->name_field)];
	if (m->exact && name->type == KISCRM_TYPE_TEXT && strcmp(name->u.s, m->exact) == 0) {
		if (m->nexact++ == 0)
			m->exact_id = row[0].u.i;
	}
	return 0;
}

static int lookup(matches *m, kiscrm_db *db, const kiscrm_kind_def *def, kiscrm_field field, const char *text,
		  int scope_field, kiscrm_id scope)
{
	kiscrm_cond c[2] = {
		{ field, KISCRM_OP_EQ, { KISCRM_TYPE_TEXT, { .s = text } } },
		{ scope_field, KISCRM_OP_EQ, { KISCRM_TYPE_INT, { .i = scope } } },
	};
	uint64_t cols = 1;
	if (m->exact)
		cols |= KC_BIT(m->name_field);
	kiscrm_query q = { scope ? 2 : 1, c, cols };
	return kc_db_scan(db, def, &q, match_cb, m);
}

static void list_ids(char *buf, size_t size, const matches *m)
{
	buf[0] = '\0';
	for (size_t i = 0; i < m->n && i < 3; i++)
		snprintf(buf + strlen(buf), size - strlen(buf), "%s%lld", i ? ", " : "",
			 (long long)m->ids[i]);
	if (m->n > 3)
		snprintf(buf + strlen(buf), size - strlen(buf), ", …");
}

static int ambiguous(importer *imp, const csv_column *c, const char *text, const matches *m)
{
	char ids[96];
	list_ids(ids, sizeof(ids), m);
	return kc_error_set_at(KISCRM_ECONFLICT, NULL, 0, 0, c->name, text,
			       "%s.%s: '%s' matches %zu %s records (ids %s); give %s instead",
			       imp->def->name, c->name, text, m->n, kiscrm_kind_name(c->target), ids,
			       imp->def->fields[c->field].name);
}

static int resolve_customer(kiscrm_id *out, importer *imp, const csv_column *c, const char *text)
{
	const kiscrm_kind_def *def = &kc_customer_def;
	kiscrm_buf key = KISCRM_BUF_INIT;
	matches m = { 0, { 0 }, text, KISCRM_CUSTOMER_NAME, 0, 0 };
	int rc = kiscrm_customer_normalize_name(&key, text);
	if (rc == 0 && key.size > 0)
		rc = lookup(&m, imp->db, def, KISCRM_CUSTOMER_NAME_KEY, key.ptr, 0, 0);
	kiscrm_buf_dispose(&key);
	if (rc)
		return rc;
	/* The exact name wins over names that only normalise alike. */
	if (m.nexact == 1) {
		*out = m.exact_id;
		return KISCRM_OK;
	}
	if (m.n == 1) {
		*out = m.ids[0];
		return KISCRM_OK;
	}
	if (m.n > 1)
		return ambiguous(imp, c, text, &m);
	return kc_error_set_at(KISCRM_ENOTFOUND, NULL, 0, 0, c->name, text,
			       "%s.%s: no customer is named '%s'", imp->def->name, c->name, text);
}

static int resolve(kiscrm_id *out, importer *imp, const csv_column *c, const char *text,
		   const kiscrm_record *rec)
{
	if (c->numeric_ok && strspn(text, "0123456789") == strlen(text)) {
		*out = strtoll(text, NULL, 10);
		return KISCRM_OK;
	}
	if (c->target == KISCRM_KIND_CUSTOMER)
		return resolve_customer(out, imp, c, text);
	const kiscrm_kind_def *def = kc_db_def(imp->db, c->target);
	int nk = natural_key(c->target);
	/* Contacts of the same name at different customers: the row's customer decides. */
	int scope_field = 0;
	kiscrm_id scope = 0;
	if (c->target == KISCRM_KIND_CONTACT) {
		int cf = kc_field_index(imp->def, "customer_id");
		if (cf > 0 && imp->def->fields[cf].ref_kind == KISCRM_KIND_CUSTOMER &&
		    !kiscrm_record_is_null(rec, ID(imp, cf))) {
			scope_field = KISCRM_CONTACT_CUSTOMER_ID;
			scope = kiscrm_record_int(rec, ID(imp, cf));
		}
	}
	char tried[64] = "";
	for (int k = 0; k < 2 && natural_keys[nk].fields[k]; k++) {
		const char *fname = natural_keys[nk].fields[k];
		matches m = { 0, { 0 }, NULL, 0, 0, 0 };
		int rc = lookup(&m, imp->db, def, kc_field_id(def, fname), text, scope_field, scope);
		if (rc)
			return rc;
		if (m.n == 1) {
			*out = m.ids[0];
			return KISCRM_OK;
		}
		if (m.n > 1)
			return ambiguous(imp, c, text, &m);
		snprintf(tried + strlen(tried), sizeof(tried) - strlen(tried), "%s%s", k ? " or " : "",
			 fname);
	}
	return kc_error_set_at(KISCRM_ENOTFOUND, NULL, 0, 0, c->name, text,
			       "%s.%s: no %s has the %s '%s'", imp->def->name, c->name, def->name, tried,
			       text);
}

/* --- one row ---------------------------------------------------------------------- */

/* Records the last error as a bad row, pointing at the column of the field it names. */
static int row_error(importer *imp, int line)
{
	const kiscrm_error *e = kiscrm_error_last();
	int f = e->field ? kc_field_index(imp->def, e->field) : -1;
	for (size_t i = 0; f >= 0 && i < imp->ncols; i++)
		if (imp->cols[i].field == f && (f > 0 || imp->cols[i].how == COL_ID))
			return add_error(imp, line, (int)i + 1, imp->cols[i].name, kc_csv_cell_text(&imp->rd, i));
	/* Copies: add_error reads the error again, and these point into it. */
	char field[128], value[512];
	snprintf(field, sizeof(field), "%s", e->field ? e->field : "");
	snprintf(value, sizeof(value), "%s", e->value ? e->value : "");
	return add_error(imp, line, 0, e->field ? field : NULL, e->value ? value : NULL);
}

static int cell_error(importer *imp, int line, size_t i)
{
	return add_error(imp, line, (int)i + 1, imp->cols[i].name, kc_csv_cell_text(&imp->rd, i));
}

static int set_id(importer *imp, kiscrm_record *rec, const char *text)
{
	char *end;
	errno = 0;
	long long id = strtoll(text, &end, 10);
	if (end == text || *end || errno || id <= 0)
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "id", text,
				       "%s.id: '%s' is not a positive integer", imp->def->name, text);
	kc_record_set_id(rec, id);
	return KISCRM_OK;
}

/* Re-sets the thread's error as "kind.field: <the message>", naming the field and value,
 * for the parsers of core/parse.h whose messages only quote the text. */
static int field_error(const importer *imp, int f, const char *text)
{
	char msg[512];
	int rc = kiscrm_error_last()->code;
	snprintf(msg, sizeof(msg), "%s", kiscrm_error_last()->message);
	return kc_error_set_at(rc, NULL, 0, 0, imp->def->fields[f].name, text, "%s.%s: %s",
			       imp->def->name, imp->def->fields[f].name, msg);
}

/* Sets field @f from a cell. Besides what kiscrm_record_set_from_text() reads, takes the
 * forms spreadsheets write: dates 2026/1/5, amounts with ￥ or ¥, integers with thousands
 * separators (the library's own forms go the usual way, keeping their messages). */
static int set_cell(importer *imp, kiscrm_record *rec, int f, const char *text, int quoted)
{
	kiscrm_field id = ID(imp, f);
	int type = imp->def->fields[f].type;
	int64_t v = 0;
	int rc;
	if (quoted && !*text && type == KISCRM_TYPE_TEXT)
		return kiscrm_record_set_text(rec, id, "");
	if (type == KISCRM_TYPE_DATE && strchr(text, '/')) {
		kiscrm_date d = 0;
		rc = kc_date_parse_excel(&d, text);
		v = d;
	} else if (type == KISCRM_TYPE_MONEY && (strstr(text, "\xEF\xBF\xA5") || strstr(text, "\xC2\xA5"))) {
		rc = kc_money_parse_excel(&v, text, imp->decimals);
	} else if (type == KISCRM_TYPE_INT && strchr(text, ',')) {
		rc = kc_int_parse_grouped(&v, text);
	} else {
		return kiscrm_record_set_from_text(rec, id, text, imp->decimals);
	}
	if (rc)
		return field_error(imp, f, text);
	kc_record_put_int(rec, id, v);
	return KISCRM_OK;
}

/* --- values of configured lists ----------------------------------------------------- */

/* A value of a dimension field that is no key and no name: the error (or, with
 * KISCRM_IMPORT_WARN_UNLISTED and a list that is not strict, the warning) naming the
 * entries the list has. Returns 1 for a bad row, 0 to go on, or a fatal code. */
static int unlisted(importer *imp, int line, size_t i, int dim, const char *text)
{
	const kiscrm_config *cfg = kiscrm_db_config(imp->db);
	const char *field = imp->def->fields[imp->cols[i].field].name;
	int warn = (imp->flags & KISCRM_IMPORT_WARN_UNLISTED) && !kiscrm_config_dim_strict(cfg, dim);
	char some[256] = "";
	size_t n = kiscrm_config_dim_count(cfg, dim);
	for (size_t k = 0; k < n && k < 6; k++)
		snprintf(some + strlen(some), sizeof(some) - strlen(some), "%s%s %s", k ? ", " : "",
			 kiscrm_config_dim_key(cfg, dim, k), kiscrm_config_dim_name(cfg, dim, k, "zh"));
	if (n > 6)
		snprintf(some + strlen(some), sizeof(some) - strlen(some), ", …");
	kc_error_set_at(warn ? KISCRM_OK : KISCRM_EINVALID, NULL, 0, 0, field, text,
			"%s.%s: '%s' is neither a key nor a display name of the configured %s list "
			"(%s)%s", imp->def->name, field, text, field, some,
			warn ? "; stored as written" : "; correct the cell or add the entry to "
						       "dimensions.yaml");
	int rc = add_problem(imp, line, (int)i + 1, imp->cols[i].name, kc_csv_cell_text(&imp->rd, i), warn);
	return rc ? rc : !warn;
}

/* The pipeline of the row: its pipeline field's index, the default pipeline (0) when the
 * field is empty, -1 when it names no pipeline (the store reports that). */
static int row_pipeline(const importer *imp, const kiscrm_record *rec)
{
	int f = kc_field_index(imp->def, "pipeline");
	if (f < 0 || kiscrm_record_is_null(rec, ID(imp, f)))
		return 0;
	return kiscrm_config_pipeline_find(kiscrm_db_config(imp->db), kiscrm_record_text(rec, ID(imp, f)));
}

/* Stores the key for a display name in every column of a configured list: the pipeline
 * first, whose stages the stage columns name. Returns 1 for a bad row (recorded), 0, or
 * a fatal code. */
static int translate_values(importer *imp, kiscrm_record *rec, int line)
{
	const kiscrm_config *cfg = kiscrm_db_config(imp->db);
	int rc;
	for (int pass = 0; pass < 3; pass++) {
		for (size_t i = 0; i < imp->ncols; i++) {
			const csv_column *c = &imp->cols[i];
			if (c->how != COL_FIELD || imp->def->fields[c->field].type != KISCRM_TYPE_TEXT ||
			    kiscrm_record_is_null(rec, ID(imp, c->field)))
				continue;
			const char *field = imp->def->fields[c->field].name;
			const char *text = kiscrm_record_text(rec, ID(imp, c->field));
			const char *key = NULL;
			if (pass == 0 && strcmp(field, "pipeline") == 0) {
				int p = kc_config_pipeline_named(cfg, text);
				key = p >= 0 ? kiscrm_config_pipeline_key(cfg, (size_t)p) : NULL;
			} else if (pass == 1 && (strcmp(field, "stage") == 0 || strcmp(field, "from_stage") == 0 ||
						 strcmp(field, "to_stage") == 0)) {
				int p = row_pipeline(imp, rec);
				key = p >= 0 ? kc_config_stage_named(cfg, (size_t)p, text) : NULL;
			} else if (pass == 2 && kc_config_field_dim(field)) {
				int dim = kc_config_field_dim(field);
				key = kc_config_dim_named(cfg, dim, text);
				/* An empty list configures nothing: any text is a value. */
				if (!key && kiscrm_config_dim_count(cfg, dim) > 0) {
					/* One error per row, as for any other bad cell. */
					if ((rc = unlisted(imp, line, i, dim, text)) != 0)
						return rc;
					continue;
				}
			}
			/* Unknown pipelines and stages are left to the store, which refuses them
			 * in its own words. */
			if (key && strcmp(key, text) != 0 &&
			    (rc = kiscrm_record_set_text(rec, ID(imp, c->field), key)) != 0)
				return rc;
		}
	}
	return 0;
}

/* Converts the cells into rec; returns a negative code on a fatal error, 1 if the row
 * was bad (recorded), 0 if fine. */
static int fill_record(importer *imp, kiscrm_record *rec, int line)
{
	int rc;
	/* Plain fields first, so that name lookups can use them (a contact's customer). */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < imp->ncols; i++) {
			const csv_column *c = &imp->cols[i];
			const char *text = kc_csv_cell_text(&imp->rd, i);
			if ((c->how == COL_KEY) != (pass == 1))
				continue;
			if (c->how == COL_ID) {
				rc = (imp->flags & KISCRM_IMPORT_KEEP_IDS) && *text ? set_id(imp, rec, text) : 0;
			} else if (c->how == COL_FIELD) {
				rc = set_cell(imp, rec, c->field, text, imp->rd.cells[i].quoted);
			} else if (!*text) {
				rc = KISCRM_OK;
			} else {
				kiscrm_id id = 0;
				if ((rc = resolve(&id, imp, c, text, rec)) == 0)
					kc_record_put_int(rec, ID(imp, c->field), id);
			}
			if (rc && is_fatal(rc))
				return rc;
			if (rc)
				return (rc = cell_error(imp, line, i)) != 0 ? rc : 1;
		}
		/* Before the references: a natural key is never a configured value, but the
		 * row must be whole before the store sees it. RAW takes values as exported. */
		if (pass == 0 && !(imp->flags & KISCRM_IMPORT_RAW) && (rc = translate_values(imp, rec, line)) != 0)
			return rc;
	}
	return 0;
}

static int push_deferred(importer *imp, deferred d)
{
	if (KC_VEC_GROW(imp->defer, imp->ndefer, imp->capdefer, 16))
		return KISCRM_ENOMEM;
	imp->defer[imp->ndefer++] = d;
	return KISCRM_OK;
}

static size_t column_of(const importer *imp, int field)
{
	for (size_t i = 0; i < imp->ncols; i++)
		if (imp->cols[i].field == field)
			return i;
	return 0;
}

/* With explicit ids, a reference to a record of the same kind further down the file is
 * set aside (NULL now, set after the last row). Returns the number set aside in
 * *pending, their fields in fields[]. */
static int set_aside(importer *imp, kiscrm_record *rec, int *fields, kiscrm_id *targets, int *pending)
{
	*pending = 0;
	if (!(imp->flags & KISCRM_IMPORT_KEEP_IDS))
		return KISCRM_OK;
	for (int f = 1; f < imp->def->nfields; f++) {
		if (imp->def->fields[f].ref_kind != imp->def->kind || kiscrm_record_is_null(rec, ID(imp, f)))
			continue;
		kiscrm_id t = kiscrm_record_int(rec, ID(imp, f));
		if (t <= 0 || t == kiscrm_record_id(rec))
			continue; /* the store reports these */
		int rc = kc_db_exists(imp->db, imp->def, t);
		if (rc < 0)
			return rc;
		if (rc == 0 && *pending < 8) {
			fields[*pending] = f;
			targets[(*pending)++] = t;
			kiscrm_record_set_null(rec, ID(imp, f));
		}
	}
	return KISCRM_OK;
}

static int store(importer *imp, kiscrm_record *rec)
{
	kiscrm_id id = kiscrm_record_id(rec);
	if (id > 0) {
		int rc = kc_db_exists(imp->db, imp->def, id);
		if (rc < 0)
			return rc;
		if (rc > 0) {
			char text[24];
			snprintf(text, sizeof(text), "%lld", (long long)id);
			return kc_error_set_at(KISCRM_EEXISTS, NULL, 0, 0, "id", text,
					       "%s id %s already exists", imp->def->name, text);
		}
	}
	/* RAW: the record as exported; its stage history comes in its own file. */
	kc_write_ctx ctx = kc_write_ctx_of(imp->db);
	if (imp->flags & KISCRM_IMPORT_RAW)
		ctx.flags |= KC_WRITE_NO_AFTER;
	return kc_store_insert(&ctx, rec);
}

static int import_row(importer *imp, int line)
{
	kiscrm_record *rec;
	int rc;
	if (imp->rd.ncells != imp->ncols) {
		kc_error_set_at(KISCRM_EINVALID, imp->name, line, 0, NULL, NULL,
				"line %d has %zu field%s but the header has %zu", line, imp->rd.ncells,
				imp->rd.ncells == 1 ? "" : "s", imp->ncols);
		return add_error(imp, line, 0, NULL, NULL);
	}
	if ((rc = kc_record_new(&rec, imp->def)) != 0)
		return rc;
	int fields[8], pending = 0;
	kiscrm_id targets[8];
	rc = fill_record(imp, rec, line); /* 1: a bad cell, recorded */
	if (rc == 0)
		rc = set_aside(imp, rec, fields, targets, &pending);
	if (rc == 0) {
		rc = store(imp, rec);
		if (rc == 0)
			imp->imported++;
		else
			pending = 0; /* nothing stored: nothing to complete */
		if (rc && !is_fatal(rc))
			rc = row_error(imp, line);
	}
	for (int i = 0; rc == 0 && i < pending; i++)
		rc = push_deferred(imp, (deferred){ kiscrm_record_id(rec), fields[i], targets[i], line,
						    column_of(imp, fields[i]) });
	kiscrm_record_free(rec);
	return rc < 0 ? rc : KISCRM_OK;
}

static int apply_deferred(importer *imp)
{
	for (size_t i = 0; i < imp->ndefer && !imp->stopped; i++) {
		const deferred *d = &imp->defer[i];
		kiscrm_record *rec;
		char text[24];
		snprintf(text, sizeof(text), "%lld", (long long)d->target);
		/* Checked here, in the store's words, because a kind's own checks (tree
		 * cycles) may look the target up first and word a missing one differently. */
		int rc = kc_db_exists(imp->db, imp->def, d->target);
		if (rc < 0)
			return rc;
		if (rc == 0) {
			const char *field = imp->def->fields[d->field].name;
			rc = kc_error_set_at(KISCRM_ENOTFOUND, NULL, 0, 0, field, text,
					     "%s.%s: %s %s does not exist", imp->def->name, field,
					     imp->def->name, text);
		} else if ((rc = kiscrm_record_get(&rec, imp->db, imp->def->kind, d->id)) == 0) {
			kc_record_put_int(rec, ID(imp, d->field), d->target);
			rc = kiscrm_record_update(imp->db, rec);
			kiscrm_record_free(rec);
		}
		if (rc && is_fatal(rc))
			return rc;
		if (rc) {
			imp->imported--;
			if ((rc = add_error(imp, d->line, (int)d->col + 1, imp->cols[d->col].name, text)) != 0)
				return rc;
		}
	}
	return KISCRM_OK;
}

static int read_rows(importer *imp)
{
	int rc = KISCRM_OK;
	while (!imp->stopped) {
		int line = imp->rd.line;
		rc = kc_csv_read_record(&imp->rd, &line);
		if (rc == KC_REC_END)
			return KISCRM_OK;
		if (rc < 0)
			return rc;
		if (rc == KC_REC_BAD)
			rc = bad_record(imp, line);
		else if (!kc_csv_blank_record(&imp->rd))
			rc = import_row(imp, line);
		else
			rc = KISCRM_OK;
		if (rc)
			return rc;
	}
	return KISCRM_OK;
}

static int new_error_table(kiscrm_table **out)
{
	kiscrm_table *t;
	int rc = kiscrm_table_new(&t, "import_errors");
	if (rc == 0 && (rc = kiscrm_table_add_column(t, "row", KISCRM_TYPE_INT)) == 0 &&
	    (rc = kiscrm_table_add_column(t, "column", KISCRM_TYPE_TEXT)) == 0 &&
	    (rc = kiscrm_table_add_column(t, "value", KISCRM_TYPE_TEXT)) == 0 &&
	    (rc = kiscrm_table_add_column(t, "reason", KISCRM_TYPE_TEXT)) == 0)
		rc = kiscrm_table_add_column(t, "severity", KISCRM_TYPE_TEXT);
	if (rc) {
		kiscrm_table_free(t);
		return rc;
	}
	*out = t;
	return KISCRM_OK;
}

/* The summary error of a failed import: the first bad row and how many there were. */
static int import_failed(importer *imp)
{
	char where[640] = "";
	if (imp->first_col && imp->first_val)
		snprintf(where, sizeof(where), "column '%s', value '%s': ", imp->first_col, imp->first_val);
	else if (imp->first_col)
		snprintf(where, sizeof(where), "column '%s': ", imp->first_col);
	return kc_error_set_at(KISCRM_EIMPORT, imp->name, imp->first_line, imp->first_colno,
			       imp->first_col, imp->first_val, "%s:%d: %s%s (%s%zu bad row%s; nothing was imported)",
			       imp->name, imp->first_line, where, imp->first_reason ? imp->first_reason : "",
			       imp->stopped ? "stopped after " : "", imp->nerrors,
			       imp->nerrors == 1 ? "" : "s");
}

/* Runs the import of UTF-8 text inside the transaction the caller opened. */
static int run(importer *imp, const char *text, size_t len)
{
	int rc;
	kc_csv_reader_init(&imp->rd, text, len, imp->name);
	if ((rc = read_header(imp)) != 0 || imp->nerrors)
		return rc;
	if ((rc = read_rows(imp)) != 0)
		return rc;
	return apply_deferred(imp);
}

static void importer_dispose(importer *imp)
{
	kc_csv_reader_dispose(&imp->rd);
	free(imp->header);
	free(imp->cols);
	free(imp->first_col);
	free(imp->first_val);
	free(imp->first_reason);
	free(imp->defer);
	kiscrm_table_free(imp->errors);
}

/* *o = the caller's options (NULL: the defaults), checked. */
static int check_args(kiscrm_db *db, int kind, const kiscrm_import_options *caller, kiscrm_import_options *o)
{
	int rc = kc_check_db(db);
	const kiscrm_kind_def *def;
	if (rc || (rc = kc_db_require(db, &def, kind)) != 0 ||
	    (rc = kc_options_copy(o, caller, &kc_import_options_v)) != 0)
		return rc;
	const kiscrm_import_options *opts = o;
	if (opts && (opts->flags & ~(KISCRM_IMPORT_KEEP_IDS | KISCRM_IMPORT_RAW | KISCRM_IMPORT_WARN_UNLISTED)))
		return kc_error_set(KISCRM_EINVALID, "unknown import flags 0x%x", opts->flags);
	if (opts && opts->dry_run && db->tx_depth > 0)
		return kc_error_set(KISCRM_EINVALID, "a dry-run import cannot run inside a transaction: "
				    "its rollback would undo the caller's changes too");
	return KISCRM_OK;
}

int kiscrm_csv_import_data(size_t *imported, kiscrm_table **errors, kiscrm_db *db, kiscrm_kind kind,
			   const char *data, size_t len, const char *name,
			   const kiscrm_import_options *opts)
{
	kiscrm_import_options copy;
	importer imp;
	kiscrm_buf conv = KISCRM_BUF_INIT;
	const char *text = NULL;
	size_t tlen = 0;
	int rc;

	if (imported)
		*imported = 0;
	if (errors)
		*errors = NULL;
	if ((rc = check_args(db, kind, opts, &copy)) != 0)
		return rc;
	if (!data && len)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_csv_import_data: data is NULL");
	opts = &copy;
	memset(&imp, 0, sizeof(imp));
	imp.db = db;
	imp.def = kc_db_def(db, kind);
	imp.name = name ? name : "(data)";
	imp.flags = opts->flags;
	imp.max_errors = opts->max_errors;
	imp.decimals = kiscrm_config_currency_decimals(kiscrm_db_config(db));
	/* An unknown encoding is the caller's mistake, not a bad row. */
	if ((rc = kc_csv_check_encoding(opts->encoding)) != 0)
		return rc;
	if ((rc = new_error_table(&imp.errors)) != 0)
		return rc;
	rc = kc_csv_decode(&conv, &text, &tlen, data ? data : "", len, opts->encoding, imp.name);
	if (rc && !is_fatal(rc)) {
		char value[16];
		snprintf(value, sizeof(value), "%s", kiscrm_error_last()->value ? kiscrm_error_last()->value : "");
		rc = add_error(&imp, kiscrm_error_last()->line, 0, NULL, value);
	}
	const char *job = kc_db_job(db, "import");
	if (rc == 0 && imp.nerrors == 0 && (rc = kc_tx_begin(db)) == 0) {
		rc = run(&imp, text, tlen);
		if (rc == 0 && imp.nerrors == 0 && !opts->dry_run) {
			rc = kc_tx_end(db, KISCRM_OK);
		} else {
			/* Bad rows, a dry run or a fatal error: nothing stays. The rollback
			 * must not replace the error being reported. */
			kiscrm_error saved = *kiscrm_error_last();
			char msg[1024];
			snprintf(msg, sizeof(msg), "%s", saved.message);
			kiscrm_db_rollback(db);
			if (rc)
				kc_error_set(rc, "%s", msg);
		}
	}
	kc_db_job(db, job);
	kiscrm_buf_dispose(&conv);
	if (rc == 0 && imp.nerrors)
		rc = import_failed(&imp);
	if (rc == 0 && imported)
		*imported = imp.imported;
	if ((rc == 0 || rc == KISCRM_EIMPORT) && errors) {
		*errors = imp.errors;
		imp.errors = NULL;
	}
	importer_dispose(&imp);
	return rc;
}

static int read_file(kiscrm_buf *out, const char *path)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return kc_error_set_at(errno == ENOENT ? KISCRM_ENOTFOUND : KISCRM_ESTORAGE, path, 0, 0,
				       NULL, NULL, "cannot open '%s': %s", path, strerror(errno));
	int rc = KISCRM_OK;
	char chunk[65536];
	size_t n;
	while (rc == 0 && (n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		rc = kc_buf_put(out, chunk, n);
	if (rc == 0 && ferror(fp))
		rc = kc_error_set_at(KISCRM_ESTORAGE, path, 0, 0, NULL, NULL, "cannot read '%s': %s", path,
				     strerror(errno));
	fclose(fp);
	return rc;
}

int kiscrm_csv_import(size_t *imported, kiscrm_table **errors, kiscrm_db *db, kiscrm_kind kind,
		      const char *path, const kiscrm_import_options *opts)
{
	kiscrm_buf data = KISCRM_BUF_INIT;
	kiscrm_import_options copy;
	int rc;
	if (imported)
		*imported = 0;
	if (errors)
		*errors = NULL;
	if ((rc = check_args(db, kind, opts, &copy)) != 0)
		return rc;
	if (!path)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_csv_import: path is NULL");
	if ((rc = read_file(&data, path)) == 0)
		rc = kiscrm_csv_import_data(imported, errors, db, kind, data.ptr, data.size, path, &copy);
	kiscrm_buf_dispose(&data);
	return rc;
}
