/* Project registrations as of a date, with their states and conflicts (registrations.c);
 * read by the registration reports. */
#ifndef KC_CHANNEL_REGS_H
#define KC_CHANNEL_REGS_H

#include "storage/db.h"

#include <stddef.h>

typedef struct kc_reg {
	kiscrm_id id, partner;
	char *customer, *key, *line;
	const char *state;   /* the stored status, or "expired" (static) */
	kiscrm_money amount;
	kiscrm_time submitted;
	kiscrm_date valid_until;
	int valid;           /* approved and not expired */
	int active;          /* valid, or submitted */
	size_t winner;       /* index of its claim's winner, SIZE_MAX: none */
} kc_reg;

enum { KC_REG_CONFLICT_REGISTRATION, KC_REG_CONFLICT_OPPORTUNITY };

typedef struct kc_reg_conflict {
	size_t winner;       /* index into r */
	int kind;            /* KC_REG_CONFLICT_* */
	kiscrm_id loser, loser_partner; /* registration or opportunity id; its partner */
} kc_reg_conflict;

typedef struct kc_regs {
	kiscrm_date as_of;
	kc_reg *r; /* in id order */
	size_t n, cap;
	kc_reg_conflict *conflicts;
	size_t nconflicts, cap_conflicts;
} kc_regs;

int kc_regs_load(kc_regs *s, kiscrm_db *db, kiscrm_date as_of);
void kc_regs_free(kc_regs *s);

#endif
