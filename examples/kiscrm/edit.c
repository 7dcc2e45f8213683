/* `kiscrm add`, `update` and `delete`: records written field by field from FIELD=VALUE
 * arguments. A value is text converted by the field's type, as in a CSV cell; a
 * reference may name its record (owner=张伟, customer=深圳市华南精密制造有限公司) and is
 * looked up before anything is written, so that a bad name leaves the database as it was. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One FIELD=VALUE argument. */
typedef struct {
	int field;
	const char *value; /* the text stored (the id of a name once looked up) */
	char what[80];     /* the field as written, for messages: "add: owner" */
	int by_name;       /* a reference given by name: look it up */
	char id[24];       /* the id found for a name, as text */
} assignment;

/* Parses argv[from…] into @a. Returns 0, or 2 after a usage message. */
static int parse_assignments(assignment *a, int kind, const char *cmd, int argc, char **argv, int from)
{
	for (int i = from; i < argc; i++) {
		const char *eq = strchr(argv[i], '=');
		char name[64];
		assignment *x = &a[i - from];
		if (!eq || eq == argv[i])
			return cli_usage("%s: '%s' is not FIELD=VALUE", cmd, argv[i]);
		if ((size_t)(eq - argv[i]) >= sizeof(name) - 3)
			return cli_unknown_field(cmd, kind, argv[i]);
		snprintf(name, sizeof(name), "%.*s", (int)(eq - argv[i]), argv[i]);
		snprintf(x->what, sizeof(x->what), "%s: %s", cmd, name);
		x->value = eq + 1;
		x->field = kiscrm_kind_field_find(kind, name);
		if (x->field < 0) {
			/* owner= for owner_id=: the reference by name, as in a CSV header */
			char with_id[72];
			snprintf(with_id, sizeof(with_id), "%s_id", name);
			x->field = kiscrm_kind_field_find(kind, with_id);
			if (x->field < 0 || !kiscrm_kind_field_ref(kind, x->field))
				return cli_unknown_field(cmd, kind, name);
		}
		if (strcmp(name, "id") == 0 && strcmp(cmd, "update") == 0)
			return cli_usage("update: the id of a record cannot be changed");
		/* customer_id=5 stays an id; customer_id=甲公司 is a name all the same */
		x->by_name = kiscrm_kind_field_ref(kind, x->field) && *x->value && !cli_is_id_text(x->value);
	}
	return 0;
}

/* The value assigned to @field, or NULL. */
static const char *assigned(const assignment *a, int n, int field)
{
	const char *v = NULL;
	for (int i = 0; i < n; i++)
		if (a[i].field == field)
			v = a[i].value; /* the last one counts, as it is the one stored */
	return v;
}

/* Looks up the names among @a and checks an opportunity's stage; @rec is the stored record
 * of an update (NULL for add). Returns 0, or the exit status after printing why. */
static int resolve_assignments(assignment *a, int n, cli *c, int kind, const kiscrm_record *rec)
{
	/* Contacts are looked up among their customer's: customers first. */
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < n; i++) {
			int target = kiscrm_kind_field_ref(kind, a[i].field);
			if (!a[i].by_name || (target == KISCRM_KIND_CONTACT) != pass)
				continue;
			kiscrm_id id = 0, scope = 0;
			int cf = kiscrm_kind_field_find(kind, "customer_id");
			if (target == KISCRM_KIND_CONTACT && cf >= 0) {
				const char *v = assigned(a, n, cf);
				if (v && *v)
					scope = strtoll(v, NULL, 10);
				else if (!v && rec && !kiscrm_record_is_null(rec, cf))
					scope = kiscrm_record_int(rec, cf);
			}
			int rc = cli_find_by_name(&id, c, target, a[i].what, a[i].value, scope);
			if (rc)
				return rc;
			snprintf(a[i].id, sizeof(a[i].id), "%lld", (long long)id);
			a[i].value = a[i].id;
			a[i].by_name = 0;
		}
	if (kind != KISCRM_KIND_OPPORTUNITY)
		return 0;
	for (int i = 0; i < n; i++) {
		if (a[i].field != KISCRM_OPPORTUNITY_STAGE || !*a[i].value)
			continue;
		const char *pipeline = assigned(a, n, KISCRM_OPPORTUNITY_PIPELINE);
		if (!pipeline && rec)
			pipeline = kiscrm_record_text(rec, KISCRM_OPPORTUNITY_PIPELINE);
		int rc = cli_check_stage(&a[i].value, c, a[i].what, pipeline && *pipeline ? pipeline : NULL,
					 a[i].value);
		if (rc)
			return rc;
	}
	return 0;
}

