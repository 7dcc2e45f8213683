/* The kind of the audit log's entries (审计日志). The storage layer owns it because only
 * the storage layer writes it — from its write functions, for every change of every other
 * kind — and no caller may: the descriptor's hooks refuse every insert, update and delete
 * that comes through the store, so an entry once written stays as written. */
#include "storage/audit.h"
#include "storage/kind_fields.h"
#include "core/error.h"
#include "kiscrm/audit.h"

/* No field refers to another kind: deleting a person, a partner or the record itself must
 * neither cascade into the log nor be refused because of it. */
static const kiscrm_field_def audit_fields[] = {
	F("id", INT, 0, 0),
	F("day", DATE, 0, 0),
	F("at", TIME, 0, 0),
	F("actor_id", INT, 0, 0),
	F("job", TEXT, 0, 0),
	F("action", TEXT, REQ, 0),
	F("kind", TEXT, REQ, 0),
	F("record_id", INT, REQ | IDX, 0),
	F("last_id", INT, 0, 0),
	F("changes", TEXT, 0, 0),
	F("partner_id", INT, 0, 0),
};

const kiscrm_kind_def kc_audit_entry_def = { KISCRM_KIND_AUDIT_ENTRY, "audit_entry", KC_FIELDS(audit_fields) };

static int refuse_write(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old)
{
	(void)ctx;
	(void)rec;
	return kc_error_set(KISCRM_EINVALID, "audit entries are written by the library alone: %s refused",
			    old ? "changing one is" : "adding one is");
}

static int refuse_delete(kiscrm_db *db, kiscrm_id id)
{
	(void)db;
	return kc_error_set(KISCRM_EINVALID, "audit entry %lld cannot be deleted: the log is append-only",
			    (long long)id);
}

/* A partner sees the entries of its own rows (the entry carries the row's partner). */
const kc_kind kc_audit_entry_kind = { &kc_audit_entry_def, refuse_write, NULL, refuse_delete,
	KC_SCOPE_BY(KISCRM_AUDIT_ENTRY_PARTNER_ID, 0) };
