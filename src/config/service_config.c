/* service.yaml → kc_service_config. The user's file replaces the default section by
 * section, so the defaults live in data/service.yaml only. Every error names the file,
 * line and field: a tier or priority a policy names that does not exist, a missing
 * policy, working hours that overlap, a day both holiday and make-up day. */
#include "config/service_config.h"
#include "config/config_internal.h"
#include "core/error.h"
#include "kiscrm/date.h"
#include "kiscrm/money.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int read_catalogue(kc_service_config *s, const kc_yaml_node *seq)
{
	static const char *const keys[] = { "key", "zh", "en", "annual_fee", NULL };
	int rc = kc_yaml_expect(seq, KC_YAML_SEQUENCE);
	size_t n = kc_yaml_count(seq);
	if (rc < 0)
		return rc;
	if (!(s->products = calloc(n ? n : 1, sizeof(*s->products))))
		return kc_error_oom();
	for (size_t i = 0; i < n; i++) {
		const kc_yaml_node *item = kc_yaml_item(seq, i);
		kc_service_product *p = &s->products[i];
		if ((rc = kc_yaml_map_check(item, keys)) < 0 || (rc = kc_yaml_get_ident(&p->key, item, "key", KC_YAML_REQUIRED)) < 0 ||
		    (rc = kc_yaml_get_text(&p->zh, item, "zh", KC_YAML_REQUIRED)) < 0 ||
		    (rc = kc_yaml_get_text(&p->en, item, "en", KC_YAML_REQUIRED)) < 0 ||
		    (rc = kc_yaml_get_bool(&p->annual_fee, item, "annual_fee", KC_YAML_REQUIRED)) < 0)
			return rc;
		if (kc_service_product_find(s, p->key) >= 0)
			return kc_yaml_error(kc_yaml_map_get(item, "key"), "service product '%s' is defined twice", p->key);
		s->nproducts = i + 1;
	}
	return KISCRM_OK;
}

static int read_tiers(kc_service_config *s, const kc_yaml_node *map)
{
	static const char *const keys[] = { "items", "default_tier", NULL };
	const kc_yaml_node *items = NULL, *def = NULL;
	const char *key;
	int rc;
	if ((rc = kc_yaml_map_check(map, keys)) < 0 || (rc = kc_yaml_get_seq(&items, map, "items", KC_YAML_REQUIRED)) < 0 ||
	    (rc = kc_named_read(&s->tiers, &s->ntiers, items, "tier")) < 0 ||
	    (rc = kc_yaml_get_node(&def, map, "default_tier", KC_YAML_REQUIRED)) < 0 || (rc = kc_yaml_ident(&key, def)) < 0)
		return rc;
	if ((s->default_tier = kc_named_find(s->tiers, s->ntiers, key)) < 0)
		return kc_yaml_error(def, "'%s' is not one of the tiers", key);
	return KISCRM_OK;
}

static int policy_key(int *out, const kc_yaml_node *item, const char *key, const kc_named *list, size_t n)
{
	const kc_yaml_node *node = NULL;
	const char *k;
	int rc;
	if ((rc = kc_yaml_get_node(&node, item, key, KC_YAML_REQUIRED)) < 0 || (rc = kc_yaml_ident(&k, node)) < 0)
		return rc;
	if ((*out = kc_named_find(list, n, k)) < 0)
		return kc_yaml_error(node, "'%s' is not one of the %ss", k, key);
	return KISCRM_OK;
}

static int read_sla(kc_service_config *s, const kc_yaml_node *seq)
{
	static const char *const keys[] = { "tier", "priority", "first_response", "resolution", "warning", NULL };
	int rc = kc_yaml_expect(seq, KC_YAML_SEQUENCE);
	if (rc < 0)
		return rc;
	if (!(s->policies = calloc(s->ntiers * s->npriorities, sizeof(*s->policies))))
		return kc_error_oom();
	for (size_t i = 0; i < kc_yaml_count(seq); i++) {
		const kc_yaml_node *item = kc_yaml_item(seq, i);
		int tier, prio;
		kc_sla_policy p = { 0, 0, 8000, 1 };
		if ((rc = kc_yaml_map_check(item, keys)) < 0 || (rc = policy_key(&tier, item, "tier", s->tiers, s->ntiers)) < 0 ||
		    (rc = policy_key(&prio, item, "priority", s->priorities, s->npriorities)) < 0 ||
		    (rc = kc_yaml_get_int(&p.first_response, item, "first_response", KC_YAML_REQUIRED, 1, 525600)) < 0 ||
		    (rc = kc_yaml_get_int(&p.resolution, item, "resolution", KC_YAML_REQUIRED, 1, 5256000)) < 0 ||
		    (rc = kc_yaml_get_percent_bp(&p.warning_bp, item, "warning", KC_YAML_REQUIRED, 1, 10000)) < 0)
			return rc;
		kc_sla_policy *slot = &s->policies[(size_t)tier * s->npriorities + (size_t)prio];
		if (slot->defined)
			return kc_yaml_error(item, "the policy of %s × %s is defined twice", s->tiers[tier].key,
					     s->priorities[prio].key);
		*slot = p;
	}
	for (size_t t = 0; t < s->ntiers; t++)
		for (size_t p = 0; p < s->npriorities; p++)
			if (!s->policies[t * s->npriorities + p].defined)
				return kc_yaml_error(seq, "no policy for %s × %s", s->tiers[t].key, s->priorities[p].key);
	return KISCRM_OK;
}

