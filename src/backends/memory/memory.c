/* The in-memory backend: rows live in plain C memory until the backend is freed.
 *
 * Per kind, rows sit in a vector indexed directly by id (slot NULL: no such row), so get,
 * update and remove are one array access and a scan walks the vector in ascending id
 * order. A row is ONE block: its `nfields` kiscrm_value followed by the bytes of its TEXT
 * values, whose pointers point into the same block. The stored block is what get and
 * scan hand to callbacks (borrowed), so reads never copy.
 *
 * Blocks come from a small slab allocator rather than malloc: malloc's 8-byte header and
 * 16-byte rounding would cost ~14 bytes a row, which matters at millions of rows, and a
 * block's size is always recomputable from its contents so the slab needs no header.
 *
 * Transactions keep an undo log: each mutation records (table, id, previous row or NULL)
 * and the log owns the previous row until commit frees it or rollback puts it back. */
#include "kiscrm/sys/backend.h"
#include "core/error.h"

#include <stdlib.h>
#include <string.h>

/* Ids index the slot vector directly, so an explicit id costs 8 bytes per id below it.
 * Beyond this bound (1 GiB of id space, an 8 GiB vector) the backend refuses the id
 * rather than trying to allocate a vector for it. */
#define MEM_ID_MAX ((kiscrm_id)1 << 30)

/* Slab: blocks up to SLAB_MAX bytes are carved from 1 MiB chunks in 8-byte steps (which
 * keeps every kiscrm_value 8-byte aligned); freed blocks go on a free list per size and
 * are reused by the next block of that size. Larger blocks use malloc directly. */
#define SLAB_CHUNK (((size_t)1 << 20) - 64) /* with malloc's header: exactly 1 MiB mapped */
#define SLAB_GRAIN ((size_t)8)
#define SLAB_MAX ((size_t)4096)
#define SLAB_NCLASS (SLAB_MAX / SLAB_GRAIN + 1)

typedef struct slab {
	void *free[SLAB_NCLASS]; /* free blocks of each size, linked through their first word */
	char *cur;               /* unused tail of the newest chunk */
	size_t left;
	char **chunks;
	size_t nchunks, achunks;
} slab;

static size_t slab_round(size_t n)
{
	return (n + SLAB_GRAIN - 1) & ~(SLAB_GRAIN - 1);
}

static void *slab_alloc(slab *s, size_t size)
{
	void *p;

	size = slab_round(size);
	if (size > SLAB_MAX)
		return malloc(size);
	p = s->free[size / SLAB_GRAIN];
	if (p) {
		memcpy(&s->free[size / SLAB_GRAIN], p, sizeof(void *));
		return p;
	}
	if (s->left < size) {
		char *c;

		if (s->nchunks == s->achunks) {
			size_t n = s->achunks ? s->achunks * 2 : 16;
			char **a = realloc(s->chunks, n * sizeof(*a));

			if (!a)
				return NULL;
			s->chunks = a;
			s->achunks = n;
		}
		c = malloc(SLAB_CHUNK);
		if (!c)
			return NULL;
		/* the tail of the previous chunk (< SLAB_MAX bytes) is given up */
		s->chunks[s->nchunks++] = c;
		s->cur = c;
		s->left = SLAB_CHUNK;
	}
	p = s->cur;
	s->cur += size;
	s->left -= size;
	return p;
}

static void slab_free(slab *s, void *p, size_t size)
{
	if (!p)
		return;
	size = slab_round(size);
	if (size > SLAB_MAX) {
		free(p);
		return;
	}
	memcpy(p, &s->free[size / SLAB_GRAIN], sizeof(void *));
	s->free[size / SLAB_GRAIN] = p;
}

static void slab_dispose(slab *s)
{
	for (size_t i = 0; i < s->nchunks; i++)
		free(s->chunks[i]);
	free(s->chunks);
	memset(s, 0, sizeof(*s));
}

