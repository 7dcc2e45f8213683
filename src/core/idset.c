/* The set of record ids of idset.h. */
#include "core/idset.h"
#include "core/error.h"

#include <stdlib.h>
#include <string.h>

int kc_idset_add(kc_idset *s, int64_t id)
{
	if (id < 0 || id >= KC_IDSET_DENSE)
		return kc_idmap_put(&s->sparse, id, 0);
	size_t w = (size_t)id >> 6;
	if (w >= s->nwords) {
		size_t n = s->nwords ? s->nwords : 64;
		while (n <= w)
			n *= 2;
		uint64_t *bits = realloc(s->bits, n * sizeof(*bits));
		if (!bits)
			return kc_error_oom();
		memset(bits + s->nwords, 0, (n - s->nwords) * sizeof(*bits));
		s->bits = bits;
		s->nwords = n;
	}
	s->bits[w] |= (uint64_t)1 << (id & 63);
	return KISCRM_OK;
}

void kc_idset_dispose(kc_idset *s)
{
	free(s->bits);
	kc_idmap_dispose(&s->sparse);
	memset(s, 0, sizeof(*s));
}
