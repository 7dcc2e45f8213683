/*
 * `kiscrm meeting` and `kiscrm pack`: the meeting packs (周例会, monthly and quarterly
 * reviews). The library builds them (kiscrm_pack(), kiscrm/doc.h) and renders them, so the
 * CLI, an ERP program and Python show the same document; this file only reads options
 * and says where the result goes.
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

static const char meeting_help[] =
	"usage: kiscrm meeting [--pack weekly|monthly|quarterly] [--as-of YYYY-MM-DD]\n"
	"                      [--lang zh|en] [--format text|html|csv|xlsx] [--output FILE]\n"
	"       kiscrm pack weekly|monthly|quarterly [the same options]\n"
	"\n"
	"Prints a meeting pack as of the date (default: today), in Chinese by default or in\n"
	"English with --lang en. The weekly pack (周例会, the default) of the week containing\n"
	"the date:\n"
	"  1. eight-week rolling budget by department: last week's plan against what was\n"
	"     signed and collected, and the next eight weeks (report rolling-budget)\n"
	"  2. the next eight weeks of contracts and collections against the weekly targets\n"
	"     (rolling-gap)\n"
	"  3. this quarter's gap to target, strategy and pipeline sufficiency by person\n"
	"     (gap, sufficiency)\n"
	"  4. the sales funnel of the quarter and its shape diagnosis by department\n"
	"     (funnel, funnel-diagnosis)\n"
	"  5. last week's won and lost opportunities with their reasons\n"
	"  6. what changed since last week's snapshot (snapshot-diff)\n"
	"  7. overdue receivables by department and the largest overdue contracts (ageing)\n"
	"  8. overdue key-account care (care-due), overdue and escalated service requests\n"
	"     (service-sla), implementation milestones overdue or in crisis (milestones)\n"
	"  9. the KPI ranking of the month (kpi)\n"
	"The monthly and quarterly packs cover the month or fiscal quarter containing the date:\n"
	"targets against actual by dimension (targets), KPI scorecards and ranking (kpi), ABC\n"
	"and lifecycle movements (value-movements, lifecycle-movements), market-activity returns\n"
	"(campaign-roi), key-account care by person (care-people) and the open work and problem\n"
	"lists (work-review); the quarterly pack adds the gap and sufficiency by person.\n"
	"A section whose report cannot run shows the library's message and the pack goes on.\n"
	"\n"
	"  --format F     text (default; fits 120 columns), html (one self-contained page with\n"
	"                 SVG charts, for a browser or printing), csv (sections one after the\n"
	"                 other), xlsx (one sheet per section; needs --output)\n"
	"  --output FILE  write FILE (through a temporary file renamed into place) instead of\n"
	"                 standard output\n";

static int run_pack(cli *c, const char *pack, int argc, char **argv, int first)
{
	const char *v, *lang = NULL, *format = "text", *output = NULL;
	kiscrm_date as_of = KISCRM_DATE_NONE;
	for (int i = first; i < argc; i++) {
		if (cli_is_help(argv[i])) {
			fputs(meeting_help, stdout);
			return 0;
		} else if ((v = cli_opt(argc, argv, &i, "--as-of"))) {
			if (kiscrm_date_parse(&as_of, v) < 0)
				return cli_usage("--as-of: '%s' is not a date (YYYY-MM-DD)", v);
		} else if ((v = cli_opt(argc, argv, &i, "--lang"))) {
			if (strcmp(v, "zh") != 0 && strcmp(v, "en") != 0)
				return cli_usage("--lang must be zh or en, not '%s'", v);
			lang = v;
		} else if (first == 1 && (v = cli_opt(argc, argv, &i, "--pack"))) {
			pack = v;
		} else if ((v = cli_opt(argc, argv, &i, "--format"))) {
			format = v;
		} else if ((v = cli_opt(argc, argv, &i, "--output"))) {
			output = v;
		} else
			return cli_usage("%s: unknown option '%s'", argv[0], argv[i]);
	}
	if (strcmp(pack, "weekly") != 0 && strcmp(pack, "monthly") != 0 && strcmp(pack, "quarterly") != 0)
		return cli_usage("the pack must be weekly, monthly or quarterly, not '%s'", pack);
	if (strcmp(format, "text") != 0 && strcmp(format, "html") != 0 && strcmp(format, "csv") != 0 &&
	    strcmp(format, "xlsx") != 0)
		return cli_usage("--format must be text, html, csv or xlsx, not '%s'", format);
	if (strcmp(format, "xlsx") == 0 && !output)
		return cli_usage("--format xlsx needs --output FILE");
	if (output && !*output)
		return cli_usage("--output: the file name is empty");
	if (cli_open(c))
		return 1;

	kiscrm_report_options o;
	kiscrm_report_options_init(&o, KISCRM_REPORT_OPTIONS_VERSION);
	o.as_of = as_of; /* NONE: the business date, today's date set by cli_open */
	/* Chinese unless asked otherwise, here or by the global --lang. */
	o.lang = lang ? lang : c->lang_given ? c->lang : "zh";
	kiscrm_doc *doc = NULL;
	if (kiscrm_pack(&doc, c->db, pack, &o) < 0)
		return cli_fail("meeting");
	int rc = 0;
	if (output) {
		if (kiscrm_doc_write_file(doc, output, format) < 0)
			rc = cli_fail(output);
	} else {
		kiscrm_buf out = KISCRM_BUF_INIT;
		if (kiscrm_doc_render(&out, doc, format) < 0)
			rc = cli_fail("meeting");
		else if (out.size && fwrite(out.ptr, 1, out.size, stdout) != out.size)
			rc = 1;
		kiscrm_buf_dispose(&out);
	}
	kiscrm_doc_free(doc);
	return rc;
}

int cmd_meeting(cli *c, int argc, char **argv)
{
	return run_pack(c, "weekly", argc, argv, 1);
}

int cmd_pack(cli *c, int argc, char **argv)
{
	if (argc >= 2 && cli_is_help(argv[1])) {
		fputs(meeting_help, stdout);
		return 0;
	}
	if (argc < 2 || argv[1][0] == '-')
		return cli_usage("pack: which pack? weekly, monthly or quarterly");
	return run_pack(c, argv[1], argc, argv, 2);
}