static int read_escalation(kc_service_config *s, const kc_yaml_node *map)
{
	static const char *const keys[] = { "manager", "general_manager", NULL };
	int rc;
	if ((rc = kc_yaml_map_check(map, keys)) < 0 ||
	    (rc = kc_yaml_get_percent_bp(&s->manager_bp, map, "manager", KC_YAML_REQUIRED, 1, 100000)) < 0 ||
	    (rc = kc_yaml_get_percent_bp(&s->gm_bp, map, "general_manager", KC_YAML_REQUIRED, 1, 100000)) < 0)
		return rc;
	if (s->gm_bp < s->manager_bp)
		return kc_yaml_error(kc_yaml_map_get(map, "general_manager"),
				     "the general manager is called after the manager: at least the manager's percentage");
	return KISCRM_OK;
}

/* ---- presales ---- */

static int points(int *out, const kc_yaml_node *node)
{
	int64_t v;
	int rc = kc_yaml_int(&v, node, 1, 5);
	*out = (int)v;
	return rc;
}

/* @strict: the section is the user's, so its keys are checked against their dimensions;
 * the default's keys may be missing from a user's dimensions.yaml (they then never match). */
static int read_points(kc_points **out, size_t *n, int *def, const kiscrm_config *cfg, const kc_yaml_node *map,
		       int dim, int strict)
{
	int rc = kc_yaml_expect(map, KC_YAML_MAPPING);
	size_t count = kc_yaml_count(map);
	if (rc < 0)
		return rc;
	const kc_yaml_node *d = kc_yaml_map_get(map, "default");
	if (!d)
		return kc_yaml_error(map, "missing required key 'default' (the points of the keys not listed)");
	if ((rc = points(def, d)) < 0)
		return rc;
	if (!(*out = calloc(count, sizeof(**out))))
		return kc_error_oom();
	for (size_t i = 0; i < count; i++) {
		const char *key;
		if ((rc = kc_yaml_ident(&key, map->keys[i])) < 0)
			return rc;
		if (strcmp(key, "default") == 0)
			continue;
		if (strict && kiscrm_config_dim_find(cfg, dim, key) < 0)
			return kc_yaml_error(map->keys[i], "'%s' is not a %s of dimensions.yaml", key,
					     dim == KISCRM_DIM_REGION ? "region" : "industry");
		kc_points *p = &(*out)[(*n)++];
		p->key = key;
		if ((rc = points(&p->points, kc_yaml_item(map, i))) < 0)
			return rc;
	}
	return KISCRM_OK;
}

static int read_urgency(kc_presales_config *p, const kc_yaml_node *seq)
{
	static const char *const keys[] = { "key", "zh", "en", "points", NULL };
	size_t n = kc_yaml_count(seq);
	int rc;
	if (n == 0)
		return kc_yaml_error(seq, "name at least one urgency");
	if (!(p->urgency = calloc(n, sizeof(*p->urgency))) || !(p->urgency_points = calloc(n, sizeof(int))))
		return kc_error_oom();
	for (size_t i = 0; i < n; i++) {
		const kc_yaml_node *item = kc_yaml_item(seq, i), *pts = NULL;
		kc_named *u = &p->urgency[i];
		if ((rc = kc_yaml_map_check(item, keys)) < 0 || (rc = kc_yaml_get_ident(&u->key, item, "key", KC_YAML_REQUIRED)) < 0 ||
		    (rc = kc_yaml_get_text(&u->zh, item, "zh", KC_YAML_REQUIRED)) < 0 ||
		    (rc = kc_yaml_get_text(&u->en, item, "en", KC_YAML_REQUIRED)) < 0 ||
		    (rc = kc_yaml_get_node(&pts, item, "points", KC_YAML_REQUIRED)) < 0 ||
		    (rc = points(&p->urgency_points[i], pts)) < 0)
			return rc;
		if (kc_named_find(p->urgency, i, u->key) >= 0)
			return kc_yaml_error(kc_yaml_map_get(item, "key"), "urgency '%s' is defined twice", u->key);
		p->nurgency = i + 1;
	}
	return KISCRM_OK;
}

