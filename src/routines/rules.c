/* The rules of SWOT entries and strategies and of work items, run by the store inside
 * the write's transaction; errors name the field and the value. */
#include "routines/kinds.h"
#include "core/error.h"
#include "core/field.h"
#include "kiscrm/routines.h"
#include "storage/checks.h"
#include "storage/db.h"
#include "storage/record.h"

#include <stdio.h>
#include <string.h>

static const char *const quadrants[] = { "strength", "weakness", "opportunity", "threat", NULL };

int kc_swot_entry_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old)
{
	(void)ctx;
	(void)old;
	return kc_check_enum(rec, KISCRM_SWOT_ENTRY_QUADRANT, quadrants);
}

static int quadrant_cb(void *payload, const kiscrm_value *row)
{
	const char *q = kc_val_text(&row[KC_FI(KISCRM_SWOT_ENTRY_QUADRANT)]);
	snprintf(payload, 16, "%s", q ? q : "");
	return 0;
}

/* Entry @field of the strategy must be of @want (the store reports a missing one). */
static int check_side(kiscrm_db *db, const kiscrm_record *rec, kiscrm_field field, const char *name,
		      const char *want, const char *type)
{
	char quadrant[16] = "";
	kiscrm_id id = kiscrm_record_int(rec, field);
	int rc = kc_db_get(db, &kc_swot_entry_def, id, quadrant_cb, quadrant);
	if (rc == KISCRM_ENOTFOUND) {
		char text[24];
		snprintf(text, sizeof(text), "%lld", (long long)id);
		return kc_error_set_at(KISCRM_ENOTFOUND, NULL, 0, 0, name, text,
				       "swot_strategy.%s: SWOT entry %s does not exist", name, text);
	}
	if (rc == 0 && strcmp(quadrant, want) != 0)
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, name, quadrant,
				       "swot_strategy.%s: a %s strategy needs a %s here, entry %lld is a %s", name,
				       type, want, (long long)id, quadrant);
	return rc;
}

int kc_swot_strategy_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old)
{
	static const char *const types[] = { "SO", "ST", "WO", "WT", NULL };
	(void)old;
	int rc = kc_check_enum(rec, KISCRM_SWOT_STRATEGY_TYPE, types);
	if (rc || kiscrm_record_is_null(rec, KISCRM_SWOT_STRATEGY_TYPE) ||
	    kiscrm_record_is_null(rec, KISCRM_SWOT_STRATEGY_INTERNAL) ||
	    kiscrm_record_is_null(rec, KISCRM_SWOT_STRATEGY_EXTERNAL))
		return rc; /* the store reports a missing required field */
	const char *type = kiscrm_record_text(rec, KISCRM_SWOT_STRATEGY_TYPE);
	if ((rc = check_side(ctx->db, rec, KISCRM_SWOT_STRATEGY_INTERNAL, "internal_id",
			     type[0] == 'S' ? "strength" : "weakness", type)) != 0)
		return rc;
	return check_side(ctx->db, rec, KISCRM_SWOT_STRATEGY_EXTERNAL, "external_id",
			  type[1] == 'O' ? "opportunity" : "threat", type);
}

int kc_work_item_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old)
{
	static const char *const lists[] = { "annual", "resource", "problem", NULL };
	static const char *const statuses[] = { "open", "in_progress", "done", "dropped", NULL };
	(void)ctx;
	(void)old;
	int rc;
	if (kiscrm_record_is_null(rec, KISCRM_WORK_ITEM_STATUS) &&
	    (rc = kc_record_put_text(rec, KISCRM_WORK_ITEM_STATUS, "open")) < 0)
		return rc;
	if ((rc = kc_check_enum(rec, KISCRM_WORK_ITEM_LIST, lists)) != 0 ||
	    (rc = kc_check_enum(rec, KISCRM_WORK_ITEM_STATUS, statuses)) != 0)
		return rc;
	/* a done item has the day it was done: its due date when not given */
	if (strcmp(kiscrm_record_text(rec, KISCRM_WORK_ITEM_STATUS), "done") == 0 &&
	    kiscrm_record_is_null(rec, KISCRM_WORK_ITEM_DONE_ON) && !kiscrm_record_is_null(rec, KISCRM_WORK_ITEM_DUE))
		kc_record_put_int(rec, KISCRM_WORK_ITEM_DONE_ON, kiscrm_record_int(rec, KISCRM_WORK_ITEM_DUE));
	return KISCRM_OK;
}
