/* The record and report commands of the kiscrm tool. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Parses "YYYY-MM-DD" for an option; prints a usage error on failure. */
static int parse_date(kiscrm_date *out, const char *opt, const char *text)
{
	if (kiscrm_date_parse(out, text) < 0) {
		cli_usage("%s: '%s' is not a date (YYYY-MM-DD)", opt, text);
		return -1;
	}
	return 0;
}

int cli_parse_id(kiscrm_id *out, const char *what, const char *text)
{
	char *end;
	long long v = strtoll(text, &end, 10);
	if (!*text || *end || v <= 0)
		return cli_usage("%s: '%s' is not a record id", what, text);
	*out = v;
	return 0;
}

static int parse_kind(const char *name)
{
	int kind = kiscrm_kind_find(name);
	if (kind < 0)
		cli_unknown_kind(name);
	return kind;
}

int cmd_init(cli *c, int argc, char **argv)
{
	if (argc > 1 && cli_is_help(argv[1])) {
		puts("usage: kiscrm init\n\nCreates the database (or migrates an older one to schema version "
		     "of this library) and checks the configuration.");
		return 0;
	}
	if (argc > 1)
		return cli_usage("init takes no arguments");
	if (cli_open(c))
		return 1;
	/* A PostgreSQL "path" is a connection string that may carry a password: never
	 * echo it (the library's own messages do not either). */
	if (c->backend && strcmp(c->backend, "postgresql") == 0)
		printf("PostgreSQL database ready (schema version %d)\n", kiscrm_schema_version());
	else
		printf("database %s ready (schema version %d)\n", c->db_path, kiscrm_schema_version());
	return 0;
}

/* The CSV output encodings (kiscrm_csv_write_options.encoding); else a usage error. */
static int check_encoding(const char *v)
{
	if (strcmp(v, "utf-8") == 0 || strcmp(v, "utf-8-bom") == 0 || strcmp(v, "gbk") == 0)
		return 0;
	cli_usage("--encoding: '%s' is not utf-8, utf-8-bom or gbk", v);
	return 1;
}

static const char export_help[] =
	"usage: kiscrm export ENTITY [FILE] [--raw-csv] [--encoding utf-8|utf-8-bom|gbk]\n"
	"\n"
	"Writes every record of ENTITY as CSV: a header of field names, money as exact\n"
	"decimals, dates ISO-8601; to FILE, else to stdout. FILE is written to a\n"
	"temporary file next to it and renamed over it once complete: on any error FILE is\n"
	"left as it was. The database file itself (and its -wal, -shm, -journal) is refused.\n"
	"A text starting with = + - @ tab or CR is written with a leading ' so that a\n"
	"spreadsheet does not run it as a formula; import takes the quote away again.\n"
	"  --raw-csv   write such texts as they are (unsafe to open in a spreadsheet)\n"
	"  --encoding  utf-8-bom (the default for FILE: Excel recognises UTF-8 by the mark),\n"
	"              utf-8 (the default for stdout) or gbk (what Chinese Excel reads\n"
	"              without asking); a character GBK lacks is an error naming its row\n"
	"              and column, and nothing is written\n"
	"Options may come before or after ENTITY and FILE; `--` ends the options.";

int cmd_export(cli *c, int argc, char **argv)
{
	const char *pos[2] = { NULL, NULL };
	int npos = 0, options = 1;
	kiscrm_csv_write_options o = KISCRM_CSV_WRITE_OPTIONS_INIT;
	const char *v;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (options && strcmp(a, "--") == 0) {
			options = 0;
		} else if (options && cli_is_help(a)) {
			puts(export_help);
			return 0;
		} else if (options && strcmp(a, "--raw-csv") == 0) {
			o.flags |= KISCRM_CSV_RAW_CELLS;
		} else if (options && (v = cli_opt(argc, argv, &i, "--encoding"))) {
			if (check_encoding(v))
				return 2;
			o.encoding = v;
		} else if (options && a[0] == '-' && a[1]) {
			return cli_usage("export: unknown option '%s'", a);
		} else if (npos == 2) {
			return cli_usage("export: unexpected argument '%s' (export ENTITY [FILE])", a);
		} else {
			pos[npos++] = a;
		}
	}
	if (npos == 0) {
		puts(export_help);
		return 2;
	}
	int kind = parse_kind(pos[0]);
	if (kind < 0)
		return 2;
	if (cli_open(c))
		return 1;
	if (pos[1]) {
		/* A file is for a spreadsheet: UTF-8 with the mark Excel needs, unless told. */
		if (!o.encoding)
			o.encoding = "utf-8-bom";
		if (kiscrm_csv_export_file(c->db, kind, pos[1], NULL, &o) < 0)
			return cli_fail(pos[1]);
		return 0;
	}
	kiscrm_buf out = KISCRM_BUF_INIT;
	int rc = kiscrm_csv_export(&out, c->db, kind, NULL, &o);
	if (rc == 0 && out.ptr)
		fwrite(out.ptr, 1, out.size, stdout);
	kiscrm_buf_dispose(&out); /* on failure too: it may hold the rows before the bad one */
	return rc < 0 ? cli_fail("export") : 0;
}