static int read_bands(kc_presales_config *p, const kiscrm_config *cfg, const kc_yaml_node *seq)
{
	static const char *const keys[] = { "from", "points", NULL };
	size_t n = kc_yaml_count(seq);
	int decimals = kiscrm_config_currency_decimals(cfg), rc;
	if (!(p->bands = calloc(n ? n : 1, sizeof(*p->bands))))
		return kc_error_oom();
	for (size_t i = 0; i < n; i++) {
		const kc_yaml_node *item = kc_yaml_item(seq, i), *pts = NULL;
		kc_amount_band *b = &p->bands[i];
		if ((rc = kc_yaml_map_check(item, keys)) < 0 ||
		    (rc = kc_yaml_get_money(&b->from, item, "from", KC_YAML_REQUIRED, decimals, 0, KISCRM_MONEY_MAX)) < 0 ||
		    (rc = kc_yaml_get_node(&pts, item, "points", KC_YAML_REQUIRED)) < 0 || (rc = points(&b->points, pts)) < 0)
			return rc;
		if (i == 0 ? b->from != 0 : b->from <= p->bands[i - 1].from)
			return kc_yaml_error(kc_yaml_map_get(item, "from"),
					     i == 0 ? "the first band starts at 0" : "bands go up: from must exceed the band before");
		p->nbands = i + 1;
	}
	if (n == 0)
		return kc_yaml_error(seq, "name at least one amount band (from: 0)");
	return KISCRM_OK;
}

static int read_presales(kc_presales_config *p, const kiscrm_config *cfg, const kc_yaml_node *map, int strict)
{
	static const char *const keys[] = { "help", "urgency", "amount_bands", "industry_points", "region_points",
					    "weights", NULL };
	static const char *const weight_keys[] = { "amount", "urgency", "industry", "region", NULL };
	const kc_yaml_node *help = NULL, *urgency = NULL, *bands = NULL, *industry = NULL, *region = NULL, *w = NULL;
	int rc;
	if ((rc = kc_yaml_map_check(map, keys)) < 0 || (rc = kc_yaml_get_seq(&help, map, "help", KC_YAML_REQUIRED)) < 0 ||
	    (rc = kc_named_read(&p->help, &p->nhelp, help, "kind of help")) < 0 ||
	    (rc = kc_yaml_get_seq(&urgency, map, "urgency", KC_YAML_REQUIRED)) < 0 || (rc = read_urgency(p, urgency)) < 0 ||
	    (rc = kc_yaml_get_seq(&bands, map, "amount_bands", KC_YAML_REQUIRED)) < 0 ||
	    (rc = read_bands(p, cfg, bands)) < 0 ||
	    (rc = kc_yaml_get_node(&industry, map, "industry_points", KC_YAML_REQUIRED)) < 0 ||
	    (rc = read_points(&p->industry, &p->nindustry, &p->industry_default, cfg, industry, KISCRM_DIM_INDUSTRY, strict)) < 0 ||
	    (rc = kc_yaml_get_node(&region, map, "region_points", KC_YAML_REQUIRED)) < 0 ||
	    (rc = read_points(&p->region, &p->nregion, &p->region_default, cfg, region, KISCRM_DIM_REGION, strict)) < 0 ||
	    (rc = kc_yaml_get_map(&w, map, "weights", KC_YAML_REQUIRED)) < 0 || (rc = kc_yaml_map_check(w, weight_keys)) < 0 ||
	    (rc = kc_yaml_get_percent_bp(&p->w_amount, w, "amount", KC_YAML_REQUIRED, 0, 10000)) < 0 ||
	    (rc = kc_yaml_get_percent_bp(&p->w_urgency, w, "urgency", KC_YAML_REQUIRED, 0, 10000)) < 0 ||
	    (rc = kc_yaml_get_percent_bp(&p->w_industry, w, "industry", KC_YAML_REQUIRED, 0, 10000)) < 0 ||
	    (rc = kc_yaml_get_percent_bp(&p->w_region, w, "region", KC_YAML_REQUIRED, 0, 10000)) < 0)
		return rc;
	if (p->w_amount + p->w_urgency + p->w_industry + p->w_region != 10000)
		return kc_yaml_error(w, "the four weights add up to 100%%");
	return KISCRM_OK;
}

