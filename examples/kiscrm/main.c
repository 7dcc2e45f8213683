/* kiscrm: the command-line face of libkiscrm. Every command is built on the public API;
 * failures print the library's message and exit non-zero. */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char usage_text[] =
	"usage: kiscrm [--db PATH] [--backend sqlite|memory|postgresql] [--config DIR] [--lang zh|en]\n"
	"              [--partner PARTNER] [--as STAFF] COMMAND [ARGS...]\n"
	"\n"
	"Sales management for software reseller partners (libkiscrm " KISCRM_VERSION_STRING ").\n"
	"\n"
	"Global options (before the command):\n"
	"  --db PATH        SQLite database file (default: $KISCRM_DB, else kiscrm.db; an\n"
	"                   empty PATH or KISCRM_DB is an error); only init, import, add and\n"
	"                   demo-data create a missing file, other commands refuse it\n"
	"  --backend NAME   sqlite (default), memory (nothing is kept after the command) or\n"
	"                   postgresql (--db is then a libpq connection string such as\n"
	"                   'postgresql:///crm' or 'host=db1 dbname=crm'; doc/postgresql.md)\n"
	"  --config DIR     configuration directory: YAML files there replace the built-in\n"
	"                   defaults (dimensions, pipelines, roles, analysis, settings, kpi)\n"
	"  --lang zh|en     language of display names in reports (default: en; the meeting\n"
	"                   pack is in Chinese unless --lang en is given)\n"
	"  --partner PARTNER\n"
	"                   act as a second-tier partner (id or name): every command sees\n"
	"                   and changes that partner's records only (foreign ids are \"not\n"
	"                   found\")\n"
	"  --as STAFF       act as this person (id or name; recorded in the audit log; with\n"
	"                   --partner, one of the partner's people)\n"
	"  --version        print the library version\n"
	"\n"
	"Commands (each takes --help):\n"
	"  init                         create the database, or migrate it to this version\n"
	"  import ENTITY FILE           import a CSV file (atomic: all rows or none)\n"
	"  import maven DIR             import the Maven Analytics CRM sample dataset\n"
	"  export ENTITY [FILE]         export records as CSV (stdout without FILE; the file\n"
	"                               is replaced only once complete)\n"
	"  list ENTITY                  list records (table, csv or json)\n"
	"  show ENTITY ID               show one record, field by field\n"
	"  add ENTITY FIELD=VALUE...    add a record, print its id\n"
	"  update ENTITY ID FIELD=VALUE...  change the given fields of a record\n"
	"  delete ENTITY ID [--cascade] delete a record (--cascade: and what it owns)\n"
	"  move OPPORTUNITY_ID STAGE    move an opportunity to another stage\n"
	"  fields [ENTITY]              list the entities, or the fields of one with types\n"
	"  snapshot                     save this week's eight-week rolling budget\n"
	"  report NAME                  run a report (table, csv or json)\n"
	"  reports                      list the reports with a description\n"
	"  demo-data                    fill an empty database with a demo company\n"
	"  meeting                      print the weekly meeting pack (周例会)\n"
"  pack weekly|monthly|quarterly  a meeting pack as text, HTML, CSV or XLSX\n"
	"  calendar                     activities of a window, double bookings, iCalendar\n"
	"  classify-value               store the customers' A/B/C value classes of a window\n"
	"  duplicates customer          customers whose normalised names are the same\n"
	"  merge customer KEEP OTHER…   merge duplicate customers into one\n"
	"  mailing-list                 invitation list: each person once, opt-outs left out\n"
	"  sla                          service requests: deadlines, breaches, escalation\n"
	"  reopen REQUEST_ID            reopen a resolved or closed service request\n"
	"  presales-assign              assign engineers to the presales queue by weight\n"
	"  quote-submit QUOTE_ID        submit a quote for price approval (价格审批)\n"
	"  contract-submit CONTRACT_ID  submit a contract for contract approval (合同审批)\n"
	"  approve APPROVAL_ID --by ID  decide an approval within the approver's role limits\n";

/* The rest of the help, from the last commands on (one string would pass the 4095
 * characters C compilers must take). */
