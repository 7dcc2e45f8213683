/* What the current outermost transaction knows exists (see txn_known.h).
 *
 * Why remembering is safe: inside one outermost transaction no other writer changes the
 * rows this handle reads and writes (SQLite holds the write lock from BEGIN IMMEDIATE;
 * the found cache assumed this before the inserted rows were added), and every change the
 * handle makes passes through db.c's kc_db_insert, kc_db_update and kc_db_remove, which
 * keep the memory in step. A nested unit that rolls back leaves its rows in the backend
 * until the outermost rollback (kiscrm_db_rollback only marks the transaction failed), so
 * the memory stays true until then; the outermost rollback forgets everything.
 *
 * Why a bulk load needs it: a child's reference check and partner inheritance read its
 * parent, one read per child row — a round trip and a pipeline flush on PostgreSQL — when
 * the parent was written a moment before in the same transaction. Inserted rows are kept
 * per kind in a dense run indexed by id (ids a backend assigns ascend): one partner (8
 * bytes) per row, no hashing, and only for kinds that some field refers to. The rows found
 * by reads go to a direct-mapped cache, enough for the owners, departments and customers
 * a load refers to over and over. The caller (db.c) remembers rows only as the handle's
 * principal sees them, and never during the store's unscoped integrity reads. */
#include "storage/txn_known.h"
#include "storage/kind.h"

#include <stdlib.h>
#include <string.h>

/* Cache of found rows: a power of two of slots, from KC_FOUND_SLOTS, in pairs (two-way
 * set-associative: a row goes to the first of its pair, moving the row there to the
 * second, so two rows of one pair do not evict each other over and over). A load that
 * refers to more rows than fit (50,000 customers under a million opportunities missed two
 * lookups in three, a read each: a tenth of the load) evicts more entries than there are
 * slots, and the cache doubles, up to KC_FOUND_MAX (8 MiB). */
#define KC_FOUND_SLOTS 16384
#define KC_FOUND_MAX 262144
/* A run marks the ids it skips as absent; an id further than this past its end (rows
 * inserted with explicit, scattered ids) goes to the found cache instead. */
#define KC_RUN_GAP 4096
/* Remembered answers of reads: a power of two of slots, doubled like the found cache
 * when answers evict more answers than there are slots (a customer's first contract,
 * asked for each of a million opportunities of 50,000 customers), up to KC_MEMO_MAX. */
#define KC_MEMO_SLOTS 4096
#define KC_MEMO_MAX 65536
/* Above this many entries a run's buffer is returned when the transaction ends. */
#define KC_RUN_KEEP 65536
#define KC_KNOWN_ABSENT ((kiscrm_id)-1)

int kc_known_read_one(kc_known *k, int kind)
{
	if (kind < 1 || kind > k->nkinds || k->reads[kind - 1] > KC_SWEEP_AFTER)
		return 0;
	return ++k->reads[kind - 1] == KC_SWEEP_AFTER;
}

/* A sweep's rows go to the kind's run (8 bytes each: 1 MiB here) or, when they do not
 * continue it, to the found cache, which holds this many without evicting much (half of
 * it at its largest, in two-way sets). */
size_t kc_known_room(void)
{
	return KC_FOUND_MAX / 2;
}

int kc_known_init(kc_known *k, const kc_kind_table *kinds)
{
	memset(k, 0, sizeof(*k));
	k->gen = 1;
	k->nkinds = kinds->nkinds;
	k->found = calloc(KC_FOUND_SLOTS, sizeof(*k->found));
	k->nfound = KC_FOUND_SLOTS;
	k->runs = calloc((size_t)k->nkinds, sizeof(*k->runs));
	k->wanted = calloc((size_t)k->nkinds, 1);
	k->writes = calloc((size_t)k->nkinds, sizeof(*k->writes));
	k->reads = calloc((size_t)k->nkinds, sizeof(*k->reads));
	if (!k->found || !k->runs || !k->wanted || !k->writes || !k->reads) {
		kc_known_free(k);
		return -1;
	}
	const kiscrm_schema *schema = kinds->schema;
	for (int i = 0; schema && i < schema->nkinds; i++) {
		const kiscrm_kind_def *def = schema->kinds[i];
		for (int f = 1; f < def->nfields; f++) {
			int target = def->fields[f].ref_kind;
			if (target >= 1 && target <= k->nkinds)
				k->wanted[target - 1] = 1;
		}
	}
	return 0;
}

void kc_known_free(kc_known *k)
{
	for (int i = 0; k->runs && i < k->nkinds; i++)
		free(k->runs[i].partner);
	free(k->found);
	free(k->runs);
	free(k->wanted);
	free(k->writes);
	free(k->reads);
	free(k->memos);
	memset(k, 0, sizeof(*k));
}

