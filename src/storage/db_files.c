/* The files of an open database (see db_files.h). Writing an export over the database
 * (or renaming a file over it) would destroy it while it is open; over its -wal or
 * -journal, SQLite would later take the text for a log to replay. */
/* realpath(3) is an XSI function. */
#define _XOPEN_SOURCE 700

#include "storage/db_files.h"
#include "core/error.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int kc_db_files_note(kiscrm_db *db, const char *path)
{
	if (!path || !*path || strcmp(path, ":memory:") == 0)
		return KISCRM_OK;
	/* The file exists now (it was just opened): resolved once, so that a later chdir
	 * of the program does not change what is protected. */
	char *real = realpath(path, NULL);
	if (!real)
		real = strdup(path);
	if (!real)
		return kc_error_oom();
	free(db->file);
	db->file = real;
	return KISCRM_OK;
}

/* The absolute form of a path that may not exist: its directory resolved, then its last
 * part. 0 when the directory cannot be resolved either. */
static int resolve(char *out, size_t size, const char *path)
{
	char dir[PATH_MAX], real[PATH_MAX];
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	if (realpath(path, real)) {
		snprintf(out, size, "%s", real);
		return 1;
	}
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	if (!realpath(dir, real))
		return 0;
	return snprintf(out, size, "%s/%s", strcmp(real, "/") == 0 ? "" : real, base) < (int)size;
}

int kc_db_files_refuse(const kiscrm_db *db, const char *path)
{
	static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };
	static const char *const what[] = { "the open database", "the database's write-ahead log",
					    "the database's shared-memory file",
					    "the database's rollback journal" };
	if (!db->file)
		return KISCRM_OK;
	struct stat target;
	int target_exists = stat(path, &target) == 0;
	char resolved[PATH_MAX * 2];
	int have_resolved = resolve(resolved, sizeof(resolved), path);
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		char file[PATH_MAX * 2];
		struct stat st;
		snprintf(file, sizeof(file), "%s%s", db->file, suffixes[i]);
		int same = target_exists && stat(file, &st) == 0 && st.st_dev == target.st_dev &&
			   st.st_ino == target.st_ino;
		if (!same && have_resolved)
			same = strcmp(resolved, file) == 0;
		if (same)
			return kc_error_set_at(KISCRM_EINVALID, path, 0, 0, "path", path,
					       "refusing to write '%s': it is %s (%s)", path, what[i],
					       file);
	}
	return KISCRM_OK;
}
