/* The PostgreSQL backend's private types and the functions its files share:
 * statements.c (connection, errors, prepared statements, queries, transactions),
 * cursor.c (scans read in batches), loose.c (distinct values of grouped fields by an
 * index walk),
 * errors.c (failed commands as kiscrm errors), bulk.c (bulk inserts: ids reserved in
 * blocks, inserts queued in pipeline mode), pipe.c (their answers),
 * values.c (kiscrm_value <-> text parameters and result columns), schema.c (tables,
 * schema version, migration) and postgres.c (the backend's slots and construction). */
#ifndef KC_BACKENDS_POSTGRES_INTERNAL_H
#define KC_BACKENDS_POSTGRES_INTERNAL_H

#include "postgres.h"
#include "core/buf.h"
#include "core/error.h"

#include <libpq-fe.h>
#include <stdint.h>

/* Scan and count statements are prepared by SQL text; a handle sees few distinct query
 * shapes, so a small table with least-recently-used eviction is enough. */
#define PG_SCAN_CACHE_MAX 64
/* Rows of up to this many fields are built on the stack (no allocation per call). */
#define PG_ROW_STACK 64
/* Type oids of the columns the backend creates (pg_type.dat; stable across releases). */
#define PG_INT8OID 20
#define PG_TEXTOID 25
#define PG_FLOAT8OID 701
/* PostgreSQL truncates identifiers to NAMEDATALEN - 1 bytes. */
#define PG_NAME_MAX 63
#define PG_META_TABLE "kiscrm_meta"
/* The index over a kind's grouped fields is named "<kind>__grouped": two underscores,
 * which no "<kind>_<field>" index of a lower_snake_case field name ends with. */
#define PG_GROUPED_SUFFIX "__grouped"
#define PG_APPLICATION "libkiscrm"
/* Isolation of the core's transactions. SERIALIZABLE gives what SQLite's single writer
 * gives (no write skew: a reference checked by the core cannot vanish under a
 * concurrent delete); conflicts surface as SQLSTATE 40001, i.e. KISCRM_EBUSY, and
 * kiscrm_db_transact() reruns the unit of work. */
#define PG_BEGIN_SQL "BEGIN ISOLATION LEVEL SERIALIZABLE"
/* Bulk inserts (bulk.c). A transaction's first PG_BULK_AFTER inserts of a kind with
 * an assigned id run one by one as before (small transactions keep contiguous ids and
 * see no change); later ones take ids from a block reserved from the kind's sequence
 * (PG_BLOCK_MIN ids, growing with the run up to PG_BLOCK_MAX) and are queued without
 * waiting, at most PG_PIPE_MAX at a time: the server's answers to them (~30 bytes each)
 * must fit its socket buffer while the client is still sending, or both would block. */
#define PG_BULK_AFTER 8
#define PG_BLOCK_MIN 16
#define PG_BLOCK_MAX 1024
#define PG_PIPE_MAX 1000
/* Scans (cursor.c) read at most this many rows per result, so that client memory stays
 * bounded whatever the table's size; KISCRM_PG_BATCH overrides it (a testing knob, read
 * when the backend is made, PG_BATCH_MIN..PG_BATCH_MAX). */
#define PG_BATCH_DEFAULT 10000L
#define PG_BATCH_MIN 1L
#define PG_BATCH_MAX 1000000L

/* A server-side prepared statement. Prepared lazily, and again after a reconnect: a
 * statement is valid only on the connection generation it was prepared on. */
typedef struct pg_stmt {
	char name[24];
	char *sql;
	int nparams;
	Oid *types;       /* parameter types, given to PQprepare */
	unsigned int gen; /* 0: not prepared */
} pg_stmt;

/* The parameters of one execution, in binary format: exact for doubles and independent
 * of the locale. Storage for PG_ROW_STACK parameters is inline (no allocation per call). */
typedef struct pg_params {
	int n;
	const char **vals;
	int *lens;
	int *fmts;
	Oid *types;
	unsigned char (*num)[8]; /* big-endian int8 / float8 values pointed to by vals */
	const char *vals_s[PG_ROW_STACK];
	int lens_s[PG_ROW_STACK];
	int fmts_s[PG_ROW_STACK];
	Oid types_s[PG_ROW_STACK];
	unsigned char num_s[PG_ROW_STACK][8];
} pg_params;

/* The per-kind statements. */
enum pg_stmt_kind {
	PS_INSERT_AUTO, PS_INSERT_ID, PS_UPDATE, PS_REMOVE, PS_GET,
	PS_INSERT_BULK, /* plain INSERT with the id: queued in pipeline mode */
	PS_RESERVE,     /* $1 ids from the kind's sequence */
	PS_NKIND
};

typedef struct pg_kind_cache {
	pg_stmt st[PS_NKIND];
	/* Ids reserved from the sequence and not given out yet. They stay this handle's
	 * across transactions (a sequence does not roll back, so nobody else gets them),
	 * so that the next transaction's ids continue where the last one stopped. */
	int64_t *ids;
	int nids, next_id;
	long run; /* inserts with an assigned id in the current transaction */
} pg_kind_cache;

