/* kiscrm_pack(): builds a meeting pack by name. The date comes from the options or the
 * database's business date — the library keeps no clock, so a pack of a given day is the
 * same whenever it is made. */
#include "packs/pack.h"
#include "core/options.h"

#include <stdio.h>
#include <string.h>

static const char *const names[] = { "weekly", "monthly", "quarterly" };

/* Title and subtitle: which week, month or quarter, as of when, in which currency. */
static int titles(kc_pack *p, int which)
{
	char title[160], sub[256], d[16], from[16], to[16];
	int fy = kiscrm_config_fiscal_year_start(p->cfg), y, m, day;
	kiscrm_date_format(d, sizeof(d), p->as_of);
	const char *cur = kiscrm_config_currency(p->cfg);
	if (which == 0) {
		int iy, iw;
		kiscrm_date_iso_week(p->week, &iy, &iw);
		kiscrm_date_format(from, sizeof(from), p->week);
		snprintf(title, sizeof(title), KC_T(p, "周例会 · %d 年第 %d 周", "Weekly meeting · %d week %d"), iy, iw);
		snprintf(sub, sizeof(sub), KC_T(p, "%s 起 · 数据截至 %s · 金额单位：%s", "from %s · as of %s · money in %s"),
			 from, d, cur);
	} else {
		int period = which == 1 ? KISCRM_PERIOD_MONTH : KISCRM_PERIOD_QUARTER;
		kiscrm_date start = kiscrm_period_start(p->as_of, period, kiscrm_config_week_start(p->cfg), fy);
		kiscrm_date end = kiscrm_period_next(start, period) - 1;
		kiscrm_date_format(from, sizeof(from), start);
		kiscrm_date_format(to, sizeof(to), end);
		kiscrm_date_to_ymd(start, &y, &m, &day);
		if (which == 1)
			snprintf(title, sizeof(title), KC_T(p, "月度总结会 · %d 年 %d 月", "Monthly review · %d-%02d"), y, m);
		else
			snprintf(title, sizeof(title),
				 KC_T(p, "季度总结会 · %d 财年第 %d 季度", "Quarterly review · fiscal %d Q%d"),
				 kiscrm_date_fiscal_year(start, fy), kiscrm_date_fiscal_quarter(start, fy));
		snprintf(sub, sizeof(sub),
			 KC_T(p, "%s 至 %s · 数据截至 %s · 金额单位：%s", "%s to %s · as of %s · money in %s"), from, to, d,
			 cur);
	}
	return kc_doc_set_title(p->doc, title, sub);
}

int kiscrm_pack(kiscrm_doc **out, kiscrm_db *db, const char *name, const kiscrm_report_options *opts)
{
	kc_pack p;
	int which = -1, rc;
	if (!out || !db || !name)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_pack: %s is NULL", !out ? "out" : !db ? "db" : "name");
	*out = NULL;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(name, names[i]) == 0)
			which = (int)i;
	if (which < 0)
		return kc_error_set(KISCRM_ENOTFOUND, "no pack '%s' (packs: weekly, monthly, quarterly)", name);
	memset(&p, 0, sizeof(p));
	if ((rc = kc_options_copy(&p.base, opts, &kc_report_options_v)) < 0)
		return rc;
	p.lang = p.base.lang ? p.base.lang : "en";
	if (strcmp(p.lang, "zh") != 0 && strcmp(p.lang, "en") != 0)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_pack: language '%s' (zh or en)", p.lang);
	p.zh = strcmp(p.lang, "zh") == 0;
	p.db = db;
	p.cfg = kiscrm_db_config(db);
	p.decimals = kiscrm_config_currency_decimals(p.cfg);
	p.as_of = p.base.as_of != KISCRM_DATE_NONE ? p.base.as_of : kiscrm_db_today(db);
	if (p.as_of == KISCRM_DATE_NONE)
		return kc_error_set(KISCRM_EINVALID,
				    "kiscrm_pack: no date: set opts->as_of or the business date (kiscrm_db_set_today)");
	char d[16];
	if (kiscrm_date_format(d, sizeof(d), p.as_of) < 0)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_pack: as_of is not a date");
	p.week = kiscrm_date_week_start(p.as_of, kiscrm_config_week_start(p.cfg));
	if ((rc = kc_doc_new(&p.doc, p.zh, p.decimals)) < 0)
		return rc;
	p.doc->as_of = p.as_of;
	rc = titles(&p, which);
	if (!rc)
		rc = which == 0 ? kc_pack_weekly(&p)
				: kc_pack_periodic(&p, which == 1 ? KISCRM_PERIOD_MONTH : KISCRM_PERIOD_QUARTER);
	if (rc < 0) {
		kiscrm_doc_free(p.doc);
		return rc;
	}
	*out = p.doc;
	return KISCRM_OK;
}