/* A reference cell of `list` whose name is written beside the id once the records are
 * read (names are not read while the iterator is open). */
typedef struct {
	size_t row, col;
	int kind;
	kiscrm_id id;
} pending_label;

/* Writes "3 张伟" into the pending cells; an id without a name stays as it is. */
static int write_labels(kiscrm_table *t, cli *c, const pending_label *p, size_t n)
{
	cli_labels *cache = NULL;
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		const char *label = cli_label(&cache, c->db, p[i].kind, p[i].id);
		size_t len = (label ? strlen(label) : 0) + 24;
		char *cell = malloc(len);
		if (!cell) {
			rc = KISCRM_ENOMEM;
			break;
		}
		snprintf(cell, len, label ? "%lld %s" : "%lld", (long long)p[i].id, label);
		rc = kiscrm_table_set_text(t, p[i].row, p[i].col, cell);
		free(cell);
	}
	cli_labels_free(cache);
	return rc;
}

/* Builds a table of the given kind's records (all fields) under a filter. With @labels
 * (table output) a reference to a record with a name is a text column "3 张伟"; CSV and
 * JSON keep the ids alone, the columns of an export. */
static int records_table(kiscrm_table **out, cli *c, int kind, const kiscrm_filter *f, int labels)
{
	pending_label *pend = NULL;
	size_t npend = 0, cap = 0;
	kiscrm_table *t = NULL;
	kiscrm_iter *it = NULL;
	kiscrm_buf cell = KISCRM_BUF_INIT;
	const kiscrm_record *rec;
	int n = kiscrm_kind_field_count(kind), rc;
	int decimals = kiscrm_config_currency_decimals(kiscrm_db_config(c->db));

	if ((rc = kiscrm_table_new(&t, kiscrm_kind_name(kind))) < 0)
		return rc;
	for (int i = 0; rc == 0 && i < n; i++) {
		int fid = kiscrm_kind_field_id(kind, i), ref = kiscrm_kind_field_ref(kind, fid);
		kiscrm_type type = kiscrm_kind_field_type(kind, fid);
		if (labels && ref && cli_kind_has_label(ref))
			type = KISCRM_TYPE_TEXT;
		rc = kiscrm_table_add_column(t, kiscrm_kind_field_name(kind, fid), type);
	}
	if (rc == 0)
		rc = kiscrm_table_set_money_decimals(t, decimals);
	if (rc == 0)
		rc = kiscrm_iter_new(&it, c->db, kind, f);
	while (rc == 0 && (rc = kiscrm_iter_next(&rec, it)) == 0) {
		int row = kiscrm_table_add_row(t, KISCRM_ROW_DETAIL);
		for (int i = 0; row >= 0 && rc == 0 && i < n; i++) {
			int fid = kiscrm_kind_field_id(kind, i);
			if (kiscrm_record_is_null(rec, fid))
				continue;
			int ref = kiscrm_kind_field_ref(kind, fid);
			if (labels && ref && cli_kind_has_label(ref)) {
				if (npend == cap) {
					pending_label *p = realloc(pend, (cap = cap ? cap * 2 : 256) * sizeof(*p));
					if (!p) {
						rc = KISCRM_ENOMEM;
						break;
					}
					pend = p;
				}
				pending_label l = { (size_t)row, (size_t)i, ref, kiscrm_record_int(rec, fid) };
				pend[npend++] = l;
				continue;
			}
			switch (kiscrm_kind_field_type(kind, fid)) {
			case KISCRM_TYPE_TEXT:
				rc = kiscrm_table_set_text(t, (size_t)row, (size_t)i, kiscrm_record_text(rec, fid));
				break;
			case KISCRM_TYPE_RATE:
				rc = kiscrm_table_set_rate(t, (size_t)row, (size_t)i, kiscrm_record_rate(rec, fid));
				break;
			default:
				rc = kiscrm_table_set_int(t, (size_t)row, (size_t)i, kiscrm_record_int(rec, fid));
			}
		}
		if (row < 0)
			rc = row;
	}
	kiscrm_iter_free(it);
	kiscrm_buf_dispose(&cell);
	if (rc == KISCRM_ITEROVER && npend)
		rc = write_labels(t, c, pend, npend) == 0 ? KISCRM_ITEROVER : KISCRM_ENOMEM;
	free(pend);
	if (rc != KISCRM_ITEROVER) {
		kiscrm_table_free(t);
		return rc < 0 ? rc : KISCRM_ERROR;
	}
	*out = t;
	return 0;
}

