/* In-memory records: a kind definition plus one value per field, TEXT owned. */
#ifndef KC_RECORD_H
#define KC_RECORD_H

#include "kiscrm/record.h"
#include "kiscrm/sys/backend.h"

struct kiscrm_record {
	const kiscrm_kind_def *def;
	kiscrm_value *vals; /* def->nfields values; TEXT strings owned by the record */
	/* def->nfields flags: 1 when the field was set since the record was read or last
	 * stored. An update writes only these onto the row it re-reads inside its
	 * transaction, so it never writes back a stale copy of a field another writer
	 * changed in the meantime. */
	unsigned char *dirty;
};

/* New record of a definition, all NULL. */
int kc_record_new(kiscrm_record **out, const kiscrm_kind_def *def);

/* New record holding a copy of a backend row. */
int kc_record_from_row(kiscrm_record **out, const kiscrm_kind_def *def, const kiscrm_value *row);

/* Replaces all values of rec by a copy of row (same kind); no field is dirty after. */
int kc_record_assign_row(kiscrm_record *rec, const kiscrm_value *row);

/* Copies the value of one field of @from (same kind) into @to, marking it dirty. */
int kc_record_copy_field(kiscrm_record *to, const kiscrm_record *from, int field);

/* 1 if the field was set since the record was read or stored. */
int kc_record_is_dirty(const kiscrm_record *rec, int field);

/* Marks every field clean (the record now equals what is stored). */
void kc_record_clear_dirty(kiscrm_record *rec);

/* Sets the id (the public setters refuse field 0). */
void kc_record_set_id(kiscrm_record *rec, kiscrm_id id);

/* Value setters without type checks beyond what the caller guarantees. */
int kc_record_put_text(kiscrm_record *rec, int field, const char *value);
void kc_record_put_int(kiscrm_record *rec, int field, int64_t value);

/* Index of a field by name, or -1. */
int kc_field_index(const kiscrm_kind_def *def, const char *name);

#endif
