/* Reading configuration files: from the configuration directory when present there, from
 * the compiled-in defaults otherwise. */
#include "config/config_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config/default_config.h"
#include "core/error.h"

#if !defined(S_ISDIR) && defined(S_IFDIR)
#define S_ISDIR(m) (((m) & S_IFMT) == S_IFDIR)
#endif
#if !defined(S_ISREG) && defined(S_IFREG)
#define S_ISREG(m) (((m) & S_IFMT) == S_IFREG)
#endif

/* Configuration files are small; anything bigger is a mistake (or an attack). */
#define MAX_FILE_SIZE (16L * 1024 * 1024)

const char *kc_config_default_data(const char *name, size_t *len)
{
	if (len)
		*len = 0;
	if (!name)
		return NULL;
	for (const kc_default_file *f = kc_default_files; f->name; f++) {
		if (strcmp(f->name, name) == 0) {
			if (len)
				*len = f->size;
			return f->data;
		}
	}
	return NULL;
}

int kc_config_check_dir(const char *dir)
{
	struct stat st;

	if (!dir)
		return kc_error_set(KISCRM_EINVALID, "configuration directory is NULL");
	if (stat(dir, &st) != 0)
		return kc_error_set_at(KISCRM_ENOTFOUND, dir, 0, 0, NULL, dir,
				       "configuration directory '%s' not found: %s", dir,
				       strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return kc_error_set_at(KISCRM_ENOTFOUND, dir, 0, 0, NULL, dir,
				       "configuration directory '%s' is not a directory", dir);
	return KISCRM_OK;
}

static int read_file(char **out, size_t *out_len, const char *path)
{
	FILE *f = fopen(path, "rb");
	char *data = NULL;
	size_t len = 0, cap = 0;

	if (!f)
		return kc_error_set_at(KISCRM_ECONFIG, path, 0, 0, NULL, NULL,
				       "%s: cannot open: %s", path, strerror(errno));
	for (;;) {
		if (cap - len < 4096) {
			size_t ncap = cap ? cap * 2 : 8192;
			char *p;
			if (ncap > (size_t)MAX_FILE_SIZE + 1) {
				fclose(f);
				free(data);
				return kc_error_set_at(KISCRM_ECONFIG, path, 0, 0, NULL, NULL,
						       "%s: file is larger than %ld bytes", path,
						       MAX_FILE_SIZE);
			}
			p = realloc(data, ncap);
			if (!p) {
				fclose(f);
				free(data);
				return kc_error_oom();
			}
			data = p;
			cap = ncap;
		}
		size_t n = fread(data + len, 1, cap - len - 1, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		fclose(f);
		free(data);
		return kc_error_set_at(KISCRM_ECONFIG, path, 0, 0, NULL, NULL,
				       "%s: read error", path);
	}
	fclose(f);
	data[len] = '\0';
	*out = data;
	*out_len = len;
	return KISCRM_OK;
}

static char *join_path(const char *dir, const char *name)
{
	size_t dl = strlen(dir), nl = strlen(name);
	int slash = dl > 0 && dir[dl - 1] != '/';
	char *p = malloc(dl + (size_t)slash + nl + 1);

	if (!p)
		return NULL;
	memcpy(p, dir, dl);
	if (slash)
		p[dl] = '/';
	memcpy(p + dl + (size_t)slash, name, nl + 1);
	return p;
}

/* 1 if @path names an existing regular file, 0 if nothing is there, else an error. */
static int file_present(const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		return kc_error_set_at(KISCRM_ECONFIG, path, 0, 0, NULL, NULL, "%s: %s", path,
				       strerror(errno));
	}
	if (!S_ISREG(st.st_mode))
		return kc_error_set_at(KISCRM_ECONFIG, path, 0, 0, NULL, NULL,
				       "%s: not a regular file", path);
	return 1;
}

int kc_config_load_file_or_default(const char *dir, const char *name, kc_yaml_doc **out)
{
	const char *data;
	size_t len = 0;

	if (!out || !name)
		return kc_error_set(KISCRM_EINVALID, "kc_config_load_file_or_default: NULL argument");
	*out = NULL;

	if (dir) {
		char *path = join_path(dir, name), *text = NULL;
		int rc;

		if (!path)
			return kc_error_oom();
		rc = file_present(path);
		if (rc > 0) {
			rc = read_file(&text, &len, path);
			if (rc == KISCRM_OK)
				rc = kc_yaml_parse(out, path, text, len);
			free(text);
			free(path);
			return rc;
		}
		free(path);
		if (rc < 0)
			return rc;
	}

	data = kc_config_default_data(name, &len);
	if (!data)
		return kc_error_set_at(KISCRM_ENOTFOUND, name, 0, 0, NULL, name,
				       "configuration file '%s' not found and has no default", name);
	return kc_yaml_parse(out, name, data, len);
}
