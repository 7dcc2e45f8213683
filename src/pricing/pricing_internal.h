/* What the pricing files share: reading a record with an error that names the field that
 * led to it, a quote's lines as amounts, the refresh of a quote's derived totals, and
 * finding and superseding the approvals of a subject. */
#ifndef KC_PRICING_INTERNAL_H
#define KC_PRICING_INTERNAL_H

#include "pricing/authority.h"
#include "storage/db.h"
#include "storage/record.h"

/* One line of a quote as stored (or as about to be stored). */
typedef struct kc_qline {
	kiscrm_id id;
	char *product_line; /* owned */
	int discount_bp;
	kiscrm_money gross, net;
} kc_qline;

typedef struct kc_qlines {
	kc_qline *v;
	size_t n, cap;
} kc_qlines;

/* The stored lines of quote @quote, except line @except (0: none), in id order. */
int kc_qlines_load(kc_qlines *out, kiscrm_db *db, kiscrm_id quote, kiscrm_id except);
/* Appends a line (the product line is copied). */
int kc_qlines_add(kc_qlines *l, kiscrm_id id, const char *product_line, int discount_bp, kiscrm_money gross,
		  kiscrm_money net);
void kc_qlines_free(kc_qlines *l);
/* The lines as authority sees them (*out malloc'd; free it). */
int kc_qlines_price(kc_price_line **out, const kc_qlines *l);

/* A line's gross (list × quantity) and net amount (gross less discount_bp, rounded half
 * away from zero), checked: KISCRM_EINVALID naming @field when the gross leaves the money
 * range. */
int kc_line_amounts(kiscrm_money *gross, kiscrm_money *net, kiscrm_money list, int64_t quantity, int discount_bp);

/* Stores quote @quote's derived totals and required role from @lines, and @status when
 * not NULL, straight to the row (the quote's own rules do not apply to derived data). */
int kc_quote_refresh(kiscrm_db *db, kiscrm_id quote, const kc_qlines *lines, const char *status);

/* The id of the approval of @status whose @subject_field (KISCRM_APPROVAL_QUOTE_ID or
 * _CONTRACT_ID) is @subject: 1 with *id (and *amount, may be NULL) set, 0 when none,
 * negative on error. The newest one when several. */
int kc_approval_find(kiscrm_db *db, kiscrm_field subject_field, kiscrm_id subject, const char *status,
		     kiscrm_id *id, kiscrm_money *amount);

/* Marks the approved approvals of the subject superseded: a guarded value changed after
 * they were given. */
int kc_approval_supersede(kiscrm_db *db, kiscrm_field subject_field, kiscrm_id subject);

/* The contract checklist's item keys, NULL-terminated. */
extern const char *const kc_checklist_items[];
/* A comma-separated checklist: every item known, and all six when @need_all. KISCRM_OK or
 * KISCRM_EINVALID naming the field checklist. */
int kc_checklist_check(const char *list, int need_all);

/* Whether a TEXT value is @what (NULL is not). */
int kc_is(const char *value, const char *what);

#endif