/* A criterion of `list` on a field the kind lacks, named by its option. */
static int check_filters(int kind, const kiscrm_filter *f, const cli_ref *refs)
{
	const struct {
		int given;
		const char *option, *field;
	} opts[] = {
		{ f->owner_id || refs[0].text, "--owner", "owner_id" },
		{ f->department_id || refs[1].text, "--department", "department_id" },
		{ f->customer_id || refs[2].text, "--customer", "customer_id" },
		{ f->region != NULL, "--region", "region" },
		{ f->industry != NULL, "--industry", "industry" },
		{ f->name_contains != NULL, "--name", "name" },
		{ f->key_account >= 0, "--key-account", "key_account" },
	};
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		if (opts[i].given && kiscrm_kind_field_find(kind, opts[i].field) < 0)
			return cli_usage("list: %s does not apply to %s records", opts[i].option, kiscrm_kind_name(kind));
	return 0;
}

int cmd_list(cli *c, int argc, char **argv)
{
	if (argc < 2 || cli_is_help(argv[1])) {
		puts("usage: kiscrm list ENTITY [--owner ID|NAME] [--department ID|NAME] [--customer ID|NAME]\n"
		     "                   [--region KEY] [--industry KEY] [--name TEXT] [--key-account 0|1]\n"
		     "                   [--where FIELD OP VALUE]... [--format table|csv|json] [--raw-csv]\n\n"
		     "Lists the records of ENTITY matching every given criterion. --owner, --department\n"
		     "and --customer take an id or a name (a customer's exact or normalised name).\n"
		     "Table output shows a reference with its record's name (\"3 张伟\"); csv and json\n"
		     "keep the ids alone, as export writes them.\n"
		     "--where compares any field of ENTITY with a value written as in CSV files\n"
		     "(money 1234.56, dates YYYY-MM-DD); OP is = != > >= < <= or ~ (text contains).\n"
		     "An empty value means NULL: --where note= lists records without a note.\n"
		     "Example: kiscrm list collection_plan --where opportunity_id=12 --where due>=2026-01-01\n"
		     "--raw-csv: with --format csv, texts starting with = + - @ tab or CR are written as\n"
		     "they are (by default with a leading ' so that spreadsheets show them as text).");
		return argc < 2 ? 2 : 0;
	}
	int kind = parse_kind(argv[1]);
	if (kind < 0)
		return 2;
	kiscrm_filter f = KISCRM_FILTER_INIT;
	const char *format = "table", *v;
	const char *where[CLI_MAX_WHERE];
	kiscrm_filter_cond conds[CLI_MAX_WHERE];
	size_t nwhere = 0;
	int raw_csv = 0;
	cli_ref refs[3] = { { 0 } }; /* --owner, --department, --customer */
	for (int i = 2; i < argc; i++) {
		if ((v = cli_opt(argc, argv, &i, "--where"))) {
			if (nwhere == CLI_MAX_WHERE)
				return cli_usage("list: at most %d --where conditions", CLI_MAX_WHERE);
			where[nwhere++] = v;
		} else if ((v = cli_opt(argc, argv, &i, "--owner"))) {
			if (cli_ref_take(&refs[0], "--owner", KISCRM_KIND_STAFF, v, &f.owner_id))
				return 2;
		} else if ((v = cli_opt(argc, argv, &i, "--department"))) {
			if (cli_ref_take(&refs[1], "--department", KISCRM_KIND_DEPARTMENT, v, &f.department_id))
				return 2;
		} else if ((v = cli_opt(argc, argv, &i, "--customer"))) {
			if (cli_ref_take(&refs[2], "--customer", KISCRM_KIND_CUSTOMER, v, &f.customer_id))
				return 2;
		} else if ((v = cli_opt(argc, argv, &i, "--region")))
			f.region = v;
		else if ((v = cli_opt(argc, argv, &i, "--industry")))
			f.industry = v;
		else if ((v = cli_opt(argc, argv, &i, "--name")))
			f.name_contains = v;
		else if ((v = cli_opt(argc, argv, &i, "--key-account"))) {
			if (strcmp(v, "0") != 0 && strcmp(v, "1") != 0)
				return cli_usage("--key-account: '%s' is not 0 or 1", v);
			f.key_account = v[0] == '1';
		} else if ((v = cli_opt(argc, argv, &i, "--format")))
			format = v;
		else if (strcmp(argv[i], "--raw-csv") == 0)
			raw_csv = 1;
		else
			return cli_usage("list: unknown option '%s'", argv[i]);
	}
	if (raw_csv && strcmp(format, "csv") != 0)
		return cli_usage("--raw-csv needs --format csv");
	int rc = check_filters(kind, &f, refs);
	if (rc)
		return rc;
	if (cli_open(c))
		return 1;
	rc = cli_ref_resolve(c, refs, 3);
	if (rc)
		return rc;
	int decimals = kiscrm_config_currency_decimals(kiscrm_db_config(c->db));
	for (size_t k = 0; k < nwhere; k++) {
		rc = cli_where_parse(&conds[k], kind, where[k], decimals);
		if (rc)
			return rc;
	}
	f.ncond = nwhere;
	f.conds = conds;
	kiscrm_table *t;
	if (records_table(&t, c, kind, &f, strcmp(format, "table") == 0) < 0)
		return cli_fail("list");
	rc = cli_print_table_raw(t, format, raw_csv, stdout);
	kiscrm_table_free(t);
	return rc;
}

