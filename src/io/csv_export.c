/* CSV export of records (RFC 4180): a header of every field name, then one line per
 * record. Values are the text kiscrm_record_set_from_text() reads back, so an export
 * imports again unchanged. Without a filter the rows come straight from one backend
 * scan (no per-row read); a filter goes through the public iterator, which knows how
 * to translate it. Writing to a file flushes the buffer every few kilobytes, so a
 * million opportunities never sit in memory at once; the file is written atomically
 * (core/atomic_file.c) and never over the database's own files. Text cells that a
 * spreadsheet would run as formulas are neutralised (core/csv_cell.c). The text is made
 * in UTF-8 and encoded on its way out (core/csv_encode.c): a file chunk by chunk, each
 * chunk whole records, so that a character GBK lacks is found with its row and column. */
#include "kiscrm/csv.h"
#include "kiscrm/config.h"
#include "kiscrm/db.h"
#include "core/atomic_file.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/csv_cell.h"
#include "core/csv_encode.h"
#include "storage/db_files.h"
#include "storage/db.h"
#include "storage/record.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define FLUSH_AT 65536

typedef struct {
	kiscrm_buf *out;  /* text is appended here */
	kiscrm_buf cell;  /* one value's text, reused */
	FILE *fp;         /* when set, `out` is flushed to it */
	const char *path; /* of fp, for messages */
	int decimals;
	unsigned text_flags; /* kc_csv_put_field flags of text cells */
	kc_csv_encoder *enc; /* with fp: encodes each chunk before it is written */
	kiscrm_buf encoded;  /* with fp: the chunk in the output encoding, reused */
} csv_writer;

static int flush(csv_writer *w)
{
	if (!w->fp || w->out->size == 0)
		return KISCRM_OK;
	w->encoded.size = 0;
	int rc = kc_csv_encode(w->enc, &w->encoded, w->out->ptr, w->out->size);
	if (rc)
		return rc;
	if (fwrite(w->encoded.ptr, 1, w->encoded.size, w->fp) != w->encoded.size)
		return kc_error_set(KISCRM_ESTORAGE, "cannot write '%s': %s", w->path, strerror(errno));
	w->out->size = 0;
	w->out->ptr[0] = '\0';
	return KISCRM_OK;
}

static int write_header(csv_writer *w, const kiscrm_kind_def *def)
{
	int rc = KISCRM_OK;
	for (int f = 0; rc == 0 && f < def->nfields; f++) {
		const char *name = def->fields[f].name;
		if (f > 0)
			rc = kc_buf_put(w->out, ",", 1);
		if (rc == 0)
			rc = kc_csv_put_field(w->out, name, strlen(name), w->text_flags);
	}
	return rc ? rc : kc_buf_put(w->out, "\n", 1);
}

static int write_record(csv_writer *w, const kiscrm_record *rec)
{
	int rc = KISCRM_OK;
	for (int f = 0; rc == 0 && f < rec->def->nfields; f++) {
		if (f > 0 && (rc = kc_buf_put(w->out, ",", 1)) != 0)
			break;
		w->cell.size = 0;
		if ((rc = kiscrm_record_field_to_text(&w->cell, rec, KISCRM_FIELD_ID(rec->def->kind, f), w->decimals)) != 0)
			break;
		/* Empty text is written "" (NULL is an empty field). Only text is neutralised:
		 * the library writes numbers, money and dates, which are never formulas. */
		if (rec->vals[f].type == KISCRM_TYPE_TEXT)
			rc = kc_csv_put_field(w->out, w->cell.ptr ? w->cell.ptr : "", w->cell.size,
					      w->text_flags | KC_CSV_EMPTY_QUOTED);
		else
			rc = kc_csv_put_field(w->out, w->cell.ptr ? w->cell.ptr : "", w->cell.size, 0);
	}
	if (rc == 0)
		rc = kc_buf_put(w->out, "\n", 1);
	if (rc == 0 && w->out->size >= FLUSH_AT)
		rc = flush(w);
	return rc;
}

typedef struct {
	csv_writer *w;
	const kiscrm_kind_def *def;
} scan_ctx;

static int scan_cb(void *payload, const kiscrm_value *row)
{
	scan_ctx *s = payload;
	/* The row is only read: a record view over it saves copying every value. */
	kiscrm_record view = { s->def, (kiscrm_value *)row, NULL, NULL };
	return write_record(s->w, &view);
}

