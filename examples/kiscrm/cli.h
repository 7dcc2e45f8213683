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
	kiscrm_db *db;
} cli;

/* Prints "kiscrm: what: <library message>" (with file:line when the error has one) and
 * returns 1 — the exit status of a failed command. */
int cli_fail(const char *what);
/* Prints a usage error and returns 2. */
int cli_usage(const char *fmt, ...);

/* Opens the database named by the global options (once). */
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

int cmd_init(cli *c, int argc, char **argv);
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

/* Imports the Maven Analytics CRM dataset layout from dir (see doc/maven-import.md). */
int cli_import_maven(cli *c, const char *dir);

#endif