int cmd_history(cli *c, int argc, char **argv)
{
	const char *format = "table";
	if (argc < 3 || cli_is_help(argv[1])) {
		puts("usage: kiscrm history ENTITY ID [--format table|csv|json]\n\n"
		     "The audit log of one record (审计日志): each insert, update, delete and merge with\n"
		     "its business date, time (when the change gave one), person, library job and the\n"
		     "changed fields' old and new values as JSON. A deleted record's history remains.");
		return argc < 3 && !(argc > 1 && cli_is_help(argv[1])) ? 2 : 0;
	}
	kiscrm_id id = 0;
	int kind = parse_kind(argv[1]);
	if (kind < 0 || cli_parse_id(&id, "history", argv[2]))
		return 2;
	for (int i = 3; i < argc; i++) {
		const char *v;
		if ((v = cli_opt(argc, argv, &i, "--format")))
			format = v;
		else
			return cli_usage("history: unknown option '%s'", argv[i]);
	}
	if (cli_open(c))
		return 1;
	kiscrm_table *t = NULL;
	if (kiscrm_audit_history(&t, c->db, kind, id) < 0)
		return cli_fail("history");
	int rc = cli_print_table(t, format);
	kiscrm_table_free(t);
	return rc;
}

int cmd_show(cli *c, int argc, char **argv)
{
	int timeline = argc == 4 && strcmp(argv[3], "--timeline") == 0;
	if ((argc != 3 && !timeline) || cli_is_help(argv[1])) {
		puts("usage: kiscrm show ENTITY ID\n       kiscrm show customer ID --timeline\n\n"
		     "Prints every field of one record, a reference with its record's name:\n"
		     "owner_id  3 (张伟). ID is an id or a name (a customer's normalised name too).\n"
		     "--timeline prints a customer's 360° view: contacts, opportunities and their\n"
		     "moves, contracts, instalments, collections and activities in date order.");
		return argc != 3 && !timeline && !(argc > 1 && cli_is_help(argv[1])) ? 2 : 0;
	}
	kiscrm_id id = 0;
	int kind, rc = cli_record_arg(&kind, &id, c, "show", argv);
	if (rc)
		return rc;
	if (timeline && kind != KISCRM_KIND_CUSTOMER)
		return cli_usage("show: --timeline is for a customer, not '%s'", argv[1]);
	if (cli_open(c))
		return 1;
	if (timeline) {
		kiscrm_table *t = NULL;
		if (kiscrm_customer_timeline(&t, c->db, id) < 0)
			return cli_fail("show");
		rc = cli_print_table(t, "table");
		kiscrm_table_free(t);
		return rc;
	}
	kiscrm_record *rec;
	if (kiscrm_record_get(&rec, c->db, kind, id) < 0)
		return cli_fail("show");
	int decimals = kiscrm_config_currency_decimals(kiscrm_db_config(c->db));
	kiscrm_buf v = KISCRM_BUF_INIT;
	cli_labels *labels = NULL;
	for (int i = 0; i < kiscrm_kind_field_count(kind); i++) {
		v.size = 0;
		if (v.ptr)
			v.ptr[0] = '\0';
		int fid = kiscrm_kind_field_id(kind, i);
		kiscrm_record_field_to_text(&v, rec, fid, decimals);
		const char *label = kiscrm_record_is_null(rec, fid) ? NULL
			: cli_label(&labels, c->db, kiscrm_kind_field_ref(kind, fid), kiscrm_record_int(rec, fid));
		printf("%-20s %s", kiscrm_kind_field_name(kind, fid), v.ptr ? v.ptr : "");
		if (label)
			printf(" (%s)", label);
		putchar('\n');
	}
	cli_labels_free(labels);
	kiscrm_buf_dispose(&v);
	kiscrm_record_free(rec);
	return 0;
}

typedef struct {
	kiscrm_id id;
	const char *stage;
	kiscrm_time at;
	unsigned flags;
} move_work_args;

static int move_work(kiscrm_db *db, void *payload)
{
	const move_work_args *m = payload;
	return kiscrm_opportunity_move(db, m->id, m->stage, m->at, m->flags);
}

