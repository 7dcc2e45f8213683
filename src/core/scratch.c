/* Working memory kept between reports: see scratch.h. A handful of blocks at most, so
 * the pool is a list searched from its end (the newest blocks are the likeliest asked). */
#include "core/scratch.h"
#include "core/vec.h"

#include <stdlib.h>
#include <string.h>

void kc_scratch_init(kc_scratch *s)
{
	memset(s, 0, sizeof(*s));
	s->limit = KC_SCRATCH_DEFAULT_LIMIT;
	s->min = KC_SCRATCH_MIN;
	pthread_mutex_init(&s->lock, NULL);
}

kc_scratch *kc_scratch_new(void)
{
	kc_scratch *s = malloc(sizeof(*s));
	if (s) {
		kc_scratch_init(s);
		s->refs = 1;
	}
	return s;
}

kc_scratch *kc_scratch_retain(kc_scratch *s)
{
	if (s) {
		pthread_mutex_lock(&s->lock);
		s->refs++;
		pthread_mutex_unlock(&s->lock);
	}
	return s;
}

void kc_scratch_release(kc_scratch *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->lock);
	size_t left = --s->refs;
	pthread_mutex_unlock(&s->lock);
	if (left == 0) {
		kc_scratch_dispose(s);
		free(s);
	}
}

/* Removes block i from the pool and returns it (the caller frees or uses it). */
static void *unlink_block(kc_scratch *s, size_t i)
{
	void *p = s->b[i].p;
	s->held -= s->b[i].bytes;
	memmove(&s->b[i], &s->b[i + 1], (s->n - i - 1) * sizeof(*s->b));
	s->n--;
	return p;
}

static void drop(kc_scratch *s, size_t i)
{
	free(unlink_block(s, i));
}

void *kc_scratch_take(kc_scratch *s, const void *site, size_t index, size_t *bytes)
{
	*bytes = 0;
	if (!s)
		return NULL;
	void *p = NULL;
	pthread_mutex_lock(&s->lock);
	for (size_t i = s->n; i-- > 0;) {
		if (s->b[i].site != site || s->b[i].index != index)
			continue;
		*bytes = s->b[i].bytes;
		p = unlink_block(s, i);
		break;
	}
	pthread_mutex_unlock(&s->lock);
	return p;
}

void *kc_scratch_get(kc_scratch *s, const void *site, size_t index, size_t need, size_t *bytes)
{
	void *p = kc_scratch_take(s, site, index, bytes);
	if (p && *bytes >= need)
		return p;
	free(p); /* too small: a copy of what it holds would be wasted work */
	*bytes = need ? need : 1;
	return malloc(*bytes);
}

static void keep_locked(kc_scratch *s, const void *site, size_t index, void *p, size_t bytes)
{
	if (bytes < s->min || bytes > s->limit) {
		free(p);
		return;
	}
	/* One block per key: a report that ran inside another (or took its key twice) keeps
	 * the newest. */
	for (size_t i = s->n; i-- > 0;)
		if (s->b[i].site == site && s->b[i].index == index)
			drop(s, i);
	while (s->n && s->held + bytes > s->limit)
		drop(s, 0);
	if (KC_VEC_GROW(s->b, s->n, s->cap, 16)) {
		free(p); /* not kept: the next report allocates afresh */
		return;
	}
	s->b[s->n++] = (kc_scratch_block){ site, index, p, bytes };
	s->held += bytes;
}

void kc_scratch_keep(kc_scratch *s, const void *site, size_t index, void *p, size_t bytes)
{
	if (!p)
		return;
	if (!s) {
		free(p);
		return;
	}
	pthread_mutex_lock(&s->lock);
	keep_locked(s, site, index, p, bytes);
	pthread_mutex_unlock(&s->lock);
}

void kc_scratch_set_limit(kc_scratch *s, size_t limit)
{
	pthread_mutex_lock(&s->lock);
	s->limit = limit;
	while (s->n && s->held > s->limit)
		drop(s, 0);
	pthread_mutex_unlock(&s->lock);
}

size_t kc_scratch_limit(kc_scratch *s)
{
	if (!s)
		return 0;
	pthread_mutex_lock(&s->lock);
	size_t limit = s->limit;
	pthread_mutex_unlock(&s->lock);
	return limit;
}

void kc_scratch_dispose(kc_scratch *s)
{
	while (s->n)
		drop(s, s->n - 1);
	free(s->b);
	pthread_mutex_destroy(&s->lock);
	memset(s, 0, sizeof(*s));
}
