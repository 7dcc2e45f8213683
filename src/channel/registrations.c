/* Project registrations as of a date (kc_regs_load): each one's state — the stored status,
 * or `expired` for an approved one past its last valid day — and the conflicts: within a
 * customer key and product line, the earliest submitted registration that is valid (approved
 * and not expired) wins; every other partner's submitted or valid registration there, and
 * every open direct opportunity for that customer and product line, conflicts with it. */
#include "channel/regs.h"
#include "channel/kinds.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/field.h"
#include "core/sort.h"
#include "core/str.h"
#include "core/vec.h"
#include "entities/kinds.h"
#include "entities/normalize.h"
#include "analytics/funnel_data.h"
#include "kiscrm/channel.h"
#include "kiscrm/customer.h"
#include "kiscrm/pipeline.h"

#include <stdlib.h>
#include <string.h>

static int reg_cb(void *payload, const kiscrm_value *row)
{
	kc_regs *s = payload;
	if (KC_VEC_GROW(s->r, s->n, s->cap, 16))
		return KISCRM_ENOMEM;
	kc_reg *g = &s->r[s->n];
	memset(g, 0, sizeof(*g));
	g->id = row[0].u.i;
	g->partner = kc_val_int(&row[KC_FI(KISCRM_REGISTRATION_PARTNER_ID)], 0);
	g->amount = kc_val_int(&row[KC_FI(KISCRM_REGISTRATION_AMOUNT)], 0);
	g->submitted = kc_val_int(&row[KC_FI(KISCRM_REGISTRATION_SUBMITTED)], 0);
	g->valid_until = kc_val_date(&row[KC_FI(KISCRM_REGISTRATION_VALID_UNTIL)]);
	/* the state points at the static list: the row's text lives only during this call */
	const char *status = kc_val_text(&row[KC_FI(KISCRM_REGISTRATION_STATUS)]);
	g->state = kc_registration_statuses[0];
	for (size_t i = 0; status && kc_registration_statuses[i]; i++)
		if (strcmp(kc_registration_statuses[i], status) == 0)
			g->state = kc_registration_statuses[i];
	if (strcmp(g->state, "approved") == 0 && g->valid_until != KISCRM_DATE_NONE && s->as_of > g->valid_until)
		g->state = "expired";
	g->valid = strcmp(g->state, "approved") == 0;
	g->active = g->valid || strcmp(g->state, "submitted") == 0;
	int rc;
	if ((rc = kc_strdup_to(&g->customer, kc_val_text(&row[KC_FI(KISCRM_REGISTRATION_CUSTOMER_NAME)]))) ||
	    (rc = kc_strdup_to(&g->key, kc_val_text(&row[KC_FI(KISCRM_REGISTRATION_CUSTOMER_KEY)]))) ||
	    (rc = kc_strdup_to(&g->line, kc_val_text(&row[KC_FI(KISCRM_REGISTRATION_PRODUCT_LINE)])))) {
		free(g->customer);
		free(g->key);
		return rc;
	}
	g->winner = 0;
	s->n++;
	return 0;
}

static int same_claim(const kc_reg *a, const kc_reg *b)
{
	return a->key && b->key && a->line && b->line && strcmp(a->key, b->key) == 0 && strcmp(a->line, b->line) == 0;
}

static int add_conflict(kc_regs *s, size_t winner, int kind, kiscrm_id loser, kiscrm_id loser_partner)
{
	if (KC_VEC_GROW(s->conflicts, s->nconflicts, s->cap_conflicts, 8))
		return KISCRM_ENOMEM;
	s->conflicts[s->nconflicts++] = (kc_reg_conflict){ winner, kind, loser, loser_partner };
	return KISCRM_OK;
}

/* The winner of each claim: the valid registration submitted first (then the smaller id). */
static void pick_winners(kc_regs *s)
{
	for (size_t i = 0; i < s->n; i++) {
		kc_reg *g = &s->r[i];
		g->winner = SIZE_MAX;
		for (size_t j = 0; j < s->n; j++) {
			const kc_reg *o = &s->r[j];
			if (!o->valid || !same_claim(g, o))
				continue;
			if (g->winner == SIZE_MAX || o->submitted < s->r[g->winner].submitted ||
			    (o->submitted == s->r[g->winner].submitted && o->id < s->r[g->winner].id))
				g->winner = j;
		}
	}
}

