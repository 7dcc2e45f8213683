/* Lists of configured keys with their Chinese and English names (market-activity types,
 * partner levels, tiers, priorities, service products' kin …), read and looked up the same
 * way by every loader. */
#ifndef KC_CONFIG_NAMED_H
#define KC_CONFIG_NAMED_H

#include "config/yaml_tree.h"

#include <stddef.h>

typedef struct kc_named {
	const char *key, *zh, *en; /* borrowed from the parsed document */
} kc_named;

/* Reads a sequence of { key, zh, en } mappings into *out (calloc'd; the caller frees it
 * even on failure), *n counting the entries read: at least one, each key once. @what names
 * them in errors ("tier", "market-activity type"). */
int kc_named_read(kc_named **out, size_t *n, const kc_yaml_node *seq, const char *what);

/* Index of @key in a list of @n entries, or -1. */
int kc_named_find(const kc_named *list, size_t n, const char *key);

#endif