int kc_points_of(const kc_points *list, size_t n, int def, const char *key)
{
	for (size_t i = 0; key && i < n; i++)
		if (strcmp(list[i].key, key) == 0)
			return list[i].points;
	return def;
}

/* ---- the calendar ---- */

/* "HH:MM" → minutes after midnight (24:00 allowed as the end of the day). */
static int clock_minutes(const char *text, size_t len, int *out)
{
	if (len != 5 || text[2] != ':')
		return -1;
	for (int i = 0; i < 5; i++)
		if (i != 2 && (text[i] < '0' || text[i] > '9'))
			return -1;
	int h = (text[0] - '0') * 10 + (text[1] - '0'), m = (text[3] - '0') * 10 + (text[4] - '0');
	if (m > 59 || h > 24 || (h == 24 && m))
		return -1;
	*out = h * 60 + m;
	return 0;
}

static int read_day(kc_biz_calendar *cal, int day, const kc_yaml_node *seq)
{
	int rc = kc_yaml_expect(seq, KC_YAML_SEQUENCE);
	if (rc < 0)
		return rc;
	if (kc_yaml_count(seq) > KC_BIZ_MAX_SPANS)
		return kc_yaml_error(seq, "at most %d spans of working hours a day", KC_BIZ_MAX_SPANS);
	for (size_t i = 0; i < kc_yaml_count(seq); i++) {
		const kc_yaml_node *item = kc_yaml_item(seq, i);
		const char *text;
		kc_biz_span sp;
		if ((rc = kc_yaml_str(&text, item)) < 0)
			return rc;
		if (strlen(text) != 11 || text[5] != '-' || clock_minutes(text, 5, &sp.start) ||
		    clock_minutes(text + 6, 5, &sp.end) || sp.end <= sp.start)
			return kc_yaml_error(item, "'%s' is not working hours HH:MM-HH:MM (start before end)", text);
		if (i > 0 && sp.start < cal->week[day][i - 1].end)
			return kc_yaml_error(item, "%s overlaps or precedes the hours before it", text);
		cal->week[day][i] = sp;
		cal->nspans[day] = (int)i + 1;
	}
	return KISCRM_OK;
}

static int read_dates(kiscrm_date **out, size_t *n, const kc_yaml_node *map, const char *key)
{
	const kc_yaml_node *seq = NULL;
	int rc = kc_yaml_get_seq(&seq, map, key, KC_YAML_REQUIRED);
	if (rc < 0)
		return rc;
	size_t count = kc_yaml_count(seq);
	if (!(*out = calloc(count ? count : 1, sizeof(**out))))
		return kc_error_oom();
	for (size_t i = 0; i < count; i++) {
		const kc_yaml_node *item = kc_yaml_item(seq, i);
		const char *text;
		if ((rc = kc_yaml_str(&text, item)) < 0)
			return rc;
		if (kiscrm_date_parse(&(*out)[i], text) < 0)
			return kc_yaml_error(item, "'%s' is not a date (YYYY-MM-DD)", text);
		if (i > 0 && (*out)[i] <= (*out)[i - 1])
			return kc_yaml_error(item, "%s: list the days in order, each once", text);
		*n = i + 1;
	}
	return KISCRM_OK;
}

static int read_offset(int *out, const kc_yaml_node *map)
{
	const kc_yaml_node *node = NULL;
	const char *t;
	int rc, minutes;
	if ((rc = kc_yaml_get_node(&node, map, "utc_offset", KC_YAML_REQUIRED)) < 0 || (rc = kc_yaml_str(&t, node)) < 0)
		return rc;
	if (strlen(t) != 6 || (t[0] != '+' && t[0] != '-') || clock_minutes(t + 1, 5, &minutes) || minutes > 14 * 60)
		return kc_yaml_error(node, "'%s' is not a UTC offset such as +08:00", t);
	*out = t[0] == '-' ? -minutes : minutes;
	return KISCRM_OK;
}

