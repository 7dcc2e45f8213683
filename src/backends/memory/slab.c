/* The slab the memory backend's rows live in: blocks up to SLAB_MAX bytes carved from
 * 1 MiB chunks in 8-byte steps, a free list per size (see memory.c for why not malloc). */
#include "backends/memory/memory_internal.h"
#include "core/error.h"

#include <stdlib.h>
#include <string.h>

static size_t slab_round(size_t n)
{
	return (n + SLAB_GRAIN - 1) & ~(SLAB_GRAIN - 1);
}

void *slab_alloc(slab *s, size_t size)
{
	void *p;

	size = slab_round(size);
	if (size > SLAB_MAX)
		return malloc(size);
	p = s->free[size / SLAB_GRAIN];
	if (p) {
		memcpy(&s->free[size / SLAB_GRAIN], p, sizeof(void *));
		return p;
	}
	if (s->left < size) {
		char *c;

		if (s->nchunks == s->achunks) {
			size_t n = s->achunks ? s->achunks * 2 : 16;
			char **a = realloc(s->chunks, n * sizeof(*a));

			if (!a)
				return NULL;
			s->chunks = a;
			s->achunks = n;
		}
		c = malloc(SLAB_CHUNK);
		if (!c)
			return NULL;
		/* the tail of the previous chunk (< SLAB_MAX bytes) is given up */
		s->chunks[s->nchunks++] = c;
		s->cur = c;
		s->left = SLAB_CHUNK;
	}
	p = s->cur;
	s->cur += size;
	s->left -= size;
	return p;
}

void slab_free(slab *s, void *p, size_t size)
{
	if (!p)
		return;
	size = slab_round(size);
	if (size > SLAB_MAX) {
		free(p);
		return;
	}
	memcpy(p, &s->free[size / SLAB_GRAIN], sizeof(void *));
	s->free[size / SLAB_GRAIN] = p;
}

void slab_dispose(slab *s)
{
	for (size_t i = 0; i < s->nchunks; i++)
		free(s->chunks[i]);
	free(s->chunks);
	memset(s, 0, sizeof(*s));
}
