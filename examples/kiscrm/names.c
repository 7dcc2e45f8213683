/* Records by name on the command line (--owner 张伟, add … customer=深圳市…) and names
 * beside ids in show and list. Lookups go through the public filter API: an equality on
 * the name field, a customer's normalised name (kiscrm_customer_normalize_name()) when
 * its exact name matches nothing — the same rules as a CSV import's name columns. */
#include "cli.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The fields a kind's records are named by, tried in order, and the first is the label
 * shown beside an id. Kinds not listed are named by their first "name", "number",
 * "subject" or "title" field; kinds without one are given by id only. */
static const struct {
	int kind;
	const char *fields[2];
} by_kind[] = {
	{ KISCRM_KIND_OPPORTUNITY, { "name", "external_ref" } },
	{ KISCRM_KIND_PRODUCT, { "name", "code" } },
};

static const char *const label_fields[] = { "name", "number", "subject", "title" };

/* The @k-th field @kind is named by, or -1. */
static int name_field(int kind, int k)
{
	for (size_t i = 0; i < sizeof(by_kind) / sizeof(by_kind[0]); i++)
		if (by_kind[i].kind == kind)
			return k < 2 && by_kind[i].fields[k] ? kiscrm_kind_field_find(kind, by_kind[i].fields[k]) : -1;
	for (size_t i = 0; k == 0 && i < sizeof(label_fields) / sizeof(label_fields[0]); i++) {
		int f = kiscrm_kind_field_find(kind, label_fields[i]);
		if (f >= 0 && kiscrm_kind_field_type(kind, f) == KISCRM_TYPE_TEXT)
			return f;
	}
	return -1;
}

int cli_kind_has_label(int kind)
{
	return name_field(kind, 0) >= 0;
}

int cli_is_id_text(const char *text)
{
	const char *p = text + (*text == '-' || *text == '+');
	return *p && strspn(p, "0123456789") == strlen(p);
}

int cli_ref_take(cli_ref *ref, const char *what, int kind, const char *text, kiscrm_id *out)
{
	ref->what = what;
	ref->kind = kind;
	ref->out = out;
	ref->text = NULL;
	if (cli_is_id_text(text) || !*text)
		return cli_parse_id(out, what, text);
	ref->text = text;
	return 0;
}

int cli_ref_resolve(cli *c, cli_ref *refs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!refs[i].text)
			continue;
		int rc = cli_find_by_name(refs[i].out, c, refs[i].kind, refs[i].what, refs[i].text, 0);
		if (rc)
			return rc;
	}
	return 0;
}

/* ---- the lookup ---- */

/* Most candidates listed for an ambiguous name. */
#define MAX_LISTED 10

typedef struct {
	size_t n;
	kiscrm_id ids[MAX_LISTED];
} found;

/* The records of @kind whose field @field equals @text (contacts: of @scope's customer). */
static int find(found *out, kiscrm_db *db, int kind, int field, const char *text, kiscrm_id scope)
{
	kiscrm_filter f = KISCRM_FILTER_INIT;
	kiscrm_filter_cond cond = { field, KISCRM_OP_EQ, KISCRM_TYPE_TEXT, { .s = text } };
	kiscrm_iter *it = NULL;
	const kiscrm_record *r;
	f.ncond = 1;
	f.conds = &cond;
	f.customer_id = scope;
	out->n = 0;
	int rc = kiscrm_iter_new(&it, db, kind, &f);
	while (rc == 0 && (rc = kiscrm_iter_next(&r, it)) == KISCRM_OK) {
		if (out->n < MAX_LISTED)
			out->ids[out->n] = kiscrm_record_id(r);
		out->n++;
	}
	kiscrm_iter_free(it);
	return rc == KISCRM_ITEROVER ? 0 : rc;
}

/* What tells records of one name apart: a person's department, a department's parent, a
 * contact's customer. */
