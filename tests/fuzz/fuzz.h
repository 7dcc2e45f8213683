/* libFuzzer entry point of every fuzz target, and the invariant check they share.
 *
 * Each fuzz_<target>.c defines LLVMFuzzerTestOneInput(). Built with clang and
 * -fsanitize=fuzzer it is a libFuzzer target (tools/run-fuzz); linked with regress_main.c
 * it is a plain program that replays every file of the directories it is given (the
 * seed corpus and the kept crash reproducers), registered as a meson test on every
 * compiler. */
#ifndef KC_FUZZ_H
#define KC_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken invariant is a crash, so that libFuzzer keeps the input as a reproducer. */
#define FUZZ_ASSERT(cond, ...)                                                           \
	do {                                                                             \
		if (!(cond)) {                                                           \
			fprintf(stderr, "invariant failed at %s:%d: %s: ", __FILE__,     \
				__LINE__, #cond);                                        \
			fprintf(stderr, __VA_ARGS__);                                    \
			fputc('\n', stderr);                                             \
			abort();                                                         \
		}                                                                        \
	} while (0)

#endif
