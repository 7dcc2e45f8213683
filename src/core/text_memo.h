/* A memo from text pointers to small integers (a stage's index, a pipeline's …), for the
 * rows of one scan of a backend that hands out interned texts: every row holding the same
 * text gets the same pointer, valid and unchanged for the whole scan (the memory
 * backend; kiscrm_db.texts_interned). Looking the pointer up replaces comparing the text
 * with each candidate (4M history rows of a funnel spent a seventh of its time in
 * strcmp). Other backends reuse one buffer for different texts of successive rows, so
 * the memo must not be used there: kc_text_memo_init(m, 0) makes every lookup miss.
 * Reset it before each scan: between scans a text may be freed and its address reused. */
#ifndef KC_TEXT_MEMO_H
#define KC_TEXT_MEMO_H

#include <stdint.h>
#include <string.h>

#define KC_TEXT_MEMO_SLOTS 64

typedef struct kc_text_memo {
	int enabled;
	const char *key[KC_TEXT_MEMO_SLOTS];
	int val[KC_TEXT_MEMO_SLOTS];
} kc_text_memo;

static inline void kc_text_memo_init(kc_text_memo *m, int interned)
{
	memset(m, 0, sizeof(*m));
	m->enabled = interned;
}

static inline size_t kc_text_memo_slot(const char *key)
{
	uintptr_t p = (uintptr_t)key;
	return (size_t)((p >> 3) ^ (p >> 9)) & (KC_TEXT_MEMO_SLOTS - 1);
}

/* 1 and *val set when @key (not NULL) was memoised in this scan. */
static inline int kc_text_memo_get(const kc_text_memo *m, const char *key, int *val)
{
	size_t h = kc_text_memo_slot(key);
	if (!m->enabled || m->key[h] != key)
		return 0;
	*val = m->val[h];
	return 1;
}

static inline void kc_text_memo_put(kc_text_memo *m, const char *key, int val)
{
	size_t h = kc_text_memo_slot(key);
	m->key[h] = key;
	m->val[h] = val;
}

#endif
