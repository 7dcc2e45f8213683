/* Inserts name only the fields a row gives.
 *
 * A statement listing every column binds every field, most of them NULL: an
 * opportunity has 32 columns and a bulk load sets 17. Binding was a tenth of a bulk
 * load's time (bench/, 300,000 opportunities with their history: 10 % of the samples,
 * 7 % after), besides the statement copying each parameter into the record it stores.
 * So the statement lists the fields the row sets (and the id, when the row gives one:
 * binding a NULL id made SQLite's program for every row longer, for the same
 * AUTOINCREMENT id); the columns it leaves out take their default, NULL, as the schema
 * declares no other. The few shapes a load uses
 * (an opportunity with or without a close date, a history row with or without a previous
 * stage) stay prepared: each kind keeps INSERT_SHAPES of them, the least recently used
 * making room. A kind of more than 64 fields, which a 64-bit set cannot name, lists them
 * all. */
#include "sqlite_internal.h"
#include "backends/shared.h"

#include <string.h>

#define ALL_FIELDS UINT64_MAX

/* The fields of @row to bind: bit i for field i, the id (bit 0) when the row gives one
 * (@auto_id 0); every field of a kind too wide for the set. */
static uint64_t shape_of(const kiscrm_kind_def *k, const kiscrm_value *row, int auto_id)
{
	if (k->nfields > 64)
		return ALL_FIELDS;
	uint64_t set = !auto_id;
	for (int i = 1; i < k->nfields; i++)
		if (row[i].type != KISCRM_TYPE_NULL)
			set |= (uint64_t)1 << i;
	return set;
}

static int in_shape(uint64_t set, int i)
{
	return set == ALL_FIELDS || (set >> i & 1);
}

static int build(kiscrm_buf *b, const kiscrm_kind_def *k, uint64_t set)
{
	int rc = kc_buf_printf(b, "INSERT INTO \"%s\"", k->name);
	if (!rc && set == 0) /* an automatic id and nothing else */
		return kc_buf_puts(b, " DEFAULT VALUES");
	int n = 0;
	for (int i = 0; !rc && i < k->nfields; i++)
		if (in_shape(set, i))
			rc = kc_buf_printf(b, "%s\"%s\"", n++ ? ", " : " (", k->fields[i].name);
	if (!rc)
		rc = kc_buf_puts(b, ") VALUES (?");
	for (int i = 1; !rc && i < n; i++)
		rc = kc_buf_puts(b, ", ?");
	return rc ? rc : kc_buf_puts(b, ")");
}

/* The prepared insert of kind @ki for the fields @set. */
static int shape_stmt(sq_backend *be, int ki, uint64_t set, insert_shape **out)
{
	insert_shape *shapes = be->kinds[ki].inserts, *s = &shapes[0];
	for (int j = 0; j < INSERT_SHAPES; j++) {
		if (shapes[j].slot.stmt && shapes[j].set == set) {
			shapes[j].used = ++be->tick;
			*out = &shapes[j];
			return KISCRM_OK;
		}
		if (!shapes[j].slot.stmt || (s->slot.stmt && shapes[j].used < s->used))
			s = &shapes[j]; /* an empty one, else the least recently used */
	}
	sq_slot_finalize(&s->slot);
	const kiscrm_kind_def *k = be->schema->kinds[ki];
	kiscrm_buf b = KISCRM_BUF_INIT;
	int rc = build(&b, k, set);
	if (!rc)
		rc = sq_prepare(be, b.ptr, &s->slot.stmt, "sq_prepare insert into", k->name);
	kiscrm_buf_dispose(&b);
	if (rc)
		return rc;
	s->set = set;
	s->used = ++be->tick;
	s->nbind = 0;
	for (uint64_t m = set & ~(uint64_t)1; set != ALL_FIELDS && m; m &= m - 1)
		s->bind[s->nbind++] = (unsigned char)__builtin_ctzll(m);
	*out = s;
	return KISCRM_OK;
}

int sq_insert(kiscrm_backend *b, const kiscrm_kind_def *kind, const kiscrm_value *row, kiscrm_id *out_id)
{
	sq_backend *be = (sq_backend *)b;
	if (!row)
		return kc_error_set(KISCRM_EINVALID, "insert: row is NULL");
	int ki = sq_resolve_kind(be, &kind);
	if (ki < 0)
		return ki;
	/* id NULL or 0: bind NULL so that AUTOINCREMENT assigns a never-used id. */
	int auto_id;
	int rc = kc_backend_insert_id(kind, row, &auto_id);
	if (rc)
		return rc;
	uint64_t set = shape_of(kind, row, auto_id);
	insert_shape *shape;
	if ((rc = shape_stmt(be, ki, set, &shape)) != 0)
		return rc;
	sqlite3_stmt *st = shape->slot.stmt;
	int p = 1;
	if (in_shape(set, 0)) { /* an id given, or a kind too wide for the set: NULL assigns one */
		if (auto_id)
			sqlite3_bind_null(st, p++);
		else
			sqlite3_bind_int64(st, p++, row[0].u.i);
	}
	if (set == ALL_FIELDS) {
		for (int i = 1; rc == 0 && i < kind->nfields; i++)
			rc = sq_bind_value(st, p++, kind, &kind->fields[i], &row[i]);
	} else {
		/* one step per field the row sets, not per field of the kind */
		for (int j = 0; rc == 0 && j < shape->nbind; j++) {
			int i = shape->bind[j];
			rc = sq_bind_value(st, p++, kind, &kind->fields[i], &row[i]);
		}
	}
	if (rc)
		return rc;
	int src = sqlite3_step(st);
	if (src == SQLITE_DONE) {
		if (out_id)
			*out_id = sqlite3_last_insert_rowid(be->db);
	} else if (src == SQLITE_CONSTRAINT_PRIMARYKEY) {
		rc = kc_error_set(KISCRM_EEXISTS, "insert into %s: id %lld already exists",
				  kind->name, (long long)row[0].u.i);
	} else {
		rc = sq_fail(be, src, "insert into %s", kind->name);
	}
	sqlite3_reset(st);
	if (rc == 0)
		sq_bulk_inserted(be, ki);
	return rc;
}