int cmd_move(cli *c, int argc, char **argv)
{
	if (argc < 3 || cli_is_help(argv[1])) {
		puts("usage: kiscrm move OPPORTUNITY_ID STAGE [--at YYYY-MM-DDTHH:MM:SSZ] [--by STAFF_ID|NAME] [--reopen]\n"
		     "                  [--no-contract]\n\n"
		     "Moves an opportunity (its id or name) to a stage of its pipeline, given by key or\n"
		     "display name (another word is answered with the pipeline's stages). Exit criteria\n"
		     "are checked; leaving won or lost needs --reopen. The move is kept in the stage\n"
		     "history; --by names the person (id or name).\n"
		     "A move to a won stage also creates the contract (amount, customer, owner of the\n"
		     "opportunity, signed on the move's day) unless one already refers to it, and moves\n"
		     "the opportunity's collection plan to it; --no-contract leaves that for later.");
		return argc < 3 && !(argc > 1 && cli_is_help(argv[1])) ? 2 : 0;
	}
	kiscrm_id id = 0, by = 0;
	kiscrm_time at = (kiscrm_time)time(NULL);
	unsigned flags = KISCRM_MOVE_CREATE_CONTRACT;
	const char *v, *stage = argv[2];
	cli_ref refs[2]; /* the opportunity, --by */
	memset(refs, 0, sizeof(refs));
	if (cli_ref_take(&refs[0], "move", KISCRM_KIND_OPPORTUNITY, argv[1], &id))
		return 2;
	for (int i = 3; i < argc; i++) {
		if ((v = cli_opt(argc, argv, &i, "--at"))) {
			if (kiscrm_time_parse(&at, v) < 0)
				return cli_usage("--at: '%s' is not a time", v);
		} else if ((v = cli_opt(argc, argv, &i, "--by"))) {
			if (cli_ref_take(&refs[1], "--by", KISCRM_KIND_STAFF, v, &by))
				return 2;
		} else if (strcmp(argv[i], "--reopen") == 0)
			flags |= KISCRM_MOVE_REOPEN;
		else if (strcmp(argv[i], "--no-contract") == 0)
			flags &= ~KISCRM_MOVE_CREATE_CONTRACT;
		else
			return cli_usage("move: unknown option '%s'", argv[i]);
	}
	if (cli_open(c))
		return 1;
	int rc = cli_ref_resolve(c, refs, 2);
	if (rc)
		return rc;
	/* The stage is checked against the opportunity's own pipeline; a missing
	 * opportunity is left to the library's message. */
	kiscrm_record *opp = NULL;
	if (kiscrm_record_get(&opp, c->db, KISCRM_KIND_OPPORTUNITY, id) == 0) {
		const char *pipeline = kiscrm_record_text(opp, KISCRM_OPPORTUNITY_PIPELINE);
		rc = cli_check_stage(&stage, c, "move", pipeline && *pipeline ? pipeline : NULL, stage);
	}
	kiscrm_record_free(opp); /* the stage key is the configuration's, not the record's */
	if (rc)
		return rc;
	if (by && kiscrm_db_set_actor(c->db, by) < 0)
		return cli_fail("move");
	move_work_args m = { id, stage, at, flags };
	if (cli_transact(c, move_work, &m) < 0)
		return cli_fail("move");
	return 0;
}

typedef struct {
	kiscrm_id id;
	kiscrm_date as_of;
} snapshot_work_args;

static int snapshot_work(kiscrm_db *db, void *payload)
{
	snapshot_work_args *s = payload;
	return kiscrm_budget_snapshot(&s->id, db, s->as_of);
}

int cmd_snapshot(cli *c, int argc, char **argv)
{
	kiscrm_date as_of = kiscrm_time_date((kiscrm_time)time(NULL));
	const char *v;
	for (int i = 1; i < argc; i++) {
		if (cli_is_help(argv[i])) {
			puts("usage: kiscrm snapshot [--as-of YYYY-MM-DD]\n\n"
			     "Saves the eight-week rolling budget of the week containing the date (today by\n"
			     "default); next week's report reads its \"planned\" figures from it. Saving a\n"
			     "week again replaces its snapshot.");
			return 0;
		} else if ((v = cli_opt(argc, argv, &i, "--as-of"))) {
			if (parse_date(&as_of, "--as-of", v))
				return 2;
		} else
			return cli_usage("snapshot: unknown option '%s'", argv[i]);
	}
	if (cli_open(c))
		return 1;
	snapshot_work_args s = { 0, as_of };
	if (cli_transact(c, snapshot_work, &s) < 0)
		return cli_fail("snapshot");
	kiscrm_id id = s.id;
	char d[16];
	kiscrm_date_format(d, sizeof(d), as_of);
	printf("snapshot %lld saved for the week of %s\n", (long long)id, d);
	return 0;
}

static void print_report_list(void)
{
	for (size_t i = 0; i < kiscrm_report_count(); i++)
		printf("  %-24s %s\n", kiscrm_report_name(i), kiscrm_report_description(i));
}

int cmd_reports(cli *c, int argc, char **argv)
{
	(void)c;
	if (argc > 1) {
		puts("usage: kiscrm reports\n\nLists the reports of `kiscrm report NAME` with a one-line "
		     "description;\nthe columns of each are documented in the library's headers "
		     "(doc/ API reference).");
		return cli_is_help(argv[1]) ? 0 : 2;
	}
	print_report_list();
	return 0;
}

