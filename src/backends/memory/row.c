/* Rows of the memory backend: a row is a slot number, its values one entry in each
 * column. Slots are stored once and never overwritten (a change takes a fresh slot),
 * freed slots are reused lowest first, and reads materialise kiscrm_value rows from the
 * columns they want. */
#include "backends/memory/memory_internal.h"
#include "core/error.h"

#include <stdlib.h>
#include <string.h>

/* Room for one more slot in every column, growing by an eighth: amortised O(1) while
 * the unused tail, which every column pays for, stays small at millions of rows. */
static int slots_reserve(mem_table *t)
{
	uint32_t n;
	uint64_t *fb;

	if (t->nfree > 0 || t->nslots < t->cap)
		return 0;
	if (t->cap >= MEM_SLOT_MASK)
		return -1;
	n = t->cap + t->cap / 8;
	if (n < t->cap + 64)
		n = t->cap + 64;
	if (n > MEM_SLOT_MASK)
		n = MEM_SLOT_MASK;
	for (int i = 1; i < t->nfields; i++)
		if (mem_col_grow(&t->cols[i], n) < 0)
			return -1;
	fb = realloc(t->freebits, mem_words(n) * sizeof(*fb));
	if (!fb)
		return -1;
	memset(fb + mem_words(t->cap), 0, (mem_words(n) - mem_words(t->cap)) * sizeof(*fb));
	t->freebits = fb;
	t->cap = n;
	return 0;
}

/* The lowest free slot, else the next never used one (slots_reserve made room). */
static uint32_t slot_take(mem_table *t)
{
	uint32_t w = t->free_hint;
	uint64_t bits;
	int b;

	if (t->nfree == 0)
		return t->nslots++;
	while (!t->freebits[w])
		w++;
	bits = t->freebits[w];
#if defined(__GNUC__) || defined(__clang__)
	b = __builtin_ctzll(bits);
#else
	for (b = 0; !((bits >> b) & 1); b++)
		;
#endif
	t->freebits[w] &= ~((uint64_t)1 << b);
	t->free_hint = w;
	t->nfree--;
	return w * 64 + (uint32_t)b;
}

/* Lets go of the strings of every TEXT value the first n fields of vals hold. */
static void release_codes(mem_backend *m, const mem_table *t, int n)
{
	for (int i = 1; i < n; i++)
		if (t->types[i] == KISCRM_TYPE_TEXT && t->scratch[i] >= 0)
			mem_str_release(&m->strs, (uint32_t)t->scratch[i]);
}

/* Stores a row (values already checked against the field types; row[0], the id, is the
 * map's business) in a fresh slot. Everything that can fail (interning, room, widening)
 * happens before the slot is written, so a failure leaves the table as it was. */
int mem_row_store(mem_backend *m, mem_table *t, const kiscrm_value *vals, uint32_t *slot)
{
	int64_t *enc = t->scratch;
	int n = t->nfields;

	for (int i = 1; i < n; i++) {
		uint32_t code;

		enc[i] = -1; /* no string to release */
		if (vals[i].type == KISCRM_TYPE_TEXT) {
			if (mem_str_intern(&m->strs, vals[i].u.s, &code) < 0) {
				release_codes(m, t, i);
				return kc_error_oom();
			}
			enc[i] = code;
		} else if (vals[i].type == KISCRM_TYPE_RATE) {
			memcpy(&enc[i], &vals[i].u.r, sizeof(enc[i]));
		} else if (vals[i].type != KISCRM_TYPE_NULL) {
			enc[i] = vals[i].u.i;
		}
	}
	if (slots_reserve(t) < 0)
		goto oom;
	for (int i = 1; i < n; i++)
		if (vals[i].type != KISCRM_TYPE_NULL &&
		    mem_col_fit(&t->cols[i], mem_col_width_of(t->types[i], enc[i]), t->nslots,
				t->cap) < 0)
			goto oom;
	*slot = slot_take(t);
	for (int i = 1; i < n; i++)
		mem_col_put(&t->cols[i], *slot, vals[i].type != KISCRM_TYPE_NULL, enc[i]);
	return KISCRM_OK;
oom:
	release_codes(m, t, n);
	return kc_error_oom();
}

/* Frees a slot: its strings lose a reference, the slot goes to the next row. */
void mem_row_release(mem_backend *m, mem_table *t, uint32_t slot)
{
	int64_t code;

	for (int i = 1; i < t->nfields; i++)
		if (t->types[i] == KISCRM_TYPE_TEXT && mem_col_get(&t->cols[i], slot, &code))
			mem_str_release(&m->strs, (uint32_t)code);
	t->freebits[slot >> 6] |= (uint64_t)1 << (slot & 63);
	t->nfree++;
	if (slot >> 6 < t->free_hint)
		t->free_hint = slot >> 6;
}
