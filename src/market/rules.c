/* The rules of the market's kinds, run by the store inside the write's transaction: a
 * competitor met once per opportunity, at most one of them `won`; a grid cell of
 * configured region and industry keys, once each, with counts that make sense. */
#include "market/kinds.h"
#include "core/error.h"
#include "core/field.h"
#include "kiscrm/config.h"
#include "kiscrm/market.h"
#include "storage/db.h"
#include "storage/record.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef struct {
	kiscrm_id self, competitor;
	int same_competitor, another_won;
} siblings;

static int sibling_cb(void *payload, const kiscrm_value *row)
{
	siblings *s = payload;
	if (row[0].u.i == s->self)
		return 0;
	s->same_competitor |= kc_val_int(&row[KC_FI(KISCRM_OPPORTUNITY_COMPETITOR_COMPETITOR_ID)], 0) == s->competitor;
	s->another_won |= kc_val_int(&row[KC_FI(KISCRM_OPPORTUNITY_COMPETITOR_WON)], 0) != 0;
	return 0;
}

int kc_opportunity_competitor_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old)
{
	(void)old;
	if (kiscrm_record_is_null(rec, KISCRM_OPPORTUNITY_COMPETITOR_OPPORTUNITY_ID) ||
	    kiscrm_record_is_null(rec, KISCRM_OPPORTUNITY_COMPETITOR_COMPETITOR_ID))
		return KISCRM_OK; /* the store reports the missing required field */
	kiscrm_id opp = kiscrm_record_int(rec, KISCRM_OPPORTUNITY_COMPETITOR_OPPORTUNITY_ID);
	int won = !kiscrm_record_is_null(rec, KISCRM_OPPORTUNITY_COMPETITOR_WON) &&
		  kiscrm_record_int(rec, KISCRM_OPPORTUNITY_COMPETITOR_WON) != 0;
	kiscrm_cond c = { KISCRM_OPPORTUNITY_COMPETITOR_OPPORTUNITY_ID, KISCRM_OP_EQ, { KISCRM_TYPE_INT, { .i = opp } } };
	kiscrm_query q = { 1, &c, 0 };
	siblings s = { kiscrm_record_id(rec), kiscrm_record_int(rec, KISCRM_OPPORTUNITY_COMPETITOR_COMPETITOR_ID), 0, 0 };
	int rc = kc_db_scan(ctx->db, &kc_opportunity_competitor_def, &q, sibling_cb, &s);
	if (rc)
		return rc;
	char text[24];
	snprintf(text, sizeof(text), "%lld", (long long)s.competitor);
	if (s.same_competitor)
		return kc_error_set_at(KISCRM_EEXISTS, NULL, 0, 0, "competitor_id", text,
				       "opportunity_competitor.competitor_id: competitor %s is already named on "
				       "opportunity %lld", text, (long long)opp);
	if (won && s.another_won)
		return kc_error_set_at(KISCRM_ECONFLICT, NULL, 0, 0, "won", "1",
				       "opportunity_competitor.won: another competitor already took opportunity %lld",
				       (long long)opp);
	return KISCRM_OK;
}

/* ---- grid cells ---- */

static int dim_key(kiscrm_db *db, const kiscrm_record *rec, kiscrm_field field, int dim, const char *name)
{
	const char *v = kiscrm_record_text(rec, field);
	if (!v || kiscrm_config_dim_find(db->config, dim, v) >= 0)
		return KISCRM_OK; /* the store reports a missing required field */
	return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, name, v,
			       "grid_cell.%s: '%s' is not a %s of dimensions.yaml", name, v, name);
}

typedef struct {
	kiscrm_id self, found;
	const char *region, *industry;
} cell_twin;

static int twin_cb(void *payload, const kiscrm_value *row)
{
	cell_twin *c = payload;
	const char *region = kc_val_text(&row[KC_FI(KISCRM_GRID_CELL_REGION)]);
	const char *industry = kc_val_text(&row[KC_FI(KISCRM_GRID_CELL_INDUSTRY)]);
	if (row[0].u.i != c->self && region && industry && strcmp(region, c->region) == 0 &&
	    strcmp(industry, c->industry) == 0)
		c->found = row[0].u.i;
	return 0;
}

static int count_in(const kiscrm_record *rec, kiscrm_field field, const char *name, int64_t max)
{
	if (kiscrm_record_is_null(rec, field))
		return KISCRM_OK;
	int64_t v = kiscrm_record_int(rec, field);
	if (v >= 0 && v <= max)
		return KISCRM_OK;
	char text[24];
	snprintf(text, sizeof(text), "%lld", (long long)v);
	return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, name, text,
			       "grid_cell.%s: %s is not 0 … %lld%s", name, text, (long long)max,
			       max < INT64_MAX ? " (the cell's enterprises)" : "");
}

int kc_grid_cell_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old)
{
	(void)old;
	int rc;
	if ((rc = dim_key(ctx->db, rec, KISCRM_GRID_CELL_REGION, KISCRM_DIM_REGION, "region")) != 0 ||
	    (rc = dim_key(ctx->db, rec, KISCRM_GRID_CELL_INDUSTRY, KISCRM_DIM_INDUSTRY, "industry")) != 0 ||
	    (rc = count_in(rec, KISCRM_GRID_CELL_ENTERPRISES, "enterprises", INT64_MAX)) != 0)
		return rc;
	int64_t enterprises = kiscrm_record_is_null(rec, KISCRM_GRID_CELL_ENTERPRISES)
				      ? INT64_MAX : kiscrm_record_int(rec, KISCRM_GRID_CELL_ENTERPRISES);
	if ((rc = count_in(rec, KISCRM_GRID_CELL_TOP500, "top500", enterprises)) != 0)
		return rc;
	cell_twin c = { kiscrm_record_id(rec), 0, kiscrm_record_text(rec, KISCRM_GRID_CELL_REGION),
			kiscrm_record_text(rec, KISCRM_GRID_CELL_INDUSTRY) };
	if (!c.region || !c.industry)
		return KISCRM_OK;
	kiscrm_cond cond = { KISCRM_GRID_CELL_REGION, KISCRM_OP_EQ, { KISCRM_TYPE_TEXT, { .s = c.region } } };
	kiscrm_query q = { 1, &cond, 0 };
	if ((rc = kc_db_scan(ctx->db, &kc_grid_cell_def, &q, twin_cb, &c)) != 0)
		return rc;
	if (c.found)
		return kc_error_set_at(KISCRM_EEXISTS, NULL, 0, 0, "industry", c.industry,
				       "grid_cell: the cell %s × %s exists already (grid cell %lld)", c.region, c.industry,
				       (long long)c.found);
	return KISCRM_OK;
}