static int parse_period(const char *v)
{
	static const char *const names[] = { "week", "month", "quarter", "year" };
	for (int i = 0; i < 4; i++)
		if (strcmp(names[i], v) == 0)
			return i + 1;
	return -1;
}

typedef struct {
	kiscrm_report_options o;
	size_t n;
} classify_work_args;

static int classify_work(kiscrm_db *db, void *payload)
{
	classify_work_args *a = payload;
	return kiscrm_customer_value_classify(db, &a->o, &a->n);
}

int cmd_classify_value(cli *c, int argc, char **argv)
{
	classify_work_args a = { KISCRM_REPORT_OPTIONS_INIT, 0 };
	const char *v;
	a.o.period = KISCRM_PERIOD_YEAR;
	for (int i = 1; i < argc; i++) {
		if (cli_is_help(argv[i])) {
			puts("usage: kiscrm classify-value [--as-of DATE] [--period month|quarter|year]\n"
			     "                             [--from DATE --to DATE]\n\n"
			     "Computes every customer's value score and A/B/C class over the window (by\n"
			     "default the fiscal year containing --as-of, today) and stores the classes dated\n"
			     "the window's last day, replacing those stored for that day; `kiscrm report\n"
			     "value-movements` compares them. The rules are customers.yaml's `value`.");
			return 0;
		} else if ((v = cli_opt(argc, argv, &i, "--as-of"))) {
			if (parse_date(&a.o.as_of, "--as-of", v))
				return 2;
		} else if ((v = cli_opt(argc, argv, &i, "--from"))) {
			if (parse_date(&a.o.from, "--from", v))
				return 2;
		} else if ((v = cli_opt(argc, argv, &i, "--to"))) {
			if (parse_date(&a.o.to, "--to", v))
				return 2;
		} else if ((v = cli_opt(argc, argv, &i, "--period"))) {
			if ((a.o.period = parse_period(v)) < 0)
				return cli_usage("classify-value: unknown period '%s' (week, month, quarter, year)", v);
		} else
			return cli_usage("classify-value: unknown option '%s'", argv[i]);
	}
	if (cli_open(c))
		return 1;
	if (cli_transact(c, classify_work, &a) < 0)
		return cli_fail("classify-value");
	printf("%zu customers classed\n", a.n);
	return 0;
}

/* Writes @b to @path through a temporary file renamed over it: the file appears complete
 * or not at all. Returns 0, or 1 after saying why. */
static int write_whole_file(const char *path, const kiscrm_buf *b, int newline)
{
	size_t n = strlen(path) + 32;
	char *tmp = malloc(n);
	if (!tmp)
		return cli_usage("out of memory");
	snprintf(tmp, n, "%s.tmp%ld", path, (long)getpid());
	FILE *fp = fopen(tmp, "wb");
	int ok = fp && fwrite(b->ptr ? b->ptr : "", 1, b->size, fp) == b->size;
	if (ok && newline && fputc('\n', fp) == EOF)
		ok = 0;
	if (fp && fclose(fp) != 0)
		ok = 0;
	if (ok && rename(tmp, path) != 0)
		ok = 0;
	if (!ok) {
		fprintf(stderr, "kiscrm: report: cannot write %s\n", path);
		remove(tmp);
	}
	free(tmp);
	return ok ? 0 : 1;
}

/* `report --encoding E` or `--output FILE`: the table in @format, CSV in the encoding
 * (UTF-8 with the mark Excel needs for a file, plain UTF-8 on stdout by default). */
static int print_report(const kiscrm_table *t, const char *format, int raw_csv, const char *encoding,
			const char *output)
{
	kiscrm_buf out = KISCRM_BUF_INIT;
	kiscrm_csv_write_options csv = KISCRM_CSV_WRITE_OPTIONS_INIT;
	int rc, is_csv = strcmp(format, "csv") == 0;
	csv.flags = raw_csv ? KISCRM_CSV_RAW_CELLS : 0;
	csv.encoding = encoding ? encoding : output ? "utf-8-bom" : "utf-8";
	if (strcmp(format, "table") == 0)
		rc = kiscrm_table_write_text(&out, t);
	else if (is_csv)
		rc = kiscrm_table_write_csv_with(&out, t, &csv);
	else if (strcmp(format, "json") == 0)
		rc = kiscrm_table_write_json(&out, t);
	else
		return cli_usage("unknown format '%s' (table, csv or json)", format);
	if (rc < 0)
		return cli_fail(output ? output : "output");
	/* Text and JSON end with a line end as on the terminal; CSV ends with its own. */
	int newline = !is_csv && (!out.size || out.ptr[out.size - 1] != '\n');
	if (output)
		rc = write_whole_file(output, &out, newline);
	else
		rc = fwrite(out.ptr ? out.ptr : "", 1, out.size, stdout) == out.size &&
		     (!newline || fputc('\n', stdout) != EOF) ? 0 : 1;
	kiscrm_buf_dispose(&out);
	for (size_t i = 0; strcmp(format, "table") != 0 && i < kiscrm_table_note_count(t); i++)
		fprintf(stderr, "note: %s\n", kiscrm_table_note(t, i));
	return rc;
}

