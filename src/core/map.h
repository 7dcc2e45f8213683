/* Small open-addressing hash maps used by the analytics: id → value and string → value.
 * Values are size_t (an index into the caller's own array). Keys of kc_strmap are copied. */
#ifndef KC_MAP_H
#define KC_MAP_H

#include <stddef.h>
#include <stdint.h>

/* One array of slots: a probe touches one cache line, where keys, values and "used" flags
 * in three arrays cost three (the id maps of a 1M-opportunity report were a sixth of its
 * time). A slot is empty when val1 is 0; it holds the value plus one. */
typedef struct kc_idslot {
	int64_t key;
	size_t val1;
} kc_idslot;

/* Ids are dense from 1 in practice and reports meet them in id order, so an id map keeps
 * small ids in pages of KC_IDMAP_PAGE direct entries (value plus one, 0 empty): a lookup
 * is one load next to the previous one. A hashed slot array scatters neighbouring ids over
 * the whole table and misses the cache on almost every lookup once it outgrows it (the
 * rolling summary at 1M opportunities spent a quarter of its time there). Keys that would
 * leave the pages sparse — negative, far above the rest, or too few for their pages —
 * and values that do not fit 32 bits go to the hashed slots. */
#define KC_IDMAP_PAGE 1024

typedef struct kc_idmap {
	uint32_t **pages;  /* page i holds keys [i*KC_IDMAP_PAGE, (i+1)*KC_IDMAP_PAGE) */
	size_t npages;     /* length of the page directory */
	size_t pages_used; /* pages allocated */
	kc_idslot *slots;  /* the hashed part */
	size_t nslots;     /* keys in the hashed part */
	size_t n, cap;     /* keys in all; capacity of the hashed part */
} kc_idmap;

typedef struct kc_strmap {
	char **keys;
	size_t *vals;
	size_t n, cap;
} kc_strmap;

/* Maps start zeroed ({0}); free with *_dispose. put returns KISCRM_OK or KISCRM_ENOMEM. */
int kc_idmap_put(kc_idmap *m, int64_t key, size_t val);
/* The hashed part's lookup, behind kc_idmap_get. */
int kc_idmap_get_hashed_(const kc_idmap *m, int64_t key, size_t *val);

/* 1 and *val set when found, 0 when not. The pages' lookup is inline: a report looks up
 * millions of ids, and the call around the two loads it takes was a tenth of the lookup
 * (and kept the processor from starting the next row's loads). */
static inline int kc_idmap_get(const kc_idmap *m, int64_t key, size_t *val)
{
	if (key >= 0 && (uint64_t)key / KC_IDMAP_PAGE < m->npages) {
		const uint32_t *page = m->pages[(uint64_t)key / KC_IDMAP_PAGE];
		uint32_t e = page ? page[(uint64_t)key % KC_IDMAP_PAGE] : 0;
		if (e) {
			*val = (size_t)e - 1;
			return 1;
		}
	}
	return m->nslots ? kc_idmap_get_hashed_(m, key, val) : 0;
}
void kc_idmap_dispose(kc_idmap *m);

int kc_strmap_put(kc_strmap *m, const char *key, size_t val);
int kc_strmap_get(const kc_strmap *m, const char *key, size_t *val);
void kc_strmap_dispose(kc_strmap *m);

#endif
