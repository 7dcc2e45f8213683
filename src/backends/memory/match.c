/* Query conditions of the memory backend evaluated on the columns themselves, so that
 * filtering a row materialises none of its values. The answers are those of
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

/* How a condition is evaluated. */
enum { P_NULL, P_INT, P_RATE, P_CODE, P_TEXT };


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

static int pred_match(const mem_table *t, const mem_pred *p, kiscrm_id id, uint32_t slot)
{
	int64_t v = id; /* the id is no column: it is never NULL */
	int has = p->field == 0 || mem_col_get(&t->cols[p->field], slot, &v);
	double d;

	if (p->how == P_NULL)
		return p->op == KISCRM_OP_EQ ? !has : (p->op == KISCRM_OP_NE ? has : 0);
	if (!has)
		return 0;
	switch (p->how) {
	case P_CODE:
		return kc_op_holds(p->op, v != p->i);
	case P_TEXT:
		if (p->op == KISCRM_OP_CONTAINS)
			return strstr(mem_str_text(t->strs, (uint32_t)v), p->s) != NULL;
		return kc_op_holds(p->op, strcmp(mem_str_text(t->strs, (uint32_t)v), p->s));
	case P_RATE:
		memcpy(&d, &v, sizeof(d));
		return kc_op_holds(p->op, (d > p->r) - (d < p->r));
	default:
		return kc_op_holds(p->op, (v > p->i) - (v < p->i));
	}
}

/* Whether the row of id in slot meets every condition. */
int mem_preds_match(const mem_table *t, const mem_pred *p, int n, kiscrm_id id, uint32_t slot)
{
	for (int i = 0; i < n; i++)
		if (!pred_match(t, &p[i], id, slot))
			return 0;
	return 1;
}