/* The report options as `kiscrm report` spells them, for the library's messages. */
static const char *const report_flags[][2] = {
	{ "owner_id", "--owner" }, { "department_id", "--department" }, { "as_of", "--as-of" },
	{ "group_by", "--by" }, { "from and to", "--from and --to" }, { "a period", "--period" },
	{ ", in the report options", "" }, { "report options: ", "" },
};

static int report_exists(const char *name)
{
	for (size_t i = 0; i < kiscrm_report_count(); i++)
		if (strcmp(kiscrm_report_name(i), name) == 0)
			return 1;
	return 0;
}

/* Exit status 1, as when the library refused the name before the suggestions existed. */
static int unknown_report(const char *name)
{
	cli_suggest s;
	cli_suggest_init(&s, name, 0);
	for (size_t i = 0; i < kiscrm_report_count(); i++)
		cli_suggest_add(&s, kiscrm_report_name(i));
	fprintf(stderr, "kiscrm: report: unknown report '%s'", name);
	cli_suggest_print(&s, stderr);
	cli_suggest_free(&s);
	fputs("; `kiscrm reports` lists them\n", stderr);
	return 1;
}

static const char report_help[] =
	"usage: kiscrm report NAME [--as-of DATE] [--from DATE] [--to DATE]\n"
	"                   [--period week|month|quarter|year] [--by DIM[,DIM...]]\n"
	"                   [--pipeline KEY] [--owner ID|NAME] [--department ID|NAME]\n"
	"                   [--format table|csv|json] [--raw-csv] [--lang zh|en]\n"
	"                   [--encoding utf-8|utf-8-bom|gbk] [--output FILE]\n"
	"\n"
	"Runs a report (list them with `kiscrm reports`).\n"
	"  --as-of DATE   the report's \"today\" (default: today)\n"
	"  --from/--to    the days analysed, [from, to); default: the --period containing --as-of\n"
	"  --by DIMS      group by business_line, product_line, department, owner, region,\n"
	"                 industry, size_class, customer, manager, manager_tree (every\n"
	"                 manager above the owner) (comma-separated, at most 4)\n"
	"  --period       window of the report: the week, month, fiscal quarter or fiscal\n"
	"                 year containing --as-of\n"
	"  --pipeline     pipeline key of pipelines.yaml (default: the default pipeline)\n"
	"  --owner ID     only this staff member's records; --department ID: that department\n"
	"                 and those below it (each an id or a name: --owner 张伟)\n"
	"  --attribution  model of campaign-roi and attribution: primary, first, last or\n"
	"                 even (default: customers.yaml campaigns.attribution.model)\n"
	"  --format       table (aligned, the default), csv, or json:\n"
	"                 {\"columns\":[{\"name\":…,\"type\":…}],\"rows\":[[…],…]}\n"
	"                 money as exact decimal strings, dates ISO, rates numbers\n"
	"  --raw-csv      with --format csv: texts starting with = + - @ tab or CR as they\n"
	"                 are (by default with a leading ' so spreadsheets show them as text)\n"
	"  --output FILE  write to FILE (complete or not at all) instead of stdout\n"
	"  --encoding     with --format csv: utf-8-bom (the default with --output), utf-8\n"
	"                 (the default on stdout) or gbk (Chinese Excel); a character GBK\n"
	"                 lacks is an error naming its row and column, nothing is written\n"
	"  --lang         language of display names (stage names, categories, strategies)\n"
	"                 and, when given (here or before the command), of the column\n"
	"                 headers of table and csv output (json keeps the column names)\n"
	"Money columns are in the configured currency; rates are fractions (0.25 = 25%).\n"
	"\n"
	"Reports:\n";