static int assign(kiscrm_record *rec, const assignment *a, int n, int decimals)
{
	for (int i = 0; i < n; i++) {
		int rc = kiscrm_record_set_from_text(rec, a[i].field, a[i].value, decimals);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int add_work(kiscrm_db *db, void *rec)
{
	return kiscrm_record_insert(db, rec);
}

static const char add_help[] =
	"usage: kiscrm add ENTITY FIELD=VALUE...\n"
	"\n"
	"Adds a record; values are text converted by the field's type (money as\n"
	"decimal text, dates YYYY-MM-DD). Prints the new id. A reference takes an id\n"
	"(customer_id=5) or a name, with or without _id (customer=长沙湘江物流有限责任公司,\n"
	"owner=张伟): customers by exact or normalised name, opportunities by name or\n"
	"external_ref, contracts by number, others by name. An opportunity's stage may\n"
	"be a key or a display name of its pipeline's stages.\n"
	"example: kiscrm add customer name=长沙湘江物流有限责任公司 region=central\n"
	"         kiscrm add opportunity name=ERP升级 customer=长沙湘江物流 owner=张伟 amount=120000.00";

int cmd_add(cli *c, int argc, char **argv)
{
	if (argc < 3 || cli_is_help(argv[1])) {
		puts(add_help);
		return argc < 3 && !(argc > 1 && cli_is_help(argv[1])) ? 2 : 0;
	}
	int kind = kiscrm_kind_find(argv[1]);
	if (kind < 0)
		return cli_unknown_kind(argv[1]);
	int n = argc - 2, rc;
	assignment *a = calloc((size_t)n, sizeof(*a));
	if (!a)
		return cli_usage("add: out of memory");
	kiscrm_record *rec = NULL;
	if ((rc = parse_assignments(a, kind, "add", argc, argv, 2)) == 0 && (rc = cli_open(c)) == 0)
		rc = resolve_assignments(a, n, c, kind, NULL);
	if (rc == 0) {
		int decimals = kiscrm_config_currency_decimals(kiscrm_db_config(c->db));
		if (kiscrm_record_new(&rec, kind) < 0 || assign(rec, a, n, decimals) < 0 ||
		    cli_transact(c, add_work, rec) < 0)
			rc = cli_fail("add");
		else
			printf("%lld\n", (long long)kiscrm_record_id(rec));
	}
	kiscrm_record_free(rec);
	free(a);
	return rc;
}

typedef struct {
	int kind;
	kiscrm_id id;
	const assignment *a;
	int n;
	int decimals;
} update_args;

/* Reads the record inside the transaction, so that a rerun applies the fields to what is
 * stored then; kiscrm_record_update() writes only the fields set here. */
static int update_work(kiscrm_db *db, void *payload)
{
	const update_args *u = payload;
	kiscrm_record *rec = NULL;
	int rc = kiscrm_record_get(&rec, db, u->kind, u->id);
	if (rc == 0)
		rc = assign(rec, u->a, u->n, u->decimals);
	if (rc == 0)
		rc = kiscrm_record_update(db, rec);
	kiscrm_record_free(rec);
	return rc;
}

/* ENTITY ID of update, delete and show: the kind, and the id or name of one record. */
int cli_record_arg(int *kind, kiscrm_id *id, cli *c, const char *cmd, char **argv)
{
	cli_ref ref;
	*kind = kiscrm_kind_find(argv[1]);
	if (*kind < 0)
		return cli_unknown_kind(argv[1]);
	int rc = cli_ref_take(&ref, cmd, *kind, argv[2], id);
	if (rc == 0 && ref.text && (rc = cli_open(c)) == 0)
		rc = cli_ref_resolve(c, &ref, 1);
	return rc;
}

static const char update_help[] =
	"usage: kiscrm update ENTITY ID FIELD=VALUE...\n"
	"\n"
	"Changes the given fields of one record and leaves the others as stored; every\n"
	"rule of the entity is checked, and on an error nothing is written. Values are\n"
	"written as for `kiscrm add` (an empty value sets NULL; references by id or name).\n"
	"ID is the record's id or name. Prints nothing.\n"
	"example: kiscrm update opportunity 12 amount=150000.00 owner=李娜";

int cmd_update(cli *c, int argc, char **argv)
{
	if (argc < 4 || cli_is_help(argv[1])) {
		puts(update_help);
		return argc < 4 && !(argc > 1 && cli_is_help(argv[1])) ? 2 : 0;
	}
	int kind, n = argc - 3, rc;
	kiscrm_id id = 0;
	kiscrm_record *rec = NULL;
	assignment *a = calloc((size_t)n, sizeof(*a));
	if (!a)
		return cli_usage("update: out of memory");
	if ((rc = cli_record_arg(&kind, &id, c, "update", argv)) == 0 &&
	    (rc = parse_assignments(a, kind, "update", argc, argv, 3)) == 0 && (rc = cli_open(c)) == 0) {
		/* the stored record scopes contact names and gives the pipeline of a stage */
		if (kiscrm_record_get(&rec, c->db, kind, id) < 0)
			rc = cli_fail("update");
		else
			rc = resolve_assignments(a, n, c, kind, rec);
	}
	if (rc == 0) {
		update_args u = { kind, id, a, n, kiscrm_config_currency_decimals(kiscrm_db_config(c->db)) };
		if (cli_transact(c, update_work, &u) < 0)
			rc = cli_fail("update");
	}
	kiscrm_record_free(rec);
	free(a);
	return rc;
}

typedef struct {
	int kind;
	kiscrm_id id;
	unsigned flags;
} delete_args;

static int delete_work(kiscrm_db *db, void *payload)
{
	const delete_args *d = payload;
	return kiscrm_record_delete(db, d->kind, d->id, d->flags);
}

static const char delete_help[] =
	"usage: kiscrm delete ENTITY ID [--cascade]\n"
	"\n"
	"Deletes one record (ID: its id or name). A record that others refer to is\n"
	"refused, naming one of them, unless --cascade is given:\n"
	"  --cascade  also delete the records it owns (a customer's contacts …) and clear\n"
	"             the other references to it (an owner), in one transaction\n"
	"Prints nothing; the audit log keeps the record's history (`kiscrm history`).";

int cmd_delete(cli *c, int argc, char **argv)
{
	delete_args d = { 0, 0, 0 };
	const char *pos[2] = { NULL, NULL };
	int npos = 0;
	for (int i = 1; i < argc; i++) {
		if (cli_is_help(argv[i])) {
			puts(delete_help);
			return 0;
		} else if (strcmp(argv[i], "--cascade") == 0) {
			d.flags |= KISCRM_DELETE_CASCADE;
		} else if (argv[i][0] == '-' && argv[i][1] && !cli_is_id_text(argv[i])) {
			return cli_usage("delete: unknown option '%s'", argv[i]);
		} else if (npos == 2) {
			return cli_usage("delete: unexpected argument '%s' (delete ENTITY ID)", argv[i]);
		} else {
			pos[npos++] = argv[i];
		}
	}
	if (npos < 2) {
		puts(delete_help);
		return 2;
	}
	char *args[3] = { argv[0], (char *)pos[0], (char *)pos[1] };
	int rc = cli_record_arg(&d.kind, &d.id, c, "delete", args);
	if (rc == 0 && (rc = cli_open(c)) == 0 && cli_transact(c, delete_work, &d) < 0) {
		/* "delete with KISCRM_DELETE_CASCADE": the flag is --cascade here */
		static const char *const flags[][2] = { { "KISCRM_DELETE_CASCADE", "--cascade" } };
		rc = cli_fail_flags("delete", flags, 1);
	}
	return rc;
}
