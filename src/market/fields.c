/* The fields of the kinds this area owns (competitors and the competitors met on an
 * opportunity). Pure data; field order matches the public field enums of kiscrm/market.h,
 * only appended. */
#include "market/kinds.h"
#include "storage/kind_fields.h"

static const kiscrm_field_def competitor_fields[] = {
	F("id", INT, 0, 0),
	F("name", TEXT, REQ, 0),
	F("main", INT, 0, 0),
	F("strategy", TEXT, 0, 0),
	F("strengths", TEXT, 0, 0),
	F("industries", TEXT, 0, 0),
	F("regions", TEXT, 0, 0),
	F("products", TEXT, 0, 0),
};

static const kiscrm_field_def met_fields[] = {
	F("id", INT, 0, 0),
	F("opportunity_id", INT, REQ | IDX | OWN, KISCRM_KIND_OPPORTUNITY),
	F("competitor_id", INT, REQ | IDX, KISCRM_KIND_COMPETITOR),
	F("won", INT, 0, 0),
};

static const kiscrm_field_def grid_fields[] = {
	F("id", INT, 0, 0),
	F("region", TEXT, REQ, 0),
	F("industry", TEXT, REQ, 0),
	F("enterprises", INT, REQ, 0),
	F("top500", INT, 0, 0),
	F("owner_id", INT, IDX, KISCRM_KIND_STAFF),
};

const kiscrm_kind_def kc_grid_cell_def = { KISCRM_KIND_GRID_CELL, "grid_cell", KC_FIELDS(grid_fields) };
const kiscrm_kind_def kc_competitor_def = { KISCRM_KIND_COMPETITOR, "competitor", KC_FIELDS(competitor_fields) };
const kiscrm_kind_def kc_opportunity_competitor_def = { KISCRM_KIND_OPPORTUNITY_COMPETITOR, "opportunity_competitor",
							KC_FIELDS(met_fields) };
