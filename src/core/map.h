/* Small open-addressing hash maps used by the analytics: id → value and string → value.
 * Values are size_t (an index into the caller's own array). Keys of kc_strmap are copied. */
#ifndef KC_MAP_H
#define KC_MAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct kc_idmap {
	int64_t *keys;
	size_t *vals;
	unsigned char *used;
	size_t n, cap;
} kc_idmap;

typedef struct kc_strmap {
	char **keys;
	size_t *vals;
	size_t n, cap;
} kc_strmap;

/* Maps start zeroed ({0}); free with *_dispose. put returns KISCRM_OK or KISCRM_ENOMEM. */
int kc_idmap_put(kc_idmap *m, int64_t key, size_t val);
/* 1 and *val set when found, 0 when not. */
int kc_idmap_get(const kc_idmap *m, int64_t key, size_t *val);
void kc_idmap_dispose(kc_idmap *m);

int kc_strmap_put(kc_strmap *m, const char *key, size_t val);
int kc_strmap_get(const kc_strmap *m, const char *key, size_t *val);
void kc_strmap_dispose(kc_strmap *m);

#endif
