#include "str.h"
#include "error.h"

#include <stdlib.h>
#include <string.h>

char *kc_strdup(const char *s)
{
	if (!s)
		return NULL;
	size_t n = strlen(s) + 1;
	char *p = malloc(n);
	if (!p) {
		kc_error_oom();
		return NULL;
	}
	return memcpy(p, s, n);
}

int kc_strdup_to(char **out, const char *s)
{
	*out = kc_strdup(s);
	return s && !*out ? KISCRM_ENOMEM : KISCRM_OK;
}
