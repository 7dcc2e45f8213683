/* In-memory records: a kind definition plus one value per field, TEXT owned. */
#ifndef KC_RECORD_H
#define KC_RECORD_H

#include "kiscrm/record.h"
#include "kiscrm/sys/backend.h"

struct kiscrm_record {
	const kiscrm_kind_def *def;
	kiscrm_value *vals; /* def->nfields values; TEXT strings owned by the record */
};

/* New record of a definition, all NULL. */
int kc_record_new(kiscrm_record **out, const kiscrm_kind_def *def);

/* New record holding a copy of a backend row. */
int kc_record_from_row(kiscrm_record **out, const kiscrm_kind_def *def, const kiscrm_value *row);

/* Replaces all values of rec by a copy of row (same kind). */
int kc_record_assign_row(kiscrm_record *rec, const kiscrm_value *row);

/* Sets the id (the public setters refuse field 0). */
void kc_record_set_id(kiscrm_record *rec, kiscrm_id id);

/* Value setters without type checks beyond what the caller guarantees. */
int kc_record_put_text(kiscrm_record *rec, int field, const char *value);
void kc_record_put_int(kiscrm_record *rec, int field, int64_t value);

/* Index of a field by name, or -1. */
int kc_field_index(const kiscrm_kind_def *def, const char *name);

#endif
