/*
 * `kiscrm import maven DIR`: loads the Maven Analytics "CRM + Sales Opportunities" sample
 * (accounts.csv, products.csv, sales_teams.csv, sales_pipeline.csv) through the library's
 * atomic CSV import. The mapping is documented in doc/maven-import.md:
 *
 *   regional offices  → departments under a root "Maven Analytics"
 *   managers, agents  → staff (supervisor / sales_rep), agents report to their manager
 *   accounts          → customers (sector → industry, office_location → region,
 *                       subsidiary_of → custom attribute)
 *   products          → product-line keys (lower_snake_case of the product name)
 *   deals             → opportunities; Prospecting and Engaging are the first two stages
 *                       of the default pipeline, Won/Lost its terminal stages; the stage
 *                       history is created at engage_date (into Engaging) and close_date
 *                       (into Won/Lost); close_value is the won amount.
 *
 * Quirks are repaired and reported, never dropped silently.
 */
#include "cli.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_COLS 16

/* One CSV file read into memory: rows of fields (pointers into `data`). */
typedef struct csv_file {
	char *data;
	char ***rows;
	size_t nrows;
	int ncols;
} csv_file;

static void csv_file_free(csv_file *f)
{
	for (size_t i = 0; i < f->nrows; i++)
		free(f->rows[i]);
	free(f->rows);
	free(f->data);
	memset(f, 0, sizeof(*f));
}

/* Reads a simple comma-separated file with optional "quoted" fields, header first. */
static int csv_read(csv_file *f, const char *dir, const char *name)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *fp = fopen(path, "rb");
	if (!fp) {
		fprintf(stderr, "kiscrm: import maven: cannot open %s\n", path);
		return 1;
	}
	fseek(fp, 0, SEEK_END);
	long size = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	memset(f, 0, sizeof(*f));
	f->data = malloc((size_t)size + 1);
	if (!f->data || fread(f->data, 1, (size_t)size, fp) != (size_t)size) {
		fclose(fp);
		fprintf(stderr, "kiscrm: import maven: cannot read %s\n", path);
		return 1;
	}
	fclose(fp);
	f->data[size] = '\0';
	size_t cap = 0;
	char *p = f->data;
	while (*p) {
		char **row = calloc(MAX_COLS, sizeof(char *));
		int n = 0;
		if (!row)
			return 1;
		for (;;) {
			char *start = p, *w = p;
			if (*p == '"') {
				start = w = ++p;
				while (*p && !(*p == '"' && p[1] != '"')) {
					if (*p == '"')
						p++;
					*w++ = *p++;
				}
				if (*p == '"')
					p++;
			} else {
				while (*p && *p != ',' && *p != '\n' && *p != '\r')
					p++;
				w = p;
			}
			char end = *p;
			*w = '\0';
			if (n < MAX_COLS)
				row[n++] = start;
			if (end == ',') {
				p++;
				continue;
			}
			/* p is on the terminator just overwritten with NUL: step over it (and over the
			 * LF of a CRLF). */
			if (end == '\r' && p[1] == '\n')
				p += 2;
			else if (end)
				p++;
			break;
		}
		if (f->nrows == cap) {
			cap = cap ? cap * 2 : 256;
			char ***r = realloc(f->rows, cap * sizeof(*r));
			if (!r) {
				free(row);
				return 1;
			}
			f->rows = r;
		}
		if (f->nrows == 0)
			f->ncols = n;
		if (n == 1 && !row[0][0]) {
			free(row); /* blank line */
			continue;
		}
		for (; n < f->ncols; n++)
			row[n] = "";
		f->rows[f->nrows++] = row;
	}
	return 0;
}

/* Index of a header column, or -1 (and a message). */
static int col(const csv_file *f, const char *file, const char *name)
{
	for (int i = 0; f->nrows && i < f->ncols; i++)
		if (strcmp(f->rows[0][i], name) == 0)
			return i;
	fprintf(stderr, "kiscrm: import maven: %s has no column '%s'\n", file, name);
	return -1;
}

