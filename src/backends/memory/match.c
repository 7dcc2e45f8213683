/* Query conditions of the memory backend, compiled here and evaluated on the columns
 * themselves by mem_pred_match (memory_internal.h), so that filtering a row materialises
 * none of its values. The answers are those of
 * kiscrm_query_match() (backends/query.c), condition by condition: a NULL field meets
 * only `= NULL`, `!= NULL` meets the others, and comparisons are three-way (RATE ones
 * as double, NaN included).
 * Equality with a short (interned) text compares string codes: the read holds a
 * reference on the condition's string, so its code cannot be freed and given to another
 * string during the scan (a callback may write), and rows stored meanwhile with that
 * text get that very code. Longer text is compared as text. */
#include "backends/memory/memory_internal.h"
#include "backends/shared.h"

#include <string.h>

/* Compiles the (checked) conditions of q into out[q->ncond]. Cannot fail: when the
 * string of a text equality cannot be interned, it is compared as text instead. */
void mem_preds_compile(mem_backend *m, const mem_table *t, const kiscrm_query *q, mem_pred *out)
{
	for (int i = 0; i < q->ncond; i++) {
		const kiscrm_cond *c = &q->conds[i];
		mem_pred *p = &out[i];
		uint32_t code;

		memset(p, 0, sizeof(*p));
		p->field = c->field;
		p->op = c->op;
		if (c->value.type == KISCRM_TYPE_NULL) {
			p->how = P_NULL;
		} else if (t->types[c->field] == KISCRM_TYPE_TEXT) {
			p->s = c->value.u.s;
			p->how = P_TEXT;
			if ((c->op == KISCRM_OP_EQ || c->op == KISCRM_OP_NE) &&
			    strlen(c->value.u.s) <= MEM_STR_SHORT &&
			    mem_str_intern(&m->strs, c->value.u.s, &code) == 0) {
				p->how = P_CODE;
				p->i = code;
			}
		} else if (t->types[c->field] == KISCRM_TYPE_RATE) {
			p->how = P_RATE;
			p->r = c->value.u.r;
		} else {
			p->how = P_INT;
			p->i = c->value.u.i;
		}
	}
}

/* Gives back the references compiling took. */
void mem_preds_release(mem_backend *m, const mem_pred *p, int n)
{
	for (int i = 0; i < n; i++)
		if (p[i].how == P_CODE)
			mem_str_release(&m->strs, (uint32_t)p[i].i);
}