static int context_field(int kind)
{
	switch (kind) {
	case KISCRM_KIND_STAFF:
	case KISCRM_KIND_CAMPAIGN:
		return kiscrm_kind_field_find(kind, "department_id");
	case KISCRM_KIND_DEPARTMENT:
		return kiscrm_kind_field_find(kind, "parent_id");
	case KISCRM_KIND_CONTACT:
	case KISCRM_KIND_OPPORTUNITY:
	case KISCRM_KIND_CONTRACT:
	case KISCRM_KIND_LEAD:
		return kiscrm_kind_field_find(kind, "customer_id");
	default:
		return -1;
	}
}

static int ambiguous(cli *c, int kind, const char *what, const char *text, const found *m)
{
	cli_labels *cache = NULL;
	int cf = context_field(kind);
	fprintf(stderr, "kiscrm: %s: '%s' names %zu %s records; give the id of one:\n", what, text, m->n,
		kiscrm_kind_name(kind));
	for (size_t i = 0; i < m->n && i < MAX_LISTED; i++) {
		kiscrm_record *r = NULL;
		const char *label = cli_label(&cache, c->db, kind, m->ids[i]);
		fprintf(stderr, "  %lld  %s", (long long)m->ids[i], label ? label : "");
		if (cf >= 0 && kiscrm_record_get(&r, c->db, kind, m->ids[i]) == 0 && !kiscrm_record_is_null(r, cf)) {
			int target = kiscrm_kind_field_ref(kind, cf);
			const char *ctx = cli_label(&cache, c->db, target, kiscrm_record_int(r, cf));
			fprintf(stderr, "  (%s %s)", kiscrm_kind_name(target), ctx ? ctx : "?");
		}
		kiscrm_record_free(r);
		fputc('\n', stderr);
	}
	if (m->n > MAX_LISTED)
		fprintf(stderr, "  … and %zu more\n", m->n - MAX_LISTED);
	cli_labels_free(cache);
	return 2;
}

/* An unknown name: says so, with the names of @kind closest to it. */
static int unknown(cli *c, int kind, const char *what, const char *text)
{
	cli_suggest s;
	kiscrm_iter *it = NULL;
	const kiscrm_record *r;
	cli_suggest_init(&s, text, 1);
	int rc = kiscrm_iter_new(&it, c->db, kind, NULL);
	while (rc == 0 && (rc = kiscrm_iter_next(&r, it)) == KISCRM_OK)
		for (int k = 0; k < 2 && name_field(kind, k) >= 0; k++)
			cli_suggest_add(&s, kiscrm_record_text(r, name_field(kind, k)));
	kiscrm_iter_free(it);
	fprintf(stderr, "kiscrm: %s: no %s ", what, kiscrm_kind_name(kind));
	if (name_field(kind, 1) >= 0)
		fprintf(stderr, "has the %s or %s '%s'", kiscrm_kind_field_name(kind, name_field(kind, 0)),
			kiscrm_kind_field_name(kind, name_field(kind, 1)), text);
	else if (strcmp(kiscrm_kind_field_name(kind, name_field(kind, 0)), "name") == 0)
		fprintf(stderr, "is named '%s'", text);
	else
		fprintf(stderr, "has the %s '%s'", kiscrm_kind_field_name(kind, name_field(kind, 0)), text);
	cli_suggest_print(&s, stderr);
	cli_suggest_free(&s);
	fputc('\n', stderr);
	return 2;
}