/* Appends a CSV field, quoted when needed. */
static void put_field(kiscrm_buf *b, const char *s, int last);

static void buf_append(kiscrm_buf *b, const char *s, size_t n)
{
	if (b->size + n + 1 > b->asize) {
		size_t a = b->asize ? b->asize : 4096;
		while (a < b->size + n + 1)
			a *= 2;
		char *p = realloc(b->ptr, a);
		if (!p) {
			fputs("kiscrm: out of memory\n", stderr);
			exit(1);
		}
		b->ptr = p;
		b->asize = a;
	}
	memcpy(b->ptr + b->size, s, n);
	b->size += n;
	b->ptr[b->size] = '\0';
}

static void put_field(kiscrm_buf *b, const char *s, int last)
{
	if (strpbrk(s, ",\"\n\r")) {
		buf_append(b, "\"", 1);
		for (; *s; s++) {
			buf_append(b, s, 1);
			if (*s == '"')
				buf_append(b, "\"", 1); /* quotes double inside a quoted field */
		}
		buf_append(b, "\"", 1);
	} else
		buf_append(b, s, strlen(s));
	buf_append(b, last ? "\n" : ",", 1);
}

static void put_row(kiscrm_buf *b, const char *const *fields, int n)
{
	for (int i = 0; i < n; i++)
		put_field(b, fields[i] ? fields[i] : "", i == n - 1);
}

/* lower_snake_case key of a free-text name ("GTX Plus Basic" → "gtx_plus_basic"). */
static void make_key(char *out, size_t size, const char *name)
{
	size_t n = 0;
	int gap = 0;
	for (const char *p = name; *p && n + 2 < size; p++) {
		if (isalnum((unsigned char)*p)) {
			if (gap && n)
				out[n++] = '_';
			out[n++] = (char)tolower((unsigned char)*p);
			gap = 0;
		} else
			gap = 1;
	}
	out[n] = '\0';
}

/* Letters and digits only, lower-cased: "GTX Pro" and "GTXPro" compare equal. */
static void squash(char *out, size_t size, const char *name)
{
	size_t n = 0;
	for (const char *p = name; *p && n + 1 < size; p++)
		if (isalnum((unsigned char)*p))
			out[n++] = (char)tolower((unsigned char)*p);
	out[n] = '\0';
}

typedef struct product {
	char name[64];
	char squashed[64];
	char key[64];
	char price[32];
} product;

static const product *find_product(const product *ps, size_t n, const char *name)
{
	char s[64];
	squash(s, sizeof(s), name);
	for (size_t i = 0; i < n; i++)
		if (strcmp(ps[i].squashed, s) == 0)
			return &ps[i];
	return NULL;
}

static int import_kind(cli *c, const char *entity, const kiscrm_buf *csv, unsigned flags)
{
	kiscrm_import_options o = KISCRM_IMPORT_OPTIONS_INIT;
	kiscrm_table *errors = NULL;
	size_t n = 0;
	o.flags = flags;
	int kind = kiscrm_kind_find(entity);
	if (kiscrm_csv_import_data(&n, &errors, c->db, kind, csv->ptr ? csv->ptr : "", csv->size,
				   entity, &o) < 0) {
		int rc = cli_fail(entity);
		if (errors && kiscrm_table_row_count(errors))
			cli_print_table_file(errors, "table", stderr);
		kiscrm_table_free(errors);
		return rc;
	}
	kiscrm_table_free(errors);
	printf("  %-16s %zu\n", entity, n);
	return 0;
}