typedef struct mem_table {
	int kind;            /* kiscrm_kind of the rows */
	int nfields;         /* values per row */
	int *types;          /* type of each field, from the schema */
	kiscrm_value **slot; /* slot[id]: the row of that id, or NULL */
	size_t nslot;        /* allocated slots; every id < nslot is addressable */
	kiscrm_id next_id;   /* max id ever used + 1 */
	int64_t nrows;       /* rows present */
} mem_table;

typedef struct mem_undo {
	int table;           /* index in mem_backend.tables */
	kiscrm_id id;
	kiscrm_value *prev;  /* the row before the change (owned), NULL: it was absent */
} mem_undo;

typedef struct mem_backend {
	kiscrm_backend parent; /* first member: the core sees a kiscrm_backend */
	mem_table *tables;
	int ntables;
	int schema_version;
	int in_tx;
	mem_undo *undo;
	size_t nundo, aundo;
	kiscrm_id *saved_next; /* next_id of each table at begin */
	int nsaved;
	slab rows;             /* where every row block lives */
} mem_backend;

static mem_backend *mem_of(kiscrm_backend *b)
{
	return (mem_backend *)b;
}

static int find_table(const mem_backend *m, int kind)
{
	for (int i = 0; i < m->ntables; i++)
		if (m->tables[i].kind == kind)
			return i;
	return -1;
}

/* Resolves the table of a call, checking that the caller's kind matches what was opened. */
static int table_of(mem_table **out, kiscrm_backend *b, const kiscrm_kind_def *kind)
{
	mem_backend *m = mem_of(b);
	int t;

	if (!b || !kind)
		return kc_error_set(KISCRM_EINVALID, "memory backend: NULL backend or kind");
	t = find_table(m, kind->kind);
	if (t < 0)
		return kc_error_set(KISCRM_EINVALID,
				    "memory backend: unknown kind %d ('%s'); not in the opened schema",
				    kind->kind, kind->name ? kind->name : "?");
	if (kind->nfields != m->tables[t].nfields)
		return kc_error_set(KISCRM_EINVALID,
				    "memory backend: kind '%s' has %d fields, the opened schema has %d",
				    kind->name ? kind->name : "?", kind->nfields,
				    m->tables[t].nfields);
	*out = &m->tables[t];
	return KISCRM_OK;
}

static const char *field_name(const kiscrm_kind_def *kind, int i)
{
	if (kind && kind->fields && i >= 0 && i < kind->nfields && kind->fields[i].name)
		return kind->fields[i].name;
	return "?";
}

/* Every value must be NULL or of its field's type; TEXT must have its string. */
static int check_row(const mem_table *t, const kiscrm_kind_def *kind, const kiscrm_value *row)
{
	for (int i = 0; i < t->nfields; i++) {
		const kiscrm_value *v = &row[i];

		if (v->type == KISCRM_TYPE_NULL)
			continue;
		if (v->type != t->types[i])
			return kc_error_set(KISCRM_EINVALID,
					    "memory backend: field '%s' of '%s' is of type %d, got a value of type %d",
					    field_name(kind, i), kind->name ? kind->name : "?",
					    t->types[i], v->type);
		if (v->type == KISCRM_TYPE_TEXT && !v->u.s)
			return kc_error_set(KISCRM_EINVALID,
					    "memory backend: TEXT field '%s' has a NULL string",
					    field_name(kind, i));
	}
	return KISCRM_OK;
}

/* Bytes of the block holding a row of nstored values whose first nfields come from row. */
static size_t row_size(const kiscrm_value *row, int nfields, int nstored)
{
	size_t size = (size_t)nstored * sizeof(kiscrm_value);

	for (int i = 0; i < nfields; i++)
		if (row[i].type == KISCRM_TYPE_TEXT)
			size += strlen(row[i].u.s) + 1;
	return size;
}

static void row_free(mem_backend *m, kiscrm_value *row, int nfields)
{
	if (row)
		slab_free(&m->rows, row, row_size(row, nfields, nfields));
}

/* Copies a row into one block: the values, then the strings they point at. Fields
 * nfields..nstored-1 (added by a newer schema) become NULL. */
