/* A set of record ids. Ids are dense from 1 in practice, so those below KC_IDSET_DENSE
 * live in a bitmap — one bit per id, a lookup is one load, and a million opportunities
 * take 125 KB that stay in cache, where a kc_idmap spends four bytes a key even on its
 * direct pages. Other ids (imported from elsewhere, far above the rest) go to a
 * kc_idmap. Zero-initialise; dispose with kc_idset_dispose. */
#ifndef KC_IDSET_H
#define KC_IDSET_H

#include "core/map.h"

#include <stddef.h>
#include <stdint.h>

/* Ids below this are bits: at most 8 MiB of bitmap. */
#define KC_IDSET_DENSE ((int64_t)1 << 26)

typedef struct kc_idset {
	uint64_t *bits;
	size_t nwords;
	kc_idmap sparse;
} kc_idset;

/* Adds @id; KISCRM_ENOMEM (error set) when the set cannot grow. */
int kc_idset_add(kc_idset *s, int64_t id);

static inline int kc_idset_has(const kc_idset *s, int64_t id)
{
	if (id >= 0 && id < KC_IDSET_DENSE) {
		size_t w = (size_t)id >> 6;
		return w < s->nwords && ((s->bits[w] >> (id & 63)) & 1u);
	}
	size_t unused;
	return kc_idmap_get(&s->sparse, id, &unused);
}

void kc_idset_dispose(kc_idset *s);

#endif