/* Stage keys of the default pipeline: the first two working stages, won and lost. */
static int stage_keys(cli *c, const char *keys[4])
{
	const kiscrm_config *cfg = kiscrm_db_config(c->db);
	size_t n = kiscrm_config_stage_count(cfg, 0);
	keys[0] = keys[1] = keys[2] = keys[3] = NULL;
	for (size_t s = 0, open = 0; s < n; s++) {
		int term = kiscrm_config_stage_terminal(cfg, 0, s);
		const char *k = kiscrm_config_stage_key(cfg, 0, s);
		if (term == KISCRM_STAGE_OPEN && open < 2)
			keys[open++] = k;
		else if (term == KISCRM_STAGE_WON && !keys[2])
			keys[2] = k;
		else if (term == KISCRM_STAGE_LOST && !keys[3])
			keys[3] = k;
	}
	if (!keys[0] || !keys[1] || !keys[2] || !keys[3]) {
		fputs("kiscrm: import maven: the default pipeline needs two working stages, a won "
		      "and a lost stage\n", stderr);
		return 1;
	}
	return 0;
}

typedef struct quirks {
	size_t product_renamed, no_account, no_value, sector_fixed, location_fixed, no_dates;
} quirks;

static int build_org(kiscrm_buf *dept, kiscrm_buf *staff, const csv_file *teams)
{
	int ca = col(teams, "sales_teams.csv", "sales_agent"), cm = col(teams, "sales_teams.csv", "manager"),
	    co = col(teams, "sales_teams.csv", "regional_office");
	if (ca < 0 || cm < 0 || co < 0)
		return 1;
	const char *h1[] = { "name", "parent" }, *root[] = { "Maven Analytics", "" };
	put_row(dept, h1, 2);
	put_row(dept, root, 2);
	const char *h2[] = { "name", "department", "role", "manager" };
	put_row(staff, h2, 4);
	/* Offices and managers in order of first appearance; a manager belongs to the office
	 * of their agents. */
	for (size_t i = 1; i < teams->nrows; i++) {
		const char *office = teams->rows[i][co], *mgr = teams->rows[i][cm];
		int seen_office = 0, seen_mgr = 0;
		for (size_t j = 1; j < i; j++) {
			seen_office |= strcmp(teams->rows[j][co], office) == 0;
			seen_mgr |= strcmp(teams->rows[j][cm], mgr) == 0;
		}
		if (!seen_office) {
			const char *r[] = { office, "Maven Analytics" };
			put_row(dept, r, 2);
		}
		if (!seen_mgr) {
			const char *r[] = { mgr, office, "supervisor", "" };
			put_row(staff, r, 4);
		}
	}
	for (size_t i = 1; i < teams->nrows; i++) {
		const char *r[] = { teams->rows[i][ca], teams->rows[i][co], "sales_rep", teams->rows[i][cm] };
		put_row(staff, r, 4);
	}
	return 0;
}

static int build_customers(kiscrm_buf *cust, kiscrm_buf *attrs, const csv_file *acc, quirks *q)
{
	const char *F = "accounts.csv";
	int cn = col(acc, F, "account"), cs = col(acc, F, "sector"), ce = col(acc, F, "employees"),
	    cr = col(acc, F, "revenue"), cl = col(acc, F, "office_location"),
	    cy = col(acc, F, "year_established"), cp = col(acc, F, "subsidiary_of");
	if (cn < 0 || cs < 0 || ce < 0 || cr < 0 || cl < 0 || cy < 0 || cp < 0)
		return 1;
	const char *h[] = { "name", "industry", "region", "employees", "revenue_band" };
	put_row(cust, h, 5);
	const char *ha[] = { "customer", "key", "value" };
	put_row(attrs, ha, 3);
	for (size_t i = 1; i < acc->nrows; i++) {
		char **r = acc->rows[i];
		char industry[64], region[64], band[64];
		make_key(industry, sizeof(industry), r[cs]);
		if (strcmp(industry, "technolgy") == 0) {
			strcpy(industry, "technology");
			q->sector_fixed++;
		}
		make_key(region, sizeof(region), r[cl]);
		if (strcmp(region, "philipines") == 0) {
			strcpy(region, "philippines");
			q->location_fixed++;
		}
		snprintf(band, sizeof(band), "%s musd", r[cr]);
		const char *row[] = { r[cn], industry, region, r[ce], band };
		put_row(cust, row, 5);
		const char *y[] = { r[cn], "year_established", r[cy] };
		put_row(attrs, y, 3);
		if (r[cp][0]) {
			const char *s[] = { r[cn], "subsidiary_of", r[cp] };
			put_row(attrs, s, 3);
		}
	}
	return 0;
}

