/* What the current outermost transaction knows exists (txn_known.c), so that a reference
 * check or a partner inheritance needs no read when the answer is already known: the rows
 * the transaction inserted (all of them, for the kinds some field refers to) and the rows
 * it found (a bounded cache). Only positive knowledge is kept — a record not remembered is
 * read as before — and it is kept exact: a delete forgets the record, an update refreshes
 * its partner, and begin, commit, rollback and binding a principal forget everything. */
#ifndef KC_TXN_KNOWN_H
#define KC_TXN_KNOWN_H

#include "kiscrm/sys/backend.h"

#include <stddef.h>
#include <stdint.h>

/* A found record (direct-mapped, KC_FOUND_SLOTS entries): valid when gen is the table's. */
typedef struct kc_found_slot {
	uint32_t gen;
	int kind;
	int partner_known; /* partner below is the record's */
	kiscrm_id id;
	kiscrm_id partner; /* its partner field, 0 = none */
} kc_found_slot;

/* The rows of one kind inserted in the transaction: the partner of id first + i, or
 * KC_KNOWN_ABSENT. Ids a backend assigns ascend, so a load's rows make one dense run. */
typedef struct kc_inserted_run {
	kiscrm_id first;
	size_t n, cap;
	kiscrm_id *partner;
} kc_inserted_run;

/* A remembered answer of a read (kc_known_memo_*): valid while its generation is the
 * table's and its kind's write count is what it was when read. */
typedef struct kc_memo_slot {
	uint32_t gen;
	int memo;
	kiscrm_id key;
	uint64_t writes;
	int64_t value;
} kc_memo_slot;

/* The questions whose answers are remembered. */
enum kc_memo {
	KC_MEMO_FIRST_SIGNED = 1, /* a customer's earliest contract signing date (resale.c) */
	KC_MEMO_ANY_CONTRACT = 2, /* whether any contract exists, key 0 (resale.c) */
	KC_MEMO_COUNT
};

typedef struct kc_known {
	kc_found_slot *found;   /* nfound entries */
	size_t nfound;          /* a power of two, grown when the cache thrashes */
	size_t evictions;       /* valid entries replaced by others since the last growth */
	uint32_t gen;           /* generation of the valid slots: clearing is one increment */
	int nkinds;
	kc_inserted_run *runs;  /* one per kind (index kind - 1); a NULL buffer when not kept */
	unsigned char *wanted;  /* per kind: some field refers to it, so its inserts are kept */
	int any_runs;           /* a run is not empty */
	uint64_t *writes;       /* per kind: rows written through the handle, ever */
	kc_memo_slot *memos;    /* nmemos entries, allocated at the first answer */
	size_t nmemos;          /* a power of two, grown when answers evict each other */
	size_t memo_evictions;  /* current answers replaced by others since the last growth */
	uint32_t *reads;        /* per kind: rows read one by one in this transaction */
	uint32_t misses[KC_MEMO_COUNT]; /* per question: answers read in this transaction */
} kc_known;

struct kc_kind_table;
/* 0, or -1 when out of memory. */
int kc_known_init(kc_known *k, const struct kc_kind_table *kinds);
void kc_known_free(kc_known *k);
/* Forgets everything (transaction boundaries, a principal bound). */
void kc_known_clear(kc_known *k);

/* The caller (db.c) keeps the memory in step with its writes and decides what may be
 * remembered: only inside a transaction, outside the store's unscoped reads, and rows the
 * handle's principal sees. @partner is the row's partner field (0: none). */

/* A row of @kind was inserted with id @id. */
void kc_known_inserted(kc_known *k, int kind, kiscrm_id id, kiscrm_id partner);
/* A row was found by a read; @partner < 0: its partner was not read. */
void kc_known_found(kc_known *k, int kind, kiscrm_id id, kiscrm_id partner);
/* A row was updated: its remembered partner follows (@keep 0: forget it). */
void kc_known_updated(kc_known *k, int kind, kiscrm_id id, int keep, kiscrm_id partner);
/* A row is being deleted: forgotten. */
void kc_known_removed(kc_known *k, int kind, kiscrm_id id);
/* A row of @kind is written (inserted, updated or deleted), whatever the outcome: the
 * remembered answers that depend on the kind are stale. */
static inline void kc_known_writing(kc_known *k, int kind)
{
	if (kind >= 1 && kind <= k->nkinds)
		k->writes[kind - 1]++;
}

/* The answer to question @memo about @key (a record id) remembered in this transaction
 * while no row of @kind, the kind it reads, has been written since: 1 and *value, or 0. */
int kc_known_memo_get(const kc_known *k, int memo, int kind, kiscrm_id key, int64_t *value);
/* Counts an answer to @memo that had to be read; gives the count in this transaction
 * (so a caller can change how it answers a question asked over and over). */
uint32_t kc_known_memo_missed(kc_known *k, int memo);
/* Remembers it (silently not, when out of memory). */
void kc_known_memo_put(kc_known *k, int memo, int kind, kiscrm_id key, int64_t value);

/* A transaction that reads a kind's rows one by one, over and over (the customers of a
 * million opportunities being loaded: 50,000 reads, each slowed by a page cache full of
 * the load's pages, or a round trip on PostgreSQL), does better to read the kind whole,
 * once: one scan of ids and partners into the found cache. kc_known_read_one counts a
 * read of a @kind row by id and says 1 exactly once per transaction and kind, when the
 * count reaches KC_SWEEP_AFTER; the caller then sweeps the kind if it has no more than
 * kc_known_room() rows (a kind too big is left to the reads one by one: a million
 * opportunities a contract load refers to are better read when asked for). */
#define KC_SWEEP_AFTER 1024
int kc_known_read_one(kc_known *k, int kind);
size_t kc_known_room(void);
/* A row of a sweep, with its partner (0: none): kept like an inserted row when its kind
 * is referred to and its id continues the kind's run, else in the found cache. */
void kc_known_swept(kc_known *k, int kind, kiscrm_id id, kiscrm_id partner);

/* 1 when the row is known to exist (and, with @want_partner, its partner is known and
 * stored in *partner), else 0: the caller reads. */
int kc_known_lookup(kc_known *k, int kind, kiscrm_id id, int want_partner, kiscrm_id *partner);

#endif