static kiscrm_value *row_pack(mem_backend *m, const kiscrm_value *row, int nfields, int nstored)
{
	size_t head = (size_t)nstored * sizeof(kiscrm_value);
	kiscrm_value *out;
	char *p;

	out = slab_alloc(&m->rows, row_size(row, nfields, nstored));
	if (!out)
		return NULL;
	p = (char *)out + head;
	for (int i = 0; i < nstored; i++) {
		if (i >= nfields) {
			/* fields added by a newer schema start as NULL */
			memset(&out[i], 0, sizeof(out[i]));
			out[i].type = KISCRM_TYPE_NULL;
			continue;
		}
		out[i] = row[i];
		if (row[i].type == KISCRM_TYPE_TEXT) {
			size_t n = strlen(row[i].u.s) + 1;

			memcpy(p, row[i].u.s, n);
			out[i].u.s = p;
			p += n;
		}
	}
	return out;
}

static kiscrm_value *slot_get(const mem_table *t, kiscrm_id id)
{
	if (id <= 0 || (uint64_t)id >= t->nslot)
		return NULL;
	return t->slot[id];
}

/* Makes slot[id] addressable, growing by half so sequential inserts stay amortised O(1)
 * while the unused tail stays small. */
static int slot_reserve(mem_table *t, kiscrm_id id)
{
	size_t want = (size_t)id + 1, n;
	kiscrm_value **s;

	if (want <= t->nslot)
		return KISCRM_OK;
	n = t->nslot + t->nslot / 2;
	if (n < want)
		n = want;
	if (n < 64)
		n = 64;
	s = realloc(t->slot, n * sizeof(*s));
	if (!s)
		return kc_error_oom();
	memset(s + t->nslot, 0, (n - t->nslot) * sizeof(*s));
	t->slot = s;
	t->nslot = n;
	return KISCRM_OK;
}

/* Reserves room for one more undo entry before anything changes, so that logging a
 * change can never fail after the change was made. */
static int undo_reserve(mem_backend *m)
{
	size_t n;
	mem_undo *u;

	if (!m->in_tx || m->nundo < m->aundo)
		return KISCRM_OK;
	n = m->aundo ? m->aundo * 2 : 64;
	u = realloc(m->undo, n * sizeof(*u));
	if (!u)
		return kc_error_oom();
	m->undo = u;
	m->aundo = n;
	return KISCRM_OK;
}

/* Stores row (or NULL) at id; the previous row goes to the undo log or is freed. */
static void slot_set(mem_backend *m, mem_table *t, kiscrm_id id, kiscrm_value *row)
{
	kiscrm_value *prev = t->slot[id];

	if (m->in_tx) {
		mem_undo *u = &m->undo[m->nundo++];

		u->table = (int)(t - m->tables);
		u->id = id;
		u->prev = prev;
	} else {
		row_free(m, prev, t->nfields);
	}
	t->nrows += (row != NULL) - (prev != NULL);
	t->slot[id] = row;
}

/* Row blocks in the slab go with its chunks; only the large malloc'd ones need a free. */
static void table_dispose(mem_backend *m, mem_table *t)
{
	for (size_t i = 0; i < t->nslot; i++)
		row_free(m, t->slot[i], t->nfields);
	free(t->slot);
	free(t->types);
	t->slot = NULL;
	t->types = NULL;
	t->nslot = 0;
}

static int check_kind_def(const kiscrm_kind_def *k)
{
	if (!k || k->nfields < 1 || !k->fields)
		return kc_error_set(KISCRM_EINVALID, "memory backend: schema kind '%s' has no fields",
				    k && k->name ? k->name : "?");
	if (k->fields[0].type != KISCRM_TYPE_INT)
		return kc_error_set(KISCRM_EINVALID,
				    "memory backend: field 0 ('%s') of kind '%s' must be the INT id",
				    field_name(k, 0), k->name ? k->name : "?");
	return KISCRM_OK;
}

