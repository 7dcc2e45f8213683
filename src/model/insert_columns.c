/* kiscrm_record_insert_columns(): a batch of new records given column by column, stored
 * one by one through the same path as kiscrm_record_insert_flags() (the same checks,
 * derived fields, implied records and audit entries) in one transaction. What the
 * checks of one row found valid (a configured text, a referenced id) is not asked again
 * for the rows after it (kc_check_memo, storage/kind.h).
 *
 * It exists for bindings: Python's insert_many made fourteen foreign calls per
 * opportunity (a record, eleven setters, the insert, the free), close to half of its
 * time; with this it makes one per batch. */
#include "storage/record.h"
#include "storage/check_memo.h"
#include "core/error.h"
#include "core/field.h"

#include <stdlib.h>
#include <string.h>

/* Puts "@what @i: " before the last error's message, keeping its field and value (the
 * error's own texts may be passed back in: core/error.c copies them first). */
static int name_error(int rc, const char *what, size_t i)
{
	const kiscrm_error *e = kiscrm_error_last();
	return kc_error_set_at(rc, e->file, e->line, e->column, e->field, e->value, "%s %zu: %s", what, i,
			       e->message);
}

/* The columns name distinct settable fields of @rec's kind (the record setters' own
 * check: another kind's field, the id), each with the array of its type; marks each
 * column's field in @is_column (def->nfields flags, zeroed). */
static int check_columns(kiscrm_record *rec, unsigned char *is_column, const kiscrm_column *columns,
			 size_t ncolumns)
{
	const kiscrm_kind_def *def = rec->def;
	int rc = KISCRM_OK;
	for (size_t c = 0; rc == 0 && c < ncolumns; c++) {
		if ((rc = kiscrm_record_set_null(rec, columns[c].field)) != 0) {
			rc = name_error(rc, "column", c);
			break;
		}
		const kiscrm_field_def *f = &def->fields[KC_FI(columns[c].field)];
		int type = f->type;
		int has = type == KISCRM_TYPE_TEXT ? columns[c].texts != NULL
			  : type == KISCRM_TYPE_RATE ? columns[c].rates != NULL
						     : columns[c].ints != NULL;
		if (is_column[KC_FI(columns[c].field)]++)
			rc = kc_error_set(KISCRM_EINVALID, "column %zu: field '%s' is given twice", c, f->name);
		else if (!has)
			rc = kc_error_set(KISCRM_EINVALID, "column %zu: field '%s' holds %s values: set `%s`", c,
					  f->name, type == KISCRM_TYPE_TEXT ? "text" : type == KISCRM_TYPE_RATE ? "rate" : "integer",
					  type == KISCRM_TYPE_TEXT ? "texts" : type == KISCRM_TYPE_RATE ? "rates" : "ints");
	}
	return rc;
}

/* A column as the rows are set from it, found once for the call. */
typedef struct column_plan {
	const kiscrm_column *col;
	int pos, type;
	kc_text_memo utf8; /* TEXT: the column's texts found to be UTF-8 in this call */
} column_plan;

/* The field at @pos NULL; a text the record owns is freed. */
static void clear_at(kiscrm_record *rec, int pos)
{
	kiscrm_value *v = &rec->vals[pos];
	if (v->type == KISCRM_TYPE_TEXT)
		kc_record_clear_at(rec, pos);
	else
		v->type = KISCRM_TYPE_NULL;
}

/* Lends text @t to @rec's field of @plan, checked to be UTF-8 unless the column gave it
 * before. The columns are the caller's, unchanged while the call lasts: checking a
 * batch's few repeated texts again was 2 % of a bulk load. */
static int lend_text(kiscrm_record *rec, column_plan *plan, const char *t)
{
	int rc = KISCRM_OK;
	if (!kc_text_memo_has(&plan->utf8, t)) {
		if ((rc = kc_record_check_text(rec, plan->pos, t)) != 0)
			return rc;
		kc_text_memo_add(&plan->utf8, t);
	}
	return kc_record_lend_text(rec, plan->pos, t);
}

/* Sets row @r of every column on @rec, which holds the row before (or nothing). A text
 * is lent to the record, not copied: the caller's columns stay valid for the whole call.
 * A text pointer the record already holds is kept: a batch's stages, lines and sources
 * repeat from row to row, and copying and validating each again was a twentieth of a
 * bulk load. Integer columns were checked to name integer fields of this kind
 * (check_columns): they are put without checking that again, and such a field never
 * holds a text to free. */
