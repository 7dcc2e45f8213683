/* The memo of a batch of inserts (check_memo.c): what the checks of its rows found, kept
 * for the rows after. Inline: a bulk load asks it several times a row. */
#ifndef KC_CHECK_MEMO_H
#define KC_CHECK_MEMO_H

#include "db.h"

/* Texts (by address) found valid by some check, up to KC_MEMO_TEXTS, each in the slot its
 * address hashes to: a batch's few stages, lines and sources come back row after row (a
 * history's from and to stages among the ten of a pipeline), and one comparison finds
 * them. Two texts of one slot take turns: only a check asked again. */
#define KC_MEMO_TEXTS 16
typedef struct kc_text_memo {
	const char *text[KC_MEMO_TEXTS];
} kc_text_memo;

static inline unsigned kc_text_memo_slot(const char *t)
{
	return (unsigned)(((uint64_t)(uintptr_t)t * 0x9e3779b97f4a7c15ULL) >> 60);
}

static inline int kc_text_memo_has(const kc_text_memo *m, const char *t)
{
	return m->text[kc_text_memo_slot(t)] == t;
}

static inline void kc_text_memo_add(kc_text_memo *m, const char *t)
{
	m->text[kc_text_memo_slot(t)] = t;
}

/* A record a batch's reference field was found to name (check_memo.c): it exists — and,
 * when @partner_known, has partner @partner — while its kind's write count
 * (kc_known.writes) is still @writes. */
typedef struct kc_ref_memo {
	kiscrm_id id;      /* 0: none */
	kiscrm_id partner;
	uint64_t writes;
	int partner_known;
} kc_ref_memo;

/* What the checks of a batch of inserts of one kind already found valid, so that the
 * rows after do not ask again: per field, texts the configured-value check accepted
 * (kc_text_memo) — only texts lent to the record (the batch caller's,
 * which stay where they are and unchanged for the whole call, or string literals),
 * never one the record owns, which may be freed and its address reused for another — and
 * the last record a reference was found to name, with its partner once the row's partner
 * was inherited from it. The configuration and principal stay as they are for the call;
 * a remembered record is trusted only while no row of its kind has been written since (a
 * hook's write, a self-reference). A bulk load repeats a few stages, lines and sources
 * (a history's from and to stages alternate among a few) and four history rows of one
 * opportunity, and asking each time was 2 % of it; the reference check and the partner
 * inheritance ask about the same customer or opportunity, and one answer now serves both.
 *
 * A memo also says the batch's caller holds the transaction its rows go into: the store
 * writes each row without a transaction of its own (kc_store_insert), since a failed row
 * ends the batch and the batch's transaction with it. */
typedef struct kc_check_memo {
	const kiscrm_kind_def *def; /* the batch's kind: a hook's write of another goes without */
	const struct kc_kind *kind; /* its descriptor in the handle's table */
	kc_text_memo *text; /* def->nfields entries */
	kc_ref_memo *ref;  /* def->nfields entries */
	/* The fields the checks look at, found once for the batch: those required, holding
	 * a reference or a value the value check has a rule for (@check, @ncheck), and the
	 * money fields (@money, @nmoney); the others have nothing to check. */
	int *check, ncheck;
	int *money, nmoney;
} kc_check_memo;

/* A memo for a batch of inserts of @def into @db (kc_check_memo_dispose frees it); an
 * error when the handle's table does not know @def. */
int kc_check_memo_init(kc_check_memo *memo, const kiscrm_db *db, const kiscrm_kind_def *def);
void kc_check_memo_dispose(kc_check_memo *memo);

/* The memo of @ctx when it serves records of @def, else NULL. */
static inline kc_check_memo *kc_check_memo_for(const kc_write_ctx *ctx, const kiscrm_kind_def *def)
{
	return ctx->memo && ctx->memo->def == def ? ctx->memo : NULL;
}

/* 1 when the value check accepted text @t of field @field in this batch (@memo may be
 * NULL). */
static inline int kc_check_memo_text(const kc_check_memo *memo, int field, const char *t)
{
	return memo && kc_text_memo_has(&memo->text[field], t);
}

/* Remembers that the value check accepted @t, a text lent to the record. */
static inline void kc_check_memo_text_ok(kc_check_memo *memo, int field, const char *t)
{
	if (memo)
		kc_text_memo_add(&memo->text[field], t);
}

/* The count of writes of the kind @field refers to (NULL: it refers to none): a
 * remembered record of it is current while the count stays (every insert, update and
 * delete counts, kc_db_insert …). */
static inline const uint64_t *kc_check_memo_writes(const kc_check_memo *memo, const kiscrm_db *db, int field)
{
	int kind = memo->def->fields[field].ref_kind;
	return kind >= 1 && kind <= db->known.nkinds ? &db->known.writes[kind - 1] : NULL;
}

/* The remembered record of reference field @field when it is @id and still current, else
 * NULL (@memo may be NULL). */
static inline const kc_ref_memo *kc_check_memo_ref(const kc_check_memo *memo, const kiscrm_db *db, int field,
						   kiscrm_id id)
{
	if (!memo || id <= 0 || memo->ref[field].id != id)
		return NULL;
	const uint64_t *writes = kc_check_memo_writes(memo, db, field);
	return writes && memo->ref[field].writes == *writes ? &memo->ref[field] : NULL;
}

/* Remembers that @id, named by @field, exists; @partner >= 0 is its partner, < 0 unknown
 * (a partner already remembered for the same current record is kept). */
static inline void kc_check_memo_found(kc_check_memo *memo, const kiscrm_db *db, int field, kiscrm_id id,
				       kiscrm_id partner)
{
	const uint64_t *writes = memo && id > 0 ? kc_check_memo_writes(memo, db, field) : NULL;
	if (!writes)
		return;
	kc_ref_memo *r = &memo->ref[field];
	if (partner < 0 && r->id == id && r->writes == *writes)
		return; /* already known, perhaps with its partner */
	*r = (kc_ref_memo){ id, partner < 0 ? 0 : partner, *writes, partner >= 0 };
}

#endif
