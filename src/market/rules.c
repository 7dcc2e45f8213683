/* The rules of a competitor met on an opportunity, run by the store inside the write's
 * transaction: each competitor once per opportunity, and at most one of them `won`. */
#include "market/kinds.h"
#include "core/error.h"
#include "core/field.h"
#include "kiscrm/market.h"
#include "storage/db.h"
#include "storage/record.h"

#include <stdio.h>

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
