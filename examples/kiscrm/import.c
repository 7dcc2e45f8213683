/* `kiscrm import`: CSV files of any entity, and the Maven sample dataset. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char import_help[] =
	"usage: kiscrm import ENTITY FILE [--encoding utf-8|gbk] [--dry-run] [--keep-ids]\n"
	"                                 [--raw] [--max-errors N] [--refuse-duplicates]\n"
	"                                 [--warn-unlisted]\n"
	"       kiscrm import maven DIR\n"
	"\n"
	"Imports a CSV file whose header names the entity's fields (see `kiscrm show`).\n"
	"References may be ids (customer_id=12) or natural keys (customer=深圳华南精密,\n"
	"owner=张伟, department=直销一部). Money is decimal text (1234.56, ￥1,234.56), dates\n"
	"YYYY-MM-DD or YYYY/M/D, integers 1200 or 1,200. A header may be a field's Chinese or\n"
	"English display name (客户名称, 负责人; labels.yaml). Regions, industries, business\n"
	"and product lines, pipelines and stages take the key or its display name (华中 →\n"
	"central) and store the key; a value in none of the configured lists is an error\n"
	"(--warn-unlisted: a warning on stderr, the value stored as written).\n"
	"The import is atomic: any bad row and nothing is written; every bad row is listed\n"
	"with its line, column, value and reason. --dry-run checks without writing.\n"
	"--encoding gbk reads Chinese Excel exports (any iconv name works; utf-8-bom is\n"
	"utf-8, the mark is skipped in any case). --keep-ids keeps\n"
	"an `id` column (a taken id is an error). --raw takes the records as exported, derived\n"
	"fields included (opportunities get no automatic stage-history entry: import the\n"
	"exported stage_history after them). --max-errors N: bad rows listed (default 20,\n"
	"0 all; a count, nothing else). Options may come anywhere; `--` ends them.\n"
	"Customers: a new customer whose normalised name (kiscrm duplicates customer) matches\n"
	"another customer is reported on stderr as a warning; --refuse-duplicates makes it an\n"
	"error and imports nothing.\n"
	"A cell written by export with a leading ' (a text starting with = + - @ tab or CR,\n"
	"neutralised for spreadsheets) is imported without that quote.\n"
	"To copy a database: export each entity, then import them in the order\n"
	"department, staff, customer, customer_attr, contact, lead, opportunity,\n"
	"stage_history, contract, collection_plan, collection, target with --keep-ids --raw.\n"
	"Fields: `kiscrm fields ENTITY`. Exit status 1 when any row is bad (the rows are\n"
	"listed on stderr with line, column, value and reason), 2 for a usage error.\n"
	"\n"
	"`import maven DIR` loads the Maven Analytics CRM sample (accounts.csv, products.csv,\n"
	"sales_teams.csv, sales_pipeline.csv); see doc/maven-import.md for the mapping.\n";

typedef struct {
	int kind;
	const char *path;
	const kiscrm_import_options *opts;
	size_t n;
	kiscrm_table *errors;
	int refuse_duplicates;
	int duplicates; /* new customers duplicating another by normalised name */
} import_work_args;

static int import_work(kiscrm_db *db, void *payload)
{
	import_work_args *w = payload;
	kiscrm_table_free(w->errors); /* of a busy run before this one */
	w->errors = NULL;
	w->n = 0;
	w->duplicates = 0;
	int check = w->kind == KISCRM_KIND_CUSTOMER && !w->opts->dry_run;
	kiscrm_id *before = NULL;
	size_t nbefore = 0;
	/* the ids before, read in the import's own transaction: what is new after it is ours */
	int rc = check ? cli_customer_ids(&before, &nbefore, db) : KISCRM_OK;
	if (rc == 0)
		rc = kiscrm_csv_import(&w->n, &w->errors, db, w->kind, w->path, w->opts);
	if (rc == 0 && check)
		rc = cli_new_duplicates(db, before, nbefore, &w->duplicates);
	free(before);
	if (rc == 0 && w->duplicates && w->refuse_duplicates)
		rc = KISCRM_ECONFLICT; /* rolls the import back */
	return rc;
}

