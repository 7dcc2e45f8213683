/* kiscrm: the command-line face of libkiscrm. Every command is built on the public API;
 * failures print the library's message and exit non-zero. */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage_text[] =
	"usage: kiscrm [--db PATH] [--backend sqlite|memory] [--config DIR] [--lang zh|en]\n"
	"              COMMAND [ARGS...]\n"
	"\n"
	"Sales management for software reseller partners (libkiscrm " KISCRM_VERSION_STRING ").\n"
	"\n"
	"Global options:\n"
	"  --db PATH        SQLite database file (default: $KISCRM_DB or kiscrm.db)\n"
	"  --backend NAME   sqlite (default) or memory (data is lost at exit)\n"
	"  --config DIR     configuration directory overriding the built-in YAML defaults\n"
	"  --lang zh|en     language of display names (default: en)\n"
	"\n"
	"Commands:\n"
	"  init                         create the database, or migrate it to this version\n"
	"  import ENTITY FILE           import a CSV file (atomic: all rows or none)\n"
	"  import maven DIR             import the Maven Analytics CRM sample dataset\n"
	"  export ENTITY [FILE]         export records as CSV (stdout without FILE)\n"
	"  list ENTITY                  list records as a table\n"
	"  show ENTITY ID               show one record, field by field\n"
	"  add ENTITY FIELD=VALUE...    add a record\n"
	"  move OPPORTUNITY STAGE       move an opportunity to another stage\n"
	"  snapshot                     save this week's eight-week rolling budget\n"
	"  report NAME                  run a report (see `kiscrm reports`)\n"
	"  reports                      list the reports\n"
	"\n"
	"ENTITY is one of: department, staff, customer, customer_attr, contact, lead,\n"
	"opportunity, stage_history, contract, collection_plan, collection, target,\n"
	"snapshot, snapshot_line.\n"
	"Run `kiscrm COMMAND --help` for the options of a command.\n";

int cli_fail(const char *what)
{
	const kiscrm_error *e = kiscrm_error_last();
	if (e->file && e->line)
		fprintf(stderr, "kiscrm: %s: %s:%d: %s\n", what, e->file, e->line, e->message);
	else
		fprintf(stderr, "kiscrm: %s: %s\n", what, e->message);
	return 1;
}

int cli_usage(const char *fmt, ...)
{
	va_list ap;
	fputs("kiscrm: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n(run `kiscrm --help` for usage)\n", stderr);
	return 2;
}

int cli_is_help(const char *arg)
{
	return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0;
}

const char *cli_opt(int argc, char **argv, int *i, const char *name)
{
	size_t n = strlen(name);
	const char *a = argv[*i];
	if (strncmp(a, name, n) != 0)
		return NULL;
	if (a[n] == '=')
		return a + n + 1;
	if (a[n] != '\0' || *i + 1 >= argc)
		return NULL;
	return argv[++*i];
}

int cli_open(cli *c)
{
	if (c->db)
		return 0;
	kiscrm_db_options o = KISCRM_DB_OPTIONS_INIT;
	o.backend = c->backend;
	o.path = c->db_path;
	o.config_dir = c->config_dir;
	if (kiscrm_db_open(&c->db, &o) < 0)
		return cli_fail(c->db_path);
	return 0;
}

int cli_print_table(const kiscrm_table *t, const char *format)
{
	kiscrm_buf out = KISCRM_BUF_INIT;
	int rc;
	if (!format || strcmp(format, "table") == 0)
		rc = kiscrm_table_write_text(&out, t);
	else if (strcmp(format, "csv") == 0)
		rc = kiscrm_table_write_csv(&out, t);
	else if (strcmp(format, "json") == 0)
		rc = kiscrm_table_write_json(&out, t);
	else
		return cli_usage("unknown format '%s' (table, csv or json)", format);
	if (rc < 0)
		return cli_fail("output");
	if (out.ptr)
		fputs(out.ptr, stdout);
	if (!out.size || out.ptr[out.size - 1] != '\n')
		fputc('\n', stdout);
	kiscrm_buf_dispose(&out);
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(cli *c, int argc, char **argv);
} commands[] = {
	{ "init", cmd_init }, { "import", cmd_import }, { "export", cmd_export },
	{ "list", cmd_list }, { "show", cmd_show }, { "add", cmd_add }, { "move", cmd_move },
	{ "snapshot", cmd_snapshot }, { "report", cmd_report }, { "reports", cmd_reports },
};

int main(int argc, char **argv)
{
	cli c = { getenv("KISCRM_DB") ? getenv("KISCRM_DB") : "kiscrm.db", NULL, NULL, "en", NULL };
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *v;
		if (cli_is_help(argv[i])) {
			fputs(usage_text, stdout);
			return 0;
		} else if (strcmp(argv[i], "--version") == 0) {
			printf("kiscrm %s\n", kiscrm_version_string());
			return 0;
		} else if ((v = cli_opt(argc, argv, &i, "--db")))
			c.db_path = v;
		else if ((v = cli_opt(argc, argv, &i, "--backend")))
			c.backend = v;
		else if ((v = cli_opt(argc, argv, &i, "--config")))
			c.config_dir = v;
		else if ((v = cli_opt(argc, argv, &i, "--lang")))
			c.lang = v;
		else
			return cli_usage("unknown option '%s'", argv[i]);
	}
	if (strcmp(c.lang, "zh") != 0 && strcmp(c.lang, "en") != 0)
		return cli_usage("--lang must be zh or en, not '%s'", c.lang);
	if (i >= argc) {
		fputs(usage_text, stderr);
		return 2;
	}
	int rc = -1;
	for (size_t k = 0; k < sizeof(commands) / sizeof(commands[0]); k++)
		if (strcmp(commands[k].name, argv[i]) == 0) {
			rc = commands[k].fn(&c, argc - i, argv + i);
			break;
		}
	if (rc == -1)
		rc = cli_usage("unknown command '%s'", argv[i]);
	kiscrm_db_free(c.db);
	return rc;
}