static const char usage_more[] =
	"  history ENTITY ID            who changed a record when, field by field (audit log)\n"
	"  help [COMMAND]               this help, or a command's (as COMMAND --help)\n"
	"\n"
	"Entities (ENTITY): department 部门, staff 员工, customer 客户, contact 联系人, lead 线索,\n"
	"opportunity 商机, contract 合同, collection 回款, target 业绩指标, activity 活动 … —\n"
	"`kiscrm fields` lists all of them, `kiscrm fields ENTITY` lists\n"
	"the fields with their types; field names are the CSV column names.\n"
	"\n"
	"Records are named by id or by name: --owner 张伟, --department 直销一部, --customer and\n"
	"add/update's customer=, owner=, department= … take a name (a customer's normalised\n"
	"name too); two records of one name are an error listing them with their ids.\n"
	"\n"
	"Values: money is decimal text with the currency's decimals (1234.56, never rounded:\n"
	"more decimals are an error), dates YYYY-MM-DD, times YYYY-MM-DDTHH:MM:SSZ, text UTF-8.\n"
	"\n"
	"Output formats (--format of list and report):\n"
	"  table  aligned for a terminal (a Chinese character is two columns wide), money with\n"
	"         thousands separators, rates with two decimals, totals set apart (default)\n"
	"  csv    RFC 4180 with a header row, money as exact decimals, dates ISO, UTF-8; a\n"
	"         text starting with = + - @ tab or CR gets a leading ' so that spreadsheets\n"
	"         do not run it as a formula (import takes it away; --raw-csv writes raw)\n"
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
	if (e->file && e->line && e->column && strncmp(e->message, e->file, strlen(e->file)) != 0)
		fprintf(stderr, "kiscrm: %s: %s:%d:%d: %s\n", what, e->file, e->line, e->column,
			e->message);
	else if (e->file && e->line && strncmp(e->message, e->file, strlen(e->file)) != 0)
		fprintf(stderr, "kiscrm: %s: %s:%d: %s\n", what, e->file, e->line, e->message);
	else
		fprintf(stderr, "kiscrm: %s: %s\n", what, e->message);
	return 1;
}

/* 1 if @c can be part of a library name (owner_id): replacements match whole names. */
static int name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

