/* The database handle and the storage dispatch every other module goes through. */
#ifndef KC_DB_H
#define KC_DB_H

#include "kiscrm/db.h"
#include "kiscrm/sys/backend.h"
#include "storage/kind.h"
#include "storage/txn_known.h"
#include "core/scratch.h"

/* An audit entry being made; a pending run of inserts (audit.c) is one with first < last. */
typedef struct kc_audit_run {
	const kiscrm_kind_def *def; /* NULL: no run pending */
	const char *action;
	kiscrm_id first, last;
	kiscrm_id partner, actor;
	const char *job;
	kiscrm_date day;
	kiscrm_time at;
	const char *changes;
} kc_audit_run;

/* What a handle has seen of one kind's rows, to tell whether they may have changed since
 * (kc_db_stamp): equal stamps, no change. */
typedef struct kc_stamp {
	uint64_t writes;    /* writes of the kind through this handle */
	uint64_t rollbacks; /* rollbacks of this handle (they undo counted writes) */
	int64_t outside;    /* the built-in SQLite backend's PRAGMA data_version: commits by
	                       other connections */
} kc_stamp;

struct kiscrm_db {
	kiscrm_backend *backend;
	/* Rows travel over a network (PostgreSQL): a report then lets the server filter
	 * rather than reading every row and filtering them itself. */
	int remote_rows;
	/* A scan hands out interned texts: equal texts have equal pointers, unchanged for the
	 * whole scan (the memory backend), so a report may memoise by pointer (text_memo.h). */
	int texts_interned;
	kc_known known;  /* rows the outermost transaction knows exist (txn_known.c) */
	const kc_kind_table *kinds; /* the kinds this handle works with (src/model/kinds.c) */
	kiscrm_config *config;      /* owned; loaded and freed by the model layer */
	int tx_depth;    /* nesting depth of kiscrm_db_begin */
	int tx_failed;   /* an inner transaction rolled back: the outermost must too */
	kiscrm_id actor; /* staff recorded as the author of changes, 0 = system */
	kiscrm_date today; /* the caller's business date (kiscrm_db_set_today), or NONE */
	int money_decimals; /* of the configured currency: how error messages print amounts */
	char *file;      /* absolute path of the SQLite file, NULL when none (db_files.c) */
	/* The principal (kiscrm_db_set_principal, scope.c): bound once, never unbound. */
	int bound;
	kiscrm_id partner; /* a partner's principal: the partner whose rows alone are seen */
	kiscrm_id principal_staff;
	char *role;        /* the role key acted in, NULL when none */
	int system_reads;  /* > 0: the store's own integrity reads (delete cascades) see all */
	/* The audit log (audit.c): on unless the handle was opened without it. */
	int audit;
	kc_audit_run *runs;   /* one per kind, allocated at the first insert in a transaction */
	kiscrm_time write_at; /* time of the change being written when its caller gave one */
	const char *job;      /* the library job making the changes (static text), or NULL */
	kc_scratch *scratch;  /* reports' large arrays and tables' cells, kept for the next
	                         report (scratch.h); shared with the tables it returned */
	/* Stamps (kc_db_stamp): writes per kind through this handle, rollbacks, and how to
	 * learn of other connections' commits. stamps 0: the handle cannot tell (PostgreSQL,
	 * whose other clients change rows unseen; a custom backend). */
	int stamps;
	uint64_t *kind_writes; /* nkinds + 1 */
	uint64_t rollbacks;
	int (*outside_version)(kiscrm_backend *b, int64_t *version); /* NULL: no other writer */
	/* The configured-stages rule (analytics/outside_config.c) last found to hold for every
	 * opportunity, at this stamp of the opportunities: a handle running many reports
	 * checks it once while they do not change. */
	int stages_hold;
	kc_stamp stages_hold_at;
};

/* Runs a multi-record change atomically: kc_tx_begin, then the work, then
 * kc_tx_end(db, rc), which commits when rc is KISCRM_OK and rolls back otherwise,
 * returning rc (or the commit's error). Nests inside a caller's transaction. */
