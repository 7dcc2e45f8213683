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
	"Global options (before the command):\n"
	"  --db PATH        SQLite database file (default: $KISCRM_DB, else kiscrm.db);\n"
	"                   created on first use\n"
	"  --backend NAME   sqlite (default) or memory (nothing is kept after the command)\n"
	"  --config DIR     configuration directory: YAML files there replace the built-in\n"
	"                   defaults (dimensions, pipelines, roles, analysis, settings, kpi)\n"
	"  --lang zh|en     language of display names in reports (default: en; the meeting\n"
	"                   pack is in Chinese unless --lang en is given)\n"
	"  --version        print the library version\n"
	"\n"
	"Commands (each takes --help):\n"
	"  init                         create the database, or migrate it to this version\n"
	"  import ENTITY FILE           import a CSV file (atomic: all rows or none)\n"
	"  import maven DIR             import the Maven Analytics CRM sample dataset\n"
	"  export ENTITY [FILE]         export records as CSV (stdout without FILE)\n"
	"  list ENTITY                  list records (table, csv or json)\n"
	"  show ENTITY ID               show one record, field by field\n"
	"  add ENTITY FIELD=VALUE...    add a record, print its id\n"
	"  move OPPORTUNITY_ID STAGE    move an opportunity to another stage\n"
	"  fields [ENTITY]              list the entities, or the fields of one with types\n"
	"  snapshot                     save this week's eight-week rolling budget\n"
	"  report NAME                  run a report (table, csv or json)\n"
	"  reports                      list the reports with a description\n"
	"  demo-data                    fill an empty database with a demo company\n"
	"  meeting                      print the weekly meeting pack (周例会)\n"
	"\n"
	"Entities (ENTITY): department 部门, staff 员工, customer 客户, customer_attr (custom\n"
	"attributes), contact 联系人, lead 线索, opportunity 商机, stage_history, contract 合同,\n"
	"collection_plan 收款计划, collection 回款, target 业绩指标, snapshot, snapshot_line,\n"
	"kpi_score, evidence, exam_result, experience, training. `kiscrm fields ENTITY` lists\n"
	"the fields with their types; field names are the CSV column names.\n"
	"\n"
	"Values: money is decimal text with the currency's decimals (1234.56, never rounded:\n"
	"more decimals are an error), dates YYYY-MM-DD, times YYYY-MM-DDTHH:MM:SSZ, text UTF-8.\n"
	"\n"
	"Output formats (--format of list and report):\n"
	"  table  aligned for a terminal (a Chinese character is two columns wide), money with\n"
	"         thousands separators, rates with two decimals, totals set apart (default)\n"
	"  csv    RFC 4180 with a header row, money as exact decimals, dates ISO, UTF-8\n"
	"  json   {\"columns\":[{\"name\":...,\"type\":...}],\"rows\":[[...],...]}; money as exact\n"
	"         decimal strings, dates ISO strings, rates numbers, NULL null\n"
	"\n"
	"Exit status: 0 success; 1 the library refused or failed (its message is printed on\n"
	"stderr as `kiscrm: WHAT: MESSAGE`, import errors also as a table of rows); 2 usage\n"
	"error (unknown command or option, bad argument).\n"
	"\n"
	"Example: kiscrm --db demo.db demo-data && kiscrm --db demo.db meeting\n"
	"         kiscrm --db demo.db report win-rate --by owner --format json\n";

int cli_fail(const char *what)
{
	const kiscrm_error *e = kiscrm_error_last();
	/* Import messages already start with "file:line: ". */
	if (e->file && e->line && strncmp(e->message, e->file, strlen(e->file)) != 0)
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
	return cli_print_table_file(t, format, stdout);
}

int cli_print_table_file(const kiscrm_table *t, const char *format, FILE *fp)
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
		fputs(out.ptr, fp);
	if (!out.size || out.ptr[out.size - 1] != '\n')
		fputc('\n', fp);
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
	{ "fields", cmd_fields }, { "demo-data", cmd_demo_data }, { "meeting", cmd_meeting },
};

int main(int argc, char **argv)
{
	cli c = { getenv("KISCRM_DB") ? getenv("KISCRM_DB") : "kiscrm.db", NULL, NULL, "en", 0, NULL };
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
		else if ((v = cli_opt(argc, argv, &i, "--lang"))) {
			c.lang = v;
			c.lang_given = 1;
		}
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
