/* The Maven Analytics CRM sample turned into the library's CSV layout, from the text of
 * its four files; no file access and no output, so that the fuzz target
 * (tests/fuzz/fuzz_maven.c) runs exactly what `kiscrm import maven` runs. */
#ifndef KISCRM_MAVEN_BUILD_H
#define KISCRM_MAVEN_BUILD_H

#include <kiscrm.h>

/* The input files, in this order. */
enum { MAVEN_ACCOUNTS, MAVEN_PRODUCTS, MAVEN_TEAMS, MAVEN_DEALS, MAVEN_NFILES };
extern const char *const maven_file_names[MAVEN_NFILES];

typedef struct maven_input {
	const char *path; /* for messages */
	const char *data;
	size_t len;
} maven_input;

/* The kinds imported, in this order (each refers only to earlier ones). */
enum { MAVEN_NKINDS = 6 };
extern const char *const maven_kinds[MAVEN_NKINDS];

typedef struct maven_quirks {
	size_t product_renamed, no_account, no_value, sector_fixed, location_fixed, no_dates;
} maven_quirks;

typedef struct maven_csv {
	kiscrm_buf text[MAVEN_NKINDS]; /* CSV for kiscrm_csv_import_data, per maven_kinds */
	maven_quirks q;
} maven_csv;

/* Stage keys of the default pipeline: the first two working stages, won and lost.
 * Returns 0, or 1 with a message in err. */
int maven_stage_keys(const kiscrm_config *cfg, const char *keys[4], char *err, size_t errsize);

/* Reads the four files and builds the CSV texts. Returns 0, or 1 with a message in err
 * that names the file, line and (for malformed CSV) column; out is then empty. */
int maven_build(maven_csv *out, const maven_input in[MAVEN_NFILES], const char *const stages[4],
		char *err, size_t errsize);

/* Imports the texts kind by kind (inside the caller's transaction). counts receives the
 * number of records of each kind. On failure returns the library's code, *failed names
 * the kind and *errors is its table of bad rows (caller frees; may be NULL). */
int maven_import(kiscrm_db *db, const maven_csv *csv, size_t counts[MAVEN_NKINDS],
		 const char **failed, kiscrm_table **errors);

void maven_csv_dispose(maven_csv *csv);

#endif