void kc_known_clear(kc_known *k)
{
	if (++k->gen == 0) { /* wrapped: slots of an old generation could look current */
		memset(k->found, 0, k->nfound * sizeof(*k->found));
		if (k->memos)
			memset(k->memos, 0, k->nmemos * sizeof(*k->memos));
		k->gen = 1;
	}
	/* a load's grown caches go with it: a handle keeps the small ones between loads */
	kc_found_slot *small = k->nfound > KC_FOUND_SLOTS ? calloc(KC_FOUND_SLOTS, sizeof(*small)) : NULL;
	if (small) {
		free(k->found);
		k->found = small;
		k->nfound = KC_FOUND_SLOTS;
	}
	if (k->nmemos > KC_MEMO_SLOTS) {
		free(k->memos);
		k->memos = NULL; /* allocated again at the first answer */
		k->nmemos = 0;
	}
	k->evictions = k->memo_evictions = 0;
	memset(k->reads, 0, (size_t)k->nkinds * sizeof(*k->reads));
	memset(k->misses, 0, sizeof(k->misses));
	if (!k->any_runs)
		return;
	for (int i = 0; i < k->nkinds; i++) {
		kc_inserted_run *r = &k->runs[i];
		r->n = 0;
		if (r->cap > KC_RUN_KEEP) {
			free(r->partner);
			r->partner = NULL;
			r->cap = 0;
		}
	}
	k->any_runs = 0;
}

/* Fibonacci hashing of (kind, id): the kind is mixed in before the multiplication, so
 * that customer 7, staff 7 and department 7 — which one opportunity often names together
 * — do not share a slot. */
static size_t slot_index(int kind, kiscrm_id id, size_t slots)
{
	uint64_t h = ((uint64_t)id ^ ((uint64_t)(unsigned)kind << 40)) * 0x9e3779b97f4a7c15ULL;
	return (size_t)(h >> 32) & (slots - 1);
}

/* The first slot of the pair of (kind, id). */
static kc_found_slot *pair_of(const kc_known *k, int kind, kiscrm_id id)
{
	return &k->found[2 * slot_index(kind, id, k->nfound / 2)];
}

static int slot_valid(const kc_known *k, const kc_found_slot *s)
{
	return s->gen == k->gen && s->kind != 0;
}

static int slot_holds(const kc_known *k, const kc_found_slot *s, int kind, kiscrm_id id)
{
	return s->gen == k->gen && s->kind == kind && s->id == id;
}

/* The slot holding (kind, id), or NULL. */
static kc_found_slot *find_slot(const kc_known *k, int kind, kiscrm_id id)
{
	kc_found_slot *s = pair_of(k, kind, id);
	return slot_holds(k, &s[0], kind, id) ? &s[0] : slot_holds(k, &s[1], kind, id) ? &s[1] : NULL;
}

/* The run entry of @id, or NULL. */
static kiscrm_id *run_entry(kc_known *k, int kind, kiscrm_id id)
{
	if (kind < 1 || kind > k->nkinds)
		return NULL;
	kc_inserted_run *r = &k->runs[kind - 1];
	if (r->n == 0 || id < r->first || (uint64_t)(id - r->first) >= r->n)
		return NULL;
	return &r->partner[id - r->first];
}

/* Appends @id to its kind's run (marking skipped ids absent); 0 when it does not fit. */
static int run_append(kc_known *k, int kind, kiscrm_id id, kiscrm_id partner)
{
	kc_inserted_run *r = &k->runs[kind - 1];
	if (r->n == 0)
		r->first = id;
	if (id < r->first || (uint64_t)(id - r->first) - r->n > KC_RUN_GAP)
		return 0;
	size_t need = (size_t)(id - r->first) + 1;
	if (need > r->cap) {
		size_t cap = r->cap ? r->cap : 1024;
		while (cap < need)
			cap *= 2;
		kiscrm_id *p = realloc(r->partner, cap * sizeof(*p));
		if (!p)
			return 0; /* not remembered: read when needed */
		r->partner = p;
		r->cap = cap;
	}
	while (r->n < need - 1)
		r->partner[r->n++] = KC_KNOWN_ABSENT;
	r->partner[r->n++] = partner;
	k->any_runs = 1;
	return 1;
}

/* Doubles the found cache, moving its current entries over: dropping them would make a
 * load read each of its parents again at every doubling. */
static void grow_found(kc_known *k)
{
	kc_found_slot *old = k->found, *bigger = calloc(2 * k->nfound, sizeof(*bigger));
	size_t n = k->nfound;
	if (!bigger)
		return; /* keeps evicting, as before */
	k->found = bigger;
	k->nfound *= 2;
	for (size_t i = 0; i < n; i++) {
		if (!slot_valid(k, &old[i]))
			continue;
		kc_found_slot *s = pair_of(k, old[i].kind, old[i].id);
		s += slot_valid(k, &s[0]); /* two of one old pair can share a new one: both fit */
		*s = old[i];
	}
	free(old);
}

static void found_note(kc_known *k, int kind, kiscrm_id id, kiscrm_id partner)
{
	kc_found_slot *s = find_slot(k, kind, id);
	if (!s) {
		s = pair_of(k, kind, id);
		if (slot_valid(k, &s[1]) && slot_valid(k, &s[0]) && ++k->evictions > k->nfound) {
			k->evictions = 0;
			if (k->nfound < KC_FOUND_MAX) {
				grow_found(k);
				s = pair_of(k, kind, id);
			}
		}
		if (slot_valid(k, &s[0]))
			s[1] = s[0]; /* else the first is free: the second stays */
	}
	*s = (kc_found_slot){ k->gen, kind, partner >= 0, id, partner >= 0 ? partner : 0 };
}

