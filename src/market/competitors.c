/* The win/loss by competitor (竞争对手输赢分析): for each competitor of the register, the
 * opportunities closed in the window on which it was met, how many we won and lost, how
 * many it took, and the amounts. */
#include "market/kinds.h"
#include "analytics/funnel_data.h"
#include "core/error.h"
#include "core/field.h"
#include "core/map.h"
#include "core/str.h"
#include "core/sum.h"
#include "core/vec.h"
#include "kiscrm/market.h"
#include "kiscrm/pipeline.h"

#include <stdlib.h>
#include <string.h>

typedef struct rival {
	kiscrm_id id;
	char *name;
	int main;
	int64_t met, won, lost, lost_to;
	kiscrm_money won_amount, lost_amount;
} rival;

typedef struct meeting {
	size_t rival;
	int took;     /* the competitor won the deal */
	size_t next;  /* next meeting of the same opportunity, SIZE_MAX: none */
} meeting;

typedef struct scan {
	kc_report *r;
	rival *rivals;
	size_t nrivals, cap_rivals;
	kc_idmap rival_index, first_meeting; /* competitor id → rival; opportunity id → meeting */
	meeting *meetings;
	size_t nmeetings, cap_meetings;
	int overflow;
} scan;

static int rival_cb(void *payload, const kiscrm_value *row)
{
	scan *s = payload;
	if (KC_VEC_GROW(s->rivals, s->nrivals, s->cap_rivals, 16))
		return KISCRM_ENOMEM;
	rival *v = &s->rivals[s->nrivals];
	memset(v, 0, sizeof(*v));
	v->id = row[0].u.i;
	v->main = kc_val_int(&row[KC_FI(KISCRM_COMPETITOR_MAIN)], 0) != 0;
	int rc = kc_strdup_to(&v->name, kc_val_text(&row[KC_FI(KISCRM_COMPETITOR_NAME)]));
	if (rc == 0 && (rc = kc_idmap_put(&s->rival_index, v->id, s->nrivals)) != 0)
		free(v->name);
	if (rc == 0)
		s->nrivals++;
	return rc;
}

static int meeting_cb(void *payload, const kiscrm_value *row)
{
	scan *s = payload;
	size_t ri, first = SIZE_MAX;
	if (!kc_idmap_get(&s->rival_index, kc_val_int(&row[KC_FI(KISCRM_OPPORTUNITY_COMPETITOR_COMPETITOR_ID)], 0), &ri))
		return 0;
	kiscrm_id opp = kc_val_int(&row[KC_FI(KISCRM_OPPORTUNITY_COMPETITOR_OPPORTUNITY_ID)], 0);
	kc_idmap_get(&s->first_meeting, opp, &first);
	if (KC_VEC_GROW(s->meetings, s->nmeetings, s->cap_meetings, 64))
		return KISCRM_ENOMEM;
	s->meetings[s->nmeetings] =
		(meeting){ ri, kc_val_int(&row[KC_FI(KISCRM_OPPORTUNITY_COMPETITOR_WON)], 0) != 0, first };
	return kc_idmap_put(&s->first_meeting, opp, s->nmeetings++);
}

static int opportunity_cb(void *payload, const kiscrm_value *row)
{
	scan *s = payload;
	kc_report *r = s->r;
	size_t m;
	if (!kc_idmap_get(&s->first_meeting, row[0].u.i, &m))
		return 0;
	const char *pipeline = kc_val_text(&row[KC_FI(KISCRM_OPPORTUNITY_PIPELINE)]);
	kc_dims d;
	kc_opp_dims(row, &d);
	if (!kc_opp_in_pipeline(r, pipeline) || !kc_report_accept(r, &d) ||
	    !kc_report_in_window(r, kc_val_date(&row[KC_FI(KISCRM_OPPORTUNITY_CLOSED)])))
		return 0;
	int state = kc_opp_state(r->db->config, pipeline, kc_val_text(&row[KC_FI(KISCRM_OPPORTUNITY_STAGE)]),
				 kc_val_text(&row[KC_FI(KISCRM_OPPORTUNITY_STATUS)]));
	if (state != KISCRM_STAGE_WON && state != KISCRM_STAGE_LOST)
		return 0;
	kiscrm_money amount = kc_val_int(&row[KC_FI(KISCRM_OPPORTUNITY_AMOUNT)], 0);
	for (; m != SIZE_MAX; m = s->meetings[m].next) {
		rival *v = &s->rivals[s->meetings[m].rival];
		v->met++;
		if (state == KISCRM_STAGE_WON) {
			v->won++;
			kc_sum_acc(&v->won_amount, amount, &s->overflow);
		} else {
			v->lost++;
			v->lost_to += s->meetings[m].took;
			kc_sum_acc(&v->lost_amount, amount, &s->overflow);
		}
	}
	return 0;
}

static void dispose(scan *s)
{
	for (size_t i = 0; i < s->nrivals; i++)
		free(s->rivals[i].name);
	free(s->rivals);
	free(s->meetings);
	kc_idmap_dispose(&s->rival_index);
	kc_idmap_dispose(&s->first_meeting);
}

int kiscrm_report_competitors(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts)
{
	static const char *const cols[] = {
		"competitor_id:int", "competitor:text", "main:int", "met:int", "won_count:int", "lost_count:int",
		"lost_to:int", "win_rate:rate", "won_amount:money", "lost_amount:money", NULL,
	};
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_report_competitors: out pointer is NULL");
	*out = NULL;
	kc_report r;
	int rc = kc_report_begin(&r, db, opts);
	if (rc)
		return rc;
	scan s;
	memset(&s, 0, sizeof(s));
	s.r = &r;
	kiscrm_table *t = NULL;
	if ((rc = kc_db_scan(db, &kc_competitor_def, NULL, rival_cb, &s)) == 0 &&
	    (rc = kc_db_scan(db, &kc_opportunity_competitor_def, NULL, meeting_cb, &s)) == 0 &&
	    (rc = kc_db_scan(db, kc_db_def(db, KISCRM_KIND_OPPORTUNITY), NULL, opportunity_cb, &s)) == 0 && s.overflow)
		rc = kc_error_set(KISCRM_EOVERFLOW, "competitors: a sum exceeds the money range");
	if (rc == 0)
		rc = kc_report_listing(&r, &t, "competitors", cols);
	for (size_t i = 0; rc == 0 && i < s.nrivals; i++) { /* in the register's order (ids) */
		const rival *v = &s.rivals[i];
		size_t row;
		if ((rc = kc_add_row(t, KISCRM_ROW_DETAIL, &row)) != 0)
			break;
		if ((rc = kc_cell_int(t, row, 0, v->id)) || (rc = kc_cell_text(t, row, 1, v->name)) ||
		    (rc = kc_cell_int(t, row, 2, v->main)) || (rc = kc_cell_int(t, row, 3, v->met)) ||
		    (rc = kc_cell_int(t, row, 4, v->won)) || (rc = kc_cell_int(t, row, 5, v->lost)) ||
		    (rc = kc_cell_int(t, row, 6, v->lost_to)) ||
		    (rc = kc_cell_ratio(t, row, 7, (double)v->won, (double)(v->won + v->lost))) ||
		    (rc = kc_cell_int(t, row, 8, v->won_amount)))
			break;
		rc = kc_cell_int(t, row, 9, v->lost_amount);
	}
	dispose(&s);
	return kc_report_finish(out, t, &r, rc);
}