int cli_fail_flags(const char *what, const char *const (*subst)[2], size_t n)
{
	const char *m = kiscrm_error_last()->message;
	const kiscrm_error *e = kiscrm_error_last();
	if (e->file && e->line)
		return cli_fail(what); /* a file's message names the file's columns */
	fprintf(stderr, "kiscrm: %s: ", what);
	for (const char *p = m; *p;) {
		size_t k = 0;
		for (; k < n; k++) {
			size_t len = strlen(subst[k][0]);
			const char *from = subst[k][0];
			if (strncmp(p, from, len) == 0 && (p == m || !name_char(from[0]) || !name_char(p[-1])) &&
			    (!name_char(from[len - 1]) || !name_char(p[len])))
				break;
		}
		if (k < n) {
			fputs(subst[k][1], stderr);
			p += strlen(subst[k][0]);
		} else {
			fputc(*p++, stderr);
		}
	}
	fputc('\n', stderr);
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

int cli_parse_count(size_t *out, const char *opt, const char *text)
{
	char *end;
	if (!*text || strspn(text, "0123456789") != strlen(text)) {
		cli_usage("%s: '%s' is not a count (0, 1, 2 ...)", opt, text);
		return -1;
	}
	errno = 0;
	unsigned long long v = strtoull(text, &end, 10);
	if (errno || v > SIZE_MAX) {
		cli_usage("%s: '%s' is too large", opt, text);
		return -1;
	}
	*out = (size_t)v;
	return 0;
}

/* The SQLite file exists, or this command may create it (the other backends have no
 * file: for PostgreSQL the path is a connection string). */
static int check_exists(const cli *c)
{
	struct stat st;
	if (c->may_create || (c->backend && strcmp(c->backend, "sqlite") != 0) ||
	    stat(c->db_path, &st) == 0 || errno != ENOENT)
		return 0;
	fprintf(stderr, "kiscrm: %s: the database file does not exist (create it with `kiscrm "
		"--db %s init`, or give the right --db or KISCRM_DB)\n", c->db_path, c->db_path);
	return 1;
}

int cli_open(cli *c)
{
	if (c->db)
		return 0;
	if (check_exists(c))
		return 1;
	kiscrm_db_options o = KISCRM_DB_OPTIONS_INIT;
	o.backend = c->backend;
	o.path = c->db_path;
	o.config_dir = c->config_dir;
	/* A connection string may hold a password: it is not repeated in messages. */
	if (kiscrm_db_open(&c->db, &o) < 0)
		return cli_fail(c->backend && strcmp(c->backend, "postgresql") == 0 ? "PostgreSQL"
									      : c->db_path);
	/* The library keeps no clock: the tool's business date is the system's (UTC) date. */
	if (kiscrm_db_set_today(c->db, kiscrm_time_date((kiscrm_time)time(NULL))) < 0)
		return cli_fail("today");
	/* A partner or person given by name is found before the principal binds the handle,
	 * as any name is: among every record (an unknown name is listed with suggestions, an
	 * ambiguous one with the candidates' ids to give instead). */
	int rc;
	if (c->partner_name &&
	    (rc = cli_find_by_name(&c->partner, c, KISCRM_KIND_PARTNER, "--partner", c->partner_name, 0)) != 0)
		return rc;
	if (c->staff_name && (rc = cli_find_by_name(&c->staff, c, KISCRM_KIND_STAFF, "--as", c->staff_name, 0)) != 0)
		return rc;
	if (c->partner || c->staff) {
		kiscrm_principal p = KISCRM_PRINCIPAL_INIT;
		p.partner_id = c->partner;
		p.staff_id = c->staff;
		if (kiscrm_db_set_principal(c->db, &p) < 0)
			return cli_fail(c->partner ? "--partner" : "--as");
	}
	return 0;
}

int cli_print_table(const kiscrm_table *t, const char *format)
{
	return cli_print_table_file(t, format, stdout);
}

int cli_print_table_file(const kiscrm_table *t, const char *format, FILE *fp)
{
	return cli_print_table_raw(t, format, 0, fp);
}

int cli_print_table_raw(const kiscrm_table *t, const char *format, int raw_csv, FILE *fp)
{
	kiscrm_buf out = KISCRM_BUF_INIT;
	kiscrm_csv_write_options csv = KISCRM_CSV_WRITE_OPTIONS_INIT;
	int rc;
	if (raw_csv && (!format || strcmp(format, "csv") != 0))
		return cli_usage("--raw-csv needs --format csv");
	csv.flags = raw_csv ? KISCRM_CSV_RAW_CELLS : 0;
	if (!format || strcmp(format, "table") == 0)
		rc = kiscrm_table_write_text(&out, t);
	else if (strcmp(format, "csv") == 0)
		rc = kiscrm_table_write_csv_with(&out, t, &csv);
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
	/* CSV and JSON carry no notes: say them on stderr, so that a file stays data */
	int text = !format || strcmp(format, "table") == 0;
	for (size_t i = 0; !text && i < kiscrm_table_note_count(t); i++)
		fprintf(stderr, "note: %s\n", kiscrm_table_note(t, i));
	return 0;
}

static int cmd_help(cli *c, int argc, char **argv);

static const struct {
	const char *name;
	int (*fn)(cli *c, int argc, char **argv);
} commands[] = {
	{ "init", cmd_init }, { "import", cmd_import }, { "export", cmd_export },
	{ "list", cmd_list }, { "show", cmd_show }, { "add", cmd_add }, { "move", cmd_move },
	{ "snapshot", cmd_snapshot }, { "report", cmd_report }, { "reports", cmd_reports },
	{ "fields", cmd_fields }, { "demo-data", cmd_demo_data }, { "meeting", cmd_meeting },
	{ "pack", cmd_pack },
	{ "calendar", cmd_calendar }, { "classify-value", cmd_classify_value },
	{ "duplicates", cmd_duplicates }, { "merge", cmd_merge }, { "mailing-list", cmd_mailing_list },
	{ "sla", cmd_sla }, { "reopen", cmd_reopen }, { "presales-assign", cmd_presales_assign },
	{ "quote-submit", cmd_quote_submit }, { "contract-submit", cmd_contract_submit }, { "approve", cmd_approve },
	{ "history", cmd_history }, { "update", cmd_update }, { "delete", cmd_delete },
	{ "help", cmd_help },
};

static int unknown_command(const char *name)
{
	cli_suggest s;
	cli_suggest_init(&s, name, 0);
	for (size_t k = 0; k < sizeof(commands) / sizeof(commands[0]); k++)
		cli_suggest_add(&s, commands[k].name);
	return cli_usage_suggest(&s, "unknown command '%s'", name);
}

/* `kiscrm help` is `kiscrm --help`; `kiscrm help COMMAND` is `kiscrm COMMAND --help`. */
static int cmd_help(cli *c, int argc, char **argv)
{
	static char help_flag[] = "--help";
	if (argc < 2 || cli_is_help(argv[1])) {
		fputs(usage_text, stdout);
		fputs(usage_more, stdout);
		return 0;
	}
	if (argc > 2)
		return cli_usage("help: one command at a time (help COMMAND)");
	for (size_t k = 0; k < sizeof(commands) / sizeof(commands[0]); k++)
		if (strcmp(commands[k].name, argv[1]) == 0) {
			char *args[] = { argv[1], help_flag, NULL };
			return commands[k].fn(c, 2, args);
		}
	return unknown_command(argv[1]);
}

/* The commands that may create the database file; the others need it to exist. */
static int creates_database(const char *command)
{
	static const char *const creators[] = { "init", "import", "add", "demo-data" };
	for (size_t k = 0; k < sizeof(creators) / sizeof(creators[0]); k++)
		if (strcmp(creators[k], command) == 0)
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	const char *env = getenv("KISCRM_DB");
	cli c = { .db_path = env ? env : "kiscrm.db", .lang = "en" };
	int i = 1, db_given = 0;
	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *v;
		if (cli_is_help(argv[i])) {
			fputs(usage_text, stdout);
			fputs(usage_more, stdout);
			return 0;
		} else if (strcmp(argv[i], "--version") == 0) {
			printf("kiscrm %s\n", kiscrm_version_string());
			return 0;
		} else if ((v = cli_opt(argc, argv, &i, "--db"))) {
			c.db_path = v;
			db_given = 1;
		}
		else if ((v = cli_opt(argc, argv, &i, "--backend")))
			c.backend = v;
		else if ((v = cli_opt(argc, argv, &i, "--config")))
			c.config_dir = v;
		else if ((v = cli_opt(argc, argv, &i, "--partner"))) {
			if (*v && !cli_is_id_text(v))
				c.partner_name = v;
			else if (cli_parse_id(&c.partner, "--partner", v))
				return 2;
		} else if ((v = cli_opt(argc, argv, &i, "--as"))) {
			if (*v && !cli_is_id_text(v))
				c.staff_name = v;
			else if (cli_parse_id(&c.staff, "--as", v))
				return 2;
		}
		else if ((v = cli_opt(argc, argv, &i, "--lang"))) {
			c.lang = v;
			c.lang_given = 1;
		}
		else
			return cli_usage("unknown option '%s'", argv[i]);
	}
	/* An empty path would be a private in-memory SQLite database: the command would
	 * seem to work and keep nothing. */
	if (!*c.db_path)
		return cli_usage(db_given ? "--db: the database path is empty"
					  : "KISCRM_DB is set but empty: set it to a database file, "
					    "unset it (default kiscrm.db) or give --db PATH");
	if (strcmp(c.lang, "zh") != 0 && strcmp(c.lang, "en") != 0)
		return cli_usage("--lang must be zh or en, not '%s'", c.lang);
	if (i >= argc) {
		fputs(usage_text, stderr);
		fputs(usage_more, stderr);
		return 2;
	}
	int rc = -1;
	c.may_create = creates_database(argv[i]);
	for (size_t k = 0; k < sizeof(commands) / sizeof(commands[0]); k++)
		if (strcmp(commands[k].name, argv[i]) == 0) {
			rc = commands[k].fn(&c, argc - i, argv + i);
			break;
		}
	if (rc == -1)
		rc = unknown_command(argv[i]);
	kiscrm_db_free(c.db);
	return rc;
}
