/* service.yaml → kc_service_config. The user's file replaces the default section by
 * section, so the defaults live in data/service.yaml only. Every error names the file,
 * line and field: a tier or priority a policy names that does not exist, a missing
 * policy, working hours that overlap, a day both holiday and make-up day. */
#include "config/service_config.h"
#include "config/config_internal.h"
#include "core/error.h"
#include "kiscrm/date.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int read_named(kc_named **out, size_t *n, const kc_yaml_node *seq, const char *what)
{
	static const char *const keys[] = { "key", "zh", "en", NULL };
	int rc;
	size_t count = kc_yaml_count(seq);
	if (count == 0)
		return kc_yaml_error(seq, "name at least one %s", what);
	if (!(*out = calloc(count, sizeof(**out))))
		return kc_error_oom();
	for (size_t i = 0; i < count; i++) {
		const kc_yaml_node *item = kc_yaml_item(seq, i);
		kc_named *x = &(*out)[i];
		if ((rc = kc_yaml_map_check(item, keys)) < 0 || (rc = kc_yaml_get_ident(&x->key, item, "key", KC_YAML_REQUIRED)) < 0 ||
		    (rc = kc_yaml_get_text(&x->zh, item, "zh", KC_YAML_REQUIRED)) < 0 ||
		    (rc = kc_yaml_get_text(&x->en, item, "en", KC_YAML_REQUIRED)) < 0)
			return rc;
		if (kc_named_find(*out, i, x->key) >= 0)
			return kc_yaml_error(kc_yaml_map_get(item, "key"), "%s '%s' is defined twice", what, x->key);
		*n = i + 1;
	}
	return KISCRM_OK;
}

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
	    (rc = read_named(&s->tiers, &s->ntiers, items, "tier")) < 0 ||
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
	static const char *const top[] = { "catalogue", "tiers", "priorities", "sla", "escalation", "calendar", NULL };
	kc_service_config *s = calloc(1, sizeof(*s));
	const kc_yaml_node *n;
	int rc;
	if (!s)
		return kc_error_oom();
	cfg->service = s; /* on failure the caller frees cfg, and s with it */
	if ((rc = kc_config_load_file_or_default(NULL, "service.yaml", &s->docs[1])) < 0 ||
	    (rc = kc_config_load_file_or_default(dir, "service.yaml", &s->docs[0])) < 0 ||
	    (rc = kc_yaml_map_check(s->docs[0]->root, top)) < 0 || (rc = read_catalogue(s, section(s, "catalogue"))) < 0 ||
	    (rc = read_tiers(s, section(s, "tiers"))) < 0)
		return rc;
	if ((rc = kc_yaml_expect(n = section(s, "priorities"), KC_YAML_SEQUENCE)) < 0 ||
	    (rc = read_named(&s->priorities, &s->npriorities, n, "priority")) < 0 ||
	    (rc = read_sla(s, section(s, "sla"))) < 0 || (rc = read_escalation(s, section(s, "escalation"))) < 0)
		return rc;
	return read_calendar(s, section(s, "calendar"));
}

void kc_service_config_free(kiscrm_config *cfg)
{
	kc_service_config *s = cfg->service;
	if (!s)
		return;
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

int kc_named_find(const kc_named *list, size_t n, const char *key)
{
	for (size_t i = 0; key && i < n; i++)
		if (strcmp(list[i].key, key) == 0)
			return (int)i;
	return -1;
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
