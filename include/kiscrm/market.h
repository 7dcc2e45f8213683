/**
 * @file kiscrm/market.h
 * @brief The market (市场): competitors and the opportunities where we met them.
 *
 * A **competitor** (竞争对手, ::KISCRM_KIND_COMPETITOR) is kept in a register — the manual
 * (4.2) asks for the three main local competitors (`main` = 1) — with its strategy,
 * strengths, strong industries, regions and products. An opportunity names the
 * competitors met with ::KISCRM_KIND_OPPORTUNITY_COMPETITOR records (several per
 * opportunity, each competitor once), one of which may be marked `won`: the competitor
 * that took a deal we lost. kiscrm_report_competitors() (kiscrm/report.h) gives the
 * win/loss by competitor.
 *
 * The **market grid** (网格化营销, ::KISCRM_KIND_GRID_CELL) divides the market into cells of
 * region × industry, each with its number of enterprises and of local top-500 firms and
 * the person who works it. kiscrm_report_grid() gives the penetration (our customers ÷
 * enterprises) and share by cell, region and industry and flags thin and empty cells
 * (customers.yaml `grid.thin_penetration`); the sufficiency report's `grid_coverage` cause
 * is computed from the grid once cells exist.
 */
#ifndef KISCRM_MARKET_H
#define KISCRM_MARKET_H

#include "common.h"
#include "types.h"

KISCRM_BEGIN_DECL

/** Fields of ::KISCRM_KIND_COMPETITOR. */
typedef enum kiscrm_competitor_field {
	KISCRM_COMPETITOR_ID = KISCRM_FIELD_ID(KISCRM_KIND_COMPETITOR, 0),         /**< INT id. */
	KISCRM_COMPETITOR_NAME = KISCRM_FIELD_ID(KISCRM_KIND_COMPETITOR, 1),       /**< TEXT, required: the company. */
	KISCRM_COMPETITOR_MAIN = KISCRM_FIELD_ID(KISCRM_KIND_COMPETITOR, 2),       /**< INT 0/1: one of the main local competitors (the manual asks for 3). */
	KISCRM_COMPETITOR_STRATEGY = KISCRM_FIELD_ID(KISCRM_KIND_COMPETITOR, 3),   /**< TEXT: how it competes (price, service, …). */
	KISCRM_COMPETITOR_STRENGTHS = KISCRM_FIELD_ID(KISCRM_KIND_COMPETITOR, 4),  /**< TEXT: its strengths. */
	KISCRM_COMPETITOR_INDUSTRIES = KISCRM_FIELD_ID(KISCRM_KIND_COMPETITOR, 5), /**< TEXT: industry keys it is strong in, comma-separated. */
	KISCRM_COMPETITOR_REGIONS = KISCRM_FIELD_ID(KISCRM_KIND_COMPETITOR, 6),    /**< TEXT: region keys, comma-separated. */
	KISCRM_COMPETITOR_PRODUCTS = KISCRM_FIELD_ID(KISCRM_KIND_COMPETITOR, 7)    /**< TEXT: its products. */
} kiscrm_competitor_field;

/** Fields of ::KISCRM_KIND_OPPORTUNITY_COMPETITOR: a competitor met on an opportunity. */
typedef enum kiscrm_opportunity_competitor_field {
	KISCRM_OPPORTUNITY_COMPETITOR_ID = KISCRM_FIELD_ID(KISCRM_KIND_OPPORTUNITY_COMPETITOR, 0),             /**< INT id. */
	KISCRM_OPPORTUNITY_COMPETITOR_OPPORTUNITY_ID = KISCRM_FIELD_ID(KISCRM_KIND_OPPORTUNITY_COMPETITOR, 1), /**< INT → opportunity, required, owned. */
	KISCRM_OPPORTUNITY_COMPETITOR_COMPETITOR_ID = KISCRM_FIELD_ID(KISCRM_KIND_OPPORTUNITY_COMPETITOR, 2),  /**< INT → competitor, required; once per opportunity. */
	KISCRM_OPPORTUNITY_COMPETITOR_WON = KISCRM_FIELD_ID(KISCRM_KIND_OPPORTUNITY_COMPETITOR, 3)             /**< INT 0/1: this competitor took the deal (at most one per opportunity). */
} kiscrm_opportunity_competitor_field;

/** Fields of ::KISCRM_KIND_GRID_CELL: one cell of the market grid (网格化营销). */
typedef enum kiscrm_grid_cell_field {
	KISCRM_GRID_CELL_ID = KISCRM_FIELD_ID(KISCRM_KIND_GRID_CELL, 0),          /**< INT id. */
	KISCRM_GRID_CELL_REGION = KISCRM_FIELD_ID(KISCRM_KIND_GRID_CELL, 1),      /**< TEXT, required: a region key (dimensions.yaml). */
	KISCRM_GRID_CELL_INDUSTRY = KISCRM_FIELD_ID(KISCRM_KIND_GRID_CELL, 2),    /**< TEXT, required: an industry key; one cell per region and industry. */
	KISCRM_GRID_CELL_ENTERPRISES = KISCRM_FIELD_ID(KISCRM_KIND_GRID_CELL, 3), /**< INT, required: enterprises in the cell (≥ 0). */
	KISCRM_GRID_CELL_TOP500 = KISCRM_FIELD_ID(KISCRM_KIND_GRID_CELL, 4),      /**< INT: local top-500 firms in the cell (≥ 0, at most the enterprises). */
	KISCRM_GRID_CELL_OWNER_ID = KISCRM_FIELD_ID(KISCRM_KIND_GRID_CELL, 5)     /**< INT → staff who works the cell. */
} kiscrm_grid_cell_field;

KISCRM_END_DECL

#endif
