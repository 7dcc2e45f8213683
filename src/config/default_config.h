/* The default configuration files of data/, compiled in by src/config/embed.py. */
#ifndef KC_DEFAULT_CONFIG_H
#define KC_DEFAULT_CONFIG_H

#include <stddef.h>

typedef struct kc_default_file {
	const char *name; /* base name, e.g. "dimensions.yaml" */
	size_t size;
	const char *data;
} kc_default_file;

/* Terminated by an entry whose name is NULL. */
extern const kc_default_file kc_default_files[];

#endif
