#include "vec.h"
#include "error.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

size_t kc_vec_next_cap(size_t cap, size_t min)
{
	if (cap == 0)
		return min ? min : 1;
	return cap > SIZE_MAX / 2 ? SIZE_MAX : cap * 2;
}

int kc_vec_resize_(void *arrp, size_t count, size_t size)
{
	void *old, *p;
	if (size && count > SIZE_MAX / size)
		return kc_error_oom();
	/* the pointer is read and written as bytes: arrp points at a T *, not a void * */
	size_t bytes = count * size;
	memcpy(&old, arrp, sizeof(old));
	if (!(p = realloc(old, bytes ? bytes : 1)))
		return kc_error_oom();
	memcpy(arrp, &p, sizeof(p));
	return KISCRM_OK;
}

int kc_vec_grow_(void *arrp, size_t n, size_t *cap, size_t size, size_t min)
{
	if (n < *cap)
		return KISCRM_OK;
	size_t c = kc_vec_next_cap(*cap, min);
	int rc = kc_vec_resize_(arrp, c, size);
	if (rc == 0)
		*cap = c;
	return rc;
}
