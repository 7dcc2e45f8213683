/* Asking the processor for memory before it is read: a report that walks records in an
 * order of its own (a rolling budget in the table's order) misses the cache and the TLB
 * on every one, and a request a few records ahead overlaps those misses. A hint only:
 * compilers without the builtin read nothing ahead. */
#ifndef KC_CORE_PREFETCH_H
#define KC_CORE_PREFETCH_H

#if defined(__GNUC__) || defined(__clang__)
#define KC_PREFETCH(addr) __builtin_prefetch((addr), 0, 1)
#else
#define KC_PREFETCH(addr) ((void)(addr))
#endif

#endif
