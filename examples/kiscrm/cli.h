/* The kiscrm command-line tool: shared state and helpers of its commands. Built on the
 * public API only. */
#ifndef KISCRM_CLI_H
#define KISCRM_CLI_H

#include <kiscrm.h>
#include <stdio.h>

typedef struct cli {
	const char *db_path;
	const char *backend;
	const char *config_dir;
	const char *lang;
	int lang_given; /* --lang was on the command line */
	int may_create; /* the command may create a missing database file */
	kiscrm_id partner; /* --partner: the principal's partner (0: the company) */
	kiscrm_id staff;   /* --as: the principal's person (0: none) */
	kiscrm_db *db;
} cli;

/* Prints "kiscrm: what: <library message>" (with file:line when the error has one) and
 * returns 1 — the exit status of a failed command. */
int cli_fail(const char *what);
/* Prints a usage error and returns 2. */
int cli_usage(const char *fmt, ...);
/* A positive record id from @text into *out; else a usage message naming @what, and 2. */
int cli_parse_id(kiscrm_id *out, const char *what, const char *text);

/* Opens the database named by the global options (once). A SQLite file that does not
 * exist is an error unless c->may_create (init, import, add, demo-data): a read command
 * must not leave an empty database behind. */
int cli_open(cli *c);

/* Runs a write command's unit of work with kiscrm_db_transact(), rerunning it whole
 * while the database is busy; returns its result. */
int cli_transact(cli *c, kiscrm_transact_fn fn, void *payload);

/* Option parsing for commands: "--name value" or "--name=value"; returns the value and
 * advances *i, or NULL when argv[*i] is not that option. */
const char *cli_opt(int argc, char **argv, int *i, const char *name);
/* 1 if argv[i] is a --help / -h flag. */
int cli_is_help(const char *arg);

/* Writes a table in one of the formats "table", "csv", "json"; returns 0 or 1. */
int cli_print_table(const kiscrm_table *t, const char *format);
/* The same on another stream (import errors go to stderr). */
int cli_print_table_file(const kiscrm_table *t, const char *format, FILE *fp);
/* The same with CSV cells written raw (no quote before =, +, -, @: --raw-csv). */
int cli_print_table_raw(const kiscrm_table *t, const char *format, int raw_csv, FILE *fp);

/* Parses a non-negative decimal count for an option (digits only); prints a usage error
 * and returns -1 when it is not one. */
int cli_parse_count(size_t *out, const char *opt, const char *text);

/* Most --where conditions of one `list`. */
#define CLI_MAX_WHERE 16
/* Parses "FIELD OP VALUE" (OP: = != > >= < <= ~) into a filter condition on a field of
 * kind; the value is converted by the field's type, text borrowed from expr. Returns 0,
 * or the exit status after printing the error. */
int cli_where_parse(kiscrm_filter_cond *out, int kind, const char *expr, int decimals);

int cmd_init(cli *c, int argc, char **argv);
int cmd_history(cli *c, int argc, char **argv);
int cmd_import(cli *c, int argc, char **argv);
int cmd_export(cli *c, int argc, char **argv);
int cmd_list(cli *c, int argc, char **argv);
int cmd_show(cli *c, int argc, char **argv);
int cmd_add(cli *c, int argc, char **argv);
int cmd_move(cli *c, int argc, char **argv);
int cmd_snapshot(cli *c, int argc, char **argv);
int cmd_report(cli *c, int argc, char **argv);
int cmd_reports(cli *c, int argc, char **argv);
int cmd_fields(cli *c, int argc, char **argv);
int cmd_demo_data(cli *c, int argc, char **argv);
int cmd_meeting(cli *c, int argc, char **argv);
int cmd_pack(cli *c, int argc, char **argv);
int cmd_calendar(cli *c, int argc, char **argv);
int cmd_classify_value(cli *c, int argc, char **argv);
int cmd_duplicates(cli *c, int argc, char **argv);
int cmd_mailing_list(cli *c, int argc, char **argv);
int cmd_sla(cli *c, int argc, char **argv);
int cmd_reopen(cli *c, int argc, char **argv);
int cmd_presales_assign(cli *c, int argc, char **argv);
int cmd_quote_submit(cli *c, int argc, char **argv);
int cmd_contract_submit(cli *c, int argc, char **argv);
int cmd_approve(cli *c, int argc, char **argv);
int cmd_merge(cli *c, int argc, char **argv);

/* The ids of every customer (caller frees *ids). */
int cli_customer_ids(kiscrm_id **ids, size_t *n, kiscrm_db *db);
/* Warns on stderr about each customer not among @before whose normalised name matches
 * another's; *found counts them. */
int cli_new_duplicates(kiscrm_db *db, const kiscrm_id *before, size_t nbefore, int *found);

/* Imports the Maven Analytics CRM dataset layout from dir (see doc/maven-import.md). */
int cli_import_maven(cli *c, const char *dir);

#endif