static int write_filtered(csv_writer *w, kiscrm_db *db, int kind, const kiscrm_filter *filter)
{
	kiscrm_iter *it;
	const kiscrm_record *rec;
	int rc = kiscrm_iter_new(&it, db, kind, filter);
	if (rc)
		return rc;
	while ((rc = kiscrm_iter_next(&rec, it)) == 0)
		if ((rc = write_record(w, rec)) != 0)
			break;
	kiscrm_iter_free(it);
	return rc == KISCRM_ITEROVER ? KISCRM_OK : rc;
}

static int export_to(csv_writer *w, kiscrm_db *db, int kind, const kiscrm_filter *filter)
{
	const kiscrm_kind_def *def;
	int rc = kc_check_db(db);
	if (rc || (rc = kc_db_require(db, &def, kind)) != 0)
		return rc;
	w->decimals = kiscrm_config_currency_decimals(kiscrm_db_config(db));
	if ((rc = write_header(w, def)) != 0)
		return rc;
	if (filter) {
		rc = write_filtered(w, db, kind, filter);
	} else {
		scan_ctx s = { w, def };
		rc = kc_db_scan(db, def, NULL, scan_cb, &s);
	}
	return rc ? rc : flush(w);
}

int kiscrm_csv_export(kiscrm_buf *out, kiscrm_db *db, kiscrm_kind kind, const kiscrm_filter *filter,
		      const kiscrm_csv_write_options *opts)
{
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_csv_export: output buffer is NULL");
	size_t before = out->size;
	csv_writer w = { out, KISCRM_BUF_INIT, NULL, NULL, 0, 0, NULL, KISCRM_BUF_INIT };
	int encoding = KC_CSV_UTF8;
	int rc = kc_csv_write_setup(&w.text_flags, &encoding, opts);
	if (rc == 0 && encoding == KC_CSV_UTF8) {
		rc = export_to(&w, db, kind, filter);
	} else if (rc == 0) {
		/* Made in UTF-8 aside, then encoded into the caller's buffer as a whole. */
		kiscrm_buf text = KISCRM_BUF_INIT;
		kc_csv_encoder enc;
		w.out = &text;
		if ((rc = kc_csv_encoder_open(&enc, encoding, NULL)) == 0) {
			rc = export_to(&w, db, kind, filter);
			if (rc == 0)
				rc = kc_csv_encode(&enc, out, text.ptr ? text.ptr : "", text.size);
			kc_csv_encoder_close(&enc);
		}
		kiscrm_buf_dispose(&text);
	}
	kiscrm_buf_dispose(&w.cell);
	if (rc && out->ptr) {
		/* Leave the caller's buffer as it was. */
		out->size = before;
		out->ptr[before] = '\0';
	}
	return rc;
}

int kiscrm_csv_export_file(kiscrm_db *db, kiscrm_kind kind, const char *path,
			   const kiscrm_filter *filter, const kiscrm_csv_write_options *opts)
{
	int rc = kc_check_db(db);
	if (rc)
		return rc;
	if (!path)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_csv_export_file: path is NULL");
	if (!kc_db_def(db, kind))
		return kc_error_set(KISCRM_EINVALID, "unknown record kind %d", kind);
	csv_writer w = { NULL, KISCRM_BUF_INIT, NULL, path, 0, 0, NULL, KISCRM_BUF_INIT };
	int encoding = KC_CSV_UTF8;
	if ((rc = kc_csv_write_setup(&w.text_flags, &encoding, opts)) != 0 ||
	    (rc = kc_db_files_refuse(db, path)) != 0)
		return rc;
	kc_csv_encoder enc;
	if ((rc = kc_csv_encoder_open(&enc, encoding, path)) != 0)
		return rc;
	kc_atomic_file af;
	if ((rc = kc_atomic_open(&af, path)) != 0) {
		kc_csv_encoder_close(&enc);
		return rc;
	}
	kiscrm_buf out = KISCRM_BUF_INIT;
	w.out = &out;
	w.fp = af.fp;
	w.enc = &enc;
	rc = export_to(&w, db, kind, filter);
	kiscrm_buf_dispose(&out);
	kiscrm_buf_dispose(&w.cell);
	kiscrm_buf_dispose(&w.encoded);
	kc_csv_encoder_close(&enc);
	/* An error (a character GBK lacks …) removes the temporary file: nothing is written. */
	return kc_atomic_close(&af, rc);
}

