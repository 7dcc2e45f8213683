/* Opening a database: the configuration, the storage backend and the table of kinds come
 * together here, above every area, so that the storage layer needs to know none of them. */
#include "model/model.h"
#include "activities/activities_internal.h"
#include "care/care_internal.h"
#include "service/service_internal.h"
#include "backends/sqlite/sqlite.h"
#include "backends/postgres/postgres.h"
#include "core/error.h"
#include "core/options.h"
#include "storage/db_files.h"
#include "kiscrm/config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int kiscrm_db_options_init(kiscrm_db_options *opts, unsigned int version)
{
	return kc_options_init(opts, version, &kc_db_options_v);
}

static int make_backend(kiscrm_backend **out, const kiscrm_db_options *o)
{
	if (o->custom_backend) {
		kiscrm_backend *b = o->custom_backend;
		if (b->version < 1 || b->version > KISCRM_BACKEND_VERSION || !b->open || !b->begin ||
		    !b->commit || !b->rollback || !b->insert || !b->update || !b->remove ||
		    !b->get || !b->scan || !b->free) {
			unsigned int version = b->version; /* read before b is freed */
			if (b->free)
				b->free(b);
			return kc_error_set(KISCRM_EINVALID,
					    "custom backend has version %u or lacks a required slot",
					    version);
		}
		*out = b;
		return KISCRM_OK;
	}
	const char *name = o->backend ? o->backend : "sqlite";
	if (strcmp(name, "sqlite") == 0)
		return kc_backend_sqlite_new_mode(out, o->path, o->busy_timeout_ms, o->file_mode);
	if (strcmp(name, "memory") == 0)
		return kiscrm_backend_memory_new(out);
	if (strcmp(name, "postgresql") == 0) /* path: the libpq connection string */
		return kc_backend_postgres_new(out, o->path);
	return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "backend", name,
			       "unknown storage backend '%s' (expected sqlite, memory or postgresql)",
			       name);
}

/* The database takes ownership of a custom backend even when opening fails. The field is
 * read from the caller's struct when its version is not supported too (it is a field of
 * version 1, so every caller's struct has it). */
static void free_custom_backend(const kiscrm_db_options *opts)
{
	kiscrm_db_options o;
	if (!opts)
		return;
	memcpy(&o, opts, KC_FIELD_END(kiscrm_db_options, custom_backend));
	if (o.custom_backend && o.custom_backend->free)
		o.custom_backend->free(o.custom_backend);
}

int kiscrm_db_open(kiscrm_db **out, const kiscrm_db_options *opts)
{
	kiscrm_db_options o;
	if (!out) {
		free_custom_backend(opts);
		return kc_error_set(KISCRM_EINVALID, "output pointer is NULL");
	}
	*out = NULL;
	int rc = kc_options_copy(&o, opts, &kc_db_options_v);
	if (rc) {
		free_custom_backend(opts);
		return rc;
	}
	kiscrm_config *config;
	rc = o.config_dir ? kiscrm_config_load(&config, o.config_dir)
			  : kiscrm_config_load_default(&config);
	if (rc) {
		if (o.custom_backend && o.custom_backend->free)
			o.custom_backend->free(o.custom_backend);
		return rc;
	}
	kiscrm_backend *backend;
	kiscrm_db *db;
	if ((rc = make_backend(&backend, &o)) != 0) {
		kiscrm_config_free(config);
		return rc;
	}
	if ((rc = kc_db_new(&db, backend, &kc_model_kinds)) != 0) {
		kiscrm_config_free(config);
		return rc;
	}
	db->config = config;
	db->remote_rows = !o.custom_backend && o.backend && strcmp(o.backend, "postgresql") == 0;
	db->texts_interned = !o.custom_backend && o.backend && strcmp(o.backend, "memory") == 0;
	/* stamps: the memory backend has no other writer, SQLite tells of other connections'
	 * commits; PostgreSQL's other clients change rows unseen, a custom backend is unknown */
	int sqlite = !o.custom_backend && (!o.backend || strcmp(o.backend, "sqlite") == 0);
	db->stamps = db->texts_interned || sqlite;
	db->outside_version = sqlite ? kc_backend_sqlite_data_version : NULL;
	db->money_decimals = kiscrm_config_currency_decimals(config);
	kc_activity_metrics_register(); /* once per process: KPI metrics fed by activities */
	kc_care_metrics_register();     /* … and by key-account care */
	kc_service_metrics_register();  /* … and by service */
	if ((rc = backend->open(backend, kc_model_kinds.schema)) != 0 ||
	    (!o.custom_backend && (!o.backend || strcmp(o.backend, "sqlite") == 0) &&
	     (rc = kc_db_files_note(db, o.path)) != 0)) {
		kiscrm_db_free(db);
		return rc;
	}
	*out = db;
	return KISCRM_OK;
}

void kiscrm_db_free(kiscrm_db *db)
{
	if (!db)
		return;
	kiscrm_config_free(db->config);
	kc_db_delete(db);
}