static int *copy_types(const kiscrm_kind_def *k)
{
	int *types = malloc((size_t)k->nfields * sizeof(*types));

	if (types)
		for (int i = 0; i < k->nfields; i++)
			types[i] = k->fields[i].type;
	return types;
}

/* A kind opened again: same fields keep their rows; fields appended by a newer schema
 * are added to every row as NULL. Fewer fields or changed types mean the data was
 * written by a different schema, which is refused. */
static int table_migrate(mem_backend *m, mem_table *t, const kiscrm_kind_def *k)
{
	kiscrm_value **wide;
	int *types;

	if (k->nfields < t->nfields)
		return kc_error_set(KISCRM_EVERSION,
				    "memory backend: kind '%s' has %d fields, the stored rows have %d",
				    k->name ? k->name : "?", k->nfields, t->nfields);
	for (int i = 0; i < t->nfields; i++)
		if (k->fields[i].type != t->types[i])
			return kc_error_set(KISCRM_EVERSION,
					    "memory backend: field '%s' of kind '%s' changed type from %d to %d",
					    field_name(k, i), k->name ? k->name : "?", t->types[i],
					    k->fields[i].type);
	if (k->nfields == t->nfields)
		return KISCRM_OK;
	types = copy_types(k);
	wide = t->nslot ? calloc(t->nslot, sizeof(*wide)) : NULL;
	if (!types || (t->nslot && !wide)) {
		free(types);
		free(wide);
		return kc_error_oom();
	}
	/* All wide rows are built before any old one goes, so running out of memory half
	 * way leaves the table exactly as it was. */
	for (size_t id = 0; id < t->nslot; id++) {
		if (t->slot[id] && !(wide[id] = row_pack(m, t->slot[id], t->nfields, k->nfields))) {
			for (size_t j = 0; j < id; j++)
				row_free(m, wide[j], k->nfields);
			free(wide);
			free(types);
			return kc_error_oom();
		}
	}
	for (size_t id = 0; id < t->nslot; id++) {
		if (!t->slot[id])
			continue;
		row_free(m, t->slot[id], t->nfields);
		t->slot[id] = wide[id];
	}
	free(wide);
	free(t->types);
	t->types = types;
	t->nfields = k->nfields;
	return KISCRM_OK;
}

static int mem_open(kiscrm_backend *b, const kiscrm_schema *schema)
{
	mem_backend *m = mem_of(b);
	int rc;

	if (!b || !schema || schema->nkinds < 0 || (schema->nkinds > 0 && !schema->kinds))
		return kc_error_set(KISCRM_EINVALID, "memory backend: open needs a schema");
	if (m->in_tx)
		return kc_error_set(KISCRM_EINVALID,
				    "memory backend: cannot open a schema inside a transaction");
	if (m->ntables > 0 && schema->version < m->schema_version)
		return kc_error_set(KISCRM_EVERSION,
				    "memory backend: data was written by schema version %d, newer than %d",
				    m->schema_version, schema->version);
	for (int i = 0; i < schema->nkinds; i++) {
		if ((rc = check_kind_def(schema->kinds[i])) < 0)
			return rc;
		for (int j = 0; j < i; j++)
			if (schema->kinds[j]->kind == schema->kinds[i]->kind)
				return kc_error_set(KISCRM_EINVALID,
						    "memory backend: kind %d appears twice in the schema",
						    schema->kinds[i]->kind);
	}
	for (int i = 0; i < schema->nkinds; i++) {
		const kiscrm_kind_def *k = schema->kinds[i];
		int t = find_table(m, k->kind);
		mem_table *tables;

		if (t >= 0) {
			if ((rc = table_migrate(m, &m->tables[t], k)) < 0)
				return rc;
			continue;
		}
		tables = realloc(m->tables, (size_t)(m->ntables + 1) * sizeof(*tables));
		if (!tables)
			return kc_error_oom();
		m->tables = tables;
		memset(&tables[m->ntables], 0, sizeof(tables[0]));
		tables[m->ntables].types = copy_types(k);
		if (!tables[m->ntables].types)
			return kc_error_oom();
		tables[m->ntables].kind = k->kind;
		tables[m->ntables].nfields = k->nfields;
		tables[m->ntables].next_id = 1;
		m->ntables++;
	}
	m->schema_version = schema->version;
	return KISCRM_OK;
}