static int read_calendar(kc_service_config *s, const kc_yaml_node *map)
{
	static const char *const keys[] = { "utc_offset", "hours", "holidays", "workdays", NULL };
	static const char *const days[] = { "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
					    "sunday", NULL };
	const kc_yaml_node *hours = NULL;
	kc_biz_calendar *cal = &s->calendar;
	int rc;
	if ((rc = kc_yaml_map_check(map, keys)) < 0 || (rc = read_offset(&cal->utc_offset_min, map)) < 0 ||
	    (rc = kc_yaml_get_map(&hours, map, "hours", KC_YAML_REQUIRED)) < 0 || (rc = kc_yaml_map_check(hours, days)) < 0)
		return rc;
	for (int d = 0; d < 7; d++) {
		const kc_yaml_node *day = kc_yaml_map_get(hours, days[d]);
		if (day && (rc = read_day(cal, d, day)) < 0)
			return rc;
	}
	if ((rc = read_dates(&s->holidays, &cal->nholidays, map, "holidays")) < 0 ||
	    (rc = read_dates(&s->workdays, &cal->nworkdays, map, "workdays")) < 0)
		return rc;
	cal->holidays = s->holidays;
	cal->workdays = s->workdays;
	cal->makeup_weekday = 0;
	if (kc_biz_check(cal) < 0) { /* what the list readers cannot see: a day in both, no hours */
		char why[256];
		snprintf(why, sizeof(why), "%s", kiscrm_error_last()->message);
		return kc_yaml_error(map, "%s", why);
	}
	return KISCRM_OK;
}

/* ---- loading ---- */

static const kc_yaml_node *section(const kc_service_config *s, const char *key)
{
	const kc_yaml_node *n = kc_yaml_map_get(s->docs[0]->root, key);
	return n ? n : kc_yaml_map_get(s->docs[1]->root, key);
}

int kc_service_config_load(kiscrm_config *cfg, const char *dir)
{
	static const char *const top[] = { "presales", "milestones", "catalogue", "tiers", "priorities", "sla", "escalation", "calendar",
					   NULL };
	kc_service_config *s = calloc(1, sizeof(*s));
	int rc;
	if (!s)
		return kc_error_oom();
	cfg->service = s; /* on failure the caller frees cfg, and s with it */
	if ((rc = kc_config_load_file_or_default(NULL, "service.yaml", &s->docs[1])) < 0 ||
	    (rc = kc_config_load_file_or_default(dir, "service.yaml", &s->docs[0])) < 0 ||
	    (rc = kc_yaml_map_check(s->docs[0]->root, top)) < 0 || (rc = read_catalogue(s, section(s, "catalogue"))) < 0 ||
	    (rc = read_tiers(s, section(s, "tiers"))) < 0)
		return rc;
	if ((rc = kc_named_read(&s->priorities, &s->npriorities, section(s, "priorities"), "priority")) < 0 ||
	    (rc = read_sla(s, section(s, "sla"))) < 0 || (rc = read_escalation(s, section(s, "escalation"))) < 0 ||
	    (rc = kc_named_read(&s->milestones, &s->nmilestones, section(s, "milestones"), "milestone type")) < 0)
		return rc;
	int strict = kc_yaml_map_get(s->docs[0]->root, "presales") && strcmp(s->docs[0]->file, "service.yaml") != 0;
	if ((rc = read_presales(&s->presales, cfg, section(s, "presales"), strict)) < 0)
		return rc;
	return read_calendar(s, section(s, "calendar"));
}

void kc_service_config_free(kiscrm_config *cfg)
{
	kc_service_config *s = cfg->service;
	if (!s)
		return;
	free(s->milestones);
	free(s->presales.help);
	free(s->presales.urgency);
	free(s->presales.urgency_points);
	free(s->presales.bands);
	free(s->presales.industry);
	free(s->presales.region);
	free(s->products);
	free(s->tiers);
	free(s->priorities);
	free(s->policies);
	free(s->holidays);
	free(s->workdays);
	kc_yaml_doc_free(s->docs[0]);
	kc_yaml_doc_free(s->docs[1]);
	free(s);
	cfg->service = NULL;
}

const kc_service_config *kc_config_service(const kiscrm_config *cfg)
{
	return cfg ? cfg->service : NULL;
}

int kc_service_product_find(const kc_service_config *s, const char *key)
{
	for (size_t i = 0; key && i < s->nproducts; i++)
		if (strcmp(s->products[i].key, key) == 0)
			return (int)i;
	return -1;
}

const kc_sla_policy *kc_sla_policy_of(const kc_service_config *s, int tier, int priority)
{
	return &s->policies[(size_t)tier * s->npriorities + (size_t)priority];
}
