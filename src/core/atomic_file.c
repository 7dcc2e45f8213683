/* Atomic output files (see atomic_file.h). The temporary file is created with O_EXCL
 * under a fresh name, so it can never be someone else's file, and with mode 0666 so that
 * the process umask applies as it would to a file created in place (mkstemp(3) would
 * force 0600). */
/* realpath(3) is an XSI function. */
#define _XOPEN_SOURCE 700

#include "core/atomic_file.h"
#include "core/error.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *dup_str(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = malloc(n);
	if (d)
		memcpy(d, s, n);
	return d;
}

/* A name part that differs between calls, threads and processes; O_EXCL decides. */
static void unique_suffix(char out[13], const void *salt)
{
	static atomic_uint_fast64_t counter;
	static const char digits[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	uint64_t x = (uint64_t)getpid() * 0x9e3779b97f4a7c15ULL ^
		     (uint64_t)(uintptr_t)salt ^ (atomic_fetch_add(&counter, 1) + 1) * 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 31;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 29;
	for (int i = 0; i < 12; i++, x /= 36)
		out[i] = digits[x % 36];
	out[12] = '\0';
}

static void dispose(kc_atomic_file *af)
{
	free(af->tmp);
	free(af->target);
	af->tmp = af->target = NULL;
	af->fp = NULL;
}

/* The file to replace: path, or the destination of a symbolic link at path. */
static int resolve_target(kc_atomic_file *af, const char *path, struct stat *st, int *exists)
{
	struct stat lst;
	*exists = 0;
	if (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode)) {
		char *real = realpath(path, NULL);
		if (real) {
			af->target = real;
			*exists = stat(real, st) == 0;
			return KISCRM_OK;
		}
	}
	if (!(af->target = dup_str(path)))
		return kc_error_oom();
	if (stat(path, st) == 0)
		*exists = 1;
	else if (errno != ENOENT)
		return kc_error_set_at(KISCRM_ESTORAGE, path, 0, 0, NULL, NULL, "cannot write '%s': %s",
				       path, strerror(errno));
	return KISCRM_OK;
}

int kc_atomic_open(kc_atomic_file *af, const char *path)
{
	struct stat st;
	int exists, rc, fd = -1;
	memset(af, 0, sizeof(*af));
	if ((rc = resolve_target(af, path, &st, &exists)) != 0) {
		dispose(af);
		return rc;
	}
	if (exists && !S_ISREG(st.st_mode)) {
		dispose(af);
		return kc_error_set_at(KISCRM_EINVALID, path, 0, 0, "path", path,
				       "cannot write '%s': it exists and is not a regular file", path);
	}
	/* "<dir>/.<name>.<random>.tmp": hidden, in the same directory (same file system, so
	 * rename(2) is atomic). */
	const char *slash = strrchr(af->target, '/');
	size_t dirlen = slash ? (size_t)(slash - af->target) + 1 : 0;
	const char *base = af->target + dirlen;
	size_t size = strlen(af->target) + 32;
	if (!(af->tmp = malloc(size))) {
		dispose(af);
		return kc_error_oom();
	}
	for (int attempt = 0; fd < 0 && attempt < 100; attempt++) {
		char suffix[13];
		unique_suffix(suffix, af);
		snprintf(af->tmp, size, "%.*s.%s.%s.tmp", (int)dirlen, af->target, base, suffix);
		fd = open(af->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	if (fd < 0) {
		int err = errno;
		dispose(af);
		return kc_error_set_at(KISCRM_ESTORAGE, path, 0, 0, NULL, NULL,
				       "cannot create a temporary file next to '%s': %s", path,
				       strerror(err));
	}
	if ((exists && fchmod(fd, st.st_mode & 07777) != 0) || !(af->fp = fdopen(fd, "wb"))) {
		int err = errno;
		close(fd);
		unlink(af->tmp);
		dispose(af);
		return kc_error_set_at(KISCRM_ESTORAGE, path, 0, 0, NULL, NULL, "cannot write '%s': %s",
				       path, strerror(err));
	}
	return KISCRM_OK;
}

/* Makes the rename itself durable; a failure here loses nothing already renamed. */
static void sync_dir(const char *target)
{
	const char *slash = strrchr(target, '/');
	char dir[PATH_MAX];
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - target) + 1, target);
	int fd = open(dir, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
}

int kc_atomic_close(kc_atomic_file *af, int rc)
{
	if (!af->fp) {
		dispose(af);
		return rc;
	}
	if (rc == 0 && (fflush(af->fp) != 0 || fsync(fileno(af->fp)) != 0))
		rc = kc_error_set_at(KISCRM_ESTORAGE, af->target, 0, 0, NULL, NULL,
				     "cannot write '%s': %s", af->target, strerror(errno));
	if (fclose(af->fp) != 0 && rc == 0)
		rc = kc_error_set_at(KISCRM_ESTORAGE, af->target, 0, 0, NULL, NULL,
				     "cannot write '%s': %s", af->target, strerror(errno));
	af->fp = NULL;
	if (rc == 0 && rename(af->tmp, af->target) != 0)
		rc = kc_error_set_at(KISCRM_ESTORAGE, af->target, 0, 0, NULL, NULL,
				     "cannot replace '%s': %s", af->target, strerror(errno));
	if (rc)
		unlink(af->tmp); /* ours: created with O_EXCL above */
	else
		sync_dir(af->target);
	dispose(af);
	return rc;
}
