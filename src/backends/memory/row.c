/* Packed rows of the memory backend: one block holding an 8-byte slot per field, a
 * presence bitmap and the row's text bytes; materialised into kiscrm_value rows on read. */
#include "backends/memory/memory_internal.h"
#include "core/error.h"

#include <stdlib.h>
#include <string.h>

/* ---- rows ------------------------------------------------------------------------- */

/* One bit a field (set: present), then one bit marking a row written by the open
 * transaction over an id whose state at begin is already in the undo log. */
static size_t bitmap_bytes(int nfields)
{
	return ((size_t)nfields + 8) / 8;
}

static const unsigned char *row_bits(const mem_slot *row, int nfields)
{
	return (const unsigned char *)(row + nfields);
}

int mem_row_has(const mem_slot *row, int nfields, int field)
{
	return (row_bits(row, nfields)[field >> 3] >> (field & 7)) & 1;
}

int mem_row_logged(const mem_slot *row, int nfields)
{
	return mem_row_has(row, nfields, nfields);
}

void mem_row_mark_logged(mem_slot *row, int nfields)
{
	((unsigned char *)(row + nfields))[nfields >> 3] |= (unsigned char)(1u << (nfields & 7));
}

void mem_row_clear_logged(mem_slot *row, int nfields)
{
	((unsigned char *)(row + nfields))[nfields >> 3] &= (unsigned char)~(1u << (nfields & 7));
}

/* Bytes of the block of a stored row. */
size_t mem_row_size(const int *types, int nfields, const mem_slot *row)
{
	size_t size = (size_t)nfields * sizeof(mem_slot) + bitmap_bytes(nfields);

	for (int i = 0; i < nfields; i++)
		if (types[i] == KISCRM_TYPE_TEXT && mem_row_has(row, nfields, i))
			size += strlen(row[i].s) + 1;
	return size;
}

void mem_row_free(mem_backend *m, const mem_table *t, mem_slot *row)
{
	if (row)
		slab_free(&m->rows, row, mem_row_size(t->types, t->nfields, row));
}

/* Packs values (already checked against the field types) into one block of nfields
 * slots. Values from vals[nvals] on (fields added by a newer schema) are NULL. */
mem_slot *mem_row_pack(mem_backend *m, const kiscrm_value *vals, int nvals, int nfields)
{
	size_t head = (size_t)nfields * sizeof(mem_slot) + bitmap_bytes(nfields);
	size_t size = head;
	unsigned char *bits;
	mem_slot *out;
	char *p;

	for (int i = 0; i < nvals; i++)
		if (vals[i].type == KISCRM_TYPE_TEXT)
			size += strlen(vals[i].u.s) + 1;
	out = slab_alloc(&m->rows, size);
	if (!out)
		return NULL;
	bits = (unsigned char *)(out + nfields);
	memset(bits, 0, bitmap_bytes(nfields));
	p = (char *)out + head;
	for (int i = 0; i < nfields; i++) {
		if (i >= nvals || vals[i].type == KISCRM_TYPE_NULL) {
			out[i].i = 0;
			continue;
		}
		bits[i >> 3] |= (unsigned char)(1u << (i & 7));
		if (vals[i].type == KISCRM_TYPE_TEXT) {
			size_t n = strlen(vals[i].u.s) + 1;

			memcpy(p, vals[i].u.s, n);
			out[i].s = p;
			p += n;
		} else {
			memcpy(&out[i], &vals[i].u, sizeof(out[i]));
		}
	}
	return out;
}

/* Materialises the listed fields of a stored row into out (borrowing its strings). */
void mem_row_load(const mem_table *t, const mem_slot *row, const int *fields, int n,
		     kiscrm_value *out)
{
	const unsigned char *bits = row_bits(row, t->nfields);

	for (int k = 0; k < n; k++) {
		int i = fields[k];

		if ((bits[i >> 3] >> (i & 7)) & 1) {
			out[i].type = t->types[i];
			memcpy(&out[i].u, &row[i], sizeof(out[i].u));
		} else {
			out[i].type = KISCRM_TYPE_NULL;
			out[i].u.i = 0;
		}
	}
}

/* Materialises every field of a stored row. */
void mem_row_load_all(const mem_table *t, const mem_slot *row, kiscrm_value *out)
{
	for (int i = 0; i < t->nfields; i++) {
		if (mem_row_has(row, t->nfields, i)) {
			out[i].type = t->types[i];
			memcpy(&out[i].u, &row[i], sizeof(out[i].u));
		} else {
			out[i].type = KISCRM_TYPE_NULL;
			out[i].u.i = 0;
		}
	}
}
