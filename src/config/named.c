/* Lists of configured keys with zh/en names (see named.h). */
#include "config/named.h"
#include "core/error.h"

#include <stdlib.h>
#include <string.h>

int kc_named_read(kc_named **out, size_t *n, const kc_yaml_node *seq, const char *what)
{
	static const char *const keys[] = { "key", "zh", "en", NULL };
	int rc = kc_yaml_expect(seq, KC_YAML_SEQUENCE);
	size_t count = kc_yaml_count(seq);
	if (rc < 0)
		return rc;
	if (count == 0)
		return kc_yaml_error(seq, "name at least one %s", what);
	if (!(*out = calloc(count, sizeof(**out))))
		return kc_error_oom();
	for (size_t i = 0; i < count; i++) {
		const kc_yaml_node *item = kc_yaml_item(seq, i);
		kc_named *x = &(*out)[i];
		if ((rc = kc_yaml_map_check(item, keys)) < 0 || (rc = kc_yaml_get_ident(&x->key, item, "key", KC_YAML_REQUIRED)) < 0 ||
		    (rc = kc_yaml_get_text(&x->zh, item, "zh", KC_YAML_REQUIRED)) < 0 ||
		    (rc = kc_yaml_get_text(&x->en, item, "en", KC_YAML_REQUIRED)) < 0)
			return rc;
		if (kc_named_find(*out, i, x->key) >= 0)
			return kc_yaml_error(kc_yaml_map_get(item, "key"), "%s '%s' is defined twice", what, x->key);
		*n = i + 1;
	}
	return KISCRM_OK;
}

int kc_named_find(const kc_named *list, size_t n, const char *key)
{
	for (size_t i = 0; key && i < n; i++)
		if (strcmp(list[i].key, key) == 0)
			return (int)i;
	return -1;
}