/* An insert sent and not yet answered: what an error names. */
typedef struct pg_pending {
	int ki;
	int64_t id;
} pg_pending;

typedef struct pg_scan_entry {
	uint32_t hash;
	uint64_t used; /* tick of last use, for LRU eviction */
	pg_stmt stmt;
} pg_scan_entry;

typedef struct pg_backend {
	kiscrm_backend base; /* must stay first: the core sees only this */
	PGconn *conn;
	char *where;       /* "database 'crm' on /run/postgresql" for messages */
	unsigned int gen;  /* connection generation, bumped by every (re)connect */
	unsigned int next_name; /* statement names are never reused on a connection */
	int in_tx;         /* begin() succeeded and neither commit() nor rollback() ran */
	const kiscrm_schema *schema;
	pg_kind_cache *kinds; /* parallel to schema->kinds */
	int last_kind;
	pg_scan_entry scans[PG_SCAN_CACHE_MAX];
	int nscans;
	uint64_t tick;
	kiscrm_buf sql; /* scratch for building scan SQL, reused */
	long batch;     /* rows per result of a scan (cursor.c) */
	int cursors;    /* scans now reading through a cursor: names the next one */
	long largest;   /* most rows a scan's result held (test hook) */
	long walks;     /* distinct values answered by an index walk (test hook) */
	int npending;   /* inserts queued in pipeline mode, not yet answered */
	pg_pending pending[PG_PIPE_MAX];
} pg_backend;

/* statements.c */
int pg_connected(pg_backend *be);
int pg_exec(pg_backend *be, const char *sql, PGresult **out, const char *what);
int pg_exec_params(pg_backend *be, const char *sql, int n, const char *const *vals, PGresult **out,
		   const char *what);
int pg_exec_bin(pg_backend *be, const char *sql, const pg_params *p, PGresult **out, const char *what);
int pg_run(pg_backend *be, pg_stmt *st, const pg_params *p, PGresult **out, const char *what,
	   const char *name);
int pg_prepared(pg_backend *be, pg_stmt *st, const char *what, const char *name);
void pg_stmt_dispose(pg_backend *be, pg_stmt *st, int deallocate);
int pg_find_kind(pg_backend *be, const kiscrm_kind_def **kind);
int pg_kind_stmt(pg_backend *be, int ki, enum pg_stmt_kind which, pg_stmt **out);
/* The forms of a query statement: rows, their count, the distinct values of the wanted
 * fields, and the first row in the order of the one wanted field (id NULL, as for
 * distinct values; loose.c walks an index with it). */
enum pg_form { PG_SCAN, PG_COUNT, PG_DISTINCT, PG_FIRST };
int pg_run_query(pg_backend *be, const kiscrm_kind_def **kind, const kiscrm_query *q, int form,
		 PGresult **res);
int pg_tail_sql(pg_backend *be, const kiscrm_kind_def *k, const kiscrm_query *q, int bounded,
		long limit, char **sql, pg_params *p);
void pg_free_statements(pg_backend *be);
int pg_begin(kiscrm_backend *b);
int pg_commit(kiscrm_backend *b);
int pg_rollback(kiscrm_backend *b);
/* values.c */
const char *pg_sql_type(int type);
Oid pg_type_oid(int type);
int pg_params_init(pg_params *p, int n);
void pg_params_dispose(pg_params *p);
int pg_param_set(pg_params *p, int i, const kiscrm_kind_def *kind, const kiscrm_field_def *f,
		 const kiscrm_value *v);
void pg_param_id(pg_params *p, int i, int64_t id);
int pg_copy_types(pg_stmt *st, const pg_params *p);
int pg_get_int8(const PGresult *res, int row, int col, int64_t *out);
int pg_each_row(const PGresult *res, int nrows, const kiscrm_kind_def *kind, kiscrm_row_cb cb,
		void *payload);
/* cursor.c */
int pg_scan_rows(pg_backend *be, const kiscrm_kind_def *kind, const kiscrm_query *q,
		 kiscrm_row_cb cb, void *payload);
/* errors.c */
int pg_fail_result(pg_backend *be, const PGresult *res, const char *fmt, ...) KC_PRINTF(3, 4);
/* bulk.c */
int pg_bulk_insert(pg_backend *be, int ki, const kiscrm_value *row, kiscrm_id *out_id);
void pg_bulk_forget_ids(pg_backend *be, int ki);
/* pipe.c */
int pg_pipe_drain(pg_backend *be);
int pg_pipe_drain_with(pg_backend *be, pg_stmt *st, const pg_params *p, PGresult **out);
/* loose.c */
/* How many of the first 64 fields of @k (those a query can want) are grouped
 * (KISCRM_FIELD_GROUPED), their indexes in @fields (room for 64) when not NULL. */
int pg_grouped_fields(const kiscrm_kind_def *k, int *fields);
int pg_distinct_loose(pg_backend *be, const kiscrm_kind_def *kind, const kiscrm_query *q,
		      kiscrm_row_cb cb, void *payload, int *done);
/* schema.c */
int pg_check_schema(const kiscrm_schema *s);
int pg_sync_schema(pg_backend *be, const kiscrm_schema *s);

#endif