int cli_find_by_name(kiscrm_id *out, cli *c, int kind, const char *what, const char *text,
		     kiscrm_id scope_customer)
{
	found m = { 0, { 0 } };
	if (name_field(kind, 0) < 0) {
		cli_usage("%s: '%s' is not a record id (a %s is given by its id)", what, text, kiscrm_kind_name(kind));
		return 2;
	}
	if (kind != KISCRM_KIND_CONTACT)
		scope_customer = 0;
	for (int k = 0; k < 2 && name_field(kind, k) >= 0 && m.n == 0; k++)
		if (find(&m, c->db, kind, name_field(kind, k), text, scope_customer) < 0)
			return cli_fail(what);
	if (m.n == 0 && kind == KISCRM_KIND_CUSTOMER) {
		/* 长沙湘江物流有限公司 finds 长沙湘江物流有限责任公司, as an import does */
		kiscrm_buf key = KISCRM_BUF_INIT;
		int rc = kiscrm_customer_normalize_name(&key, text);
		if (rc == 0 && key.size)
			rc = find(&m, c->db, kind, KISCRM_CUSTOMER_NAME_KEY, key.ptr, 0);
		kiscrm_buf_dispose(&key);
		if (rc < 0)
			return cli_fail(what);
	}
	if (m.n == 1) {
		*out = m.ids[0];
		return 0;
	}
	return m.n ? ambiguous(c, kind, what, text, &m) : unknown(c, kind, what, text);
}

/* ---- labels beside ids ---- */

struct cli_labels {
	size_t n, cap; /* cap: a power of two */
	struct entry {
		int kind;
		kiscrm_id id;
		char *label; /* NULL: none */
	} *slots;
};

static size_t slot_of(const cli_labels *l, int kind, kiscrm_id id)
{
	uint64_t h = ((uint64_t)id * 0x9E3779B97F4A7C15u) ^ (uint64_t)kind;
	size_t i = (size_t)(h >> 17) & (l->cap - 1);
	while (l->slots[i].kind && (l->slots[i].kind != kind || l->slots[i].id != id))
		i = (i + 1) & (l->cap - 1);
	return i;
}

static int grow(cli_labels *l)
{
	cli_labels bigger = { 0, l->cap ? l->cap * 2 : 64, NULL };
	bigger.slots = calloc(bigger.cap, sizeof(*bigger.slots));
	if (!bigger.slots)
		return -1;
	for (size_t i = 0; i < l->cap; i++)
		if (l->slots[i].kind) {
			bigger.slots[slot_of(&bigger, l->slots[i].kind, l->slots[i].id)] = l->slots[i];
			bigger.n++;
		}
	free(l->slots);
	*l = bigger;
	return 0;
}

/* The record's label read from the database: a copy, or NULL. */
static char *read_label(kiscrm_db *db, int kind, kiscrm_id id)
{
	kiscrm_record *r = NULL;
	int f = name_field(kind, 0);
	char *label = NULL;
	/* A record the principal may not see (another partner's) simply has no label. */
	if (f >= 0 && kiscrm_record_get(&r, db, kind, id) == 0) {
		const char *t = kiscrm_record_text(r, f);
		int f2 = name_field(kind, 1);
		if (!t && f2 >= 0)
			t = kiscrm_record_text(r, f2);
		label = t && *t ? strdup(t) : NULL;
	}
	kiscrm_record_free(r);
	return label;
}

const char *cli_label(cli_labels **cache, kiscrm_db *db, int kind, kiscrm_id id)
{
	if (kind <= 0 || id <= 0 || name_field(kind, 0) < 0)
		return NULL;
	if (!*cache && !(*cache = calloc(1, sizeof(**cache))))
		return NULL;
	cli_labels *l = *cache;
	if (l->n * 2 >= l->cap && grow(l) < 0)
		return NULL;
	size_t i = slot_of(l, kind, id);
	if (!l->slots[i].kind) {
		l->slots[i].kind = kind;
		l->slots[i].id = id;
		l->slots[i].label = read_label(db, kind, id);
		l->n++;
	}
	return l->slots[i].label;
}

void cli_labels_free(cli_labels *cache)
{
	if (!cache)
		return;
	for (size_t i = 0; i < cache->cap; i++)
		free(cache->slots[i].label);
	free(cache->slots);
	free(cache);
}
