/* Columns of the memory backend: one field of every row slot at the narrowest width that
 * has held all its values (ids, day numbers, stage codes and flags fit in one to four
 * bytes), widened in place when a value does not fit. */
#include "backends/memory/memory_internal.h"

#include <stdlib.h>
#include <string.h>

/* Bytes a non-NULL value needs: the width's minimum is its NULL, so it must lie above. */
unsigned mem_col_width_of(int type, int64_t v)
{
	if (type == KISCRM_TYPE_RATE)
		return 8;
	if (v > INT8_MIN && v <= INT8_MAX)
		return 1;
	if (v > INT16_MIN && v <= INT16_MAX)
		return 2;
	if (v > INT32_MIN && v <= INT32_MAX)
		return 4;
	return 8;
}

/* Writes a value (or NULL) at width < 8. */
static void col_write(void *data, unsigned width, uint32_t slot, int has, int64_t v)
{
	switch (width) {
	case 1: ((int8_t *)data)[slot] = has ? (int8_t)v : INT8_MIN; break;
	case 2: ((int16_t *)data)[slot] = has ? (int16_t)v : INT16_MIN; break;
	case 4: ((int32_t *)data)[slot] = has ? (int32_t)v : INT32_MIN; break;
	default: break;
	}
}

void mem_col_put(mem_col *c, uint32_t slot, int has, int64_t v)
{
	if (c->width != 8) {
		col_write(c->data, c->width, slot, has, v);
		return;
	}
	((int64_t *)c->data)[slot] = has ? v : 0;
	if (has)
		c->nulls[slot >> 6] &= ~((uint64_t)1 << (slot & 63));
	else
		c->nulls[slot >> 6] |= (uint64_t)1 << (slot & 63);
}

/* Makes the column at least `width` bytes wide, re-packing the `used` slots in place
 * from the last down (a wider value at slot i only overlaps narrower ones at i and
 * above, already moved). On failure the column still reads as before. */
int mem_col_fit(mem_col *c, unsigned width, uint32_t used, uint32_t cap)
{
	unsigned old = c->width;
	uint64_t *nulls = NULL;
	void *data;

	if (width <= old)
		return 0;
	if (width == 8 && !(nulls = calloc(mem_words(cap), sizeof(*nulls))))
		return -1;
	data = realloc(c->data, (size_t)cap * width);
	if (!data) {
		free(nulls);
		return -1;
	}
	c->data = data; /* still read at the old width below */
	for (uint32_t i = used; i-- > 0;) {
		int64_t v = 0;
		int has = mem_col_get(c, i, &v);

		if (width == 8) {
			((int64_t *)data)[i] = v;
			if (!has)
				nulls[i >> 6] |= (uint64_t)1 << (i & 63);
		} else {
			col_write(data, width, i, has, v);
		}
	}
	c->nulls = nulls;
	c->width = (unsigned char)width;
	return 0;
}

/* Room for cap slots; the slots past the used ones are written before they are read. */
int mem_col_grow(mem_col *c, uint32_t cap)
{
	void *data;

	if (!c->width)
		return 0;
	if (c->width == 8) {
		uint64_t *n = realloc(c->nulls, mem_words(cap) * sizeof(*n));

		if (!n)
			return -1;
		c->nulls = n;
	}
	data = realloc(c->data, (size_t)cap * c->width);
	if (!data)
		return -1;
	c->data = data;
	return 0;
}

void mem_col_free(mem_col *c)
{
	free(c->data);
	free(c->nulls);
	memset(c, 0, sizeof(*c));
}
