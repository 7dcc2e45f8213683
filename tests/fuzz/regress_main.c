/* Replays fuzz inputs without libFuzzer: every regular file of every directory given on
 * the command line (missing directories are skipped) is passed to
 * LLVMFuzzerTestOneInput(). A crash or a broken invariant aborts the program, so the
 * meson test fails and names the file on stderr. */
#include "fuzz.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data = NULL;
	size_t size = 0, cap = 0, n;
	uint8_t chunk[4096];

	if (!f) {
		perror(path);
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (size + n > cap) {
			uint8_t *p;

			cap = (size + n) * 2;
			if (!(p = realloc(data, cap))) {
				free(data);
				fclose(f);
				return -1;
			}
			data = p;
		}
		memcpy(data + size, chunk, n);
		size += n;
	}
	fclose(f);
	fprintf(stderr, "replaying %s (%zu bytes)\n", path, size);
	/* An exact-size copy so that ASan sees reads past the end as libFuzzer would. */
	{
		uint8_t *exact = malloc(size ? size : 1);

		if (!exact) {
			free(data);
			return -1;
		}
		if (size)
			memcpy(exact, data, size);
		LLVMFuzzerTestOneInput(exact, size);
		free(exact);
	}
	free(data);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Files in name order, so that runs are reproducible. */
static int replay_dir(const char *dir, size_t *count)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char *copy;

		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			char **p = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof(*names));

			if (!p) {
				rc = -1;
				break;
			}
			names = p;
		}
		if (!(copy = malloc(strlen(dir) + strlen(e->d_name) + 2))) {
			rc = -1;
			break;
		}
		sprintf(copy, "%s/%s", dir, e->d_name);
		names[n++] = copy;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n; i++) {
		struct stat st;

		if (rc == 0 && stat(names[i], &st) == 0 && S_ISREG(st.st_mode)) {
			if (replay_file(names[i]) < 0)
				rc = -1;
			else
				(*count)++;
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

int main(int argc, char **argv)
{
	size_t count = 0;

	for (int i = 1; i < argc; i++)
		if (replay_dir(argv[i], &count) < 0)
			return 1;
	printf("%zu inputs replayed without a crash\n", count);
	return count ? 0 : 77; /* 77: skipped, no input found */
}
