/* In-memory records: a kind definition plus one value per field, TEXT owned (or lent). */
#ifndef KC_RECORD_H
#define KC_RECORD_H

#include "kiscrm/record.h"
#include "kiscrm/sys/backend.h"
#include "core/field.h"

#include <assert.h>

struct kiscrm_record {
	const kiscrm_kind_def *def;
	kiscrm_value *vals; /* def->nfields values; TEXT strings owned by the record unless lent */
	/* def->nfields flags: 1 when the field was set since the record was read or last
	 * stored. An update writes only these onto the row it re-reads inside its
	 * transaction, so it never writes back a stale copy of a field another writer
	 * changed in the meantime. */
	unsigned char *dirty;
	/* def->nfields flags, NULL until a text is lent: 1 when the field's text is the
	 * caller's, not the record's copy (kc_record_lend_text), and is not freed. */
	unsigned char *lent;
};

struct kc_kind_table;
/* Tells the record accessors the kinds of the library, so that an error can name the kind
 * of a field given to a record of another kind. */
void kc_record_know_kinds(const struct kc_kind_table *kinds);

/* New record of a definition, all NULL. */
int kc_record_new(kiscrm_record **out, const kiscrm_kind_def *def);

/* The value of the field at position @pos NULL (its dirty flag untouched). */
void kc_record_clear_at(kiscrm_record *rec, int pos);

/* New record holding a copy of a backend row. */
int kc_record_from_row(kiscrm_record **out, const kiscrm_kind_def *def, const kiscrm_value *row);

/* Replaces all values of rec by a copy of row (same kind); no field is dirty after. */
int kc_record_assign_row(kiscrm_record *rec, const kiscrm_value *row);

/* Copies the value of the field at position @pos of @from (same kind) into @to, marking
 * it dirty. */
int kc_record_copy_at(kiscrm_record *to, const kiscrm_record *from, int pos);

/* 1 if the field at position @pos was set since the record was read or stored. */
int kc_record_is_dirty_at(const kiscrm_record *rec, int pos);

/* Marks every field clean (the record now equals what is stored). */
void kc_record_clear_dirty(kiscrm_record *rec);

/* Sets the id (the public setters refuse field 0). */
void kc_record_set_id(kiscrm_record *rec, kiscrm_id id);

/* KISCRM_OK if @value is valid UTF-8, else EINVALID naming the field at position @pos of
 * @rec's kind and the first bad byte (what kiscrm_record_set_text() refuses). */
int kc_record_check_text(const kiscrm_record *rec, int pos, const char *value);

/* Sets the TEXT field at position @pos to @value itself, not a copy: the caller has
 * checked it (kc_record_check_text) and keeps it valid and unchanged as long as the
 * record holds it. For a batch whose rows repeat the same few texts
 * (kiscrm_record_insert_columns), where a copy per row and field was most of what
 * building the row cost. */
int kc_record_lend_text(kiscrm_record *rec, int pos, const char *value);

/* The value of field @id, which the library itself names for a record of its kind (an
 * assertion, not the public accessors' check of a caller's id, which builds an error):
 * the kinds' hooks read a row's fields through these, a dozen times a write. */
static inline const kiscrm_value *kc_record_at(const kiscrm_record *rec, kiscrm_field id)
{
	assert(KISCRM_FIELD_KIND(id) == rec->def->kind && KC_FI(id) < rec->def->nfields);
	return &rec->vals[KC_FI(id)];
}

/* kiscrm_record_is_null(), _int() and _text() for such a field. */
static inline int kc_record_null(const kiscrm_record *rec, kiscrm_field id)
{
	return kc_record_at(rec, id)->type == KISCRM_TYPE_NULL;
}

static inline int64_t kc_record_num(const kiscrm_record *rec, kiscrm_field id)
{
	return kc_val_int(kc_record_at(rec, id), 0);
}

static inline const char *kc_record_str(const kiscrm_record *rec, kiscrm_field id)
{
	return kc_val_text(kc_record_at(rec, id));
}

/* Value setters without type checks beyond what the caller guarantees. */
int kc_record_put_text(kiscrm_record *rec, kiscrm_field field, const char *value);
void kc_record_put_int(kiscrm_record *rec, kiscrm_field field, int64_t value);
/* kc_record_put_text() of a string literal (static storage: never freed nor changed),
 * lent instead of copied — what a rule derives for every row (an opportunity's status and
 * size class: two copies and frees a row of a bulk load). */
int kc_record_put_literal(kiscrm_record *rec, kiscrm_field field, const char *literal);

/* Position of a field by name, or -1. */
int kc_field_index(const kiscrm_kind_def *def, const char *name);
/* Id of a field by name (KISCRM_FIELD_ID), or -1. */
int kc_field_id(const kiscrm_kind_def *def, const char *name);

#endif
