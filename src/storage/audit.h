/* The audit log's writer: every change the storage layer's write functions make is
 * recorded in the same transaction (audit.c). */
#ifndef KC_AUDIT_H
#define KC_AUDIT_H

#include "storage/db.h"

extern const kiscrm_kind_def kc_audit_entry_def;
extern const kc_kind kc_audit_entry_kind;

/* Records the insert of a new row @id (given apart: the row's id may be 0 when the
 * backend assigned it) whose partner field holds @partner (0: none). Inside a
 * transaction, consecutive ids of a kind written alike extend one pending run
 * (kc_audit_run, one per kind in db->runs) instead of writing an entry each;
 * kc_audit_flush() writes the pending runs — before any other entry, before the log is
 * read and before the outermost commit — and kc_audit_discard() drops them on rollback. */
int kc_audit_insert(kiscrm_db *db, const kiscrm_kind_def *def, kiscrm_id id, kiscrm_id partner);
int kc_audit_flush(kiscrm_db *db);
void kc_audit_discard(kiscrm_db *db);

/* An update or delete being recorded: kc_audit_prepare() reads the stored row and notes
 * what the write will change (@row NULL: a delete); the caller writes, then
 * kc_audit_finish() records the entry when the write's @rc is KISCRM_OK, frees, and
 * returns the first error. */
typedef struct kc_audit_pending {
	const char *action;
	kiscrm_id id;
	kiscrm_id partner;
	int count;          /* fields changed */
	kiscrm_buf changes; /* their JSON */
	int wanted;         /* an entry is to be written */
} kc_audit_pending;

int kc_audit_prepare(kiscrm_db *db, const kiscrm_kind_def *def, kiscrm_id id, const kiscrm_value *row,
		     kc_audit_pending *p);
int kc_audit_finish(kiscrm_db *db, const kiscrm_kind_def *def, kc_audit_pending *p, int rc);

/* Records an action on a record that no single row change describes (a merge), with the
 * changes already written as JSON. */
int kc_audit_note(kiscrm_db *db, const kiscrm_kind_def *def, const char *action, kiscrm_id id,
		  kiscrm_id partner, const char *changes);

#endif