typedef struct opp_scan {
	kc_regs *s;
	kiscrm_db *db;
	kiscrm_buf key;
} opp_scan;

static int name_cb(void *payload, const kiscrm_value *row)
{
	kiscrm_buf *key = payload;
	const char *name = kc_val_text(&row[KC_FI(KISCRM_CUSTOMER_NAME_KEY)]);
	return name ? kc_buf_puts(key, name) : KISCRM_OK;
}

/* Open direct opportunities (no partner) of a registered claim conflict with its winner. */
static int opp_cb(void *payload, const kiscrm_value *row)
{
	opp_scan *o = payload;
	kc_regs *s = o->s;
	const char *line = kc_val_text(&row[KC_FI(KISCRM_OPPORTUNITY_PRODUCT_LINE)]);
	if (!line || kc_val_int(&row[KC_FI(KISCRM_OPPORTUNITY_PARTNER_ID)], 0) ||
	    kc_opp_state(o->db->config, kc_val_text(&row[KC_FI(KISCRM_OPPORTUNITY_PIPELINE)]),
			 kc_val_text(&row[KC_FI(KISCRM_OPPORTUNITY_STAGE)]),
			 kc_val_text(&row[KC_FI(KISCRM_OPPORTUNITY_STATUS)])) != KISCRM_STAGE_OPEN)
		return 0;
	kiscrm_date created = kc_val_date(&row[KC_FI(KISCRM_OPPORTUNITY_CREATED)]);
	if (created != KISCRM_DATE_NONE && created > s->as_of)
		return 0;
	int line_claimed = 0; /* read the customer's name only for a product line someone won */
	for (size_t i = 0; !line_claimed && i < s->n; i++)
		line_claimed = s->r[i].winner == i && strcmp(s->r[i].line, line) == 0;
	if (!line_claimed)
		return 0;
	o->key.size = 0;
	if (o->key.ptr)
		o->key.ptr[0] = '\0';
	int rc = kc_db_get(o->db, &kc_customer_def, kc_val_int(&row[KC_FI(KISCRM_OPPORTUNITY_CUSTOMER_ID)], 0), name_cb,
			   &o->key);
	if (rc == KISCRM_ENOTFOUND || !o->key.ptr)
		return 0;
	for (size_t i = 0; rc == 0 && i < s->n; i++) {
		const kc_reg *g = &s->r[i];
		if (g->winner == i && g->key && strcmp(g->key, o->key.ptr) == 0 && strcmp(g->line, line) == 0)
			rc = add_conflict(s, i, KC_REG_CONFLICT_OPPORTUNITY, row[0].u.i, 0);
	}
	return rc;
}

int kc_regs_load(kc_regs *s, kiscrm_db *db, kiscrm_date as_of)
{
	memset(s, 0, sizeof(*s));
	s->as_of = as_of;
	int rc = kc_db_scan(db, &kc_registration_def, NULL, reg_cb, s);
	if (rc)
		return rc;
	pick_winners(s);
	for (size_t i = 0; rc == 0 && i < s->n; i++) {
		const kc_reg *g = &s->r[i];
		if (g->winner == SIZE_MAX || g->winner == i || !g->active || g->partner == s->r[g->winner].partner)
			continue;
		rc = add_conflict(s, g->winner, KC_REG_CONFLICT_REGISTRATION, g->id, g->partner);
	}
	int winners = 0;
	for (size_t i = 0; i < s->n; i++)
		winners += s->r[i].winner == i;
	opp_scan o = { s, db, KISCRM_BUF_INIT };
	if (rc == 0 && winners) /* without a valid registration no opportunity can conflict */
		rc = kc_db_scan(db, kc_db_def(db, KISCRM_KIND_OPPORTUNITY), NULL, opp_cb, &o);
	kiscrm_buf_dispose(&o.key);
	return rc;
}

void kc_regs_free(kc_regs *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->r[i].customer);
		free(s->r[i].key);
		free(s->r[i].line);
	}
	free(s->r);
	free(s->conflicts);
	memset(s, 0, sizeof(*s));
}
