/* Writing an output file atomically: the text goes to a new temporary file in the
 * target's directory, which replaces the target by rename(2) only once it is complete
 * and on disk. A failure at any step removes the temporary file (the only file this
 * module ever removes, since it created it) and leaves the target as it was. */
#ifndef KC_ATOMIC_FILE_H
#define KC_ATOMIC_FILE_H

#include <stdio.h>

typedef struct kc_atomic_file {
	FILE *fp;     /* write the contents here */
	char *tmp;    /* the temporary file */
	char *target; /* the file it becomes (a symbolic link's destination) */
} kc_atomic_file;

/* Creates the temporary file next to path (error names path). An existing target that
 * is not a regular file is refused (KISCRM_EINVALID); an existing regular target's
 * permission bits are given to the temporary file, a new one gets 0666 less the umask. */
int kc_atomic_open(kc_atomic_file *af, const char *path);

/* Ends the write: when rc is KISCRM_OK, flushes, syncs, closes and renames the temporary
 * file over the target; otherwise, or when one of those steps fails, closes and removes
 * the temporary file. Returns rc, or the error of the step that failed. Always frees af. */
int kc_atomic_close(kc_atomic_file *af, int rc);

#endif
