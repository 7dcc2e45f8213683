/* Opening a database: the configuration, the storage backend and the table of kinds come
 * together here, above every area, so that the storage layer needs to know none of them. */
#include "model/model.h"
#include "core/error.h"
#include "kiscrm/config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int kiscrm_db_options_init(kiscrm_db_options *opts, unsigned int version)
{
	if (!opts)
		return kc_error_set(KISCRM_EINVALID, "options pointer is NULL");
	if (version < 1 || version > KISCRM_DB_OPTIONS_VERSION)
		return kc_error_set(KISCRM_EVERSION, "kiscrm_db_options version %u not supported (1..%d)",
				    version, KISCRM_DB_OPTIONS_VERSION);
	kiscrm_db_options def = KISCRM_DB_OPTIONS_INIT;
	def.version = version;
	*opts = def;
	return KISCRM_OK;
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
		return kiscrm_backend_sqlite_new(out, o->path, o->busy_timeout_ms);
	if (strcmp(name, "memory") == 0)
		return kiscrm_backend_memory_new(out);
	return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "backend", name,
			       "unknown storage backend '%s' (expected sqlite or memory)", name);
}

int kiscrm_db_open(kiscrm_db **out, const kiscrm_db_options *opts)
{
	kiscrm_db_options o = KISCRM_DB_OPTIONS_INIT;
	if (!out) {
		if (opts && opts->custom_backend && opts->custom_backend->free)
			opts->custom_backend->free(opts->custom_backend);
		return kc_error_set(KISCRM_EINVALID, "output pointer is NULL");
	}
	*out = NULL;
	if (opts) {
		if (opts->version < 1 || opts->version > KISCRM_DB_OPTIONS_VERSION) {
			if (opts->custom_backend && opts->custom_backend->free)
				opts->custom_backend->free(opts->custom_backend);
			return kc_error_set(KISCRM_EVERSION,
					    "kiscrm_db_options version %u not supported (1..%d)",
					    opts->version, KISCRM_DB_OPTIONS_VERSION);
		}
		/* Version 1 is the only one so far: every field is known. */
		o = *opts;
	}
	kiscrm_config *config;
	int rc = o.config_dir ? kiscrm_config_load(&config, o.config_dir)
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
	if ((rc = backend->open(backend, kc_model_kinds.schema)) != 0) {
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