int cmd_report(cli *c, int argc, char **argv)
{
	if (argc < 2 || cli_is_help(argv[1])) {
		fputs(report_help, stdout);
		print_report_list();
		return argc < 2 ? 2 : 0;
	}
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	int groups[4], raw_csv = 0;
	const char *format = "table", *v, *encoding = NULL, *output = NULL;
	/* Headers are column names unless a language was asked for: scripts keep their keys. */
	const char *header_lang = c->lang_given ? c->lang : NULL;
	cli_ref refs[2] = { { 0 } }; /* --owner, --department */
	o.lang = c->lang;
	for (int i = 2; i < argc; i++) {
		if (cli_is_help(argv[i])) {
			fputs(report_help, stdout);
			print_report_list();
			return 0;
		} else if ((v = cli_opt(argc, argv, &i, "--as-of"))) {
			if (parse_date(&o.as_of, "--as-of", v))
				return 2;
		} else if ((v = cli_opt(argc, argv, &i, "--from"))) {
			if (parse_date(&o.from, "--from", v))
				return 2;
		} else if ((v = cli_opt(argc, argv, &i, "--to"))) {
			if (parse_date(&o.to, "--to", v))
				return 2;
		} else if ((v = cli_opt(argc, argv, &i, "--period"))) {
			if ((o.period = parse_period(v)) < 0)
				return cli_usage("--period: '%s' is not week, month, quarter or year", v);
		} else if ((v = cli_opt(argc, argv, &i, "--by"))) {
			char buf[256];
			snprintf(buf, sizeof(buf), "%s", v);
			o.ngroup = 0;
			for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
				int g = kiscrm_group_parse(tok);
				if (g < 0)
					return cli_fail("--by");
				if (o.ngroup == 4)
					return cli_usage("--by: at most 4 dimensions");
				groups[o.ngroup++] = g;
			}
			o.group_by = groups;
		} else if ((v = cli_opt(argc, argv, &i, "--pipeline")))
			o.pipeline = v;
		else if ((v = cli_opt(argc, argv, &i, "--owner"))) {
			if (cli_ref_take(&refs[0], "--owner", KISCRM_KIND_STAFF, v, &o.owner_id))
				return 2;
		} else if ((v = cli_opt(argc, argv, &i, "--department"))) {
			if (cli_ref_take(&refs[1], "--department", KISCRM_KIND_DEPARTMENT, v, &o.department_id))
				return 2;
		} else if ((v = cli_opt(argc, argv, &i, "--format")))
			format = v;
		else if ((v = cli_opt(argc, argv, &i, "--attribution")))
			o.attribution = v;
		else if ((v = cli_opt(argc, argv, &i, "--lang")))
			o.lang = header_lang = v;
		else if (strcmp(argv[i], "--raw-csv") == 0)
			raw_csv = 1;
		else if ((v = cli_opt(argc, argv, &i, "--encoding"))) {
			if (check_encoding(v))
				return 2;
			encoding = v;
		} else if ((v = cli_opt(argc, argv, &i, "--output")))
			output = v;
		else
			return cli_usage("report: unknown option '%s'", argv[i]);
	}
	if (raw_csv && strcmp(format, "csv") != 0)
		return cli_usage("--raw-csv needs --format csv");
	if (encoding && strcmp(format, "csv") != 0)
		return cli_usage("--encoding needs --format csv");
	if (!report_exists(argv[1]))
		return unknown_report(argv[1]);
	if (cli_open(c))
		return 1;
	int rc = cli_ref_resolve(c, refs, 2);
	if (rc)
		return rc;
	kiscrm_table *t;
	if (kiscrm_report_run(&t, c->db, argv[1], &o) < 0)
		return cli_fail_flags(argv[1], report_flags, sizeof(report_flags) / sizeof(report_flags[0]));
	if (header_lang && kiscrm_table_set_header_lang(t, header_lang) < 0) {
		kiscrm_table_free(t);
		return cli_fail("--lang");
	}
	rc = encoding || output ? print_report(t, format, raw_csv, encoding, output)
				    : cli_print_table_raw(t, format, raw_csv, stdout);
	kiscrm_table_free(t);
	return rc;
}

static const char *type_name(kiscrm_type t)
{
	static const char *const names[] = { "null", "int", "text", "money", "date", "rate", "time" };
	return (unsigned)t < sizeof(names) / sizeof(names[0]) ? names[t] : "?";
}

int cmd_fields(cli *c, int argc, char **argv)
{
	(void)c;
	if (argc > 2 || (argc == 2 && cli_is_help(argv[1]))) {
		puts("usage: kiscrm fields [ENTITY]\n\n"
		     "Without ENTITY, lists the entities with their number of fields. With ENTITY,\n"
		     "lists its fields in order: name, type (int, text, money, date, rate, time) and,\n"
		     "for a reference, the entity it points at. The names are the CSV columns of\n"
		     "import/export and the FIELD of `kiscrm add`. In CSV imports a reference\n"
		     "column X_id may also be given as X with a natural key (customer name, staff\n"
		     "name, department name, stage key). Fields marked derived are computed on store.");
		return argc > 2 ? 2 : 0;
	}
	if (argc == 1) {
		for (int k = 1; kiscrm_kind_name(k); k++)
			printf("%-16s %2d fields\n", kiscrm_kind_name(k), kiscrm_kind_field_count(k));
		return 0;
	}
	int kind = parse_kind(argv[1]);
	if (kind < 0)
		return 2;
	for (int i = 0; i < kiscrm_kind_field_count(kind); i++) {
		int fid = kiscrm_kind_field_id(kind, i), ref = kiscrm_kind_field_ref(kind, fid);
		printf("%-24s %-6s", kiscrm_kind_field_name(kind, fid), type_name(kiscrm_kind_field_type(kind, fid)));
		if (ref)
			printf(" -> %s", kiscrm_kind_name(ref));
		putchar('\n');
	}
	return 0;
}
