/* The model layer: the table of kinds and opening a database with it. Everything above
 * the areas (public functions that name a kind by its number without a database) lives
 * here; nothing below includes this header. */
#ifndef KC_MODEL_H
#define KC_MODEL_H

#include "storage/db.h"

/* Version of the schema the kinds make up: bumped when a field or kind is appended. */
#define KC_SCHEMA_VERSION 14 /* 2: activities and their exceptions; 3: key-account events, value classes;
			     4: competitors and the competitors met on opportunities;
			     5: SWOT entries and strategies, work items and their log; 6: grid cells;
			     7: opportunity.key_project;
			     8: market activities, their costs, members and touches; opportunity and
			        lead campaign_id, contact and lead opt_out;
			     9: service requests, their events, satisfaction surveys; service contracts
			        (contract tier, validity, covered products, renews_id); opportunity.resale;
			     10: presales support requests; 11: milestones, collection_plan.milestone_id;
			     12: partners, partner targets, registrations; partner_id on opportunities,
			         contracts, collections and presales requests;
			     13: products, quotes, quote lines, approvals (price and contract approval);
			     14: partner_id on every partner-scoped kind (the principal's view), the
			         audit log */

extern const kc_kind_table kc_model_kinds;

#endif