void kc_known_inserted(kc_known *k, int kind, kiscrm_id id, kiscrm_id partner)
{
	if (kind < 1 || kind > k->nkinds || !k->wanted[kind - 1])
		return; /* nothing refers to the kind: nobody will ask */
	kiscrm_id *e = run_entry(k, kind, id);
	if (e)
		*e = partner; /* an id deleted earlier in the transaction, inserted again */
	else if (!run_append(k, kind, id, partner))
		found_note(k, kind, id, partner);
}

void kc_known_found(kc_known *k, int kind, kiscrm_id id, kiscrm_id partner)
{
	found_note(k, kind, id, partner);
}

/* A swept kind's rows come in id order, mostly dense: its run holds them exactly, where
 * the two-way cache would keep evicting the few whose pair three rows share (a few per
 * cent of 50,000 customers, each read again and again). */
void kc_known_swept(kc_known *k, int kind, kiscrm_id id, kiscrm_id partner)
{
	if (kind >= 1 && kind <= k->nkinds && k->wanted[kind - 1]) {
		kiscrm_id *e = run_entry(k, kind, id);
		if (e) {
			*e = partner;
			return;
		}
		if (run_append(k, kind, id, partner))
			return;
	}
	found_note(k, kind, id, partner);
}

void kc_known_updated(kc_known *k, int kind, kiscrm_id id, int keep, kiscrm_id partner)
{
	kiscrm_id *e = run_entry(k, kind, id);
	if (e && *e != KC_KNOWN_ABSENT)
		*e = keep ? partner : KC_KNOWN_ABSENT;
	kc_found_slot *s = find_slot(k, kind, id);
	if (s) {
		if (keep)
			found_note(k, kind, id, partner);
		else
			s->kind = 0;
	}
}

void kc_known_removed(kc_known *k, int kind, kiscrm_id id)
{
	kiscrm_id *e = run_entry(k, kind, id);
	if (e)
		*e = KC_KNOWN_ABSENT;
	kc_found_slot *s = find_slot(k, kind, id);
	if (s)
		s->kind = 0;
}

int kc_known_lookup(kc_known *k, int kind, kiscrm_id id, int want_partner, kiscrm_id *partner)
{
	const kiscrm_id *e = run_entry(k, kind, id);
	if (e && *e != KC_KNOWN_ABSENT) {
		*partner = *e;
		return 1;
	}
	const kc_found_slot *s = find_slot(k, kind, id);
	if (s && (!want_partner || s->partner_known)) {
		*partner = s->partner;
		return 1;
	}
	return 0;
}

static kc_memo_slot *memo_slot(const kc_known *k, int memo, kiscrm_id key)
{
	return &k->memos[slot_index(memo, key, k->nmemos)];
}

uint32_t kc_known_memo_missed(kc_known *k, int memo)
{
	if (memo < 0 || memo >= KC_MEMO_COUNT)
		return 0;
	return k->misses[memo] < UINT32_MAX ? ++k->misses[memo] : UINT32_MAX;
}

int kc_known_memo_get(const kc_known *k, int memo, int kind, kiscrm_id key, int64_t *value)
{
	if (!k->memos || kind < 1 || kind > k->nkinds)
		return 0;
	const kc_memo_slot *m = memo_slot(k, memo, key);
	if (m->gen != k->gen || m->memo != memo || m->key != key || m->writes != k->writes[kind - 1])
		return 0;
	*value = m->value;
	return 1;
}

void kc_known_memo_put(kc_known *k, int memo, int kind, kiscrm_id key, int64_t value)
{
	if (kind < 1 || kind > k->nkinds)
		return;
	if (!k->memos) {
		if (!(k->memos = calloc(KC_MEMO_SLOTS, sizeof(*k->memos))))
			return;
		k->nmemos = KC_MEMO_SLOTS;
	}
	kc_memo_slot *m = memo_slot(k, memo, key);
	if (m->gen == k->gen && (m->memo != memo || m->key != key) && ++k->memo_evictions > k->nmemos &&
	    k->nmemos < KC_MEMO_MAX) {
		kc_memo_slot *old = k->memos, *bigger = calloc(2 * k->nmemos, sizeof(*bigger));
		size_t n = k->nmemos;
		k->memo_evictions = 0;
		if (bigger) { /* the current answers move over, each to a slot of its own */
			k->memos = bigger;
			k->nmemos *= 2;
			for (size_t i = 0; i < n; i++)
				if (old[i].gen == k->gen)
					*memo_slot(k, old[i].memo, old[i].key) = old[i];
			free(old);
			m = memo_slot(k, memo, key);
		}
	}
	*m = (kc_memo_slot){ k->gen, memo, key, k->writes[kind - 1], value };
}
