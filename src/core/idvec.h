/* A growable vector of record ids, and the scan callback that fills one from the id
 * column of each row (kc_db_scan with columns BIT(0) or more). Ids are usually collected
 * first and acted on after the scan: never change a kind while scanning it. */
#ifndef KC_IDVEC_H
#define KC_IDVEC_H

#include "core/error.h"
#include "kiscrm/sys/backend.h"

#include <stdlib.h>

typedef struct {
	kiscrm_id *ids;
	size_t n, cap;
} kc_idvec;

#define KC_IDVEC_INIT { NULL, 0, 0 }

/* Appends id; KISCRM_ENOMEM (with the error set) when the vector cannot grow. */
static inline int kc_idvec_push(kc_idvec *v, kiscrm_id id)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 16;
		kiscrm_id *p = realloc(v->ids, cap * sizeof(*p));
		if (!p)
			return kc_error_oom();
		v->ids = p;
		v->cap = cap;
	}
	v->ids[v->n++] = id;
	return 0;
}

/* kc_db_scan callback: payload is a kc_idvec, row[0] the record's id. */
static inline int kc_idvec_collect(void *payload, const kiscrm_value *row)
{
	return kc_idvec_push(payload, row[0].u.i);
}

static inline void kc_idvec_free(kc_idvec *v)
{
	free(v->ids);
	v->ids = NULL;
	v->n = v->cap = 0;
}

#endif