int cmd_import(cli *c, int argc, char **argv)
{
	const char *pos[2] = { NULL, NULL };
	int npos = 0, options = 1, refuse = 0;
	kiscrm_import_options o = KISCRM_IMPORT_OPTIONS_INIT;
	const char *v;
	/* Options may come before, between or after ENTITY and FILE; `--` ends them. */
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (options && strcmp(a, "--") == 0)
			options = 0;
		else if (options && cli_is_help(a)) {
			fputs(import_help, stdout);
			return 0;
		} else if (options && (v = cli_opt(argc, argv, &i, "--encoding")))
			o.encoding = v;
		else if (options && strcmp(a, "--dry-run") == 0)
			o.dry_run = 1;
		else if (options && strcmp(a, "--keep-ids") == 0)
			o.flags |= KISCRM_IMPORT_KEEP_IDS;
		else if (options && strcmp(a, "--raw") == 0)
			o.flags |= KISCRM_IMPORT_RAW;
		else if (options && strcmp(a, "--refuse-duplicates") == 0)
			refuse = 1;
		else if (options && strcmp(a, "--warn-unlisted") == 0)
			o.flags |= KISCRM_IMPORT_WARN_UNLISTED;
		else if (options && (v = cli_opt(argc, argv, &i, "--max-errors"))) {
			if (cli_parse_count(&o.max_errors, "--max-errors", v))
				return 2;
		} else if (options && a[0] == '-' && a[1])
			return cli_usage("import: unknown option '%s' (or it lacks its value)", a);
		else if (npos == 2)
			return cli_usage("import: unexpected argument '%s' (import ENTITY FILE)", a);
		else
			pos[npos++] = a;
	}
	if (npos < 2) {
		fputs(import_help, stdout);
		return 2;
	}
	if (strcmp(pos[0], "maven") == 0) {
		if (argc != 3)
			return cli_usage("import maven takes one directory and no options");
		return cli_open(c) ? 1 : cli_import_maven(c, pos[1]);
	}
	int kind = kiscrm_kind_find(pos[0]);
	if (kind < 0)
		return cli_usage("unknown entity '%s'", pos[0]);
	if (cli_open(c))
		return 1;
	import_work_args w = { kind, pos[1], &o, 0, NULL, refuse, 0 };
	/* A dry run writes nothing and must run outside a transaction (it rolls back its
	 * own); a real import is rerun whole while the database is busy. */
	int failed = (o.dry_run ? import_work(c->db, &w) : cli_transact(c, import_work, &w)) < 0;
	size_t n = w.n;
	kiscrm_table *errors = w.errors;
	if (failed && w.duplicates && refuse) {
		kiscrm_table_free(errors);
		fprintf(stderr, "kiscrm: import: %d new customer(s) duplicate existing ones (listed above); "
				"nothing imported (--refuse-duplicates)\n", w.duplicates);
		return 1;
	}
	if (failed) {
		int rc = cli_fail("import");
		if (errors && kiscrm_table_row_count(errors))
			cli_print_table_file(errors, "table", stderr);
		kiscrm_table_free(errors);
		return rc;
	}
	/* --warn-unlisted: the values stored as written, each said once on stderr. */
	for (size_t r = 0; errors && r < kiscrm_table_row_count(errors); r++)
		fprintf(stderr, "kiscrm: warning: %s:%lld: %s\n", pos[1],
			(long long)kiscrm_table_int(errors, r, 0), kiscrm_table_text(errors, r, 3));
	kiscrm_table_free(errors);
	printf("%s %zu %s record(s) from %s\n", o.dry_run ? "checked" : "imported", n, pos[0], pos[1]);
	return 0;
}
