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
	const char *partner_name, *staff_name; /* --partner / --as given by name: looked up
						  when the database opens */
	kiscrm_db *db;
} cli;

/* Prints "kiscrm: what: <library message>" (with file:line when the error has one) and
 * returns 1 — the exit status of a failed command. */
int cli_fail(const char *what);
/* cli_fail() speaking the command's language: each whole occurrence of subst[k][0] in
 * the library's message (a field or option name: "owner_id") is written as subst[k][1]
 * (the flag: "--owner"). */
int cli_fail_flags(const char *what, const char *const (*subst)[2], size_t n);
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
int cmd_update(cli *c, int argc, char **argv);
int cmd_delete(cli *c, int argc, char **argv);

/* ---- "did you mean" (suggest.c) ---- */

/* Most suggestions of one message. */
#define CLI_SUGGEST_MAX 3

/* The best candidates for a mistyped word: up to three within two edits (counted in
 * characters), else those the word begins — or, for names, those containing it. */
typedef struct cli_suggest {
	const char *typed;
	int names;    /* names of people and companies: see cli_suggest_init() */
	size_t limit; /* most edits of a near miss */
	size_t n;
	struct {
		char *text;
		size_t score;
	} best[CLI_SUGGEST_MAX];
} cli_suggest;

/* Edit distance of two UTF-8 texts in characters (insertions, deletions, substitutions
 * and swaps of neighbours); SIZE_MAX when one is very long. */
size_t cli_edit_distance(const char *a, const char *b);
/* Starts suggestions for @typed; @names: person or company names, where a short name
 * allows one edit only and a candidate containing @typed is suggested. */
void cli_suggest_init(cli_suggest *s, const char *typed, int names);
/* Considers a candidate (copied). */
void cli_suggest_add(cli_suggest *s, const char *candidate);
/* Writes " (did you mean A, B or C?)", or nothing without candidates. */
void cli_suggest_print(const cli_suggest *s, FILE *fp);
void cli_suggest_free(cli_suggest *s);
/* cli_usage() with the suggestions after the message; frees them; returns 2. */
int cli_usage_suggest(cli_suggest *s, const char *fmt, ...);
/* Usage errors with suggestions: an unknown entity name; a field @kind lacks (@what
 * names the command). Return 2. */
int cli_unknown_kind(const char *name);
int cli_unknown_field(const char *what, int kind, const char *name);

/* ---- names for ids (names.c) ---- */

/* A record given on the command line by id or by name (--owner 张伟, owner=张伟). */
typedef struct cli_ref {
	const char *what; /* as the user wrote it, for messages: "--owner", "add: owner" */
	int kind;         /* the kind it names */
	const char *text; /* a name to look up once the database is open; NULL: none */
	kiscrm_id *out;   /* where the id goes */
} cli_ref;

/* 1 if @text is written as an id (digits, or a sign and digits: "-1" is a bad id, not a
 * name). */
int cli_is_id_text(const char *text);
/* Takes an id or a name for @what: an id is stored in *out now (0, or 2 after a usage
 * message), a name is kept in @ref for cli_ref_resolve(). */
int cli_ref_take(cli_ref *ref, const char *what, int kind, const char *text, kiscrm_id *out);
/* Looks up the names of @refs (the database open): 0, or the exit status after printing
 * why — an unknown name (with suggestions) or an ambiguous one (with the candidates). */
int cli_ref_resolve(cli *c, cli_ref *refs, size_t n);
/* Finds the one @kind record named @text for @what (contacts: among @scope_customer's
 * when not 0). Returns 0, or the exit status after printing why. */
int cli_find_by_name(kiscrm_id *out, cli *c, int kind, const char *what, const char *text,
		     kiscrm_id scope_customer);
/* ENTITY ID of show, update and delete (argv[1], argv[2]): the kind and the id of one
 * record given by id or name (the database is opened for a name). Returns 0, or the exit
 * status after printing why. */
int cli_record_arg(int *kind, kiscrm_id *id, cli *c, const char *cmd, char **argv);
/* 1 if records of @kind have a name (or number, subject …) to be named by. */
int cli_kind_has_label(int kind);

/* Names of records by id, read once each (show and list print them beside ids). */
typedef struct cli_labels cli_labels;
/* The label of record @id of @kind (borrowed from the cache, valid until
 * cli_labels_free()), or NULL when it has none or is not visible. */
const char *cli_label(cli_labels **cache, kiscrm_db *db, int kind, kiscrm_id id);
void cli_labels_free(cli_labels *cache);

/* ---- stages (stages.c) ---- */

/* Checks that @stage is a stage of pipeline @pipeline (NULL: the default), or a display
 * name of one, whose key then goes to *key (borrowed from the configuration). Returns 0,
 * or 2 after listing the valid stages with keys and names. */
int cli_check_stage(const char **key, cli *c, const char *what, const char *pipeline, const char *stage);

/* The ids of every customer (caller frees *ids). */
int cli_customer_ids(kiscrm_id **ids, size_t *n, kiscrm_db *db);
/* Warns on stderr about each customer not among @before whose normalised name matches
 * another's; *found counts them. */
int cli_new_duplicates(kiscrm_db *db, const kiscrm_id *before, size_t nbefore, int *found);

/* Imports the Maven Analytics CRM dataset layout from dir (see doc/maven-import.md). */
int cli_import_maven(cli *c, const char *dir);

#endif
