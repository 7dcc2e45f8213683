/*
 * `kiscrm import maven DIR`: reads the four files of the Maven Analytics CRM sample,
 * turns them into the library's CSV layout (maven_build.c) and imports them kind by kind
 * in ONE transaction: a malformed file or a bad row, and nothing is written. See
 * doc/maven-import.md for the mapping.
 */
#include "cli.h"
#include "maven_build.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Reads a whole file; prints the reason and returns 1 when it cannot. */
static int read_file(kiscrm_buf *out, const char *path)
{
	FILE *fp = fopen(path, "rb");
	if (!fp) {
		fprintf(stderr, "kiscrm: import maven: cannot open %s: %s\n", path, strerror(errno));
		return 1;
	}
	char chunk[65536];
	size_t n;
	int rc = 0;
	while (!rc && (n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		if (out->size + n + 1 > out->asize) {
			size_t a = out->asize ? out->asize : sizeof(chunk);
			while (a < out->size + n + 1)
				a *= 2;
			char *p = realloc(out->ptr, a);
			if (!p) {
				rc = 1;
				break;
			}
			out->ptr = p;
			out->asize = a;
		}
		memcpy(out->ptr + out->size, chunk, n);
		out->size += n;
		out->ptr[out->size] = '\0';
	}
	if (rc || ferror(fp)) {
		fprintf(stderr, "kiscrm: import maven: cannot read %s: %s\n", path,
			rc ? "out of memory" : strerror(errno));
		rc = 1;
	}
	fclose(fp);
	return rc;
}

static int import_all(cli *c, const maven_csv *csv)
{
	size_t counts[MAVEN_NKINDS];
	const char *failed;
	kiscrm_table *errors;
	if (kiscrm_db_begin(c->db) < 0)
		return cli_fail("import maven");
	if (maven_import(c->db, csv, counts, &failed, &errors) < 0) {
		int rc = cli_fail(failed);
		if (errors && kiscrm_table_row_count(errors))
			cli_print_table_file(errors, "table", stderr);
		kiscrm_table_free(errors);
		kiscrm_db_rollback(c->db);
		return rc;
	}
	if (kiscrm_db_commit(c->db) < 0)
		return cli_fail("import maven");
	for (int k = 0; k < MAVEN_NKINDS; k++)
		printf("  %-16s %zu\n", maven_kinds[k], counts[k]);
	return 0;
}

int cli_import_maven(cli *c, const char *dir)
{
	kiscrm_buf data[MAVEN_NFILES];
	char paths[MAVEN_NFILES][4096], err[1024];
	maven_input in[MAVEN_NFILES];
	maven_csv csv;
	const char *stages[4];
	int rc = 1;

	memset(data, 0, sizeof(data));
	memset(&csv, 0, sizeof(csv));
	for (int f = 0; f < MAVEN_NFILES; f++) {
		snprintf(paths[f], sizeof(paths[f]), "%s/%s", dir, maven_file_names[f]);
		if (read_file(&data[f], paths[f]))
			goto out;
		in[f] = (maven_input){ paths[f], data[f].ptr ? data[f].ptr : "", data[f].size };
	}
	if (maven_stage_keys(kiscrm_db_config(c->db), stages, err, sizeof(err)) ||
	    maven_build(&csv, in, stages, err, sizeof(err))) {
		fprintf(stderr, "kiscrm: import maven: %s (nothing was imported)\n", err);
		goto out;
	}
	printf("importing %s (all or nothing):\n", dir);
	if ((rc = import_all(c, &csv)) != 0)
		goto out;
	printf("repaired and reported:\n"
	       "  %zu deals spell a product differently from products.csv ('GTXPro' for 'GTX Pro')\n"
	       "  %zu open deals have no account: imported without a customer\n"
	       "  %zu deals are not won (no close value): amount = the product's list price\n"
	       "  %zu Prospecting deals have no dates: created on the dataset's first day\n"
	       "  %zu accounts with sector 'technolgy' filed under industry 'technology'\n"
	       "  %zu accounts with office_location 'Philipines' filed under region 'philippines'\n",
	       csv.q.product_renamed, csv.q.no_account, csv.q.no_value, csv.q.no_dates,
	       csv.q.sector_fixed, csv.q.location_fixed);
out:
	maven_csv_dispose(&csv);
	for (int f = 0; f < MAVEN_NFILES; f++)
		kiscrm_buf_dispose(&data[f]);
	return rc;
}