static int set_row(kiscrm_record *rec, column_plan *plans, size_t ncolumns, size_t r)
{
	int rc = KISCRM_OK;
	for (size_t c = 0; rc == 0 && c < ncolumns; c++) {
		column_plan *plan = &plans[c];
		const kiscrm_column *col = plan->col;
		kiscrm_value *held = &rec->vals[plan->pos];
		if (col->nulls && col->nulls[r]) {
			clear_at(rec, plan->pos);
		} else if (plan->type == KISCRM_TYPE_TEXT) {
			const char *t = col->texts[r];
			if (!t)
				clear_at(rec, plan->pos);
			else if (!(held->type == KISCRM_TYPE_TEXT && held->u.s == t))
				rc = lend_text(rec, plan, t);
		} else if (plan->type == KISCRM_TYPE_RATE) {
			rc = kiscrm_record_set_rate(rec, col->field, col->rates[r]);
		} else {
			held->type = plan->type;
			held->u.i = col->ints[r];
		}
	}
	return rc;
}

/* The rows, stored one after the other through @rec (no allocation per row, nor a copy
 * of a text) in the write @ctx: before each row the fields of no column (the id, what the
 * previous row derived) are cleared, and the columns set. *done counts the rows stored. */
static int insert_rows(const kc_write_ctx *ctx, kiscrm_record *rec, const unsigned char *is_column,
		       const kiscrm_column *columns, size_t ncolumns, size_t nrows, size_t *done)
{
	int nfields = rec->def->nfields, nother = 0;
	column_plan *plans = calloc(ncolumns ? ncolumns : 1, sizeof(*plans));
	int *other = calloc((size_t)nfields, sizeof(*other));
	if (!plans || !other) {
		free(plans);
		free(other);
		return kc_error_oom();
	}
	for (size_t c = 0; c < ncolumns; c++) {
		plans[c].col = &columns[c];
		plans[c].pos = KC_FI(columns[c].field);
		plans[c].type = rec->def->fields[plans[c].pos].type;
	}
	for (int f = 0; f < nfields; f++)
		if (!is_column[f])
			other[nother++] = f;
	int rc = KISCRM_OK;
	/* the record is the batch's own: its dirty flags, which only an update reads, are
	 * neither set nor cleared */
	for (size_t r = 0; rc == 0 && r < nrows; r++) {
		for (int o = 0; o < nother; o++)
			clear_at(rec, other[o]);
		if ((rc = set_row(rec, plans, ncolumns, r)) == 0)
			rc = kc_store_insert(ctx, rec);
		if (rc)
			rc = name_error(rc, "row", r);
		else
			*done = r + 1;
	}
	free(plans);
	free(other);
	return rc;
}

/* Stores the rows in one transaction, with a memo of the checks they passed (kind.h). */
static int insert_batch(kiscrm_db *db, kiscrm_record *rec, const unsigned char *is_column,
			const kiscrm_column *columns, size_t ncolumns, size_t nrows, unsigned int flags,
			size_t *done)
{
	kc_check_memo memo;
	kc_write_ctx ctx = kc_write_ctx_of(db);
	int rc = kc_check_memo_init(&memo, db, rec->def);
	if (rc == 0)
		rc = kc_tx_begin(db);
	if (flags & KISCRM_INSERT_RAW)
		ctx.flags |= KC_WRITE_NO_AFTER;
	ctx.memo = &memo;
	if (rc == 0) {
		rc = insert_rows(&ctx, rec, is_column, columns, ncolumns, nrows, done);
		rc = kc_tx_end(db, rc);
	}
	kc_check_memo_dispose(&memo);
	return rc;
}

int kiscrm_record_insert_columns(kiscrm_db *db, kiscrm_kind kind, const kiscrm_column *columns, size_t ncolumns,
				 size_t nrows, unsigned int flags, size_t *out_stored)
{
	size_t done = 0;
	kiscrm_record *rec = NULL;
	unsigned char *is_column = NULL;
	if (out_stored)
		*out_stored = 0;
	int rc = kc_check_db(db);
	if (rc)
		return rc;
	if (!columns && ncolumns)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_record_insert_columns: %zu columns but none given",
				    ncolumns);
	if (flags & ~KISCRM_INSERT_RAW)
		return kc_error_set(KISCRM_EINVALID, "unknown insert flags 0x%x", flags);
	if ((rc = kiscrm_record_new(&rec, kind)) != 0)
		return rc;
	/* the record the columns are checked on stores the rows */
	if (!(is_column = calloc((size_t)rec->def->nfields, 1)))
		rc = kc_error_oom();
	if (rc == 0)
		rc = check_columns(rec, is_column, columns, ncolumns);
	if (rc == 0 && nrows > 0) {
		rc = insert_batch(db, rec, is_column, columns, ncolumns, nrows, flags, &done);
		if (out_stored)
			*out_stored = rc ? done : nrows;
	}
	free(is_column);
	kiscrm_record_free(rec);
	return rc;
}
