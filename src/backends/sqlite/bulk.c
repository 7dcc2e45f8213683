/* Bulk loads build their indexes once, at commit.
 *
 * Every insert into a table with indexes also inserts into each index, at a place
 * unrelated to the row's: a million opportunities with their four million history rows
 * spent a third of their load in index maintenance (measured by bench/: 15.7 s with the
 * indexes kept up, 10.7 s dropping them and building them after). So when one
 * transaction has inserted many rows into a table, and they are at least half of it, the
 * backend drops the table's indexes and creates them again just before COMMIT, from the
 * schema, as SQLite's own advice for bulk loads goes. Everything happens inside the
 * transaction: a rollback (or a crash) brings the indexes back with the old rows, and
 * other connections never see a table without them (they read the last commit).
 *
 * A read that filters the table while its indexes are gone would scan every row, so the
 * first one builds them again, and the table keeps them for the rest of the transaction:
 * a load that reads what it wrote pays one build instead of a scan per read. */
#include "sqlite_internal.h"

#include <stdio.h>
#include <string.h>

/* Inserts of one transaction into one table after which it is first considered. Early:
 * the rows inserted before it keep their indexes up one by one (20,000 opportunities and
 * 20,000 history rows were 650M instructions more than 1,000 of each, bench/ under
 * callgrind), and the look costs two reads of the primary key's ends. */
#define DEFER_AFTER 1000

/* Creates (or drops) the index of @field, named <table>_<field> as the schema made it. */
static int index_exec(sq_backend *be, const kiscrm_kind_def *k, int field, int create, const char *what)
{
	kiscrm_buf b = KISCRM_BUF_INIT;
	const char *t = k->name, *f = k->fields[field].name;
	int rc = create ? kc_buf_printf(&b, "CREATE INDEX IF NOT EXISTS \"%s_%s\" ON \"%s\" (\"%s\")", t, f, t, f)
			: kc_buf_printf(&b, "DROP INDEX IF EXISTS \"%s_%s\"", t, f);
	if (!rc)
		rc = sq_exec_sql(be, b.ptr, what);
	kiscrm_buf_dispose(&b);
	return rc;
}

/* Creates (or drops) every index of kind @ki. */
static int each_index(sq_backend *be, int ki, int create)
{
	const kiscrm_kind_def *k = be->schema->kinds[ki];
	int rc = KISCRM_OK;
	for (int i = 1; rc == 0 && i < k->nfields; i++)
		if (k->fields[i].flags & KISCRM_FIELD_INDEXED)
			rc = index_exec(be, k, i, create,
					create ? "build an index after a bulk load" : "defer an index during a bulk load");
	return rc;
}

int sq_create_index(sq_backend *be, const kiscrm_kind_def *k, int field)
{
	return index_exec(be, k, field, 1, "create index");
}

void sq_bulk_inserted(sq_backend *be, int ki)
{
	sq_bulk *s = &be->kinds[ki].bulk;
	int64_t at = s->next_check ? s->next_check : be->defer_after ? be->defer_after : DEFER_AFTER;
	/* outside a transaction a dropped index would stay dropped */
	if (++s->inserts < at || s->deferred || s->kept || sqlite3_get_autocommit(be->db))
		return;
	s->next_check = 2 * s->inserts; /* look again when the load has doubled */
	const kiscrm_kind_def *k = be->schema->kinds[ki];
	int indexed = 0;
	for (int i = 1; i < k->nfields; i++)
		indexed |= (k->fields[i].flags & KISCRM_FIELD_INDEXED) != 0;
	if (!indexed) {
		s->kept = 1;
		return;
	}
	/* Deferring only speeds the load up: the insert that triggers it has succeeded
	 * whatever happens here, so a failure is not the insert's. Marked first: an index
	 * dropped before a later DROP failed is built again at commit all the same. */
	/* The span of the table's ids bounds its rows from above, read from the ends of the
	 * primary key (count(*) would read the whole table, at every doubling): a table
	 * whose ids are spread wider than its rows keeps its indexes, as before. */
	char sql[256];
	int64_t rows = 0;
	const char *t = k->name, *id = k->fields[0].name;
	snprintf(sql, sizeof(sql),
		 "SELECT coalesce((SELECT max(\"%s\") FROM \"%s\") - (SELECT min(\"%s\") FROM \"%s\") + 1, 0)", id, t,
		 id, t);
	int ok = sq_query_int(be, sql, NULL, &rows, "bound the rows of a bulk load") == 0;
	if (ok && rows <= 2 * s->inserts) { /* else mostly older rows: keeping them is cheaper */
		s->deferred = 1;
		ok = each_index(be, ki, 0) == 0;
	}
	if (!ok)
		kiscrm_error_clear();
}

int sq_bulk_need_indexes(sq_backend *be, int ki)
{
	sq_bulk *s = &be->kinds[ki].bulk;
	s->kept = 1;
	if (!s->deferred)
		return KISCRM_OK;
	int rc = each_index(be, ki, 1);
	if (rc == 0) { /* else still deferred: the commit tries again */
		s->deferred = 0;
		be->bulk_restores++;
	}
	return rc;
}

int sq_bulk_before_commit(sq_backend *be)
{
	int rc = KISCRM_OK;
	for (int ki = 0; rc == 0 && be->kinds && ki < be->schema->nkinds; ki++)
		if (be->kinds[ki].bulk.deferred && (rc = each_index(be, ki, 1)) == 0)
			be->kinds[ki].bulk.deferred = 0;
	return rc;
}

void sq_bulk_reset(sq_backend *be)
{
	for (int ki = 0; be->kinds && ki < be->schema->nkinds; ki++)
		memset(&be->kinds[ki].bulk, 0, sizeof(be->kinds[ki].bulk));
}

/* Test hooks (backends/sqlite/sqlite.h). */
int kc_backend_sqlite_defer_after(kiscrm_backend *b, int64_t inserts)
{
	sq_backend *be = (sq_backend *)b;
	if (inserts < 1)
		return kc_error_set(KISCRM_EINVALID, "defer_after %lld is below 1", (long long)inserts);
	be->defer_after = inserts;
	return KISCRM_OK;
}

int kc_backend_sqlite_deferred(kiscrm_backend *b, const char *table)
{
	sq_backend *be = (sq_backend *)b;
	for (int ki = 0; be->kinds && ki < be->schema->nkinds; ki++)
		if (strcmp(be->schema->kinds[ki]->name, table) == 0)
			return be->kinds[ki].bulk.deferred;
	return -1;
}

int64_t kc_backend_sqlite_index_builds(kiscrm_backend *b)
{
	return ((sq_backend *)b)->bulk_restores;
}