static int mem_begin(kiscrm_backend *b)
{
	mem_backend *m = mem_of(b);

	if (!b)
		return kc_error_set(KISCRM_EINVALID, "memory backend: NULL backend");
	if (m->in_tx)
		return kc_error_set(KISCRM_EINVALID,
				    "memory backend: a transaction is already open (no nesting)");
	if (m->nsaved < m->ntables) {
		kiscrm_id *s = realloc(m->saved_next, (size_t)m->ntables * sizeof(*s));

		if (!s)
			return kc_error_oom();
		m->saved_next = s;
		m->nsaved = m->ntables;
	}
	for (int i = 0; i < m->ntables; i++)
		m->saved_next[i] = m->tables[i].next_id;
	m->nundo = 0;
	m->in_tx = 1;
	return KISCRM_OK;
}

static int mem_commit(kiscrm_backend *b)
{
	mem_backend *m = mem_of(b);

	if (!b || !m->in_tx)
		return kc_error_set(KISCRM_EINVALID, "memory backend: commit without a transaction");
	for (size_t i = 0; i < m->nundo; i++)
		row_free(m, m->undo[i].prev, m->tables[m->undo[i].table].nfields);
	m->nundo = 0;
	m->in_tx = 0;
	return KISCRM_OK;
}

static int mem_rollback(kiscrm_backend *b)
{
	mem_backend *m = mem_of(b);

	if (!b || !m->in_tx)
		return kc_error_set(KISCRM_EINVALID,
				    "memory backend: rollback without a transaction");
	/* Newest first: each entry's row is what the slot held before that change, so after
	 * the oldest entry of an id is replayed the slot is as it was at begin. */
	for (size_t i = m->nundo; i-- > 0;) {
		mem_undo *u = &m->undo[i];
		mem_table *t = &m->tables[u->table];
		kiscrm_value *cur = t->slot[u->id];

		t->nrows += (u->prev != NULL) - (cur != NULL);
		row_free(m, cur, t->nfields);
		t->slot[u->id] = u->prev;
	}
	for (int i = 0; i < m->ntables && i < m->nsaved; i++)
		m->tables[i].next_id = m->saved_next[i];
	m->nundo = 0;
	m->in_tx = 0;
	return KISCRM_OK;
}

static int mem_insert(kiscrm_backend *b, const kiscrm_kind_def *kind, const kiscrm_value *row,
		      kiscrm_id *out_id)
{
	mem_backend *m = mem_of(b);
	mem_table *t;
	kiscrm_value *copy;
	kiscrm_id id;
	int rc;

	if ((rc = table_of(&t, b, kind)) < 0)
		return rc;
	if (!row)
		return kc_error_set(KISCRM_EINVALID, "memory backend: insert into '%s' without a row",
				    kind->name ? kind->name : "?");
	if ((rc = check_row(t, kind, row)) < 0)
		return rc;
	if (row[0].type == KISCRM_TYPE_NULL || row[0].u.i == 0) {
		id = t->next_id;
	} else {
		id = row[0].u.i;
		if (id < 0)
			return kc_error_set(KISCRM_EINVALID,
					    "memory backend: id %lld of '%s' is negative",
					    (long long)id, kind->name ? kind->name : "?");
		if (slot_get(t, id))
			return kc_error_set(KISCRM_EEXISTS,
					    "memory backend: '%s' with id %lld already exists",
					    kind->name ? kind->name : "?", (long long)id);
	}
	if (id > MEM_ID_MAX)
		return kc_error_set(KISCRM_ENOTSUPPORTED,
				    "memory backend: id %lld of '%s' is above the largest id it stores (%lld)",
				    (long long)id, kind->name ? kind->name : "?",
				    (long long)MEM_ID_MAX);
	if ((rc = slot_reserve(t, id)) < 0 || (rc = undo_reserve(m)) < 0)
		return rc;
	copy = row_pack(m, row, t->nfields, t->nfields);
	if (!copy)
		return kc_error_oom();
	copy[0].type = KISCRM_TYPE_INT;
	copy[0].u.i = id;
	slot_set(m, t, id, copy);
	if (id >= t->next_id)
		t->next_id = id + 1;
	if (out_id)
		*out_id = id;
	return KISCRM_OK;
}