int kc_tx_begin(kiscrm_db *db);
int kc_tx_end(kiscrm_db *db, int rc);

/* Thin wrappers over the backend vtable (argument checks are the caller's). */
int kc_db_insert(kiscrm_db *db, const kiscrm_kind_def *def, const kiscrm_value *row, kiscrm_id *id);
int kc_db_update(kiscrm_db *db, const kiscrm_kind_def *def, const kiscrm_value *row);
int kc_db_remove(kiscrm_db *db, const kiscrm_kind_def *def, kiscrm_id id);
int kc_db_get(kiscrm_db *db, const kiscrm_kind_def *def, kiscrm_id id, kiscrm_row_cb cb, void *payload);
int kc_db_scan(kiscrm_db *db, const kiscrm_kind_def *def, const kiscrm_query *q, kiscrm_row_cb cb, void *payload);
/* Counts matching rows with the backend's accelerator when it has one, else by scanning. */
int kc_db_count(kiscrm_db *db, const kiscrm_kind_def *def, const kiscrm_query *q, int64_t *out);
/* 1 when the backend answers kc_db_distinct itself (its optional `distinct` slot). */
int kc_db_has_distinct(const kiscrm_db *db);
/* The distinct combinations of the wanted fields (q->columns) among the rows matching q
 * that the principal may see, through the backend's `distinct` slot (kc_db_has_distinct
 * must hold; callers otherwise read the rows themselves). */
int kc_db_distinct(kiscrm_db *db, const kiscrm_kind_def *def, const kiscrm_query *q, kiscrm_row_cb cb,
		   void *payload);
/* 1 if a record of that kind and id exists, 0 if not, negative on storage error. */
int kc_db_exists(kiscrm_db *db, const kiscrm_kind_def *def, kiscrm_id id);
/* The answer of a read (question @memo, an enum kc_memo, about record @key) that only a
 * write of a row of @kind can change, remembered inside the outermost transaction (where
 * no other writer changes the rows) under the handle's fixed principal: get gives 1 and
 * *value when the answer is known, else 0 and the caller reads and puts it. */
int kc_db_memo_get(kiscrm_db *db, int memo, int kind, kiscrm_id key, int64_t *value);
void kc_db_memo_put(kiscrm_db *db, int memo, int kind, kiscrm_id key, int64_t value);
/* Counts a read answer to @memo; the number read so far in the transaction (0 outside). */
uint32_t kc_db_memo_missed(kiscrm_db *db, int memo);
/* As kc_db_exists, also giving the record's partner (0: none or a company-internal kind). */
int kc_db_partner_of(kiscrm_db *db, const kiscrm_kind_def *def, kiscrm_id id, kiscrm_id *partner);

/* The read chokepoint's filter (scope.c): what the handle's principal sees of @def. */
enum kc_scope_filter {
	KC_SEE_ALL,  /* no principal restriction */
	KC_SEE_NONE, /* a company-internal kind under a partner's principal */
	KC_SEE_COND, /* rows matching the condition filled in */
};
int kc_scope_filter(const kiscrm_db *db, const kiscrm_kind_def *def, kiscrm_cond *cond);
/* The last guard of every backend write (kc_db_insert, update, remove): a partner's
 * principal writes only rows of partner-scoped kinds that carry its partner (@row NULL: a
 * delete, whose row was found in the principal's view or belongs to a cascade). */
int kc_scope_may_write(const kiscrm_db *db, const kiscrm_kind_def *def, const kiscrm_value *row);
/* The partner field of a row of @def (NULL: none), 0 when empty or the kind has none. */
kiscrm_id kc_scope_row_partner(const kiscrm_db *db, const kiscrm_kind_def *def, const kiscrm_value *row);
/* Whether a full row of @def is visible to the principal. */
int kc_scope_row_visible(const kiscrm_db *db, const kiscrm_kind_def *def, const kiscrm_value *row);
/* The write chokepoint's part (scope.c): the record's partner inherited from its parents,
 * and a partner's principal held to its own partner's kinds and rows. */
