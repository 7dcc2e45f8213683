/* Kind descriptors: what the storage layer knows of a kind of record.
 *
 * Each area that owns a kind (pipeline owns opportunities, money_flow contracts …) defines
 * its descriptor beside the rules it enforces; one table (src/model/kinds.c) lists them in
 * kind order, and the database handle carries that table. The storage layer calls the
 * hooks through the descriptor and so depends on no area — the way libgit2's object table
 * lists each object type's parse and free functions. */
#ifndef KC_KIND_H
#define KC_KIND_H

#include "kiscrm/record.h"
#include "kiscrm/sys/backend.h"
#include "core/field.h"

/* Everything a hook may need of the write it runs in. Passed explicitly, never through
 * thread-locals, so that nested writes (a move inserting history) see their own. */
typedef struct kc_write_ctx {
	kiscrm_db *db;
	kiscrm_id actor;  /* staff recorded as the author, 0 = system */
	kiscrm_time at;   /* time of the change when the caller gave one, else 0 */
	unsigned flags;   /* KC_WRITE_* */
	struct kc_check_memo *memo; /* a batch's checks already passed (check_memo.h), or NULL */
} kc_write_ctx;

/* The caller is kiscrm_opportunity_move() (or its like): fields that only a recorded
 * move may change (the stage) may change. */
#define KC_WRITE_MOVE 0x1u
/* Skip the kind's after-insert work (records imported "as exported", whose derived
 * records come in their own file). */
#define KC_WRITE_NO_AFTER 0x2u

/* old is the stored version on update, NULL on insert. Fills derived fields, checks the
 * kind's own rules; KISCRM_OK or an error naming the field and value. */
typedef int (*kc_prepare_fn)(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old);
/* Work right after a new record is stored (an opportunity's creation entry …). */
typedef int (*kc_after_insert_fn)(const kc_write_ctx *ctx, const kiscrm_record *rec);
/* Called, inside the delete's transaction, before a record of the kind is deleted
 * (also by a cascade); an error refuses the delete (a done activity is what happened). */
typedef int (*kc_before_delete_fn)(kiscrm_db *db, kiscrm_id id);


/* What a partner's principal (kiscrm_db_set_principal) sees of a kind. The zero value is
 * company-internal, so a kind that forgets to say is hidden from partners, not leaked. */
enum kc_scope_mode {
	KC_SCOPE_INTERNAL = 0, /* a partner sees no row (targets, KPI, snapshots …) */
	KC_SCOPE_PARTNER,      /* rows whose partner field holds the principal's partner */
	KC_SCOPE_SELF,         /* the partner kind itself: the principal's own row */
};

typedef struct kc_scope {
	int mode;       /* an enum kc_scope_mode */
	int field;      /* KC_SCOPE_PARTNER: position of the partner_id field */
	int parents[3]; /* positions of references whose record's partner the row inherits (the
			 * first non-NULL one decides); 0 ends the list */
} kc_scope;

/* A partner-scoped kind whose partner field is @field, inheriting through the reference
 * fields that follow (public field ids). */
#define KC_SCOPE_BY(field, ...) { KC_SCOPE_PARTNER, KC_FI(field), { __VA_ARGS__ } }
/* A company-internal kind: said explicitly in each descriptor. */
#define KC_SCOPE_COMPANY { KC_SCOPE_INTERNAL, 0, { 0 } }

typedef struct kc_kind {
	const kiscrm_kind_def *def;   /* table name and fields (field 0 is the id) */
	kc_prepare_fn prepare;        /* NULL: nothing kind-specific */
	kc_after_insert_fn after_insert; /* NULL: nothing */
	kc_before_delete_fn before_delete; /* NULL: nothing */
	kc_scope scope;               /* who may see its rows; zero: company-internal */
} kc_kind;

/* Rules that hold across kinds but need knowledge above storage (configured dimension
 * values): the model layer gives the database handle this check at open. The store asks
 * it about TEXT values only (a bulk load writes millions of numbers it has no rule for). */
typedef int (*kc_value_check_fn)(kiscrm_db *db, const kiscrm_kind_def *def, int field,
				 const kiscrm_value *value);
/* 1 when the value check may refuse a value of the field (it has a rule for it): a batch
 * asks once per field, not once per value. */
typedef int (*kc_value_checked_fn)(const kiscrm_kind_def *def, int field);

/* The set of kinds a database handle works with. */
typedef struct kc_kind_table {
	int nkinds;
	const kc_kind *const *kinds;  /* indexed by kind - 1 */
	const kiscrm_schema *schema;  /* the same kinds as the backends see them */
	kc_value_check_fn check_value;
	kc_value_checked_fn value_checked;
} kc_kind_table;

#define KC_FIELDS(arr) (int)(sizeof(arr) / sizeof((arr)[0])), (arr)

#endif