static int not_found(const kiscrm_kind_def *kind, kiscrm_id id)
{
	return kc_error_set(KISCRM_ENOTFOUND, "memory backend: no '%s' with id %lld",
			    kind->name ? kind->name : "?", (long long)id);
}

static int mem_update(kiscrm_backend *b, const kiscrm_kind_def *kind, const kiscrm_value *row)
{
	mem_backend *m = mem_of(b);
	mem_table *t;
	kiscrm_value *copy;
	kiscrm_id id;
	int rc;

	if ((rc = table_of(&t, b, kind)) < 0)
		return rc;
	if (!row)
		return kc_error_set(KISCRM_EINVALID, "memory backend: update of '%s' without a row",
				    kind->name ? kind->name : "?");
	if ((rc = check_row(t, kind, row)) < 0)
		return rc;
	id = row[0].type == KISCRM_TYPE_INT ? row[0].u.i : 0;
	if (!slot_get(t, id))
		return not_found(kind, id);
	if ((rc = undo_reserve(m)) < 0)
		return rc;
	copy = row_pack(m, row, t->nfields, t->nfields);
	if (!copy)
		return kc_error_oom();
	slot_set(m, t, id, copy);
	return KISCRM_OK;
}

static int mem_remove(kiscrm_backend *b, const kiscrm_kind_def *kind, kiscrm_id id)
{
	mem_backend *m = mem_of(b);
	mem_table *t;
	int rc;

	if ((rc = table_of(&t, b, kind)) < 0)
		return rc;
	if (!slot_get(t, id))
		return not_found(kind, id);
	if ((rc = undo_reserve(m)) < 0)
		return rc;
	slot_set(m, t, id, NULL);
	return KISCRM_OK;
}

static int mem_get(kiscrm_backend *b, const kiscrm_kind_def *kind, kiscrm_id id,
		   kiscrm_row_cb cb, void *payload)
{
	mem_table *t;
	kiscrm_value *row;
	int rc;

	if ((rc = table_of(&t, b, kind)) < 0)
		return rc;
	if (!cb)
		return kc_error_set(KISCRM_EINVALID, "memory backend: get without a callback");
	row = slot_get(t, id);
	if (!row)
		return not_found(kind, id);
	return cb(payload, row);
}

/* Refuses conditions the evaluator cannot answer meaningfully, so that a bad query is an
 * error instead of silently matching nothing. */
static int check_query(const mem_table *t, const kiscrm_kind_def *kind, const kiscrm_query *q)
{
	if (!q)
		return KISCRM_OK;
	if (q->ncond < 0 || (q->ncond > 0 && !q->conds))
		return kc_error_set(KISCRM_EINVALID, "memory backend: query has %d conditions",
				    q->ncond);
	for (int i = 0; i < q->ncond; i++) {
		const kiscrm_cond *c = &q->conds[i];

		if (c->field < 0 || c->field >= t->nfields)
			return kc_error_set(KISCRM_EINVALID,
					    "memory backend: condition on field %d, '%s' has %d fields",
					    c->field, kind->name ? kind->name : "?", t->nfields);
		if (c->op < KISCRM_OP_EQ || c->op > KISCRM_OP_CONTAINS)
			return kc_error_set(KISCRM_EINVALID,
					    "memory backend: unknown operator %d on field '%s'", c->op,
					    field_name(kind, c->field));
		if (c->value.type != KISCRM_TYPE_NULL && c->value.type != t->types[c->field])
			return kc_error_set(KISCRM_EINVALID,
					    "memory backend: field '%s' is of type %d, compared with type %d",
					    field_name(kind, c->field), t->types[c->field],
					    c->value.type);
		if (c->value.type == KISCRM_TYPE_TEXT && !c->value.u.s)
			return kc_error_set(KISCRM_EINVALID,
					    "memory backend: TEXT condition on '%s' has a NULL string",
					    field_name(kind, c->field));
		if (c->op == KISCRM_OP_CONTAINS && t->types[c->field] != KISCRM_TYPE_TEXT)
			return kc_error_set(KISCRM_EINVALID,
					    "memory backend: CONTAINS on field '%s', which is not TEXT",
					    field_name(kind, c->field));
	}
	return KISCRM_OK;
}

