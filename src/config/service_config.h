/* service.yaml: the CSP service catalogue, service tiers, request priorities, SLA
 * policies, escalation and the business calendar. Texts are borrowed from the parsed
 * documents, which the configuration keeps. Read by src/service. */
#ifndef KC_SERVICE_CONFIG_H
#define KC_SERVICE_CONFIG_H

#include "config/named.h"
#include "kiscrm/config.h"
#include "service/biz_calendar.h"

#include <stddef.h>


typedef struct kc_service_product {
	const char *key, *zh, *en;
	int annual_fee; /* covered by the annual service fee */
} kc_service_product;

/* Limits of one tier × priority, in business minutes. */
typedef struct kc_sla_policy {
	int64_t first_response, resolution;
	int warning_bp; /* basis points of the limit */
	int defined;
} kc_sla_policy;

/* Presales weights: a request's weight = Σ weight_bp × points (points 1–5), so 10000 …
 * 50000 for a coefficient of 1.00 … 5.00. */
typedef struct kc_points {
	const char *key;
	int points;
} kc_points;

typedef struct kc_amount_band {
	kiscrm_money from;
	int points;
} kc_amount_band;

typedef struct kc_presales_config {
	kc_named *help;
	size_t nhelp;
	kc_named *urgency;
	int *urgency_points; /* [nurgency] */
	size_t nurgency;
	kc_amount_band *bands; /* ascending from 0 */
	size_t nbands;
	kc_points *industry, *region;
	size_t nindustry, nregion;
	int industry_default, region_default;
	int w_amount, w_urgency, w_industry, w_region; /* basis points, summing to 10000 */
} kc_presales_config;

typedef struct kc_service_config {
	kc_service_product *products;
	size_t nproducts;
	kc_named *tiers;
	size_t ntiers;
	int default_tier;
	kc_named *priorities; /* most urgent first: a complaint takes [0] */
	size_t npriorities;
	kc_sla_policy *policies; /* [tier * npriorities + priority] */
	int manager_bp, gm_bp;   /* escalation thresholds */
	kc_presales_config presales;
	kc_named *milestones; /* implementation milestone types */
	size_t nmilestones;
	kc_biz_calendar calendar;
	kiscrm_date *holidays, *workdays; /* the calendar's arrays, owned */
	struct kc_yaml_doc *docs[2];      /* the user's file and the default: own the texts */
} kc_service_config;

/* Loader called from config.c's load_all(). */
int kc_service_config_load(kiscrm_config *cfg, const char *dir);
void kc_service_config_free(kiscrm_config *cfg);

/* The configuration's settings. */
const kc_service_config *kc_config_service(const kiscrm_config *cfg);

/* Index of catalogue product @key, or -1. */
int kc_service_product_find(const kc_service_config *s, const char *key);
/* The points of @key in a points map (its default when not listed). */
int kc_points_of(const kc_points *list, size_t n, int def, const char *key);

/* The policy of a tier and priority (indices). */
const kc_sla_policy *kc_sla_policy_of(const kc_service_config *s, int tier, int priority);

#endif
