/* What the packs share: the pack being built (database, document, language, dates), the
 * translation of codes, running a report into a section and cutting a report down to the
 * columns and rows a meeting reads. Built on the public API of the reports. */
#ifndef KC_PACKS_PACK_H
#define KC_PACKS_PACK_H

#include "kiscrm.h"
#include "kiscrm/doc.h"
#include "packs/doc_internal.h"

typedef struct kc_pack {
	kiscrm_db *db;
	kiscrm_doc *doc;
	const kiscrm_config *cfg;
	kiscrm_report_options base; /* the caller's options, current version */
	const char *lang;           /* "zh" or "en" */
	int zh, decimals;
	kiscrm_date as_of, week;    /* the date, and the first day of its week */
} kc_pack;

#define KC_T(p, zh_text, en_text) ((p)->zh ? (zh_text) : (en_text))

/* Column formats in a colmap: 0 takes the default of kc_doc_set_table(). */
enum { KC_F_DEFAULT = 0, KC_F_PLAIN, KC_F_PERCENT, KC_F_GAP };

/* A column taken over from a report: its source name, its heading in each language and
 * how it is shown. */
typedef struct kc_colmap {
	const char *src, *zh, *en;
	int fmt;
} kc_colmap;

typedef int (*kc_row_filter)(const kiscrm_table *t, size_t row, const void *arg);

/* What kc_pack_table takes from a report. */
typedef struct kc_extract {
	const kc_colmap *cols;
	size_t ncols;
	kc_row_filter keep;   /* NULL: every row */
	const void *arg;
	const size_t *rows;   /* NULL: in the report's order */
	size_t nrows;
	/* the kind a row gets (NULL: a grand total after detail rows keeps its rule, every
	 * other row is a detail row) */
	kiscrm_row_kind (*kind)(const kc_pack *p, const kiscrm_table *t, size_t row);
} kc_extract;

/* Codes shown by reports (won, slipped, healthy …) in the pack's language. */
const char *kc_pack_translate(const kc_pack *p, const char *key);
/* A text cell of column @column for display: stages and reason categories by their
 * configured names, other codes by kc_pack_translate. */
const char *kc_pack_display(const kc_pack *p, const char *column, const char *value);
const char *kc_pack_reason_name(const kc_pack *p, const char *key);

/* Report options of the pack: the caller's filters, the pack's date and language. */
void kc_pack_options(const kc_pack *p, kiscrm_report_options *o, const int *group, size_t ngroup, int period);

/* A new section titled in the pack's language; *s receives it. */
int kc_pack_section(kc_pack *p, const char *zh, const char *en, size_t *s);

/* Runs a report. 0 with *t set; 1 when it failed, with the library's message put as a
 * note under section s (the pack goes on); < 0 when the pack cannot go on (memory). */
int kc_pack_run(kc_pack *p, size_t s, kiscrm_table **t, const char *name, const kiscrm_report_options *o);
/* The answer of kc_pack_run for an error rc of a step of section s. */
int kc_pack_fail(kc_pack *p, size_t s, const char *what, int rc);

/* Cuts @src down (kc_extract) into section s's table; columns absent from the report are
 * left out. Text cells are translated; a total row's empty first cell reads 合计/Total. */
int kc_pack_table(kc_pack *p, size_t s, const kiscrm_table *src, const kc_extract *x);
/* A chart over section s's table, columns named by their sources in @cols. */
void kc_pack_chart(kc_pack *p, size_t s, int kind, const kc_colmap *cols, size_t ncols, const char *label,
		   const char *const *series, size_t nseries, const char *lines);
/* "无"/"none" under a section whose table has no row. */
int kc_pack_none_if_empty(kc_pack *p, size_t s);

int kc_pack_copy_cell(kiscrm_table *dst, size_t drow, size_t dcol, const kiscrm_table *src, size_t srow,
		      size_t scol);
/* Money as text with thousands separators in the currency's decimals. */
void kc_pack_money(const kc_pack *p, char *out, size_t size, int64_t v);

/* Row filters. */
int kc_pack_not_detail(const kiscrm_table *t, size_t row, const void *arg);
int kc_pack_is_detail(const kiscrm_table *t, size_t row, const void *arg);
/* Text column arg[0] equals arg[1] (arg: const char *const[2]). */
int kc_pack_text_is(const kiscrm_table *t, size_t row, const void *arg);

/* The packs' sections. */
int kc_pack_weekly(kc_pack *p);
int kc_pack_periodic(kc_pack *p, int period);
/* Sections shared by the packs. */
int kc_pack_gap_by_person(kc_pack *p);
int kc_pack_kpi_ranking(kc_pack *p, int period);
/* The weekly lists: last week's closes, snapshot changes, receivables, care, service. */
int kc_pack_won_lost(kc_pack *p);
int kc_pack_changes(kc_pack *p);
int kc_pack_receivables(kc_pack *p);
int kc_pack_care_overdue(kc_pack *p);
int kc_pack_service(kc_pack *p);

#endif
