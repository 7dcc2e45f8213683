/* Fuzz target: the YAML configuration loaders.
 *
 * Input: byte 0 chooses the file, the rest is its text. kpi.yaml is loaded from memory
 * (kiscrm_kpi_scheme_load_text). The files of kiscrm_config_load() have no entry point
 * over memory, so the text is written into a private directory — on /dev/shm when it
 * exists, i.e. in RAM — as settings.yaml, dimensions.yaml, roles.yaml, pipelines.yaml or
 * analysis.yaml, and the directory is loaded (the other files keep their defaults).
 * Invariants: no crash, no leak; the result is OK or ECONFIG/EINVALID/ENOMEM with a
 * message, and ECONFIG names the file; a loaded configuration answers its getters. */
#include "fuzz.h"

#include <string.h>
#include <unistd.h>

#include "kiscrm.h"

static const char *const files[] = {
	"settings.yaml", "dimensions.yaml", "roles.yaml", "pipelines.yaml", "analysis.yaml",
	"kpi.yaml",
};
#define NFILES (sizeof(files) / sizeof(files[0]))

static char g_dir[128];

static void cleanup(void)
{
	char p[200];

	for (size_t i = 0; i < NFILES; i++) {
		snprintf(p, sizeof(p), "%s/%s", g_dir, files[i]);
		unlink(p);
	}
	rmdir(g_dir);
}

static int make_dir(void)
{
	snprintf(g_dir, sizeof(g_dir), "%s/kiscrm-fuzz-XXXXXX",
		 access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
	if (!mkdtemp(g_dir))
		return -1;
	atexit(cleanup);
	return 0;
}

static void check_error(int rc, const char *file)
{
	const kiscrm_error *e = kiscrm_error_last();

	FUZZ_ASSERT(rc == KISCRM_ECONFIG || rc == KISCRM_EINVALID || rc == KISCRM_ENOMEM ||
			    rc == KISCRM_ENOTFOUND,
		    "%s: load returned %d", file, rc);
	FUZZ_ASSERT(e->message && e->message[0], "%s: error %d without message", file, rc);
	if (rc == KISCRM_ECONFIG)
		FUZZ_ASSERT(strstr(e->message, file) || (e->file && strstr(e->file, file)),
			    "ECONFIG does not name %s: %s", file, e->message);
}

static void walk_config(const kiscrm_config *cfg)
{
	for (int dim = KISCRM_DIM_BUSINESS_LINE; dim <= KISCRM_DIM_INDUSTRY; dim++)
		for (size_t i = 0; i < kiscrm_config_dim_count(cfg, dim); i++)
			FUZZ_ASSERT(kiscrm_config_dim_key(cfg, dim, i) &&
					    kiscrm_config_dim_name(cfg, dim, i, "zh"),
				    "dimension %d entry %zu", dim, i);
	for (size_t i = 0; i < kiscrm_config_role_count(cfg); i++)
		FUZZ_ASSERT(kiscrm_config_role_key(cfg, i), "role %zu", i);
	FUZZ_ASSERT(kiscrm_config_pipeline_count(cfg) >= 1, "no pipeline");
	for (size_t p = 0; p < kiscrm_config_pipeline_count(cfg); p++)
		for (size_t s = 0; s < kiscrm_config_stage_count(cfg, p); s++) {
			int prob = kiscrm_config_stage_probability(cfg, p, s);

			FUZZ_ASSERT(kiscrm_config_stage_key(cfg, p, s) && prob >= 0 && prob <= 100,
				    "pipeline %zu stage %zu", p, s);
		}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *file;
	char path[200];
	FILE *f;
	int rc;

	if (size < 1)
		return 0;
	file = files[data[0] % NFILES];
	if (!strcmp(file, "kpi.yaml")) {
		kiscrm_kpi_scheme *s = NULL;

		rc = kiscrm_kpi_scheme_load_text(&s, file, (const char *)data + 1, size - 1);
		if (rc == KISCRM_OK) {
			for (size_t i = 0; i < kiscrm_kpi_scheme_indicator_count(s); i++)
				FUZZ_ASSERT(kiscrm_kpi_scheme_indicator_key(s, i), "indicator %zu", i);
			kiscrm_kpi_scheme_free(s);
		} else {
			FUZZ_ASSERT(!s, "scheme returned on error");
			check_error(rc, file);
		}
		return 0;
	}

	if (!g_dir[0] && make_dir() < 0)
		return 0;
	snprintf(path, sizeof(path), "%s/%s", g_dir, file);
	if (!(f = fopen(path, "wb")))
		return 0;
	fwrite(data + 1, 1, size - 1, f);
	fclose(f);
	{
		kiscrm_config *cfg = NULL;

		rc = kiscrm_config_load(&cfg, g_dir);
		if (rc == KISCRM_OK) {
			walk_config(cfg);
			kiscrm_config_free(cfg);
		} else {
			FUZZ_ASSERT(!cfg, "configuration returned on error");
			check_error(rc, file);
		}
	}
	unlink(path);
	return 0;
}
