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

int kc_next_item(const char **cur, const char **item, size_t *len)
{
	const char *s = *cur;
	while (s && *s) {
		const char *end = strchr(s, ',');
		const char *stop = end ? end : s + strlen(s);
		const char *a = s, *b = stop;
		while (a < b && (*a == ' ' || *a == '\t'))
			a++;
		while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
			b--;
		s = end ? end + 1 : stop;
		if (b > a) {
			*item = a;
			*len = (size_t)(b - a);
			*cur = s;
			return 1;
		}
	}
	*cur = s;
	return 0;
}