static int build_deals(kiscrm_buf *opps, kiscrm_buf *hist, const csv_file *deals, const product *ps,
		       size_t nps, const char *stages[4], quirks *q)
{
	const char *F = "sales_pipeline.csv";
	int ci = col(deals, F, "opportunity_id"), ca = col(deals, F, "sales_agent"),
	    cp = col(deals, F, "product"), cc = col(deals, F, "account"), cs = col(deals, F, "deal_stage"),
	    ce = col(deals, F, "engage_date"), cd = col(deals, F, "close_date"),
	    cv = col(deals, F, "close_value");
	if (ci < 0 || ca < 0 || cp < 0 || cc < 0 || cs < 0 || ce < 0 || cd < 0 || cv < 0)
		return 1;
	/* Prospecting deals carry no date: they are dated on the dataset's first day. */
	const char *first = NULL;
	for (size_t i = 1; i < deals->nrows; i++) {
		const char *e = deals->rows[i][ce];
		if (*e && (!first || strcmp(e, first) < 0))
			first = e;
	}
	const char *ho[] = { "external_ref", "name", "customer", "owner", "product_line", "amount",
			     "expected_close", "stage", "created", "closed" };
	put_row(opps, ho, 10);
	const char *hh[] = { "opportunity", "from_stage", "to_stage", "at" };
	put_row(hist, hh, 4);
	for (size_t i = 1; i < deals->nrows; i++) {
		char **r = deals->rows[i];
		const product *p = find_product(ps, nps, r[cp]);
		if (!p) {
			fprintf(stderr, "kiscrm: import maven: %s line %zu: unknown product '%s'\n", F, i + 1, r[cp]);
			return 1;
		}
		if (strcmp(p->name, r[cp]) != 0)
			q->product_renamed++;
		const char *stage;
		int won = strcmp(r[cs], "Won") == 0, lost = strcmp(r[cs], "Lost") == 0;
		if (strcmp(r[cs], "Prospecting") == 0)
			stage = stages[0];
		else if (strcmp(r[cs], "Engaging") == 0)
			stage = stages[1];
		else if (won)
			stage = stages[2];
		else if (lost)
			stage = stages[3];
		else {
			fprintf(stderr, "kiscrm: import maven: %s line %zu: unknown deal_stage '%s'\n", F, i + 1, r[cs]);
			return 1;
		}
		if (!r[cc][0])
			q->no_account++;
		if (!won)
			q->no_value++;
		if (!r[ce][0])
			q->no_dates++;
		char name[128];
		snprintf(name, sizeof(name), "%s %s", r[cc][0] ? r[cc] : "(no account)", r[cp]);
		const char *created = r[ce][0] ? r[ce] : first;
		/* Won: close_value; open or lost: the product's list price as the expected value. */
		const char *amount = won ? r[cv] : p->price;
		const char *row[] = { r[ci], name, r[cc], r[ca], p->key, amount, r[cd], stage, created, r[cd] };
		put_row(opps, row, 10);
		char at[32];
		snprintf(at, sizeof(at), "%sT00:00:00Z", created);
		const char *h0[] = { r[ci], "", stages[0], at };
		put_row(hist, h0, 4);
		if (r[ce][0]) {
			snprintf(at, sizeof(at), "%sT00:00:00Z", r[ce]);
			const char *h1[] = { r[ci], stages[0], stages[1], at };
			put_row(hist, h1, 4);
		}
		if (r[cd][0]) {
			snprintf(at, sizeof(at), "%sT00:00:00Z", r[cd]);
			const char *h2[] = { r[ci], stages[1], stage, at };
			put_row(hist, h2, 4);
		}
	}
	return 0;
}

