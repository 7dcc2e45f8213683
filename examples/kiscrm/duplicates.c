/* `kiscrm duplicates customer` and `kiscrm merge customer KEEP OTHER…` (重复客户), and the
 * import's check that new customers do not duplicate existing ones by normalised name. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static int print_duplicates(kiscrm_db *db, const char *format)
{
	kiscrm_table *t = NULL;
	if (kiscrm_customer_duplicates(&t, db) < 0)
		return cli_fail("duplicates");
	int rc = cli_print_table(t, format);
	kiscrm_table_free(t);
	return rc;
}

int cmd_duplicates(cli *c, int argc, char **argv)
{
	const char *format = "table", *v;
	int entity = 0;
	for (int i = 1; i < argc; i++) {
		if (cli_is_help(argv[i])) {
			puts("usage: kiscrm duplicates customer [--format table|csv|json]\n\n"
			     "Lists the customers whose names are the same once normalised (spaces,\n"
			     "full-width characters, legal-form suffixes such as 有限公司 or Co., Ltd.),\n"
			     "one group per company; merge them with `kiscrm merge customer KEEP OTHER…`.");
			return 0;
		} else if ((v = cli_opt(argc, argv, &i, "--format")))
			format = v;
		else if (!entity && strcmp(argv[i], "customer") == 0)
			entity = 1;
		else
			return cli_usage("duplicates: unexpected argument '%s' (duplicates customer)", argv[i]);
	}
	if (!entity)
		return cli_usage("duplicates: name the entity: duplicates customer");
	return cli_open(c) ? 1 : print_duplicates(c->db, format);
}

typedef struct {
	kiscrm_id keep;
	const kiscrm_id *others;
	int n;
} merge_args;

static int merge_work(kiscrm_db *db, void *payload)
{
	const merge_args *m = payload;
	for (int i = 0; i < m->n; i++) {
		int rc = kiscrm_customer_merge(db, m->keep, m->others[i]);
		if (rc < 0)
			return rc;
	}
	return KISCRM_OK;
}

int cmd_merge(cli *c, int argc, char **argv)
{
	if (argc > 1 && cli_is_help(argv[1])) {
		puts("usage: kiscrm merge customer KEEP OTHER [OTHER…]\n\n"
		     "Merges each OTHER customer into KEEP: their contacts, opportunities, contracts,\n"
		     "activities and every other record referring to them move to KEEP, fields KEEP\n"
		     "lacks are filled from them, and they are deleted — all in one transaction: if\n"
		     "one merge fails, nothing is merged.");
		return 0;
	}
	if (argc < 4 || strcmp(argv[1], "customer") != 0)
		return cli_usage("merge: usage: merge customer KEEP OTHER [OTHER…]");
	int n = argc - 3;
	kiscrm_id keep = 0, *others = calloc((size_t)n, sizeof(*others));
	if (!others)
		return cli_usage("merge: out of memory");
	int rc = cli_parse_id(&keep, "merge", argv[2]);
	for (int i = 0; rc == 0 && i < n; i++)
		rc = cli_parse_id(&others[i], "merge", argv[3 + i]);
	if (rc == 0 && cli_open(c))
		rc = 1;
	merge_args m = { keep, others, n };
	if (rc == 0 && cli_transact(c, merge_work, &m) < 0)
		rc = cli_fail("merge");
	if (rc == 0)
		printf("merged %d customer(s) into %lld\n", n, (long long)keep);
	free(others);
	return rc;
}

/* ---- the import's check ---- */

int cli_customer_ids(kiscrm_id **ids, size_t *n, kiscrm_db *db)
{
	kiscrm_iter *it = NULL;
	const kiscrm_record *r;
	size_t cap = 0;
	int rc = kiscrm_iter_new(&it, db, KISCRM_KIND_CUSTOMER, NULL);
	*ids = NULL;
	*n = 0;
	while (rc == 0 && (rc = kiscrm_iter_next(&r, it)) == KISCRM_OK) {
		if (*n == cap) {
			kiscrm_id *p = realloc(*ids, (cap = cap ? cap * 2 : 256) * sizeof(*p));
			if (!p) {
				rc = KISCRM_ENOMEM;
				break;
			}
			*ids = p;
		}
		(*ids)[(*n)++] = kiscrm_record_id(r);
	}
	kiscrm_iter_free(it);
	return rc == KISCRM_ITEROVER ? KISCRM_OK : rc;
}

static int known(const kiscrm_id *ids, size_t n, kiscrm_id id)
{
	for (size_t i = 0; i < n; i++)
		if (ids[i] == id)
			return 1;
	return 0;
}

int cli_new_duplicates(kiscrm_db *db, const kiscrm_id *before, size_t nbefore, int *found)
{
	kiscrm_table *t = NULL;
	int rc = kiscrm_customer_duplicates(&t, db);
	*found = 0;
	if (rc < 0)
		return rc;
	size_t rows = kiscrm_table_row_count(t);
	/* rows come grouped; name each new customer with the first other member of its group */
	for (size_t i = 0; i < rows; i++) {
		kiscrm_id id = kiscrm_table_int(t, i, 1);
		if (known(before, nbefore, id))
			continue;
		for (size_t j = 0; j < rows; j++) {
			if (j == i || kiscrm_table_int(t, j, 0) != kiscrm_table_int(t, i, 0))
				continue;
			fprintf(stderr, "warning: customer %lld '%s' has the same normalised name as customer %lld '%s'\n",
				(long long)id, kiscrm_table_text(t, i, 2), (long long)kiscrm_table_int(t, j, 1),
				kiscrm_table_text(t, j, 2));
			(*found)++;
			break;
		}
	}
	kiscrm_table_free(t);
	return KISCRM_OK;
}
