/* A scan of every row, a block of rows at a time (read.c's read_all): the block's ids and
 * slots are collected from the id map, each condition is tested on the whole block and
 * drops the rows it fails, and each wanted field is copied out for the rows left — one
 * column at a time.
 *
 * Why: a row at a time, a report's scan of 1,000,000 opportunities spent over a third of
 * its time in the row reader, mostly waiting for column values the cache did not hold
 * (the rows a report wants are scattered over the slots). Read one column for 64 rows,
 * the loads do not depend on one another and the processor has many of them in flight;
 * and the column's width and the condition's kind are decided once a block, not once a
 * value. */
#include "backends/memory/memory_internal.h"
#include "core/prefetch.h"

/* Collects the next rows from id *from on, in id order: at most @max ids and their slots.
 * *from becomes the id after the last one looked at. Returns how many were collected. */
size_t mem_block_fill(const mem_table *t, kiscrm_id *from, uint32_t *ids, uint32_t *slots, size_t max)
{
	size_t n = 0, id = *from > 0 ? (size_t)*from : 1;

	while (n < max && id >> MEM_PAGE_BITS < t->npages) {
		const uint32_t *page = t->pages[id >> MEM_PAGE_BITS];
		size_t end = (id | (MEM_PAGE_IDS - 1)) + 1;

		if (!page) {
			id = end;
			continue;
		}
		for (; id < end && n < max; id++) {
			uint32_t slot = page[id & (MEM_PAGE_IDS - 1)] & MEM_SLOT_MASK;

			if (slot) {
				ids[n] = (uint32_t)id;
				slots[n++] = slot;
			}
		}
	}
	*from = (kiscrm_id)id;
	return n;
}

/* Runs LOOP(ctype, null_value) for a column of 1, 2 or 4 bytes (@c): below 8 bytes NULL
 * is the width's minimum, so no bitmap is read. */
#define BY_WIDTH(LOOP)                                                                     \
	do {                                                                               \
		switch (c->width) {                                                        \
		case 1: LOOP(int8_t, INT8_MIN); break;                                     \
		case 2: LOOP(int16_t, INT16_MIN); break;                                   \
		default: LOOP(int32_t, INT32_MIN); break;                                  \
		}                                                                          \
	} while (0)

/* Keeps the rows of a column of width-byte integers whose value (not the NULL marker) is
 * in relation p->op to p->i (an INT condition, or a text equality by string code). */
#define FILTER_INT(ctype, null_value)                                                      \
	do {                                                                               \
		const ctype *data = c->data;                                               \
		for (size_t j = 0; j < n; j++) {                                           \
			int64_t v = data[slots[j]];                                        \
			ids[kept] = ids[j];                                                \
			slots[kept] = slots[j];                                            \
			kept += v != (null_value) &&                                       \
				kc_op_holds(p->op, code ? v != p->i : (v > p->i) - (v < p->i)); \
		}                                                                          \
	} while (0)

/* Drops from the block the rows that fail condition @p; returns how many are left (in
 * their order). */
size_t mem_block_filter(const mem_table *t, const mem_pred *p, uint32_t *ids, uint32_t *slots, size_t n)
{
	const mem_col *c = &t->cols[p->field];
	int code = p->how == P_CODE;
	size_t kept = 0;

	if (p->field != 0 && (p->how == P_INT || code) && c->width > 0 && c->width < 8) {
		BY_WIDTH(FILTER_INT); /* the common conditions, on a narrow column */
		return kept;
	}
	for (size_t j = 0; j < n; j++) {
		ids[kept] = ids[j];
		slots[kept] = slots[j];
		kept += mem_pred_match(t, p, ids[j], slots[j]) != 0;
	}
	return kept;
}

/* Copies field @f of the rows of the block into rows[j * stride + f] (NULL when absent). */
#define GATHER_INT(ctype, null_value)                                                      \
	do {                                                                               \
		const ctype *data = c->data;                                               \
		for (size_t j = 0; j < n; j++) {                                           \
			kiscrm_value *v = &rows[j * stride + f];                           \
			int64_t x = data[slots[j]];                                        \
			v->type = x == (null_value) ? KISCRM_TYPE_NULL : type;             \
			v->u.i = x == (null_value) ? 0 : x;                                \
		}                                                                          \
	} while (0)

/* … a TEXT field: the string of the code (lent: the bytes never move). Its bytes are
 * asked for now: a report copying names (a full rolling budget) otherwise met each one
 * as a cache miss in the callback (`strlen` was a seventh of the report). */
#define GATHER_TEXT(ctype, null_value)                                                     \
	do {                                                                               \
		const ctype *data = c->data;                                               \
		for (size_t j = 0; j < n; j++) {                                           \
			kiscrm_value *v = &rows[j * stride + f];                           \
			int64_t x = data[slots[j]];                                        \
			if (x == (null_value)) {                                           \
				v->type = KISCRM_TYPE_NULL;                                \
				v->u.i = 0;                                                \
			} else {                                                           \
				v->type = KISCRM_TYPE_TEXT;                                \
				v->u.s = mem_str_text(t->strs, (uint32_t)x);               \
				KC_PREFETCH(v->u.s);                                       \
			}                                                                  \
		}                                                                          \
	} while (0)

void mem_block_gather(const mem_table *t, int f, const uint32_t *ids, const uint32_t *slots, size_t n,
		      kiscrm_value *rows, size_t stride)
{
	const mem_col *c = &t->cols[f];
	int type = t->types[f];

	if (f == 0) {
		for (size_t j = 0; j < n; j++) {
			rows[j * stride].type = KISCRM_TYPE_INT;
			rows[j * stride].u.i = ids[j];
		}
		return;
	}
	if (type == KISCRM_TYPE_TEXT && c->width > 0 && c->width < 8) {
		BY_WIDTH(GATHER_TEXT);
		return;
	}
	if (type != KISCRM_TYPE_RATE && c->width > 0 && c->width < 8) {
		BY_WIDTH(GATHER_INT);
		return;
	}
	/* rates (bits to reinterpret), 8-byte columns (a bitmap of NULLs) and empty columns:
	 * the row reader's own rules */
	for (size_t j = 0; j < n; j++)
		mem_row_load(t, ids[j], slots[j], &f, 1, rows + j * stride);
}