int kc_scope_write(const kc_write_ctx *ctx, const kc_kind *k, kiscrm_record *rec, int inserting);

/* A new handle over @backend (owned from now on, also on failure) for the kinds of
 * @kinds; the caller attaches the configuration. */
int kc_db_new(kiscrm_db **out, kiscrm_backend *backend, const kc_kind_table *kinds);
/* The stamp of @kind's rows now: 1 and *out set, or 0 when the handle cannot tell (no
 * stamps, or the outside version could not be read): nothing may be remembered then. */
int kc_db_stamp(kiscrm_db *db, int kind, kc_stamp *out);
static inline int kc_stamp_equal(const kc_stamp *a, const kc_stamp *b)
{
	return a->writes == b->writes && a->rollbacks == b->rollbacks && a->outside == b->outside;
}

/* Rolls back an open transaction and frees the handle and its backend (not the config). */
void kc_db_delete(kiscrm_db *db);

/* The descriptor of a kind, or NULL (no error set) when the handle does not know it.
 * Inline: the storage layer's own files (scope.c, audit.c) use it without depending on
 * db.c, which calls them. */
static inline const kc_kind *kc_db_kind(const kiscrm_db *db, int kind)
{
	if (kind < 1 || kind > db->kinds->nkinds)
		return NULL;
	return db->kinds->kinds[kind - 1];
}

/* Its definition (fields), or NULL. */
static inline const kiscrm_kind_def *kc_db_def(const kiscrm_db *db, int kind)
{
	const kc_kind *k = kc_db_kind(db, kind);
	return k ? k->def : NULL;
}
/* As kc_db_def, but sets KISCRM_EINVALID naming the kind when unknown. */
int kc_db_require(const kiscrm_db *db, const kiscrm_kind_def **out, int kind);
/* The descriptor of the kind defined by @def: the handle's table must know it by that very
 * definition (a record made for another schema is refused, KISCRM_EINVALID). */
int kc_db_kind_of(const kiscrm_db *db, const kiscrm_kind_def *def, const kc_kind **out);

/* A write context for a change made by the handle's actor, with no time given. */
kc_write_ctx kc_write_ctx_of(kiscrm_db *db);

/* Storing records with an explicit context (the public kiscrm_record_insert/update use
 * kc_write_ctx_of): the kind's hooks get the context. */
int kc_store_insert(const kc_write_ctx *ctx, kiscrm_record *rec);
int kc_store_update(const kc_write_ctx *ctx, kiscrm_record *rec);

/* Binds the handle to a principal (the model layer has checked the ids and the role):
 * from now on every read and write goes through its view. Once only. */
int kc_db_bind_principal(kiscrm_db *db, kiscrm_id staff, kiscrm_id partner, const char *role);

/* Brackets the integrity reads that must see past the principal: the records depending on
 * one being deleted (store.c), the approvals guarding a partner's contract (pricing/).
 * Never around anything whose result reaches the caller. */
static inline void kc_db_unscoped_enter(kiscrm_db *db)
{
	db->system_reads++;
}

static inline void kc_db_unscoped_leave(kiscrm_db *db)
{
	db->system_reads--;
}

/* Names the library job (static text) whose changes follow, for the audit log; returns
 * the job it replaces, which the caller restores when done. */
static inline const char *kc_db_job(kiscrm_db *db, const char *job)
{
	const char *was = db->job;
	db->job = job;
	return was;
}

/* The stored record of @kind and @id into a new record. Not found: KISCRM_ENOTFOUND
 * naming @owner.@field, the reference that led to it (@field NULL: a direct argument). */
int kc_store_load(kiscrm_record **out, kiscrm_db *db, int kind, kiscrm_id id, const char *owner,
		  const char *field);

/* Checks the usual "db and out pointers are not NULL" preconditions. */
int kc_check_db(const kiscrm_db *db);

#endif