static int mem_scan(kiscrm_backend *b, const kiscrm_kind_def *kind, const kiscrm_query *q,
		    kiscrm_row_cb cb, void *payload)
{
	mem_table *t;
	int rc;

	if ((rc = table_of(&t, b, kind)) < 0)
		return rc;
	if (!cb)
		return kc_error_set(KISCRM_EINVALID, "memory backend: scan without a callback");
	if ((rc = check_query(t, kind, q)) < 0)
		return rc;
	if (q && q->ncond == 0)
		q = NULL;
	/* nslot is re-read each round: a callback must not mutate, but reading it fresh
	 * costs nothing and keeps a misbehaving one from reading past the vector. */
	for (size_t id = 1; id < t->nslot; id++) {
		const kiscrm_value *row = t->slot[id];

		if (!row || (q && !kiscrm_query_match(kind, q, row)))
			continue;
		if ((rc = cb(payload, row)) != 0)
			return rc;
	}
	return KISCRM_OK;
}

static int mem_count(kiscrm_backend *b, const kiscrm_kind_def *kind, const kiscrm_query *q,
		     int64_t *out)
{
	mem_table *t;
	int64_t n = 0;
	int rc;

	if ((rc = table_of(&t, b, kind)) < 0)
		return rc;
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "memory backend: count without an output");
	if ((rc = check_query(t, kind, q)) < 0)
		return rc;
	if (!q || q->ncond == 0) {
		*out = t->nrows;
		return KISCRM_OK;
	}
	for (size_t id = 1; id < t->nslot; id++)
		if (t->slot[id] && kiscrm_query_match(kind, q, t->slot[id]))
			n++;
	*out = n;
	return KISCRM_OK;
}

static void mem_free(kiscrm_backend *b)
{
	mem_backend *m = mem_of(b);

	if (!b)
		return;
	/* An open transaction is abandoned: its previous rows are freed, not restored. */
	for (size_t i = 0; i < m->nundo; i++)
		row_free(m, m->undo[i].prev, m->tables[m->undo[i].table].nfields);
	for (int i = 0; i < m->ntables; i++)
		table_dispose(m, &m->tables[i]);
	slab_dispose(&m->rows);
	free(m->undo);
	free(m->saved_next);
	free(m->tables);
	free(m);
}

int kiscrm_backend_memory_new(kiscrm_backend **out)
{
	mem_backend *m;
	int rc;

	if (!out)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_backend_memory_new: out is NULL");
	*out = NULL;
	m = calloc(1, sizeof(*m));
	if (!m)
		return kc_error_oom();
	if ((rc = kiscrm_backend_init(&m->parent, KISCRM_BACKEND_VERSION)) < 0) {
		free(m);
		return rc;
	}
	m->parent.open = mem_open;
	m->parent.begin = mem_begin;
	m->parent.commit = mem_commit;
	m->parent.rollback = mem_rollback;
	m->parent.insert = mem_insert;
	m->parent.update = mem_update;
	m->parent.remove = mem_remove;
	m->parent.get = mem_get;
	m->parent.scan = mem_scan;
	m->parent.count = mem_count;
	m->parent.free = mem_free;
	*out = &m->parent;
	return KISCRM_OK;
}
