/* Working memory a database handle keeps from one report to the next.
 *
 * A report's large arrays (a funnel's state of every deal, a rolling budget's projects)
 * are fresh pages: the kernel maps and zeroes each one when it is first written, and a
 * growing array is copied at every doubling. At 1,000,000 opportunities that was 30 % of
 * a funnel and 45 % of a rolling summary on the memory backend, on every run: glibc gives
 * blocks that large back to the kernel when they are freed.
 *
 * So a report hands its large blocks back to the handle when it ends, each under a key
 * saying what it held (the address of a static object of the area that uses it, and an
 * index), and the next report asking for that key starts from the same block, already
 * mapped and big enough. Like SQLite's page cache, the handle keeps at most a byte limit
 * (the oldest blocks are freed first) and frees everything when it is closed;
 * kiscrm_db_keep_memory() changes the limit.
 *
 * The tables a report returns take their cells from the pool too, and give them back
 * when they are freed (kiscrm_table_free): a rolling budget of 300,000 projects writes
 * 124 MB of cells, a quarter of its time in the kernel's page faults when the pages are
 * fresh. A table may outlive its handle and be freed on another thread, so the pool is
 * shared — counted references, a lock — and freed with its last user.
 *
 * A block taken is the caller's, exactly like malloc's: uninitialised as far as the caller
 * is concerned (it holds the last report's bytes), resized with realloc, freed with free
 * or handed back. Blocks smaller than KC_SCRATCH_MIN are not worth keeping: malloc reuses
 * those without new pages. */
#ifndef KC_CORE_SCRATCH_H
#define KC_CORE_SCRATCH_H

#include <pthread.h>
#include <stddef.h>

#define KC_SCRATCH_MIN ((size_t)256 * 1024)
/* A full rolling budget of 1,000,000 opportunities holds 389 MB at its peak: its arrays
 * (with its projects copied into the table's order) and its table's cells. */
#define KC_SCRATCH_DEFAULT_LIMIT ((size_t)512 * 1024 * 1024)

typedef struct kc_scratch_block {
	const void *site; /* what the block held: a static object of its user */
	size_t index;     /* which of the site's blocks */
	void *p;
	size_t bytes;
} kc_scratch_block;

typedef struct kc_scratch {
	kc_scratch_block *b; /* oldest first */
	size_t n, cap;
	size_t held;         /* bytes of the blocks */
	size_t limit;        /* most bytes held; set by kc_scratch_init */
	size_t min;          /* smaller blocks are freed: KC_SCRATCH_MIN (tests lower it) */
	size_t refs;         /* users of a pool made by kc_scratch_new */
	pthread_mutex_t lock; /* every function below takes it */
} kc_scratch;

/* take, get and keep (and the VEC macros) take s NULL as a pool that keeps nothing (a
 * structure built without a handle). */
void kc_scratch_init(kc_scratch *s);
/* A pool on the heap with one reference (NULL when out of memory); retain adds one,
 * release drops one and frees the pool with its blocks at the last. NULL is ignored. */
kc_scratch *kc_scratch_new(void);
kc_scratch *kc_scratch_retain(kc_scratch *s);
void kc_scratch_release(kc_scratch *s);
/* The block kept under (site, index), removed from the pool; NULL with *bytes = 0 when
 * there is none. */
void *kc_scratch_take(kc_scratch *s, const void *site, size_t index, size_t *bytes);
/* A block of at least `need` bytes (at least 1): the one kept under (site, index) when
 * it is big enough, else a fresh malloc; its usable size in *bytes. NULL when out of
 * memory (the error is the caller's to set). */
void *kc_scratch_get(kc_scratch *s, const void *site, size_t index, size_t need, size_t *bytes);
/* Hands a block (of `bytes` usable bytes) back under (site, index), or frees it when it
 * is small, larger than the limit, or the pool cannot record it. Older blocks are freed
 * to make room. p may be NULL. */
void kc_scratch_keep(kc_scratch *s, const void *site, size_t index, void *p, size_t bytes);
/* The same for a growable array of core/vec.h: its kept block and capacity (elements). */
#define KC_SCRATCH_TAKE_VEC(s, site, index, arr, cap)                                        \
	((arr) = kc_scratch_take((s), (site), (index), &(cap)), (cap) /= sizeof(*(arr)))
#define KC_SCRATCH_KEEP_VEC(s, site, index, arr, cap)                                        \
	kc_scratch_keep((s), (site), (index), (arr), (cap) * sizeof(*(arr)))
/* Sets the limit, freeing the oldest blocks above it (0: frees all, keeps none). */
void kc_scratch_set_limit(kc_scratch *s, size_t limit);
/* The limit (0 for s NULL: a pool that keeps nothing). */
size_t kc_scratch_limit(kc_scratch *s);
void kc_scratch_dispose(kc_scratch *s);

#endif