int cli_import_maven(cli *c, const char *dir)
{
	csv_file acc, prod, teams, deals;
	kiscrm_buf dept = KISCRM_BUF_INIT, staff = KISCRM_BUF_INIT, cust = KISCRM_BUF_INIT,
		   attrs = KISCRM_BUF_INIT, opps = KISCRM_BUF_INIT, hist = KISCRM_BUF_INIT;
	quirks q = { 0, 0, 0, 0, 0, 0 };
	product ps[64];
	size_t nps = 0;
	const char *stages[4];
	int rc = 1;

	memset(&acc, 0, sizeof(acc));
	prod = teams = deals = acc;
	if (csv_read(&acc, dir, "accounts.csv") || csv_read(&prod, dir, "products.csv") ||
	    csv_read(&teams, dir, "sales_teams.csv") || csv_read(&deals, dir, "sales_pipeline.csv") ||
	    stage_keys(c, stages))
		goto out;
	int pn = col(&prod, "products.csv", "product"), pp = col(&prod, "products.csv", "sales_price");
	if (pn < 0 || pp < 0)
		goto out;
	for (size_t i = 1; i < prod.nrows && nps < 64; i++, nps++) {
		snprintf(ps[nps].name, sizeof(ps[nps].name), "%s", prod.rows[i][pn]);
		squash(ps[nps].squashed, sizeof(ps[nps].squashed), prod.rows[i][pn]);
		make_key(ps[nps].key, sizeof(ps[nps].key), prod.rows[i][pn]);
		snprintf(ps[nps].price, sizeof(ps[nps].price), "%s", prod.rows[i][pp]);
	}
	if (build_org(&dept, &staff, &teams) || build_customers(&cust, &attrs, &acc, &q) ||
	    build_deals(&opps, &hist, &deals, ps, nps, stages, &q))
		goto out;

	printf("importing %s (all or nothing):\n", dir);
	if (kiscrm_db_begin(c->db) < 0) {
		rc = cli_fail("import maven");
		goto out;
	}
	if (import_kind(c, "department", &dept, 0) || import_kind(c, "staff", &staff, 0) ||
	    import_kind(c, "customer", &cust, 0) || import_kind(c, "customer_attr", &attrs, 0) ||
	    import_kind(c, "opportunity", &opps, KISCRM_IMPORT_RAW) ||
	    import_kind(c, "stage_history", &hist, 0)) {
		kiscrm_db_rollback(c->db);
		goto out;
	}
	if (kiscrm_db_commit(c->db) < 0) {
		rc = cli_fail("import maven");
		goto out;
	}
	printf("repaired and reported:\n"
	       "  %zu deals spell a product differently from products.csv ('GTXPro' for 'GTX Pro')\n"
	       "  %zu open deals have no account: imported without a customer\n"
	       "  %zu deals are not won (no close value): amount = the product's list price\n"
	       "  %zu Prospecting deals have no dates: created on the dataset's first day\n"
	       "  %zu accounts with sector 'technolgy' filed under industry 'technology'\n"
	       "  %zu accounts with office_location 'Philipines' filed under region 'philippines'\n",
	       q.product_renamed, q.no_account, q.no_value, q.no_dates, q.sector_fixed, q.location_fixed);
	rc = 0;
out:
	csv_file_free(&acc);
	csv_file_free(&prod);
	csv_file_free(&teams);
	csv_file_free(&deals);
	kiscrm_buf_dispose(&dept);
	kiscrm_buf_dispose(&staff);
	kiscrm_buf_dispose(&cust);
	kiscrm_buf_dispose(&attrs);
	kiscrm_buf_dispose(&opps);
	kiscrm_buf_dispose(&hist);
	return rc;
}
